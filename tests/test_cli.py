"""Stage scripts' failures: one line on stderr; exit 2 for bad params, 1 for any other expected error;
anything that is not the project's own error type (a bug, or an OSError nobody turned into one) keeps
its traceback."""
import os
import subprocess
import sys

import pytest
import yaml
from helpers import REPO

from ganbench import cli
from ganbench.config import ConfigError
from ganbench.data.splits import DataError
from ganbench.errors import UnknownName
from ganbench.evaluation.scoring import SampleError
from ganbench.model_files import ModelFileError
from ganbench.pipeline.profiles import materialise


def fail_with(exc: Exception):
    def entry():
        raise exc
    return entry


@pytest.mark.parametrize("exc, status", [
    (ConfigError("params.yaml: batch: 0 is less than the minimum of 1"), 2),
    (DataError("data/mnist/data.npz: unreadable"), 1),
    (ModelFileError("models/g.keras: cannot load generator"), 1),
    (UnknownName("unknown loss 'x'; known: hinge"), 1),
    (SampleError("x.npz: 'x' has shape (3,)\nsecond line"), 1),
])
def test_expected_errors_are_one_line_with_their_exit_status(capsys, monkeypatch, exc, status):
    monkeypatch.delenv("GANBENCH_DEBUG", raising=False)
    with pytest.raises(SystemExit) as exit_:
        cli.main(fail_with(exc))
    assert exit_.value.code == status
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1


@pytest.mark.parametrize("exc", [ZeroDivisionError("bug"), KeyError("x"), ValueError("bad shape"), OSError("disk")])
def test_other_errors_keep_their_traceback(exc):
    with pytest.raises(type(exc)):
        cli.main(fail_with(exc))


def test_stage_script_refuses_bad_params_before_any_work(tmp_path):
    params = yaml.safe_load(materialise("smoke", REPO / "profiles"))
    params["variants"]["dcgan_ns"]["loss"] = "non_saturing"
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    done = subprocess.run([sys.executable, str(REPO / "scripts/fetch_data.py"), "--dataset", "mnist"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr == ("error: params.yaml: variants.dcgan_ns.loss: 'non_saturing' is not one of "
                           "['hinge', 'least_squares', 'minimax', 'non_saturating', 'wasserstein']\n")
    assert list(tmp_path.iterdir()) == [tmp_path / "params.yaml"]  # nothing fetched, nothing written


def test_tensorflow_starts_without_scikit_learn_which_stays_importable():
    """Keras would import scikit-learn (1.2-1.6 s) for wrappers ganbench never uses: ganbench.quiet hides it."""
    code = ("import sys, ganbench, tensorflow; print('sklearn' in sys.modules); "
            "import sklearn.metrics; print(sklearn.metrics.pairwise_distances([[0.0]], [[3.0]])[0, 0])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "GANBENCH_DEBUG": "", "PYTHONPATH": ""})  # the real scikit-learn
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "3.0"]
