"""The check on the hand count of `ganbench.training.flops`: the multiply-adds of the matmuls and
convolutions TensorFlow traces for a step (forward and gradients, in all their op types), those whose
results are used. Used by the tests and the benchmarks, not by a training run.
"""
from __future__ import annotations

import numpy as np


def _dims(tensor) -> list[int]:
    return [int(d) for d in tensor.shape]


def _op_macs(op) -> int:
    """Multiply-adds of one traced op (matmuls and convolutions in all their gradient forms)."""
    if op.type in ("MatMul", "BatchMatMulV2"):
        a, b = _dims(op.inputs[0]), _dims(op.inputs[1])
        transpose_a = op.get_attr("transpose_a" if op.type == "MatMul" else "adj_x")
        transpose_b = op.get_attr("transpose_b" if op.type == "MatMul" else "adj_y")
        m, k = (a[-1], a[-2]) if transpose_a else (a[-2], a[-1])
        n = b[-2] if transpose_b else b[-1]
        return int(np.prod(a[:-2], dtype=np.int64)) * m * k * n
    if op.type == "Conv2D":  # output (B, Ho, Wo, Co), filter (kh, kw, Ci, Co)
        out, kernel = _dims(op.outputs[0]), _dims(op.inputs[1])
        return int(np.prod(out)) * kernel[0] * kernel[1] * kernel[2]
    if op.type in ("Conv2DBackpropInput", "Conv2DBackpropFilter"):  # out_backprop (B, Ho, Wo, Co)
        grad = _dims(op.inputs[2])
        kernel = _dims(op.inputs[1]) if op.type == "Conv2DBackpropInput" else _dims(op.outputs[0])
        return int(np.prod(grad)) * kernel[0] * kernel[1] * kernel[2]
    return 0


def graph_flops_by_type(concrete_function) -> dict[str, int]:
    """FLOPs (2 x multiply-adds) per op type of the matmuls and convolutions a traced tf.function runs:
    the ops that feed its outputs or its side effects (variable updates), as TensorFlow's graph
    optimizer keeps them; gradient ops nobody uses (the input gradient of a first layer) are left out."""
    graph = concrete_function.graph
    pending = [t.op for t in concrete_function.outputs] + list(graph.control_outputs)
    pending += [op for op in graph.get_operations() if op.op_def.is_stateful and not op.outputs]
    live = set()
    while pending:
        op = pending.pop()
        if op.name not in live:
            live.add(op.name)
            pending += [t.op for t in op.inputs] + list(op.control_inputs)
    by_type: dict[str, int] = {}
    for op in graph.get_operations():
        macs = _op_macs(op) if op.name in live else 0
        if macs:
            by_type[op.type] = by_type.get(op.type, 0) + 2 * macs
    return by_type


def graph_flops(concrete_function) -> int:
    """FLOPs of the matmuls and convolutions a traced tf.function runs (`graph_flops_by_type`, summed)."""
    return sum(graph_flops_by_type(concrete_function).values())
