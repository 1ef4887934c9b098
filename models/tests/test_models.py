"""Behaviour of the PyTorch models: causality, long-range sensitivity, linear cost of Perceiver AR,
Transformer-XL's memory, Primer's causal convolution, and the ONNX export round trip."""
import os
import tempfile

import onnx
import pytest
import torch

import layers
import perceiver_ar
import transformer_xl
from configs import CONFIGS, build_model
from export import export_graph

TINY = [i for i in CONFIGS if i.endswith("-tiny")]


def export_fresh(model_id):
    """Exports a freshly built model as export.py does; returns (graph, input names, output names)."""
    model = build_model(model_id).eval()
    sig = model.signature()
    with tempfile.TemporaryDirectory() as d:
        graph, _ = export_graph(model, sig, os.path.join(d, "m.onnx"))
        return graph, sig.input_names, sig.output_names
torch.manual_seed(0)


def logits_of(model, tokens):
    with torch.no_grad():
        if model.io == "latents":
            return model(tokens, torch.tensor(tokens.shape[1]))  # all positions as latents: every row checkable
        return model.forward_train(tokens)


@pytest.mark.parametrize("model_id", TINY)
def test_causal(model_id):
    model = build_model(model_id).eval()
    a = torch.randint(0, 256, (1, 80))
    b = a.clone()
    t = 50
    b[0, t + 1 :] = (b[0, t + 1 :] + 13) % 256
    la, lb = logits_of(model, a), logits_of(model, b)
    assert torch.allclose(la[:, : t + 1], lb[:, : t + 1], atol=1e-5)
    assert not torch.allclose(la[:, t + 1], lb[:, t + 1], atol=1e-5)


def test_perceiver_ar_sees_the_first_of_4096_tokens():
    model = build_model("perceiver-ar-compare").eval()
    a = torch.randint(0, 256, (1, 4096))
    b = a.clone()
    b[0, 0] = (b[0, 0] + 1) % 256
    with torch.no_grad():
        la, lb = model(a, torch.tensor(256)), model(b, torch.tensor(256))
    assert la.shape == (1, 256, 256)
    assert (la - lb).abs().max() > 1e-6


def attention_elements(model_id, n, monkeypatch):
    """Sum of attention-score elements (Tq x Tk per head) over one forward: counted, not timed."""
    total = []
    real, real_latents = layers.attend, perceiver_ar.attend_latents

    def counting(q, k, v, allowed):
        total.append(q.shape[0] * q.shape[1] * q.shape[2] * k.shape[2])
        return real(q, k, v, allowed)

    def counting_latents(q, k, v, z_pos):
        total.append(q.shape[0] * q.shape[1] * q.shape[2] * k.shape[2])
        return real_latents(q, k, v, z_pos)

    monkeypatch.setattr(layers, "attend", counting)
    monkeypatch.setattr(perceiver_ar, "attend_latents", counting_latents)
    model = build_model(model_id).eval()
    # Perceiver AR with gradients: its dense form (attend_latents); without, the same scores come in key blocks
    with torch.no_grad() if model.io != "latents" else torch.enable_grad():
        logits_of(model, torch.randint(0, 256, (1, n))) if model.io != "latents" else model(torch.randint(0, 256, (1, n)), torch.tensor(256))
    return sum(total)


@pytest.mark.parametrize("n,m,offset", [(300, 16, 0), (16, 16, 0), (40, 8, 1000)])
def test_perceiver_ar_cross_attention_masks_only_the_latent_block(n, m, offset):
    """attend_latents leaves the keys before the first latent unmasked: the same as masking all M x N."""
    g = torch.Generator().manual_seed(n)
    q, k, v = torch.randn(1, 2, m, 8, generator=g), torch.randn(1, 2, n, 8, generator=g), torch.randn(1, 2, n, 8, generator=g)
    x_pos = layers.positions(n) + offset
    z_pos = x_pos[n - m :]
    full = layers.attend(q, k, v, layers.causal_allowed(z_pos, x_pos))
    assert torch.allclose(perceiver_ar.attend_latents(q, k, v, z_pos), full, atol=1e-6)


