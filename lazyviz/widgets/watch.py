"""``lazyviz.watch``: a widget that follows the user's model live (:mod:`lazyviz.torch.watch`)."""

from __future__ import annotations

import weakref

from torch import nn

from lazyviz.torch.trace import eager_module
from lazyviz.widgets.graph import WatchedViz

__all__ = ["watch"]

_WATCHED: weakref.WeakKeyDictionary[nn.Module, WatchedViz] = weakref.WeakKeyDictionary()


def watch(model: nn.Module, *, max_runs: int = 20) -> WatchedViz:
    """A widget that follows ``model`` live: the forwards you run show up in it.

    The model runs exactly as without lazyviz (same outputs, same
    exceptions). A forward that differs from the last one (new shapes, a
    materialization, an error) becomes a new entry of ``w.history`` and
    plays; a forward that repeats it only adds to that entry's count, at
    almost no cost. Watching the same model again returns the same widget.

    Parameters
    ----------
    model : torch.nn.Module
        Held weakly: deleting it frees it and ends the watching. A
        ``torch.compile``'d model is watched from outside its compiled graph.
    max_runs : int
        The most entries ``w.history`` keeps; the first one (where the shapes
        resolved) is always kept, then the newest.

    Returns
    -------
    WatchedViz
        A :class:`~lazyviz.widgets.graph.LazyViz` with a ``detach()`` method that
        removes every hook.
    """
    eager_module(model)  # TypeError for what cannot be watched
    existing = _WATCHED.get(model)
    if existing is not None and existing.attached:
        return existing
    widget = WatchedViz(model, max_runs=max_runs)
    _WATCHED[model] = widget
    return widget
