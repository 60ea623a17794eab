"""How long ``lazyviz.trace`` takes against a plain forward, torchinfo and torchview.

Each figure is a ratio to the baseline measured in the same process: a
gradient-free forward, and for a lazy model the first (materializing)
forward of a fresh copy, which is what ``trace`` has to do as well.

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

import torch

sys.path.insert(0, str(Path(__file__).parent))
import models  # noqa: E402

import lazyviz  # noqa: E402
from lazyviz.copying import private_copy  # noqa: E402


def median_time(setup: Callable[[], object], run: Callable[[object], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        state = setup()
        start = time.perf_counter()
        run(state)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench(name: str, build: Callable, repeat: int) -> dict[str, float]:
    model, inputs = build()
    lazy = any(lazyviz.shapes.is_uninitialized(p) for p in model.parameters())

    def fresh() -> torch.nn.Module:
        return private_copy(model) if lazy else model

    def forward(m: torch.nn.Module) -> None:
        with torch.no_grad():
            m(*inputs)

    def torchinfo_run(m: torch.nn.Module) -> None:
        import torchinfo

        torchinfo.summary(m, input_data=list(inputs), verbose=0)

    def torchview_run(m: torch.nn.Module) -> None:
        import torchview

        torchview.draw_graph(m, input_data=list(inputs), save_graph=False)

    forward(fresh())  # warm-up: first calls pay one-off costs
    lazyviz.trace(model, *inputs)
    row = {"baseline_ms": 1000 * median_time(fresh, forward, repeat)}
    row["trace"] = median_time(lambda: model, lambda m: lazyviz.trace(m, *inputs), repeat)
    row["torchinfo"] = median_time(fresh, torchinfo_run, repeat)
    row["torchview"] = median_time(fresh, torchview_run, repeat)
    for key in ("trace", "torchinfo", "torchview"):
        row[key] = row[key] * 1000 / row["baseline_ms"]
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", choices=["resnet50", "transformer", "lazy_mlp"])
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    torch.manual_seed(0)
    cases = {
        "resnet50": models.resnet50,
        "transformer": models.transformer,
        "lazy_mlp": models.lazy_mlp,
    }
    print(f"{'model':<12} {'baseline':>10} {'trace':>7} {'torchinfo':>10} {'torchview':>10}")
    for name, build in cases.items():
        if args.only and name != args.only:
            continue
        r = bench(name, build, args.repeat)
        print(
            f"{name:<12} {r['baseline_ms']:>8.1f}ms {r['trace']:>6.2f}x "
            f"{r['torchinfo']:>9.2f}x {r['torchview']:>9.2f}x"
        )


if __name__ == "__main__":
    main()
