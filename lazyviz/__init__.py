"""lazyviz: make lazy (deferred) parameter initialization in PyTorch visible."""

from __future__ import annotations

from lazyviz.adapters import trace
from lazyviz.inits.defer import defer_init
from lazyviz.inits.registry import Initializer
from lazyviz.record.graph import Trace
from lazyviz.widgets.graph import LazyViz
from lazyviz.widgets.inits import InitsWidget, compare_inits
from lazyviz.widgets.watch import watch

__version__ = "0.1.0"

__all__ = [
    "Initializer",
    "InitsWidget",
    "LazyViz",
    "Trace",
    "__version__",
    "compare_inits",
    "defer_init",
    "trace",
    "watch",
]
