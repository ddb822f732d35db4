"""`ganbench relock`: bring dvc.lock's record of code up to date, where a proof says the change is neutral.

After a code change `ganbench prove` showed neutral, the landed records are still what the new code
computes, but dvc.lock holds the old code's md5s, so every stage depending on a changed file is stale
and the study would rerun it for nothing. For every landed stage `ganbench status` calls stale, relock
verifies:
- that everything that changed is code: paths under scripts/ or src/ (a code file added to or dropped
  from the closure counts), never params, data, a git-tracked input, the command or an output (an
  absent output is fine: it is only not here), and that every code file dvc.yaml lists exists;
- that a neutral proof in results/proofs/ (every output identical) covers the stage's name (train,
  generate, score, ...), with `code` md5s equal to the workspace's files of the stage's code
  dependencies and `code_old` md5s equal to the code dvc.lock records: the proof ran the recorded
  code against the code as it is now.
Only then, and only if every stale stage passes, it rewrites those stages' code dependencies through
DVC's own API (`dep.save()` for each, then `stage.dump(update_pipeline=False)`), never `stage.save()`,
which would rehash present outputs and inputs whose bytes may differ on this machine; everything else
stays as recorded (checked after the write: any other difference puts the old dvc.lock back).

What it assumes and cannot verify: that the proven cells exercise the changed code paths of every
cell of the stage (a change only an unproven variant reaches passes unseen), and that a change
neutral on this machine is neutral on any (the proof ran on one machine class, and TensorFlow's
kernels differ between classes).
"""
from __future__ import annotations

from pathlib import Path

import yaml

from ganbench.errors import GanbenchError
from ganbench.io import atomic_path, read_json
from ganbench.pipeline import lock
from ganbench.pipeline.comparable import file_md5
from ganbench.pipeline.lock import LOCK
from ganbench.pipeline.prove import PROOFS
from ganbench.pipeline.status import clone_state


def relock() -> list[str]:
    """Verify and rewrite (see the module docstring); the stages whose code it recorded."""
    from dvc.repo import Repo

    stale = clone_state().stale
    if not stale:
        print("No landed stage is stale: dvc.lock has nothing to relock.")
        return []
    for name in sorted(stale):
        if other := [what for what in stale[name] if not lock.is_code(what)]:
            raise GanbenchError(f"{name}: {other[0]} changed, which is not code: relock records proven code changes "
                                "only; rerun the stage")
    entries, proofs = lock.entries(), {path: read_json(path) for path in sorted(PROOFS.glob("*.json"))}
    before = LOCK.read_text()
    lines = []
    with Repo(".") as repo, repo.lock:
        stages = sorted((s for s in repo.index.stages if s.addressing in stale), key=lambda s: s.addressing)
        for stage in stages:
            recorded = lock.code_md5s(entries[stage.addressing])
            current = _current_code(stage)
            proof = _covering(stage.addressing, current, recorded, proofs, stale[stage.addressing])
            edited = sorted(path for path in recorded.keys() | current.keys() if recorded.get(path) != current.get(path))
            lines.append(f"{stage.addressing}: code recorded as proven by {proof}: {', '.join(edited)}")
        for stage in stages:
            for dep in stage.deps:
                if lock.is_code(dep.def_path):
                    dep.save()
            stage.dump(update_pipeline=False)
    _check_only_code(before, {stage.addressing for stage in stages})
    print("\n".join(lines))
    return [stage.addressing for stage in stages]


def _current_code(stage) -> dict[str, str]:
    """The stage's code dependencies as dvc.yaml lists them: path -> md5 of the workspace's file."""
    code = [dep.def_path for dep in stage.deps if lock.is_code(dep.def_path)]
    if missing := [path for path in code if not Path(path).is_file()]:
        raise GanbenchError(f"{stage.addressing}: {missing[0]} is a code dependency in dvc.yaml but absent: "
                            "run `ganbench dag`")
    return {path: file_md5(path) for path in code}


def _covering(name: str, current: dict, recorded: dict, proofs: dict[Path, dict], changes: list[str]) -> Path:
    """The proof that covers stage `name`'s change from its recorded code to its current code."""
    kind = name.partition("@")[0]
    covering = [path for path, proof in proofs.items()
                if proof.get("neutral") and proof.get("code", {}).get(kind) == current]
    if not covering:
        raise GanbenchError(f"{name}: no neutral proof in {PROOFS}/ covers its code as it is now ({changes[0]} changed): "
                            f"run `ganbench prove <old-rev> <dataset>/<variant>/<seed>` first")
    from_record = [path for path in covering if proofs[path].get("code_old", {}).get(kind) == recorded]
    if not from_record:
        raise GanbenchError(f"{name}: {covering[0]} proves its current code, but from other code than dvc.lock "
                            "records: prove it from the commit its record was made with")
    return from_record[0]


def _check_only_code(before: str, relocked: set[str]) -> None:
    """dvc.lock differs from `before` in the relocked stages' code dependencies only; else it is put back."""
    old, new = (yaml.safe_load(before) or {}).get("stages", {}), lock.entries()
    for name in sorted(old.keys() | new.keys()):
        keep = lock.without_code if name in relocked else (lambda entry: entry)
        if name not in old or name not in new or keep(old[name]) != keep(new[name]):
            with atomic_path(LOCK) as tmp:
                tmp.write_text(before)
            raise GanbenchError(f"dvc.lock: DVC rewrote more of {name} than its code dependencies; "
                                "left dvc.lock as it was")
