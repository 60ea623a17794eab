"""Notebook servers on loopback for the browser tests: Jupyter (Lab or Notebook 7) and marimo.

Each server gets a free 127.0.0.1 port, no token, a new served directory and
temporary config, runtime, workspace, settings (Jupyter) or XDG
config/state/cache (marimo) directories, so nothing is read from or written
to the user's own set-up. Both are context managers that return once the
server answers (``/api/status``, ``/health``; a server that exits or stays
silent for 90 s fails the test with its log's tail) and stop it
(terminate, then kill) on exit; the log is ``<app>.log`` in the served
directory.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

START_TIMEOUT = 90.0  # seconds for a server to answer; a loaded 2-core machine takes ~5


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_notebook(path: Path, cells: list[str]) -> None:
    """An ``.ipynb`` of code cells (not run) with the ipykernel Python 3 kernelspec."""
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": src,
                "outputs": [],
                "execution_count": None,
            }
            for src in cells
        ],
        "metadata": {
            "kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb), encoding="utf-8")


@contextmanager
def _serving(
    name: str, argv: list[str], env: dict[str, str], root: Path, status: str
) -> Iterator[str]:
    """Run ``argv`` in ``root`` and yield its URL once ``status`` (a path) answers 200."""
    port = free_port()
    log_path = root / f"{name}.log"
    url = f"http://127.0.0.1:{port}"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [a.replace("{port}", str(port)) for a in argv],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=root,
        )
        try:
            deadline = time.monotonic() + START_TIMEOUT  # polls, not a timing assertion
            while True:
                if server.poll() is not None:
                    pytest.fail(f"{name} exited: {log_path.read_text()[-2000:]}")
                try:
                    with urllib.request.urlopen(f"{url}{status}", timeout=2) as response:
                        if response.status == 200:
                            break
                except OSError:
                    pass
                if time.monotonic() > deadline:
                    pytest.fail(f"{name} did not answer {status}: {log_path.read_text()[-2000:]}")
                time.sleep(0.1)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=20)


@contextmanager
def jupyter_server(
    app: str,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    settings: dict[str, dict[str, Any]] | None = None,
) -> Iterator[tuple[Path, str]]:
    """``jupyter lab`` or ``jupyter notebook`` serving a new temporary directory.

    Yields ``(root, url)``: the served directory (write notebooks there) and
    the base URL. ``settings`` are user settings by plugin, keyed by the
    settings file's path (``"@jupyter-widgets/jupyterlab-manager/plugin"``;
    the plugin id ``"...:plugin"`` works too); by default, and merged with
    them, the "get notified about Jupyter news?" toast is switched off (it
    covers screenshots and fetches news).
    """
    assert app in ("lab", "notebook"), app
    root = tmp_path_factory.mktemp(app)
    scratch = tmp_path_factory.mktemp(f"{app}-scratch")
    dirs = {key: scratch / key for key in ("config", "runtime", "workspaces", "settings")}
    for d in dirs.values():
        d.mkdir(parents=True, exist_ok=True)
    user_settings: dict[str, dict[str, Any]] = {
        "@jupyterlab/apputils-extension/notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        }
    }
    for plugin, values in (settings or {}).items():
        key = plugin.replace(":", "/")
        user_settings[key] = {**user_settings.get(key, {}), **values}
    for plugin, values in user_settings.items():
        path = dirs["settings"] / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(dirs["config"]),
        "JUPYTER_RUNTIME_DIR": str(dirs["runtime"]),
        "JUPYTERLAB_WORKSPACES_DIR": str(dirs["workspaces"]),
        "JUPYTERLAB_SETTINGS_DIR": str(dirs["settings"]),
    }
    argv = [
        sys.executable,
        "-m",
        "jupyter",
        app,
        "--no-browser",
        "--ip=127.0.0.1",
        "--port={port}",
        "--port-retries=0",
        "--allow-root",
        "--IdentityProvider.token=",
        "--ServerApp.password=",
        "--ServerApp.disable_check_xsrf=True",
        f"--ServerApp.root_dir={root}",
    ]
    with _serving(app, argv, env, root, "/api/status") as url:
        yield root, url


@contextmanager
def marimo_server(
    tmp_path_factory: pytest.TempPathFactory, source: str, *, config: dict[str, dict[str, Any]]
) -> Iterator[tuple[Path, str]]:
    """``marimo edit --headless`` of a notebook whose code is ``source``.

    Yields ``(notebook, url)``. ``config`` is the user configuration
    (``{"display": {"theme": "dark"}}``), written as
    ``$XDG_CONFIG_HOME/marimo/marimo.toml`` in a temporary directory; marimo
    also looks for a ``.marimo.toml`` from the working directory (the
    notebook's, a temporary one) up and in ``$HOME``, and finds none there.
    ``--session-ttl=0`` closes a page's session (and its kernel) when the
    page goes, so every page opened gets a fresh run of the notebook rather
    than a reconnection to the last page's state.
    """
    root = tmp_path_factory.mktemp("marimo")
    notebook = root / "notebook.py"
    notebook.write_text(source, encoding="utf-8")
    scratch = tmp_path_factory.mktemp("marimo-scratch")
    xdg = {key: scratch / key for key in ("config", "state", "cache")}
    for d in xdg.values():
        d.mkdir(parents=True, exist_ok=True)
    (xdg["config"] / "marimo").mkdir(exist_ok=True)
    (xdg["config"] / "marimo" / "marimo.toml").write_text(_toml(config), encoding="utf-8")
    env = {
        **os.environ,
        "XDG_CONFIG_HOME": str(xdg["config"]),
        "XDG_STATE_HOME": str(xdg["state"]),
        "XDG_CACHE_HOME": str(xdg["cache"]),
    }
    argv = [
        sys.executable,
        "-m",
        "marimo",
        "edit",
        "--headless",
        "--no-token",
        "--host=127.0.0.1",
        "--port={port}",
        "--skip-update-check",
        "--no-sandbox",
        "--session-ttl=0",
        str(notebook),
    ]
    with _serving("marimo", argv, env, root, "/health") as url:
        yield notebook, url


def _toml(config: dict[str, dict[str, Any]]) -> str:
    """Tables of scalars as TOML (all marimo's user config needs here)."""
    lines = []
    for table, values in config.items():
        lines.append(f"[{table}]")
        lines.extend(f"{key} = {json.dumps(value)}" for key, value in values.items())
    return "\n".join(lines) + "\n"
