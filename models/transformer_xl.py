"""Transformer-XL (Dai et al. 2019), after kimiyoung/transformer-xl pytorch/mem_transformer.py.

The input is processed in segments of S tokens. Each layer attends over [memory; segment], where the memory
holds the previous segments' hidden states entering that layer (no gradient through it). Relative positional
encoding: sinusoid R over distances, a projection r_net per layer, biases r_w_bias (content) and r_r_bias
(position) shared across layers, and the "rel shift" that aligns scores by distance.

Exported as one step: (tokens[1,S], mems[L,1,mem,d], mem_valid) -> (logits[1,S,V], new_mems[L,1,mem,d]).
The memory has a fixed length; its rows are most-recent-last and only the last `mem_valid` are real (the rest
are masked), so the browser can start with zeros and carry the step's output along.
Simplifications: pre-LayerNorm (the official code's pre_lnorm option) like every other family here; no
adaptive softmax, no dropout.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from layers import MLP, cached, make_norm, masked
from manifest import Signature, StepSignature, tensor


def sinusoid(pos_seq, d):
    inv_freq = 1.0 / (10000 ** (torch.arange(0.0, d, 2.0) / d))
    ang = pos_seq[:, None] * inv_freq[None, :]
    return torch.cat([ang.sin(), ang.cos()], dim=-1)  # [klen, d]


def rel_shift(x):
    """The official zero-pad-and-reshape rel shift: x [B,H,q,k] whose column c holds distance k-1-c becomes
    aligned so that [i, j] holds distance (k-q+i) - j."""
    b, h, q, k = x.shape
    padded = F.pad(x, (1, 0)).view(b, h, k + 1, q)  # Pad, not zeros_like + Concat (ConstantOfShape: no WebGPU kernel)
    return padded[:, :, 1:].reshape(b, h, q, k)


class RelAttention(nn.Module):
    def __init__(self, d, n_heads):
        super().__init__()
        self.h, self.dh = n_heads, d // n_heads
        self.qkv = nn.Linear(d, 3 * d, bias=False)
        self.r_net = nn.Linear(d, d, bias=False)
        self.o = nn.Linear(d, d, bias=False)

    def forward(self, h, mem, r, r_w_bias, r_r_bias, causal, valid):
        b, q_len, d = h.shape
        cat = torch.cat([mem, h], dim=1)
        k_len = cat.shape[1]
        qkv = self.qkv(cat)
        q = qkv[:, -q_len:, :d].reshape(b, q_len, self.h, self.dh)
        k = qkv[:, :, d : 2 * d].reshape(b, k_len, self.h, self.dh)
        v = qkv[:, :, 2 * d :].reshape(b, k_len, self.h, self.dh)
        rk = self.r_net(r).reshape(k_len, self.h, self.dh)
        ac = torch.einsum("bqhd,bkhd->bhqk", q + r_w_bias, k)
        bd = rel_shift(torch.einsum("bqhd,khd->bhqk", q + r_r_bias, rk))
        scores = masked(masked((ac + bd) / math.sqrt(self.dh), causal), valid)  # two Wheres: And has no WebGPU kernel
        out = torch.einsum("bhqk,bkhd->bqhd", scores.softmax(-1), v).reshape(b, q_len, d)
        return self.o(out)

    def key_values(self, h):
        """h [1,S,d] (normed) -> keys and values [1,H,S,dh]."""
        b, s, d = h.shape
        _, k, v = self.qkv(h).split(d, dim=-1)
        return k.reshape(b, s, self.h, self.dh).transpose(1, 2), v.reshape(b, s, self.h, self.dh).transpose(1, 2)

    def step(self, h, keys, values, first, row, r, r_w_bias, r_r_bias, before=None):
        """Cached attention for S new rows h [1,S,d] (normed). keys/values [H,mem+seg,dh]: rows first..row-1 are the
        valid memory and the segment so far; the new rows attend to them and causally to each other. r: the
        sinusoids of distances k_len-1 .. 0. A position's keys and values do not depend on where it sits (positions
        enter through r), so the memory's rows are the earlier segment's. before: keys and values [1,H,c,dh] of rows
        older than the memory (the Compressive Transformer's compressed rows). -> (out, the new keys/values [H,S,dh])."""
        b, q_len, d = h.shape
        q, k, v = self.qkv(h).split(d, dim=-1)
        k = k.reshape(b, q_len, self.h, self.dh).transpose(1, 2)
        v = v.reshape(b, q_len, self.h, self.dh).transpose(1, 2)
        k_all, v_all = cached(keys, k, row, first), cached(values, v, row, first)
        if before is not None:
            k_all, v_all = torch.cat([before[0], k_all], dim=2), torch.cat([before[1], v_all], dim=2)
        k_len = k_all.shape[2]
        q = q.reshape(b, q_len, self.h, self.dh)
        rk = self.r_net(r).reshape(k_len, self.h, self.dh)
        ac = torch.einsum("bqhd,bhkd->bhqk", q + r_w_bias, k_all)
        bd = rel_shift(torch.einsum("bqhd,khd->bhqk", q + r_r_bias, rk))
        q_idx = torch.arange(q_len, dtype=torch.int32)[:, None] + (k_len - q_len)
        scores = masked((ac + bd) / math.sqrt(self.dh), torch.arange(k_len, dtype=torch.int32)[None, :] <= q_idx)
        out = torch.einsum("bhqk,bhkd->bqhd", scores.softmax(-1), v_all)
        return self.o(out.reshape(b, q_len, d)), k[0], v[0]


class XLBlock(nn.Module):
    def __init__(self, d, n_heads, d_ff, activation, norm):
        super().__init__()
        self.norm1, self.norm2 = make_norm(norm, d), make_norm(norm, d)
        self.attn = RelAttention(d, n_heads)
        self.mlp = MLP(d, d_ff, activation)

    def forward(self, x, mem, r, r_w_bias, r_r_bias, causal, valid):
        # One LayerNorm for memory and segment, as the official pre_lnorm code normalises cat([mems, w]).
        x = x + self.attn(self.norm1(x), self.norm1(mem), r, r_w_bias, r_r_bias, causal, valid)
        return x + self.mlp(self.norm2(x))

    def step(self, x, keys, values, first, row, r, r_w_bias, r_r_bias, before=None):
        a, keys, values = self.attn.step(self.norm1(x), keys, values, first, row, r, r_w_bias, r_r_bias, before)
        x = x + a
        return x + self.mlp(self.norm2(x)), keys, values


class TransformerXL(nn.Module):
    io = "segments"

    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        d, L = cfg["dModel"], cfg["nLayers"]
        self.d, self.L, self.mem_len, self.seg_len = d, L, cfg["attention"]["memory"], cfg["attention"]["segment"]
        self.embed = nn.Embedding(cfg["vocabSize"], d)
        # The official init (init_std 0.02) before the sqrt(d) scale: the residual stream starts at RMS ~0.2·sqrt(d/128)
        # like the other families', not ~sqrt(d) as an N(0,1) table scaled by sqrt(d) would.
        nn.init.normal_(self.embed.weight, std=0.02)
        self.r_w_bias = nn.Parameter(torch.zeros(cfg["nHeads"], d // cfg["nHeads"]))
        self.r_r_bias = nn.Parameter(torch.zeros(cfg["nHeads"], d // cfg["nHeads"]))
        self.blocks = nn.ModuleList(XLBlock(d, cfg["nHeads"], cfg["dFf"], cfg["activation"], cfg["norm"]) for _ in range(L))
        self.norm = make_norm(cfg["norm"], d)
        self.head = nn.Linear(d, cfg["vocabSize"])

    def empty_mems(self, batch=1):
        return torch.zeros(self.L, batch, self.mem_len, self.d)

    def forward(self, tokens, mems, mem_valid):
        """tokens [B,S], mems [L,B,mem,d], mem_valid int64 scalar -> (logits [B,S,V], new_mems [L,B,mem,d])."""
        q_len = tokens.shape[1]
        mem_len = mems.shape[2]
        k_len = mem_len + q_len
        q_idx = torch.arange(q_len, dtype=torch.int32)[:, None] + mem_len
        k_idx = torch.arange(k_len, dtype=torch.int32)[None, :]
        # causal over [memory; segment], and memory rows before the valid ones are padding (int32: see layers.py)
        causal = k_idx <= q_idx
        valid = k_idx >= (mem_len - mem_valid).to(torch.int32)
        r = sinusoid(torch.arange(k_len - 1, -1, -1.0), self.d)
        x = self.embed(tokens) * math.sqrt(self.d)
        new_mems = []
        for i, block in enumerate(self.blocks):
            new_mems.append(torch.cat([mems[i], x], dim=1)[:, -mem_len:])  # the layer's input, as in the paper
            x = block(x, mems[i], r, self.r_w_bias, self.r_r_bias, causal, valid)
        return self.head(self.norm(x)), torch.stack(new_mems)

    def step(self, tokens, keys, values, mem_valid, seg_valid):
        """Cached decoding. keys/values [L,H,mem+seg,dh]: rows 0..mem-1 the memory (its last mem_valid rows valid),
        rows mem.. the current segment (its first seg_valid rows valid); tokens [1,S] continue the segment
        (seg_valid + S <= seg). -> (logits [1,S,V], the new rows' keys/values [L,H,S,dh], for rows
        mem+seg_valid..). When a segment completes, the caller shifts the memory as in training: the memory becomes
        the last mem rows of [memory; segment], mem_valid = min(mem, mem_valid + seg), seg_valid = 0."""
        s = tokens.shape[1]
        first = self.mem_len - mem_valid
        row = self.mem_len + seg_valid
        r = sinusoid(torch.arange(mem_valid + seg_valid + s - 1, -1, -1.0), self.d)
        x = self.embed(tokens) * math.sqrt(self.d)
        new = []
        for i, block in enumerate(self.blocks):
            x, k, v = block.step(x, keys[i], values[i], first, row, r, self.r_w_bias, self.r_r_bias)
            new.append((k, v))
        return self.head(self.norm(x)), torch.stack([k for k, _ in new]), torch.stack([v for _, v in new])

    def step_signature(self):
        """None for a subclass that changes the forward (the Compressive Transformer) without its own step()."""
        if type(self).forward is not TransformerXL.forward and type(self).step is TransformerXL.step:
            return None
        L, d, V, H, rows = self.L, self.d, self.cfg["vocabSize"], self.cfg["nHeads"], self.mem_len + self.seg_len
        dh = d // H
        caches = [tensor(n, "float32", [L, H, rows, dh]) for n in ("keys", "values")]
        return StepSignature(
            args=(torch.randint(0, 256, (1, 3)), torch.randn(L, H, rows, dh), torch.randn(L, H, rows, dh),
                  torch.tensor(5), torch.tensor(2)),
            inputs=[tensor("tokens", "int64", [1, "new"])] + caches
                   + [tensor("mem_valid", "int64", []), tensor("seg_valid", "int64", [])],
            outputs=[tensor("logits", "float32", [1, "new", V])]
                    + [dict(t, name="new_" + t["name"], dims=[L, H, "new", dh]) for t in caches],
            state=[dict(name=t["name"], axis=2) for t in caches])

    def signature(self):
        # The memory length is a dynamic axis ("mem"): the page uses the trained attention.memory, the evaluation also
        # reads with a longer memory, as the XL paper evaluates.
        L, mem, d = self.L, self.mem_len, self.d
        return Signature(args=(torch.randint(0, 256, (1, 12)), torch.randn(L, 1, mem, d), torch.tensor(5)),
                         inputs=[tensor("tokens", "int64", [1, "seg"]), tensor("mems", "float32", [L, 1, "mem", d]),
                                 tensor("mem_valid", "int64", [])],
                         outputs=[tensor("logits", "float32", [1, "seg", self.cfg["vocabSize"]]),
                                  tensor("new_mems", "float32", [L, 1, "mem", d])])

    def reference(self, tokens):
        """A second segment with a real memory: the first segment's."""
        seg = min(self.seg_len, 24)
        first, second = tokens[:, :seg], tokens[:, seg : 2 * seg]
        _, mems = self(first, self.empty_mems(), torch.tensor(0))
        valid = torch.tensor(min(self.mem_len, seg))
        logits, new_mems = self(second, mems, valid)
        return dict(tokens=second, mems=mems, mem_valid=valid), dict(logits=logits, new_mems=new_mems)

    def forward_train(self, tokens):
        """Runs a long crop segment by segment, carrying detached memory (truncated BPTT, as in training XL)."""
        b, t = tokens.shape
        mems, valid, outs = self.empty_mems(b), 0, []
        for s in range(0, t, self.seg_len):
            logits, mems = self(tokens[:, s : s + self.seg_len], mems, torch.tensor(valid))
            mems = mems.detach()
            valid = min(self.mem_len, valid + min(self.seg_len, t - s))
            outs.append(logits)
        return torch.cat(outs, dim=1)
