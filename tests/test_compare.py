"""compare_inits: the lazyviz.inits/1 record, its numbers, and what it leaves untouched."""

from __future__ import annotations

import copy
import json
import math
from typing import Any

import pytest
import torch
from torch import nn

import lazyviz
from lazyviz.record.names import qualname
from lazyviz.torch.shapes import is_uninitialized

X = torch.rand(2, 20)
ALL = [
    "default",
    "xavier_uniform",
    "xavier_normal",
    "kaiming_uniform",
    "kaiming_normal",
    "normal",
    "uniform",
    "trunc_normal",
    "orthogonal",
    "zeros",
    "ones",
    "constant(val=0.5)",
]


def mlp() -> nn.Sequential:
    return nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))


def lenet() -> nn.Sequential:
    return nn.Sequential(
        nn.LazyConv2d(6, 5, padding=2),
        nn.LazyBatchNorm2d(),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.LazyConv2d(16, 5),
        nn.ReLU(),
        nn.Flatten(),
        nn.LazyLinear(10),
    )


@pytest.fixture(scope="module")
def record() -> dict:
    return lazyviz.compare_inits(mlp(), X, inits=ALL, seed=3).to_dict()


def test_schema(record: dict) -> None:
    assert record["schema"] == "lazyviz.inits/1"
    assert record["inits"] == ALL
    assert [(p["path"], p["param"], p["shape"]) for p in record["params"]] == [
        ("0", "weight", [256, 20]),
        ("0", "bias", [256]),
        ("2", "weight", [10, 256]),
        ("2", "bias", [10]),
    ]
    w = record["params"][0]
    assert (w["node"], w["fan_in"], w["fan_out"]) == ("n1", 20, 256)
    assert record["params"][1]["fan_in"] is None and record["params"][1]["fan_out"] is None
    json.dumps(record, allow_nan=False)


def test_histograms_and_laws(record: dict) -> None:
    for p in record["params"]:
        numel = math.prod(p["shape"])
        assert set(p["per_init"]) == set(ALL)
        for label, h in p["per_init"].items():
            assert len(h["counts"]) == len(h["edges"]) - 1
            assert sum(h["counts"]) == numel
            assert "sampled" not in h
            if "point" in (h["theory"] or {}):
                assert h["std"] == 0 and h["expected_std"] == 0
                continue
            x, pdf = h["theory"]["x"], h["theory"]["pdf"]
            area = sum((x[i + 1] - x[i]) * (pdf[i] + pdf[i + 1]) / 2 for i in range(len(x) - 1))
            assert area == pytest.approx(1, abs=1e-3), label
            tol = 6 * h["expected_std"] * math.sqrt(2 / numel) + 0.02 * h["expected_std"]
            assert abs(h["std"] - h["expected_std"]) <= tol, (p["path"], p["param"], label)


def test_known_values(record: dict) -> None:
    w0, b0, w2 = record["params"][0], record["params"][1], record["params"][2]
    assert w0["per_init"]["default"]["expected_std"] == pytest.approx(1 / math.sqrt(3 * 20))
    assert b0["per_init"]["default"]["expected_std"] == pytest.approx(1 / math.sqrt(3 * 20))
    assert w0["per_init"]["xavier_uniform"]["expected_std"] == pytest.approx(math.sqrt(2 / 276))
    assert w2["per_init"]["kaiming_normal"]["expected_std"] == pytest.approx(math.sqrt(2 / 256))
    assert w0["per_init"]["orthogonal"]["expected_std"] == pytest.approx(1 / 16)
    # Gluon's rule: biases get zeros under a plain init
    assert b0["per_init"]["xavier_uniform"]["theory"] == {"point": 0.0}
    assert b0["per_init"]["xavier_uniform"]["counts"] == [256]
    assert w0["per_init"]["constant(val=0.5)"]["theory"] == {"point": 0.5}
    assert w0["per_init"]["constant(val=0.5)"]["mean"] == 0.5


