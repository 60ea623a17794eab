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


def subclassed() -> object:
    """A subclassed Keras model: clone_model cannot re-create it (no get_config)."""

    class Net(keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.d = layers.Dense(4, name="d")

        def call(self, x: torch.Tensor) -> torch.Tensor:
            return self.d(x)

    return Net()


def test_subclassed_model_needs_inplace() -> None:
    net = subclassed()
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


def param(data: dict, path: str, name: str) -> dict:
    return next(p for p in data["params"] if p["path"] == path and p["param"] == name)


def test_compare_inits_on_keras_weights() -> None:
    model = mlp()
    w = lazyviz.compare_inits(model, torch.rand(8, 20), inits=["default", "xavier_uniform"])
    data = w.to_dict()
    assert data["schema"] == "lazyviz.inits/1" and data["inits"] == ["default", "xavier_uniform"]
    kernel = param(data, "dense", "kernel")
    assert kernel["shape"] == [20, 256]
    assert (kernel["fan_in"], kernel["fan_out"]) == (20, 256)
    for label in data["inits"]:
        assert sum(kernel["per_init"][label]["counts"]) == 20 * 256
    bound = (6 / (20 + 256)) ** 0.5  # Keras' default for Dense: glorot_uniform
    assert kernel["per_init"]["default"]["expected_std"] == pytest.approx(bound / 3**0.5)
    assert abs(kernel["per_init"]["default"]["std"] - bound / 3**0.5) < 0.005
    assert kernel["per_init"]["default"]["theory"]["x"][1] == pytest.approx(-bound, rel=1e-6)
    bias = param(data, "dense", "bias")
    assert (bias["fan_in"], bias["fan_out"]) == (None, None)
    assert bias["per_init"]["xavier_uniform"]["theory"] == {"point": 0.0}
    assert bias["per_init"]["default"]["theory"] == {"point": 0.0}  # Keras' zeros
    assert [r["path"] for r in data["activations"]["default"]] == ["dense", "dense_1"]
    assert data["loss"] == "sum of outputs" and set(data["losses"]) == set(data["inits"])
    grads = data["gradients"]["xavier_uniform"]
    assert [(g["path"], g["param"]) for g in grads][:2] == [("dense", "kernel"), ("dense", "bias")]
    assert all(g["norm"] is not None and g["norm"] > 0 for g in grads)
    assert not model.built
    assert "dense.kernel (20, 256)" in repr(w)


def test_compare_inits_node_ids_and_paths_are_those_of_the_trace() -> None:
    inner = keras.Sequential(
        [layers.Dense(8, name="dense"), layers.Dense(4, name="dense_1")], name="block"
    )
    x = keras.Input((16,))
    model = keras.Model(x, inner(layers.Dense(16, name="stem")(x)))
    X = torch.rand(2, 16)
    data = lazyviz.compare_inits(model, X, inits="default", grads=False).to_dict()
    record = lazyviz.trace(model, X).to_dict()
    ids = {n["path"]: n["id"] for n in record["nodes"]}
    got = [(p["node"], p["path"], p["param"]) for p in data["params"]]
    assert got == [
        (ids["stem"], "stem", "kernel"),
        (ids["stem"], "stem", "bias"),
        (ids["block/dense"], "block/dense", "kernel"),
        (ids["block/dense"], "block/dense", "bias"),
        (ids["block/dense_1"], "block/dense_1", "kernel"),
        (ids["block/dense_1"], "block/dense_1", "bias"),
    ]
    assert [r["path"] for r in data["activations"]["default"]] == [
        "stem",
        "block/dense",
        "block/dense_1",
    ]


def test_registry_inits_use_keras_fans_for_dense_and_conv_kernels() -> None:
    # Keras kernels are (in, out) and (kh, kw, in, out); torch's fan rule on them would
    # swap fan_in and fan_out (Dense) or mix kernel and channel sizes (Conv).
    model = keras.Sequential(
        [
            layers.Conv2D(6, 5, name="conv"),
            layers.Flatten(name="flatten"),
            layers.Dense(64, name="dense"),
        ]
    )
    inits = ["kaiming_normal", "kaiming_uniform(mode='fan_out')", "xavier_normal", "orthogonal"]
    data = lazyviz.compare_inits(model, torch.rand(4, 12, 12, 3), inits=inits).to_dict()
    conv, dense = param(data, "conv", "kernel"), param(data, "dense", "kernel")
    assert conv["shape"] == [5, 5, 3, 6] and (conv["fan_in"], conv["fan_out"]) == (75, 150)
    assert dense["shape"] == [8 * 8 * 6, 64] and (dense["fan_in"], dense["fan_out"]) == (384, 64)
    for p in (conv, dense):
        fan_in, fan_out = p["fan_in"], p["fan_out"]
        expected = {
            "kaiming_normal": (2 / fan_in) ** 0.5,
            "kaiming_uniform(mode='fan_out')": (2 / fan_out) ** 0.5,
            "xavier_normal": (2 / (fan_in + fan_out)) ** 0.5,
        }
        for label, std in expected.items():
            hist = p["per_init"][label]
            assert hist["expected_std"] == pytest.approx(std)
            assert hist["std"] == pytest.approx(std, rel=0.1), (p["path"], label)
    # Orthogonal in Keras' layout: the output columns of the (in, out) kernel are orthonormal.
    model_copy = keras.Sequential([layers.Dense(16, name="d")])
    data = lazyviz.compare_inits(model_copy, torch.rand(2, 64), inits="orthogonal").to_dict()
    assert param(data, "d", "kernel")["per_init"]["orthogonal"]["expected_std"] == pytest.approx(
        1 / 64**0.5
    )


def test_default_is_each_layers_configured_keras_initializer() -> None:
    model = keras.Sequential(
        [
            layers.Dense(32, kernel_initializer="he_normal", bias_initializer="ones", name="a"),
            layers.Dense(
                8, kernel_initializer=keras.initializers.RandomNormal(stddev=0.3), name="b"
            ),
            layers.BatchNormalization(name="bn"),
            layers.Embedding(50, 4, name="emb"),
        ]
    )
    data = lazyviz.compare_inits(model, torch.rand(16, 10), inits="default").to_dict()
    he = param(data, "a", "kernel")["per_init"]["default"]
    assert he["expected_std"] == pytest.approx((2 / 10) ** 0.5)  # truncated, std kept
    assert he["std"] == pytest.approx((2 / 10) ** 0.5, rel=0.15)
    cut = 2 * (2 / 10) ** 0.5 / 0.87962566103423978  # Keras cuts at two (pre-cut) stds
    assert -cut <= he["edges"][0] and he["edges"][-1] <= cut
    assert param(data, "a", "bias")["per_init"]["default"]["theory"] == {"point": 1.0}
    normal = param(data, "b", "kernel")["per_init"]["default"]
    assert normal["expected_std"] == pytest.approx(0.3)
    assert param(data, "bn", "gamma")["per_init"]["default"]["theory"] == {"point": 1.0}
    assert param(data, "bn", "beta")["per_init"]["default"]["theory"] == {"point": 0.0}
    emb = param(data, "emb", "embeddings")["per_init"]["default"]  # Keras: U(-0.05, 0.05)
    assert emb["expected_std"] == pytest.approx(0.1 / 12**0.5)
    assert emb["edges"][0] >= -0.05 and emb["edges"][-1] <= 0.05


def test_callables_and_initializers_fill_the_kernel_in_torch_layout() -> None:
    seen: list[tuple[str, tuple[int, ...]]] = []

    def ones_then_scaled(t: torch.Tensor) -> None:
        seen.append(("fn", tuple(t.shape)))
        t.copy_(torch.arange(t.numel(), dtype=t.dtype).reshape(t.shape))

    class MyInit(lazyviz.Initializer):
        def init_weight(self, name: str, tensor: torch.Tensor) -> None:
            seen.append((name, tuple(tensor.shape)))
            tensor.uniform_(5, 10)

        def init_bias(self, name: str, tensor: torch.Tensor) -> None:
            seen.append((name, tuple(tensor.shape)))
            tensor.fill_(2)

    model = keras.Sequential([layers.Dense(3, name="dense")])
    data = lazyviz.compare_inits(
        model, torch.rand(2, 4), inits={"arange": ones_then_scaled, "mine": MyInit()}
    ).to_dict()
    assert seen == [("fn", (3, 4)), ("dense.kernel", (3, 4)), ("dense.bias", (3,))]
    kernel = param(data, "dense", "kernel")["per_init"]
    assert kernel["arange"]["expected_std"] is None and kernel["mine"]["expected_std"] is None
    assert kernel["mine"]["edges"][0] >= 5 and kernel["mine"]["edges"][-1] <= 10
    bias = param(data, "dense", "bias")["per_init"]
    assert bias["arange"]["theory"] == {"point": 0.0} and bias["mine"]["mean"] == 2.0


def test_torch_layout_round_trip_keeps_each_weight_in_its_place() -> None:
    from lazyviz.keras.inits import draw_in_torch_layout, torch_layout

    kernel = torch.arange(2 * 3 * 4 * 5.0).reshape(2, 3, 4, 5)  # (kh, kw, in, out)
    assert torch_layout(kernel.shape) == [5, 4, 2, 3]
    seen = []
    same = draw_in_torch_layout(kernel, lambda t: seen.append(t.clone()))
    assert torch.equal(same, kernel)
    assert torch.equal(seen[0][1, 2], kernel[:, :, 2, 1])  # [out, in] is a (kh, kw) filter

    def out_index(t: torch.Tensor) -> None:
        t.copy_(torch.arange(5.0).reshape(5, 1, 1, 1).expand_as(t))

    filled = draw_in_torch_layout(kernel, out_index)
    assert torch.equal(filled[0, 0, 0], torch.arange(5.0))


def test_compare_inits_seeded_and_keeps_the_users_model() -> None:
    import random

    built = mlp()
    built(torch.rand(2, 20))
    weights = [w.copy() for w in built.get_weights()]
    X = torch.rand(8, 20)
    for model in (mlp(), built):
        state, py_state = torch.get_rng_state(), random.getstate()
        one = lazyviz.compare_inits(model, X, inits=["default", "kaiming_normal"]).to_dict()
        two = lazyviz.compare_inits(model, X, inits=["kaiming_normal"]).to_dict()
        assert torch.equal(torch.get_rng_state(), state) and random.getstate() == py_state
        k1, k2 = param(one, "dense", "kernel"), param(two, "dense", "kernel")
        assert k1["per_init"]["kaiming_normal"] == k2["per_init"]["kaiming_normal"]
    assert not mlp().built
    assert all((a == b).all() for a, b in zip(weights, built.get_weights(), strict=True))
    assert keras.layers.Layer.__call__.__module__.startswith("keras")


def test_compare_inits_loss_fn_and_a_failing_batch() -> None:
    model = mlp()
    target = torch.rand(8, 10)
    data = lazyviz.compare_inits(
        model,
        torch.rand(8, 20),
        inits="default",
        loss_fn=keras.losses.MeanSquaredError(),
        target=target,
    ).to_dict()
    assert data["loss"] == "MeanSquaredError" and data["losses"]["default"] > 0
    model(torch.rand(2, 20))
    with pytest.raises(ValueError, match="dense"):
        lazyviz.compare_inits(model, torch.rand(2, 7))


def test_compare_inits_on_a_subclassed_model_says_it_cannot_copy_it() -> None:
    with pytest.raises(TypeError, match="compare_inits fills such a copy"):
        lazyviz.compare_inits(subclassed(), torch.rand(2, 3))


def test_widget_histograms_of_a_keras_layer() -> None:
    inner = keras.Sequential([layers.Dense(8, name="dense")], name="block")
    x = keras.Input((16,))
    model = keras.Model(x, inner(layers.Dense(16, name="stem")(x)))
    weights = [v.copy() for v in model.get_weights()]  # a functional model is built
    w = lazyviz.LazyViz(model, torch.rand(2, 16))
    node_id = node(w.to_dict(), "block/dense")["id"]
    w.selected = node_id
    assert node_id not in w.histogram_notes
    hists = w.histograms[node_id]
    assert set(hists) == {"kernel", "bias"}
    from lazyviz.inits.compare import DEFAULT_INITS

    assert list(hists["kernel"]) == list(DEFAULT_INITS)
    kaiming = hists["kernel"]["kaiming_normal"]
    assert sum(kaiming["counts"]) == 16 * 8
    assert kaiming["expected_std"] == pytest.approx((2 / 16) ** 0.5)  # fan_in 16, Keras' in
    default = hists["kernel"]["default"]
    assert default["expected_std"] == pytest.approx((2 / (16 + 8)) ** 0.5)  # glorot_uniform
    assert hists["bias"]["default"]["theory"] == {"point": 0.0}
    assert all((a == b).all() for a, b in zip(weights, model.get_weights(), strict=True))


def test_watched_widget_histograms_leave_the_users_weights_alone() -> None:
    model = mlp()
    w = lazyviz.watch(model)
    model(torch.rand(2, 20))
    weights = [v.copy() for v in model.get_weights()]
    state = torch.get_rng_state()
    w.selected = "n1"
    assert set(w.histograms["n1"]) == {"kernel", "bias"}
    assert all((a == b).all() for a, b in zip(weights, model.get_weights(), strict=True))
    assert torch.equal(torch.get_rng_state(), state)
    w.detach()


class CountingRecorder:
    """Stands in for KerasRecorder in lazyviz.keras.watch and counts recorded forwards."""

    made = 0

    def __new__(cls, *args: object, **kwargs: object) -> object:
        from lazyviz.keras.recorder import KerasRecorder

        CountingRecorder.made += 1
        return KerasRecorder(*args, **kwargs)  # type: ignore[arg-type]


def test_watch_counts_a_repeated_forward_without_recording_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import lazyviz.keras.watch as keras_watch

    monkeypatch.setattr(keras_watch, "KerasRecorder", CountingRecorder)
    CountingRecorder.made = 0
    model = mlp()
    w = lazyviz.watch(model)
    X = torch.rand(4, 20)
    model(X)  # builds: recorded
    model(X)  # clean record, same signature, nothing unbuilt: recorded once more, then steady
    assert CountingRecorder.made == 2
    for _ in range(5):
        model(torch.rand(4, 20))
    assert CountingRecorder.made == 2  # only counted
    w._flush_counts()
    assert [h["forwards"] for h in w.history] == [1, 6]
    model(torch.rand(3, 20))  # another batch size: recorded
    assert CountingRecorder.made == 3
    model(torch.rand(3, 20), training=True)  # a flag changes the signature: recorded
    assert CountingRecorder.made == 4
    w.detach()


def test_a_counted_forward_that_fails_is_recorded_on_its_layer() -> None:
    class Guard(layers.Layer):
        def call(self, x: torch.Tensor) -> torch.Tensor:
            if float(x.detach().max()) > 10:
                raise ValueError("values above 10")
            return x

    model = keras.Sequential([layers.Dense(4, name="dense"), Guard(name="guard")])
    w = lazyviz.watch(model)
    for _ in range(3):
        model(torch.zeros(2, 3))
    assert w.to_dict()["error"] is None
    with pytest.raises(ValueError, match="above 10"):
        model(torch.full((2, 3), 100.0))
    record = w.to_dict()
    assert record["error"]["path"] == "guard" and record["error"]["type"] == "ValueError"
    assert "values above 10" in node(record, "guard")["error"]["message"]
    model(torch.zeros(2, 3))  # recorded again after the failure
    assert w.to_dict()["error"] is None
    w.detach()


def test_import_lazyviz_does_not_import_keras() -> None:
    code = "import sys, lazyviz; assert 'keras' not in sys.modules, 'keras imported'"
    subprocess.run([sys.executable, "-c", code], check=True)
