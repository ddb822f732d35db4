"""What two runs of a stage must agree on: an output's bytes, outside the fields that differ on every run.

train.json and train_log.csv record how long training took, how busy the machine was and which
machine it was (`TIMING_KEYS`, `TIMING_COLUMNS`): two runs of the same code, params and data on one
machine class differ there and nowhere else, so those fields are dropped before two versions are
compared. A metrics file echoes the path of the samples file it scored (`samples_file`, the Markdown
title line): the same scores in two layouts of the repository differ there only, so with
`echo=False` that echo is dropped too. Snakemake marks a directory output it made with a file of its own
(`FRONT_END_FILES`), which git then tracks beside the frames; it is no output of the stage.
"""
from __future__ import annotations

import csv
import hashlib
import io
import json
from pathlib import Path

TIMING_KEYS = frozenset({"train_seconds", "train_cpu_seconds", "home_seconds", "cores_busy", "machine_load",
                         "peak_rss_mb", "machine"})
TIMING_COLUMNS = frozenset({"seconds", "cpu_seconds"})
ECHO_KEYS = frozenset({"samples_file"})
FRONT_END_FILES = frozenset({".snakemake_timestamp"})


def front_end_file(path: str | Path) -> bool:
    return Path(path).name in FRONT_END_FILES


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def file_md5(path: str | Path) -> str:
    """The md5 of a file's bytes: what DVC 3 records for a file (dvc.lock `md5`, `hash: md5`)."""
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "md5").hexdigest()


def comparable(name: str, data: bytes, echo: bool = True) -> bytes:
    """The part of output file `name` (its bytes `data`) that two runs must agree on: JSON without
    the timing keys, CSV without the timing columns, with `echo=False` also without the samples
    file's path (metrics JSON key, Markdown title line); any other file whole."""
    suffix = Path(name).suffix
    if suffix == ".json":
        dropped = TIMING_KEYS if echo else TIMING_KEYS | ECHO_KEYS
        return json.dumps({k: v for k, v in json.loads(data).items() if k not in dropped}, sort_keys=True).encode()
    if suffix == ".csv":
        rows = list(csv.reader(io.StringIO(data.decode())))
        kept = [i for i, column in enumerate(rows[0]) if column not in TIMING_COLUMNS] if rows else []
        return json.dumps([[row[i] for i in kept] for row in rows]).encode()
    if suffix == ".md" and not echo:
        return data.split(b"\n", 1)[-1]
    return data


def digest(path: Path, echo: bool = True) -> str | None:
    """md5 of what is compared of an output: a file's `comparable` bytes (for any other file than
    JSON, CSV or Markdown its plain md5, DVC's); a directory's, of its files' relative names and
    digests (a front end's marker left out); None when the output is absent."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not front_end_file(p))
        return md5("".join(f"{p.relative_to(path)}\t{digest(p, echo)}\n" for p in files).encode())
    return md5(comparable(path.name, path.read_bytes(), echo)) if path.is_file() else None
