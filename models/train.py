"""Trains the "compare" models on this machine's CPU with one budget for all: same data mixture, optimizer,
schedule and number of optimizer steps per family (a step budget, not a wall-clock one, so that other work on
the machine cannot shortchange one family). Writes models/checkpoints/<id>.pt (weights), <id>.train.json
(the manifest's training record) and <id>.log.json (loss curve).

    /usr/bin/python3 models/train.py --all [--steps 1200]      or   --only perceiver-ar-compare
"""
import argparse
import os

# One BLAS thread under torch's two intra-op threads: measured faster here than letting both oversubscribe.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import json
import math
import time

import torch
import torch.nn.functional as F

from configs import CONFIGS, build_model, family_of
from data import Mixture, split_documents

HERE = os.path.dirname(os.path.abspath(__file__))
CKPT = os.path.join(HERE, "checkpoints")

# Per family: crop length, batch size. Perceiver AR sees long crops with its latents at the end (loss on the
# latents only, as in the paper); the decoders train at the context they can afford; XL runs 4 segments.
PLAN = {
    "perceiver-ar": dict(crop=2048, batch=16),  # 16 x 256 latents = 4,096 scored bytes a step, as the decoders' 8 x 512
    "transformer-xl": dict(crop=1024, batch=4),
    # 8 segments of 256: the compressed memory (256 rows, 4 evicted rows each) is full from the 7th segment on
    "compressive-transformer": dict(crop=2048, batch=2),
}
DEFAULT_PLAN = dict(crop=512, batch=8)
# Per model, where it differs from its family: the crop-matched Perceiver AR reads the decoders' 512-byte crops.
PLAN_BY_ID = {"perceiver-ar-512-crop": dict(crop=512, batch=16)}


def loss_of(model, tokens):
    logits = model.forward_train(tokens)
    k = logits.shape[1]
    target = tokens[:, tokens.shape[1] - k + 1 :]
    return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), target.reshape(-1))


def heldout_bits(model, crops):
    """Mean bits per byte over the scored positions of fixed held-out text crops (the log's evaluation curve)."""
    model.eval()
    with torch.no_grad():
        bits = loss_of(model, crops).item() / math.log(2)
    model.train()
    return round(bits, 4)


def train(model_id, steps, text, heldout, lr=2e-3, warmup=30, seed=0, eval_every=100):
    torch.manual_seed(seed)
    plan = PLAN_BY_ID.get(model_id) or PLAN.get(family_of(model_id), DEFAULT_PLAN)
    model = build_model(model_id)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.01)
    data = Mixture(text, plan["crop"], seed=seed)
    # the same held-out crops for every family: evenly spaced through the held-out documents
    eval_crops = torch.tensor([list(heldout[i : i + plan["crop"]]) for i in range(0, 4 * 100_000, 100_000)])
    log, step, seen, t0 = [], 0, 0, time.time()
    while step < steps:
        elapsed = time.time() - t0
        frac = step / steps  # warmup, then cosine to 10% over the step budget
        for g in opt.param_groups:
            g["lr"] = lr * min(1.0, (step + 1) / warmup) * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
        batch = data.batch(plan["batch"])
        loss = loss_of(model, batch)
        aux = getattr(model, "aux_loss", None)  # a family's auxiliary loss (Compressive Transformer's reconstruction)
        opt.zero_grad()
        (loss if aux is None else loss + aux).backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        seen += batch.numel()
        if step % 10 == 0 or step == 1:
            entry = dict(step=step, seconds=round(elapsed, 1), loss=round(loss.item(), 4),
                         bitsPerByte=round(loss.item() / math.log(2), 4))
            if aux is not None:
                entry["auxLoss"] = round(aux.item(), 5)
            if step % eval_every == 0 or step == steps:
                entry["heldOutBitsPerByte"] = heldout_bits(model, eval_crops)
            log.append(entry)
            print(f"{model_id} step {step} {elapsed:.0f}s loss {loss.item():.3f} {entry.get('heldOutBitsPerByte', '')}", flush=True)
    os.makedirs(CKPT, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(CKPT, f"{model_id}.pt"))
    tail = [e["loss"] for e in log[-5:]]
    record = dict(
        data="Brown corpus train split (90% of documents) 50% + copy task 30% + needle 20%, byte-level",
        steps=step, tokensSeen=seen, wallSeconds=round(time.time() - t0, 1),
        device=f"CPU, {torch.get_num_threads()} torch threads (this project's 2-core machine), torch {torch.__version__}",
        batchSize=plan["batch"], crop=plan["crop"], finalTrainLoss=round(sum(tail) / len(tail), 4) if tail else None,
        log=f"{model_id}.log.json",
    )
    with open(os.path.join(CKPT, f"{model_id}.train.json"), "w") as f:
        json.dump(record, f, indent=1)
    with open(os.path.join(CKPT, f"{model_id}.log.json"), "w") as f:
        json.dump(log, f)
    return record


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--only", action="append", default=[])
    ap.add_argument("--steps", type=int, default=1200)
    args = ap.parse_args()
    # 2 threads on an idle machine; LCP_TORCH_THREADS=1 when the CPU is shared (a 2-thread step stalls on
    # every barrier under oversubscription: measured 12 s a step instead of 0.6).
    torch.set_num_threads(int(os.environ.get("LCP_TORCH_THREADS", "2")))
    ids = [i for i in CONFIGS if i.endswith("-compare") and "weightsFrom" not in CONFIGS[i]] if args.all else args.only
    text, heldout = split_documents()
    for model_id in ids:
        print(model_id, train(model_id, args.steps, text, heldout), flush=True)


if __name__ == "__main__":
    main()
