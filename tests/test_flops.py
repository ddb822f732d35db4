"""The study's unit of compute: FLOPs counted by hand from the layers (ganbench.training.flops), checked
against closed-form counts and against the matmuls and convolutions TensorFlow traces for a step."""
import numpy as np
import pytest
import tensorflow as tf

from ganbench.training.batches import real_batches
from ganbench.training.build import build_gan
from ganbench.training.flops import variant_flops
from ganbench.training.flops_traced import graph_flops

MLP = {"arch": "mlp", "width": 1.0, "d_width": 1.0, "loss": "non_saturating", "d_spectral_norm": False, "d_dropout": 0.3}


def test_the_mlp_gan_by_hand(make_variant):
    """G 100-256-512-1024-784, D 784-1024-512-256-1: multiply-adds per image, and a step of batch 64:
    3 G + 7 D, less the input gradients no one needs (G's first layer; D's first layer twice)."""
    g = 100 * 256 + 256 * 512 + 512 * 1024 + 1024 * 784
    d = 784 * 1024 + 1024 * 512 + 512 * 256 + 256 * 1
    counted = variant_flops(make_variant(**MLP, batch=64))
    assert counted["generator_mflops_per_image"] == pytest.approx(2 * g / 1e6)
    assert counted["train_step_gflops"] == pytest.approx(2 * 64 * (3 * g - 100 * 256 + 7 * d - 2 * 784 * 1024) / 1e9)


def test_the_conditional_dcgan_by_hand(make_variant):
    """G at half the tutorial's channels: Dense 150 -> 7x7x128, ConvT 5x5 128->64 on 7x7 (stride 1),
    64->32 on 7x7 and 32->1 on 14x14 (stride 2, counted on their input side); D at full width: conv
    5x5 1->64 onto 14x14, 64->128 onto 7x7, the logit and the projection over 7x7x128 features."""
    g = 150 * 6272 + 25 * 128 * 64 * 49 + 25 * 64 * 32 * 49 + 25 * 32 * 1 * 196
    d = 25 * 1 * 64 * 196 + 25 * 64 * 128 * 49 + 6272 + 6272
    counted = variant_flops(make_variant(arch="cdcgan", width=0.5, d_width=1.0, batch=64))
    assert counted["generator_mflops_per_image"] == pytest.approx(2 * g / 1e6)
    # G's Dense is fed through the label embedding, so its input gradient is needed: only D's first layer is spared
    assert counted["train_step_gflops"] == pytest.approx(2 * 64 * (3 * g + 7 * d - 2 * 25 * 64 * 196) / 1e9)


@pytest.mark.parametrize("overrides", [MLP, {"arch": "cdcgan", "width": 0.5, "d_width": 1.0},
                                       {"arch": "cdcgan", "width": 0.125, "d_width": 1.0},
                                       {"arch": "dcgan", "width": 1.0, "d_width": 1.0, "batch": 256}],
                         ids=["mlp", "base", "g_eighth", "tutorial"])
def test_the_hand_count_matches_the_ops_tensorflow_runs(make_variant, overrides):
    settings = make_variant(**overrides)
    gan = build_gan(settings, 0)
    rng = np.random.default_rng(0)
    n = 2 * settings["batch"]
    x, y = rng.uniform(-1, 1, (n, 28, 28, 1)).astype(np.float32), rng.integers(0, 10, n)
    batch = next(iter(real_batches(x, y if gan.conditional else None, settings["batch"], 0)))
    traced = graph_flops(tf.function(gan.train_step, autograph=False).get_concrete_function(batch)) / 1e9
    assert traced == pytest.approx(variant_flops(settings)["train_step_gflops"], rel=0.10)


def test_extra_discriminator_updates_and_a_gradient_penalty_cost_more(make_variant):
    base = variant_flops(make_variant())["train_step_gflops"]
    wgan = variant_flops(make_variant(loss="wasserstein", d_steps=5, gp_weight=10.0))["train_step_gflops"]
    assert 5 < wgan / base < 8
