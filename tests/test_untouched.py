"""Without inplace=True nothing observable about the user's model changes.

The promise of README, "Trace a model".
"""

from __future__ import annotations

from typing import Any

import pytest
import torch
from fixture_models import (
    AllLazy,
    CustomLazy,
    DictIO,
    Residual,
    SharedTwice,
    TinyResNet,
    all_lazy_inputs,
    mlp,
)
from torch import nn
from torch.nn.modules import module as module_hooks

import lazyviz
from lazyviz.torch.shapes import is_uninitialized

HOOK_DICTS = (
    "_forward_hooks",
    "_forward_pre_hooks",
    "_backward_hooks",
    "_backward_pre_hooks",
    "_state_dict_hooks",
    "_state_dict_pre_hooks",
    "_load_state_dict_pre_hooks",
    "_load_state_dict_post_hooks",
)
GLOBAL_HOOKS = (
    "_global_forward_hooks",
    "_global_forward_pre_hooks",
    "_global_backward_hooks",
    "_global_backward_pre_hooks",
)


def tensor_state(t: torch.Tensor | None, identity: bool = True) -> Any:
    if t is None:
        return None
    ident = id(t) if identity else None  # state_dict() hands out new objects every call
    if is_uninitialized(t):
        return (type(t).__name__, ident, "lazy")
    return (type(t).__name__, ident, tuple(t.shape), t.detach().clone(), t.requires_grad)


def snapshot(model: nn.Module) -> dict[str, Any]:
    mods = list(model.named_modules())
    return {
        "classes": [(n, type(m)) for n, m in mods],
        "training": [(n, m.training) for n, m in mods],
        "attrs": [(n, sorted(m.__dict__)) for n, m in mods],
        "params": [(n, tensor_state(p)) for n, p in model.named_parameters(remove_duplicate=False)],
        "buffers": [(n, tensor_state(b)) for n, b in model.named_buffers(remove_duplicate=False)],
        "state_dict": [(k, tensor_state(v, False)) for k, v in model.state_dict().items()],
        "hooks": [(n, h, dict(getattr(m, h))) for n, m in mods for h in HOOK_DICTS],
        "global_hooks": [(h, dict(getattr(module_hooks, h))) for h in GLOBAL_HOOKS],
        "rng": torch.get_rng_state(),
    }


