import assert from "node:assert/strict";
import { shellWord } from "./flag_values.ts";

Deno.test("shellWord: a path as one word of a command to paste, quoted only where the shell needs it", () => {
  assert.equal(
    shellWord("/tmp/runs/2026-12-02T08-36-59-000Z"),
    "/tmp/runs/2026-12-02T08-36-59-000Z",
  );
  assert.equal(shellWord("/tmp/my runs/a"), "'/tmp/my runs/a'");
  assert.equal(shellWord("/tmp/it's"), "'/tmp/it'\\''s'");
  assert.equal(shellWord("$HOME/*"), "'$HOME/*'");
});
