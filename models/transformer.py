"""Decoder-only Transformer (GPT-style, pre-LN), causal self-attention over all N positions.

Variants of the same code: vanilla (ReLU MLP), +GELU, Transformer++ (RMSNorm + SwiGLU). Positions: the same
rotary scheme as Perceiver AR (50% of head channels) so the families differ only in what is compared.
Cost per forward: O(L * N^2 * d) attention + O(L * N * d^2) projections; memory O(H * N^2) per layer.
"""
import torch
import torch.nn as nn

from layers import Block, Rotary, SelfAttention, make_norm, positions
from manifest import Signature, StepSignature, tensor

# With a cache and chunked prefill the memory grows as N (the cache) plus chunk x N (scores), not N^2 as in one forward,
# so the step graph may hold more than maxContext (the one-shot forward's measured wall): as many positions as the
# longest bundled model reads (Perceiver AR), so the decoders' cached wall can be found by measuring.
CACHED_CONTEXT = 65536


class Transformer(nn.Module):
    io = "full"

    def __init__(self, cfg, primer_kernel=0, attn=SelfAttention):
        """attn: the attention module of every block (families that change only the attention pattern pass theirs)."""
        super().__init__()
        self.cfg = cfg
        d = cfg["dModel"]
        self.embed = nn.Embedding(cfg["vocabSize"], d)
        rotary = Rotary(d // cfg["nHeads"], cfg.get("rotaryWavelength", cfg["maxContext"]))
        self.blocks = nn.ModuleList(
            Block(d, cfg["nHeads"], cfg["dFf"], cfg["activation"], cfg["norm"], rotary, primer_kernel, attn)
            for _ in range(cfg["nLayers"])
        )
        self.norm = make_norm(cfg["norm"], d)
        self.head = nn.Linear(d, cfg["vocabSize"])

    def forward(self, tokens):
        """tokens [B,N] int64 -> logits [B,N,V]: row t predicts token t+1."""
        pos = positions(tokens.shape[1], tokens.device)
        x = self.embed(tokens)
        for block in self.blocks:
            x = block(x, pos)
        return self.head(self.norm(x))

    def attention_map(self, tokens, query):
        """tokens [B,N], query int64 [1] -> [B,N]: where position `query` reads in the FIRST layer, heads averaged.
        The first layer because it reads the bytes themselves (embedding + rotary), like Perceiver AR's
        cross-attention; a later layer's keys are mixtures of earlier positions, not those bytes."""
        pos = positions(tokens.shape[1], tokens.device)
        block = self.blocks[0]
        return block.attn.attention_row(block.norm1(self.embed(tokens)), pos, query)

    attention_layer = "the first self-attention layer (the one that reads the bytes themselves)"

    def attention_signature(self):
        """The analysis graph's signature, or None where the first layer's weights are not one softmax row (a sparse
        pattern, linear attention): the view would show weights the model does not use."""
        if not self.blocks[0].attn.has_softmax_row():
            return None
        tokens = torch.randint(0, 256, (1, 48), generator=torch.Generator().manual_seed(11))
        return Signature(args=(tokens, torch.tensor([40])),
                         inputs=[tensor("tokens", "int64", [1, "seq"]), tensor("query", "int64", [1])],
                         outputs=[tensor("attention", "float32", [1, "seq"])])

    def forward_train(self, tokens):
        return self(tokens)

    def signature(self):
        return Signature(args=(torch.randint(0, 256, (1, 40)),),
                         inputs=[tensor("tokens", "int64", [1, "seq"])],
                         outputs=[tensor("logits", "float32", [1, "seq", self.cfg["vocabSize"]])])

    def reference(self, tokens):
        return dict(tokens=tokens), dict(logits=self(tokens))

    # The K/V cache is one input per layer and kind, rows outermost ([R,H,dh]): the caller feeds only the rows
    # written so far as the first bytes of its preallocated state, and a layer's attention reads its cache where it
    # lies (layers.attend_cached). One [L,H,cap,dh] tensor made every step copy the cache: slicing a layer out of it
    # (ORT turns the per-layer Gathers into a Split of the whole capacity: 405 ms at 65,536 positions), then its
    # valid rows, then the concatenation with the new rows. A family whose state is not a K/V cache (the linear
    # Transformer's recurrent state) sets this False and keeps whole [L,...] tensors.
    kv_per_layer = True

    def step(self, tokens, past, *state):
        """Cached decoding: tokens [1,S] at positions past..past+S-1; state: keys_0..keys_{L-1}, values_0..values_{L-1}
        [R,H,dh] (rows < past valid), then Primer's convs [L,3,k-1,d] -> (logits [1,S,V], the new rows' keys and
        values [S,H,dh] per layer[, new convs]). With kv_per_layer False: (keys, values[, convs]) whole."""
        L = len(self.blocks)
        if self.kv_per_layer:
            keys, values, rest = state[:L], state[L : 2 * L], state[2 * L :]
        else:
            keys, values, rest = state[0], state[1], state[2:]
        convs = rest[0] if rest else None
        pos = positions(tokens.shape[1], tokens.device) + past.to(torch.int32)
        x = self.embed(tokens)
        new = []
        for i, block in enumerate(self.blocks):
            x, k, v, c = block.step(x, pos, past, keys[i], values[i], None if convs is None else convs[i])
            new.append((k, v, c))
        ks, vs = [n[0] for n in new], [n[1] for n in new]
        out = [self.head(self.norm(x))] + (ks + vs if self.kv_per_layer else [torch.stack(ks), torch.stack(vs)])
        if convs is not None:
            out.append(torch.stack([n[2] for n in new]))
        return tuple(out)

    def step_signature(self):
        """None when a block's attention has no step() (see SelfAttention.steps): the model has no step graph.
        The cache's row axis is "cached": the rows written so far, at least one (a zero row before the first byte),
        the first bytes of a state allocated at "capacity" rows (src/engine/stepRunner.ts feeds just those)."""
        if not all(block.attn.steps for block in self.blocks):
            return None
        L, d, V, H = self.cfg["nLayers"], self.cfg["dModel"], self.cfg["vocabSize"], self.cfg["nHeads"]
        dh = d // H
        caches = [tensor(f"{kind}_{i}", "float32", ["cached", H, dh]) for kind in ("keys", "values") for i in range(L)]
        args = [torch.randint(0, 256, (1, 5)), torch.tensor(7, dtype=torch.int32)] + [torch.randn(7, H, dh) for _ in caches]
        ins, outs = list(caches), [dict(t, name="new_" + t["name"], dims=["new", H, dh]) for t in caches]
        state = [dict(name=t["name"], axis=0) for t in caches]
        if self.cfg.get("convKernel"):
            convs = tensor("convs", "float32", [L, 3, self.cfg["convKernel"] - 1, d])
            args.append(torch.randn(L, 3, self.cfg["convKernel"] - 1, d))
            ins.append(convs)
            outs.append(dict(convs, name="new_convs"))
            state.append(dict(name="convs"))
        return StepSignature(
            args=tuple(args),
            # `past` is int32: WebGPU (JSEP) has no int64 Cast, and a graph with one node off the GPU cannot be
            # captured (src/engine/capturedStep.ts)
            inputs=[tensor("tokens", "int64", [1, "new"]), tensor("past", "int32", [])] + ins,
            outputs=[tensor("logits", "float32", [1, "new", V])] + outs,
            state=state, extra=dict(maxCapacity=CACHED_CONTEXT))
