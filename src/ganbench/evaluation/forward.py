"""The classifier's inference in NumPy, from the Keras model's weights: bytes that do not depend on
the thread count.

Why not `model.predict`: TensorFlow's oneDNN kernels pick their blocking, and with it the order of
their sums, by thread pool size and CPU, with no promise that the bytes stay put (on the reference
machine `predict` happened to give the same bytes for 1 to 8 threads; the metric math's BLAS did
not, see `metrics.threads`). Everything downstream (the reference cache, FID, KID, every metrics
file, the training log's FID) inherits the features' last bits. Here every image goes through the
same single-threaded float32 kernels, in a batch of fixed size (`BATCH`, the last one padded) at a
position fixed by its index, and batches run side by side (`metrics.threads.parallel_map`): the
result depends on the images alone, not on the thread count or on the other images. It agrees with
`predict` to float32 rounding (tests/test_thread_independence.py; on MNIST's test split with the
study's classifier: features within 3.4e-6, probabilities within 2.9e-6, the same argmax for all
10,000) and costs about the same (benchmarks/score_speed.py).

Covers the layers a LeNet is made of (`ganbench.evaluation.classifier.build_lenet`): valid stride-1
Conv2D as im2col + one GEMM, MaxPooling2D, Flatten, Dense, Dropout (identity at inference); relu,
linear and, on the last layer, softmax (in float64, summed in class order). Anything else is a
ValueError naming the layer, when the classifier is loaded, not a wrong number later.
"""
from __future__ import annotations

from collections.abc import Callable

import keras
import numpy as np

from ganbench.evaluation.metrics.threads import parallel_map

BATCH = 64  # images per GEMM: 32 to 128 time alike; conv2's im2col block is 500 x 64 x 64 float32 = 8 MB per thread
ACTIVATIONS = ("relu", "linear")
Step = Callable[[np.ndarray], np.ndarray]  # one layer on a batch: (C, B, H, W) before Flatten, (B, K) after


def _activation(layer, allowed: tuple[str, ...] = ACTIVATIONS) -> str:
    name = keras.activations.serialize(layer.activation) if hasattr(layer, "activation") else "linear"
    if name not in allowed:
        raise ValueError(f"NumPy forward pass: layer {layer.name!r} has activation {name!r}; it knows {allowed}")
    return name


def _conv(layer) -> Step:
    """Valid, stride-1 Conv2D on channel-first (C, B, H, W) -> (F, B, H-kh+1, W-kw+1): im2col rows in
    the kernel's own (kh, kw, C) order, then one GEMM (F, kh*kw*C) @ (kh*kw*C, B*oh*ow). Channel-first
    keeps every im2col copy and the GEMM operands contiguous (1.7x faster than channels-last here)."""
    if (layer.padding, tuple(layer.strides), tuple(layer.dilation_rate), layer.data_format, layer.groups) != (
            "valid", (1, 1), (1, 1), "channels_last", 1):
        raise ValueError(f"NumPy forward pass: Conv2D {layer.name!r} is not a valid, stride-1 channels_last convolution")
    kernel = np.asarray(layer.kernel, np.float32)
    kh, kw, c, f = kernel.shape
    weights = np.ascontiguousarray(kernel.reshape(kh * kw * c, f).T)
    bias = (np.asarray(layer.bias, np.float32) if layer.use_bias else np.zeros(f, np.float32))[:, None]
    relu = _activation(layer) == "relu"

    def run(x: np.ndarray) -> np.ndarray:
        _, b, h, w = x.shape
        oh, ow = h - kh + 1, w - kw + 1
        cols = np.empty((kh, kw, c, b, oh, ow), np.float32)
        for i in range(kh):
            for j in range(kw):
                cols[i, j] = x[:, :, i:i + oh, j:j + ow]
        out = weights @ cols.reshape(kh * kw * c, b * oh * ow)
        out += bias
        if relu:
            np.maximum(out, 0, out=out)
        return out.reshape(f, b, oh, ow)

    return run