def test_activations(record: dict) -> None:
    for label in ALL:
        rows = record["activations"][label]
        assert [r["path"] for r in rows] == ["0", "1", "2"]
        for r in rows:
            assert set(r) >= {"path", "mean", "std", "zero_frac"}
    assert record["activations"]["zeros"][0]["zero_frac"] == 1.0
    assert record["activations"]["default"][1]["zero_frac"] > 0.2


def test_model_and_rng_untouched_and_seed_reproducible() -> None:
    net, batch, two = lenet(), torch.rand(2, 1, 28, 28), ["default", "xavier_normal"]
    hooks = [(len(m._forward_pre_hooks), len(m._forward_hooks)) for m in net.modules()]
    torch.manual_seed(123)
    state = torch.get_rng_state()
    a = lazyviz.compare_inits(net, batch, inits=two, seed=7)
    assert torch.equal(torch.get_rng_state(), state)
    assert all(is_uninitialized(p) for p in net.parameters())
    assert hooks == [(len(m._forward_pre_hooks), len(m._forward_hooks)) for m in net.modules()]
    b = lazyviz.compare_inits(net, batch, inits=two, seed=7)
    assert a.to_dict() != {} and a.to_dict()["params"] == b.to_dict()["params"]
    c = lazyviz.compare_inits(net, torch.rand(2, 1, 28, 28), inits=["xavier_normal"], seed=7)
    # an init's result does not depend on which others are compared
    assert (
        c.to_dict()["params"][0]["per_init"]["xavier_normal"]
        == a.to_dict()["params"][0]["per_init"]["xavier_normal"]
    )
    d = lazyviz.compare_inits(net, torch.rand(2, 1, 28, 28), inits=["xavier_normal"], seed=8)
    assert d.to_dict()["params"][0] != c.to_dict()["params"][0]


def test_known_model_untouched() -> None:
    net = nn.Sequential(nn.Linear(20, 8), nn.ReLU(), nn.Linear(8, 2))
    before = {k: v.clone() for k, v in net.state_dict().items()}
    lazyviz.compare_inits(net, X, inits=["zeros", "orthogonal"])
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())


def test_conv_and_batchnorm() -> None:
    rec = lazyviz.compare_inits(lenet(), torch.rand(4, 1, 28, 28), inits=ALL).to_dict()
    by = {(p["path"], p["param"]): p for p in rec["params"]}
    conv = by[("0", "weight")]
    assert conv["shape"] == [6, 1, 5, 5] and (conv["fan_in"], conv["fan_out"]) == (25, 150)
    assert conv["per_init"]["default"]["expected_std"] == pytest.approx(1 / math.sqrt(75))
    assert by[("1", "weight")]["per_init"]["default"]["theory"] == {"point": 1.0}
    assert by[("1", "weight")]["per_init"]["xavier_uniform"]["theory"] == {"point": 1.0}
    assert by[("1", "bias")]["per_init"]["ones"]["theory"] == {"point": 0.0}
    assert [r["path"] for r in rec["activations"]["default"]] == [str(i) for i in range(8)]


def test_large_parameter_is_sampled() -> None:
    net = nn.Sequential(nn.LazyLinear(300))
    rec = lazyviz.compare_inits(net, torch.rand(2, 200), inits="kaiming_uniform", max_numel=10_000)
    h = rec.to_dict()["params"][0]["per_init"]["kaiming_uniform"]
    assert h["sampled"] == 10_000 and sum(h["counts"]) == 10_000
    assert h["std"] == pytest.approx(h["expected_std"], rel=0.05)


