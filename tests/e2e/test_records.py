"""A study's records on another clone: `ganbench rebuild` makes a landed cell's heavy outputs again and
leaves its records as git holds them; `ganbench prove` shows a code edit neutral by running a cell at
the old commit and at HEAD; `ganbench relock` then records the new code in dvc.lock, and refuses
anything that is not a proven code change.

Each test takes a committed copy of the smoke study landed in one part (`one_go`, two seeds): its records
are git, as on main.
Slow (minutes): select or skip it with `-m e2e` / `-m "not e2e"`.
"""
import json
import re
import shutil
import sys

import pytest
from helpers import commit, dvc_json, edit_params, run, sh

pytestmark = [pytest.mark.e2e, pytest.mark.parts]
CELL = "mnist/dcgan_ns/0"
TRAIN, GENERATE = "train@mnist-dcgan_ns-0", "generate@mnist-dcgan_ns-0"
TRAIN_SEED1 = "train@mnist-dcgan_ns-1"  # proven through seed 0's cell: relock trusts one cell per stage and code path
ARTIFACTS = "artifacts/mnist/dcgan_ns/seed0"
TRAIN_ONLY = "src/ganbench/training/batches.py"  # in train's code closure and no other stage's


def ganbench(root, *args: str):
    return run(root, sys.executable, "-m", "ganbench", *args)


def one_line_error(done) -> str:
    """The refusal: exit status 1 and one line on stderr."""
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1 and lines[0].startswith("error: "), done.stderr[-3000:]
    return lines[0]


def test_rebuild_makes_absent_heavy_outputs_again_and_leaves_the_records(landed):
    shutil.rmtree(landed / ARTIFACTS)  # as on a fresh clone
    lock = (landed / "dvc.lock").read_bytes()
    out = sh(landed, sys.executable, "-m", "ganbench", "rebuild", CELL)
    assert "match   artifacts/mnist/dcgan_ns/seed0/generator.keras" in out and "DIFFER" not in out, out[-3000:]
    assert "committed to the DVC cache" in out
    assert sh(landed, "git", "status", "--porcelain", "--", "results") == ""
    assert (landed / "dvc.lock").read_bytes() == lock
    assert dvc_json(landed, "status", TRAIN, GENERATE) == {}


def test_rebuild_refuses_a_cell_that_never_ran(one_go):
    error = one_line_error(ganbench(one_go, "rebuild", "mnist/dcgan_ns/7"))
    assert "mnist/dcgan_ns/7: not landed" in error


def test_a_neutral_code_edit_is_proven_then_relocked(landed):
    module = landed / TRAIN_ONLY
    module.write_text(module.read_text() + "# a comment changes no output\n")
    commit(landed, "a comment in train's code")
    assert f"Stale (code, params or inputs changed since their records were made): 2 stage cells: {TRAIN}, " \
           f"{TRAIN_SEED1}" in sh(landed, sys.executable, "-m", "ganbench", "status")
    assert TRAIN in one_line_error(ganbench(landed, "relock"))

    out = sh(landed, sys.executable, "-m", "ganbench", "prove", "HEAD~1", CELL)
    assert "neutral: every output identical" in out, out[-3000:]
    short = sh(landed, "git", "rev-parse", "--short", "HEAD").strip()
    proof = json.loads((landed / f"results/proofs/{short}.json").read_text())
    assert proof["neutral"] and proof["cells"] == [CELL] and set(proof["stages"]) == {"train", "generate", "score"}
    assert proof["code"]["train"][TRAIN_ONLY] != proof["code_old"]["train"][TRAIN_ONLY]
    assert sh(landed, "git", "worktree", "list").count("\n") == 1  # the proof's worktrees are gone

    relocked = sh(landed, sys.executable, "-m", "ganbench", "relock")
    assert TRAIN in relocked and TRAIN_SEED1 in relocked
    status = sh(landed, sys.executable, "-m", "ganbench", "status")
    assert "Stale" not in status and "Everything is here and current" in status, status
    changed = [line for line in sh(landed, "git", "diff", "-U0", "--", "dvc.lock").splitlines()
               if line.startswith(("-", "+")) and not line.startswith(("---", "+++"))]
    # batches.py's md5 and size, old and new, in both seeds' train entries
    assert len(changed) == 8 and all(("md5:" in line) != ("size:" in line) for line in changed), changed


def test_relock_refuses_a_params_change(landed):
    edit_params(landed, lambda params: params["variants"]["dcgan_ns"].update(batch=16))
    lock = (landed / "dvc.lock").read_bytes()
    error = one_line_error(ganbench(landed, "relock"))
    assert re.match(r"error: \w+@[\w-]+: params.yaml changed, which is not code", error), error
    assert (landed / "dvc.lock").read_bytes() == lock
