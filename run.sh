#!/usr/bin/env bash
# ganbench entry point: installs everything into .venv (exact versions from requirements-lock.txt),
# then runs the study or the tests.
#   bash run.sh study --hours 2   # the shipped study (params.yaml) for at most 2 h: the cells not landed yet, longest
#                                 # first; prints what to commit. Resumes from git alone on any machine.
#   bash run.sh test    # lint, check no landed record is stale, unit and end-to-end tests: side by side
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
    # The checks and three pytest processes side by side, each building once the smoke inputs and studies
    # its tests share: the study-in-parts and records tests (marker `parts`: a study landed in one go), the
    # other end-to-end tests (the README's first run), and the unit tests with the end-to-end test that
    # builds its own study (`own_study`), about equal in time. The suite is CPU-bound: three take as long as two
    # did; the checks beside them saved their own time. Each log ends with its slowest tests (benchmarks/README.md).
    mkdir -p logs
    local names=(checks parts e2e unit) pids=() status=0 i
    { ruff check . && snakemake --lint && python -m ganbench status --check; } > logs/tests-checks.log 2>&1 &
    pids+=($!)
    python -m pytest -q --durations=25 -m parts > logs/tests-parts.log 2>&1 & pids+=($!)
    python -m pytest -q --durations=25 -m "e2e and not parts and not own_study" > logs/tests-e2e.log 2>&1 & pids+=($!)
    python -m pytest -q --durations=25 -m "not e2e or own_study" > logs/tests-unit.log 2>&1 & pids+=($!)
    for i in "${!names[@]}"; do
        wait "${pids[$i]}" || status=1
        echo "== ${names[$i]} (logs/tests-${names[$i]}.log)"; tail -n 30 "logs/tests-${names[$i]}.log"
    done
    return "$status"
}

case "${1:-}" in
    study) shift; setup; python -m ganbench study "${@:---hours=1000}" ;;
    test)  setup; run_tests ;;
    lock)  lock ;;
    *) echo "usage: bash run.sh study [--hours H]|test|lock" >&2; exit 2 ;;
esac
