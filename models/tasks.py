"""Recall tasks, byte for byte the same as src/tasks/*.ts (pytest compares them): one seeded generator per task,
make_probe(task, params, seed, filler) -> Probe. The PRNG is mulberry32 in 32-bit integer arithmetic.

- "mqar": Zoology's multi-query associative recall over bytes. `pairs` key/value pairs "AB12 " (key: two
  uppercase letters, 676 keys, all different; value: two digits, 100 values), then filler, then `queries` of those
  keys in random order, each followed by its value: the answers. The key and value bytes never occur in the filler
  (lowercase letters and spaces), so a query's key matches exactly one earlier position. `distance`: bytes from the
  first pair to the end of the probe (each query sits between distance - 5 pairs - 64 and distance bytes after its
  pair); `length` (default `distance`) adds filler before the pairs. `repeats` = 1 (training): the queries are drawn
  with replacement, as many as fit (`queries`, default 12), as Zoology's dense layout asks every pair's key.
- "needle": a key/value pair " AB12 " planted at `depth` (0: the first byte, 1: just before the question) of a
  `length`-byte window of text (the filler: held-out Brown for evaluation and the page, the Brown train split for
  training), the key asked at the end (" AB" + its value). The key never occurs in the window otherwise.
- "mirrored-copy": the Perceiver AR paper's copy task (random printable bytes, then the same reversed), the last
  `answerBytes` bytes (default 16) scored; the same bytes as the page's mirrorText.

Every answer lies in the last 64 bytes of a probe, so Perceiver AR's latents (M >= 64) cover it in one forward.
"""
import math
from dataclasses import dataclass, field

MASK = 0xFFFFFFFF
TAIL = 64  # every answer lies within the last TAIL bytes
KEYS, VALUES = 26 * 26, 100
PAIR = 5  # "AB12 "
FILLER = b"abcdefghijklmnopqrstuvwxyz "
PRINTABLE = bytes(range(0x21, 0x7F))
MAX_QUERIES = (TAIL + 1) // PAIR  # 13: "AB12 " x 13 minus the last space = 64 bytes


class Mulberry32:
    """mulberry32 (src/tasks/rng.ts): 32-bit state; random() in [0, 1) as u32 / 2^32."""

    def __init__(self, seed):
        self.a = seed & MASK

    def u32(self):
        self.a = (self.a + 0x6D2B79F5) & MASK
        t = self.a
        t = ((t ^ (t >> 15)) * (t | 1)) & MASK
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & MASK)) & MASK
        return (t ^ (t >> 14)) & MASK

    def random(self):
        return self.u32() / 4294967296

    def below(self, n):
        """floor(random() * n), exact in both languages for n < 2^21."""
        return (self.u32() * n) >> 32


@dataclass
class Probe:
    task: str
    params: dict
    seed: int
    bytes: bytes
    answers: list  # [dict(start, length)]: bytes[start:start+length] predicted from the bytes before each
    planted: list = field(default_factory=list)  # [dict(start, length, text)]

    def answer_positions(self):
        return [p for a in self.answers for p in range(a["start"], a["start"] + a["length"])]


def key_bytes(k):
    return bytes([65 + k // 26, 65 + k % 26])


def value_bytes(v):
    return bytes([48 + v // 10, 48 + v % 10])


def filler(r, n):
    return bytes(FILLER[r.below(len(FILLER))] for _ in range(n))


def mqar_queries(params):
    pairs = int(params["pairs"])
    if params.get("repeats"):
        return int(params.get("queries", MAX_QUERIES - 1))
    return min(pairs, int(params.get("queries", min(pairs, 4))))


def mqar_min_distance(pairs, queries):
    return PAIR * pairs + PAIR * queries - 1


def mqar(params, seed):
    pairs, distance = int(params["pairs"]), int(params["distance"])
    queries = mqar_queries(params)
    length = int(params.get("length", distance))
    assert 1 <= pairs <= KEYS and 1 <= queries <= MAX_QUERIES, params
    assert mqar_min_distance(pairs, queries) <= distance <= length, params
    r = Mulberry32(seed)
    keys, used = [], set()
    while len(keys) < pairs:
        k = r.below(KEYS)
        if k not in used:
            used.add(k)
            keys.append(k)
    values = [r.below(VALUES) for _ in range(pairs)]
    asked, chosen = [], set()
    while len(asked) < queries:
        i = r.below(pairs)
        if i not in chosen or params.get("repeats"):
            chosen.add(i)
            asked.append(i)
    prefix = filler(r, length - distance)
    block = b"".join(key_bytes(k) + value_bytes(v) + b" " for k, v in zip(keys, values))
    question = b" ".join(key_bytes(keys[i]) + value_bytes(values[i]) for i in asked)
    gap = filler(r, distance - len(block) - len(question))
    data = prefix + block + gap + question
    end = len(data) - len(question)
    answers = [dict(start=end + PAIR * j + 2, length=2) for j in range(queries)]
    planted = [dict(start=len(prefix) + PAIR * i, length=4, text=(key_bytes(k) + value_bytes(v)).decode())
               for i, (k, v) in enumerate(zip(keys, values))]
    return data, answers, planted


def needle(params, seed, text):
    length, depth = int(params["length"]), float(params["depth"])
    assert 0 <= depth <= 1 and length >= 16, params
    window = length - 11  # + " AB12 " planted + " AB12" asked
    assert text is not None and len(text) > window, "the needle needs a filler text longer than the probe"
    r = Mulberry32(seed)
    start = r.below(len(text) - window)
    crop = bytes(text[start : start + window])
    while True:
        key = key_bytes(r.below(KEYS))
        if crop.find(key) < 0:
            break
    value = value_bytes(r.below(VALUES))
    at = math.floor(depth * window + 0.5)
    planted = b" " + key + value + b" "
    data = crop[:at] + planted + crop[at:] + b" " + key + value
    return data, [dict(start=length - 2, length=2)], [dict(start=at, length=len(planted), text=planted.decode())]


def mirrored_copy(params, seed):
    length, answer = int(params["length"]), int(params.get("answerBytes", 16))
    assert length % 2 == 0 and 1 <= answer <= min(TAIL, length // 2), params
    r = Mulberry32(seed)
    half = bytes(PRINTABLE[r.below(len(PRINTABLE))] for _ in range(length // 2))
    return half + half[::-1], [dict(start=length - answer, length=answer)], []


def make_probe(task, params, seed, filler_text=None):
    if task == "mqar":
        data, answers, planted = mqar(params, seed)
    elif task == "needle":
        data, answers, planted = needle(params, seed, filler_text)
    elif task == "mirrored-copy":
        data, answers, planted = mirrored_copy(params, seed)
    else:
        raise ValueError(f"unknown task {task!r}")
    assert all(a["start"] >= len(data) - TAIL for a in answers)
    return Probe(task, dict(params), seed, data, answers, planted)


def score_answer(expected, predicted):
    right = sum(1 for e, p in zip(expected, predicted) if e == p)
    return dict(exact=right == len(expected) and len(predicted) == len(expected), bytesRight=right)
