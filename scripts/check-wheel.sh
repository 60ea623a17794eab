#!/usr/bin/env bash
# The wheel carries the built front end: installed in a fresh environment with no
# Node or npm on the PATH, `lazyviz demo` writes a working page. Needs Node only to
# build the wheel (as any source checkout does).
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" .
wheel=$(ls "$work"/dist/lazyviz-*.whl)
python - "$wheel" <<'PY'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = {"lazyviz/static/widget.js", "lazyviz/static/widget.css", "lazyviz/static/inits.js",
        "lazyviz/static/inits.css", "lazyviz/static/loader.js", "lazyviz/static/page.js", "lazyviz/export/snapshot.js"}
missing = need - names
if missing:
    sys.exit(f"the wheel lacks {sorted(missing)}")
print(f"wheel ok: {sys.argv[1].rsplit('/', 1)[-1]} ({len(names)} files)")
PY
python -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet torch==2.13.0 numpy
"$work/venv/bin/python" -m pip install --quiet "$wheel"
# Only the venv on the PATH: no node, no npm (on Debian /bin is /usr/bin, where node lives).
if PATH="$work/venv/bin" command -v node >/dev/null 2>&1; then
  echo "node is still reachable" >&2
  exit 1
fi
(cd "$work" && PATH="$work/venv/bin" HOME="$work" lazyviz demo --out "$work/demo.html")
python - "$work/demo.html" <<'PY'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
assert 'id="lazyviz-esm"' in text and len(text) > 100_000, "the page lacks the bundle"
print(f"demo page from the wheel without node: {len(text):,} bytes")
PY
