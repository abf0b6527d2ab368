import assert from "node:assert/strict";
import { zipSync } from "fflate";
import { join } from "node:path";
import { loadCorpus, resolveCorpus } from "./corpus.ts";
import { prepareCorpus, readCorpusZip } from "./read_corpus.ts";
import { buildVocab, encode } from "./vocab.ts";
import { DATASETS } from "./registry.ts";
import { UsageError } from "../errors.ts";
import { chapterCorpusCheck, corpusChecks } from "../verify/checks.ts";
import type { ChapterPrinted, CorpusGolden } from "../verify/goldens.ts";
import { sha256Hex } from "../io/sha256.ts";
import { readGolden, SHARED } from "../testing.ts";

const sharedData = `${SHARED}data`;
const noFetch = { fetch: null, env: undefined };

function zipOf(files: Record<string, Uint8Array>): Uint8Array<ArrayBuffer> {
  return new Uint8Array(zipSync(files));
}

async function tempDir(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "rnnlab-corpus-" });
}

Deno.test("both corpus versions: length, first 49 characters, vocabulary and indices as CPython computes them", async () => {
  const checks = await corpusChecks(readGolden<CorpusGolden>("corpus.json"), {
    searchDirs: [sharedData],
  });
  assert.deepEqual(checks.map((c) => [c.name, c.status]), [["corpus 2017", "ok"], [
    "corpus 2018",
    "ok",
  ]]);
});

Deno.test("corpus 2017 matches what the chapter printed (In [1], [2], [4], [5])", async () => {
  const check = await chapterCorpusCheck(readGolden<ChapterPrinted>("chapter_printed.json"), {});
  assert.equal(check.status, "ok", `${check.measured} vs ${check.expected}: ${check.worst}`);
});

Deno.test("prepareCorpus counts code points and turns both newline kinds into spaces", () => {
  assert.deepEqual(prepareCorpus("a\n😀b\rc", 4), ["a", " ", "😀", "b"]);
  assert.throws(() => prepareCorpus("abc", 0), RangeError);
});

Deno.test("buildVocab sorts by code point like Python's sorted(set(s)), not by UTF-16 unit", () => {
  // U+1F600 sorts after U+FF01 by code point, before it by UTF-16 code unit.
  assert.deepEqual(buildVocab(["！", "😀", "a", "！"]).idxToChar, ["a", "！", "😀"]);
  assert.throws(() => encode(["z"], buildVocab(["a"])), /"z" is not in the vocabulary/);
});

Deno.test("readCorpusZip reads Python's universal newlines and rejects bad archives", () => {
  const enc = new TextEncoder();
  const ok = zipOf({ "jaychou_lyrics.txt": enc.encode("a\r\nb\rc\n") });
  assert.equal(readCorpusZip(ok, "x.zip"), "a\nb\nc\n");
  assert.throws(() => readCorpusZip(enc.encode("not a zip"), "x.zip"), (e: Error) => {
    assert.ok(e instanceof UsageError);
    assert.match(e.message, /x\.zip is not a readable zip archive/);
    return true;
  });
  const wrongEntry = zipOf({ "other.txt": enc.encode("a") });
  assert.throws(
    () => readCorpusZip(wrongEntry, "x.zip"),
    /has no jaychou_lyrics\.txt \(entries: other\.txt\)/,
  );
  const latin1 = zipOf({ "jaychou_lyrics.txt": new Uint8Array([0x61, 0xe9, 0x62]) });
  assert.throws(() => readCorpusZip(latin1, "x.zip"), /is not valid UTF-8/);
});

Deno.test("resolveCorpus: flag, then variable, then the search folders, in that order", async () => {
  const file2018 = join(sharedData, DATASETS["2018"].fileName);
  const viaFlag = await resolveCorpus({ data: file2018, env: sharedData, fetch: null });
  assert.equal(viaFlag.source.dataset?.version, "2018");
  const viaEnv = await resolveCorpus({ env: sharedData, searchDirs: [], fetch: null });
  assert.equal(viaEnv.source.path, join(sharedData, DATASETS["2017"].fileName));
  const viaSearch = await resolveCorpus({ searchDirs: ["/nonexistent", sharedData], ...noFetch });
  assert.equal(viaSearch.source.dataset?.version, "2017");
});

Deno.test("resolveCorpus: a missing corpus names every place it looked", async () => {
  const dir = await tempDir();
  await assert.rejects(
    resolveCorpus({ searchDirs: [dir], ...noFetch }),
    (e: Error) => {
      assert.ok(e instanceof UsageError);
      assert.match(e.message, /corpus jaychou_lyrics-2017\.txt\.zip not found; looked in: /);
      assert.match(e.message, /--data \(not set\); \$RNNLAB_DATA \(not set\)/);
      assert.ok(e.message.includes(join(dir, "jaychou_lyrics-2017.txt.zip")));
      assert.ok(e.message.includes(`${DATASETS["2017"].url} (download disabled)`));
      assert.ok(!e.message.includes("\n"));
      return true;
    },
  );
  await assert.rejects(resolveCorpus({ data: join(dir, "nope.zip"), ...noFetch }), /no such file/);
  await assert.rejects(
    resolveCorpus({ data: dir, ...noFetch }),
    /folder has no jaychou_lyrics-2017/,
  );
});

