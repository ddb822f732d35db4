"""Floating-point operations of a variant, counted by hand from its layers: the study's unit of compute.

Budgets, eligibility and the compute axis of every figure are in these FLOPs, never in seconds, so
that the same params mean the same runs and the same picks on any machine. The convention (README
"Compute in FLOPs"):

- a multiply-add is 2 FLOPs; only the layers with weights that multiply are counted: Dense
  (in x out per sample), Conv2D (kh kw C_in C_out per *output* position), Conv2DTranspose
  (kh kw C_in C_out per *input* position: the work a transposed convolution does), and the
  projection discriminator's dot product (F per sample). Embeddings, activations, batch norm,
  dropout, biases and optimizer updates are not counted (under 2 % of any step here);
- a training step of batch B: one forward pass of G, D on the real and on the fake batch, and the
  backward passes, each as costly as the forward for the weights, and again for the inputs, that
  need gradients: D's loss through both D passes (2 + 2), G's loss through D on the fakes for the
  inputs only (1) and through G (2). A layer fed by the network's inputs alone (G's first layer on
  z, D's first layer on the images) needs no input gradient, except D's on the fakes for G's loss.
  Per step, B x (3 G - G1 + 7 D - 2 D1) multiply-adds, with G1, D1 those first layers; each extra
  discriminator update (`d_steps` > 1) adds B x (G + 6 D - 2 D1) (a fresh fake batch, D forward
  and backward on both); a gradient penalty adds B x 6 D per discriminator update (D on the
  interpolates, its input gradient, and the double backward through both).

`ganbench.training.flops_traced` counts the same multiply-adds from the ops TensorFlow actually traces
for a step, those whose results are used; tests/test_flops.py checks the two agree within 10 %.
"""
from __future__ import annotations

import keras
import numpy as np

from ganbench.training.models import get_architecture

GP_D_PASSES = 6  # D passes a gradient penalty adds per discriminator update (see the module docstring)


def _shape(tensor) -> tuple[int, ...]:
    return tuple(int(d) for d in tensor.shape[1:])


def layer_macs(layer: keras.layers.Layer) -> int:
    """Multiply-adds of one call of `layer` on one sample (the batch dimension dropped)."""
    inner = getattr(layer, "layer", None)  # SpectralNormalization wraps the layer that does the work
    if isinstance(layer, keras.layers.SpectralNormalization) and inner is not None:
        return layer_macs_of(inner, _shape(layer.input), _shape(layer.output))
    if isinstance(layer, keras.layers.Dot):  # the projection: <embedding(y), h> over F features
        return int(np.prod(_shape(layer.input[0])))
    if isinstance(layer.input, list):  # Concatenate, Add: no multiplications
        return 0
    return layer_macs_of(layer, _shape(layer.input), _shape(layer.output))


def layer_macs_of(layer: keras.layers.Layer, in_shape: tuple[int, ...], out_shape: tuple[int, ...]) -> int:
    if isinstance(layer, keras.layers.Dense):
        return int(np.prod(in_shape[:-1], dtype=np.int64)) * in_shape[-1] * layer.units
    if isinstance(layer, keras.layers.Conv2DTranspose):
        kh, kw = layer.kernel_size
        return in_shape[0] * in_shape[1] * kh * kw * in_shape[2] * layer.filters
    if isinstance(layer, keras.layers.Conv2D):
        kh, kw = layer.kernel_size
        return out_shape[0] * out_shape[1] * kh * kw * in_shape[2] * layer.filters
    return 0


def model_macs(model: keras.Model) -> int:
    """Multiply-adds of one forward pass of `model` on one sample."""
    return sum(layer_macs(layer) for layer in model.layers)


def input_layer_macs(model: keras.Model) -> int:
    """Multiply-adds of the weight layers fed by the model's inputs through weight-free layers only
    (Flatten, Reshape): their input gradient is never needed. A layer fed through a trainable
    embedding, as G's first layer in the conditional DCGAN, is not one."""
    derived = {id(t) for t in model.inputs}  # tensors computed from the inputs without any weights
    macs = 0
    for layer in model.layers:
        ins = layer.input if isinstance(layer.input, list) else [layer.input]
        if not all(id(t) in derived for t in ins):
            continue
        if layer.trainable_weights:
            macs += layer_macs(layer)
        else:
            derived.add(id(layer.output))
    return macs


def networks(variant: dict) -> tuple[keras.Model, keras.Model]:
    """The variant's G and D, built (untrained) from the architecture registry."""
    arch = get_architecture(variant["arch"])
    return (arch.generator(variant["latent_dim"], variant["width"]),
            arch.discriminator(variant["d_width"], variant["d_spectral_norm"], variant["d_dropout"]))


def step_macs(g: keras.Model, d: keras.Model, batch: int, d_steps: int = 1, gp: bool = False) -> int:
    """Multiply-adds of one generator step (the module docstring's convention)."""
    g_macs, d_macs, g1, d1 = model_macs(g), model_macs(d), input_layer_macs(g), input_layer_macs(d)
    per_sample = 3 * g_macs - g1 + 7 * d_macs - 2 * d1 + (d_steps - 1) * (g_macs + 6 * d_macs - 2 * d1)
    if gp:
        per_sample += d_steps * GP_D_PASSES * d_macs
    return batch * per_sample


def variant_flops(variant: dict) -> dict:
    """The compute profile of a complete variant: G and D parameters, G's MFLOP per image (inference)
    and the GFLOP of one training step at the variant's batch."""
    g, d = networks(variant)
    step = step_macs(g, d, variant["batch"], variant["d_steps"], bool(variant["gp_weight"]))
    return {"generator_params": int(g.count_params()), "discriminator_params": int(d.count_params()),
            "generator_mflops_per_image": 2 * model_macs(g) / 1e6, "train_step_gflops": 2 * step / 1e9}
