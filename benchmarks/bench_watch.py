"""What ``lazyviz.watch`` costs a training loop, its widget state and its messages (not a test).

    python benchmarks/bench_watch.py [--steps 2000] [--rounds 10] [--forwards 600]

Measured with ``time.process_time`` and one torch thread (the noise-resistant
clock on shared cores); the contenders take turns call by call, the one that
goes first alternating, and every figure is a median.

(a) SGD on ``Sequential(LazyLinear(256), ReLU(), LazyLinear(10))``, batch
    (64, 20), lr 0.05, loss ``output.pow(2).mean()``: a watched model against
    an unwatched twin, one step each in turn; the per-step median after the
    first 10 steps. Both start from the same seed and see the same batches,
    so their final weights must be equal. Target: watched / unwatched <= 1.05.
(b) The widget's state (``len(json.dumps(w.get_state()))``) and what it sent
    (every state update and custom message goes through ``Widget._send``,
    replaced here by a counter) after 20 and after ``--steps`` steps: neither
    may grow with the steps, apart from the throttled repeat-count updates.
    Python heap growth per step (tracemalloc) between step 100 and the last.
(c) A model that is not watched while another one is: blocks of 200
    forwards of a materialized MLP with and without a watch on another model
    (``lazyviz.watch``, then ``w.detach()``), in turns. Target <= 1.05.
(d) A watched steady forward of a 20-layer ``LazyLinear(256)`` + ReLU stack,
    batch (64, 256), under ``torch.no_grad``, against an unwatched twin.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import torch
from torch import nn

import lazyviz

SKIP = 10  # first steps left out of (a): materialization, the first recorded forwards
BLOCK = 200  # forwards per block in (c)


def mlp() -> nn.Module:
    return nn.Sequential(nn.LazyLinear(256), nn.ReLU(), nn.LazyLinear(10))


def deep(layers: int = 20) -> nn.Module:
    mods: list[nn.Module] = []
    for _ in range(layers):
        mods += [nn.LazyLinear(256), nn.ReLU()]
    return nn.Sequential(*mods)


class Trainer:
    """One model's SGD loop; the first forward materializes it under a fixed seed."""

    def __init__(self, model: nn.Module, batches: torch.Tensor) -> None:
        self.model = model
        self.batches = batches
        self.opt: torch.optim.Optimizer | None = None
        self.done = 0

    def step(self) -> None:
        x = self.batches[self.done]
        if self.opt is None:
            with torch.random.fork_rng():  # same initial weights for both models
                torch.manual_seed(0)
                out = self.model(x)
            self.opt = torch.optim.SGD(self.model.parameters(), lr=0.05)
        else:
            out = self.model(x)
        loss = out.pow(2).mean()
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.done += 1


