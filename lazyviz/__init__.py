"""lazyviz: make lazy (deferred) parameter initialization in PyTorch visible."""

from __future__ import annotations

from lazyviz.trace import Trace, trace
from lazyviz.widget import LazyViz

__version__ = "0.1.0"

__all__ = ["LazyViz", "Trace", "__version__", "trace"]
