"""Where a train step's time goes, op by op: a TensorFlow profiler trace of steady-state steps.

    OMP_NUM_THREADS=2 python benchmarks/step_profile.py [--steps 10] [--cases dcgan mlp]

For each case of `step_parity.py` (the tutorial DCGAN at batch 256, the MLP GAN at batch 128) it
traces `steps` steps of the tutorial's plain loop and of ganbench's `GAN.fit` (after warm-up) and
prints, per class of ops, its share of the step's wall time (two ops running side by side on the
two executor threads are charged half each, so the classes and the idle rest add up to the step)
and, for the matmul and convolution classes, the GFLOP/s reached inside those ops against the
best float32 matmul rate measured just before and just after the trace. This is the profile behind the roofline and parity
figures of benchmarks/README.md: it says whether a step is slow in its matmuls or around them.
"""
import ganbench  # noqa: F401  (first: keeps TensorFlow's C++ start-up lines out, ganbench.quiet)

# isort: split
import argparse
import glob
import tempfile
import time
from collections import defaultdict

import keras
import numpy as np
import tensorflow as tf
from step_parity import CASES, ganbench_fit, matmul_peak_gflops, tutorial_loop, variant
from tensorflow.tsl.profiler.protobuf import xplane_pb2

from ganbench.runtime import configure
from ganbench.training.flops_traced import graph_flops_by_type

# Op class by op type; a scope named below overrides the type: Adam's update is element-wise work,
# and Keras 3 builds batch norm from moments and element-wise ops rather than a fused kernel.
SCOPE_CLASSES = {"adam": "Adam update", "dropout": "dropout", "batch_normalization": "batch norm"}
TYPE_CLASSES = {
    "matmul": ("MatMul", "_MklMatMul", "_FusedMatMul", "_MklFusedMatMul", "BatchMatMulV2"),
    "convolution": ("Conv2D", "Conv2DBackpropInput", "Conv2DBackpropFilter", "_FusedConv2D",
                    "_MklConv2D", "_MklNativeConv2D", "_MklFusedConv2D", "_MklNativeFusedConv2D",
                    "_MklConv2DBackpropInput", "_MklConv2DBackpropFilter",
                    "_MklNativeConv2DBackpropInput", "_MklNativeConv2DBackpropFilter",
                    "_MklConv2DWithBias", "_MklConv2DBackpropFilterWithBias",
                    "_MklNativeConv2DBackpropFilterWithBias"),
    "batch norm": ("FusedBatchNormV3", "FusedBatchNormGradV3", "_MklFusedBatchNormV3",
                   "_MklNativeFusedBatchNormV3", "_MklFusedBatchNormGradV3", "_MklNativeFusedBatchNormGradV3"),
    "activations": ("LeakyRelu", "LeakyReluGrad", "Relu", "ReluGrad", "Tanh", "TanhGrad", "Sigmoid",
                    "SigmoidGrad", "Softplus", "_MklLeakyRelu", "_MklLeakyReluGrad"),
    "bias": ("BiasAdd", "BiasAddGrad"),
}
CLASS_OF_TYPE = {op_type: name for name, types in TYPE_CLASSES.items() for op_type in types}
# Function-call ops contain the ops they run (traced separately): counting them would count twice.
CONTAINERS = {"StatefulPartitionedCall", "PartitionedCall"}


def op_class(op_name: str, op_type: str) -> str:
    scopes = op_name.lower().split("/")
    for scope, name in SCOPE_CLASSES.items():
        if any(part.startswith(scope) for part in scopes):
            return name
    return CLASS_OF_TYPE.get(op_type, "other")


def traced_ops(run) -> list[tuple[int, int, str]]:
    """Run `run()` under the profiler; (start ps, end ps, "scope/name:OpType") of every op it ran."""
    with tempfile.TemporaryDirectory() as logdir:
        tf.profiler.experimental.start(logdir)
        run()
        tf.profiler.experimental.stop()
        space = xplane_pb2.XSpace()
        with open(glob.glob(f"{logdir}/plugins/profile/*/*.xplane.pb")[0], "rb") as f:
            space.ParseFromString(f.read())
    ops = []
    for plane in space.planes:
        for line in plane.lines:
            for event in line.events:
                label = plane.event_metadata[event.metadata_id].name
                op_type = label.rsplit(":", 1)[-1].strip()
                if ":" not in label or "::" in label or op_type in CONTAINERS or op_type.startswith("__"):
                    continue  # runtime events (executor, thread pools, tf.data) and function calls
                start = line.timestamp_ns * 1000 + event.offset_ps
                ops.append((start, start + event.duration_ps, label))
    return ops


def wall_seconds_by_label(ops: list[tuple[int, int, str]]) -> dict[str, float]:
    """Split the time during which any op runs among the ops running: an op sharing the cores with
    one other op is charged half of that stretch. The result adds up to the busy wall time."""
    points = sorted([(start, 1, label) for start, _, label in ops] + [(end, -1, label) for _, end, label in ops])
    running, charged, previous = defaultdict(int), defaultdict(float), None
    for time_ps, change, label in points:
        if previous is not None and running:
            width = (time_ps - previous) * 1e-12 / sum(running.values())
            for active, count in running.items():
                charged[active] += width * count
        running[label] += change
        if not running[label]:
            del running[label]
        previous = time_ps
    return charged