def test_custom_inits_and_shared_parameters() -> None:
    class MyInit(lazyviz.Initializer):
        def init_weight(self, name: str, tensor: torch.Tensor) -> None:
            tensor.uniform_(5, 10)

        def init_bias(self, name: str, tensor: torch.Tensor) -> None:
            tensor.fill_(2)

    def halves_(t: torch.Tensor) -> torch.Tensor:
        return t.fill_(0.5)

    shared = nn.Linear(8, 8)
    net = nn.Sequential(nn.LazyLinear(8), shared, nn.ReLU(), shared)
    rec = lazyviz.compare_inits(net, X, inits={"mine": MyInit(), "half": halves_}).to_dict()
    assert [(p["path"], p["param"]) for p in rec["params"]] == [
        ("0", "weight"),
        ("0", "bias"),
        ("1", "weight"),
        ("1", "bias"),
    ]
    w = rec["params"][0]["per_init"]
    assert w["mine"]["expected_std"] is None and w["mine"]["theory"] is None
    assert w["mine"]["edges"][0] >= 5 and w["mine"]["edges"][-1] <= 10
    assert w["half"]["mean"] == 0.5
    assert rec["params"][1]["per_init"]["mine"]["mean"] == 2.0


def test_twenty_layer_mlp_vanishes_under_small_normal_not_under_kaiming() -> None:
    layers: list[nn.Module] = []
    for _ in range(20):
        layers += [nn.LazyLinear(128), nn.ReLU()]
    net = nn.Sequential(*layers)
    rec = lazyviz.compare_inits(
        net,
        torch.randn(256, 32),
        inits=["normal(std=0.01)", "xavier_uniform", "kaiming_normal(nonlinearity='relu')"],
    ).to_dict()
    ratio = {}
    for label, rows in rec["activations"].items():
        last = next(r["std"] for r in rows if r["path"] == "38")
        ratio[label] = last / rows[0]["std"]
    assert ratio["normal(std=0.01)"] < 1e-12  # vanished
    assert 0.2 < ratio["kaiming_normal(nonlinearity='relu')"] < 5  # kept its scale
    assert ratio["xavier_uniform"] < 0.1  # loses a factor sqrt(2) at every ReLU


def test_bad_calls() -> None:
    with pytest.raises(ValueError, match="Valid names"):
        lazyviz.compare_inits(mlp(), X, inits=["glorot"])
    with pytest.raises(ValueError, match="val"):
        lazyviz.compare_inits(mlp(), X, inits="constant")
    with pytest.raises(TypeError):
        lazyviz.compare_inits("nope", X)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="batch"):
        lazyviz.compare_inits(mlp())
    with pytest.raises(ValueError, match="failed"):
        lazyviz.compare_inits(nn.Sequential(nn.Linear(3, 4)), X)


def test_widget_state_and_selection() -> None:
    w = lazyviz.compare_inits(mlp(), X, inits=["default", "zeros"])
    assert w.params == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert w.selected == "0.weight" and w.inits == ["default", "zeros"]
    w.selected = "2.bias"
    with pytest.raises(Exception, match="no parameter"):
        w.selected = "9.weight"
    again = lazyviz.InitsWidget(w.to_dict())
    assert again.to_dict() == w.to_dict()
    assert w.same_scale is True  # one x range for all panels, by default
    assert lazyviz.InitsWidget(w.to_dict(), same_scale=False).same_scale is False
    with pytest.raises(TypeError, match="unexpected"):
        lazyviz.InitsWidget(w.to_dict(), colour="red")


def test_histograms_by_node_shape() -> None:
    from lazyviz.inits.compare import histograms_by_node

    rec = lazyviz.compare_inits(mlp(), X, inits=["default"]).to_dict()
    by = histograms_by_node(rec)
    assert set(by) == {"n1", "n3"} and set(by["n1"]) == {"weight", "bias"}
    assert set(by["n1"]["weight"]) == {"default"}


