"""Keep TensorFlow's C++ start-up lines (oneDNN notices, absl's "All log messages before ..." banner,
tf.data attribute errors) out of every command's output, and its start-up lean; `GANBENCH_DEBUG=1`
shows the lines again (and imports as TensorFlow would).

They are written by C++ straight to file descriptor 2 while `import tensorflow` runs, before any
logging setting can apply, so the first import of tensorflow, wherever it happens, runs with fd 2
pointed at /dev/null (an import hook installed by `ganbench/__init__.py`; a failing import still
raises and prints its traceback afterwards). Later C++ log lines obey TF_CPP_MIN_LOG_LEVEL, set
here to 3 unless the user set it.

Keras imports scikit-learn, when it is installed (the test extra brings it), for its scikit-learn
wrappers, which ganbench never uses: 1.2-1.6 s of CPU in every process that imports TensorFlow (about
a fifth of its import on the study machine). The same hook hides scikit-learn while TensorFlow's
import runs, so Keras takes it for absent; `import sklearn` works as usual afterwards.
"""
from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import os
import sys
from typing import Iterator


@contextlib.contextmanager
def silenced_stderr() -> Iterator[None]:
    """Point file descriptor 2 at /dev/null for the duration (C++ writes bypass sys.stderr)."""
    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


@contextlib.contextmanager
def hidden_module(name: str) -> Iterator[None]:
    """`import name` raises ImportError for the duration, unless it is imported already."""
    if name in sys.modules:
        yield
        return
    sys.modules[name] = None
    try:
        yield
    finally:
        if sys.modules.get(name, 0) is None:
            del sys.modules[name]


class _QuietLoader(importlib.abc.Loader):
    def __init__(self, loader: importlib.abc.Loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module) -> None:
        with silenced_stderr(), hidden_module("sklearn"):
            self.loader.exec_module(module)


class _QuietTensorflow(importlib.abc.MetaPathFinder):
    """Finds nothing itself; wraps the loader of the top-level `tensorflow` package, once."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _QuietLoader(spec.loader)
        return spec


def install() -> None:
    """Silence TensorFlow's start-up unless GANBENCH_DEBUG is set or tensorflow is already imported."""
    if os.environ.get("GANBENCH_DEBUG") or "tensorflow" in sys.modules:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if not any(isinstance(f, _QuietTensorflow) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorflow())
