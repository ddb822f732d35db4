"""Atomic writes: a failed writer leaves neither a partial file nor a temporary beside it; a SIGKILLed
one leaves the previous complete file (or none), plus only a hidden temporary."""
import signal
import subprocess
import sys

import numpy as np
import pytest

from ganbench.io import atomic_path, read_json, save_npz, write_json


def test_failed_write_leaves_nothing(tmp_path):
    target = tmp_path / "out" / "model.keras"
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            assert tmp.name.endswith(".keras")  # writers that infer the format from the suffix work
            tmp.write_text("half")
            raise RuntimeError("killed")
    assert list((tmp_path / "out").iterdir()) == []


def test_failed_write_keeps_the_previous_version(tmp_path):
    target = tmp_path / "metrics.json"
    write_json(target, {"fid": 1.0})
    with pytest.raises(RuntimeError):
        with atomic_path(target) as tmp:
            tmp.write_text("{broken")
            raise RuntimeError("killed")
    assert read_json(target) == {"fid": 1.0}


def test_npz_roundtrip_and_readable_permissions(tmp_path):
    save_npz(tmp_path / "s.npz", x=np.arange(3))
    assert (tmp_path / "s.npz").stat().st_mode & 0o044  # not mkstemp's private 0600
    np.testing.assert_array_equal(np.load(tmp_path / "s.npz")["x"], np.arange(3))


# A child process that starts writing `target` with the real ganbench.io function, stops half way
# through the bytes (as if the disk were slow), says so, and waits to be killed.
STALLED_WRITER = """
import io, pathlib, sys, time
import numpy as np
from ganbench import io as gio

target, kind = pathlib.Path(sys.argv[1]), sys.argv[2]

def stall(f, data):
    f.write(data[: len(data) // 2])
    f.flush()
    print("half written", flush=True)
    time.sleep(600)

def write_text(self, text, *args, **kwargs):
    with open(self, "w") as f:
        stall(f, text)

real_savez = np.savez
def savez(file, **arrays):
    buf = io.BytesIO()
    real_savez(buf, **arrays)
    with open(file, "wb") if isinstance(file, (str, pathlib.Path)) else file as f:
        stall(f, buf.getvalue())

pathlib.Path.write_text, np.savez = write_text, savez
if kind == "json":
    gio.write_json(target, {"fid": 2.0, "padding": "x" * 10000})
else:
    gio.save_npz(target, x=np.full(100000, 2.0))
"""


def killed_mid_write(target, kind: str) -> None:
    proc = subprocess.Popen([sys.executable, "-c", STALLED_WRITER, str(target), kind], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "half written"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    assert proc.returncode == -signal.SIGKILL


@pytest.mark.parametrize("kind", ["json", "npz"])
@pytest.mark.parametrize("previous", [True, False], ids=["over_old_file", "new_file"])
def test_sigkill_mid_write_leaves_the_old_file_or_none(tmp_path, kind, previous):
    target = tmp_path / f"out.{kind}"
    if previous:
        write_json(target, {"fid": 1.0}) if kind == "json" else save_npz(target, x=np.arange(3.0))
    killed_mid_write(target, kind)
    if not previous:
        assert not target.exists()
    elif kind == "json":
        assert read_json(target) == {"fid": 1.0}
    else:
        np.testing.assert_array_equal(np.load(target, allow_pickle=False)["x"], np.arange(3.0))
    # the killed writer's half-written temporary is a hidden sibling that no stage reads
    assert [p.name.startswith(".out.") for p in tmp_path.iterdir() if p != target] == [True]