@pytest.mark.parametrize("model_id,n,m,offset,budget", [
    ("perceiver-ar-tiny", 40, 8, 0, 1 << 24),  # one block, then the latents' own
    ("perceiver-ar-tiny", 300, 16, 0, 2 * 16 * 64),  # blocks of 64 keys: the last one shorter
    ("perceiver-ar-tiny", 1000, 32, 17, 2 * 32 * 7),  # 138 blocks of 7 keys, positions offset as in training
    ("perceiver-ar-tiny", 16, 16, 0, 1 << 24),  # N = M: no earlier keys at all
    ("perceiver-ar-copy", 500, 64, 0, 4 * 64 * 100),  # absolute positions (no rotary)
    ("perceiver-ar-compare", 2000, 256, 0, 4 * 256 * 512),
])
def test_perceiver_ar_cross_attention_in_key_blocks_equals_the_dense_one(model_id, n, m, offset, budget, monkeypatch):
    """Inference computes the cross-attention over key blocks with an online softmax (no M x N scores, no N x d keys);
    training the dense form. Same logits (float32 sums in another order)."""
    torch.manual_seed(n)
    model = build_model(model_id).eval()
    model.cross.block_scores = budget
    tokens = torch.randint(0, 256, (1, n))
    with torch.no_grad():
        blocked = model(tokens, torch.tensor(m), offset)
    with torch.enable_grad():
        dense = model(tokens, torch.tensor(m), offset).detach()
    assert blocked.shape == dense.shape and (blocked - dense).abs().max() < 1e-5


def test_perceiver_ar_cost_is_linear_in_n_transformer_quadratic(monkeypatch):
    pa = [attention_elements("perceiver-ar-compare", n, monkeypatch) for n in (1024, 2048, 4096)]
    tf = [attention_elements("transformer-compare", n, monkeypatch) for n in (1024, 2048, 4096)]
    # doubling N: Perceiver AR's cross-attention (M x N) doubles, its latent stack (M x M) stays
    for small, big in zip(pa, pa[1:]):
        assert 1.5 < big / small <= 2.0
    for small, big in zip(tf, tf[1:]):
        assert big / small == pytest.approx(4.0)
    assert tf[-1] / pa[-1] > 10


def test_transformer_xl_memory_carries_information():
    model = build_model("transformer-xl-tiny").eval()
    S = model.seg_len
    seg1 = torch.randint(0, 256, (1, S))
    seg1b = seg1.clone()
    seg1b[0, 0] = (seg1b[0, 0] + 1) % 256
    seg2 = torch.randint(0, 256, (1, S))
    with torch.no_grad():
        def second(first, valid):
            _, mems = model(first, model.empty_mems(), torch.tensor(0))
            return model(seg2, mems, torch.tensor(valid))[0]
        assert (second(seg1, S) - second(seg1b, S)).abs().max() > 1e-6
        assert torch.allclose(second(seg1, 0), second(seg1b, 0), atol=1e-6)


def test_transformer_xl_step_equals_training_loop():
    """With a memory long enough to hold every earlier position, segment-by-segment (the exported step, carried
    memory) must give the logits of one pass over the whole sequence: the memory holds each layer's inputs for the
    earlier positions and the relative positions line up across the boundary."""
    from configs import CONFIGS
    from transformer_xl import TransformerXL

    cfg = dict(CONFIGS["transformer-xl-tiny"]["config"])
    S = cfg["attention"]["segment"]
    n = 3 * S + 5
    torch.manual_seed(0)
    segmented = TransformerXL(dict(cfg, attention=dict(cfg["attention"], memory=4 * S))).eval()
    one_pass = TransformerXL(dict(cfg, attention=dict(cfg["attention"], memory=4 * S, segment=n))).eval()
    one_pass.load_state_dict(segmented.state_dict())
    tokens = torch.randint(0, 256, (1, n))
    with torch.no_grad():
        a = segmented.forward_train(tokens)
        b = one_pass.forward_train(tokens)
        # the shipped memory (one segment long) forgets: logits past the first two segments differ
        short = TransformerXL(cfg).eval()
        short.load_state_dict(segmented.state_dict())
        c = short.forward_train(tokens)
    assert a.shape == b.shape == (1, n, 256)
    assert torch.allclose(a, b, atol=1e-4), (a - b).abs().max()
    assert torch.allclose(a[:, : 2 * S], c[:, : 2 * S], atol=1e-4)
    assert not torch.allclose(a[:, 2 * S :], c[:, 2 * S :], atol=1e-4)


def test_primer_convolution_is_causal():
    conv = layers.CausalConv(8, 3)
    x = torch.randn(1, 20, 8)
    y = x.clone()
    y[0, 11:] += 1.0
    assert torch.allclose(conv(x)[0, :11], conv(y)[0, :11])
    assert not torch.allclose(conv(x)[0, 11], conv(y)[0, 11])


