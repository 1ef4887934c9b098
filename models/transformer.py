"""Decoder-only Transformer (GPT-style, pre-LN), causal self-attention over all N positions.

Variants of the same code: vanilla (ReLU MLP), +GELU, Transformer++ (RMSNorm + SwiGLU). Positions: the same
rotary scheme as Perceiver AR (50% of head channels) so the families differ only in what is compared.
Cost per forward: O(L * N^2 * d) attention + O(L * N * d^2) projections; memory O(H * N^2) per layer.
"""
import torch
import torch.nn as nn

from layers import Block, Rotary, SelfAttention, make_norm, positions
from manifest import Signature, tensor


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

    def forward_train(self, tokens):
        return self(tokens)

    def signature(self):
        return Signature(args=(torch.randint(0, 256, (1, 40)),),
                         inputs=[tensor("tokens", "int64", [1, "seq"])],
                         outputs=[tensor("logits", "float32", [1, "seq", self.cfg["vocabSize"]])])

    def reference(self, tokens):
        return dict(tokens=tokens), dict(logits=self(tokens))
