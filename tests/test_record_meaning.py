"""What the record says for the front end, computed by the framework adapters.

The front end knows no framework: a node's colour family, what a lazy layer
reads off its input and the words for how the framework filled a new parameter
come in the record (docs/trace-schema.md, "What the record says").
"""

from __future__ import annotations

import math

import pytest
import torch
from fixture_models import mlp
from torch import nn

import lazyviz
from lazyviz.torch.laws import default_law, default_words
from lazyviz.torch.structure import module_family


class Head(nn.Linear):
    """A subclass with a name that says nothing: its base class's family."""


class relu_gate(nn.Module):  # a user's lowercase name: activations match in any case
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.clamp(min=0)


@pytest.mark.parametrize(
    ("module", "family"),
    [
        (nn.LazyLinear(3), "linear"),
        (nn.Bilinear(2, 2, 2), "linear"),
        (Head(2, 2), "linear"),
        (nn.LazyConvTranspose2d(2, 3), "conv"),
        (nn.LazyBatchNorm1d(), "norm"),
        (nn.LayerNorm(4), "norm"),
        (nn.MultiheadAttention(4, 2), "attention"),
        (nn.Embedding(5, 2), "embedding"),
        (nn.GRU(2, 2), "recurrent"),
        (nn.AdaptiveAvgPool2d(1), "pool"),
        (nn.Dropout(), "dropout"),
        (nn.Softshrink(), "activation"),
        (relu_gate(), "activation"),
        (nn.Flatten(), None),
        (nn.Identity(), None),
    ],
)
def test_a_torch_module_family(module: nn.Module, family: str | None) -> None:
    assert module_family(module) == family


def test_the_chapter_mlp_says_what_each_layer_infers_and_how_it_was_filled() -> None:
    structure = lazyviz.trace(mlp()).to_dict()
    assert structure["framework"] == "PyTorch"
    first = next(n for n in structure["nodes"] if n["path"] == "0")
    assert first["family"] == "linear"
    assert first["infers"] == {"name": "in_features", "dim": -1}
    assert "default_init" not in first  # nothing materialized yet
    relu = next(n for n in structure["nodes"] if n["path"] == "1")
    assert relu["family"] == "activation" and "infers" not in relu  # not lazy

    run = lazyviz.trace(mlp(), torch.zeros(2, 20)).to_dict()
    first = next(n for n in run["nodes"] if n["path"] == "0")
    assert first["default_init"] == {
        "weight": "PyTorch default: U(-1/sqrt(20), 1/sqrt(20))",
        "bias": "PyTorch default: U(-1/sqrt(20), 1/sqrt(20))",
    }
    for node in run["nodes"]:  # the root, inputs and outputs say nothing of a layer
        if node["kind"] != "module" or node["path"] == "":
            assert not {"family", "infers", "default_init"} & set(node), node["path"]


def test_the_words_follow_the_default_law() -> None:
    conv = nn.LazyConv2d(4, 3)
    conv(torch.zeros(1, 2, 5, 5))
    for name in ("weight", "bias"):
        law = default_law(conv, name, list(getattr(conv, name).shape))
        fan = 2 * 3 * 3
        assert law.hi == pytest.approx(1 / math.sqrt(fan))
        assert default_words(conv, name, list(getattr(conv, name).shape)) == (
            f"PyTorch default: U(-1/sqrt({fan}), 1/sqrt({fan}))"
        )
    norm = nn.LazyBatchNorm2d()
    norm(torch.zeros(2, 3, 4, 4))
    assert default_words(norm, "weight", [3]) == "PyTorch default: ones"
    assert default_words(norm, "bias", [3]) == "PyTorch default: zeros"
    assert default_words(nn.PReLU(), "weight", [1]) == "by the module's reset_parameters()"


def test_a_keras_record_speaks_keras() -> None:
    keras = pytest.importorskip("keras")
    layers = keras.layers
    model = keras.Sequential(
        [
            layers.Conv2D(4, 3, name="conv"),
            layers.BatchNormalization(name="bn"),
            layers.Flatten(name="flat"),
            layers.Dense(3, name="head"),
        ]
    )
    record = lazyviz.trace(model, torch.zeros(2, 8, 8, 3)).to_dict()
    assert record["framework"] == "Keras"
    nodes = {n["path"]: n for n in record["nodes"]}
    assert [nodes[p].get("family") for p in ("conv", "bn", "flat", "head")] == [
        "conv",
        "norm",
        None,
        "linear",
    ]
    assert nodes["conv"]["infers"] == {"name": "input_channel", "dim": -1}
    assert nodes["head"]["infers"] == {"name": "input_dim", "dim": -1}
    assert nodes["head"]["default_init"] == {
        "kernel": "Keras kernel_initializer: GlorotUniform",
        "bias": "Keras bias_initializer: Zeros",
    }
    assert nodes["bn"]["default_init"]["gamma"] == "Keras gamma_initializer: Ones"
