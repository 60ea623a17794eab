"""Keras 3 models (torch backend) give the same ``lazyviz.trace/1`` record as torch ones."""

from __future__ import annotations

import os
import subprocess
import sys

os.environ["KERAS_BACKEND"] = "torch"  # also set by conftest.py; keras reads it at import

import pytest
import torch

import lazyviz

keras = pytest.importorskip("keras")
layers = keras.layers


def mlp() -> object:
    # Keras numbers default layer names per process (dense, dense_1, dense_2...): name them.
    return keras.Sequential(
        [layers.Dense(256, activation="relu", name="dense"), layers.Dense(10, name="dense_1")]
    )


def events(record: dict, kind: str) -> list[dict]:
    return [e for e in record["events"] if e["kind"] == kind]


def node(record: dict, path: str) -> dict:
    return next(n for n in record["nodes"] if n["path"] == path)


def test_unbuilt_sequential_structure_has_config_shapes() -> None:
    model = mlp()
    record = lazyviz.trace(model).to_dict()
    dense = node(record, "dense")
    assert dense["type"] == "Dense" and dense["parent"] == "" and dense["lazy"]
    assert [(p["name"], p["shape_before"], p["shape"]) for p in dense["params"]] == [
        ("kernel", [None, 256], None),
        ("bias", [256], None),
    ]
    assert node(record, "")["type"] == "Sequential"
    assert {"src": "n1", "dst": "n2"} in record["edges"]
    assert record["events"] == []
    assert not model.built


def test_trace_materializes_a_private_copy_only() -> None:
    model = mlp()
    X = torch.rand(2, 20)
    state = torch.get_rng_state()
    record = lazyviz.trace(model, X).to_dict()
    assert record["error"] is None
    mats = [(e["node"], e["param"], e["shape"]) for e in events(record, "materialize")]
    assert mats == [
        ("n1", "kernel", [20, 256]),
        ("n1", "bias", [256]),
        ("n2", "kernel", [256, 10]),
        ("n2", "bias", [10]),
    ]
    kinds = [(e["kind"], e["node"]) for e in record["events"]]
    assert kinds[:3] == [("enter", "n0"), ("enter", "n1"), ("materialize", "n1")]
    assert kinds[-1] == ("exit", "n0")
    assert [n["type"] for n in record["nodes"] if n["kind"] == "module"] == [
        "Sequential",
        "Dense",
        "Dense",
    ]
    dense = node(record, "dense")
    assert dense["params"][0]["shape"] == [20, 256] and dense["params"][0]["numel"] == 5120
    assert dense["input_shapes"] == [[2, 20]] and dense["output_shapes"] == [[2, 256]]
    assert record["outputs"] == [{"shape": [2, 10], "dtype": "float32"}]
    edges = [(e["src"], e["dst"]) for e in record["edges"]]
    assert edges == [("in0", "n1"), ("n1", "n2"), ("n2", "out0")]
    assert model.built is False and model.weights == []  # the user's model is untouched
    assert torch.equal(torch.get_rng_state(), state)


def test_inplace_builds_the_users_model() -> None:
    model = mlp()
    t = lazyviz.trace(model, torch.rand(2, 20), inplace=True)
    assert t.error is None
    assert model.built and tuple(model.layers[0].kernel.shape) == (20, 256)


def test_built_model_is_copied_with_its_weights() -> None:
    model = mlp()
    model(torch.rand(2, 20))
    before = [w.copy() for w in model.get_weights()]
    record = lazyviz.trace(model, torch.rand(3, 20)).to_dict()
    assert record["error"] is None and events(record, "materialize") == []
    assert all((a == b).all() for a, b in zip(before, model.get_weights(), strict=True))


def test_functional_residual_add_has_two_incoming_edges() -> None:
    x = keras.Input((16,))
    h = layers.Dense(16, name="d1")(x)
    h2 = layers.Dense(16, name="d2")(h)
    y = layers.Dense(3, name="head")(layers.Add(name="add")([h, h2]))
    model = keras.Model(x, y)
    for record in (
        lazyviz.trace(model).to_dict(),
        lazyviz.trace(model, torch.rand(4, 16)).to_dict(),
    ):
        add = node(record, "add")["id"]
        into_add = sorted(e["src"] for e in record["edges"] if e["dst"] == add)
        assert into_add == sorted([node(record, "d1")["id"], node(record, "d2")["id"]])
        assert not any(n["type"] == "InputLayer" for n in record["nodes"])


def test_conv_batchnorm_flatten_dense() -> None:
    model = keras.Sequential(
        [
            layers.Conv2D(filters=6, kernel_size=5, name="conv2d"),
            layers.BatchNormalization(name="batch_normalization"),
            layers.Flatten(name="flatten"),
            layers.Dense(10, name="dense"),
        ]
    )
    before = lazyviz.trace(model).to_dict()
    conv, bn = node(before, "conv2d"), node(before, "batch_normalization")
    assert [p["shape_before"] for p in conv["params"]] == [[5, 5, None, 6], [6]]
    assert [(p["name"], p["shape_before"]) for p in bn["params"]] == [
        ("gamma", [None]),
        ("beta", [None]),
    ]
    record = lazyviz.trace(model, torch.rand(2, 28, 28, 1)).to_dict()
    assert record["error"] is None
    mats = {(e["param"], tuple(e["shape"])) for e in events(record, "materialize")}
    assert ("kernel", (5, 5, 1, 6)) in mats and ("gamma", (6,)) in mats
    assert ("kernel", (24 * 24 * 6, 10)) in mats
    assert not any(p == "moving_mean" for p, _ in mats)  # moving statistics are not params
    assert node(record, "flatten")["params"] == []
    assert not model.built


