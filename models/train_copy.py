"""Trains Perceiver AR on the paper's copy task (official `random_mirrored_<N>` loader): N/2 random bytes followed
by the same bytes reversed, so the byte at position q >= N/2 repeats the one at N-1-q, 2q-N+1 positions back.
Absolute sinusoidal positions, as the official copy sweeps; positions are always those of the full sequence, so the
model is tied to this N (the manifest says so).

The paper trains on random crops with far more compute than a laptop has. Here training runs in stages, each one
appending to the checkpoint's record (`stages`), so the record says exactly what the shipped weights went through:

- `curriculum` (from scratch): crops centred on the mirror point that double in length (256 .. N) each time the
  training accuracy passes `--advance`. Fast, but each crop scores only the distances at its end (about 2^k), so
  the model copies there and not between.
- `spread` (from the checkpoint): every step scores windows that end at positions drawn uniformly over the mirrored
  half, i.e. every copy distance from 1 to N-1. A window ending at e needs the bytes from N-e on (its sources); the
  crop starts anywhere before that (`--starts random`), positions kept from the full sequence (official
  use_positions_from_data). Crops that start exactly at the first source (`--starts sources`, cheaper) taught a
  shortcut: the model then failed on prefixes, whose extra early bytes it had never seen (0.11 per byte at
  distance 1,024). Learning rate: warm-up, constant, then cosine to 0 over the last `--decay` of the steps.

    /usr/bin/python3 models/train_copy.py curriculum [--minutes 55]
    /usr/bin/python3 models/train_copy.py spread --steps 900 [--starts random]
"""
import argparse
import json
import math
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch
import torch.nn.functional as F

from configs import CONFIGS, build_model

HERE = os.path.dirname(os.path.abspath(__file__))
CKPT = os.path.join(HERE, "checkpoints")
MODEL_ID = "perceiver-ar-copy"
CFG = CONFIGS[MODEL_ID]["config"]
N, M = CFG["maxContext"], CFG["attention"]["latents"]


CROPS = {
    "sources": "[N-e, e), e uniform in [{lo}, {N}]: every copy distance, and no byte before the first source",
    "random": "[a, e), e uniform in [{lo}, {N}], a uniform in [0, N-e]: every copy distance, and any number of bytes "
              "before the first source (0 to N-e; a prefix is a = 0)",
}