def _pool(layer) -> Step:
    """MaxPooling2D with strides equal to the pool and valid padding (a ragged edge is dropped), on
    channel-first (C, B, H, W): the maximum of the pool's strided slices (max is exact in any order)."""
    ph, pw = layer.pool_size
    if (tuple(layer.strides), layer.padding, layer.data_format) != ((ph, pw), "valid", "channels_last"):
        raise ValueError(f"NumPy forward pass: MaxPooling2D {layer.name!r} must have strides = pool size, valid padding")

    def run(x: np.ndarray) -> np.ndarray:
        c, b, h, w = x.shape
        v = x[:, :, :h - h % ph, :w - w % pw].reshape(c, b, h // ph, ph, w // pw, pw)
        out = v[:, :, :, 0, :, 0].copy()
        for i in range(ph):
            for j in range(pw):
                np.maximum(out, v[:, :, :, i, :, j], out=out)
        return out

    return run


def _flatten(x: np.ndarray) -> np.ndarray:
    """Channel-first (C, B, H, W) -> (B, H*W*C) in Keras' channels_last order."""
    return np.ascontiguousarray(x.transpose(1, 2, 3, 0)).reshape(x.shape[1], -1)


def _dense(layer, last: bool) -> Step:
    """Dense on (B, K): x @ kernel + bias in float32; relu, linear, or (last layer only) the logits of the softmax."""
    kernel, bias = np.asarray(layer.kernel, np.float32), np.asarray(layer.bias, np.float32)
    relu = _activation(layer, ACTIVATIONS + (("softmax",) if last else ())) == "relu"

    def run(x: np.ndarray) -> np.ndarray:
        out = x @ kernel
        out += bias
        return np.maximum(out, 0, out=out) if relu else out

    return run


def softmax(logits: np.ndarray) -> np.ndarray:
    """Row-wise softmax (B, C) -> float64 (B, C): exp(z - max z) / sum, the sum taken over classes in
    order (`np.add.accumulate`), so a row's bytes depend on that row alone."""
    z = logits.astype(np.float64)
    z -= z.max(axis=1, keepdims=True)
    np.exp(z, out=z)
    z /= np.add.accumulate(z, axis=1)[:, -1:]
    return z


SPATIAL = (keras.layers.Conv2D, keras.layers.MaxPooling2D)  # before Flatten; Dense after it


def _step(layer, last: bool) -> Step:
    if isinstance(layer, keras.layers.Conv2D):
        return _conv(layer)
    if isinstance(layer, keras.layers.MaxPooling2D):
        return _pool(layer)
    if isinstance(layer, keras.layers.Dense):
        return _dense(layer, last)
    if isinstance(layer, keras.layers.Flatten):
        return _flatten
    if isinstance(layer, keras.layers.Dropout):
        return lambda x: x
    raise ValueError(f"NumPy forward pass: layer {layer.name!r} ({type(layer).__name__}) is not supported; it knows "
                     "Conv2D, MaxPooling2D, Flatten, Dense and Dropout")


class Forward:
    """A Sequential classifier (convolutions and pooling, Flatten, dense layers ending in softmax) as
    NumPy: images (N, H, W, C) float32 -> (outputs of `feature_layer` (N, F) float32, probabilities
    (N, classes) float64). The weights are copied when it is built."""

    def __init__(self, model: keras.Model, feature_layer: str):
        layers = list(model.layers)
        if not layers or not isinstance(layers[-1], keras.layers.Dense) or _activation(layers[-1], ("softmax",)) != "softmax":
            raise ValueError("NumPy forward pass: the classifier must end in a Dense layer with softmax")
        flat = [i for i, layer in enumerate(layers) if isinstance(layer, keras.layers.Flatten)]
        if len(flat) != 1 or any(isinstance(layer, SPATIAL) != (i < flat[0]) for i, layer in enumerate(layers)
                                 if isinstance(layer, (*SPATIAL, keras.layers.Dense))):
            raise ValueError("NumPy forward pass: the classifier must be convolutions and pooling, one Flatten, then Dense")
        names = [layer.name for layer in layers]
        if feature_layer not in names[flat[0]:]:
            raise ValueError(f"NumPy forward pass: the classifier has no layer {feature_layer!r} after its Flatten")
        self._steps = [_step(layer, i == len(layers) - 1) for i, layer in enumerate(layers)]
        self._features_at = names.index(feature_layer)
        self._shapes = (tuple(model.input_shape[1:]), model.get_layer(feature_layer).output.shape[-1],
                        layers[-1].units)

    def _batch(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Images (B, H, W, C) -> (features (B, F) float32, probabilities (B, classes) float64)."""
        x, features = x.transpose(3, 0, 1, 2), None  # channel-first until Flatten
        for i, step in enumerate(self._steps):
            x = step(x)
            if i == self._features_at:
                features = x
        return features, softmax(x)

    def __call__(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(x, np.float32)
        shape, width, classes = self._shapes
        if x.shape[1:] != shape:
            raise ValueError(f"NumPy forward pass: images of shape {x.shape[1:]}, the classifier takes {shape}")
        features, probs = np.empty((len(x), width), np.float32), np.empty((len(x), classes))

        def run(start: int) -> None:
            batch = x[start:start + BATCH]
            rows = len(batch)
            if rows < BATCH:  # pad: every batch has the same shape, so goes through the same kernels
                batch = np.concatenate([batch, np.zeros((BATCH - rows, *shape), np.float32)])
            features[start:start + rows], probs[start:start + rows] = (a[:rows] for a in self._batch(batch))

        parallel_map(run, list(range(0, len(x), BATCH)))
        return features, probs
