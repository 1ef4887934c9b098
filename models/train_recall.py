"""Trains the "recall" models (configs.RECALL_FAMILIES) on the recall tasks of models/tasks.py only, with one budget
for all: the same number of optimizer steps, the same batches of task draws (pairs, queries, depth, seeds: one RNG
stream, whatever the crop), so the same answer bytes are scored at every step; only the crop length differs by family
(PLAN), as for the compare models. The loss is on the answer bytes only (Zoology scores only the values).

Mixture: MQAR (NEEDLE_SHARE of the sequences are needles in Brown-train text instead). Recall only, no plain text: the
budget is small (one CPU core, ~30 minutes a model) and these models exist to measure recall at distance; the text
models are the compare ones.

Curriculum (the same for every family, by step, not by accuracy: identical data): the most pairs a sequence may
hold grows from 4 to MAX_PAIRS over the first CURRICULUM of the steps.

    LCP_TORCH_THREADS=1 /usr/bin/python3 models/train_recall.py --only transformer-recall [--steps 600]
"""
import argparse
import json
import math
import os
import random
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch
import torch.nn.functional as F

import tasks
from configs import CONFIGS, build_model, family_of
from data import split_documents

HERE = os.path.dirname(os.path.abspath(__file__))
CKPT = os.path.join(HERE, "checkpoints")

CROP_OVERRIDE = None  # pilot runs only (--crop)
BATCH = 32
NEEDLE_SHARE = 0.25
MAX_PAIRS = 32
MAX_QUERIES = 12  # with repeats: every MQAR sequence asks 12 keys (24 answer bytes) in its last 64 bytes
HOLD, CURRICULUM = 0.25, 0.6


def plan_of(model_id):
    """The crop is the model's config.trainedContext (configs.RECALL_CROPS)."""
    return dict(crop=CROP_OVERRIDE or CONFIGS[model_id]["config"]["trainedContext"])


class RecallBatches:
    """Batches of probes at a crop length. Every family draws the same sequence of (task, pairs, queries, distance
    fraction, depth, seed): only the crop scales the distances."""

    def __init__(self, crop, text, steps, seed=0):
        self.crop, self.text, self.steps, self.rng = crop, text, steps, random.Random(seed)

    def max_pairs(self, step):
        """4 for the first HOLD of the steps (recall appears there, with few pairs), then growing to MAX_PAIRS at
        CURRICULUM."""
        frac = min(1.0, max(0.0, step / self.steps - HOLD) / (CURRICULUM - HOLD))
        return int(round(4 + frac * (MAX_PAIRS - 4)))

    def probe(self, step):
        r = self.rng
        needle, u, v, seed = r.random() < NEEDLE_SHARE, r.random(), r.random(), r.getrandbits(32)
        if needle:
            return tasks.make_probe("needle", dict(length=self.crop, depth=u), seed, self.text)
        pairs = 1 + int(u * self.max_pairs(step))
        lo = tasks.mqar_min_distance(pairs, MAX_QUERIES)
        while lo > self.crop:  # a short crop holds fewer pairs (the same draws and answer bytes, fewer distractors)
            pairs -= 1
            lo = tasks.mqar_min_distance(pairs, MAX_QUERIES)
        # distance log-uniform between the least the pairs need and the crop: as many sequences per octave
        distance = int(round(lo * (self.crop / lo) ** v))
        return tasks.make_probe("mqar", dict(pairs=pairs, queries=MAX_QUERIES, repeats=1, distance=distance,
                                             length=self.crop), seed)

    def batch(self, step):
        probes = [self.probe(step) for _ in range(BATCH)]
        tokens = torch.tensor([list(p.bytes) for p in probes], dtype=torch.long)
        mask = torch.zeros_like(tokens, dtype=torch.bool)
        for i, p in enumerate(probes):
            mask[i, p.answer_positions()] = True
        return tokens, mask, probes


def answer_loss(model, tokens, mask):
    """Cross-entropy on the answer bytes only; -> (loss, [right] per answer byte, per-probe exact). The output layer
    (every family's last) runs on the answer rows only: the same logits there, a third less compute."""
    head = model.head
    model.head = torch.nn.Identity()
    try:
        hidden = model(tokens, torch.tensor(tasks.TAIL)) if model.io == "latents" else model.forward_train(tokens)
    finally:
        model.head = head
    offset = tokens.shape[1] - hidden.shape[1]  # row r predicts the byte after position offset + r
    pred_mask = mask[:, offset + 1 :]  # answer bytes predicted by rows 0 .. k-2
    rows = head(hidden[:, :-1][pred_mask])
    target = tokens[:, offset + 1 :][pred_mask]
    right = rows.argmax(-1) == target
    per_probe = torch.zeros(tokens.shape[0]).index_add_(0, pred_mask.nonzero()[:, 0], (~right).float()) == 0
    return F.cross_entropy(rows, target), right, per_probe


