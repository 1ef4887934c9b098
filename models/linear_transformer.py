"""Linear Transformer (Katharopoulos, Vyas, Pappas, Fleuret 2020, "Transformers are RNNs"), causal linear attention
with the elu(x)+1 feature map, after idiap/fast-transformers (CausalLinearAttention, eps 1e-6).

softmax(q.k) is replaced by phi(q).phi(k): position i reads S_i = sum_{j<=i} phi(k_j) v_j^T (dh x dh per head) and
z_i = sum_{j<=i} phi(k_j), out_i = phi(q_i) S_i / (phi(q_i) . z_i). As a recurrence (the paper's "RNN" view) the
state is constant in N, which is what the step graph carries.

The forward pass is computed in chunks of C positions with a carried state, never as N states of dh x dh (N x dh^2
per head: 268 MB at 65,536 bytes): inside a chunk a masked C x C product, across chunks the prefix sum of the
chunks' states (N / C states). Memory and time linear in N.
Positions: rotary as every decoder here, applied the way RoFormer (Su et al. 2021, section 3.4) combines it with
linear attention: rotated features in the numerator, unrotated in the normaliser, so the normaliser stays positive.

Linformer (Wang et al. 2020), the survey's other "factorised" attention, is not bundled: it projects the key and
value SEQUENCE axis (N positions) to k rows with a learned N x k matrix, so every projected row mixes all positions,
future ones included; it cannot be causal (and its N is fixed at training). Kernelised linear attention is the
causal factorisation.
"""
from functools import partial

import torch
import torch.nn.functional as F

from layers import SelfAttention, blocks, positions, unblocks
from manifest import StepSignature, tensor
from transformer import CACHED_CONTEXT, Transformer

EPS = 1e-6  # fast-transformers' default


def features(x):
    return F.elu(x) + 1


class CausalLinearAttention(SelfAttention):
    def __init__(self, d, n_heads, rotary, primer_kernel=0, chunk=64):
        super().__init__(d, n_heads, rotary, primer_kernel)
        self.chunk = chunk

    def attention(self, q, k, v, pos):
        t, c = q.shape[2], self.chunk
        fq, fk = features(q), features(k)
        rq, rk = self.rotary(fq, pos), self.rotary(fk, pos)  # numerator features carry the positions
        # padded rows are zero keys and values: they add nothing to any state
        fq, fk, rq, rk, v = (blocks(x, c) for x in (fq, fk, rq, rk, v))  # [B,H,nc,C,dh]
        i = positions(c, q.device)
        causal = (i[None, :] <= i[:, None]).to(q.dtype)  # [C,C], j <= i inside a chunk
        num = torch.matmul(torch.matmul(rq, rk.transpose(-1, -2)) * causal, v)
        den = (torch.matmul(fq, fk.transpose(-1, -2)) * causal).sum(-1)
        # the state each chunk starts from: the sum of the earlier chunks' states (exclusive prefix sum)
        s = torch.matmul(rk.transpose(-1, -2), v)  # [B,H,nc,dh,dh]
        z = fk.sum(3)  # [B,H,nc,dh]
        s_prev, z_prev = s.cumsum(2) - s, z.cumsum(2) - z
        num = num + torch.matmul(rq, s_prev)
        den = den + (fq * z_prev[:, :, :, None]).sum(-1)
        return unblocks(num / (den[..., None] + EPS), t)


    def cached_attention(self, q, k, v, pos, past, state, norm):
        """The recurrence (the paper's RNN view) over S new rows: state [H,dh,dh] = sum phi(k)v^T and norm [H,dh] =
        sum phi(k) over every earlier position; inside the call a causal S x S product, as one chunk of the forward.
        -> (out, the new state, the new norm): constant in N."""
        fq, fk = features(q), features(k)
        rq, rk = self.rotary(fq, pos), self.rotary(fk, pos)
        i = positions(q.shape[2])
        causal = (i[None, :] <= i[:, None]).to(q.dtype)
        num = torch.matmul(torch.matmul(rq, rk.transpose(-1, -2)) * causal, v) + torch.matmul(rq, state[None])
        den = (torch.matmul(fq, fk.transpose(-1, -2)) * causal).sum(-1) + (fq * norm[None, :, None, :]).sum(-1)
        return num / (den[..., None] + EPS), state + torch.matmul(rk.transpose(-1, -2), v)[0], norm + fk.sum(2)[0]


class LinearTransformer(Transformer):
    kv_per_layer = False  # a recurrent state of fixed size, not a K/V cache

    def __init__(self, cfg):
        super().__init__(cfg, attn=partial(CausalLinearAttention, chunk=cfg["attention"]["chunk"]))

    def step_signature(self):
        """The Transformer's step with the recurrent state in place of the K/V cache: (tokens, past, state, norm) ->
        (logits, new state, new norm), whole tensors of a fixed size (no row axis: nothing grows with N)."""
        L, d, V, H = self.cfg["nLayers"], self.cfg["dModel"], self.cfg["vocabSize"], self.cfg["nHeads"]
        dh = d // H
        state = [tensor("state", "float32", [L, H, dh, dh]), tensor("norm", "float32", [L, H, dh])]
        return StepSignature(
            args=(torch.randint(0, 256, (1, 5)), torch.tensor(7, dtype=torch.int32), torch.rand(L, H, dh, dh), torch.rand(L, H, dh)),
            inputs=[tensor("tokens", "int64", [1, "new"]), tensor("past", "int32", [])] + state,
            outputs=[tensor("logits", "float32", [1, "new", V])] + [dict(t, name="new_" + t["name"]) for t in state],
            state=[dict(name=t["name"]) for t in state], extra=dict(maxCapacity=CACHED_CONTEXT))
