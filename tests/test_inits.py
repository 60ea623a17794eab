"""The initializer registry: parsing, labels, and each init's exact law against what it draws."""

from __future__ import annotations

import itertools
import math

import pytest
import torch
from torch import nn

import lazyviz
from lazyviz.inits.registry import REGISTRY_NAMES, parse_init, resolve_init, resolve_inits
from lazyviz.torch.laws import Law, fans

SHAPES = [(256, 20), (10, 256), (64, 64), (6, 3, 5, 5), (16, 6, 3, 3), (8, 4, 3)]

# Each registry init with the closed-form std it must report, as a function of the fans.
CLOSED_FORM = {
    "xavier_uniform": lambda fi, fo: math.sqrt(6 / (fi + fo)) / math.sqrt(3),
    "xavier_normal": lambda fi, fo: math.sqrt(2 / (fi + fo)),
    "kaiming_uniform": lambda fi, fo: math.sqrt(2 / (1 + 0**2)) * math.sqrt(3 / fi) / math.sqrt(3),
    "kaiming_normal": lambda fi, fo: math.sqrt(2) / math.sqrt(fi),
    "kaiming_normal(mode='fan_out', nonlinearity='relu')": lambda fi, fo: math.sqrt(2 / fo),
    "kaiming_uniform(a=2.23606797749979)": lambda fi, fo: 1 / math.sqrt(3 * fi),
    "normal": lambda fi, fo: 1.0,
    "normal(std=0.01)": lambda fi, fo: 0.01,
    "normal(mean=1.0, std=0.5)": lambda fi, fo: 0.5,
    "uniform": lambda fi, fo: 1 / math.sqrt(12),
    "uniform(a=-0.07, b=0.07)": lambda fi, fo: 0.14 / math.sqrt(12),
    "trunc_normal": lambda fi, fo: 0.8796256610342398,  # Var of N(0,1) cut to [-2, 2]
    "trunc_normal(std=0.02, a=-0.04, b=0.04)": lambda fi, fo: 0.02 * 0.8796256610342398,
    "trunc_normal(std=0.02)": lambda fi, fo: 0.02,  # cut at +-2, i.e. +-100 std: no cut
    "orthogonal": None,  # gain / sqrt(max(rows, cols)); checked below
    "zeros": lambda fi, fo: 0.0,
    "ones": lambda fi, fo: 0.0,
    "constant(val=0.5)": lambda fi, fo: 0.0,
}


