"""The ``lazyviz`` command: ``lazyviz demo [--model NAME] [--out FILE] [--step K]``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["FORMATS", "main"]

MODELS = ("mlp", "lenet", "resnet", "transformer")  # lazyviz.models.DEMOS, without importing torch

FORMATS = {
    ".html": "an offline page of the widget (opens at step 0, or --step K)",
    ".svg": "a picture of one step (the last, or --step K)",
    ".png": "a picture of one step (the last, or --step K)",
    ".gif": "the whole animation, one frame per step",
}
"""What each suffix of ``--out`` writes (``.htm`` is taken as ``.html``)."""

DEMO_HEIGHT = 640
"""The widget's height in a picture of its own (a notebook cell's default is 480); the demo
page fills the browser window instead."""


def build_parser() -> argparse.ArgumentParser:
    from lazyviz import __version__

    parser = argparse.ArgumentParser(
        prog="lazyviz", description="See lazy (deferred) parameter initialization in PyTorch."
    )
    parser.add_argument("--version", action="version", version=f"lazyviz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    formats = "; ".join(f"{s}: {what}" for s, what in FORMATS.items())
    demo = commands.add_parser(
        "demo",
        help="write an offline page, a picture or a GIF of the widget on a built-in lazy model",
        description=(
            "Write the widget on a built-in lazy model with a sample batch, and print the path "
            "written. The suffix of --out picks the format: " + formats + ". A page opens in "
            "any browser with no kernel and no network; pictures and GIFs need the "
            'pictures extra (pip install "lazyviz[pictures]") and a Chromium.'
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
        "--out",
        default="demo.html",
        type=Path,
        help="the file to write; its suffix picks the format: "
        + ", ".join(FORMATS)
        + " (default: demo.html)",
    )
    demo.add_argument(
        "--step",
        type=int,
        default=None,
        metavar="K",
        help="the animation step to show, 0 (nothing run) to the last: for .svg and .png "
        "(default: the last step) and .html (default: 0)",
    )
    demo.add_argument(
        "--scale",
        type=float,
        default=2.0,
        help="device pixels per CSS pixel of a .png (default: 2)",
    )
    demo.add_argument(
        "--fps", type=float, default=4.0, help="frames per second of a .gif (default: 4)"
    )
    demo.set_defaults(usage=demo)  # usage errors print the demo command's usage
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (2 for a usage error)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "demo":
        return _demo(args.usage, args)
    return 2  # unreachable: argparse requires a command


def _format(out: Path) -> str | None:
    suffix = out.suffix.lower()
    suffix = ".html" if suffix == ".htm" else suffix
    return suffix if suffix in FORMATS else None


def _demo(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    out: Path = args.out
    fmt = _format(out)
    # Checked before building the model: a usage error should be instant.
    if fmt is None:
        shown = out.suffix or "no suffix"
        parser.error(
            f"--out {out}: unknown format ({shown}); the suffix picks the format, one of "
            + ", ".join(FORMATS)
        )
    if fmt == ".gif" and args.step is not None:
        parser.error("--step picks one step of a .html, .svg or .png; a .gif shows every step")
    if args.step is not None and args.step < 0:
        parser.error(f"--step must be 0 or more, got {args.step}")
    if not 0 < args.scale <= 8:
        parser.error(f"--scale must be in (0, 8], got {args.scale}")
    if not 0 < args.fps <= 50:
        parser.error(f"--fps must be in (0, 50], got {args.fps}")

    from lazyviz.models import demo
    from lazyviz.widgets.graph import LazyViz

    model, batch = demo(args.model)
    widget = LazyViz(model, batch)
    widget.height = DEMO_HEIGHT  # a page, not a notebook cell: room for deeper graphs
    if args.step is not None and args.step > widget.steps:
        parser.error(
            f"--step must be between 0 and {widget.steps} (the last step of the "
            f"{args.model} demo), got {args.step}"
        )
    try:
        written = _write(widget, out, fmt, args)
    except OSError as exc:
        print(f"lazyviz demo: cannot write {out}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except ImportError as exc:  # the pictures extra or Chromium is missing: say how to get it
        print(f"lazyviz demo: {exc}", file=sys.stderr)
        return 1
    print(written.resolve())
    return 0


def _write(widget: Any, out: Path, fmt: str, args: argparse.Namespace) -> Path:
    if fmt == ".html":
        from lazyviz.export.page import filling_window

        if args.step is not None:
            widget.step = args.step
        with filling_window():  # a page of its own: the widget fills the browser window
            return Path(widget.to_html(out))
    from lazyviz.export import pictures

    if fmt == ".gif":
        return pictures.to_gif(widget, out, fps=args.fps)
    step = widget.steps if args.step is None else args.step
    if fmt == ".svg":
        return pictures.to_svg(widget, out, step=step)
    return pictures.to_png(widget, out, step=step, scale=args.scale)


if __name__ == "__main__":
    sys.exit(main())