def mirrored(rng, batch, length):
    """[batch, length] crops centred on the mirror point: s then reversed(s), len(s) = length / 2."""
    s = torch.randint(0, 256, (batch, length // 2), generator=rng)
    return torch.cat([s, s.flip(1)], dim=1)


def crops_text(starts, distances):
    """The spread stage's crops, in words, for the training record."""
    text = CROPS[starts].format(lo=N // 2 + M, N=N)
    if distances == "log":
        text = text.replace(f"e uniform in [{N // 2 + M}, {N}]", f"e = (N + D) / 2, D log-uniform in [{2 * M}, {N}]")
    return text


def spread_crop(rng, starts, distances="uniform"):
    """(start, end) of a crop whose last M positions lie in the mirrored half and which holds all their sources.
    The window's longest copy distance, 2*end - N, is uniform in [2M, N] or log-uniform (as many windows per octave:
    the short distances, rare under a uniform draw, get their share)."""
    if distances == "uniform":
        end = int(torch.randint(N // 2 + M, N + 1, (1,), generator=rng))
    else:
        u = float(torch.rand((), generator=rng))
        end = min(N, (N + round(2 * M * (N / (2 * M)) ** u)) // 2)
    return (N - end if starts == "sources" else int(torch.randint(0, N - end + 1, (1,), generator=rng))), end


def window_loss(model, tokens, latents, offset):
    """Cross-entropy and [correct] over the latents' predictions that lie inside the crop."""
    logits = model(tokens, torch.tensor(latents), offset)
    target = tokens[:, tokens.shape[1] - latents + 1 :]
    loss = F.cross_entropy(logits[:, :-1].reshape(-1, 256), target.reshape(-1))
    return loss, (logits[:, :-1].argmax(-1) == target).float()


def step_optimizer(model, opt, loss):
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
    opt.step()


def load():
    model = build_model(MODEL_ID)
    model.load_state_dict(torch.load(os.path.join(CKPT, f"{MODEL_ID}.pt")))
    with open(os.path.join(CKPT, f"{MODEL_ID}.train.json")) as f:
        record = json.load(f)
    with open(os.path.join(CKPT, f"{MODEL_ID}.log.json")) as f:
        log = json.load(f)
    return model, record, log


def save(model, record, log):
    os.makedirs(CKPT, exist_ok=True)
    torch.save(model.state_dict(), os.path.join(CKPT, f"{MODEL_ID}.pt"))
    with open(os.path.join(CKPT, f"{MODEL_ID}.train.json"), "w") as f:
        json.dump(record, f, indent=1)
    with open(os.path.join(CKPT, f"{MODEL_ID}.log.json"), "w") as f:
        json.dump(log, f)


def curriculum(args):
    model = build_model(MODEL_ID)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.0)
    rng = torch.Generator().manual_seed(0)
    length, step, seen, log, recent, t0, passed = 256, 0, 0, [], [], time.time(), []
    record = dict(data=f"copy task only: random bytes then the same bytes reversed (official random_mirrored_{N})",
                  device=f"CPU, {torch.get_num_threads()} torch threads (this project's 2-core machine), torch {torch.__version__}",
                  log=f"{MODEL_ID}.log.json", steps=0, tokensSeen=0, wallSeconds=0, stages=[])
    while time.time() - t0 < args.minutes * 60:
        latents = min(M, length // 4)  # latents stay in the copied half of the crop
        tokens = mirrored(rng, max(1, args.tokens_per_step // length), length)
        for g in opt.param_groups:
            g["lr"] = args.lr * min(1.0, (step + 1) / 50)
        loss, right = window_loss(model, tokens, latents, N // 2 - length // 2)
        step_optimizer(model, opt, loss)
        step, seen = step + 1, seen + tokens.numel()
        recent = (recent + [right.mean().item()])[-8:]
        if step % 10 == 0 or step == 1:
            log.append(dict(step=step, seconds=round(time.time() - t0, 1), crop=length, loss=round(loss.item(), 4),
                            accuracy=round(recent[-1], 4)))
            print(f"step {step} {time.time() - t0:.0f}s crop {length} loss {loss.item():.3f} acc {recent[-1]:.3f}", flush=True)
        if len(recent) == 8 and min(recent) > args.advance:
            passed.append(dict(crop=length, reachedAtStep=step, seconds=round(time.time() - t0, 1)))
            print("passed", passed[-1], flush=True)
            if length == N:
                break
            length, recent = min(N, length * 2), []
    record.update(steps=step, tokensSeen=seen, wallSeconds=round(time.time() - t0, 1), finalTrainLoss=round(loss.item(), 4))
    record["stages"].append(dict(stage="curriculum", steps=step, lr=args.lr, passed=passed))
    save(model, record, log)


def spread(args):
    model, record, log = load()
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.0)
    rng = torch.Generator().manual_seed(len(record["stages"]))
    t0, first, seen = time.time() - record["wallSeconds"], record["steps"], record["tokensSeen"]
    buckets = {}  # log2(distance) -> [right, total], reset at each report
    decay_from = int(args.steps * (1 - args.decay))
    for i in range(args.steps):
        warm = min(1.0, (i + 1) / 20)
        cos = 1.0 if i < decay_from else 0.5 * (1 + math.cos(math.pi * (i - decay_from) / (args.steps - decay_from)))
        for g in opt.param_groups:
            g["lr"] = args.lr * warm * cos
        total, accs = 0.0, []
        for _ in range(args.windows):
            start, end = spread_crop(rng, args.starts, args.distances)
            tokens = mirrored(rng, 1, N)[:, start:end]
            loss, right = window_loss(model, tokens, M, start)
            (loss / args.windows).backward()
            total += loss.item() / args.windows
            seen += tokens.numel()
            q = torch.arange(end - M + 1, end)  # the positions predicted
            for d, ok in zip((2 * q - N + 1).tolist(), right[0].tolist()):
                b = buckets.setdefault(int(math.log2(d)), [0, 0])
                b[0], b[1] = b[0] + ok, b[1] + 1
            accs.append(right.mean().item())
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        opt.zero_grad()
        step = first + i + 1
        if step % 10 == 0:
            log.append(dict(step=step, seconds=round(time.time() - t0, 1), crop="spread", loss=round(total, 4),
                            accuracy=round(sum(accs) / len(accs), 4)))
        if (i + 1) % 50 == 0:
            by_d = " ".join(f"2^{k}:{r / n:.2f}" for k, (r, n) in sorted(buckets.items()))
            print(f"spread step {step} {time.time() - t0:.0f}s lr {args.lr * warm * cos:.1e} loss {total:.3f} | {by_d}", flush=True)
            buckets = {}
    record.update(steps=first + args.steps, tokensSeen=seen, wallSeconds=round(time.time() - t0, 1), finalTrainLoss=round(total, 4))
    record["stages"].append(dict(stage="spread", fromStep=first, steps=args.steps, windowsPerStep=args.windows, lr=args.lr,
                                 schedule=f"20 warm-up steps, constant, cosine to 0 over the last {args.decay:.0%}",
                                 crops=crops_text(args.starts, args.distances),
                                 distances=args.distances))
    save(model, record, log)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stage", choices=["curriculum", "spread"])
    ap.add_argument("--minutes", type=float, default=55, help="curriculum: time limit")
    ap.add_argument("--advance", type=float, default=0.95, help="curriculum: accuracy that doubles the crop")
    ap.add_argument("--tokens-per-step", type=int, default=8192, help="curriculum: batch = this / crop length")
    ap.add_argument("--steps", type=int, default=900, help="spread: optimizer steps")
    ap.add_argument("--windows", type=int, default=2, help="spread: windows (crops) per step")
    ap.add_argument("--starts", choices=list(CROPS), default="random",
                    help="spread: crops start at the first source, or anywhere before it")
    ap.add_argument("--distances", choices=["uniform", "log"], default="uniform",
                    help="spread: how the windows' copy distances are drawn")
    ap.add_argument("--decay", type=float, default=0.3, help="spread: fraction of steps with a decaying rate")
    ap.add_argument("--lr", type=float, default=2e-3)
    args = ap.parse_args()
    torch.set_num_threads(2)
    torch.manual_seed(0)
    (curriculum if args.stage == "curriculum" else spread)(args)


if __name__ == "__main__":
    main()
