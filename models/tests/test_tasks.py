"""The recall tasks (models/tasks.py): labels are right, answers sit in the last 64 bytes, and the TypeScript
generator (src/tasks, run through tsx) yields the same bytes for the same seeds and parameters."""
import base64
import json
import os
import re
import shutil
import subprocess

import pytest

import tasks
from data import HELDOUT_TXT

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def heldout():
    with open(HELDOUT_TXT, "rb") as f:
        return f.read()


def test_mulberry32_gives_the_sequence_of_the_javascript_generator():
    # mulberry32(1)'s first outputs x 2^32, as src/tasks/rng.ts (the page's seededRandom) gives them
    r = tasks.Mulberry32(1)
    assert [r.u32() for _ in range(3)] == [2693262067, 11749833, 2265367787]
    r = tasks.Mulberry32(2**32 + 1)  # seeds wrap to 32 bits as `seed >>> 0` does
    assert r.u32() == 2693262067


@pytest.mark.parametrize("seed", [0, 1, 7, 12345, 2**32 - 1])
@pytest.mark.parametrize("pairs,queries,distance,length", [(1, 1, 9, 9), (4, 4, 64, 100), (32, 12, 256, 256), (8, 4, 4096, 5000)])
def test_mqar_answers_are_the_values_that_followed_their_keys(seed, pairs, queries, distance, length):
    p = tasks.make_probe("mqar", dict(pairs=pairs, queries=queries, distance=distance, length=length), seed)
    data = p.bytes
    assert len(data) == length and len(p.answers) == queries and len(p.planted) == pairs
    keys = [pl["text"][:2] for pl in p.planted]
    assert len(set(keys)) == pairs  # every key once
    for pl in p.planted:  # each planted pair sits where it says, key letters then value digits
        assert data[pl["start"] : pl["start"] + 4].decode() == pl["text"] and re.fullmatch(r"[A-Z]{2}\d\d", pl["text"])
    for a in p.answers:
        assert a["start"] >= len(data) - 64
        key = data[a["start"] - 2 : a["start"]]
        value = data[a["start"] : a["start"] + a["length"]]
        # the key occurs exactly twice (its pair and its query), and the answer is what followed the first
        where = [m.start() for m in re.finditer(re.escape(key), data)]
        assert len(where) == 2 and where[1] == a["start"] - 2
        assert data[where[0] + 2 : where[0] + 4] == value
        assert distance - 5 * pairs - 64 <= a["start"] - (where[0] + 2) <= distance
    # outside the pairs and queries only filler bytes: no key or value byte
    pairs_end = p.planted[-1]["start"] + 5
    assert re.fullmatch(rb"[a-z ]*", data[: p.planted[0]["start"]] + data[pairs_end : p.answers[0]["start"] - 2])


@pytest.mark.parametrize("seed", [0, 3, 99])
@pytest.mark.parametrize("length,depth", [(100, 0.0), (1000, 0.5), (4096, 1.0), (20000, 0.25)])
def test_the_needles_answer_is_the_planted_value(seed, length, depth):
    text = heldout()
    p = tasks.make_probe("needle", dict(length=length, depth=depth), seed, text)
    data = p.bytes
    assert len(data) == length and p.answers == [dict(start=length - 2, length=2)]
    (pl,) = p.planted
    assert data[pl["start"] : pl["start"] + pl["length"]].decode() == pl["text"]
    key, value = pl["text"][1:3].encode(), pl["text"][3:5].encode()
    assert data[-5:] == b" " + key + value and data[-2:] == value  # the question ends with the planted value
    assert [m.start() for m in re.finditer(re.escape(key), data)] == [pl["start"] + 1, length - 4]
    assert abs(pl["start"] - depth * (length - 11)) <= 0.5
    # the rest is one window of the filler text, in order
    rest = data[: pl["start"]] + data[pl["start"] + 6 : -5]
    assert rest in text


def test_mqar_with_repeats_asks_as_many_queries_as_fit_each_answered_by_its_pair():
    p = tasks.make_probe("mqar", dict(pairs=3, distance=128, repeats=1), 5)
    data = p.bytes
    assert len(p.answers) == 12 and data[-64:].count(b" ") == 11
    values = {pl["text"][:2].encode(): pl["text"][2:].encode() for pl in p.planted}
    for a in p.answers:
        assert values[data[a["start"] - 2 : a["start"]]] == data[a["start"] : a["start"] + 2]


def test_mirrored_copy_answers_repeat_the_first_bytes():
    p = tasks.make_probe("mirrored-copy", dict(length=256, answerBytes=16), 5)
    assert p.bytes[:128] == p.bytes[128:][::-1] and p.answers == [dict(start=240, length=16)]


def test_bad_parameters_are_refused():
    with pytest.raises(AssertionError):
        tasks.make_probe("mqar", dict(pairs=10, queries=4, distance=40), 0)  # 10 pairs need 69 bytes
    with pytest.raises(AssertionError):
        tasks.make_probe("mqar", dict(pairs=20, queries=14, distance=4000), 0)  # answers past the last 64 bytes


def test_score_answer():
    assert tasks.score_answer(b"12", b"12") == dict(exact=True, bytesRight=2)
    assert tasks.score_answer(b"12", b"13") == dict(exact=False, bytesRight=1)


SPECS = [dict(task="mqar", params=dict(pairs=p, queries=q, distance=d, length=n), seed=s)
         for (p, q, d, n) in [(1, 1, 9, 9), (8, 4, 300, 300), (32, 12, 256, 2048), (64, 4, 8192, 8192)] for s in (0, 1, 4242, 2**31 + 5)]
SPECS += [dict(task="mqar", params=dict(pairs=5, distance=100), seed=9)]  # default queries: min(pairs, 4)
SPECS += [dict(task="mqar", params=dict(pairs=3, distance=128, repeats=1), seed=s) for s in (1, 2)]  # training layout
SPECS += [dict(task="needle", params=dict(length=n, depth=d), seed=s) for n, d in [(64, 0.0), (1000, 0.3), (65536, 0.9)] for s in (0, 17)]
SPECS += [dict(task="mirrored-copy", params=dict(length=n), seed=s) for n in (64, 1024) for s in (2, 3)]


@pytest.mark.skipif(shutil.which("node") is None, reason="node is needed to run the TypeScript generator")
def test_the_typescript_generator_yields_the_same_probes():
    out = subprocess.run([os.path.join(ROOT, "node_modules", ".bin", "tsx"), "scripts/taskProbes.ts", json.dumps(SPECS)],
                         cwd=ROOT, capture_output=True, check=True, text=True).stdout
    ts = json.loads(out)
    text = heldout()
    assert len(ts) == len(SPECS)
    for spec, got in zip(SPECS, ts):
        p = tasks.make_probe(spec["task"], spec["params"], spec["seed"], text if spec["task"] == "needle" else None)
        assert base64.b64decode(got["bytes"]) == p.bytes, spec
        assert got["answers"] == p.answers and got["planted"] == p.planted, spec
