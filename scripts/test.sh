#!/usr/bin/env bash
# The whole test suite: lint, types, front-end unit tests, then pytest (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
ruff check .
ruff format --check .
mypy
(cd js && npm run --silent typecheck && npm test --silent)
python -m pytest "$@"
