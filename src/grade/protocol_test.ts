import assert from "node:assert/strict";
import { ChannelReader } from "./protocol.ts";

const bytes = (s: string) => new TextEncoder().encode(s);

Deno.test("only lines with the nonce are messages; the rest is output, passed on as it comes", () => {
  const reader = new ChannelReader("n0nce", 1000);
  const events = [
    ...reader.push(
      bytes(
        'hello\n{"t":"done"}\nnonce {"t":"done"}\n\nn0nce {"t":"result","case":0,"value":[1]}\npart',
      ),
    ),
    ...reader.push(bytes("ial\nn0")),
    ...reader.push(bytes('nce {"t":"do')),
    ...reader.push(bytes('ne"}\n')),
    ...reader.end(),
  ];
  assert.deepEqual(events, [
    { kind: "output", text: 'hello\n{"t":"done"}\nnonce {"t":"done"}\n' },
    {
      kind: "message",
      message: { t: "result", case: 0, value: [1] },
      json: '{"t":"result","case":0,"value":[1]}',
    },
    { kind: "output", text: "part" },
    { kind: "output", text: "ial" },
    { kind: "message", message: { t: "done" }, json: '{"t":"done"}' },
  ]);
  // A line that cannot be a message is passed on at once, newline or not: nothing piles up.
  const long = new ChannelReader("n0nce", 1 << 20);
  assert.deepEqual(long.push(bytes("x".repeat(1000))), [{
    kind: "output",
    text: "x".repeat(1000),
  }]);
  assert.deepEqual(long.push(bytes("\nn0n")), [{ kind: "output", text: "" }].slice(1));
  assert.deepEqual(long.end(), [{ kind: "output", text: "\nn0n" }]);
  assert.throws(
    () => new ChannelReader("n", 1000).push(bytes('\nn {"t":"result","case":"0","value":1}\n')),
    /bad case index/,
  );
  assert.throws(
    () => new ChannelReader("n", 1000).push(bytes('\nn {"t":"done","score":100}\n')),
    /malformed message/,
  );
  assert.throws(() => new ChannelReader("n", 10).push(bytes("x".repeat(11))), /more than 10 bytes/);
});
