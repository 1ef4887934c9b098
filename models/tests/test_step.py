"""Cached decoding (each model's step()) against the full forward, in PyTorch: a prompt plus 64 greedy bytes,
Perceiver AR's refills, chunked prefill; and the exported step graphs stay on WebGPU.

The driver below is the test's own, small copy of src/engine/stepRunner.ts's rules (which the vitest graph tests
check on the shipped ONNX step graphs). Tolerance: max |diff| of logits < 1e-4 (float32 sums in another order)."""
import os
import tempfile

import pytest
import torch

from configs import CONFIGS, build_model
from export import export_graph, export_step

TINY = [i for i in CONFIGS if i.endswith("-tiny") and build_model(i).step_signature() is not None]
# every recall model with a step graph (trained or not: the parity is the graph's, whatever its weights)
RECALL = [i for i in CONFIGS if i.endswith("-recall") and build_model(i).step_signature() is not None]
ATOL = 1e-4


class Cached:
    """Drives model.step as stepRunner.ts does: chunks, Transformer-XL's segments, Perceiver AR's latents; the
    state is preallocated and the rows each call returns are written into it."""

    def __init__(self, model, capacity, chunk=512, num_latents=None, refill_to=None):
        self.model, self.chunk, self.length, self.io = model, chunk, 0, model.io
        cfg = model.cfg
        sizes = dict(capacity=capacity, cached=capacity)  # "cached": allocated at the capacity, fed up to the valid rows
        if self.io == "segments":
            self.mem_valid = self.seg_valid = self.cmem_valid = 0
        elif self.io == "latents":
            self.M = num_latents or cfg["attention"]["latents"]
            self.F = refill_to or max(self.M // 2, self.M - 128)
            sizes["latentCapacity"] = self.M
            self.tokens = torch.zeros(1, 0, dtype=torch.long)
            self.latents = self.refills = 0
        sig = model.step_signature()  # the state as the manifest describes it: zeros at the chosen sizes
        dims = {t["name"]: t["dims"] for t in sig.inputs}
        self.state = [torch.zeros(*[sizes.get(x, x) for x in dims[s["name"]]]) for s in sig.state]
        self.axes = [s.get("axis") for s in sig.state]
        self.fed_valid = [s.get("axis") is not None and dims[s["name"]][s["axis"]] == "cached" for s in sig.state]
        self.compressed = "cmem_valid" in dims  # Compressive Transformer: the count of valid compressed rows
        self.lookback = dims["prev_tokens"][1] if "prev_tokens" in dims else 0  # the manifest's step.lookback

    def _call(self, args, offsets):
        """Runs step(*args) and writes each returned state into self.state (rows at offsets[i] along its axis)."""
        # a "cached" state is fed up to its valid rows (the call's offset), at least one
        fed = {id(t): t.narrow(0, 0, max(at, 1)) for t, at, v in zip(self.state, offsets, self.fed_valid) if v}
        out = self.model.step(*[fed.get(id(a), a) for a in args])
        for i, (new, axis) in enumerate(zip(out[1:], self.axes)):
            if axis is None:
                self.state[i] = new
            else:
                self.state[i].narrow(axis, offsets[i], new.shape[axis]).copy_(new)
        return out[0]

    def _latent_run(self, start, end, latent_from):
        rows = []
        for a in range(start, end, self.chunk):
            b = min(a + self.chunk, end)
            q = max(0, b - max(a, latent_from))
            s = self.state
            args = (self.tokens[:, a:b], torch.tensor(a), torch.tensor(max(q, 1)), s[0], s[1], torch.tensor(self.latents), s[2], s[3])
            if self.lookback:  # the bytes before position a, zeros before the start (stepRunner.ts: from its history)
                prev = self.tokens[:, max(0, a - self.lookback) : a]
                args += (torch.cat([torch.zeros(1, self.lookback - prev.shape[1], dtype=torch.long), prev], dim=1),)
            logits = self._call(args, [a, a, self.latents, self.latents])
            if q:
                rows.append(logits[:, -q:])
            self.latents += q
        return torch.cat(rows, dim=1)

    def append(self, tokens):
        """tokens [1,n] -> logits for the positions computed (Perceiver AR's prompt: its last min(F, n) positions)."""
        n = tokens.shape[1]
        with torch.no_grad():
            if self.io == "latents":
                self.tokens = torch.cat([self.tokens, tokens], dim=1)
                if self.latents == 0:
                    end = self.length + n
                    self.length = end
                    return self._latent_run(end - n, end, end - min(self.F, end))
                rows = []
                for _ in range(n):
                    end = self.length + 1
                    if self.latents == self.M:
                        self.latents, self.refills = 0, self.refills + 1
                        rows.append(self._latent_run(end - min(self.F, end), end, 0)[:, -1:])
                    else:
                        rows.append(self._latent_run(end - 1, end, end - 1))
                    self.length = end
                return torch.cat(rows, dim=1)
            rows, i = [], 0
            mem, seg = getattr(self.model, "mem_len", 0), getattr(self.model, "seg_len", 0)
            while i < n:
                if self.io == "segments":
                    s = min(n - i, self.chunk, seg - self.seg_valid)
                    valid = [torch.tensor(self.mem_valid), torch.tensor(self.seg_valid)]
                    if self.compressed:
                        valid.append(torch.tensor(self.cmem_valid))
                    args = (tokens[:, i : i + s], *self.state, *valid)
                    rows.append(self._call(args, [mem + self.seg_valid] * len(self.state)))
                    self.seg_valid += s
                    if self.seg_valid == seg:  # the memory shifts as in training: the last mem rows of [memory; segment]
                        for t, axis in zip(self.state, self.axes):
                            if axis is not None:
                                t.narrow(axis, 0, mem).copy_(t.narrow(axis, seg, mem).clone())
                        if self.compressed:  # the rows it evicted were compressed in that call
                            rate, cmem = self.model.rate, self.model.cmem_len
                            self.cmem_valid = min(cmem, self.cmem_valid + max(0, self.mem_valid + seg - mem) // rate)
                        self.seg_valid, self.mem_valid = 0, min(mem, self.mem_valid + seg)
                else:
                    s = min(n - i, self.chunk)
                    rows.append(self._call((tokens[:, i : i + s], torch.tensor(self.length), *self.state), [self.length] * len(self.state)))
                self.length += s
                i += s
            return torch.cat(rows, dim=1)


def full_forward(model, tokens, num_latents=None):
    with torch.no_grad():
        if model.io == "latents":
            return model(tokens, torch.tensor(num_latents))
        return model.forward_train(tokens)


@pytest.mark.parametrize("model_id", TINY + RECALL + ["perceiver-ar-copy"])
def test_cached_decoding_of_a_prompt_and_64_greedy_bytes_equals_the_forward(model_id):
    torch.manual_seed(0)
    model = build_model(model_id).eval()
    prompt = torch.randint(0, 256, (1, 100))
    big = model_id == "perceiver-ar-copy" or (model.io == "latents" and model_id.endswith("-recall"))
    latents = dict(num_latents=32, refill_to=16) if big else {}  # a refill every 16 bytes
    dec = Cached(model, capacity=164, chunk=24, **latents)
    first = dec.append(prompt)
    tokens, steps, latents = prompt, [], []
    for _ in range(64):
        tokens = torch.cat([tokens, first[:, -1:].argmax(-1) if not steps else steps[-1].argmax(-1)], dim=1)
        steps.append(dec.append(tokens[:, -1:]))
        latents.append(getattr(dec, "latents", None))
    if model.io == "latents":
        assert torch.allclose(first, full_forward(model, prompt, dec.F), atol=ATOL)
        for k, (row, m) in enumerate(zip(steps, latents)):
            # after a refill to F latents, k steps later: a full forward with F + k latents
            want = full_forward(model, tokens[:, : 101 + k], m)[:, -1:]
            assert torch.allclose(row, want, atol=ATOL), (k, m, (row - want).abs().max())
        assert dec.refills >= 2 and min(latents) == dec.F and max(latents) == dec.M
    else:
        full = full_forward(model, tokens)
        assert torch.allclose(first, full[:, :100], atol=ATOL)
        assert torch.allclose(torch.cat(steps, dim=1), full[:, 100:], atol=ATOL), (torch.cat(steps, dim=1) - full[:, 100:]).abs().max()


@pytest.mark.parametrize("model_id", TINY + RECALL)
def test_chunked_prefill_equals_one_call(model_id):
    torch.manual_seed(0)
    model = build_model(model_id).eval()
    prompt = torch.randint(0, 256, (1, 90))
    one = Cached(model, capacity=90, chunk=512).append(prompt)
    chunked = Cached(model, capacity=90, chunk=7).append(prompt)
    assert one.shape == chunked.shape and torch.allclose(one, chunked, atol=ATOL)


def test_perceiver_ar_latents_after_a_refill_are_those_of_a_forward_with_fewer_latents():
    """Not with M: right after a refill the cached logits differ from a forward with M latents (the trade)."""
    torch.manual_seed(0)
    model = build_model("perceiver-ar-tiny").eval()
    tokens = torch.randint(0, 256, (1, 60))
    dec = Cached(model, capacity=60, num_latents=16, refill_to=8)
    dec.append(tokens[:, :40])
    rows = dec.append(tokens[:, 40:])  # 20 bytes: refills at positions 48 and 57
    assert dec.refills == 2
    after = rows[:, 8]  # position 48: the first refill, 8 latents
    assert torch.allclose(after, full_forward(model, tokens[:, :49], 8)[:, -1], atol=ATOL)
    assert not torch.allclose(after, full_forward(model, tokens[:, :49], 16)[:, -1], atol=1e-3)


@pytest.mark.parametrize("model_id", TINY + RECALL + ["perceiver-ar-copy"])
def test_step_graphs_stay_on_webgpu_and_read_the_forward_graphs_weights(model_id):
    from webgpu_ops import unsupported

    model = build_model(model_id).eval()
    with tempfile.TemporaryDirectory() as d:
        _, blob = export_graph(model, model.signature(), os.path.join(d, "model.onnx"))
        sig, graph, step_blob, inline = export_step(model, d, blob)
    assert unsupported(graph) == []
    assert [i.name for i in graph.graph.input] == sig.input_names
    assert [o.name for o in graph.graph.output] == sig.output_names
    assert inline < len(blob) / 20 and len(step_blob) < len(blob) / 2


def test_a_model_whose_attention_or_forward_differs_inherits_no_step_graph():
    """A family that subclasses the Transformer's attention or XL's forward would inherit a step() that computes the
    parent's (full softmax; no compressed memory): it gets no step graph until it brings its own step() (the parity
    test above then checks it), or declares its attention the same softmax (memory-efficient attention)."""
    import layers
    from transformer_xl import TransformerXL

    class Other(layers.SelfAttention):
        def attention(self, q, k, v, pos):
            return v

    class Exact(Other):
        exact_softmax = True

    class Own(Other):
        def step(self, *args):
            return args

    class OwnCached(Other):
        def cached_attention(self, *args):
            return args

    assert [cls(8, 2, layers.NoRotary()).steps for cls in (layers.SelfAttention, Other, Exact, Own, OwnCached)] == [True, False, True, True, True]

    class XLPlus(TransformerXL):
        def forward(self, tokens, mems, mem_valid, extra):
            return super().forward(tokens, mems, mem_valid)

    assert XLPlus(CONFIGS["transformer-xl-tiny"]["config"]).step_signature() is None
    assert build_model("memory-efficient-tiny").step_signature() is not None


def test_every_bundled_model_with_a_step_ships_its_step_graph():
    import json

    out = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "public", "models")
    with open(os.path.join(out, "index.json")) as f:
        ids = json.load(f)["models"]
    for model_id in ids:
        with open(os.path.join(out, model_id, "manifest.json")) as f:
            manifest = json.load(f)
        has_step = build_model(model_id).step_signature() is not None
        assert ("step" in manifest) == has_step, model_id
        assert os.path.exists(os.path.join(out, model_id, "step.onnx")) == has_step, model_id
