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

from layers import NEG, SelfAttention, blocks, positions, score, unblocks
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


class SparseTransformer(Transformer):
    def __init__(self, cfg):
        a = cfg["attention"]
        super().__init__(cfg, attn=partial(FixedSparseAttention, block=a["block"], summaries=a["summaries"]))
