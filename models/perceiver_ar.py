"""Perceiver AR (Hawthorne, Jaegle et al. 2022), after google-research/perceiver-ar perceiver_ar_model.py.

The last M positions are the latents. Each latent starts as a projection (z_linear) of its own token
embedding; one causal cross-attention lets the latent at absolute position p attend to every input j <= p
(the latent positions included), with a query residual and an MLP; then L causal self-attention layers run
on the M latents only. Pre-LayerNorm, final LayerNorm, squared-ReLU MLPs, rotary on half of each head's
channels over absolute positions. Logits cover the M latent positions only. The copy-task config
(positionEncoding "absolute-sinusoidal") adds fixed sinusoids to the embeddings and has no rotary, as the official
random_mirrored_* sweeps (position_encoding_type='absolute', position_encoding='sinusoidal').
Cost: O(N*M*d) for the cross-attention + O(L*M^2*d + L*M*d^2) for the stack, linear in N.
M is a run-time input: the paper trades compute for quality at test time by changing it.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from layers import (MLP, Block, NoRotary, RMSNorm, Rotary, attend_cached, attention_row, causal_allowed, larger,
                    make_norm, masked, merge_heads, new_rows, positions, rotate, score, sinusoid, split_heads)
from manifest import Signature, StepSignature, tensor


# The paper's fast decoding (Appendix E.3): each new byte becomes a latent; when M latents are cached, one forward
# refills the cache to F = max(M/2, M - margin) latents (flaxformer decoding_latent_reset_fill keeps M - 128; the
# official perceiver-ar sampler keeps M/2), then cheap steps continue. The driver (src/engine/stepRunner.ts) applies it.
REFILL = dict(
    margin=128,
    trades="When the latent cache is full (M latents), the next byte runs one full forward that refills it to F latents "
           "(default max(M/2, M - 128)) and cheap steps continue. A larger F refills more often, each step costs a "
           "little more and predictions stay closer to the trained M; a smaller F refills less often, but right after a "
           "refill the model predicts from only F latents. The logits equal a full forward with F + k latents, k steps "
           "after a refill, not one with M.",
)


# A step call's memory grows with its bytes' keys/values (S x d) and its latents' scores (latents x N), not S x N:
# prefill may take longer chunks than the decoders' (each call copies the state once). The driver keeps the latents
# of one call few enough that their scores over the cache stay bounded (stepRunner.ts MAX_STEP_SCORES).
PREFILL_CHUNK = 8192

# Score elements of one key block of the forward's cross-attention (64 MiB of float32): 16,384 keys at M = 256 and
# 4 heads, so up to 16,640 bytes the forward is one block plus the latents' own. configs.py writes it into each
# manifest's config.attention (blockScores), where the cost model reads it.
KEY_BLOCK_SCORES = 1 << 24


def attend_latents(q, k, v, z_pos):
    """Causal cross-attention of the M latents (the last M positions) over all N inputs, the M x N scores at once:
    every latent sees every key before the first latent, so only the last M x M block of scores is masked, and the
    N - M earlier keys' scores go straight into the softmax. Same result as masking all M x N (layers.attend), without
    the mask's pass over the largest tensor here (it was ~8% of a WASM run at 16,384 bytes). Training uses this form
    (autograd); inference and the exported graph compute the same over key blocks (attend_latents_in_blocks)."""
    n, m = k.shape[2], q.shape[2]
    scores = torch.cat([score(q, k[:, :, : n - m]), masked(score(q, k[:, :, n - m :]), causal_allowed(z_pos, z_pos))], dim=-1)
    return torch.matmul(scores.softmax(-1), v)


def key_values(x, pos, norm_w, norm_b, eps: float, rms: int, d: int, wk, bk, wv, bv, inv_freq, rot: int, h: int):
    """CrossAttend's keys and values of inputs x [1,T,d] at positions pos [T] -> [1,H,T,dh] each (keys rotated);
    the weights passed as tensors, so a TorchScript loop can compute them block by block."""
    if rms == 1:
        xn = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * norm_w
    else:
        xn = F.layer_norm(x, [d], norm_w, norm_b, eps)
    t = x.shape[1]
    k = F.linear(xn, wk, bk).view(1, t, h, d // h).transpose(1, 2)
    v = F.linear(xn, wv, bv).view(1, t, h, d // h).transpose(1, 2)
    return rotate(k, pos, inv_freq, rot), v


def online_softmax(s, v, top, den, acc):
    """One block's scores s [..,M,T] and values v [..,T,dh] folded into the running max, denominator and weighted
    sum of values per query (Rabe and Staats 2021; memory_efficient.py does the same for self-attention)."""
    new_top = larger(s.amax(-1, keepdim=True), top)
    p = torch.exp(s - new_top)
    fix = torch.exp(top - new_top)
    return new_top, den * fix + p.sum(-1, keepdim=True), acc * fix + torch.matmul(p, v)


def attend_latents_in_blocks(q, x, x_pos, norm_w, norm_b, eps: float, rms: int, d: int, wk, bk, wv, bv, inv_freq,
                             rot: int, scale: float, budget: int):
    """attend_latents computed over key blocks: q [1,H,M,dh] the latents' queries (rotated), x [1,N,d] the inputs
    before the cross-attention's norm, x_pos [N]. Each block's keys and values are projected inside the loop, so
    neither the M x N scores (1 GiB at 262,144 bytes, 4 GiB at 1,048,576) nor N x d keys and values exist at once:
    past the inputs themselves, memory is one block's. The N - M earlier keys come in blocks of budget / (H * M)
    unmasked; the latents' own M keys last, masked causally."""
    h, m = q.shape[1], q.shape[2]
    earlier = x.shape[1] - m
    block = max(budget // (h * m), 1)
    q = q * scale
    top = q[:, :, :, :1] * 0.0 - 1e9
    den = top * 0.0
    acc = q * 0.0
    for j in range((earlier + block - 1) // block):
        k0 = j * block
        k1 = min(k0 + block, earlier)
        k, v = key_values(x[:, k0:k1], x_pos[k0:k1], norm_w, norm_b, eps, rms, d, wk, bk, wv, bv, inv_freq, rot, h)
        top, den, acc = online_softmax(torch.matmul(q, k.transpose(-1, -2)), v, top, den, acc)
    k, v = key_values(x[:, earlier:], x_pos[earlier:], norm_w, norm_b, eps, rms, d, wk, bk, wv, bv, inv_freq, rot, h)
    i = torch.arange(m, dtype=torch.int32)
    s = torch.where(i[None, :] <= i[:, None], torch.matmul(q, k.transpose(-1, -2)), torch.tensor(-1e9))
    top, den, acc = online_softmax(s, v, top, den, acc)
    return acc / den


scripted_attend_latents_in_blocks = torch.jit.script(attend_latents_in_blocks)  # a traced export would unroll it for one N


class CrossAttend(nn.Module):
    def __init__(self, d, n_heads, d_ff, activation, norm, rotary, block_scores=KEY_BLOCK_SCORES):
        super().__init__()
        self.h = n_heads
        self.block_scores = block_scores  # score elements per key block (inference)
        self.norm_q, self.norm_kv, self.norm_mlp = make_norm(norm, d), make_norm(norm, d), make_norm(norm, d)
        self.q, self.k, self.v, self.o = (nn.Linear(d, d) for _ in range(4))
        self.rotary = rotary
        self.mlp = MLP(d, d_ff, activation)

    def attend(self, q, x, z_pos, x_pos):
        """The latents' queries q [1,H,M,dh] (rotated) over the inputs x [B,N,d] -> [B,H,M,dh]. With gradients
        (training) all M x N scores at once; without (inference, export) in key blocks, the same result (a test
        holds them to 1e-5)."""
        if torch.is_grad_enabled():
            kv = self.norm_kv(x)
            k = self.rotary(split_heads(self.k(kv), self.h), x_pos)
            return attend_latents(q, k, split_heads(self.v(kv), self.h), z_pos)
        norm, rms = self.norm_kv, int(isinstance(self.norm_kv, RMSNorm))
        return scripted_attend_latents_in_blocks(
            q, x, x_pos, norm.weight, norm.weight if rms else norm.bias, norm.eps, rms, x.shape[-1], self.k.weight, self.k.bias,
            self.v.weight, self.v.bias, self.rotary.inv_freq, self.rotary.rot, 1.0 / math.sqrt(q.shape[-1]), self.block_scores)

    def forward(self, z, x, z_pos, x_pos):
        q = self.rotary(split_heads(self.q(self.norm_q(z)), self.h), z_pos)
        z = z + self.o(merge_heads(self.attend(q, x, z_pos, x_pos)))  # query residual
        return z + self.mlp(self.norm_mlp(z))

    def step(self, z, x, z_pos, x_pos, past, keys, values):
        """Cached cross-attention: the latents z at z_pos attend to the cached inputs (keys/values [R,H,dh], rows
        outermost, rows < past hold positions < past, keys rotated: layers.attend_cached reads them in place) and to
        the new inputs x [1,S,d] at x_pos (past..past+S-1) up to their own position.
        -> (z, the new inputs' keys and values [S,H,dh])."""
        kv = self.norm_kv(x)
        q = self.rotary(split_heads(self.q(self.norm_q(z)), self.h), z_pos)
        k = self.rotary(split_heads(self.k(kv), self.h), x_pos)
        v = split_heads(self.v(kv), self.h)
        out = attend_cached(q, keys, values, past, k, v, causal_allowed(z_pos, x_pos))
        z = z + self.o(merge_heads(out))
        return z + self.mlp(self.norm_mlp(z)), new_rows(k), new_rows(v)

    def attention_row(self, z, x, z_pos, x_pos):
        """z [B,1,d] one latent at z_pos [1] -> [B,N]: its cross-attention weights over the inputs, heads averaged."""
        q = self.rotary(split_heads(self.q(self.norm_q(z)), self.h), z_pos)
        k = self.rotary(split_heads(self.k(self.norm_kv(x)), self.h), x_pos)
        return attention_row(q, k, z_pos, x_pos)


class PerceiverAR(nn.Module):
    io = "latents"

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        d = cfg["dModel"]
        self.default_latents = cfg["attention"]["latents"]
        self.embed = nn.Embedding(cfg["vocabSize"], d)
        self.z_linear = nn.Linear(d, d)
        self.absolute = cfg.get("positionEncoding") == "absolute-sinusoidal"
        rotary = NoRotary() if self.absolute else Rotary(d // cfg["nHeads"], cfg.get("rotaryWavelength", cfg["maxContext"]))
        self.cross = CrossAttend(d, cfg["nHeads"], cfg["dFf"], cfg["activation"], cfg["norm"], rotary,
                                 cfg["attention"].get("blockScores", KEY_BLOCK_SCORES))
        self.blocks = nn.ModuleList(
            Block(d, cfg["nHeads"], cfg["dFf"], cfg["activation"], cfg["norm"], rotary) for _ in range(cfg["nLayers"])
        )
        self.norm = make_norm(cfg["norm"], d)
        self.head = nn.Linear(d, cfg["vocabSize"])

    def inputs(self, tokens, x_pos):
        """The inputs the cross-attention reads (and the latents start from): byte embeddings (+ absolute sinusoids in
        the copy-task config). A subclass may mix in the bytes before each one (perceiver_ar_conv.py)."""
        x = self.embed(tokens)
        return x + sinusoid(x_pos, x.shape[-1]) if self.absolute else x

    def forward(self, tokens, num_latents, offset=0):
        """tokens [B,N] int64, num_latents int64 scalar -> logits [B,M,V] for the last M = min(num_latents, N)
        positions; row r predicts the token after position N-M+r. `offset` (training only) shifts the absolute
        positions: a crop keeps the positions it had in the full sequence, as the official use_positions_from_data."""
        n = tokens.shape[1]
        x_pos = positions(n, tokens.device)
        if offset:  # a Python int: the exported graph (offset 0) has no Add
            x_pos = x_pos + offset
        m = torch.minimum(torch.as_tensor(num_latents), torch.as_tensor(n))
        start = n - m
        x = self.inputs(tokens, x_pos)
        z_pos = x_pos[start:]
        z = self.z_linear(x[:, start:])
        z = self.cross(z, x, z_pos, x_pos)
        for block in self.blocks:
            z = block(z, z_pos)
        return self.head(self.norm(z))

    def attention_map(self, tokens, num_latents, query):
        """tokens [B,N], num_latents, query int64 [1] (a window position; clamped into the M latents) -> [B,N]:
        where that latent reads in the cross-attention (the one layer that sees the inputs), heads averaged."""
        n = tokens.shape[1]
        x_pos = positions(n, tokens.device)
        m = torch.minimum(torch.as_tensor(num_latents), torch.as_tensor(n))
        q = torch.clamp(query, min=n - m, max=n - 1)
        x = self.inputs(tokens, x_pos)
        z = self.z_linear(x.index_select(1, q))
        return self.cross.attention_row(z, x, x_pos.index_select(0, q.to(torch.int32)), x_pos)

    attention_layer = "the cross-attention (the one layer that reads the inputs)"

    def attention_signature(self):
        tokens = torch.randint(0, 256, (1, 48), generator=torch.Generator().manual_seed(11))
        return Signature(args=(tokens, torch.tensor(min(self.default_latents, 24)), torch.tensor([40])),
                         inputs=[tensor("tokens", "int64", [1, "seq"]), tensor("num_latents", "int64", []),
                                 tensor("query", "int64", [1])],
                         outputs=[tensor("attention", "float32", [1, "seq"])])

    def forward_train(self, tokens, num_latents=None):
        return self(tokens, torch.tensor(num_latents or self.default_latents))

    def step(self, tokens, past, num_latents, cross_keys, cross_values, latent_valid, latent_keys, latent_values, *before):
        """Cached decoding (the paper's Appendix E.3). tokens [1,S] at positions past..past+S-1; cross_keys/values
        [R,H,dh] hold the cross-attention keys/values of positions < past (rows outermost, only those rows fed: one
        zero row when there are none); the last q = num_latents of the new
        positions (1 <= q <= S) become latents and attend to every input up to their own position and to the cached
        latents (rows < latent_valid of latent_keys/values [L,M,H,dh], rows outermost per layer) and each other,
        causally. -> (logits [1,q,V] of the new latents, the new rows: cross keys/values [S,H,dh], latent keys/values
        [L,q,H,dh]).
        A refill (the latent cache reset to F latents) is a call with the last F bytes, past = n - F, latent_valid = 0:
        only those F positions are recomputed, the cached cross-attention keys/values of the others are reused.
        before: what a subclass's inputs() needs of the bytes before `past` (the conv variant's prev_tokens)."""
        s = tokens.shape[1]
        x_pos = positions(s, tokens.device) + past.to(torch.int32)
        x = self.inputs(tokens, x_pos, *before)
        start = s - num_latents
        z_pos = x_pos[start:]
        z = self.z_linear(x[:, start:])
        z, cross_k, cross_v = self.cross.step(z, x, z_pos, x_pos, past, cross_keys, cross_values)
        new = []
        for i, block in enumerate(self.blocks):
            z, k, v, _ = block.step(z, z_pos, latent_valid, latent_keys[i], latent_values[i])
            new.append((k, v))
        return (self.head(self.norm(z)), cross_k, cross_v, torch.stack([k for k, _ in new]), torch.stack([v for _, v in new]))

    def step_signature(self):
        L, d, V, H = self.cfg["nLayers"], self.cfg["dModel"], self.cfg["vocabSize"], self.cfg["nHeads"]
        dh, cap, lat = d // H, 40, 12
        cross = [tensor(n, "float32", ["cached", H, dh]) for n in ("cross_keys", "cross_values")]
        latent = [tensor(n, "float32", [L, "latentCapacity", H, dh]) for n in ("latent_keys", "latent_values")]
        return StepSignature(
            args=(torch.randint(0, 256, (1, 6)), torch.tensor(9), torch.tensor(4), torch.randn(cap, H, dh),
                  torch.randn(cap, H, dh), torch.tensor(3), torch.randn(L, lat, H, dh), torch.randn(L, lat, H, dh)),
            inputs=[tensor("tokens", "int64", [1, "new"]), tensor("past", "int64", []), tensor("num_latents", "int64", []),
                    *cross, tensor("latent_valid", "int64", []), *latent],
            outputs=[tensor("logits", "float32", [1, "newLatents", V])]
                    + [dict(t, name="new_" + t["name"], dims=["new", H, dh]) for t in cross]
                    + [dict(t, name="new_" + t["name"], dims=[L, "newLatents", H, dh]) for t in latent],
            state=[dict(name=t["name"], axis=0) for t in cross] + [dict(name=t["name"], axis=1) for t in latent],
            extra=dict(refill=REFILL, maxChunk=PREFILL_CHUNK))

    def signature(self):
        return Signature(args=(torch.randint(0, 256, (1, 40)), torch.tensor(8)),
                         inputs=[tensor("tokens", "int64", [1, "seq"]), tensor("num_latents", "int64", [])],
                         outputs=[tensor("logits", "float32", [1, "latents", self.cfg["vocabSize"]])])

    def reference(self, tokens):
        m = torch.tensor(min(self.default_latents, 24))
        return dict(tokens=tokens, num_latents=m), dict(logits=self(tokens, m))