def clock(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def interleaved(a: Callable[[], object], b: Callable[[], object], n: int) -> tuple[list, list]:
    """``n`` calls of each, in turns; the one that goes first alternates."""
    ta: list[float] = []
    tb: list[float] = []
    for i in range(n):
        if i % 2:
            tb.append(clock(b))
            ta.append(clock(a))
        else:
            ta.append(clock(a))
            tb.append(clock(b))
    return ta, tb


class CommLog:
    """Replaces a widget's ``_send``: counts the messages and their JSON bytes."""

    def __init__(self, widget: Any) -> None:
        self.sizes: list[int] = []
        self.kinds: list[str] = []
        widget._send = self._send

    def _send(self, msg: dict[str, Any], buffers: Any = None) -> None:
        self.sizes.append(len(json.dumps(msg)))
        if msg.get("method") == "custom":
            self.kinds.append(msg["content"].get("type", "custom"))
        else:
            self.kinds.append("update:" + ",".join(sorted(msg.get("state", {}))))

    def snapshot(self) -> tuple[int, int]:
        return len(self.sizes), sum(self.sizes)


def state_bytes(widget: Any) -> tuple[int, int]:
    """The whole synced state, and the same without the front end's code (_esm, _css)."""
    state = widget.get_state()
    data = {k: v for k, v in state.items() if k not in ("_esm", "_css")}
    return len(json.dumps(state)), len(json.dumps(data))


def bench_training(steps: int) -> dict[str, Any]:
    """(a) and the comm/state half of (b): one watched and one unwatched loop, step by step."""
    batches = torch.randn(steps, 64, 20, generator=torch.Generator().manual_seed(1))
    watched, plain = Trainer(mlp(), batches), Trainer(mlp(), batches)
    w = lazyviz.watch(watched.model)
    log = CommLog(w)
    sent_at: dict[int, tuple[int, int]] = {}
    state_at: dict[int, tuple[int, int]] = {}
    ta: list[float] = []
    tb: list[float] = []
    for i in range(steps):
        if i % 2:
            tb.append(clock(plain.step))
            ta.append(clock(watched.step))
        else:
            ta.append(clock(watched.step))
            tb.append(clock(plain.step))
        if i + 1 in (20, steps):
            w._flush_counts()  # what a cell's end does: the count the front end shows
            sent_at[i + 1] = log.snapshot()
            state_at[i + 1] = state_bytes(w)
    same = all(
        torch.equal(p, q)
        for p, q in zip(watched.model.parameters(), plain.model.parameters(), strict=True)
    )
    first = sent_at[20][0]
    later = list(zip(log.sizes[first:], log.kinds[first:], strict=True))
    w.detach()
    return {
        "watched": statistics.median(ta[SKIP:]),
        "plain": statistics.median(tb[SKIP:]),
        "same": same,
        "forwards": list(w.forwards),
        "runs": len(w.runs),
        "sent_at": sent_at,
        "state_at": state_at,
        "later_kinds": sorted({k for _, k in later}),
        "later_max": max((s for s, _ in later), default=0),
    }


def control_training(steps: int) -> float:
    """(a) with neither model watched: the ratio two identical loops show (the noise floor)."""
    batches = torch.randn(steps, 64, 20, generator=torch.Generator().manual_seed(1))
    first, second = Trainer(mlp(), batches), Trainer(mlp(), batches)
    ta, tb = interleaved(first.step, second.step, steps)
    return statistics.median(ta[SKIP:]) / statistics.median(tb[SKIP:])


def heap_growth(steps: int, watch: bool) -> float:
    """(b) Python heap bytes per step between step 100 and the last (tracemalloc)."""
    batches = torch.randn(steps, 64, 20, generator=torch.Generator().manual_seed(1))
    t = Trainer(mlp(), batches)
    w = lazyviz.watch(t.model) if watch else None
    if w is not None:
        CommLog(w)
    for _ in range(100):
        t.step()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    for _ in range(steps - 100):
        t.step()
    if w is not None:
        w._flush_counts()
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    if w is not None:
        w.detach()
    return (after - before) / (steps - 100)


def bench_bystander(rounds: int) -> tuple[float, float]:
    """(c) Per-forward median of an unwatched model, with and without a watch on another."""
    c = mlp()
    x = torch.randn(64, 20)
    with torch.no_grad():
        c(x)  # materialized

    def block() -> list[float]:
        out = []
        with torch.no_grad():
            for _ in range(BLOCK):
                out.append(clock(lambda: c(x)))
        return out

    block()  # warm-up
    on: list[float] = []
    off: list[float] = []
    for r in range(rounds):
        other = mlp()
        for _ in range(2):  # materialize, record: the other model's watch is steady
            other(torch.randn(8, 20))
        for active in (True, False) if r % 2 else (False, True):
            if active:
                w = lazyviz.watch(other)
                CommLog(w)
                other(torch.randn(8, 20))
                on += block()
                w.detach()
            else:
                off += block()
    return statistics.median(on), statistics.median(off)


def bench_deep(n: int, watched: bool = True) -> tuple[float, float]:
    """(d) Per-forward median of a watched 20-layer stack and its unwatched twin, no_grad.

    With ``watched=False`` neither is: the control, for the noise floor.
    """
    x = torch.randn(64, 256)
    a, b = deep(), deep()
    w = lazyviz.watch(a) if watched else None
    if w is not None:
        CommLog(w)
    with torch.no_grad():
        for _ in range(5):  # materialize, record, then steady
            a(x)
            b(x)
        ta, tb = interleaved(lambda: a(x), lambda: b(x), n)
    if w is not None:
        w.detach()
    return statistics.median(ta), statistics.median(tb)


def us(seconds: float) -> str:
    return f"{1e6 * seconds:.1f} µs"


def verdict(ratio: float, target: float = 1.05) -> str:
    return "met" if ratio <= target else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=10, help="(c): watch on/off rounds")
    parser.add_argument("--forwards", type=int, default=600, help="(d): forwards per model")
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    torch.manual_seed(0)

    a = bench_training(args.steps)
    grow_w = heap_growth(args.steps, watch=True)
    grow_p = heap_growth(args.steps, watch=False)
    c_on, c_off = bench_bystander(args.rounds)
    d_w, d_p = bench_deep(args.forwards)
    ctl_a = control_training(args.steps)
    ctl_d = (lambda r: r[0] / r[1])(bench_deep(args.forwards, watched=False))

    ra, rc, rd = a["watched"] / a["plain"], c_on / c_off, d_w / d_p
    print("### Overhead (process time per call, median; one torch thread)\n")
    print("| case | watched | unwatched | Δ | ratio | target <= 1.05 |")
    print("|---|---|---|---|---|---|")
    print(
        f"| (a) SGD step, lazy MLP 20→256→10, batch 64 ({args.steps} steps, "
        f"first {SKIP} left out) | {us(a['watched'])} | {us(a['plain'])} "
        f"| {us(a['watched'] - a['plain'])} | {ra:.3f} "
        f"| {verdict(ra)} |"
    )
    print(
        f"| (c) forward of an unwatched MLP, another model watched vs none "
        f"({args.rounds}×2 blocks of {BLOCK}) | {us(c_on)} | {us(c_off)} "
        f"| {us(c_on - c_off)} | {rc:.3f} "
        f"| {verdict(rc)} |"
    )
    print(
        f"| (d) steady forward, 20×(LazyLinear(256)+ReLU), batch (64, 256), no_grad "
        f"({args.forwards} each) | {us(d_w)} | {us(d_p)} | {us(d_w - d_p)} | {rd:.3f} "
        f"| {verdict(rd)} |"
    )
    print(f"\nControl (neither twin watched, same protocol): (a) {ctl_a:.3f}, (d) {ctl_d:.3f}")
    print(f"Final weights of watched and unwatched equal: {a['same']}")
    print(f"Watched widget after the loop: runs={a['runs']}, forwards={a['forwards']}")

    n = args.steps
    (m20, b20), (mn, bn) = a["sent_at"][20], a["sent_at"][n]
    (s20, d20), (sn, dn) = a["state_at"][20], a["state_at"][n]
    print("\n### Widget state and messages (b)\n")
    print("| after | state bytes | state w/o _esm/_css | messages sent | bytes sent |")
    print("|---|---|---|---|---|")
    print(f"| 20 steps | {s20:,} | {d20:,} | {m20} | {b20:,} |")
    print(f"| {n:,} steps | {sn:,} | {dn:,} | {mn} | {bn:,} |")
    print(
        f"\nMessages after step 20: {mn - m20} ({bn - b20:,} bytes), kinds "
        f"{a['later_kinds']}, largest {a['later_max']} bytes"
    )
    print(
        f"Python heap growth (tracemalloc, steps 100..{n}): watched {grow_w:+.1f} B/step "
        f"({grow_w * (n - 100):+,.0f} B in all), unwatched {grow_p:+.1f} B/step "
        f"({grow_p * (n - 100):+,.0f} B)"
    )


if __name__ == "__main__":
    main()