def same(a: Any, b: Any) -> bool:
    if isinstance(a, torch.Tensor):
        return isinstance(b, torch.Tensor) and a.shape == b.shape and torch.equal(a, b)
    if isinstance(a, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return a == b


class WithHooksAndDropout(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.LazyLinear(6)
        self.drop = nn.Dropout(0.5)
        self.bn = nn.BatchNorm1d(6)
        self.fc.register_forward_hook(lambda m, i, o: None)
        self.register_forward_pre_hook(lambda m, a: None)
        self.calls = 0

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        x += 1  # writes into its input
        return self.bn(self.drop(self.fc(x)))


class WritesItsWeights(nn.Module):
    """Writes into a known parameter during forward: the shared-weights guard's case."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.emb = nn.Embedding(10, 4, max_norm=0.01)
        self.lazy = nn.LazyLinear(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.fc.weight.data.mul_(2)
        with torch.no_grad():  # as the model's owner must write it: it runs under grad mode
            self.fc.bias[0] = 5.0
        return self.lazy(self.fc(x) + self.emb(torch.tensor([1, 2])))


CASES = {
    "mlp": (mlp, lambda: (torch.rand(2, 20),), {}),
    "all_lazy": (AllLazy, all_lazy_inputs, {}),
    "tiny_resnet_train": (TinyResNet, lambda: (torch.rand(2, 3, 8, 8),), {}),
    "residual": (Residual, lambda: (torch.rand(2, 5),), {}),
    "shared": (SharedTwice, lambda: (torch.rand(2, 4),), {}),
    "custom_lazy": (lambda: nn.Sequential(CustomLazy(3)), lambda: (torch.rand(2, 4),), {}),
    "dict_io": (
        DictIO,
        lambda: ({"image": torch.rand(2, 3), "text": [torch.rand(2, 4)]}, torch.rand(1)),
        {"extra": torch.rand(2)},
    ),
    "hooks_dropout": (WithHooksAndDropout, lambda: (torch.rand(3, 5),), {}),
    "writes_weights": (WritesItsWeights, lambda: (torch.rand(2, 4),), {}),
}


@pytest.mark.parametrize("name", CASES)
def test_trace_leaves_the_model_and_rng_as_they_were(name: str) -> None:
    build, make_inputs, kwargs = CASES[name]
    model = build()
    lazyviz.trace(model, *make_inputs(), inplace=True)  # a materialized twin as well
    for m in (build(), model):
        inputs = make_inputs()
        kept_inputs = [t.clone() for t in lazyviz.torch.flatten.call_tensors(inputs, kwargs)]
        before = snapshot(m)
        t = lazyviz.trace(m, *inputs, **kwargs)
        assert t.error is None, t.error
        assert same(before, snapshot(m))
        after_inputs = lazyviz.torch.flatten.call_tensors(inputs, kwargs)
        assert all(map(torch.equal, kept_inputs, after_inputs))


def test_python_attributes_of_the_model_are_untouched() -> None:
    model = WithHooksAndDropout()
    lazyviz.trace(model, torch.rand(3, 5))
    assert model.calls == 0


def test_lazy_stays_lazy_after_a_structure_only_trace_and_a_failed_one() -> None:
    model, x = mlp(), torch.rand(2, 20)
    wrong_head = nn.Sequential(model, nn.Linear(3, 3))
    before = snapshot(model)
    lazyviz.trace(model)
    bad = lazyviz.trace(wrong_head, x)
    assert bad.error is not None
    assert same(before, snapshot(model))


def test_inplace_changes_the_model_exactly_as_a_forward_would() -> None:
    traced, plain = (
        nn.Sequential(mlp(), nn.LazyBatchNorm1d()),
        nn.Sequential(mlp(), nn.LazyBatchNorm1d()),
    )
    x = torch.rand(4, 20)
    torch.manual_seed(7)
    lazyviz.trace(traced, x, inplace=True)
    rng_after_trace = torch.get_rng_state()
    torch.manual_seed(7)
    with torch.no_grad():
        plain(x)
    assert torch.equal(rng_after_trace, torch.get_rng_state())
    assert [type(m) for m in traced.modules()] == [type(m) for m in plain.modules()]
    sd_t, sd_p = traced.state_dict(), plain.state_dict()
    assert sd_t.keys() == sd_p.keys()
    assert all(torch.equal(sd_t[k], sd_p[k]) for k in sd_t)
    assert [dict(m._forward_pre_hooks) == {} for m in traced.modules()] == [
        dict(m._forward_pre_hooks) == {} for m in plain.modules()
    ]


def test_no_lazyviz_hooks_are_left_behind_even_after_a_failure() -> None:
    before = [len(getattr(module_hooks, h)) for h in GLOBAL_HOOKS]
    lazyviz.trace(mlp(), torch.rand(2, 20))
    lazyviz.trace(nn.Sequential(nn.Linear(2, 2)), torch.rand(2, 3))
    assert [len(getattr(module_hooks, h)) for h in GLOBAL_HOOKS] == before
    assert not torch.overrides._get_current_function_mode_stack()


# ------------------------------------------------------- Keras 3 (README, "Keras 3 models")
# The same promise for a Keras model (torch backend): an unbuilt model stays unbuilt,
# a built one keeps its weights, and neither RNG (torch's, Python's: Keras draws its
# seeds there) moves, whatever lazyviz runs on its private copy.


def keras_cases() -> dict[str, Any]:
    keras = pytest.importorskip("keras")
    layers = keras.layers

    def mlp_k() -> Any:
        return keras.Sequential(
            [layers.Dense(16, activation="relu", name="dense"), layers.Dense(3, name="dense_1")]
        )

    def built_mlp() -> Any:
        model = mlp_k()
        model(torch.rand(2, 5))
        return model

    def conv_bn() -> Any:
        return keras.Sequential(
            [
                layers.Conv2D(4, 3, name="conv"),
                layers.BatchNormalization(name="bn"),
                layers.Dropout(0.5, name="drop"),
                layers.Flatten(name="flat"),
                layers.Dense(2, name="head"),
            ]
        )

    def nested() -> Any:
        inner = keras.Sequential([layers.Dense(4, name="dense")], name="block")
        x = keras.Input((5,))
        return keras.Model(x, inner(layers.Dense(5, name="stem")(x)))

    return {
        "mlp": (mlp_k, lambda: torch.rand(2, 5)),
        "built_mlp": (built_mlp, lambda: torch.rand(3, 5)),
        "conv_bn": (conv_bn, lambda: torch.rand(2, 6, 6, 2)),
        "nested": (nested, lambda: torch.rand(2, 5)),
    }


def keras_snapshot(model: Any) -> dict[str, Any]:
    import random

    keras = pytest.importorskip("keras")
    layers = list(model._flatten_layers())
    return {
        "built": [(la.name, la.built) for la in layers],
        "variables": [
            (v.path, id(v), tuple(v.shape), torch.tensor(v.numpy()), v.trainable)
            for v in model.variables
        ],
        "training": [(la.name, la.training) for la in layers],
        "hooks": [(la.name, h, dict(getattr(la, h))) for la in layers for h in HOOK_DICTS],
        "rng": torch.get_rng_state(),
        "python_rng": random.getstate(),
        "layer_call": keras.layers.Layer.__dict__["__call__"],
    }


def _select_every_layer(model: Any, x: torch.Tensor) -> None:
    w = lazyviz.LazyViz(model, x)
    for n in w.to_dict()["nodes"]:
        if n["kind"] == "module":
            w.selected = n["id"]  # computes that layer's histograms
    assert w.histograms


KERAS_USES = {
    "trace": lambda model, x: lazyviz.trace(model, x),
    "widget_histograms": _select_every_layer,
    "compare_inits": lambda model, x: lazyviz.compare_inits(model, x),
}


@pytest.mark.parametrize("use", KERAS_USES)
@pytest.mark.parametrize("case", ["mlp", "built_mlp", "conv_bn", "nested"])
def test_keras_model_is_left_as_it_was(case: str, use: str) -> None:
    build, make_input = keras_cases()[case]
    model = build()
    x = make_input()
    kept = x.clone()
    before = keras_snapshot(model)
    KERAS_USES[use](model, x)
    assert same(before, keras_snapshot(model))
    assert torch.equal(x, kept)
    if case in ("mlp", "conv_bn"):
        assert not model.built and model.weights == []
