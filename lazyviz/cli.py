"""The ``lazyviz`` command: ``lazyviz demo [--model NAME] [--out FILE]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

__all__ = ["main"]

MODELS = ("mlp", "lenet", "resnet", "transformer")  # lazyviz.models.DEMOS, without importing torch


def build_parser() -> argparse.ArgumentParser:
    from lazyviz import __version__

    parser = argparse.ArgumentParser(
        prog="lazyviz", description="See lazy (deferred) parameter initialization in PyTorch."
    )
    parser.add_argument("--version", action="version", version=f"lazyviz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo",
        help="write an offline HTML page of the widget on a built-in lazy model",
        description=(
            "Write a self-contained offline page of the widget on a built-in lazy model "
            "with a sample batch, and print its path. Open it in any browser: no kernel, "
            "no network."
        ),
    )
    demo.add_argument(
        "--model",
        choices=MODELS,
        default="mlp",
        help="mlp: LazyLinear(256)-ReLU-LazyLinear(10) on a (2, 20) batch (default); "
        "lenet: (1, 1, 28, 28); resnet: small ResNet, (2, 3, 32, 32); "
        "transformer: two encoder blocks, (2, 8, 16)",
    )
    demo.add_argument(
        "--out", default="demo.html", type=Path, help="the page to write (default: demo.html)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    if args.command == "demo":
        return _demo(args.model, args.out)
    return 2  # unreachable: argparse requires a command


def _demo(name: str, out: Path) -> int:
    from lazyviz.models import demo
    from lazyviz.widget import LazyViz

    model, batch = demo(name)
    widget = LazyViz(model, batch)
    widget.height = 640  # a page, not a notebook cell: room for deeper graphs
    try:
        written = widget.to_html(out)
    except OSError as exc:
        print(f"lazyviz demo: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    print(written.resolve())
    return 0


if __name__ == "__main__":
    sys.exit(main())
