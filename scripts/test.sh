#!/usr/bin/env bash
# The whole test suite: lint, types, front-end unit tests, the wheel installed where no Node
# is, then pytest (browser tests included).
set -euo pipefail
cd "$(dirname "$0")/.."
ruff check .
ruff format --check .
mypy
python scripts/check_layers.py
python scripts/check_public_any.py
(cd js && npm run --silent types:check)  # js/src/generated/schema.ts is what lazyviz/schema.json generates
(cd js && npm run --silent typecheck && npm test --silent)
bash scripts/check-wheel.sh 2> >(grep -v "is ignored: it is neither" >&2)
python -m pytest "$@"