def test_layers_the_batch_never_reached_are_left_out() -> None:
    class TwoHeads(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.used, self.unused = nn.LazyLinear(4), nn.LazyLinear(5)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.used(x)

    data = lazyviz.compare_inits(TwoHeads(), torch.rand(2, 3)).to_dict()
    assert {p["path"] for p in data["params"]} == {"used"}


def test_a_layer_created_during_the_run_is_paired_with_its_own_node() -> None:
    class GrowsInsideABlock(nn.Module):
        """``block.1`` is created by the first forward: its node comes last in the
        record, its module before ``head`` in ``named_modules()``."""

        def __init__(self) -> None:
            super().__init__()
            self.block = nn.Sequential(nn.LazyLinear(8))
            self.head = nn.Linear(8, 3)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if len(self.block) == 1:
                self.block.append(nn.Linear(8, 8))
            return self.head(self.block(x))

    data = lazyviz.compare_inits(GrowsInsideABlock(), torch.rand(2, 5), inits=["default"])
    shapes = {(p["path"], p["param"]): p["shape"] for p in data.to_dict()["params"]}
    assert shapes[("head", "weight")] == [3, 8]
    assert shapes[("block.1", "weight")] == [8, 8]


# ----------------------------------------------------------------- gradients
def two_layer() -> nn.Sequential:
    return nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))


XB = torch.randn(6, 5, generator=torch.Generator().manual_seed(11))


def hand_gradients(
    net: nn.Module, seed: int, loss_of: Any = lambda out: out.sum()
) -> tuple[dict[str, torch.Tensor], float]:
    """What compare_inits documents for ``xavier_normal`` under ``seed``, done by hand.

    Seeded once, modules re-drawn children first (the last Linear, then the
    first), weights xavier_normal, biases zeros (Gluon's rule); one forward
    and one backward of the loss on the batch.
    """
    ref = copy.deepcopy(net)
    torch.manual_seed(seed)
    with torch.no_grad():
        for layer in (ref[2], ref[0]):
            nn.init.xavier_normal_(layer.weight)
            layer.bias.zero_()
    loss = loss_of(ref(XB))
    loss.backward()
    return {name: p.grad for name, p in ref.named_parameters()}, float(loss.detach())


def assert_rows_match(rows: list[dict], grads: dict[str, torch.Tensor]) -> None:
    assert [qualname(r["path"], r["param"]) for r in rows] == list(grads)
    for row in rows:
        g = grads[qualname(row["path"], row["param"])].double()
        std, mean = torch.std_mean(g, correction=0)
        assert row["mean"] == pytest.approx(float(mean), rel=1e-5, abs=1e-7)
        assert row["std"] == pytest.approx(float(std), rel=1e-5, abs=1e-7)
        assert row["norm"] == pytest.approx(float(g.norm()), rel=1e-5)
        assert "no_grad" not in row


def test_gradients_match_a_hand_computed_backward() -> None:
    net = two_layer()
    torch.manual_seed(99)
    state = torch.get_rng_state()
    rec = lazyviz.compare_inits(net, XB, inits=["xavier_normal", "zeros"], seed=5).to_dict()
    assert torch.equal(torch.get_rng_state(), state)  # the global RNG is untouched
    assert rec["loss"] == "sum of outputs"
    assert set(rec["gradients"]) == {"xavier_normal", "zeros"}
    rows = rec["gradients"]["xavier_normal"]
    # one row per compared parameter, in forward order (here: the params' order)
    assert [(r["path"], r["param"]) for r in rows] == [
        (p["path"], p["param"]) for p in rec["params"]
    ]
    grads, loss = hand_gradients(net, seed=5)
    assert_rows_match(rows, grads)
    assert rec["losses"]["xavier_normal"] == pytest.approx(loss, rel=1e-6)
    # sum of outputs: d loss / d last bias = batch size, for every entry
    assert rows[3]["mean"] == 6.0 and rows[3]["std"] == 0.0
    # all-zero weights: nothing but the last bias moves
    zeros = rec["gradients"]["zeros"]
    assert [r["norm"] for r in zeros[:3]] == [0.0, 0.0, 0.0] and zeros[3]["mean"] == 6.0
    assert rec["losses"]["zeros"] == 0.0
    json.dumps(rec, allow_nan=False)


def test_gradients_reproducible_by_seed() -> None:
    a = lazyviz.compare_inits(two_layer(), XB, inits="kaiming_normal", seed=3).to_dict()
    net = two_layer()
    b = lazyviz.compare_inits(net, XB, inits="kaiming_normal", seed=3).to_dict()
    c = lazyviz.compare_inits(net, XB, inits="kaiming_normal", seed=4).to_dict()
    # the first layer's own (default) values differ between the two nets; its re-draw does not
    assert a["gradients"] == b["gradients"]
    assert b["gradients"] != c["gradients"]


