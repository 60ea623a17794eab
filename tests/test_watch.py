"""lazyviz.watch: the widget follows the user's own model as they run it."""

from __future__ import annotations

import gc
import weakref

import pytest
import torch
from fixture_models import mlp
from torch import nn
from torch.nn.modules import module as module_hooks

import lazyviz

GLOBAL_HOOKS = ("_global_forward_hooks", "_global_forward_pre_hooks")


def hook_counts() -> list[int]:
    return [len(getattr(module_hooks, name)) for name in GLOBAL_HOOKS]


def test_a_forward_in_the_users_cell_appears_in_the_widget() -> None:
    net = mlp()
    w = lazyviz.watch(net)
    assert len(w.runs) == 1 and w.runs[0]["events"] == []
    assert w.runs[0]["nodes"][1]["params"][0]["shape_before"] == [256, None]
    assert w.history == []
    y = net(torch.rand(2, 20))  # the user's own call, no lazyviz in between
    assert y.shape == (2, 10)
    # the structure-only record gives way to the first run
    assert len(w.runs) == 1 and w.run == 0 and w.step == 0 and w.playing
    kinds = [e["kind"] for e in w.to_dict()["events"]]
    assert kinds.count("materialize") == 4
    assert net[0].weight.shape == (256, 20)  # the model really ran
    net(torch.rand(2, 20))
    assert len(w.runs) == 2
    assert not any(e["kind"] == "materialize" for e in w.to_dict()["events"])
    assert [h["forwards"] for h in w.history] == [1, 1]
    w.detach()


def test_outputs_are_exactly_those_without_lazyviz() -> None:
    net, twin = mlp(), mlp()
    torch.manual_seed(3)
    expected = twin(torch.ones(2, 20))
    w = lazyviz.watch(net)
    torch.manual_seed(3)
    got = net(torch.ones(2, 20))
    assert torch.equal(got, expected)
    assert got.requires_grad  # grad mode is the user's, not lazyviz's
    w.detach()


def test_exceptions_propagate_unchanged_and_are_drawn_on_their_node() -> None:
    net = mlp()
    net(torch.rand(2, 20))
    try:
        net(torch.rand(2, 7))
    except RuntimeError as exc:
        expected = (type(exc), str(exc))
    w = lazyviz.watch(net)
    with pytest.raises(RuntimeError) as info:
        net(torch.rand(2, 7))
    assert (type(info.value), str(info.value)) == expected
    record = w.to_dict()
    assert record["error"] == {
        "node": "n1",
        "path": "0",
        "type": "RuntimeError",
        "message": expected[1],
        # sized before it was watched: lazyviz cannot know it was lazy, so the eager fix
        "hint": "Layer 0 expects 20 input features but got 7: use nn.Linear(7, 256), "
        "or nn.LazyLinear(256), which takes the size from the data.",
    }
    assert not torch.overrides._get_current_function_mode_stack()
    w.detach()


def test_detach_leaves_no_hooks_and_repeating_is_harmless() -> None:
    before = hook_counts()
    net = mlp()
    net(torch.rand(2, 20))  # materialized first: its lazy layers drop their own pre-hooks
    pre_hooks = [dict(m._forward_pre_hooks) for m in net.modules()]
    post_hooks = [dict(m._forward_hooks) for m in net.modules()]
    w = lazyviz.watch(net)
    assert lazyviz.watch(net) is w  # watching twice: the same widget
    assert hook_counts() == before, "watching adds no process-wide forward hook"
    net(torch.rand(2, 20))
    assert hook_counts() == before, "nor leaves one after a recorded forward"
    w.detach()
    w.detach()
    assert hook_counts() == before
    assert [dict(m._forward_pre_hooks) for m in net.modules()] == pre_hooks
    assert [dict(m._forward_hooks) for m in net.modules()] == post_hooks
    assert not net._forward_hooks_with_kwargs and not net._forward_hooks_always_called
    net(torch.rand(2, 20))
    assert len(w.runs) == 1  # no longer watching: the forward above only
    assert lazyviz.watch(net) is not w  # a detached widget is not handed out again
    lazyviz.watch(net).detach()


def test_the_model_is_collectable_after_del() -> None:
    before = hook_counts()
    net = mlp()
    w = lazyviz.watch(net)
    net(torch.rand(2, 20))
    ref = weakref.ref(net)
    del net
    gc.collect()
    assert ref() is None
    assert not w.attached and hook_counts() == before
    assert len(w.runs) == 1 and w.history[0]["forwards"] == 1  # what was seen stays shown


def test_only_the_watched_model_is_recorded() -> None:
    net, other = mlp(), nn.Sequential(nn.Linear(3, 3))
    w = lazyviz.watch(net)
    other(torch.rand(1, 3))
    net[0](torch.rand(2, 20))  # a submodule alone is not a forward of the model
    assert len(w.runs) == 1
    w.detach()


def test_feed_runs_the_watched_model_and_shows_its_error() -> None:
    net = mlp()
    w = lazyviz.watch(net)
    w.feed(torch.rand(2, 20))
    assert net[0].weight.shape == (256, 20)
    w.feed(torch.rand(2, 5))
    assert w.to_dict()["error"]["path"] == "0"
    w.detach()
    with pytest.raises(RuntimeError, match="no longer watches"):
        w.feed(torch.rand(2, 20))


def test_watch_rejects_what_is_not_a_module() -> None:
    with pytest.raises(TypeError, match=r"torch\.nn\.Module"):
        lazyviz.watch("net")  # type: ignore[arg-type]


def test_keyword_inputs_of_a_watched_forward_are_input_nodes() -> None:
    class Kw(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.LazyLinear(3)

        def forward(self, x: torch.Tensor, *, scale: torch.Tensor, note: str = "") -> torch.Tensor:
            return self.fc(x) * scale

    net = Kw()
    w = lazyviz.watch(net)
    net(torch.rand(2, 4), scale=torch.rand(3), note="not a tensor")
    record = w.to_dict()
    assert [i["shape"] for i in record["inputs"]] == [[2, 4], [3]]
    paths = {n["id"]: n["path"] for n in record["nodes"]}
    edges = {(paths[e["src"]], paths[e["dst"]]) for e in record["edges"]}
    assert ("in1", "/mul#0") in edges
    w.detach()
