#!/usr/bin/env bash
# ganbench entry point: installs everything into .venv, then runs the study or the tests.
#   bash run.sh study   # default study (params.yaml) with Snakemake, all cores
#   bash run.sh test    # unit tests + end-to-end pipeline test (smoke profile, real data)
set -euo pipefail
cd "$(dirname "$0")"

setup() {
    local python=python3.11
    command -v "$python" >/dev/null || python=python3
    [ -x .venv/bin/python ] || "$python" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[test]"
    # shellcheck disable=SC1091
    source .venv/bin/activate
}

case "${1:-}" in
    study) setup; snakemake --cores all ;;
    test)  setup; python -m pytest -q ;;
    *) echo "usage: bash run.sh study|test" >&2; exit 2 ;;
esac
