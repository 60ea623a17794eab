"""lazyviz.trace(model, X): events, shapes, edges and op nodes of one batch."""

from __future__ import annotations

import json

import torch
from fixture_models import (
    Branchy,
    Concat,
    CustomLazy,
    DictIO,
    Residual,
    SharedTwice,
    TinyResNet,
    mlp,
)
from torch import nn

import lazyviz


def by_path(d: dict) -> dict[str, dict]:
    return {n["path"]: n for n in d["nodes"]}


def edge_paths(d: dict) -> set[tuple[str, str]]:
    paths = {n["id"]: n["path"] for n in d["nodes"]}
    return {(paths[e["src"]], paths[e["dst"]]) for e in d["edges"]}


def test_the_chapter_mlp_matches_the_schema_example() -> None:
    d = lazyviz.trace(mlp(), torch.rand(2, 20)).to_dict()
    json.dumps(d)  # serializable as is
    assert d["schema"] == "lazyviz.trace/1"
    assert d["model"] == "Sequential"
    assert d["inputs"] == [{"shape": [2, 20], "dtype": "float32"}]
    assert d["outputs"] == [{"shape": [2, 10], "dtype": "float32"}]
    first = by_path(d)["0"]
    assert first["id"] == "n1"
    assert first["type"] == "LazyLinear" and first["kind"] == "module"
    assert first["parent"] == "" and first["lazy"] is True
    assert first["params"] == [
        {
            "name": "weight",
            "shape_before": [256, None],
            "shape": [256, 20],
            "numel": 5120,
            "shared_with": None,
        },
        {"name": "bias", "shape_before": [256], "shape": [256], "numel": 256, "shared_with": None},
    ]
    assert first["input_shapes"] == [[2, 20]] and first["output_shapes"] == [[2, 256]]
    assert first["calls"] == 1 and first["error"] is None
    assert {"src": "in0", "dst": "n1"} in d["edges"]
    assert {"src": "n1", "dst": "n2"} in d["edges"]
    kinds = [(e["kind"], e["node"], e.get("param")) for e in d["events"] if e["node"] == "n1"]
    assert kinds == [
        ("enter", "n1", None),
        ("materialize", "n1", "weight"),
        ("materialize", "n1", "bias"),
        ("exit", "n1", None),
    ]
    assert [e["seq"] for e in d["events"]] == list(range(len(d["events"])))
    assert d["error"] is None


def test_events_nest_and_carry_shapes() -> None:
    d = lazyviz.trace(mlp(), torch.rand(2, 20)).to_dict()
    ev = d["events"]
    assert ev[0] == {"seq": 0, "kind": "enter", "node": "n0", "shapes": [[2, 20]]}
    assert ev[-1]["kind"] == "exit" and ev[-1]["node"] == "n0" and ev[-1]["shapes"] == [[2, 10]]
    mat = [e for e in ev if e["kind"] == "materialize"]
    assert [(e["param"], e["shape"]) for e in mat] == [
        ("weight", [256, 20]),
        ("bias", [256]),
        ("weight", [10, 256]),
        ("bias", [10]),
    ]
    relu = by_path(d)["1"]
    assert relu["lazy"] is False and relu["params"] == []


def test_residual_add_has_two_incoming_edges() -> None:
    d = lazyviz.trace(Residual(), torch.rand(2, 5)).to_dict()
    add = by_path(d)["/add#0"]
    assert add["kind"] == "op" and add["type"] == "add" and add["parent"] == ""
    assert {("f", "/add#0"), ("g", "/add#0"), ("f", "g"), ("/add#0", "out0")} <= edge_paths(d)


def test_concat_flatten_and_grouped_conv() -> None:
    d = lazyviz.trace(Concat(), torch.rand(1, 3, 8, 8)).to_dict()
    nodes = by_path(d)
    assert nodes["/cat#0"]["output_shapes"] == [[1, 10, 8, 8]]
    assert nodes["c"]["params"][0]["shape"] == [8, 5, 3, 3]  # 10 channels in 2 groups
    assert nodes["fc"]["params"][0]["shape"] == [3, 288]
    assert {
        ("a", "/cat#0"),
        ("b", "/cat#0"),
        ("/cat#0", "c"),
        ("c", "/flatten#0"),
        ("/flatten#0", "fc"),
        ("in0", "a"),
        ("in0", "b"),
    } <= edge_paths(d)


