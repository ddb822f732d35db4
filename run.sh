#!/usr/bin/env bash
# ganbench entry point: installs everything into .venv (exact versions from requirements-lock.txt),
# then runs the study or the tests.
#   bash run.sh study --hours 2   # the shipped study (params.yaml) for at most 2 h: the cells not landed yet, longest
#                                 # first; prints what to commit. Resumes from git alone on any machine.
#   bash run.sh test    # lint, check no landed record is stale, then unit and end-to-end tests side by side
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
    .venv/bin/python -m pip install --quiet --no-compile --constraint "$LOCK" -e ".[test]"
    # pip byte-compiles on one core, compileall on all of them (about a minute of CPU for the stack), once per
    # install: without .pyc files every process would compile what it imports (PYTHONDONTWRITEBYTECODE may be set)
    if [ ! .venv/compiled -nt "$LOCK" ] || [ ! .venv/compiled -nt pyproject.toml ]; then
        .venv/bin/python -m compileall -qq -j 0 .venv/lib || true  # as pip does, skip a file that does not compile
        touch .venv/compiled
    fi
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
    # Two pytest processes side by side, about equal in time: the unit tests with the end-to-end tests
    # of a study in parts and of its records (marker `parts`), and the other end-to-end tests with the
    # unit tests that run stage scripts (BESIDE_E2E). Each process builds the smoke inputs and study its
    # tests share once. Each log ends with its 40 slowest tests (benchmarks/README.md: the split measured).
    local beside_e2e=(tests/test_stages.py tests/test_thread_independence.py)
    mkdir -p logs
    python -m pytest -q --durations=40 -m "not e2e or parts" "${beside_e2e[@]/#/--ignore=}" \
        > logs/tests-unit.log 2>&1 & local unit=$!
    python -m pytest -q --durations=40 -m "not parts" tests/e2e "${beside_e2e[@]}" > logs/tests-e2e.log 2>&1 & local e2e=$!
    local status=0
    wait "$unit" || status=1
    wait "$e2e" || status=1
    echo "== unit tests and study-in-parts tests (logs/tests-unit.log)"; tail -n 30 logs/tests-unit.log
    echo "== end-to-end tests and the stage-script unit tests (logs/tests-e2e.log)"; tail -n 30 logs/tests-e2e.log
    return "$status"
}

case "${1:-}" in
    study) shift; setup; python -m ganbench study "${@:---hours=1000}" ;;
    test)  setup; ruff check . && snakemake --lint && python -m ganbench status --check && run_tests ;;
    lock)  lock ;;
    *) echo "usage: bash run.sh study [--hours H]|test|lock" >&2; exit 2 ;;
esac
