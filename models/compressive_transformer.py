"""Compressive Transformer (Rae, Potapenko, Jayakumar, Lillicrap 2020): Transformer-XL (transformer_xl.py, the same
blocks, relative positions and pre-LN) plus a compressed memory.

Each layer keeps a memory of its last `attention.memory` inputs, as XL. When a segment of S new rows pushes the oldest S
memory rows out, XL drops them; here a 1D convolution (kernel and stride = the compression rate c, one per layer,
the paper's best compression function) turns them into S / c rows appended to a compressed memory of
`compressedMemory` rows (oldest dropped). Attention runs over [compressed memory; memory; segment], with XL's
relative positions counting one step per row (a compressed row is one position), as in the paper.

Training: the compression network gets no gradient from the language-model loss (its output enters attention only
in later segments, after the memories are detached, as in XL); it is trained by the paper's attention-reconstruction
loss: for each layer, || attn(h, old) - attn(h, compress(old)) ||^2 over the evicted rows, with content-only attention
that uses the layer's own (frozen) LayerNorm and projections, and gradients only into the convolution.

Exported as one step: (tokens[1,S], mems[L,1,M,d], mem_valid, cmems[L,1,C,d], cmem_valid) ->
(logits[1,S,V], new_mems, new_cmems); as XL's, each memory is a fixed buffer, most recent rows last, only the last
*_valid rows real. The evicted rows of a step are the first S rows of [memory; segment]; with S a multiple of c and
full segments their compressed rows are exactly the last ones the caller counts (compressed_rows below).
Simplified: pre-LN (XL's pre_lnorm option, as our XL); no adaptive softmax, no dropout; the reconstruction loss is
added to the language-model loss with weight 1 in one optimizer (the paper's rule of a separate optimizer for the
compression network differs only in its learning-rate schedule here, since no other parameter gets its gradient).
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from manifest import Signature, StepSignature, tensor
from transformer_xl import TransformerXL, sinusoid


def compressed_rows(mem_valid, segment, memory, rate):
    """How many valid compressed rows one step adds: the valid rows it evicts from the memory, divided by the rate."""
    return max(0, mem_valid + segment - memory) // rate


class CompressiveTransformer(TransformerXL):
    io = "segments"

    def __init__(self, cfg):
        super().__init__(cfg)
        a = cfg["attention"]
        self.rate, self.cmem_len = a["compressionRate"], a["compressedMemory"]
        self.compress = nn.ModuleList(nn.Conv1d(self.d, self.d, self.rate, stride=self.rate) for _ in range(self.L))
        self.aux_loss = None  # attention-reconstruction loss of the last forward_train

    def empty_cmems(self, batch=1):
        return torch.zeros(self.L, batch, self.cmem_len, self.d)

    def compress_rows(self, i, rows):
        """rows [B,T,d] -> [B,T/c,d] with layer i's convolution."""
        return self.compress[i](rows.transpose(1, 2)).transpose(1, 2)

    def forward(self, tokens, mems, mem_valid, cmems, cmem_valid):
        """tokens [B,S], mems [L,B,M,d], mem_valid, cmems [L,B,C,d], cmem_valid (int64 scalars) ->
        (logits [B,S,V], new_mems [L,B,M,d], new_cmems [L,B,C,d])."""
        logits, new_mems, new_cmems, _ = self.run(tokens, mems, mem_valid, cmems, cmem_valid)
        return logits, new_mems, new_cmems

    def run(self, tokens, mems, mem_valid, cmems, cmem_valid):
        """The step, plus each layer's (input, evicted rows) for the reconstruction loss."""
        s, m, c = tokens.shape[1], mems.shape[2], cmems.shape[2]
        k_len = c + m + s
        q_idx = torch.arange(s, dtype=torch.int32)[:, None] + (c + m)
        k_idx = torch.arange(k_len, dtype=torch.int32)[None, :]
        causal = k_idx <= q_idx
        # padding rows: compressed rows before the last cmem_valid, memory rows before the last mem_valid
        in_compressed = k_idx < torch.tensor(c, dtype=torch.int32)  # an int32 constant: a Python int compares as int64
        first_valid = torch.where(in_compressed, (c - cmem_valid).to(torch.int32), (c + m - mem_valid).to(torch.int32))
        valid = k_idx >= first_valid
        r = sinusoid(torch.arange(k_len - 1, -1, -1.0), self.d)
        x = self.embed(tokens) * math.sqrt(self.d)
        new_mems, new_cmems, evictions = [], [], []
        for i, block in enumerate(self.blocks):
            cat = torch.cat([mems[i], x], dim=1)
            evicted = cat[:, :s]  # the oldest s rows leave the memory
            new_mems.append(cat[:, -m:])
            new_cmems.append(torch.cat([cmems[i], self.compress_rows(i, evicted)], dim=1)[:, -c:])
            evictions.append((x, evicted))
            x = block(x, torch.cat([cmems[i], mems[i]], dim=1), r, self.r_w_bias, self.r_r_bias, causal, valid)
        return self.head(self.norm(x)), torch.stack(new_mems), torch.stack(new_cmems), evictions

    def signature(self):
        L, m, c, d = self.L, self.mem_len, self.cmem_len, self.d
        mems, cmems = tensor("mems", "float32", [L, 1, m, d]), tensor("cmems", "float32", [L, 1, c, d])
        return Signature(
            args=(torch.randint(0, 256, (1, 12)), torch.randn(L, 1, m, d), torch.tensor(5), torch.randn(L, 1, c, d),
                  torch.tensor(3)),
            inputs=[tensor("tokens", "int64", [1, "seg"]), mems, tensor("mem_valid", "int64", []), cmems,
                    tensor("cmem_valid", "int64", [])],
            outputs=[tensor("logits", "float32", [1, "seg", self.cfg["vocabSize"]]), dict(mems, name="new_mems"),
                     dict(cmems, name="new_cmems")])

    def reference(self, tokens):
        """A second segment with a real memory (the first segment's) and a half-valid compressed memory (seeded rows:
        a short reference input evicts nothing at the compare size)."""
        seg = min(self.seg_len, 24)
        first, second = tokens[:, :seg], tokens[:, seg : 2 * seg]
        _, mems, _ = self(first, self.empty_mems(), torch.tensor(0), self.empty_cmems(), torch.tensor(0))
        cmems = torch.randn(self.L, 1, self.cmem_len, self.d, generator=torch.Generator().manual_seed(3))
        valid, cvalid = torch.tensor(min(self.mem_len, seg)), torch.tensor(self.cmem_len // 2)
        logits, new_mems, new_cmems = self(second, mems, valid, cmems, cvalid)
        return (dict(tokens=second, mems=mems, mem_valid=valid, cmems=cmems, cmem_valid=cvalid),
                dict(logits=logits, new_mems=new_mems, new_cmems=new_cmems))

    def step(self, tokens, keys, values, hidden, ckeys, cvalues, mem_valid, seg_valid, cmem_valid):
        """Cached decoding as Transformer-XL's step (keys/values [L,H,mem+seg,dh] of [memory; segment], valid
        counts), plus hidden [L,mem+seg,d], the layer inputs of those rows (what gets compressed), and ckeys/cvalues
        [L,H,C,dh], the compressed rows' keys and values (last cmem_valid rows valid). The call that completes a
        segment compresses the rows the memory then evicts (the first seg rows of [memory; segment]) and appends them
        to ckeys/cvalues; the caller shifts the memory as for XL and counts the valid compressed rows
        (compressed_rows). -> (logits, the new rows' keys, values [L,H,S,dh] and hidden [L,S,d], ckeys, cvalues)."""
        s = tokens.shape[1]
        first, row = self.mem_len - mem_valid, self.mem_len + seg_valid
        c_first = self.cmem_len - cmem_valid
        r = sinusoid(torch.arange(cmem_valid + mem_valid + seg_valid + s - 1, -1, -1.0), self.d)
        # int32: WebGPU has no int64 Equal (see layers.py)
        done = seg_valid.to(torch.int32) + torch.tensor(s, dtype=torch.int32) == torch.tensor(self.seg_len, dtype=torch.int32)
        # rows to compress: the evicted seg rows when the segment completes, else a token group of `rate` rows (unused)
        evict = torch.where(done, torch.tensor(self.seg_len), torch.tensor(self.rate))
        x = self.embed(tokens) * math.sqrt(self.d)
        new = []
        for i, block in enumerate(self.blocks):
            inputs = x
            before = (ckeys[i][None, :, c_first:], cvalues[i][None, :, c_first:])
            x, k, v = block.step(x, keys[i], values[i], first, row, r, self.r_w_bias, self.r_r_bias, before)
            ck, cv = block.attn.key_values(block.norm1(self.compress_rows(i, hidden[i][None, :evict])))
            fresh_k, fresh_v = torch.cat([ckeys[i], ck[0]], dim=1)[:, -self.cmem_len :], torch.cat([cvalues[i], cv[0]], dim=1)[:, -self.cmem_len :]
            new.append((k, v, inputs[0], torch.where(done, fresh_k, ckeys[i]), torch.where(done, fresh_v, cvalues[i])))
        return (self.head(self.norm(x)), *(torch.stack([n[j] for n in new]) for j in range(5)))

    def step_signature(self):
        L, d, V, H, rows, c = self.L, self.d, self.cfg["vocabSize"], self.cfg["nHeads"], self.mem_len + self.seg_len, self.cmem_len
        dh = d // H
        caches = [tensor(n, "float32", [L, H, rows, dh]) for n in ("keys", "values")] + [tensor("hidden", "float32", [L, rows, d])]
        compressed = [tensor(n, "float32", [L, H, c, dh]) for n in ("ckeys", "cvalues")]
        return StepSignature(
            args=(torch.randint(0, 256, (1, 3)), torch.randn(L, H, rows, dh), torch.randn(L, H, rows, dh),
                  torch.randn(L, rows, d), torch.randn(L, H, c, dh), torch.randn(L, H, c, dh), torch.tensor(5),
                  torch.tensor(2), torch.tensor(3)),
            inputs=[tensor("tokens", "int64", [1, "new"])] + caches + compressed
                   + [tensor(n, "int64", []) for n in ("mem_valid", "seg_valid", "cmem_valid")],
            outputs=[tensor("logits", "float32", [1, "new", V])]
                    + [dict(t, name="new_" + t["name"], dims=[L, H, "new", dh]) for t in caches[:2]]
                    + [dict(caches[2], name="new_hidden", dims=[L, "new", d])]
                    + [dict(t, name="new_" + t["name"]) for t in compressed],
            state=[dict(name="keys", axis=2), dict(name="values", axis=2), dict(name="hidden", axis=1),
                   dict(name="ckeys"), dict(name="cvalues")])

    def reconstruction_loss(self, i, h, old):
        """The paper's attention-reconstruction loss for layer i: content attention of h over the evicted rows vs over
        their compression; everything but the convolution is detached."""
        block, d, heads = self.blocks[i], self.d, self.r_w_bias.shape[0]
        norm = block.norm1
        w = block.attn.qkv.weight.detach()

        def attend(keys):
            ln = lambda t: F.layer_norm(t, (d,), norm.weight.detach(), norm.bias.detach(), norm.eps)
            q = F.linear(ln(h), w[:d]).unflatten(-1, (heads, -1)).transpose(1, 2)
            k = F.linear(ln(keys), w[d : 2 * d]).unflatten(-1, (heads, -1)).transpose(1, 2)
            v = F.linear(ln(keys), w[2 * d :]).unflatten(-1, (heads, -1)).transpose(1, 2)
            return torch.matmul((torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d // heads)).softmax(-1), v)

        h, old = h.detach(), old.detach()
        return F.mse_loss(attend(self.compress_rows(i, old)), attend(old))

    def forward_train(self, tokens):
        """A long crop segment by segment with detached memories (as XL); sets self.aux_loss to the mean
        reconstruction loss over the steps that evicted valid rows."""
        b, t = tokens.shape
        mems, cmems, valid, cvalid, outs, aux = self.empty_mems(b), self.empty_cmems(b), 0, 0, [], []
        for s in range(0, t, self.seg_len):
            seg = tokens[:, s : s + self.seg_len]
            logits, mems, cmems, evictions = self.run(seg, mems, torch.tensor(valid), cmems, torch.tensor(cvalid))
            if valid + seg.shape[1] - self.mem_len >= seg.shape[1]:  # every evicted row was real
                aux += [self.reconstruction_loss(i, h, old) for i, (h, old) in enumerate(evictions)]
            mems, cmems = mems.detach(), cmems.detach()
            cvalid = min(self.cmem_len, cvalid + compressed_rows(valid, seg.shape[1], self.mem_len, self.rate))
            valid = min(self.mem_len, valid + seg.shape[1])
            outs.append(logits)
        self.aux_loss = torch.stack(aux).sum() / max(1, len(aux) // self.L) if aux else None
        return torch.cat(outs, dim=1)