def test_op_paths_name_the_enclosing_module_and_count() -> None:
    d = lazyviz.trace(TinyResNet(), torch.rand(2, 3, 8, 8)).to_dict()
    nodes = by_path(d)
    assert nodes["layer1.0/add#0"]["type"] == "add"  # y += x
    assert nodes["layer1.0/relu#1"]["parent"] == "layer1.0"
    assert nodes["/flatten#0"]["type"] == "flatten"
    assert ("layer1.0.bn2", "layer1.0/add#0") in edge_paths(d)
    assert ("stem.2", "layer1.0/add#0") in edge_paths(d)  # the skip connection


class Ops(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.a = nn.LazyLinear(4)
        self.b = nn.LazyLinear(4)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.add(self.a(x), 1)
        y += self.b(x)
        z = y.view(2, 2, 2) @ torch.ones(2, 3)
        return torch.softmax(z.flatten(1), dim=-1)


def test_operators_get_their_plain_names() -> None:
    d = lazyviz.trace(Ops(), torch.rand(2, 5)).to_dict()
    types = [n["type"] for n in d["nodes"] if n["kind"] == "op"]
    assert types == ["add", "add", "view", "matmul", "flatten", "softmax"]
    assert ("b", "/add#1") in edge_paths(d) and ("/add#0", "/add#1") in edge_paths(d)
    assert ("/add#1", "/view#0") in edge_paths(d)  # x += y moved the data on


def test_module_called_twice_is_one_node_and_tied_params_name_each_other() -> None:
    d = lazyviz.trace(SharedTwice(), torch.rand(3, 4)).to_dict()
    nodes = by_path(d)
    assert nodes["shared"]["calls"] == 2 and nodes["tied"]["calls"] == 1
    weights = {p: nodes[p]["params"][0] for p in ("shared", "tied")}
    assert weights["shared"]["shared_with"] == "tied.weight"
    assert weights["tied"]["shared_with"] == "shared.weight"
    assert nodes["shared"]["params"][1]["shared_with"] is None
    enters = [e for e in d["events"] if e["kind"] == "enter" and e["node"] == nodes["shared"]["id"]]
    assert len(enters) == 2


def test_control_flow_follows_the_data() -> None:
    pos = lazyviz.trace(Branchy(), torch.ones(1, 2)).to_dict()
    neg = lazyviz.trace(Branchy(), -torch.ones(1, 2)).to_dict()
    assert by_path(pos)["pos"]["calls"] == 1 and by_path(pos)["neg"]["calls"] == 0
    assert by_path(neg)["neg"]["calls"] == 1 and by_path(neg)["pos"]["calls"] == 0
    assert by_path(neg)["pos"]["params"][0]["shape"] is None  # never reached: still unknown
    assert not any(n["kind"] == "op" for n in pos["nodes"])  # x.sum() > 0 carries no data on


def test_nested_and_keyword_inputs_and_outputs() -> None:
    batch = {"image": torch.rand(2, 3), "text": [torch.rand(2, 4)]}
    d = lazyviz.trace(DictIO(), batch, torch.rand(1), extra=torch.rand(5)).to_dict()
    assert [i["shape"] for i in d["inputs"]] == [[2, 3], [2, 4], [1], [5]]
    assert [o["shape"] for o in d["outputs"]] == [[2, 6], [2, 6], [2, 6], [5]]
    ins = [n for n in d["nodes"] if n["kind"] == "input"]
    assert [n["id"] for n in ins] == ["in0", "in1", "in2", "in3"]
    assert ins[3].get("label") == "extra"
    assert {("in0", "img"), ("in1", "txt"), ("in2", "/mul#0"), ("in3", "out3")} <= edge_paths(d)


def test_keyword_inputs_come_in_sorted_order() -> None:
    class Kw(nn.Module):
        def forward(self, *, b: torch.Tensor, a: torch.Tensor) -> torch.Tensor:
            return a + b.sum()

    d = lazyviz.trace(Kw(), b=torch.rand(3), a=torch.rand(2)).to_dict()
    assert [i["shape"] for i in d["inputs"]] == [[2], [3]]


def test_layer_that_creates_its_parameter_in_forward() -> None:
    model = nn.Sequential(CustomLazy(7), nn.ReLU())
    d = lazyviz.trace(model, torch.rand(2, 3)).to_dict()
    node = by_path(d)["0"]
    assert node["lazy"] is True
    assert node["params"] == [
        {"name": "weight", "shape_before": None, "shape": [3, 7], "numel": 21, "shared_with": None},
        {"name": "bias", "shape_before": None, "shape": [7], "numel": 7, "shared_with": None},
    ]
    mats = [(e["node"], e["param"]) for e in d["events"] if e["kind"] == "materialize"]
    assert mats == [(node["id"], "weight"), (node["id"], "bias")]
    assert not hasattr(model[0], "weight")  # the user's layer never ran


def test_second_trace_of_a_materialized_model_is_not_lazy() -> None:
    model = mlp()
    lazyviz.trace(model, torch.rand(2, 20), inplace=True)
    d = lazyviz.trace(model, torch.rand(2, 20)).to_dict()
    assert not any(e["kind"] == "materialize" for e in d["events"])
    assert by_path(d)["0"]["lazy"] is False
    assert by_path(d)["0"]["params"][0]["shape_before"] == [256, 20]


def test_meta_device_model_and_input() -> None:
    with torch.device("meta"):
        model = TinyResNet()
    d = lazyviz.trace(model, torch.empty(2, 3, 8, 8, device="meta")).to_dict()
    assert d["error"] is None
    assert by_path(d)["head"]["params"][0]["shape"] == [10, 8]
    assert isinstance(model.head.weight, nn.parameter.UninitializedParameter)


class Block(nn.Module):
    def __init__(self, d: int, heads: int) -> None:
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.LazyLinear(3 * d), nn.LazyLinear(d)
        self.fc1, self.act, self.fc2 = nn.LazyLinear(4 * d), nn.GELU(), nn.LazyLinear(d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        q, k, v = (y.view(b, t, self.heads, d // self.heads).transpose(1, 2) for y in (q, k, v))
        att = torch.nn.functional.scaled_dot_product_attention(q, k, v)
        x = x + self.proj(att.transpose(1, 2).reshape(b, t, d))
        return x + self.fc2(self.act(self.fc1(self.ln2(x))))


def test_big_lazy_transformer_traces_on_meta_without_parameter_memory() -> None:
    with torch.device("meta"):
        model = nn.Sequential(nn.LazyLinear(1024), *[Block(1024, 16) for _ in range(24)])
    t = lazyviz.trace(model, torch.empty(2, 64, 512, device="meta"))
    assert t.error is None
    d = t.to_dict()
    assert d["outputs"] == [{"shape": [2, 64, 1024], "dtype": "float32"}]
    assert by_path(d)["24.fc1"]["params"][0]["shape"] == [4096, 1024]
    total = sum(p["numel"] for n in d["nodes"] for p in n["params"])
    assert total > 300_000_000  # 1.2 GB of float32 that was never allocated
    assert all(p.device.type == "meta" for p in model.parameters())


class MakesItsLayer(nn.Module):
    """Creates a whole submodule the first time it sees data."""

    def __init__(self) -> None:
        super().__init__()
        self.fc: nn.Module | None = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.fc is None:
            self.fc = nn.Linear(x.shape[-1], 3)
        return self.fc(x)


def test_submodule_created_during_forward_joins_the_graph() -> None:
    d = lazyviz.trace(nn.Sequential(MakesItsLayer()), torch.rand(2, 4)).to_dict()
    node = by_path(d)["0.fc"]
    assert node["parent"] == "0" and node["type"] == "Linear" and node["lazy"] is True
    assert [(p["name"], p["shape_before"], p["shape"]) for p in node["params"]] == [
        ("weight", None, [3, 4]),
        ("bias", None, [3]),
    ]
    assert ("in0", "0.fc") in edge_paths(d) and ("0.fc", "out0") in edge_paths(d)