def test_loss_fn_and_target() -> None:
    net, labels = two_layer(), torch.tensor([0, 2, 1, 1, 0, 2])
    ce = nn.CrossEntropyLoss()
    rec = lazyviz.compare_inits(
        net, XB, inits="xavier_normal", seed=5, loss_fn=ce, target=labels
    ).to_dict()
    assert rec["loss"] == "CrossEntropyLoss"
    grads, loss = hand_gradients(net, seed=5, loss_of=lambda out: ce(out, labels))
    assert_rows_match(rec["gradients"]["xavier_normal"], grads)
    assert rec["losses"]["xavier_normal"] == pytest.approx(loss, rel=1e-6)

    def squared(out: torch.Tensor) -> torch.Tensor:  # no target: loss_fn(output)
        return out.pow(2).mean()

    rec = lazyviz.compare_inits(net, XB, inits="xavier_normal", seed=5, loss_fn=squared).to_dict()
    assert rec["loss"] == "squared"
    grads, _ = hand_gradients(net, seed=5, loss_of=squared)
    assert_rows_match(rec["gradients"]["xavier_normal"], grads)

    # a target that requires grad is the user's: no gradient lands in it
    goal = torch.rand(6, 3, requires_grad=True)
    rec = lazyviz.compare_inits(net, XB, inits="zeros", loss_fn=nn.MSELoss(), target=goal)
    assert rec.to_dict()["loss"] == "MSELoss" and goal.grad is None


def test_bad_loss_arguments() -> None:
    net = two_layer()
    with pytest.raises(ValueError, match="loss_fn"):
        lazyviz.compare_inits(net, XB, target=torch.zeros(6))
    with pytest.raises(ValueError, match="grads=True"):
        lazyviz.compare_inits(net, XB, grads=False, loss_fn=nn.MSELoss())
    with pytest.raises(TypeError, match="callable"):
        lazyviz.compare_inits(net, XB, loss_fn="mse")
    with pytest.raises(ValueError, match="scalar"):
        lazyviz.compare_inits(net, XB, loss_fn=lambda out: out * 2)
    with pytest.raises(ValueError, match="CrossEntropyLoss failed"):
        lazyviz.compare_inits(net, XB, loss_fn=nn.CrossEntropyLoss(), target=torch.zeros(7))


def test_grads_false_leaves_them_out() -> None:
    rec = lazyviz.compare_inits(two_layer(), XB, inits="zeros", grads=False).to_dict()
    assert not {"gradients", "loss", "losses", "grad_errors"} & set(rec)
    assert set(rec) == {"schema", "inits", "params", "activations"}


def test_users_model_grads_batch_and_rng_untouched() -> None:
    net = nn.Sequential(nn.Linear(5, 8), nn.Dropout(0.5), nn.ReLU(), nn.Linear(8, 3))
    before = {k: v.clone() for k, v in net.state_dict().items()}
    x = XB.clone().requires_grad_()
    torch.manual_seed(7)
    state = torch.get_rng_state()
    rec = lazyviz.compare_inits(net, x, inits=["default", "xavier_uniform"]).to_dict()
    assert rec["gradients"]["default"][0]["norm"] > 0
    assert torch.equal(torch.get_rng_state(), state)
    assert all(p.grad is None for p in net.parameters())
    assert x.grad is None and torch.equal(x.detach(), XB)
    assert all(torch.equal(before[k], v) for k, v in net.state_dict().items())

    # gradients the user already has are neither changed nor added to the comparison's
    net(XB).sum().backward()
    theirs = [p.grad.clone() for p in net.parameters()]
    again = lazyviz.compare_inits(net, XB, inits=["default"], seed=0).to_dict()
    assert all(torch.equal(p.grad, g) for p, g in zip(net.parameters(), theirs, strict=True))
    clean = copy.deepcopy(net)
    clean.zero_grad(set_to_none=True)
    fresh = lazyviz.compare_inits(clean, XB, inits=["default"], seed=0).to_dict()
    assert again["gradients"] == fresh["gradients"]

    lazy = mlp()
    lazyviz.compare_inits(lazy, X)
    assert all(is_uninitialized(p) for p in lazy.parameters())


