#!/usr/bin/env bash
# ganbench entry point: installs everything into .venv (exact versions from requirements-lock.txt),
# then runs the study or the tests.
#   bash run.sh study   # the shipped study (params.yaml: the components profile) with Snakemake, all cores
#   bash run.sh test    # lint, then unit tests and end-to-end pipeline tests (smoke profile, real data) side by side
#   bash run.sh lock    # refresh requirements-lock.txt: newest versions pyproject.toml allows, in a fresh venv
set -euo pipefail
cd "$(dirname "$0")"
LOCK=requirements-lock.txt

python_bin() {
    if command -v python3.11 >/dev/null; then echo python3.11; else echo python3; fi
}

setup() {
    [ -x .venv/bin/python ] || "$(python_bin)" -m venv .venv
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet --constraint "$LOCK" -e ".[test]"
    # shellcheck disable=SC1091
    source .venv/bin/activate
}

lock() {
    local venv
    venv=$(mktemp -d)
    "$(python_bin)" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet -e ".[test]"
    { echo "# Exact versions the shipped results were made with; run.sh installs with --constraint this file."
      echo "# Refresh with \`bash run.sh lock\` (then rerun the study: new versions change the numbers)."
      "$venv/bin/python" -m pip freeze --exclude-editable --all | grep -v '^pip=='; } > "$LOCK"
    rm -rf "$venv"
}

run_tests() {
    # The unit tests and the end-to-end tests side by side, one pytest process each: the end-to-end
    # tests share one session's smoke inputs and study, the unit tests need nothing of theirs.
    # Each log ends with its 15 slowest tests.
    mkdir -p logs
    python -m pytest -q --durations=15 -m "not e2e" > logs/tests-unit.log 2>&1 & local unit=$!
    python -m pytest -q --durations=15 -m e2e > logs/tests-e2e.log 2>&1 & local e2e=$!
    local status=0
    wait "$unit" || status=1
    wait "$e2e" || status=1
    echo "== unit tests (logs/tests-unit.log)"; tail -n 30 logs/tests-unit.log
    echo "== end-to-end tests (logs/tests-e2e.log)"; tail -n 30 logs/tests-e2e.log
    return "$status"
}

case "${1:-}" in
    study) setup; snakemake --cores all ;;
    test)  setup; ruff check . && snakemake --lint && run_tests ;;
    lock)  lock ;;
    *) echo "usage: bash run.sh study|test|lock" >&2; exit 2 ;;
esac
