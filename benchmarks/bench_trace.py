"""How long ``lazyviz.trace`` takes against a plain forward, torchinfo and torchview.

Each figure is a ratio to the baseline measured in the same process: a
gradient-free forward, and for a lazy model the first (materializing)
forward of a fresh copy, which is what ``trace`` has to do as well.
``trace − fwd`` is the absolute fixed cost of tracing: the median trace time
minus the median baseline (target for the tiny BERT: < 2 ms). ``fwd with grad``
is the same forward under grad mode: ``trace`` runs the batch under the caller's
grad mode (here on), so autograd's bookkeeping is part of its time as well.

Times are ``time.process_time`` with one torch thread (the noise-resistant
clock on shared cores); the contenders take turns within every repetition
and each figure is a median. ``tiny_bert`` is ``transformers.BertModel``
(2 layers, width 128, ids (1, 16)) when transformers is installed, else a
2-layer ``nn.TransformerEncoder`` behind an ``nn.Embedding``.

    python benchmarks/bench_trace.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).parent))
import models

import lazyviz
from lazyviz.torch.copying import private_copy
from lazyviz.torch.shapes import is_uninitialized


def timed(setup: Callable[[], object], run: Callable[[object], object]) -> float:
    state = setup()
    start = time.process_time()
    run(state)
    return time.process_time() - start


def bench(build: Callable, repeat: int) -> dict[str, float]:
    """Median time of each contender, as a ratio to the baseline's.

    The contenders take turns within every repetition, so a noisy neighbour
    slows all of them alike instead of whichever happened to run then.
    """
    model, inputs = build()
    lazy = any(is_uninitialized(p) for p in model.parameters())

    def fresh() -> torch.nn.Module:
        # a lazy model's forward materializes it: every run starts from a new copy
        return private_copy(model) if lazy else model

    def forward(m: torch.nn.Module) -> None:
        with torch.no_grad():
            m(*inputs)

    def grad_forward(m: torch.nn.Module) -> None:
        m(*inputs)  # under grad mode, as trace runs the batch here (the caller's mode)

    def torchinfo_run(m: torch.nn.Module) -> None:
        import torchinfo

        torchinfo.summary(m, input_data=list(inputs), verbose=0)

    def torchview_run(m: torch.nn.Module) -> None:
        import torchview

        torchview.draw_graph(m, input_data=list(inputs), save_graph=False)

    contenders: dict[str, tuple[Callable[[], object], Callable[[Any], object]]] = {
        "baseline": (fresh, forward),
        "grad_fwd": (fresh, grad_forward),
        "trace": (lambda: model, lambda m: lazyviz.trace(m, *inputs)),
        "torchinfo": (fresh, torchinfo_run),
        "torchview": (fresh, torchview_run),
    }
    for setup, run in contenders.values():  # warm-up: first calls pay one-off costs
        timed(setup, run)
    times: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(repeat):
        for name, (setup, run) in contenders.items():
            times[name].append(timed(setup, run))
    base = statistics.median(times["baseline"])
    row = {name: statistics.median(t) / base for name, t in times.items()}
    row["baseline_ms"] = 1000 * base
    row["fixed_ms"] = 1000 * (statistics.median(times["trace"]) - base)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    cases = {
        "resnet50": models.resnet50,
        "transformer": models.transformer,
        "lazy_mlp": models.lazy_mlp,
        "tiny_bert": models.tiny_bert,
    }
    parser.add_argument("--only", choices=list(cases))
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    torch.manual_seed(0)
    print("| model | baseline | fwd with grad | trace | trace − fwd | torchinfo | torchview |")
    print("|---|---|---|---|---|---|---|")
    for name, build in cases.items():
        if args.only and name != args.only:
            continue
        r = bench(build, args.repeat)
        print(
            f"| {name} | {r['baseline_ms']:.1f} ms | {r['grad_fwd']:.2f}x | {r['trace']:.2f}x "
            f"| {r['fixed_ms']:.1f} ms "
            f"| {r['torchinfo']:.2f}x | {r['torchview']:.2f}x |"
        )


if __name__ == "__main__":
    main()
