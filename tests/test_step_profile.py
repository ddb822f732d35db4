"""benchmarks/step_profile.py: op classes and the split of wall time among overlapping ops."""
import sys

import pytest
from helpers import REPO

sys.path.insert(0, str(REPO / "benchmarks"))
from step_profile import op_class, wall_seconds_by_label  # noqa: E402


def test_overlapping_ops_share_the_stretch_they_run_together():
    ps = 10**12  # picoseconds per second, the trace's unit
    ops = [(0, 10 * ps, "d/dense/MatMul:MatMul"), (5 * ps, 15 * ps, "adam/Mul_1:Mul"),
           (20 * ps, 30 * ps, "d/dense/MatMul:MatMul")]  # the same op again, in a later step
    charged = wall_seconds_by_label(ops)
    assert charged["d/dense/MatMul:MatMul"] == pytest.approx(5 + 2.5 + 10)
    assert charged["adam/Mul_1:Mul"] == pytest.approx(2.5 + 5)
    assert sum(charged.values()) == pytest.approx(25)  # busy wall time; the 15-20 s gap is idle


@pytest.mark.parametrize("name, op_type, expected", [
    ("sequential/dense/MatMul", "_FusedMatMul", "matmul"),
    ("gradient_tape/d/conv2d/Conv2DBackpropFilter", "Conv2DBackpropFilter", "convolution"),
    ("adam_1/Mul_17", "Mul", "Adam update"),  # scope wins over type: element-wise optimizer work
    ("d/dropout/SelectV2", "SelectV2", "dropout"),
    ("g/leaky_re_lu/LeakyRelu", "LeakyRelu", "activations"),
    ("gradient_tape/g/batch_normalization_1/moments/Tile", "Tile", "batch norm"),
    ("Sum_1", "Sum", "other"),
])
def test_op_class(name, op_type, expected):
    assert op_class(name, op_type) == expected
