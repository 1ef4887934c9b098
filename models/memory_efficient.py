"""Memory-efficient exact attention (Rabe and Staats 2021, "Self-attention Does Not Need O(n^2) Memory"; the idea
FlashAttention (Dao et al. 2022) turns into a fused GPU kernel): the Transformer's own weights and predictions, with
the attention computed in query chunks x key chunks and an online softmax (a running max, denominator and weighted
sum per query), so no score tensor larger than one chunk pair ever exists. Time stays quadratic (causal chunks
above the diagonal are skipped: about half of full attention's products); memory grows with N only through the
activations (N x d).

Exported as an ONNX Loop over query chunks with a Loop over key chunks inside (torch.jit.script), so one graph
serves every N. Measured before choosing it (onnxruntime-web 1.30 WASM in Node, 1 thread, one causal attention of
4 heads x 32 over N positions, the machine shared: load 14 to 19 on 2 cores), N = 4,096 / 16,384:
com.microsoft.GroupQueryAttention, the fused causal operator both WASM and WebGPU register, 8.5 s / 222 s (memory
linear); com.microsoft.MultiHeadAttention (unidirectional) 1.2 s / out of memory (it materialises the scores; its
WebGPU kernel lacks masks, says onnxruntime-web's operator table); these chunk loops 1.4 s / 12.4 s, 344 MB resident at 16,384. The loops
run on the CPU under WebGPU (their bodies' products on the GPU), which the manifest's webgpuUnsupportedOps says.
Simplified: chunk sizes fixed in the graph (256 queries x 2,048 keys; Rabe and Staats use 1,024 x 4,096); no
gradient checkpointing (inference only: it shares the trained Transformer's weights).
"""
import math
from functools import partial

import torch

from layers import SelfAttention
from transformer import Transformer


def chunked_causal_attention(q, k, v, q_chunk: int, k_chunk: int, scale: float):
    """q, k, v [B,H,N,dh] -> causal softmax(q k^T * scale) v, one (q_chunk x k_chunk) score block at a time."""
    n = q.shape[2]
    pos = torch.arange(n, dtype=torch.int32)
    out = q[:, :, :0] * 0.0  # grows by one query chunk per iteration (a list would export as CPU-only Sequence ops)
    for i in range((n + q_chunk - 1) // q_chunk):
        q0 = i * q_chunk
        q1 = min(q0 + q_chunk, n)
        qi = q[:, :, q0:q1] * scale
        top = qi[:, :, :, :1] * 0.0 - 1e9  # running max, denominator and weighted sum of values, per query
        den = top * 0.0
        acc = qi * 0.0
        for j in range((q1 + k_chunk - 1) // k_chunk):  # key chunks up to the diagonal only
            k0 = j * k_chunk
            k1 = min(k0 + k_chunk, q1)
            s = torch.matmul(qi, k[:, :, k0:k1].transpose(-1, -2))
            s = torch.where(pos[None, k0:k1] <= pos[q0:q1, None], s, torch.tensor(-1e9))
            block_top = s.amax(-1, keepdim=True)
            new_top = torch.where(block_top > top, block_top, top)  # not torch.maximum: Max has no WebGPU kernel
            p = torch.exp(s - new_top)
            fix = torch.exp(top - new_top)
            den = den * fix + p.sum(-1, keepdim=True)
            acc = acc * fix + torch.matmul(p, v[:, :, k0:k1])
            top = new_top
        out = torch.cat([out, acc / den], dim=2)
    return out


scripted_attention = torch.jit.script(chunked_causal_attention)  # traced export would unroll the loops for one N


class ChunkedAttention(SelfAttention):
    exact_softmax = True  # the Transformer's softmax, chunked: its step graph (a K/V cache) decodes this model

    def __init__(self, d, n_heads, rotary, primer_kernel=0, query_chunk=256, key_chunk=2048):
        super().__init__(d, n_heads, rotary, primer_kernel)
        self.query_chunk, self.key_chunk = query_chunk, key_chunk

    exact_softmax = True  # the same weights as the full softmax: the attention view shows them

    def attention(self, q, k, v, pos):
        q, k = self.rotary(q, pos), self.rotary(k, pos)
        return scripted_attention(q, k, v, self.query_chunk, self.key_chunk, 1.0 / math.sqrt(q.shape[-1]))


class MemoryEfficientTransformer(Transformer):
    """The Transformer (same parameters, same state dict) with chunked attention."""

    def __init__(self, cfg):
        a = cfg["attention"]
        super().__init__(cfg, attn=partial(ChunkedAttention, query_chunk=a["queryChunk"], key_chunk=a["keyChunk"]))
