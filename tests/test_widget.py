"""The LazyViz widget's synced state (docs/widget-state.md), read and written from Python."""

from __future__ import annotations

import itertools
import json

import pytest
import torch
import traitlets
from torch import nn

import lazyviz
from lazyviz.models import mlp

X = torch.rand(2, 20)


def test_structure_only_widget_holds_one_run_with_no_events() -> None:
    w = lazyviz.LazyViz(mlp())
    assert len(w.runs) == 1
    assert (w.run, w.step, w.playing, w.selected) == (0, 0, False, "")
    record = w.to_dict()
    assert record["schema"] == "lazyviz.trace/1"
    assert record["events"] == []
    weight = next(p for p in record["nodes"][1]["params"] if p["name"] == "weight")
    assert weight["shape_before"] == [256, None]
    assert weight["shape"] is None


def test_widget_with_a_batch_holds_one_run_with_events() -> None:
    w = lazyviz.LazyViz(mlp(), X)
    assert len(w.runs) == 1 and w.run == 0 and w.step == 0 and not w.playing
    record = w.to_dict()
    assert record["inputs"] == [{"shape": [2, 20], "dtype": "float32"}]
    assert record["outputs"] == [{"shape": [2, 10], "dtype": "float32"}]
    assert record["error"] is None
    assert w.steps == len(record["events"]) > 0
    kinds = {e["kind"] for e in record["events"]}
    assert {"enter", "materialize", "exit"} <= kinds


def test_to_dict_is_the_trace_record_and_a_copy() -> None:
    net = mlp()
    w = lazyviz.LazyViz(net, X)
    assert w.to_dict() == lazyviz.trace(mlp(), X).to_dict()
    w.to_dict()["nodes"].clear()
    assert w.to_dict()["nodes"], "to_dict must not hand out the synced state itself"
    json.dumps(w.to_dict(), allow_nan=False)


def test_the_users_model_stays_lazy() -> None:
    net = mlp()
    w = lazyviz.LazyViz(net, X)
    w.feed(torch.rand(3, 20))
    assert isinstance(net[0].weight, nn.parameter.UninitializedParameter)


def test_inplace_materializes_the_users_model() -> None:
    net = mlp()
    lazyviz.LazyViz(net, X, inplace=True)
    assert net[0].weight.shape == (256, 20)


def test_feed_appends_a_run_and_shows_it_from_the_start() -> None:
    w = lazyviz.LazyViz(mlp(), X)
    w.step = w.steps
    w.playing = True
    assert w.feed(torch.rand(5, 20)) is w
    assert len(w.runs) == 2 and w.run == 1
    assert w.step == 0 and not w.playing
    assert w.to_dict()["inputs"][0]["shape"] == [5, 20]


def test_a_second_batch_sees_what_the_first_materialized() -> None:
    w = lazyviz.LazyViz(mlp(), X)
    w.feed(torch.rand(2, 20))
    materialized = [e for e in w.to_dict()["events"] if e["kind"] == "materialize"]
    assert materialized == []  # the copy is no longer lazy


def test_feed_with_a_changed_input_size_records_the_error_instead_of_raising() -> None:
    w = lazyviz.LazyViz(mlp(), X)
    w.feed(torch.rand(2, 30))
    error = w.to_dict()["error"]
    assert error is not None
    assert error["path"] == "0" and error["type"] == "RuntimeError"
    assert "2x30" in error["message"]
    assert w.to_dict()["events"][-1]["kind"] == "error"


def test_feed_after_a_structure_only_widget() -> None:
    w = lazyviz.LazyViz(mlp())
    assert w.history == [] and w.forwards == [0]
    w.feed(X)  # the first run replaces the structure-only record (its step 0 shows it)
    assert len(w.runs) == 1 and w.runs[0]["events"] and w.forwards == [1]
    assert [h["forwards"] for h in w.history] == [1]


