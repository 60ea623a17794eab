"""lazyviz: make lazy (deferred) parameter initialization in PyTorch visible."""

from __future__ import annotations

from lazyviz.compare import compare_inits
from lazyviz.defer import defer_init
from lazyviz.inits import Initializer
from lazyviz.inits_widget import InitsWidget
from lazyviz.trace import Trace, trace
from lazyviz.watch import watch
from lazyviz.widget import LazyViz

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
