// End to end, as a user runs it: a fresh small training run → deno task export → deno task generate.

import assert from "node:assert/strict";
import { join } from "node:path";
import { hasCudaProvider } from "../src/infer/cuda_setup.ts";
import { readRnnModel } from "../src/onnx/model.ts";
import { RUN_FILES, type RunRecord } from "../src/run/record.ts";
import { pathWithPythonLacking, pythonCanImport, runTask, SHARED } from "./_helpers.ts";
import { findPython } from "../src/io/python.ts";
import { hasVulkanLoader } from "../src/infer/vulkan.ts";
import { EXIT } from "../src/errors.ts";

const hasOnnx = await pythonCanImport("onnx");
const noOnnx = await pathWithPythonLacking(["onnx"]);

/** Asserts a task failed with exit code 2 and exactly one line on stderr, and returns it. */
function oneLineError(r: { code: number; stderr: string }): string {
  assert.equal(r.code, EXIT.usage, r.stderr);
  const lines = r.stderr.trim().split("\n");
  assert.equal(lines.length, 1, r.stderr);
  return lines[0];
}

Deno.test("export → generate, end to end from a fresh small training run", async (t) => {
  const tmp = await Deno.makeTempDir({ prefix: "rnnlab-onnx-" });
  const run = join(tmp, "run");
  const trained = await runTask("train", [
    "--preset",
    "small",
    "--backend",
    "cpu",
    "--data",
    `${SHARED}data`,
    "--out",
    run,
  ]);
  assert.equal(trained.code, EXIT.ok, trained.stderr);
  const record: RunRecord = JSON.parse(await Deno.readTextFile(join(run, RUN_FILES.record)));
  try {
    await t.step(
      "export: DIR/model.onnx by default, atomically, with the run's metadata",
      async () => {
        const r = await runTask("export", ["--run", run]);
        assert.equal(r.code, EXIT.ok, r.stderr);
        assert.match(
          r.stdout,
          /^Wrote .*model\.onnx \(\d+ bytes; vocab \d+, hidden 32; ONNX IR 8, opset 17\)/,
        );
        const { metadata, vocab } = await readRnnModel(join(run, "model.onnx"));
        assert.deepEqual(vocab, record.vocab);
        assert.deepEqual(JSON.parse(metadata.train_config), record.config);
        assert.equal(metadata.seed, String(record.config.seed));
        assert.equal(metadata.dataset_sha256, record.dataset.sha256);
        assert.equal(metadata.dataset_version, record.dataset.version);
        assert.equal(Number(metadata.final_perplexity), record.finalPerplexity);
        const names = [...Deno.readDirSync(run)].map((e) => e.name);
        assert.deepEqual(names.filter((n) => n.endsWith(".tmp")), []);
      },
    );

    await t.step("export → generate: onnxruntime repeats the run's own predictions", async () => {
      const model = join(tmp, "custom.onnx");
      assert.equal((await runTask("export", ["--run", run, "--out", model])).code, EXIT.ok);
      for (const { prefix, text } of record.predictions) {
        const args = [
          "--model",
          model,
          "--prefix",
          prefix,
          "--chars",
          String(record.config.predLen),
        ];
        const r = await runTask("generate", [...args, "--ep", "cpu"]);
        assert.equal(r.code, EXIT.ok, r.stderr);
        assert.deepEqual(r.stdout.split("\n"), ["execution provider: cpu", text, ""]);
      }
    });

    await t.step(
      "generate --ep auto names the provider that ran and why the others were skipped",
      async () => {
        const r = await runTask("generate", [
          "--model",
          join(run, "model.onnx"),
          "--prefix",
          "分开",
          "--chars",
          "5",
        ]);
        assert.equal(r.code, EXIT.ok, r.stderr);
        // Only its own lines: no native warning (Dawn's, on a machine without Vulkan) on stderr.
        assert.equal(r.stderr, "");
        const lines = r.stdout.trim().split("\n");
        assert.match(lines[0], /^execution provider: (cuda|webgpu|cpu)$/);
        if (!hasVulkanLoader()) {
          assert.match(lines[2], /^ {2}skipped webgpu: no Vulkan loader \(libvulkan\.so\.1\), /);
          const webgpu = await runTask("generate", [
            ...["--model", join(run, "model.onnx"), "--prefix", "分开", "--ep", "webgpu"],
          ]);
          assert.equal(webgpu.code, EXIT.usage);
          assert.match(
            webgpu.stderr,
            /^error: --ep webgpu is unavailable here \(no Vulkan loader [^\n]*\)\n$/,
          );
        }
        if (!hasCudaProvider()) {
          assert.match(lines[1], /^ {2}skipped cuda: .*Failed to load shared library/);
        }
        if (lines[0].endsWith("cpu")) assert.match(lines[2], /^ {2}skipped webgpu: ./);
        assert.equal(Array.from(lines[lines.length - 1]).length, 2 + 5 + 1);
      },
    );

    await t.step({
      name: "generate --ep cuda without the CUDA provider fails loudly: one line, exit 2",
      ignore: hasCudaProvider(),
      fn: async () => {
        const r = await runTask("generate", [
          "--model",
          join(run, "model.onnx"),
          "--prefix",
          "分开",
          "--ep",
          "cuda",
        ]);
        assert.match(oneLineError(r), /^error: --ep cuda is unavailable here \(/);
        assert.equal(r.stdout, "");
      },
    });

    await t.step("generate: bad input is one line and exit 2", async () => {
      const model = join(run, "model.onnx");
      const cases: [string[], RegExp][] = [
        [["--prefix", "分开"], /--model FILE is required/],
        [["--model", model], /--prefix TEXT is required/],
        [["--model", join(tmp, "none.onnx"), "--prefix", "分开"], /model .*none\.onnx: not found/],
        [["--model", join(run, RUN_FILES.record), "--prefix", "分开"], /is not an ONNX model/],
        [
          ["--model", model, "--prefix", "战争中部队"],
          /--prefix: .*"战" \(U\+6218\), which is not in the vocabulary/,
        ],
        [["--model", model, "--prefix", "分开", "--chars", "x"], /--chars must be an integer/],
        [
          ["--model", model, "--prefix", "分开", "--ep", "tpu"],
          /--ep must be one of auto, cuda, webgpu, cpu/,
        ],
        [
          ["--model", model, "--prefix", "分开", "--bogus"],
          /unknown flag --bogus; the nearest known flag is --/,
        ],
      ];
      for (const [args, message] of cases) {
        assert.match(oneLineError(await runTask("generate", args)), message);
      }
    });

    await t.step("export: a missing or incomplete run folder is one line and exit 2", async () => {
      const partial = join(tmp, "partial");
      await Deno.mkdir(partial);
      await Deno.copyFile(join(run, RUN_FILES.record), join(partial, RUN_FILES.record));
      const tampered = join(tmp, "tampered");
      await Deno.mkdir(tampered);
      await Deno.copyFile(join(run, RUN_FILES.record), join(tampered, RUN_FILES.record));
      await Deno.writeFile(join(tampered, RUN_FILES.params), new Uint8Array(16));
      const cases: [string[], RegExp][] = [
        [[], /--run DIR is required/],
        [["--run", join(tmp, "nowhere")], /run folder .*nowhere does not exist/],
        [["--run", join(run, RUN_FILES.record)], /run folder .*run\.json is not a folder/],
        [["--run", partial], /run folder .*partial is incomplete: params\.safetensors missing/],
        [["--run", tampered], /params\.safetensors does not match run\.json's digest/],
        [
          ["--run", run, "--out", join(tmp, "no", "such", "dir", "m.onnx")],
          /--out .* cannot be written/,
        ],
      ];
      for (const [args, message] of cases) {
        assert.match(oneLineError(await runTask("export", args)), message);
      }
      assert.deepEqual([...Deno.readDirSync(partial)].map((e) => e.name), [RUN_FILES.record]);
    });

    await t.step(
      "export --check prints the parity checks, all ok (onnx.checker's skipped where no Python has onnx)",
      async () => {
        const r = await runTask("export", [
          "--run",
          run,
          "--out",
          join(tmp, "checked.onnx"),
          "--check",
        ]);
        assert.equal(r.code, EXIT.ok, r.stdout + r.stderr);
        // A check's row: its line, and the lines below it that go on (indented).
        const rows = r.stdout.trim().split(/\n(?! )/).filter((l) => l.startsWith("onnx"));
        assert.ok(rows.length >= 1 + 2 + record.config.prefixes.length, r.stdout);
        const checker = hasOnnx ? /\s+ok\s+onnx \d/ : /\s+skip\s+no Python with onnx/;
        for (const row of rows) {
          assert.match(row, row.startsWith("onnx.checker") ? checker : /\s+ok\s+/);
        }
        assert.match(
          r.stdout,
          new RegExp(`^\\d+ passed, 0 failed, ${hasOnnx ? 0 : 1} skipped$`, "m"),
        );
      },
    );

    await t.step({
      name:
        "export --check with a python3 that lacks onnx first on PATH: the checker runs in Debian's python3 where it has onnx, else its row is skipped naming both, exit 0",
      ignore: noOnnx === undefined,
      fn: async () => {
        const r = await runTask(
          "export",
          ["--run", run, "--out", join(tmp, "fresh.onnx"), "--check"],
          { env: { PATH: noOnnx! } },
        );
        assert.equal(r.code, EXIT.ok, r.stdout + r.stderr);
        const debian = await findPython("onnx", ["/usr/bin/python3"]);
        assert.match(
          r.stdout,
          debian.python === undefined
            ? /^onnx\.checker accepts the export \(dev check\)\s+skip\s+no Python with onnx \(tried\s+python3\s+\(no\s+onnx\s+package\),\s+\/usr\/bin\/python3\s+\(/m
            : /^onnx\.checker accepts the export \(dev check\)\s+ok\s+onnx \d/m,
        );
        assert.match(
          r.stdout,
          new RegExp(
            `^\\d+ passed, 0 failed, ${debian.python === undefined ? 1 : 0} skipped$`,
            "m",
          ),
        );
      },
    });
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }
});
