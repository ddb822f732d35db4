"""The machine class a run was made on: what decides its bytes besides the code, params and data.

TensorFlow's CPU kernels (oneDNN, Eigen) pick their code by the CPU's instruction set at run time and
size their blocks from its caches, so the same commit, params and seed give a generator of other
bytes on another class of CPU (design.md section 7); TensorFlow and oneDNN promise identical bits only
on the same hardware. Every training records this fingerprint beside its timings (train.json
`machine`), so a rebuild knows whether comparing bytes with the record can prove anything:
- `cpu_model`, `cpu_flags` (the vector ISA flags), `caches` (from /proc/cpuinfo and sysfs);
- `onednn_isa` and `onednn_version`: what oneDNN itself reports it dispatches to (`ONEDNN_VERBOSE`),
  read in a short child process so the training process keeps its own settings;
- `onednn_opts`: TensorFlow's oneDNN graph rewrites (on by default only on some CPUs);
- `versions` of the numeric libraries, and every `TF_*` / `ONEDNN_*` / `DNNL_*` / `OMP_*` variable set;
- `class`: a short hash of all of the above, the key bytes are compared within.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from functools import lru_cache
from importlib import metadata
from pathlib import Path

ISA_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512bw", "avx512_vnni", "avx512_bf16", "avx512_fp16",
             "amx_tile", "amx_bf16", "amx_int8", "avx_vnni")
LIBRARIES = ("tensorflow", "keras", "numpy", "scipy")
ENV_PREFIXES = ("TF_", "ONEDNN_", "DNNL_", "OMP_")  # not KMP_: importing TensorFlow sets two of those itself
ENV_IGNORED = ("TF_CPP_MIN_LOG_LEVEL", "OMP_NUM_THREADS")  # logging, and the cores a job got (no byte depends on it)
_PROBE = ("import tensorflow as tf\n"
          "from tensorflow.python.util import _pywrap_util_port as port\n"
          "tf.nn.conv2d(tf.ones((1, 8, 8, 1)), tf.ones((3, 3, 1, 2)), 1, 'SAME')\n"
          "print('onednn_opts:', port.IsMklEnabled())\n")


def _cpuinfo() -> dict[str, str]:
    """The first processor's fields of /proc/cpuinfo (empty where there is none)."""
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return {}
    fields = {}
    for line in text.split("\n\n")[0].splitlines():
        key, _, value = line.partition(":")
        fields[key.strip()] = value.strip()
    return fields


def _caches() -> dict[str, str]:
    """cpu0's caches by level and type, e.g. {"L1d": "32K", "L2": "1024K", "L3": "32768K"}."""
    caches = {}
    for index in sorted(Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")):
        try:
            level, kind, size = ((index / name).read_text().strip() for name in ("level", "type", "size"))
        except OSError:
            continue
        caches[f"L{level}{ {'Data': 'd', 'Instruction': 'i'}.get(kind, '')}"] = size
    return caches


def _onednn() -> dict:
    """oneDNN's own report of its version and dispatch ISA, and whether TF's oneDNN rewrites are on."""
    env = {**os.environ, "ONEDNN_VERBOSE": "1", "TF_CPP_MIN_LOG_LEVEL": "2"}
    done = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, env=env, timeout=300)
    text = done.stdout + done.stderr
    isa = re.search(r"onednn_verbose,(?:v1,)?info,cpu,isa:([^\n]+)", text)
    version = re.search(r"onednn_verbose,(?:v1,)?info,oneDNN (v[\d.]+)", text)
    opts = re.search(r"onednn_opts: (True|False)", text)
    return {"onednn_isa": isa.group(1).strip() if isa else None, "onednn_version": version.group(1) if version else None,
            "onednn_opts": opts.group(1) == "True" if opts else None}


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


CACHE = Path.home() / ".cache" / "ganbench"  # oneDNN's report per machine, keyed by everything it depends on


@lru_cache(maxsize=1)
def fingerprint() -> dict:
    """This machine's class and what it is made of (see the module docstring); computed once per process,
    oneDNN's report once per machine (a child process importing TensorFlow: seconds)."""
    info = _cpuinfo()
    flags = set(info.get("flags", "").split())
    record = {"cpu_model": info.get("model name"), "cpu_flags": [f for f in ISA_FLAGS if f in flags],
              "caches": _caches(), "versions": {name: _version(name) for name in LIBRARIES},
              "env": {k: v for k, v in sorted(os.environ.items())
                      if k.startswith(ENV_PREFIXES) and k not in ENV_IGNORED}}
    cached = CACHE / f"onednn-{class_of({**record, 'cpuinfo': info.get('flags')})}.json"
    try:
        onednn = json.loads(cached.read_text())
    except (OSError, ValueError):
        onednn = _onednn()
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(onednn))
    record = {**record, **onednn}
    record["class"] = class_of(record)
    return record


def class_of(record: dict) -> str:
    """A short stable name for a fingerprint: 12 hex digits of the hash of everything but its `class`."""
    body = json.dumps({k: v for k, v in record.items() if k != "class"}, sort_keys=True)
    return hashlib.sha256(body.encode()).hexdigest()[:12]


def describe(record: dict | None) -> str:
    """One line for people: 'AMD EPYC, oneDNN Intel AVX2 (class 1a2b3c4d5e6f)', or 'not recorded'."""
    if not record:
        return "not recorded"
    return f"{record.get('cpu_model')}, oneDNN {record.get('onednn_isa')} (class {record.get('class')})"