def test_nested_sequential_layers_have_the_container_as_parent() -> None:
    inner = keras.Sequential(
        [layers.Dense(8, name="dense"), layers.Dense(4, name="dense_1")], name="block"
    )
    x = keras.Input((16,))
    model = keras.Model(x, inner(layers.Dense(16, name="stem")(x)))
    record = lazyviz.trace(model, torch.rand(2, 16)).to_dict()
    assert record["error"] is None
    block = node(record, "block")
    assert block["type"] == "Sequential" and block["parent"] == ""
    assert node(record, "block/dense")["parent"] == "block"
    assert node(record, "block/dense_1")["parent"] == "block"
    stem, first = node(record, "stem")["id"], node(record, "block/dense")["id"]
    assert {"src": stem, "dst": first} in record["edges"]


def test_a_failing_batch_is_recorded_on_the_layer_that_raised() -> None:
    model = mlp()
    model(torch.rand(2, 20))
    t = lazyviz.trace(model, torch.rand(2, 30))  # never raises
    assert t.error is not None
    assert t.error["path"] == "dense" and t.error["type"] == "ValueError"
    assert "20" in t.error["message"] and t.error["hint"] is None
    record = t.to_dict()
    assert record["events"][-1]["kind"] == "error"
    assert node(record, "dense")["error"]["type"] == "ValueError"


def test_subclassed_model_needs_inplace() -> None:
    class Net(keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.d = layers.Dense(4, name="d")

        def call(self, x: torch.Tensor) -> torch.Tensor:
            return self.d(x)

    net = Net()
    with pytest.raises(TypeError, match="inplace=True"):
        lazyviz.trace(net, torch.rand(2, 3))
    record = lazyviz.trace(net, torch.rand(2, 3), inplace=True).to_dict()
    assert [(e["node"], e["param"]) for e in events(record, "materialize")] == [
        ("n1", "kernel"),
        ("n1", "bias"),
    ]
    assert node(record, "d")["parent"] == ""


def test_lazyviz_widget_shows_the_trace() -> None:
    model = mlp()
    X = torch.rand(2, 20)
    w = lazyviz.LazyViz(model, X)
    assert w.to_dict() == lazyviz.trace(model, X).to_dict()
    assert not model.built
    w.feed(torch.rand(2, 30))
    assert w.to_dict()["error"]["path"] == "dense"
    assert "Dense" in repr(w)


def test_watch_records_the_first_forward_and_counts_repeats() -> None:
    model = mlp()
    w = lazyviz.watch(model)
    assert w.runs[0]["events"] == []
    assert node(w.runs[0], "dense")["params"][0]["shape_before"] == [None, 256]
    y = model(torch.rand(2, 20))
    assert tuple(y.shape) == (2, 10) and model.built
    assert len(events(w.to_dict(), "materialize")) == 4
    for _ in range(3):
        model(torch.rand(2, 20))
    w._flush_counts()
    assert [h["forwards"] for h in w.history] == [1, 3]
    with pytest.raises(ValueError):
        model(torch.rand(2, 7))  # the user's forward fails exactly as without lazyviz
    assert w.to_dict()["error"]["path"] == "dense"
    w.detach()
    model(torch.rand(2, 20))
    assert len(w.history) == 3  # detached: no more records
    assert keras.layers.Layer.__call__.__module__.startswith("keras")  # wrapper removed


def test_compare_inits_says_keras_is_not_supported_yet() -> None:
    model = mlp()
    with pytest.raises(NotImplementedError, match="Keras"):
        lazyviz.compare_inits(model, torch.rand(8, 20))
    assert not model.built


@pytest.mark.xfail(raises=NotImplementedError, strict=True, reason="compare_inits: Keras to do")
def test_compare_inits_on_keras_weights() -> None:
    model = mlp()
    w = lazyviz.compare_inits(model, torch.rand(8, 20), inits=["default", "xavier_uniform"])
    data = w.to_dict()
    assert data["schema"] == "lazyviz.inits/1" and data["inits"] == ["default", "xavier_uniform"]
    kernel = next(p for p in data["params"] if p["path"] == "dense" and p["param"] == "kernel")
    assert kernel["shape"] == [20, 256]
    assert (kernel["fan_in"], kernel["fan_out"]) == (20, 256)
    for label in data["inits"]:
        assert sum(kernel["per_init"][label]["counts"]) == 20 * 256
    bound = (6 / (20 + 256)) ** 0.5  # Keras' default for Dense: glorot_uniform
    assert kernel["per_init"]["default"]["expected_std"] == pytest.approx(bound / 3**0.5)
    assert abs(kernel["per_init"]["default"]["std"] - bound / 3**0.5) < 0.005
    bias = next(p for p in data["params"] if p["path"] == "dense" and p["param"] == "bias")
    assert bias["per_init"]["xavier_uniform"]["theory"] == {"point": 0.0}
    assert [r["path"] for r in data["activations"]["default"]] == ["dense", "dense_1"]
    assert not model.built


def test_import_lazyviz_does_not_import_keras() -> None:
    code = "import sys, lazyviz; assert 'keras' not in sys.modules, 'keras imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