def train(model_id, steps, text, lr=3e-3, warmup=50, seed=0, wd=0.1):
    torch.manual_seed(seed)
    crop = plan_of(model_id)["crop"]
    model = build_model(model_id)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.98), weight_decay=wd)
    data = RecallBatches(crop, text, steps, seed)
    log, recent, scored, t0 = [], [], 0, time.time()
    for step in range(steps):
        frac = step / steps
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        tokens, mask, probes = data.batch(step)
        loss, right, exact = answer_loss(model, tokens, mask)
        aux = getattr(model, "aux_loss", None)
        opt.zero_grad()
        (loss if aux is None else loss + aux).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        scored += int(mask.sum())
        is_mqar = torch.tensor([p.task == "mqar" for p in probes])
        recent = (recent + [(right.float().mean().item(), exact.float().mean().item(),
                             exact[is_mqar].float().mean().item(), exact[~is_mqar].float().mean().item())])[-10:]
        if (step + 1) % 10 == 0 or step == 0:
            acc, ex, mq, nd = (sum(r[i] for r in recent if r[i] == r[i]) / max(1, sum(r[i] == r[i] for r in recent))
                               for i in range(4))  # means over the last 10 steps (NaN: no probe of that task)
            entry = dict(step=step + 1, seconds=round(time.time() - t0, 1), loss=round(loss.item(), 4),
                         answerAccuracy=round(acc, 4), probeExact=round(ex, 4), mqarExact=round(mq, 4),
                         needleExact=round(nd, 4), maxPairs=data.max_pairs(step))
            log.append(entry)
            print(f"{model_id} step {step + 1} {entry['seconds']}s loss {loss.item():.3f} acc {acc:.3f} exact {ex:.3f} "
                  f"(mqar {mq:.3f}, needle {nd:.3f}) pairs<={entry['maxPairs']}", flush=True)
        if (step + 1) % 100 == 0:  # a checkpoint to resume from or evaluate while the queue runs
            save(model_id, model, log, None)
    record = dict(
        data=f"recall tasks only (models/tasks.py): MQAR {1 - NEEDLE_SHARE:.0%} (up to {MAX_PAIRS} pairs, the most "
             f"4 for the first {HOLD:.0%} of the steps, then growing to it at {CURRICULUM:.0%}; {MAX_QUERIES} queries drawn with "
             "replacement (Zoology's dense layout; with one query per pair the Transformer stayed on the copy-any-value "
             "plateau); distance "
             f"log-uniform up to the crop) + needle in Brown-train text {NEEDLE_SHARE:.0%} (depth uniform); loss on "
             "the answer bytes only",
        steps=steps, batchSize=BATCH, crop=crop, scoredBytes=scored, tokensSeen=steps * BATCH * crop,
        wallSeconds=round(time.time() - t0, 1), lr=lr, weightDecay=wd,
        schedule=f"AdamW, {warmup} warm-up steps, cosine to 10%",
        device=f"CPU, {torch.get_num_threads()} torch thread(s) (this project's 2-core machine), torch {torch.__version__}",
        finalAnswerAccuracy=log[-1]["answerAccuracy"], finalProbeExact=log[-1]["probeExact"],
        finalMqarExact=log[-1]["mqarExact"], finalNeedleExact=log[-1]["needleExact"], finalTrainLoss=log[-1]["loss"],
        log=f"{model_id}.log.json")
    save(model_id, model, log, record)
    return record


def save(model_id, model, log, record):
    os.makedirs(CKPT, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(CKPT, f"{model_id}.pt" if record else f"{model_id}.partial.pt"))
    with open(os.path.join(CKPT, f"{model_id}.log.json"), "w") as f:
        json.dump(log, f)
    if record:
        with open(os.path.join(CKPT, f"{model_id}.train.json"), "w") as f:
            json.dump(record, f, indent=1)
        partial = os.path.join(CKPT, f"{model_id}.partial.pt")
        if os.path.exists(partial):
            os.remove(partial)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--steps", type=int, default=600)
    ap.add_argument("--lr", type=float, default=3e-3)
    ap.add_argument("--crop", type=int, help="pilot runs: override the family's crop")
    ap.add_argument("--max-pairs", type=int, help="pilot runs: override MAX_PAIRS")
    ap.add_argument("--needle-share", type=float, help="pilot runs: override NEEDLE_SHARE")
    ap.add_argument("--batch", type=int, help="pilot runs: override BATCH")
    args = ap.parse_args()
    global MAX_PAIRS, NEEDLE_SHARE, BATCH
    MAX_PAIRS, NEEDLE_SHARE, BATCH = args.max_pairs or MAX_PAIRS, args.needle_share if args.needle_share is not None else NEEDLE_SHARE, args.batch or BATCH
    global CROP_OVERRIDE
    CROP_OVERRIDE = args.crop
    torch.set_num_threads(int(os.environ.get("LCP_TORCH_THREADS", "1")))
    text, _ = split_documents()  # the Brown train split: never the held-out text
    for model_id in args.only:
        assert CONFIGS[model_id]["config"].get("task") == "recall" and "weightsFrom" not in CONFIGS[model_id], model_id
        print(model_id, train(model_id, args.steps, text, lr=args.lr), flush=True)


if __name__ == "__main__":
    main()
