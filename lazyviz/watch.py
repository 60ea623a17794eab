"""Live watching: every forward the user runs on their own model becomes a trace.

``lazyviz.watch(model)`` registers two global module hooks (PyTorch's public
``register_module_forward_pre_hook`` / ``register_module_forward_hook``)
that wake up only for the watched model. Entering the model's root module
starts a recording (a :class:`~lazyviz.recorder.Recorder` and its op mode),
leaving it (normally or by an exception) ends it and hands the trace on.
The model itself is only held weakly and runs exactly as it would without
lazyviz: the hooks return nothing, and a failure of lazyviz's own
bookkeeping ends that recording with a warning instead of reaching the user.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
import weakref
from collections.abc import Callable
from typing import Any

from torch import nn
from torch.nn.modules import module as module_hooks

from lazyviz.flatten import labelled_inputs
from lazyviz.graph import Trace
from lazyviz.recorder import Recorder
from lazyviz.structure import build_structure
from lazyviz.trace import check_model

__all__ = ["Watcher"]


class Watcher:
    """Records every forward of ``model`` and calls ``on_run(trace)`` after each.

    Parameters
    ----------
    model : torch.nn.Module
        Held weakly: deleting the model frees it and ends the watching.
    on_run : callable
        Called with the :class:`~lazyviz.graph.Trace` of each finished forward,
        failed ones included.
    """

    def __init__(self, model: nn.Module, on_run: Callable[[Trace], None]) -> None:
        check_model(model)
        self._model = weakref.ref(model, lambda _: self.detach())
        self._on_run = on_run
        self._recorder: Recorder | None = None
        self._handles = [
            module_hooks.register_module_forward_pre_hook(self._pre),
            module_hooks.register_module_forward_hook(
                self._post, with_kwargs=True, always_call=True
            ),
        ]

    @property
    def attached(self) -> bool:
        """True until :meth:`detach` (or the model was deleted)."""
        return bool(self._handles)

    @property
    def model(self) -> nn.Module | None:
        """The watched model, or None once it was deleted."""
        return self._model()

    def detach(self) -> None:
        """Remove every hook lazyviz added. Calling it again does nothing."""
        self._end_recording()
        for handle in self._handles:
            handle.remove()
        self._handles = []

    # -------------------------------------------------------------- hooks
    def _pre(self, module: nn.Module, args: tuple) -> None:
        root = self._model()
        if module is root and root is not None and not self._inside(root):
            self._end_recording()  # a forward that never returned (KeyboardInterrupt)
            self._guarded(self._start, root, args)
        if self._recorder is not None:
            self._guarded(self._recorder._enter, module, args)

    def _post(self, module: nn.Module, args: tuple, *rest: Any) -> None:
        recorder = self._recorder
        if recorder is None:
            return
        self._guarded(recorder._exit, module, args, *rest)
        if module is self._model() and self._recorder is recorder and not self._inside(module):
            if len(rest) == 1:  # torch's always-call path: (result,) after an exception
                self._guarded(self._finish, recorder, None, sys.exc_info()[1])
            else:
                self._guarded(self._finish, recorder, rest[1], None)

    def _inside(self, root: nn.Module) -> bool:
        """The root is already on the recording's stack (it calls itself)."""
        recorder = self._recorder
        return recorder is not None and any(f.module is root for f in recorder.stack)

    # ----------------------------------------------------------- recording
    def _start(self, root: nn.Module, args: tuple) -> None:
        inputs = labelled_inputs(args, _call_kwargs(), strict=False)
        trace = build_structure(root, inputs=inputs, with_edges=False)
        recorder = Recorder(root, trace)
        recorder.add_inputs(inputs)
        recorder.mode.__enter__()
        Recorder._active.append(recorder)
        self._recorder = recorder

    def _finish(self, recorder: Recorder, output: Any, exc: BaseException | None) -> None:
        self._end_recording()
        if exc is not None:
            recorder.fail(exc)
        else:
            recorder.finish(output)
        self._on_run(recorder.trace)

    def _end_recording(self) -> None:
        recorder, self._recorder = self._recorder, None
        if recorder is None:
            return
        if recorder in Recorder._active:
            Recorder._active.remove(recorder)
        recorder.leave_mode()

    def _guarded(self, step: Callable[..., None], *args: Any) -> None:
        """Run a bookkeeping step; if lazyviz itself fails, stop recording, never the model."""
        try:
            step(*args)
        except Exception as exc:  # lazyviz's own bug must not change the user's forward
            self._end_recording()
            warnings.warn(
                f"lazyviz stopped recording this forward after an internal error: {exc!r}",
                RuntimeWarning,
                stacklevel=2,
            )


