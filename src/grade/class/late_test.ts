// The late policy's arithmetic: windows read from --late, the credit at the edges of the
// deadline and of each window, Gradescope's times, and refusals in one line.

import assert from "node:assert/strict";
import { creditFor, formatHours, gradescopeTime, parseTime, parseWindows } from "./late.ts";

Deno.test("credit: on time up to the deadline itself, each window up to its end, nothing after", () => {
  const windows = parseWindows("1d:80%,3d:50%");
  assert.deepEqual(windows, [{ hours: 24, credit: 0.8 }, { hours: 72, credit: 0.5 }]);
  const second = 1 / 3600;
  assert.equal(creditFor(0, windows), 1);
  assert.equal(creditFor(second, windows), 0.8);
  assert.equal(creditFor(24, windows), 0.8);
  assert.equal(creditFor(24 + second, windows), 0.5);
  assert.equal(creditFor(72, windows), 0.5);
  assert.equal(creditFor(72 + second, windows), 0);
  assert.equal(creditFor(second, []), 0); // no --late: nothing after the deadline
  assert.deepEqual(parseWindows("30m:100%,2h:90%,1w:10%").map((w) => w.hours), [0.5, 2, 168]);
});

Deno.test("times: ISO with an offset only; Gradescope's metadata format read", () => {
  assert.equal(
    parseTime("2026-03-01T23:59:00+01:00", "t").toISOString(),
    "2026-03-01T22:59:00.000Z",
  );
  assert.throws(
    () => parseTime("2026-03-01T23:59:00", "--deadline"),
    /--deadline: '2026-03-01T23:59:00' is not a time with its offset/,
  );
  assert.throws(() => parseTime("tomorrow", "x"), /is not a time with its offset/);
  assert.equal(
    gradescopeTime("2024-01-01 10:00:00.123456789 -08:00"),
    "2024-01-01T10:00:00.123-08:00",
  );
  assert.equal(gradescopeTime("2024-01-01 10:00:00 +0530"), "2024-01-01T10:00:00.000+05:30");
  assert.equal(gradescopeTime("yesterday"), undefined);
  assert.deepEqual([formatHours(1 / 3600), formatHours(0.75), formatHours(26.05)], [
    "1s",
    "45m",
    "26h03m",
  ]);
  assert.throws(() => parseWindows("1d"), /--late must be windows like 1d:80%,3d:50%/);
  assert.throws(() => parseWindows("1d:80%,1d:50%"), /the windows must grow longer/);
});
