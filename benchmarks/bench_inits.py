"""compare_inits on a ~25M-parameter model with 6 initializers, against the bare work it wraps.

The baseline is a loop of ``torch.nn.init`` + ``torch.histc`` over the same
parameters for the same initializers: the least any comparison must do.
compare_inits also copies the model, runs the batch once per initializer for
the activations, bins, and computes moments and theory curves; with
``grads=True`` (the default) that run is made under grad mode and followed by
one backward pass. Reported: process time (one torch thread, so the figure
does not swing with the shared cores), the median of ``--repeat`` runs each,
measured in fresh processes interleaved (A B C A B C ...), the ratio to the
baseline (target <= 1.3x without gradients), the cost of the gradients, and
peak memory (the resident set size high-water mark, read from the OS).

A second table times the teaching-sized models (the demo models and a
20-layer MLP) with the default initializers, grads off and on, in process
(interleaved, median of ``--repeat`` + 2).

    python benchmarks/bench_inits.py [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time

import torch
from torch import nn

from lazyviz.inits.compare import MAX_NUMEL

INITS = [
    "default",
    "xavier_uniform",
    "kaiming_normal",
    "normal(std=0.02)",
    "trunc_normal(std=0.02)",
    "uniform(a=-0.05, b=0.05)",
]
BATCH = (32, 1024)


def model() -> nn.Module:
    """~25M parameters: a lazy MLP 1024 -> 4096 -> 4096 -> 1024 -> 10."""
    return nn.Sequential(
        nn.LazyLinear(4096),
        nn.ReLU(),
        nn.LazyLinear(4096),
        nn.ReLU(),
        nn.LazyLinear(1024),
        nn.ReLU(),
        nn.LazyLinear(10),
    )


def baseline(net: nn.Module) -> None:
    """torch.nn.init + torch.histc per parameter per initializer, nothing else."""
    fill = {
        "default": lambda t: nn.init.kaiming_uniform_(t, a=5**0.5),
        "xavier_uniform": nn.init.xavier_uniform_,
        "kaiming_normal": nn.init.kaiming_normal_,
        "normal(std=0.02)": lambda t: nn.init.normal_(t, std=0.02),
        "trunc_normal(std=0.02)": lambda t: nn.init.trunc_normal_(t, std=0.02),
        "uniform(a=-0.05, b=0.05)": lambda t: nn.init.uniform_(t, -0.05, 0.05),
    }
    with torch.no_grad():
        for name in INITS:
            for p in net.parameters():
                if p.dim() >= 2:
                    fill[name](p)
                torch.histc(p, bins=60)


def run(which: str) -> dict[str, float]:
    import lazyviz

    torch.set_num_threads(1)
    torch.manual_seed(0)
    x = torch.randn(*BATCH)
    net = model()
    net(x)  # materialize once, so both sides start from a known model
    numel = sum(p.numel() for p in net.parameters())
    start = time.process_time()
    if which == "baseline":
        baseline(net)
    elif which == "compare_inits":
        lazyviz.compare_inits(net, x, inits=INITS, grads=False)
    elif which == "compare_inits_grads":
        lazyviz.compare_inits(net, x, inits=INITS, grads=True)
    elif which == "whole":  # every parameter binned whole, no sampling
        lazyviz.compare_inits(net, x, inits=INITS, max_numel=2**40, grads=False)
    else:
        lazyviz.compare_inits(net, x, inits=INITS, max_numel=2**40, grads=True)
    seconds = time.process_time() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, "numel": numel}


WHICH = ["baseline", "compare_inits", "compare_inits_grads", "whole", "whole_grads"]


def one(which: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--one", which], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_all(repeat: int) -> dict[str, dict[str, float]]:
    """Every contender once per round, rounds repeated: drifts of the machine hit all alike."""
    runs: dict[str, list[dict[str, float]]] = {w: [] for w in WHICH}
    for _ in range(repeat):
        for which in WHICH:
            runs[which].append(one(which))
    return {
        w: {
            "seconds": statistics.median(r["seconds"] for r in rs),
            "peak_mb": max(r["peak_mb"] for r in rs),
            "numel": rs[0]["numel"],
        }
        for w, rs in runs.items()
    }


def small_models() -> dict[str, tuple[nn.Module, torch.Tensor]]:
    from lazyviz.models import demo

    out = {name: demo(name) for name in ("mlp", "lenet", "resnet", "transformer")}
    layers: list[nn.Module] = []
    for _ in range(20):
        layers += [nn.LazyLinear(128), nn.ReLU()]
    out["20 x LazyLinear(128)"] = (nn.Sequential(*layers), torch.randn(256, 32))
    return out


def small_table(repeat: int) -> None:
    import lazyviz

    torch.set_num_threads(1)
    head = f"{'grads=False':>11} {'grads=True':>11} {'grads cost':>11}"
    print(f"{'default inits, in process':30} {head}")
    for name, (net, x) in small_models().items():
        lazyviz.compare_inits(net, x)  # warm up
        times: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(repeat):
            for grads in (False, True):
                start = time.process_time()
                lazyviz.compare_inits(net, x, grads=grads)
                times[grads].append(time.process_time() - start)
        off, on = statistics.median(times[False]), statistics.median(times[True])
        print(f"{name:30} {off * 1000:9.1f}ms {on * 1000:9.1f}ms {on / off - 1:+10.0%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--one", choices=WHICH, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one)))
        return
    m = measure_all(args.repeat)
    base = m["baseline"]
    params_mb = base["numel"] * 4 / 2**20
    print(
        f"model: {base['numel']:,} parameters ({params_mb:.0f} MB), batch {BATCH}, "
        f"{len(INITS)} initializers, median of {args.repeat}, torch {torch.__version__}, "
        "process time, 1 thread"
    )
    print()
    head = f"{'':30} {'grads=False':>11} {'grads=True':>11} {'grads cost':>11}"
    print(f"{head} {'peak RSS MB (F/T)':>18}   ratio (grads=False)")
    print(
        f"{'init + histc loop (baseline)':30} {base['seconds']:11.2f} {'':11} {'':11} "
        f"{base['peak_mb']:18.0f}"
    )
    for label, off, on in [
        ("lazyviz.compare_inits", m["compare_inits"], m["compare_inits_grads"]),
        ("  ... binning every entry", m["whole"], m["whole_grads"]),
    ]:
        ratio = off["seconds"] / base["seconds"]
        extra = on["seconds"] / off["seconds"] - 1
        rss = f"{off['peak_mb']:.0f} / {on['peak_mb']:.0f}"
        print(
            f"{label:30} {off['seconds']:11.2f} {on['seconds']:11.2f} {extra:+10.0%} "
            f"{rss:>18}   {ratio:.2f}x baseline"
        )
    print()
    print("target: compare_inits <= 1.3x baseline. Default binning samples parameters above")
    print(f"{MAX_NUMEL:,} entries (evenly strided); the second row bins every entry.")
    print("grads=True (the default) adds one backward pass of the batch per initializer.")
    print()
    small_table(args.repeat + 2)


if __name__ == "__main__":
    main()
