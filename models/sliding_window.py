"""Sliding-window (local) attention decoder: position i attends to the w positions i-w+1 .. i only, as the Sparse
Transformer's "local" mode (openai/sparse_attention, attn_mode='local') and Longformer's causal sliding window
(Beltagy, Peters, Cohan 2020).

Computed block by block: the sequence is cut into blocks of w; each block's queries score their own block and the
one before it (2w keys) and a band mask keeps the w that are in the window, so the scores hold N * 2w elements per
head: memory and time linear in N. Reach grows with depth: L layers see L * (w - 1) positions back.
Cached decoding: the Transformer's K/V cache, of which a step reads only the last w rows (w keys per decoded byte).
Simplified: one window size for every layer and head, no dilation (Longformer dilates some heads); rotary positions
as every decoder here.
"""
from functools import partial

import torch
import torch.nn.functional as F

from layers import SelfAttention, all_of, attend, blocks, cached_rows, masked, new_rows, positions, positions_of, score, unblocks
from transformer import Transformer


def previous_block(x):
    """[B,H,nb,w,dh] -> the same with block b holding block b-1 (zeros before the first)."""
    return F.pad(x, (0, 0, 0, 0, 1, 0))[:, :, :-1]


class WindowAttention(SelfAttention):
    def __init__(self, d, n_heads, rotary, primer_kernel=0, window=256):
        super().__init__(d, n_heads, rotary, primer_kernel)
        self.window = window

    def attention(self, q, k, v, pos):
        w, t = self.window, q.shape[2]
        q, k = self.rotary(q, pos), self.rotary(k, pos)
        qb, kb, vb = blocks(q, w), blocks(k, w), blocks(v, w)  # [B,H,nb,w,dh]
        keys = torch.cat([previous_block(kb), kb], dim=3)  # [B,H,nb,2w,dh]: block b-1 then block b
        values = torch.cat([previous_block(vb), vb], dim=3)
        # query ii of block b sits at b*w + ii, key j of [b-1; b] at (b-1)*w + j: the band is i-w < key <= i, and
        # "block -1" of the first block (zeros from the padding) holds no real key. Built from the block index, known
        # only at run time, so the export does not fold w x 2w masks into the file as constants.
        b = positions(qb.shape[2], q.device)[:, None, None] * w
        query, key = b + positions(w, q.device)[None, :, None], b - w + positions(2 * w, q.device)[None, None, :]
        allowed = all_of(key <= query, key > query - w, key >= torch.tensor(0, dtype=torch.int32))  # [nb, w, 2w]
        s = masked(score(qb, keys), allowed)  # [B,H,nb,w,2w]
        return unblocks(torch.matmul(s.softmax(-1), values), t)

    def cached_attention(self, q, k, v, pos, past, keys, values):
        """The window of the cache only: rows from past - w + 1 on (the earliest any new row can see), then the band."""
        w, s = self.window, q.shape[2]
        past = past.long()  # the cache is sliced at past: int64 indices (the step graph takes it as int32)
        q, k = self.rotary(q, pos), self.rotary(k, pos)
        first = torch.clamp(past - (w - 1), min=0)
        key_pos = positions_of(past + s - first) + first.to(torch.int32)
        rows = positions(s) + past.to(torch.int32)
        allowed = all_of(key_pos[None, :] <= rows[:, None], key_pos[None, :] > rows[:, None] - w)
        out = attend(q, cached_rows(keys, k, past, first), cached_rows(values, v, past, first), allowed)
        return out, new_rows(k), new_rows(v)


class SlidingWindowTransformer(Transformer):
    def __init__(self, cfg):
        super().__init__(cfg, attn=partial(WindowAttention, window=cfg["attention"]["window"]))
