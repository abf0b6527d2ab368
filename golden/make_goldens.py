#!/usr/bin/env python3
"""Regenerates golden/iterators.json and golden/corpus.json with the chapter's own Python code.

Python 3 only, no framework: `data_iter_random` and `data_iter_consecutive` below are the chapter's
In [6] and In [8] with `nd.array` replaced by plain lists. Run from the repository root:

    python3 golden/make_goldens.py [../shared/data]
"""
import hashlib
import json
import random
import sys
import zipfile


def data_iter_random(corpus_indices, batch_size, num_steps):
    num_examples = (len(corpus_indices) - 1) // num_steps
    epoch_size = num_examples // batch_size
    example_indices = list(range(num_examples))
    random.shuffle(example_indices)

    def _data(pos):
        return corpus_indices[pos: pos + num_steps]

    for i in range(epoch_size):
        i = i * batch_size
        batch_indices = example_indices[i: i + batch_size]
        data = [_data(j * num_steps) for j in batch_indices]
        label = [_data(j * num_steps + 1) for j in batch_indices]
        yield data, label


def data_iter_consecutive(corpus_indices, batch_size, num_steps):
    data_len = len(corpus_indices)
    batch_len = data_len // batch_size
    indices = [corpus_indices[b * batch_len:(b + 1) * batch_len] for b in range(batch_size)]
    epoch_size = (batch_len - 1) // num_steps
    for i in range(epoch_size):
        i = i * num_steps
        data = [row[i: i + num_steps] for row in indices]
        label = [row[i + 1: i + num_steps + 1] for row in indices]
        yield data, label


def batches(it):
    return [{"data": d, "label": l} for d, l in it]


# (corpus length, batch size, num steps): the chapter's toy input, a length that leaves a
# remainder for both samplers, batch 1, and one step.
SHAPES = [(30, 2, 3), (47, 3, 4), (20, 1, 5), (12, 4, 1)]
SEEDS = [0, 1, 42, 2017, 20030]
EPOCHS = 2


def iterator_goldens():
    cases = []
    for length, batch_size, num_steps in SHAPES:
        seq = list(range(length))
        case = {"length": length, "batchSize": batch_size, "numSteps": num_steps}
        case["consecutive"] = batches(data_iter_consecutive(seq, batch_size, num_steps))
        case["random"] = []
        for seed in SEEDS:
            random.seed(seed)
            epochs = [batches(data_iter_random(seq, batch_size, num_steps)) for _ in range(EPOCHS)]
            case["random"].append({"seed": seed, "epochs": epochs})
        cases.append(case)
    return cases


def read_corpus(data_dir, version, corpus_chars):
    """In [1]-[5]: a corpus version as the chapter reads it. Returns the whole text (as open() in
    text mode reads it), the sorted vocab of its first corpus_chars characters (newlines as
    spaces), and those characters' indices."""
    with zipfile.ZipFile(f"{data_dir}/jaychou_lyrics-{version}.txt.zip") as z:
        text = z.read("jaychou_lyrics.txt").decode("utf-8")
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # open() in text mode
    chars = text.replace("\n", " ").replace("\r", " ")[0:corpus_chars]
    idx_to_char = sorted(set(chars))
    char_to_idx = {c: i for i, c in enumerate(idx_to_char)}
    return text, idx_to_char, [char_to_idx[c] for c in chars]


def corpus_goldens(data_dir):
    out = {}
    for version in ["2017", "2018"]:
        text, idx_to_char, indices = read_corpus(data_dir, version, 20000)
        out[version] = {
            "chars": len(text),
            "first49": text[0:49],
            "vocabSize": len(idx_to_char),
            "vocabSha256": hashlib.sha256("".join(idx_to_char).encode("utf-8")).hexdigest(),
            "first40Indices": indices[:40],
            "indicesSha256": hashlib.sha256(",".join(map(str, indices)).encode()).hexdigest(),
        }
    return out


def main():
    data_dir = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
    with open("golden/chapter_toy_batches.json") as f:
        chapter = json.load(f)
    iters = iterator_goldens()
    toy = iters[0]
    seed_20030 = next(r for r in toy["random"] if r["seed"] == 20030)
    assert seed_20030["epochs"][0] == chapter["random"]["batches"], "seed 20030 != chapter In [7]"
    assert toy["consecutive"] == chapter["consecutive"]["batches"], "consecutive != chapter In [9]"
    generator = "python3 golden/make_goldens.py (CPython %s)" % sys.version.split()[0]
    for name, payload in [("iterators", {"generator": generator, "cases": iters}),
                          ("corpus", {"generator": generator, "versions": corpus_goldens(data_dir)})]:
        with open(f"golden/{name}.json", "w", encoding="utf-8") as f:
            json.dump(payload, f, ensure_ascii=False, indent=1)
            f.write("\n")
    print("wrote golden/iterators.json and golden/corpus.json")


if __name__ == "__main__":
    main()
