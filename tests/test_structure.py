"""lazyviz.trace(model) with no input: nodes, inferred shapes, known edges."""

from __future__ import annotations

import pytest
import torch
from fixture_models import TinyResNet, mlp
from torch import nn

import lazyviz


def params(trace: lazyviz.Trace, path: str) -> dict[str, list | None]:
    node = trace.node_at(path)
    assert node is not None, path
    return {p.name: p.shape_before for p in node.params}


@pytest.mark.parametrize(
    ("module", "weight", "bias"),
    [
        (nn.LazyLinear(256), [256, None], [256]),
        (nn.LazyConv1d(6, 5), [6, None, 5], [6]),
        (nn.LazyConv2d(6, 5), [6, None, 5, 5], [6]),
        (nn.LazyConv2d(8, (3, 1), groups=4), [8, None, 3, 1], [8]),
        (nn.LazyConv3d(4, 2), [4, None, 2, 2, 2], [4]),
        (nn.LazyConvTranspose1d(6, 3), [None, 6, 3], [6]),
        (nn.LazyConvTranspose2d(6, 3, groups=3), [None, 2, 3, 3], [6]),
        (nn.LazyConvTranspose3d(4, (1, 2, 3), groups=2), [None, 2, 1, 2, 3], [4]),
        (nn.LazyBatchNorm1d(), [None], [None]),
        (nn.LazyBatchNorm2d(), [None], [None]),
        (nn.LazyBatchNorm3d(), [None], [None]),
        (nn.LazyInstanceNorm1d(affine=True), [None], [None]),
        (nn.LazyInstanceNorm2d(affine=True), [None], [None]),
        (nn.LazyInstanceNorm3d(affine=True), [None], [None]),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, nn.Module) else None,
)
def test_every_lazy_class_knows_what_it_can(module: nn.Module, weight: list, bias: list) -> None:
    t = lazyviz.trace(nn.Sequential(module))
    assert params(t, "0") == {"weight": weight, "bias": bias}
    node = t.node_at("0")
    assert node is not None and node.lazy
    assert all(p.shape is None and p.numel is None for p in node.params)


def test_bias_false_and_affine_false_have_no_such_parameter() -> None:
    t = lazyviz.trace(
        nn.Sequential(nn.LazyLinear(3, bias=False), nn.LazyInstanceNorm2d(affine=False))
    )
    assert params(t, "0") == {"weight": [3, None]}
    assert params(t, "1") == {}
    node = t.node_at("1")
    assert node is not None and not node.lazy


def test_known_parameters_keep_their_shape() -> None:
    t = lazyviz.trace(nn.Sequential(nn.Linear(20, 256), nn.LazyLinear(10)))
    first = t.node_at("0")
    assert first is not None and not first.lazy
    assert [(p.shape_before, p.shape, p.numel) for p in first.params] == [
        ([256, 20], [256, 20], 5120),
        ([256], [256], 256),
    ]


class OtherLazy(nn.modules.lazy.LazyModuleMixin, nn.Module):
    """A LazyModuleMixin subclass lazyviz knows nothing about."""

    def __init__(self) -> None:
        super().__init__()
        self.scale = nn.parameter.UninitializedParameter()

    def initialize_parameters(self, x: torch.Tensor) -> None:
        self.scale.materialize(x.shape[-1:])

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale


def test_unknown_lazy_module_gives_null_shape() -> None:
    t = lazyviz.trace(nn.Sequential(OtherLazy()))
    assert params(t, "0") == {"scale": None}
    node = t.node_at("0")
    assert node is not None and node.lazy


def test_every_module_is_a_node_with_its_parent() -> None:
    model = TinyResNet()
    d = lazyviz.trace(model).to_dict()
    paths = [n["path"] for n in d["nodes"]]
    assert paths == [name for name, _ in model.named_modules()]
    by_path = {n["path"]: n for n in d["nodes"]}
    assert by_path[""]["parent"] is None
    assert by_path["stem"]["parent"] == ""
    assert by_path["layer1.0.conv1"]["parent"] == "layer1.0"
    assert by_path["layer1.0"]["type"] == "BasicBlock"
    assert all(n["kind"] == "module" and n["calls"] == 0 for n in d["nodes"])
    assert d["events"] == [] and d["inputs"] == [] and d["error"] is None


def test_sequential_chain_edges_are_known_without_running() -> None:
    d = lazyviz.trace(mlp()).to_dict()
    ids = {n["path"]: n["id"] for n in d["nodes"]}
    assert d["edges"] == [
        {"src": ids["0"], "dst": ids["1"]},
        {"src": ids["1"], "dst": ids["2"]},
    ]


def test_nested_sequentials_chain_through_their_ends() -> None:
    model = nn.Sequential(nn.Sequential(nn.LazyLinear(4), nn.ReLU()), nn.LazyLinear(2))
    d = lazyviz.trace(model).to_dict()
    ids = {n["path"]: n["id"] for n in d["nodes"]}
    assert {"src": ids["0.1"], "dst": ids["1"]} in d["edges"]


def test_structure_only_trace_leaves_model_lazy() -> None:
    model = mlp()
    lazyviz.trace(model)
    assert isinstance(model[0].weight, nn.parameter.UninitializedParameter)