def flops_by_class(concrete_function) -> dict[str, float]:
    """FLOPs of one call per op class: the matmuls and convolutions it runs (`ganbench.training.flops`)."""
    flops = defaultdict(float)
    for op_type, count in graph_flops_by_type(concrete_function).items():
        flops[CLASS_OF_TYPE.get(op_type, "other")] += count
    return flops


def adam_update_ms(shapes: list[tuple[int, ...]], calls: int = 100, repeats: int = 3) -> tuple[float, float]:
    """Milliseconds of one Adam update of variables of `shapes`, alone: Keras 3's per-variable
    element-wise ops, and TensorFlow's fused `ResourceApplyAdam` kernel (one op per variable, the
    same update rule; what tf.keras 2 ran). Best of `repeats` timings of `calls` updates."""
    rng = np.random.default_rng(0)
    grads = [tf.constant(rng.standard_normal(shape, dtype=np.float32)) for shape in shapes]
    keras_variables = [keras.Variable(tf.zeros(shape)) for shape in shapes]
    optimizer = keras.optimizers.Adam(1e-4)
    optimizer.build(keras_variables)
    slots = [[tf.Variable(tf.zeros(shape)) for shape in shapes] for _ in range(3)]  # weights, m, v
    step = tf.Variable(0.0)

    @tf.function
    def keras_update():
        optimizer.apply_gradients(zip(grads, keras_variables))
        return optimizer.iterations

    @tf.function
    def fused_update():
        step.assign_add(1.0)
        for weight, m, v, grad in zip(*slots, grads):
            tf.raw_ops.ResourceApplyAdam(var=weight.handle, m=m.handle, v=v.handle, beta1_power=0.9**step,
                                         beta2_power=0.999**step, lr=1e-4, beta1=0.9, beta2=0.999,
                                         epsilon=1e-7, grad=grad)
        return step

    def best_ms(update) -> float:
        update().numpy()
        timings = []
        for _ in range(repeats):
            started = time.perf_counter()
            for _ in range(calls):
                done = update()
            done.numpy()
            timings.append((time.perf_counter() - started) / calls)
        return 1000 * min(timings)

    return best_ms(keras_update), best_ms(fused_update)


def profile_contender(name: str, run, steps: int, flops: dict[str, float]) -> None:
    run(3, steps)  # warm-up outside the trace: tracing, thread pools, first batches
    wall = {}

    def traced():
        wall["step"] = run(1, steps)

    executed = steps + 1
    peak_before = matmul_peak_gflops()
    by_label = wall_seconds_by_label(traced_ops(traced))
    peak = max(peak_before, matmul_peak_gflops())  # this machine's speed drifts by 10 % in minutes
    by_class, by_type = defaultdict(float), defaultdict(float)
    for label, seconds in by_label.items():
        op_name, op_type = (part.strip() for part in label.rsplit(":", 1))
        by_class[op_class(op_name, op_type)] += seconds / executed
        by_type[op_type] += seconds / executed
    step = wall["step"]
    by_class["no op running"] = max(step - sum(by_class.values()), 0.0)
    print(f"  {name}: {1000 * step:.1f} ms/step under the profiler; matmul peak just before and after "
          f"{peak:.1f} GFLOP/s")
    for cls, seconds in sorted(by_class.items(), key=lambda item: -item[1]):
        line = f"    {cls:<14} {1000 * seconds:7.1f} ms  {100 * seconds / step:5.1f} %"
        if flops.get(cls) and cls != "other":
            rate = flops[cls] / seconds / 1e9
            line += f"  {flops[cls] / 1e9:6.1f} GFLOP at {rate:6.1f} GFLOP/s = {100 * rate / peak:3.0f} % of peak"
        print(line)
    top = sorted(by_type.items(), key=lambda item: -item[1])[:10]
    print("    top op types (ms/step): " + ", ".join(f"{t} {1000 * s:.1f}" for t, s in top))


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--steps", type=int, default=10, help="traced steps per contender (the MLP takes 10x as many)")
    p.add_argument("--cases", nargs="+", default=["dcgan", "mlp"], choices=["dcgan", "mlp"])
    args = p.parse_args()
    configure(0)
    x = np.random.default_rng(0).uniform(-1, 1, (256, 28, 28, 1)).astype(np.float32)
    for name, case in CASES.items():
        if case["arch"] not in args.cases:
            continue
        settings = variant(case["arch"], case["batch"])
        constant = tf.constant(x[:settings["batch"]])
        steps = args.steps * (10 if case["arch"] == "mlp" else 1)
        gan, fit = ganbench_fit(settings, tf.data.Dataset.from_tensors(constant).repeat())
        flops = flops_by_class(tf.function(gan.train_step, autograph=False).get_concrete_function(constant))
        print(f"{name}: {sum(flops.values()) / 1e9:.1f} GFLOP/step "
              f"({', '.join(f'{c} {f / 1e9:.1f}' for c, f in flops.items())})")
        profile_contender("tutorial loop", tutorial_loop(settings, constant), steps, flops)
        profile_contender("ganbench GAN.fit", fit, steps, flops)
        variables = gan.generator.trainable_variables + gan.discriminator.trainable_variables
        keras_ms, fused_ms = adam_update_ms([tuple(v.shape) for v in variables])
        print(f"  Adam update of the {sum(int(np.prod(v.shape)) for v in variables) / 1e6:.2f} M weights alone: "
              f"Keras 3 {keras_ms:.1f} ms, TensorFlow's fused ResourceApplyAdam {fused_ms:.1f} ms")


if __name__ == "__main__":
    main()
