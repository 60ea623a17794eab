"""Watching real work: long training loops, interrupts, failures and compiled models."""

from __future__ import annotations

import json
import warnings
from typing import Any

import pytest
import torch
from fixture_models import mlp
from torch import nn
from torch.nn.modules import module as module_hooks

import lazyviz


class Comm:
    """Listens to what the widget sends to the front end (state updates and messages)."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []

    def send(self, msg: dict[str, Any], buffers: Any = None) -> None:
        self.messages.append(msg)

    @property
    def bytes(self) -> int:
        return sum(len(json.dumps(m)) for m in self.messages)

    def custom(self) -> list[dict[str, Any]]:
        return [m["content"] for m in self.messages if m.get("method") == "custom"]


def listened(widget: Any) -> Comm:
    comm = Comm()
    widget._send = comm.send  # ipywidgets sends every message through _send
    return comm


def train(net: nn.Module, steps: int, seed: int = 0) -> list[float]:
    torch.manual_seed(seed)
    net(torch.rand(64, 20))  # materialize before the optimizer sees the parameters
    opt = torch.optim.SGD(net.parameters(), lr=0.05)
    losses = []
    for _ in range(steps):
        loss = net(torch.rand(64, 20)).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses


def test_a_long_watched_loop_keeps_a_bounded_history_and_trains_like_its_twin() -> None:
    net, twin = mlp(), mlp()
    w = lazyviz.watch(net)
    comm = listened(w)
    train(net, 20)
    state_20 = len(json.dumps(w.get_state()))
    sent_20 = comm.bytes
    assert len(comm.custom()) == 2  # the materializing run, then the plain one: once each
    train(net, 2000)
    w._after_cell()  # a notebook cell ended: the last count goes out
    train(twin, 20)
    train(twin, 2000)
    for a, b in zip(net.parameters(), twin.parameters(), strict=True):
        assert torch.equal(a, b), "watching changed the training"
    assert [h["forwards"] for h in w.history] == [1, 2021]
    assert w.forwards == [1, 2021], "the synced count caught up when the cell ended"
    assert len(comm.custom()) == 2, "no run was sent again"
    assert len(json.dumps(w.get_state())) <= state_20 + 10, "the state does not grow"
    assert comm.bytes - sent_20 < 20_000, "only throttled counts went out"
    w.detach()


def test_a_repeated_forward_does_no_per_module_work() -> None:
    seen: list[int] = []

    class Probe(nn.Module):
        def forward(self, x: torch.Tensor) -> torch.Tensor:
            seen.append(len(module_hooks._global_forward_pre_hooks))
            return x

    net = nn.Sequential(nn.LazyLinear(8), Probe(), nn.ReLU())
    w = lazyviz.watch(net)
    for _ in range(4):
        net(torch.rand(2, 3))
    assert seen == [1, 1, 0, 0], "recorded twice (materializing, then plain), then only counted"
    net(torch.rand(5, 3))
    assert seen[-1] == 1, "new shapes are recorded"
    net.extra = nn.Linear(8, 8)  # the model grew: record again even with the same shapes
    net(torch.rand(5, 3))
    assert seen[-1] == 1
    assert [h["forwards"] for h in w.history] == [1, 3, 1, 1]
    w.detach()


def test_max_runs_keeps_the_first_run_and_the_newest() -> None:
    net = mlp()
    w = lazyviz.watch(net, max_runs=3)
    comm = listened(w)
    for batch in range(1, 7):
        net(torch.rand(batch, 20))
    assert len(w.history) == 3
    first, *rest = w.history
    assert any(e["kind"] == "materialize" for e in first["trace"]["events"])
    assert [h["trace"]["inputs"][0]["shape"][0] for h in rest] == [5, 6]
    drops = [m["drop"] for m in comm.custom()]
    assert drops == [0, None, None, 1, 1, 1], "structure record first, then the oldest non-first"
    with pytest.raises(ValueError, match="max_runs"):
        lazyviz.watch(mlp(), max_runs=0)
    w.detach()


class Interrupt(nn.Module):
    """Raises KeyboardInterrupt once when armed, as Ctrl-C would inside this layer."""

    def __init__(self) -> None:
        super().__init__()
        self.armed = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt
        return x


class InterruptBetween(nn.Module):
    """Raises KeyboardInterrupt between two layers, where the op mode is on."""

    def __init__(self) -> None:
        super().__init__()
        self.fc = nn.LazyLinear(8)
        self.act = nn.ReLU()
        self.armed = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.fc(x) + 1
        if self.armed:
            self.armed = False
            raise KeyboardInterrupt
        return self.act(x)


@pytest.mark.parametrize("where", ["in a layer", "between layers"])
@pytest.mark.parametrize("steady", [False, True])
def test_ctrl_c_leaves_nothing_behind(where: str, steady: bool) -> None:
    net: nn.Module
    if where == "in a layer":
        stop = Interrupt()
        net = nn.Sequential(nn.LazyLinear(8), stop, nn.ReLU())
    else:
        net = stop = InterruptBetween()
    w = lazyviz.watch(net)
    for _ in range(3 if steady else 0):
        net(torch.rand(2, 4))
    stop.armed = True
    with pytest.raises(KeyboardInterrupt):
        net(torch.rand(2 if steady else 3, 4))
    w._after_cell()  # the notebook cell ended with the interrupt
    assert not torch.overrides._get_current_function_mode_stack()
    assert module_hooks._global_forward_pre_hooks == {}
    before = len(w.history)
    net(torch.rand(7, 4))
    assert len(w.history) == before + 1 and w.history[-1]["trace"]["inputs"][0]["shape"] == [7, 4]
    assert w.to_dict()["error"] is None
    net(torch.rand(7, 4))
    net(torch.rand(7, 4))
    assert w.history[-1]["forwards"] == 3, "recorded once, then counted"
    w.detach()


def test_ctrl_c_without_a_notebook_is_cleared_by_the_next_forward() -> None:
    net = InterruptBetween()
    w = lazyviz.watch(net)
    net.armed = True
    with pytest.raises(KeyboardInterrupt):
        net(torch.rand(2, 4))
    net(torch.rand(3, 4))
    assert not torch.overrides._get_current_function_mode_stack()
    assert w.history[-1]["trace"]["inputs"][0]["shape"] == [3, 4]
    w.detach()


class FailsOnFlag(nn.Module):
    fail = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if FailsOnFlag.fail:
            raise ValueError("loss is nan")
        return x


def test_a_failure_in_a_repeated_forward_is_drawn_on_its_layer() -> None:
    net = nn.Sequential(nn.LazyLinear(8), nn.Sequential(nn.ReLU(), FailsOnFlag()))
    w = lazyviz.watch(net)
    for _ in range(3):
        net(torch.rand(2, 4))
    FailsOnFlag.fail = True
    try:
        with pytest.raises(ValueError, match="loss is nan"):
            net(torch.rand(2, 4))
    finally:
        FailsOnFlag.fail = False
    error = w.to_dict()["error"]
    assert error is not None and error["path"] == "1.1" and error["type"] == "ValueError"
    net(torch.rand(2, 4))
    assert w.to_dict()["error"] is None
    w.detach()


def test_the_root_calling_itself_is_one_forward() -> None:
    class Recursive(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.fc = nn.LazyLinear(4)

        def forward(self, x: torch.Tensor, depth: int = 2) -> torch.Tensor:
            x = self.fc(x)
            return self(x, depth - 1) if depth else x

    net = Recursive()
    w = lazyviz.watch(net)
    net(torch.rand(2, 4))
    net(torch.rand(2, 4))
    net(torch.rand(2, 4))
    assert [h["forwards"] for h in w.history] == [1, 2]
    assert w.to_dict()["nodes"][1]["calls"] == 3
    w.detach()


# ------------------------------------------------------------- compiled models
def lazy_net() -> nn.Module:
    return nn.Sequential(nn.LazyLinear(8), nn.ReLU(), nn.LazyLinear(3))


def test_trace_of_a_compiled_model_runs_its_eager_module_and_says_so() -> None:
    net = lazy_net()
    t = lazyviz.trace(torch.compile(net, backend="eager"), torch.rand(2, 4))
    record = t.to_dict()
    assert record["compiled"] is True and record["error"] is None
    assert sum(e["kind"] == "materialize" for e in record["events"]) == 4
    assert [n["type"] for n in record["nodes"] if n["kind"] == "module"][1] == "LazyLinear"
    assert isinstance(net[0].weight, nn.parameter.UninitializedParameter), "user's net untouched"
    assert lazyviz.trace(lazy_net(), torch.rand(2, 4)).to_dict()["compiled"] is False
    in_place = lazy_net()
    in_place.compile(backend="eager")
    assert lazyviz.trace(in_place, torch.rand(2, 4)).to_dict()["compiled"] is True
    assert isinstance(in_place[0].weight, nn.parameter.UninitializedParameter)


@pytest.mark.parametrize("how", ["wrapper", "in place"])
def test_watching_a_compiled_model_never_breaks_its_forward(how: str) -> None:
    net, twin = lazy_net(), lazy_net()
    torch.manual_seed(0)
    net(torch.rand(2, 4)), twin(torch.rand(2, 4))
    twin.load_state_dict(net.state_dict())
    net, twin = lazy_net(), lazy_net()  # lazy again: the watched forward materializes
    called: nn.Module
    if how == "wrapper":
        called = torch.compile(net, backend="eager")
    else:
        net.compile(backend="eager")
        called = net
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w = lazyviz.watch(called)
    assert sum("compiled" in str(c.message) for c in caught) == 1
    assert "compiled" in w.note
    outs = [called(torch.rand(2, 4)) for _ in range(4)]
    assert all(o.shape == (2, 3) for o in outs)
    first = w.history[0]["trace"]
    assert first["compiled"] is True
    assert sum(e["kind"] == "materialize" for e in first["events"]) == 4
    assert [h["forwards"] for h in w.history] == [1, 3]
    w.detach()
    assert not net._forward_pre_hooks and not net._forward_hooks


def test_a_scripted_model_is_refused_with_what_to_pass_instead() -> None:
    scripted = torch.jit.script(nn.Sequential(nn.Linear(2, 2), nn.ReLU()))
    for call in (lazyviz.trace, lazyviz.watch, lazyviz.LazyViz):
        with pytest.raises(TypeError, match="Pass the eager module"):
            call(scripted)  # type: ignore[operator]


def test_trace_and_watch_leave_no_global_hook_flags_behind() -> None:
    # torch's handle forgets _global_forward_hooks_with_kwargs; a leftover makes compile warn
    flags = dict(module_hooks._global_forward_hooks_with_kwargs)
    always = dict(module_hooks._global_forward_hooks_always_called)
    lazyviz.trace(mlp(), torch.rand(2, 20))
    net = mlp()
    w = lazyviz.watch(net)
    net(torch.rand(2, 20))
    w.detach()
    assert module_hooks._global_forward_hooks_with_kwargs == flags
    assert module_hooks._global_forward_hooks_always_called == always


def test_every_entry_point_takes_a_compiled_model() -> None:
    net = lazy_net()
    compiled = torch.compile(net, backend="eager")
    w = lazyviz.LazyViz(compiled, torch.rand(2, 4))
    assert w.to_dict()["compiled"] is True and w.to_dict()["error"] is None
    data = lazyviz.compare_inits(compiled, torch.rand(2, 4)).to_dict()
    assert [p["path"] for p in data["params"]][:2] == ["0", "0"]
    handle = lazyviz.defer_init(compiled, "zeros")
    compiled(torch.rand(2, 4))
    assert torch.count_nonzero(net[0].weight) == 0
    handle.remove()
    assert isinstance(net[2].weight, torch.Tensor)