def test_rel_shift_aligns_by_distance():
    q, k = 3, 5  # memory 2 + segment 3; column c holds distance k-1-c before the shift
    x = torch.tensor([[float(k - 1 - c) for c in range(k)] for _ in range(q)])[None, None]
    shifted = transformer_xl.rel_shift(x)[0, 0]
    for i in range(q):
        for j in range(k - q + i + 1):  # the causally visible keys
            assert shifted[i, j] == (k - q + i) - j


@pytest.mark.parametrize("model_id", ["perceiver-ar-tiny", "transformer-xl-tiny", "primer-tiny"])
def test_export_round_trip(model_id):
    graph, ins, outs = export_fresh(model_id)
    onnx.checker.check_model(graph)
    assert [i.name for i in graph.graph.input] == ins
    assert [o.name for o in graph.graph.output] == outs
    assert "Trilu" not in {n.op_type for n in graph.graph.node}


def test_webgpu_check_flags_int64_comparisons_and_missing_kernels():
    from onnx import TensorProto, helper

    from webgpu_ops import unsupported

    a = helper.make_tensor_value_info("a", TensorProto.INT64, [4])
    b = helper.make_tensor_value_info("b", TensorProto.FLOAT, [4])
    le = helper.make_node("LessOrEqual", ["a", "a"], ["m"])
    nz = helper.make_node("NonZero", ["b"], ["nz"])  # no WebGPU kernel, data-dependent output
    out = [helper.make_tensor_value_info("m", TensorProto.BOOL, [4]), helper.make_tensor_value_info("nz", TensorProto.INT64, None)]
    g = helper.make_model(helper.make_graph([le, nz], "g", [a, b], out), opset_imports=[helper.make_opsetid("", 17)])
    assert unsupported(g) == ["LessOrEqual(int64)"]  # NonZero's int64 output reads as shape arithmetic: a known blind spot
    assert unsupported(torch_free_graph()) == []


def torch_free_graph():
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])
    return helper.make_model(helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g", [x], [y]),
                             opset_imports=[helper.make_opsetid("", 17)])


@pytest.mark.parametrize("model_id", TINY)
def test_exported_graphs_stay_on_webgpu(model_id):
    from webgpu_ops import unsupported

    # chunked exact attention loops on the CPU by design (memory_efficient.py; Perceiver AR's cross-attention over key
    # blocks); the loops' bodies are checked too
    expected = ["Loop"] if CONFIGS[model_id]["config"]["attention"]["kind"] in ("blockwise", "latents") else []
    assert unsupported(export_fresh(model_id)[0]) == expected


