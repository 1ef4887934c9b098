"""Sparse Transformer (Child, Gray, Radford, Sutskever 2019), the "fixed" causal pattern, after openai/sparse_attention.

Position i attends to (1) every earlier position of its own block of l positions (A1: floor(j/l) == floor(i/l), j <= i)
and (2) the c "summary" positions at the end of every earlier block (A2: j mod l >= l - c). One head attends to the
union of both (the paper's "merged" heads).

Computed block by block, never as an N x N matrix with a mask (a mask saves nothing): the sequence is cut into
N/l blocks; each block's queries score their own l keys and the N/l * c summary keys, so the scores hold
N * (l + c * N / l) elements per head instead of N^2. With l and c fixed that is still quadratic, c / l of full
attention (the paper's O(N sqrt N) needs l ~ sqrt(N)); the summaries are what the memory curve grows with.
Simplified: rotary positions (as every decoder here) instead of learned embeddings; dense ops, not the paper's
block-sparse GPU kernels; no recomputation or fp16.
"""
from functools import partial

import torch

from layers import NEG, SelfAttention, all_of, attend, blocks, cached_rows, new_rows, positions, positions_of, score, unblocks
from transformer import Transformer


class FixedSparseAttention(SelfAttention):
    def __init__(self, d, n_heads, rotary, primer_kernel=0, block=128, summaries=8):
        super().__init__(d, n_heads, rotary, primer_kernel)
        self.block, self.summaries = block, summaries  # the paper's l (stride) and c

    def attention(self, q, k, v, pos):
        l, c, t = self.block, self.summaries, q.shape[2]
        q, k = self.rotary(q, pos), self.rotary(k, pos)
        qb, kb, vb = blocks(q, l), blocks(k, l), blocks(v, l)  # [B,H,nb,l,dh]
        b, h, nb, _, dh = qb.shape
        # summary keys: the last c positions of every block, [B,H,nb*c,dh]
        ks, vs = kb[:, :, :, l - c :].reshape(b, h, nb * c, dh), vb[:, :, :, l - c :].reshape(b, h, nb * c, dh)
        i = positions(l, q.device)
        local = score(qb, kb)  # [B,H,nb,l,l]
        local = torch.where(i[None, :] <= i[:, None], local, local.new_tensor(NEG))
        summary = score(qb, ks[:, :, None])  # [B,H,nb,l,nb*c]
        blk = positions(nb, q.device)
        earlier = (positions(nb * c, q.device) // c)[None, :] < blk[:, None]  # [nb, nb*c]: summaries of earlier blocks only
        summary = torch.where(earlier[:, None, :], summary, summary.new_tensor(NEG))
        # one softmax over both parts, without concatenating them: a shared max and denominator
        top_l, top_s = local.amax(-1, keepdim=True), summary.amax(-1, keepdim=True)
        top = torch.where(top_l > top_s, top_l, top_s)  # not torch.maximum: Max has no WebGPU kernel
        pl, ps = (local - top).exp(), (summary - top).exp()
        out = (torch.matmul(pl, vb) + torch.matmul(ps, vs[:, :, None])) / (pl.sum(-1, keepdim=True) + ps.sum(-1, keepdim=True))
        return unblocks(out, t)


    def cached_attention(self, q, k, v, pos, past, keys, values):
        """Cached decoding with the Transformer's K/V cache, reading only what the pattern needs: the summaries of the
        blocks before the first new row's block (strided rows of the cache) and every row from that block's start on.
        Per decoded byte that is l + c * N / l keys, as each row of the forward."""
        past = past.long()  # the cache is sliced at past: int64 indices (the step graph takes it as int32)
        l, c, s = self.block, self.summaries, q.shape[2]
        q, k = self.rotary(q, pos), self.rotary(k, pos)
        h, dh = keys.shape[1], keys.shape[2]
        nb = past // l  # whole blocks before the first new row's block
        start = nb * l

        def summaries(cache):  # rows b*l + l-c .. b*l + l-1 of every earlier block: [1,H,nb*c,dh]
            return cache[:start].reshape(nb, l, h, dh)[:, l - c :].reshape(nb * c, h, dh).transpose(0, 1)[None]

        k_all = torch.cat([summaries(keys), cached_rows(keys, k, past, start)], dim=2)
        v_all = torch.cat([summaries(values), cached_rows(values, v, past, start)], dim=2)
        first = positions_of(nb)[:, None] * l + (l - c)
        key_pos = torch.cat([(first + positions(c)[None, :]).reshape(-1), positions_of(past + s - start) + start.to(torch.int32)])
        rows = positions(s) + past.to(torch.int32)
        # the pattern as in the forward: causal, and the key in the query's block or a summary position
        same_block = (key_pos[None, :] // l == rows[:, None] // l).to(torch.int32)
        offset = key_pos - key_pos // l * l  # j mod l, without Mod (no WebGPU kernel)
        is_summary = (offset >= torch.tensor(l - c, dtype=torch.int32)).to(torch.int32)[None, :]
        allowed = all_of(key_pos[None, :] <= rows[:, None], same_block + is_summary >= torch.tensor(1, dtype=torch.int32))
        return attend(q, k_all, v_all, allowed), new_rows(k), new_rows(v)


class SparseTransformer(Transformer):
    def __init__(self, cfg):
        a = cfg["attention"]
        super().__init__(cfg, attn=partial(FixedSparseAttention, block=a["block"], summaries=a["summaries"]))
