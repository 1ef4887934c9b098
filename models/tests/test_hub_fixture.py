"""models/hub_fixture.py: the Hub repos it writes have Optimum's / transformers.js's layout (file names, I/O names and
dims, external data, the merged decoder's If, q8's integer MatMuls), the tokenizer is a consistent byte-level BPE,
and the PyTorch model's cache gives the logits of full forwards (the ONNX graphs are run in
tests/graph/hubFixture.test.ts with onnxruntime, which Python lacks here)."""
import json
import os

import onnx
import pytest
import torch

import hub_fixture as hf


@pytest.fixture(scope="module")
def fixture(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("hub") / "hub")
    meta = hf.build(out, hf.TINY)
    return out, meta


def repo(out, name):
    return os.path.join(out, hf.ORG, name)


def io(model):
    dims = lambda t: [d.dim_param or d.dim_value for d in t.type.tensor_type.shape.dim]
    return ([(t.name, dims(t)) for t in model.graph.input], [(t.name, dims(t)) for t in model.graph.output])


def test_repo_files(fixture):
    out, meta = fixture
    main = repo(out, "tiny-llama")
    for f in ["config.json", "generation_config.json", "tokenizer.json", "tokenizer_config.json", "onnx/model.onnx",
              "onnx/model.onnx_data", "onnx/model_quantized.onnx"]:
        assert os.path.isfile(os.path.join(main, f)), f
    cfg = json.load(open(os.path.join(main, "config.json")))
    assert cfg["model_type"] == "llama" and cfg["architectures"] == ["LlamaForCausalLM"]
    assert cfg["num_key_value_heads"] < cfg["num_attention_heads"]  # grouped-query attention
    assert cfg["transformers.js_config"] == {"use_external_data_format": {"model.onnx": 1}}
    assert set(meta["refusals"]) == {f"{hf.ORG}/{n}" for n in ["no-onnx", "tiny-t5", "tiny-vit", "tiny-bert", "embeds-decoder", "bad-tokenizer"]}


def test_with_past_io_and_external_data(fixture):
    out, _ = fixture
    path = os.path.join(repo(out, "tiny-llama"), "onnx", "model.onnx")
    m = onnx.load(path, load_external_data=False)
    ins, outs = io(m)
    L = hf.TINY["layers"]
    past = [f"past_key_values.{i}.{kv}" for i in range(L) for kv in ("key", "value")]
    assert [n for n, _ in ins] == ["input_ids", "attention_mask", "position_ids"] + past
    assert [n for n, _ in outs] == ["logits"] + [p.replace("past_key_values", "present") for p in past]
    dims = dict(ins + outs)
    hd = hf.TINY["d"] // hf.TINY["heads"]
    assert dims["past_key_values.0.key"] == ["batch_size", hf.TINY["kv_heads"], "past_sequence_length", hd]
    assert dims["present.0.key"] == ["batch_size", hf.TINY["kv_heads"], "past_sequence_length + sequence_length", hd]
    assert dims["attention_mask"] == ["batch_size", "past_sequence_length + sequence_length"]
    assert dims["logits"] == ["batch_size", "sequence_length", hf.TINY["vocab"]]
    external = [t for t in m.graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL]
    assert external and {e.value for t in external for e in t.external_data if e.key == "location"} == {"model.onnx_data"}
    ops = {n.op_type for n in m.graph.node}
    assert {"Expand", "Reshape"} <= ops and "Trilu" not in ops  # key-value heads expanded in the graph
    onnx.checker.check_model(path)


def test_merged_and_nocache_graphs(fixture):
    out, _ = fixture
    merged = onnx.load(os.path.join(repo(out, "tiny-llama-merged"), "onnx", "decoder_model_merged.onnx"))
    ins, outs = io(merged)
    assert ins[-1] == ("use_cache_branch", [1])
    assert merged.graph.input[-1].type.tensor_type.elem_type == onnx.TensorProto.BOOL
    assert [n.op_type for n in merged.graph.node] == ["If"]
    branches = {a.name: a.g for a in merged.graph.node[0].attribute}
    assert len(branches["then_branch"].output) == len(branches["else_branch"].output) == len(outs)
    # the weights are stored once, outside the branches
    assert not branches["then_branch"].initializer and not branches["else_branch"].initializer
    no_past = onnx.load(os.path.join(repo(out, "tiny-llama-merged"), "onnx", "decoder_model.onnx"))
    assert [n for n, _ in io(no_past)[0]] == ["input_ids", "attention_mask", "position_ids"]
    nocache = onnx.load(os.path.join(repo(out, "tiny-llama-nocache"), "onnx", "model.onnx"))
    assert io(nocache) == ([("input_ids", ["batch_size", "sequence_length"]), ("attention_mask", ["batch_size", "sequence_length"])],
                           [("logits", ["batch_size", "sequence_length", hf.TINY["vocab"]])])


def test_q8_is_integer_matmuls(fixture):
    out, _ = fixture
    q8 = onnx.load(os.path.join(repo(out, "tiny-llama"), "onnx", "model_quantized.onnx"))
    inits = {t.name: t for t in q8.graph.initializer}
    ops = [n.op_type for n in q8.graph.node]
    # every projection (4 attention + 3 MLP per layer, and the head) became an integer MatMul
    assert ops.count("MatMulInteger") == 7 * hf.TINY["layers"] + 1
    assert not any(n.op_type == "MatMul" and n.input[1] in inits for n in q8.graph.node)
    assert all(inits[n.input[1]].data_type == onnx.TensorProto.INT8 for n in q8.graph.node if n.op_type == "MatMulInteger")


def test_tokenizer_is_consistent_byte_level_bpe(fixture):
    out, meta = fixture
    tok = json.load(open(os.path.join(repo(out, "tiny-llama"), "tokenizer.json")))
    vocab, merges = tok["model"]["vocab"], [tuple(m.split(" ")) for m in tok["model"]["merges"]]
    assert sorted(vocab.values()) == list(range(hf.TINY["vocab"]))
    assert all(hf.BYTE[b] in vocab for b in range(256))
    assert all(a in vocab and b in vocab and a + b in vocab for a, b in merges)
    assert tok["pre_tokenizer"]["type"] == tok["decoder"]["type"] == "ByteLevel" and tok["model"]["type"] == "BPE"
    ids = meta["reference"]["ids"]
    assert ids == hf.bpe_encode(hf.SAMPLE, vocab, merges)
    assert len(ids) < len(hf.SAMPLE.encode()) / 2  # the merges compress English text
    inverse = {v: k for k, v in vocab.items()}
    unbyte = {c: b for b, c in hf.BYTE.items()}
    assert bytes(unbyte[c] for i in ids for c in inverse[i]).decode() == hf.SAMPLE


def test_cache_equals_full_forward_in_pytorch(fixture):
    _, meta = fixture
    model = hf.Llama(hf.TINY).eval()
    ids = torch.tensor([meta["reference"]["ids"]])
    with torch.no_grad():
        ones = torch.ones_like(ids)
        full, _ = model(ids, ones, hf.positions(ones))
        n = 20
        _, past = model(ids[:, :n], torch.ones(1, n, dtype=torch.long), torch.arange(n)[None])
        rest = ids.shape[1] - n
        cached, _ = model(ids[:, n:], torch.ones(1, ids.shape[1], dtype=torch.long), torch.arange(n, n + rest)[None], past)
    assert torch.allclose(cached, full[:, n:], atol=1e-4)
    tokens, _ = hf.greedy(model, meta["reference"]["ids"], len(meta["reference"]["greedy"]))
    assert tokens == meta["reference"]["greedy"]
