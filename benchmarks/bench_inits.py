"""compare_inits on a ~25M-parameter model with 6 initializers, against the bare work it wraps.

The baseline is a loop of ``torch.nn.init`` + ``torch.histc`` over the same
parameters for the same initializers: the least any comparison must do.
compare_inits also copies the model, runs the batch once per initializer for
the activations, bins, and computes moments and theory curves. Reported: the
median of ``--repeat`` runs each, their ratio (target <= 1.3x), and peak
memory (traced Python allocations are not tensors, so the resident set size
high-water mark is read from the OS, each measurement in a fresh process).

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

from lazyviz.compare import MAX_NUMEL

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

    torch.manual_seed(0)
    x = torch.randn(*BATCH)
    net = model()
    net(x)  # materialize once, so both sides start from a known model
    numel = sum(p.numel() for p in net.parameters())
    start = time.perf_counter()
    if which == "baseline":
        baseline(net)
    elif which == "compare_inits":
        lazyviz.compare_inits(net, x, inits=INITS)
    else:  # every parameter binned whole, no sampling
        lazyviz.compare_inits(net, x, inits=INITS, max_numel=2**40)
    seconds = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"seconds": seconds, "peak_mb": peak_mb, "numel": numel}


def measure(which: str, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        out = subprocess.run(
            [sys.executable, __file__, "--one", which],
            check=True,
            capture_output=True,
            text=True,
        )
        runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "peak_mb": max(r["peak_mb"] for r in runs),
        "numel": runs[0]["numel"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    which = ["baseline", "compare_inits", "compare_inits_whole"]
    parser.add_argument("--one", choices=which, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run(args.one)))
        return
    base = measure("baseline", args.repeat)
    ours = measure("compare_inits", args.repeat)
    whole = measure("compare_inits_whole", args.repeat)
    params_mb = base["numel"] * 4 / 2**20
    print(
        f"model: {base['numel']:,} parameters ({params_mb:.0f} MB), batch {BATCH}, "
        f"{len(INITS)} initializers, median of {args.repeat}, torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads"
    )
    print()
    print(f"{'':32} {'seconds':>8} {'peak RSS MB':>12}   ratio")
    print(f"{'init + histc loop (baseline)':32} {base['seconds']:8.2f} {base['peak_mb']:12.0f}")
    for label, row in [("lazyviz.compare_inits", ours), ("  ... binning every entry", whole)]:
        ratio = row["seconds"] / base["seconds"]
        print(f"{label:32} {row['seconds']:8.2f} {row['peak_mb']:12.0f}   {ratio:.2f}x baseline")
    print()
    print("target: compare_inits <= 1.3x baseline. Default binning samples parameters above")
    print(f"{MAX_NUMEL:,} entries (evenly strided); the second row bins every entry.")


if __name__ == "__main__":
    main()