def _orthogonal_std(shape: tuple[int, ...]) -> float:
    rows = shape[0]
    return 1 / math.sqrt(max(rows, math.prod(shape) // rows))


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("text", list(CLOSED_FORM))
def test_expected_std_matches_closed_form_and_draws(text: str, shape: tuple[int, ...]) -> None:
    spec = parse_init(text)
    module = nn.Linear(2, 2)  # a weight of 2+ dims gets the init whatever the module
    law = spec.law(module, "weight", list(shape))
    fan_in, fan_out = fans(shape)
    assert (fan_in, fan_out) == nn.init._calculate_fan_in_and_fan_out(torch.empty(shape))
    closed = CLOSED_FORM[text]
    expected = _orthogonal_std(shape) if closed is None else closed(fan_in, fan_out)
    assert law.std == pytest.approx(expected, rel=1e-9, abs=1e-12)

    torch.manual_seed(0)
    t = torch.empty(shape)
    assert spec.fill(module, "weight", "weight", t)
    n = t.numel()
    empirical = float(t.std(correction=0))
    if law.std == 0:
        assert empirical == 0.0
        assert float(t.mean()) == pytest.approx(law.mean)
        return
    # the sample std of n draws is within a few standard errors (kurtosis <= 3 here)
    tolerance = 5 * law.std * math.sqrt(2 / n) + (law.std / math.sqrt(n) if closed is None else 0)
    assert abs(empirical - law.std) <= tolerance + 1e-12, (empirical, law.std)
    assert abs(float(t.mean()) - law.mean) <= 5 * law.std / math.sqrt(n) + 1e-9


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", [n for n in REGISTRY_NAMES if n not in ("default", "constant")])
def test_theory_density_integrates_to_one(name: str, shape: tuple[int, ...]) -> None:
    law = parse_init(name).law(nn.Linear(2, 2), "weight", list(shape))
    theory = law.theory()
    if "point" in theory:
        assert law.std == 0
        return
    x, pdf = theory["x"], theory["pdf"]
    assert len(x) == len(pdf) and all(p >= 0 for p in pdf)
    area = sum((x[i + 1] - x[i]) * (pdf[i] + pdf[i + 1]) / 2 for i in range(len(x) - 1))
    assert area == pytest.approx(1.0, abs=2e-4)
    assert all(b >= a for a, b in itertools.pairwise(x))


@pytest.mark.parametrize("n", [1, 2, 3, 4, 50, 4096])
def test_orthogonal_law_small_and_large(n: int) -> None:
    law = Law("orthogonal", scale=1.5, n=n)
    assert law.std == pytest.approx(1.5 / math.sqrt(n))
    theory = law.theory()
    x, pdf = theory["x"], theory["pdf"]
    area = sum((x[i + 1] - x[i]) * (pdf[i] + pdf[i + 1]) / 2 for i in range(len(x) - 1))
    assert area == pytest.approx(1.0, abs=2e-3)
    torch.manual_seed(1)
    sample = law.sample(200_000)
    assert float(sample.std()) == pytest.approx(law.std, rel=0.02)


def test_orthogonal_empirical_std_is_exact_for_semi_orthogonal_matrices() -> None:
    for shape in [(256, 20), (20, 256), (6, 3, 5, 5)]:
        t = nn.init.orthogonal_(torch.empty(shape))
        law = parse_init("orthogonal").law(nn.Linear(2, 2), "weight", list(shape))
        assert float(t.pow(2).mean().sqrt()) == pytest.approx(law.std, rel=1e-4)


def test_point_masses() -> None:
    for text, value in [("zeros", 0.0), ("ones", 1.0), ("constant(val=0.5)", 0.5)]:
        law = parse_init(text).law(nn.Linear(2, 2), "weight", [4, 4])
        assert law.theory() == {"point": value}
        assert law.std == 0.0


def test_default_is_pytorchs_reset_parameters() -> None:
    spec = parse_init("default")
    lin = nn.Linear(20, 256)
    w = spec.law(lin, "weight", [256, 20])
    b = spec.law(lin, "bias", [256])
    assert (w.kind, w.hi) == ("uniform", pytest.approx(1 / math.sqrt(20)))
    assert (b.kind, b.hi) == ("uniform", pytest.approx(1 / math.sqrt(20)))
    conv = nn.Conv2d(3, 6, 5)
    assert spec.law(conv, "weight", [6, 3, 5, 5]).hi == pytest.approx(1 / math.sqrt(75))
    assert spec.law(conv, "bias", [6]).hi == pytest.approx(1 / math.sqrt(75))
    tconv = nn.ConvTranspose2d(3, 6, 5)  # weight (3, 6, 5, 5): fan_in = 6 * 25
    assert spec.law(tconv, "bias", [6]).hi == pytest.approx(1 / math.sqrt(150))
    bn = nn.BatchNorm2d(6)
    assert spec.law(bn, "weight", [6]).theory() == {"point": 1.0}
    assert spec.law(bn, "bias", [6]).theory() == {"point": 0.0}
    ln = nn.LayerNorm(8)
    assert spec.law(ln, "weight", [8]).theory() == {"point": 1.0}
    emb = nn.Embedding(10, 4)
    assert spec.law(emb, "weight", [10, 4]).std == 1.0
    rnn = nn.LSTM(4, 16)
    assert spec.law(rnn, "weight_hh_l0", [64, 16]).hi == pytest.approx(0.25)
    mha = nn.MultiheadAttention(8, 2)
    assert spec.law(mha.out_proj, "bias", [8], mha).theory() == {"point": 0.0}


def test_plain_init_fills_gluon_style() -> None:
    spec = parse_init("normal(std=0.01)")
    lin, bn = nn.Linear(4, 3), nn.BatchNorm1d(3)
    with torch.no_grad():
        lin.bias.fill_(7)
        bn.weight.fill_(7)
        bn.bias.fill_(7)
    spec.fill(lin, "bias", "0.bias", lin.bias)
    spec.fill(bn, "weight", "1.weight", bn.weight)
    spec.fill(bn, "bias", "1.bias", bn.bias)
    assert torch.all(lin.bias == 0) and torch.all(bn.weight == 1) and torch.all(bn.bias == 0)
    assert spec.law(lin, "bias", [3]).theory() == {"point": 0.0}
    assert spec.law(bn, "weight", [3]).theory() == {"point": 1.0}


def test_labels() -> None:
    class MyInit(lazyviz.Initializer):
        def init_weight(self, name: str, tensor: torch.Tensor) -> None:
            tensor.uniform_(5, 10)

    def my_fill_(t: torch.Tensor) -> torch.Tensor:
        return t.fill_(3)

    specs = resolve_inits(
        ["normal(std=0.01)", nn.init.xavier_uniform_, my_fill_, MyInit(), "  zeros "]
    )
    assert [s.label for s in specs] == [
        "normal(std=0.01)",
        "xavier_uniform",
        "my_fill",
        "MyInit",
        "  zeros ",
    ]
    # torch.nn.init's own function keeps its closed form; a custom callable has none
    assert specs[1].law(nn.Linear(2, 2), "weight", [4, 4]).std > 0
    assert specs[2].law(nn.Linear(2, 2), "weight", [4, 4]) is None
    relabelled = resolve_inits({"tiny": "normal(std=0.001)", "He": "kaiming_normal"})
    assert [s.label for s in relabelled] == ["tiny", "He"]


@pytest.mark.parametrize(
    "bad",
    [
        "glorot",
        "normal(sd=1)",
        "constant",
        "constant()",
        "normal(std=x)",
        "__import__('os')",
        "normal(std=1)(2)",
        "kaiming_normal(mode='sideways')",
        "kaiming_normal(nonlinearity='swishy')",
        "uniform(a=1, b=0)",
        "default(std=1)",
        "normal(std='big')",
        "",
    ],
)
def test_bad_inits_raise_value_error(bad: str) -> None:
    with pytest.raises(ValueError):
        resolve_init(bad)


def test_unknown_name_lists_valid_ones() -> None:
    with pytest.raises(ValueError) as info:
        resolve_init("glorot_uniform")
    for name in REGISTRY_NAMES:
        assert name in str(info.value)
    with pytest.raises(ValueError, match="val"):
        resolve_init("constant")


def test_other_bad_inits() -> None:
    with pytest.raises(ValueError):
        resolve_inits([])
    with pytest.raises(ValueError, match="label"):
        resolve_inits(["zeros", "zeros"])
    with pytest.raises(ValueError):
        resolve_init(42)
    with pytest.raises(ValueError, match="instance"):
        resolve_init(lazyviz.Initializer)


def test_call_syntax_accepts_positional_literals_and_trailing_underscore() -> None:
    spec = parse_init("uniform_(-0.5, 0.5)")
    assert (spec.name, spec.kwargs) == ("uniform", {"a": -0.5, "b": 0.5})