Deno.test("resolveCorpus: a file under a version's name must carry its digest (both shown)", async () => {
  const dir = await tempDir();
  await Deno.writeFile(join(dir, DATASETS["2017"].fileName), new Uint8Array([1, 2, 3]));
  const wrong = await sha256Hex(new Uint8Array([1, 2, 3]));
  await assert.rejects(
    resolveCorpus({ searchDirs: [dir], ...noFetch }),
    new RegExp(`checksum mismatch .*sha256 ${wrong}, expected ${DATASETS["2017"].sha256}`),
  );
  const file2018 = join(sharedData, DATASETS["2018"].fileName);
  await assert.rejects(
    resolveCorpus({ data: file2018, dataset: "2017", ...noFetch }),
    /checksum mismatch .* is corpus 2018, expected 182180582bd7/,
  );
  await assert.rejects(resolveCorpus({ dataset: "1999", ...noFetch }), /unknown --dataset 1999/);
});

Deno.test("resolveCorpus: an unknown corpus runs only with allowUnknownData, its digest recorded", async () => {
  const dir = await tempDir();
  const path = join(dir, "mine.zip");
  const bytes = zipOf({ "jaychou_lyrics.txt": new TextEncoder().encode("你好 世界") });
  await Deno.writeFile(path, bytes);
  await assert.rejects(
    resolveCorpus({ data: path, ...noFetch }),
    /unknown corpus .*--allow-unknown-data/,
  );
  const corpus = await loadCorpus({ data: path, allowUnknownData: true, ...noFetch });
  assert.equal(corpus.source.dataset, undefined);
  assert.equal(corpus.source.sha256, await sha256Hex(bytes));
  assert.equal(corpus.text, "你好 世界");
});

Deno.test("a truncated zip is refused for what it is, never with the --allow-unknown-data that cannot help", async () => {
  const dir = await tempDir();
  const whole = await Deno.readFile(join(sharedData, DATASETS["2017"].fileName));
  const fake = zipOf({ "jaychou_lyrics.txt": new TextEncoder().encode("你好 世界".repeat(50)) });
  for (const bytes of [whole, fake]) {
    for (const fraction of [0, 0.01, 0.3, 0.77, 0.999]) {
      const path = join(dir, "cut.zip");
      await Deno.writeFile(path, bytes.slice(0, Math.floor(bytes.length * fraction)));
      const refused = await loadCorpus({ data: path, ...noFetch }).then(
        () => assert.fail(`a zip cut at ${fraction} was read`),
        (err: Error) => err,
      );
      assert.ok(refused instanceof UsageError, refused.stack);
      assert.match(refused.message, /cut\.zip is not a readable zip archive/);
      assert.doesNotMatch(refused.message, /allow-unknown-data/);
      await assert.rejects( // the flag would not have helped: the same refusal
        loadCorpus({ data: path, allowUnknownData: true, ...noFetch }),
        (err: Error) => err.message === refused.message,
      );
    }
  }
});

Deno.test("resolveCorpus: downloads only the pinned URL, verifies it, caches it atomically", async () => {
  const dir = await tempDir();
  const good = await Deno.readFile(join(sharedData, DATASETS["2017"].fileName));
  const asked: string[] = [];
  const fakeFetch = (body: Uint8Array<ArrayBuffer>) => (url: string | URL | Request) => {
    asked.push(String(url));
    return Promise.resolve(new Response(body));
  };
  const cacheDir = join(dir, "data");
  const got = await resolveCorpus({
    searchDirs: [],
    env: undefined,
    cacheDir,
    fetch: fakeFetch(good) as typeof fetch,
  });
  assert.deepEqual(asked, [DATASETS["2017"].url]);
  assert.equal(got.source.cachedAt, join(cacheDir, DATASETS["2017"].fileName));
  assert.deepEqual(await Deno.readFile(got.source.cachedAt!), good);
  assert.deepEqual([...Deno.readDirSync(cacheDir)].map((e) => e.name), [DATASETS["2017"].fileName]);
  await assert.rejects(
    resolveCorpus({
      searchDirs: [],
      env: undefined,
      cacheDir: join(dir, "other"),
      fetch: fakeFetch(new Uint8Array([9])) as typeof fetch,
    }),
    /checksum mismatch for https:\/\/raw\.githubusercontent\.com\/.*expected 182180582bd7/,
  );
});
