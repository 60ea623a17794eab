"""defer_init: Gluon's deferred initialization, applied once per parameter as it materializes."""

from __future__ import annotations

import warnings

import pytest
import torch
from torch import nn

import lazyviz
from lazyviz.torch.shapes import is_uninitialized

X = torch.rand(2, 20)


def mlp() -> nn.Sequential:
    return nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))


class MyInit(lazyviz.Initializer):
    """The seeds' MyInit: weights U(5, 10), biases 2; records every call."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple[int, ...]]] = []

    def init_weight(self, name: str, tensor: torch.Tensor) -> None:
        self.calls.append((name, tuple(tensor.shape)))
        tensor.uniform_(5, 10)

    def init_bias(self, name: str, tensor: torch.Tensor) -> None:
        self.calls.append((name, tuple(tensor.shape)))
        tensor.fill_(2)


def test_applied_at_materialization_once_and_never_again() -> None:
    net, init = mlp(), MyInit()
    handle = lazyviz.defer_init(net, init)
    assert init.calls == []  # nothing is known yet
    assert handle.pending == ["0.weight", "0.bias", "2.weight", "2.bias"]
    y = net(X)
    assert init.calls == [
        ("0.weight", (256, 20)),
        ("0.bias", (256,)),
        ("2.weight", (10, 256)),
        ("2.bias", (10,)),
    ]
    assert float(net[0].weight.detach().min()) >= 5 and float(net[0].weight.detach().max()) <= 10
    assert torch.all(net[0].bias == 2) and torch.all(net[2].bias == 2)
    # the first forward already computed with the new weights (init before the layer ran)
    assert torch.allclose(y, net(X))
    before = [p.detach().clone() for p in net.parameters()]
    net(X)
    net(torch.rand(5, 20))
    assert len(init.calls) == 4
    assert all(torch.equal(a, b) for a, b in zip(before, net.parameters(), strict=True))
    assert handle.pending == []


def test_plain_init_fills_weights_biases_zero() -> None:
    net = nn.Sequential(
        nn.LazyConv2d(6, 3), nn.LazyBatchNorm2d(), nn.ReLU(), nn.Flatten(), nn.LazyLinear(4)
    )
    lazyviz.defer_init(net, "constant(val=0.25)")
    net(torch.rand(2, 3, 8, 8))
    assert torch.all(net[0].weight == 0.25) and torch.all(net[4].weight == 0.25)
    assert torch.all(net[0].bias == 0) and torch.all(net[4].bias == 0)
    assert torch.all(net[1].weight == 1) and torch.all(net[1].bias == 0)


def test_known_parameters_are_initialized_at_once() -> None:
    net = nn.Sequential(nn.Linear(20, 256), nn.ReLU(), nn.LazyLinear(10))
    init = MyInit()
    lazyviz.defer_init(net, init)
    assert init.calls == [("0.weight", (256, 20)), ("0.bias", (256,))]
    assert float(net[0].weight.detach().min()) >= 5
    assert is_uninitialized(net[2].weight)
    net(X)
    assert [c[0] for c in init.calls] == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_second_call_skips_initialized_with_warning_and_force_reinitializes() -> None:
    net = mlp()
    lazyviz.defer_init(net, "ones")
    net(X)
    assert torch.all(net[0].weight == 1)
    with pytest.warns(UserWarning, match="already initialized"):
        lazyviz.defer_init(net, "zeros")
    assert torch.all(net[0].weight == 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lazyviz.defer_init(net, "constant(val=3)", force=True)
    assert torch.all(net[0].weight == 3) and torch.all(net[2].weight == 3)


def test_second_call_replaces_a_pending_deferral() -> None:
    net = mlp()
    lazyviz.defer_init(net, "ones")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing was initialized yet: no warning
        lazyviz.defer_init(net, "zeros")
    net(X)
    assert torch.all(net[0].weight == 0)


def test_remove_undoes_the_deferral() -> None:
    net, init = mlp(), MyInit()
    handle = lazyviz.defer_init(net, init)
    handle.remove()
    assert not handle.active
    net(X)
    assert init.calls == []
    bound = 1 / 20**0.5  # PyTorch's own init
    assert float(net[0].weight.detach().abs().max()) <= bound
    assert all(not m._forward_hooks and not m._forward_pre_hooks for m in net.modules())


def test_custom_layer_creating_its_parameter_in_forward() -> None:
    class Scale(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if not hasattr(self, "weight"):
                self.weight = nn.Parameter(torch.randn(x.shape[-1], x.shape[-1]))
            return x @ self.weight

    net = nn.Sequential(nn.LazyLinear(8), Scale())
    init = MyInit()
    lazyviz.defer_init(net, init)
    net(X)
    names = [c[0] for c in init.calls]
    assert names == ["0.weight", "0.bias", "1.weight"]
    assert float(net[1].weight.detach().min()) >= 5
    net(X)
    assert len(init.calls) == 3


def test_callable_init_and_qualified_names_in_nested_models() -> None:
    seen: list[tuple[int, ...]] = []

    def fill_(t: torch.Tensor) -> torch.Tensor:
        seen.append(tuple(t.shape))
        return t.fill_(0.5)

    net = nn.Sequential(nn.Sequential(nn.LazyLinear(4), nn.ReLU()), nn.LazyLinear(3))
    init = MyInit()
    lazyviz.defer_init(net, init)
    net(X)
    assert [c[0] for c in init.calls] == ["0.0.weight", "0.0.bias", "1.weight", "1.bias"]
    net2 = mlp()
    lazyviz.defer_init(net2, fill_)
    net2(X)
    assert seen == [(256, 20), (10, 256)]  # biases: zeros, not the callable


def test_init_events_in_a_trace_of_a_deferred_model() -> None:
    net = mlp()
    lazyviz.defer_init(net, "xavier_uniform")
    record = lazyviz.trace(net, X).to_dict()
    events = [
        (e["kind"], e["node"], e["param"], e.get("init"))
        for e in record["events"]
        if e["kind"] in ("materialize", "init")
    ]
    n0 = next(n["id"] for n in record["nodes"] if n["path"] == "0")
    n2 = next(n["id"] for n in record["nodes"] if n["path"] == "2")
    assert events == [
        ("materialize", n0, "weight", None),
        ("materialize", n0, "bias", None),
        ("init", n0, "weight", "xavier_uniform"),
        ("init", n0, "bias", "xavier_uniform"),
        ("materialize", n2, "weight", None),
        ("materialize", n2, "bias", None),
        ("init", n2, "weight", "xavier_uniform"),
        ("init", n2, "bias", "xavier_uniform"),
    ]
    # the trace ran a private copy: the user's model is still lazy and still deferred
    assert is_uninitialized(net[0].weight)
    net(X)
    assert float(net[0].weight.detach().abs().max()) <= (6 / 276) ** 0.5
    assert torch.all(net[0].bias == 0)


def test_init_events_when_traced_inplace() -> None:
    net = mlp()
    lazyviz.defer_init(net, {"He": "kaiming_normal"})
    record = lazyviz.trace(net, X, inplace=True).to_dict()
    inits = [e for e in record["events"] if e["kind"] == "init"]
    assert [e["init"] for e in inits] == ["He"] * 4
    assert not is_uninitialized(net[0].weight)
    again = lazyviz.trace(net, X, inplace=True).to_dict()
    assert [e for e in again["events"] if e["kind"] == "init"] == []


def test_bad_arguments() -> None:
    with pytest.raises(TypeError):
        lazyviz.defer_init("not a model", "zeros")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="Valid names"):
        lazyviz.defer_init(mlp(), "glorot")
    with pytest.raises(ValueError, match="val"):
        lazyviz.defer_init(mlp(), "constant")


def test_init_events_say_what_a_bias_really_got() -> None:
    net = mlp()
    lazyviz.defer_init(net, "normal(std=0.01)")
    events = [e for e in lazyviz.trace(net, X).to_dict()["events"] if e["kind"] == "init"]
    assert [(e["param"], e["init"], e.get("fill")) for e in events[:2]] == [
        ("weight", "normal(std=0.01)", None),
        ("bias", "normal(std=0.01)", "zeros"),
    ]
