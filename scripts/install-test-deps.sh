#!/usr/bin/env bash
# Everything the test suite needs on a fresh Debian machine, in the order that matters.
set -euo pipefail
cd "$(dirname "$0")/.."
# torch first and pinned: any other spec pulls a multi-GB CUDA build; it does not bring numpy.
python -m pip install torch==2.13.0 numpy
python -m pip install -e ".[test]"
(cd js && npm ci --no-audit --no-fund)
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  apt-get update -qq && apt-get install -y -qq chromium
fi