def test_keyword_inputs_reach_the_model() -> None:
    class TwoInputs(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.a = nn.LazyLinear(4)
            self.b = nn.LazyLinear(4)

        def forward(self, x: torch.Tensor, context: torch.Tensor) -> torch.Tensor:
            return self.a(x) + self.b(context)

    w = lazyviz.LazyViz(TwoInputs(), torch.rand(2, 3), context=torch.rand(2, 5))
    assert [i["shape"] for i in w.to_dict()["inputs"]] == [[2, 3], [2, 5]]
    w.feed(x=torch.rand(1, 3), context=torch.rand(1, 5))
    assert w.to_dict()["error"] is None


def test_step_and_playing_are_settable_from_python() -> None:
    w = lazyviz.LazyViz(mlp(), X)
    w.step = 3
    w.playing = True
    w.speed = 2.5
    w.selected = "n1"
    assert (w.step, w.playing, w.speed, w.selected) == (3, True, 2.5, "n1")
    w.step = w.steps
    assert w.step == len(w.to_dict()["events"])


@pytest.mark.parametrize("bad", [-1, 10_000])
def test_step_outside_the_run_is_refused(bad: int) -> None:
    w = lazyviz.LazyViz(mlp(), X)
    with pytest.raises(traitlets.TraitError, match="step must be between 0"):
        w.step = bad


def test_structure_only_widget_has_no_steps() -> None:
    w = lazyviz.LazyViz(mlp())
    assert w.steps == 0
    with pytest.raises(traitlets.TraitError):
        w.step = 1


def test_run_must_index_runs_and_switching_keeps_step_valid() -> None:
    w = lazyviz.LazyViz(mlp(), X)
    w.feed(torch.rand(2, 30))  # fails early: few events
    w.run = 0
    w.step = w.steps
    w.run = 1
    assert w.step == w.steps == len(w.runs[1]["events"])
    with pytest.raises(traitlets.TraitError, match="run must be an index"):
        w.run = 2


def test_speed_must_be_positive() -> None:
    w = lazyviz.LazyViz(mlp())
    with pytest.raises(traitlets.TraitError):
        w.speed = 0


def test_the_synced_state_is_the_documented_traits() -> None:
    w = lazyviz.LazyViz(mlp(), X)
    state = w.get_state()
    for name in ("runs", "forwards", "run", "step", "playing", "speed", "selected"):
        assert name in state, name
    for name in ("histograms", "histogram_notes", "note", "height"):
        assert name in state, name
    assert state["histograms"] == {}, "histograms are computed when a node is selected"
    assert isinstance(state["height"], int) and state["height"] > 0


def test_the_front_end_is_the_loader_and_the_bundle_on_disk() -> None:
    from lazyviz.export.assets import STATIC, bundle

    # anywidget wraps a class's Path in a FileContents that remembers the file.
    assert getattr(lazyviz.LazyViz._esm, "_path", None) == STATIC / "loader.js"
    assert bundle("widget").code == (STATIC / "widget.js").read_text()
    assert bundle("widget").css == (STATIC / "widget.css").read_text()


def test_every_public_trait_has_a_docstring() -> None:
    import ast
    import inspect

    source = inspect.getsource(lazyviz.LazyViz)
    body = ast.parse(source).body[0].body  # type: ignore[attr-defined]
    documented = {
        stmt.targets[0].id
        for stmt, nxt in itertools.pairwise(body)
        if isinstance(stmt, ast.Assign)
        and isinstance(nxt, ast.Expr)
        and isinstance(nxt.value, ast.Constant)
        and isinstance(nxt.value.value, str)
    }
    public = set(lazyviz.LazyViz.class_trait_names(sync=True)) - set(
        lazyviz.LazyViz.__mro__[1].class_trait_names(sync=True)
    )
    assert public and public <= documented


def test_a_model_that_is_not_a_module_is_a_type_error() -> None:
    with pytest.raises(TypeError, match=r"torch\.nn\.Module"):
        lazyviz.LazyViz(lambda x: x)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match=r"torch\.nn\.Module"):
        lazyviz.LazyViz("mlp", X)  # type: ignore[arg-type]


def test_an_input_the_model_cannot_use_is_drawn_as_its_failure() -> None:
    w = lazyviz.LazyViz(mlp(), X)
    w.feed("not a batch")
    assert len(w.runs) == 2
    assert w.to_dict()["error"]["path"] == "0"


