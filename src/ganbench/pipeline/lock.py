"""dvc.lock as recorded: a landed stage's entry, the md5 of each of its outputs, and its code.

The lock is the study's record of what each stage ran (command, code, params, inputs) and made
(outputs): `ganbench rebuild` compares rebuilt outputs with it, `ganbench relock` rewrites its record
of code. A stage's code is its dependencies under scripts/ and src/ (`ganbench.pipeline.codedeps`).
"""
from __future__ import annotations

from pathlib import Path

import yaml

LOCK = Path("dvc.lock")
CODE_DIRS = ("scripts/", "src/")


def entries(workdir: Path = Path(".")) -> dict[str, dict]:
    """Stage name (e.g. `train@mnist-dcgan_ns-0`) -> its dvc.lock entry; {} without a lock."""
    lock = workdir / LOCK
    if not lock.is_file():
        return {}
    # libyaml's parser where PyYAML has it: the full study's lock is megabytes (3.1 s of CPU in Python, 0.7 in C)
    return (yaml.load(lock.read_text(), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) or {}).get("stages", {})


def is_code(path: str) -> bool:
    return path.startswith(CODE_DIRS)


def out_md5(entry: dict, path: str) -> str | None:
    """The md5 the entry records for output `path`, None if it records no such output."""
    return next((out.get("md5") for out in entry.get("outs", []) if out["path"] == path), None)


def code_md5s(entry: dict) -> dict[str, str]:
    """The entry's code dependencies: path -> recorded md5."""
    return {dep["path"]: dep.get("md5") for dep in entry.get("deps", []) if is_code(dep["path"])}


def without_code(entry: dict) -> dict:
    """The entry with its code dependencies left out: everything relock must leave as recorded."""
    return {**entry, "deps": [dep for dep in entry.get("deps", []) if not is_code(dep["path"])]}