def test_sinusoid_matches_the_official_features():
    """generate_sinusoidal_features from google-research/perceiver-ar, transcribed: sines then cosines."""
    import math

    d, pos = 128, torch.tensor([0, 1, 7, 32767], dtype=torch.int32)
    scale = -math.log(10000.0) / (d // 2 - 1)
    div = torch.exp(torch.arange(d // 2, dtype=torch.float64) * scale)
    want = torch.cat([torch.sin(pos[:, None].double() * div), torch.cos(pos[:, None].double() * div)], -1)
    assert torch.allclose(layers.sinusoid(pos, d).double(), want, atol=2e-3)  # float32 angles at 32767


def test_copy_config_uses_absolute_positions_not_rotary():
    model = build_model("perceiver-ar-copy").eval()
    assert isinstance(model.cross.rotary, layers.NoRotary)
    t = torch.randint(0, 256, (1, 40))
    with torch.no_grad():  # the same bytes at other absolute positions give other logits
        a, b = model(t, torch.tensor(8)), model(t, torch.tensor(8), 1000)
    assert not torch.allclose(a, b, atol=1e-4)


def test_mirrored_crops_are_the_papers_copy_task():
    from train_copy import mirrored

    x = mirrored(torch.Generator().manual_seed(0), 3, 64)
    assert x.shape == (3, 64)
    assert torch.equal(x[:, 32:], x[:, :32].flip(1))


def test_spread_crops_hold_every_source_and_score_only_copies():
    import train_copy
    from train_copy import M, N, spread_crop

    g = torch.Generator().manual_seed(0)
    for starts, distances in (("sources", "uniform"), ("random", "uniform"), ("random", "log")):
        crops = [spread_crop(g, starts, distances) for _ in range(200)]
        for start, end in crops:
            assert end - M >= N // 2 and end <= N  # the latents sit in the reversed half
            assert 0 <= start <= N - end  # the earliest source, N-end, is inside the crop
        if starts == "sources":
            assert all(start == N - end for start, end in crops)
        else:
            assert len({start for start, _ in crops}) > 100
        longest = sorted(2 * end - N for _, end in crops)  # the window's longest copy distance
        if distances == "log":  # about as many windows in [2M, 4M) as in [N/2, N]
            assert 10 < sum(d < 4 * M for d in longest) < 50 and 10 < sum(d >= N // 2 for d in longest) < 50
        else:
            assert sum(d < 4 * M for d in longest) < 10
    x = train_copy.mirrored(g, 1, N)
    start, end = spread_crop(g, "random")
    q = torch.arange(end - M + 1, end)  # positions scored: each repeats the byte at N-1-q, inside the crop
    assert torch.equal(x[0, q], x[0, N - 1 - q]) and int((N - 1 - q).min()) >= start


def test_copy_model_exports_and_stays_on_webgpu():
    from webgpu_ops import unsupported

    graph, ins, outs = export_fresh("perceiver-ar-copy")
    onnx.checker.check_model(graph)
    assert ins == ["tokens", "num_latents"] and unsupported(graph) == ["Loop"]  # the key blocks' loop


@pytest.mark.parametrize("model_id", ["perceiver-ar-tiny", "transformer-tiny", "primer-tiny", "memory-efficient-tiny"])
def test_attention_map_is_the_weights_the_forward_uses(model_id, monkeypatch):
    """The analysis graph's row equals the softmax the real forward computes in that layer (heads averaged):
    captured from the full causal attention of the Transformer (the memory-efficient one has the same weights and
    computes them in blocks) and from Perceiver AR's cross-attention."""
    torch.manual_seed(0)
    model = build_model(model_id).eval()
    seen = []

    def spy(q, k, v, allowed):
        seen.append(layers.masked(layers.score(q, k), allowed).softmax(-1))
        return attend(q, k, v, allowed)

    attend = layers.attend
    tokens = torch.randint(0, 256, (1, 40))
    with torch.no_grad() if model.io != "latents" else torch.enable_grad():  # Perceiver AR: the dense form
        if model.io == "latents":
            def spy_latents(q, k, v, z_pos):  # the cross-attention: its weights from the q and k the forward made
                weights = layers.masked(layers.score(q, k), layers.causal_allowed(z_pos, layers.positions(k.shape[2]))).softmax(-1)
                out = attend_latents(q, k, v, z_pos)
                assert torch.allclose(out, torch.matmul(weights, v), atol=1e-5)  # the weights it mixes with
                seen.append(weights)
                return out

            attend_latents = perceiver_ar.attend_latents
            monkeypatch.setattr(perceiver_ar, "attend_latents", spy_latents)
            model(tokens, torch.tensor(16))
            want = seen[0].mean(1)[:, 30 - 24]
            row = model.attention_map(tokens, torch.tensor(16), torch.tensor([30]))
        else:
            monkeypatch.setattr(layers, "attend", spy)
            if model_id.startswith("memory-efficient"):  # its blocks compute the same softmax: compare with the Transformer's
                reference = build_model("transformer-tiny").eval()
                reference.load_state_dict(model.state_dict())
                reference(tokens)
            else:
                model(tokens)
            row, want = model.attention_map(tokens, torch.tensor([30])), seen[0].mean(1)[:, 30]
    assert torch.allclose(row, want, atol=1e-6)
    assert abs(row.sum().item() - 1) < 1e-5 and row[0, 31:].abs().max() == 0


@pytest.mark.skipif(not os.path.exists(os.path.join(os.path.dirname(__file__), "..", "checkpoints", "perceiver-ar-copy.pt")),
                    reason="trained copy-task weights")
def test_copy_model_reads_at_the_mirrored_position():
    """The paper's learned sparsity: a latent of the trained copy-task model puts its largest cross-attention weight
    on the byte it must copy, up to 65,000 bytes back."""
    import random

    model = build_model("perceiver-ar-copy").eval()
    model.load_state_dict(torch.load(os.path.join(os.path.dirname(__file__), "..", "checkpoints", "perceiver-ar-copy.pt")))
    n = CONFIGS["perceiver-ar-copy"]["config"]["maxContext"]
    rnd = random.Random(3)
    half = [rnd.randrange(0x21, 0x7F) for _ in range(n // 2)]
    tokens = torch.tensor([half + half[::-1]])
    with torch.no_grad():
        for q in (n - 256, n - 200):
            w = model.attention_map(tokens, torch.tensor(256), torch.tensor([q]))[0]
            source = n - 1 - (q + 1)  # the byte after q repeats this one
            assert abs(int(w.argmax()) - source) <= 64, (q, int(w.argmax()), source)