def test_gradients_under_no_grad_and_inference_mode() -> None:
    net = two_layer()
    plain = lazyviz.compare_inits(net, XB, inits="xavier_normal", seed=5).to_dict()
    with torch.no_grad():
        quiet = lazyviz.compare_inits(net, XB, inits="xavier_normal", seed=5).to_dict()
        assert not torch.is_grad_enabled()
    assert quiet["gradients"] == plain["gradients"]
    assert quiet["activations"] == plain["activations"]
    with torch.inference_mode():
        batch = XB.clone()  # an inference tensor
        inferred = lazyviz.compare_inits(net, batch, inits="xavier_normal", seed=5).to_dict()
        assert torch.is_inference_mode_enabled()
    assert inferred["gradients"] == plain["gradients"]


def test_rows_follow_the_forward_not_the_registration() -> None:
    class Backwards(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.head = nn.Linear(8, 2)  # registered first, called last
            self.body = nn.Linear(4, 8)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.head(torch.relu(self.body(x)))

    rec = lazyviz.compare_inits(Backwards(), torch.rand(3, 4), inits="default").to_dict()
    assert [p["path"] for p in rec["params"]] == ["head", "head", "body", "body"]
    rows = rec["gradients"]["default"]
    assert [(r["path"], r["param"]) for r in rows] == [
        ("body", "weight"),
        ("body", "bias"),
        ("head", "weight"),
        ("head", "bias"),
    ]


def test_parameters_without_gradient_get_null_rows() -> None:
    class Partial(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.used = nn.Linear(3, 4)
            self.frozen = nn.Linear(4, 4).requires_grad_(False)
            self.unused = nn.Linear(3, 5)  # known shape, never called

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return self.frozen(self.used(x))

    net = Partial()
    rec = lazyviz.compare_inits(net, torch.rand(2, 3), inits="default").to_dict()
    rows = {(r["path"], r["param"]): r for r in rec["gradients"]["default"]}
    assert len(rows) == len(rec["params"]) == 6
    assert rows[("used", "weight")]["std"] > 0 and "no_grad" not in rows[("used", "weight")]
    for key, why in [(("frozen", "weight"), "frozen"), (("unused", "bias"), "not reached")]:
        assert rows[key]["no_grad"] == why
        assert (rows[key]["mean"], rows[key]["std"], rows[key]["norm"]) == (None, None, None)
    assert [r["path"] for r in rec["gradients"]["default"]][-2:] == ["unused", "unused"]
    assert not net.frozen.weight.requires_grad  # the user's flag is theirs

    # an output that depends on nothing trainable: no backward, every row null
    const = lazyviz.compare_inits(nn.Sequential(nn.Linear(3, 2)).requires_grad_(False), X[:, :3])
    assert [r["no_grad"] for r in const.to_dict()["gradients"]["default"]] == ["frozen"] * 2
    assert const.to_dict()["losses"]["default"] is None


def test_a_failing_backward_is_recorded_not_raised() -> None:
    class InPlace(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lin = nn.Linear(3, 4)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            y = torch.sigmoid(self.lin(x))
            y.mul_(2)  # sigmoid's backward needs its output as it was
            return y

    rec = lazyviz.compare_inits(InPlace(), torch.rand(2, 3), inits=["default", "zeros"]).to_dict()
    assert set(rec["grad_errors"]) == {"default", "zeros"}
    assert "inplace" in rec["grad_errors"]["default"]
    assert all(r["no_grad"] == "failed" and r["std"] is None for r in rec["gradients"]["zeros"])
    assert rec["activations"]["default"]  # the rest of the record is whole
    assert "default n/a -> n/a" in repr(lazyviz.InitsWidget(rec))