def _call_kwargs() -> dict[str, Any]:
    """The keyword arguments of the module call whose pre-hook is running.

    A global forward pre-hook receives only the positional ones; torch keeps
    the keywords in ``Module._call_impl``'s frame, read here so that keyword
    inputs become input nodes as they do in ``lazyviz.trace``. If torch ever
    keeps them elsewhere, the answer is simply none.
    """
    frame = sys._getframe(1)
    for _ in range(6):
        frame = frame.f_back  # type: ignore[assignment]
        if frame is None:
            break
        kwargs = frame.f_locals.get("kwargs")
        if frame.f_code.co_name in ("inner", "_call_impl") and isinstance(kwargs, dict):
            return kwargs
    return {}


_WATCHED: weakref.WeakKeyDictionary[nn.Module, Any] = weakref.WeakKeyDictionary()


def watch(model: nn.Module) -> Any:
    """A widget that follows ``model`` live: every forward you run shows up in it.

    The model runs exactly as without lazyviz (same outputs, same exceptions);
    each forward, failed ones included, is appended to the widget as a new run
    and played. Watching the same model again returns the same widget.

    Parameters
    ----------
    model : torch.nn.Module
        Held weakly: deleting it frees it and ends the watching.

    Returns
    -------
    WatchedViz
        A :class:`~lazyviz.widget.LazyViz` with a :meth:`~WatchedViz.detach`
        method that removes every hook.
    """
    check_model(model)
    existing = _WATCHED.get(model)
    if existing is not None and existing.attached:
        return existing
    widget = _watched_widget_class()(model)
    _WATCHED[model] = widget
    return widget


def _watched_widget_class() -> type:
    # widget.py imports anywidget; keep `import lazyviz.watch` light for scripts.
    from lazyviz.widget import LazyViz

    class WatchedViz(LazyViz):
        """A :class:`LazyViz` bound to the user's own model through a :class:`Watcher`."""

        def __init__(self, model: nn.Module) -> None:
            super(LazyViz, self).__init__(runs=[build_structure(model).to_dict()])
            self._watcher = Watcher(model, self._show_run)

        @property
        def attached(self) -> bool:
            """True until :meth:`detach` (or the model was deleted)."""
            return self._watcher.attached

        def detach(self) -> None:
            """Stop watching: every hook lazyviz added is removed. Harmless to repeat."""
            self._watcher.detach()

        def feed(self, *args: Any, **kwargs: Any) -> WatchedViz:
            """Run a batch through the watched model itself (as ``model(X)`` would).

            A failure is shown on its node in the widget instead of raised.
            """
            model = self._watcher.model
            if model is None or not self.attached:
                raise RuntimeError("this widget no longer watches a model (detached or deleted)")
            from lazyviz.flatten import labelled_inputs

            labelled_inputs(args, kwargs)
            with contextlib.suppress(Exception):  # recorded by the watcher, drawn in red
                model(*args, **kwargs)
            return self

        def _show_run(self, trace: Trace) -> None:
            with self.hold_sync():
                self.playing = False
                self.runs = [*self.runs, trace.to_dict()]
                self.run = len(self.runs) - 1
                self.step = 0
                self.playing = True

    return WatchedViz
