import assert from "node:assert/strict";
import { visible } from "./feedback.ts";

Deno.test("control characters are shown escaped, tab and newline kept", () => {
  assert.equal(
    visible("a\tb\nc\x1b[2J\rd\x07\x9b\u202eé分"),
    "a\tb\nc\\x1b[2J\\x0dd\\x07\\x9b\\u202eé分",
  );
});
