"""Headless Chromium for looking at exported pages: pictures, screenshots, benchmarks, tests.

A system Chromium or Chrome (``$LAZYVIZ_CHROMIUM``, else the first of the
usual names and places) driven by Playwright: ``playwright install`` cannot
download browsers everywhere, and a Chromium is what a teacher's machine
has anyway. Where none is found, Playwright's own download is tried last.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # Playwright is an optional dependency ("lazyviz[pictures]")
    from playwright.sync_api import Browser, Playwright

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "CHROMIUM_ENV",
    "LOCAL_SCHEMES",
    "cut_network",
    "find_chromium",
    "launch_chromium",
]

CHROMIUM_ENV = "LAZYVIZ_CHROMIUM"
"""Environment variable naming the Chromium or Chrome executable to drive."""

_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
_PLACES = (
    "/usr/bin/chromium",
    "/usr/bin/chromium-browser",
    "/snap/bin/chromium",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    r"C:\Program Files\Google\Chrome\Application\chrome.exe",
    r"C:\Program Files (x86)\Google\Chrome\Application\chrome.exe",
)


def find_chromium() -> str | None:
    """The Chromium (or Chrome) executable to drive, or None when none is installed.

    ``$LAZYVIZ_CHROMIUM`` wins when set (even if it does not exist: the
    caller then says so, naming the variable); otherwise the usual command
    names on ``PATH``, then the usual install places.

    Returns
    -------
    str or None
        A path, or None.
    """
    chosen = os.environ.get(CHROMIUM_ENV)
    if chosen:
        return chosen
    for name in _NAMES:
        found = shutil.which(name)
        if found:
            return found
    return next((p for p in _PLACES if Path(p).exists()), None)


CHROMIUM = find_chromium() or "/usr/bin/chromium"
"""The executable the test suite and scripts launch (see :func:`find_chromium`)."""

# As root in a container: no sandbox, no GPU, and no background traffic (the
# pages are offline; the browser itself must not try the network either).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

LOCAL_SCHEMES = ("file:", "blob:", "data:")
"""What an offline page may load: its own file, the Blob URLs of its workers, inline data."""


def cut_network(context: Any, blocked: list[str] | None = None) -> None:
    """Abort every request of a Playwright browser ``context`` that is not local.

    An exported page must work with no network: with the network cut, a
    request that slipped in fails visibly instead of quietly succeeding.
    ``blocked``, if given, collects the URLs aborted.
    """

    def route(route: Any) -> None:
        url = route.request.url
        if url.startswith(LOCAL_SCHEMES):
            route.continue_()
            return
        if blocked is not None:
            blocked.append(url)
        route.abort()

    context.route("**/*", route)


INSTALL_HINT = (
    "Install Chromium (Debian/Ubuntu: `apt-get install chromium`; macOS: "
    "`brew install --cask chromium`) or Google Chrome, or point "
    f"{CHROMIUM_ENV} at a Chromium or Chrome executable "
    f"(e.g. `export {CHROMIUM_ENV}=/usr/bin/chromium`); "
    "`playwright install chromium` also works where downloads are allowed."
)


def launch_chromium(driver: Playwright) -> Browser:
    """Launch headless Chromium through a started Playwright ``driver``; returns the Browser.

    Raises
    ------
    FileNotFoundError
        No Chromium was found, or ``$LAZYVIZ_CHROMIUM`` names a file that
        does not exist; the message says how to get one.
    """
    path = find_chromium()
    if path is not None and not Path(path).exists():
        source = f"${CHROMIUM_ENV}" if os.environ.get(CHROMIUM_ENV) else "the Chromium path"
        raise FileNotFoundError(f"{source} is {path!r}, which does not exist. {INSTALL_HINT}")
    try:
        return driver.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
    except Exception as exc:
        if path is not None:
            raise
        # No system browser: Playwright's own download, if someone ran `playwright install`.
        raise FileNotFoundError(
            f"No Chromium or Chrome found (on {sys.platform}). {INSTALL_HINT}"
        ) from exc
