"""Headless Chromium for looking at exported pages: screenshots, benchmarks, browser tests.

Debian's Chromium (``/usr/bin/chromium``, or ``$LAZYVIZ_CHROMIUM``) driven by
Playwright: ``playwright install`` cannot download browsers everywhere, and a
system Chromium is what a teacher's machine has anyway.
"""

from __future__ import annotations

import os

CHROMIUM = os.environ.get("LAZYVIZ_CHROMIUM", "/usr/bin/chromium")

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