def test_a_widget_option_as_keyword_says_to_set_it_as_an_attribute() -> None:
    with pytest.raises(TypeError, match=r"w\.height = 600"):
        lazyviz.LazyViz(mlp(), X, height=600)
    with pytest.raises(TypeError, match=r"w\.speed = 2"):
        lazyviz.LazyViz(mlp(), X).feed(X, speed=2)


def test_a_model_input_that_shares_a_trait_name_is_still_an_input() -> None:
    class Steps(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.LazyLinear(2)

        def forward(self, step: torch.Tensor) -> torch.Tensor:
            return self.fc(step)

    w = lazyviz.LazyViz(Steps(), step=torch.rand(1, 3))
    assert w.step == 0
    assert w.to_dict()["inputs"][0]["shape"] == [1, 3]


def test_histograms_per_node_for_the_default_initializers() -> None:
    from lazyviz.inits.compare import DEFAULT_INITS

    model = mlp()
    w = lazyviz.LazyViz(model, torch.rand(2, 20))
    assert w.histograms == {}, "nothing is computed up front"
    rng = torch.get_rng_state()
    w.selected = "n1"
    assert set(w.histograms) == {"n1"}
    weight = w.histograms["n1"]["weight"]
    assert list(weight) == list(DEFAULT_INITS)
    assert sum(weight["default"]["counts"]) == 256 * 20
    assert weight["default"]["expected_std"] == pytest.approx((1 / 20) ** 0.5 / 3**0.5)
    assert sum(w.histograms["n1"]["bias"]["xavier_uniform"]["counts"]) == 256
    assert torch.equal(rng, torch.get_rng_state())
    assert isinstance(model[0].weight, nn.parameter.UninitializedParameter)
    first = w.histograms["n1"]
    w.selected = ""
    w.selected = "n1"
    assert w.histograms["n1"] is first, "cached: selecting again computes nothing"
    w.selected = "n2"  # ReLU: no parameters, nothing to say
    assert "n2" not in w.histograms and "n2" not in w.histogram_notes


def test_a_node_whose_shapes_are_unknown_says_so_instead_of_histograms() -> None:
    w = lazyviz.LazyViz(mlp())
    w.selected = "n1"
    assert w.histograms == {}
    assert "not known" in w.histogram_notes["n1"]


def test_the_text_a_renderer_without_javascript_shows_is_the_table() -> None:
    model = mlp()
    w = lazyviz.LazyViz(model, X)
    table = str(lazyviz.trace(model, X))
    assert repr(w) == table
    bundle, _ = w._repr_mimebundle_()
    assert bundle["text/plain"] == table and "object at 0x" not in bundle["text/plain"]
    w.feed(torch.rand(2, 30))
    assert "error in 0: RuntimeError" in repr(w) and repr(w).endswith("run 2 of 2")


def test_a_watched_widget_says_how_many_forwards_its_run_stands_for() -> None:
    net = mlp()
    w = lazyviz.watch(net)
    assert "?" in repr(w)  # the structure: (256, ?)
    for _ in range(5):
        net(X)
    assert repr(w).endswith("run 2 of 2 · x4 forwards with these shapes")
    w.detach()


def test_the_initializer_comparison_reads_as_a_summary() -> None:
    w = lazyviz.compare_inits(mlp(), X, inits=["default", "normal(std=0.01)"])
    text = w._repr_mimebundle_()[0]["text/plain"]
    assert text.startswith("lazyviz.InitsWidget Sequential: 4 parameters x 2 initializers")
    assert "0.weight (256, 20)" in text and "normal(std=0.01) 0.01" in text


def test_fold_depth_is_set_from_python() -> None:
    w = lazyviz.LazyViz(mlp(), X, depth=1)
    assert w.depth == 1 and w.get_state()["depth"] == 1
    assert lazyviz.LazyViz(mlp()).depth is None
    for bad in (-1, 1.5, "2", True):
        with pytest.raises(ValueError, match="depth must be"):
            lazyviz.LazyViz(mlp(), depth=bad)  # type: ignore[arg-type]
