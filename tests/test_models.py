"""Registry smoke tests: every architecture builds at tiny width with the contract's shapes, and
every architecture x loss pair trains a few steps with finite losses and moving weights."""
import itertools

import keras
import numpy as np
import pytest

from ganbench.errors import UnknownName
from ganbench.training.batches import real_batches
from ganbench.training.build import build_gan
from ganbench.training.gan import update_ema
from ganbench.training.losses import LOSSES
from ganbench.training.models import ARCHITECTURES, get_architecture


def inputs(arch, n, latent_dim=8):
    z = np.zeros((n, latent_dim), np.float32)
    return [z, np.arange(n, dtype=np.int32) % 10] if arch.conditional else z


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_generator_and_discriminator_shapes(name):
    arch = get_architecture(name)
    generator, discriminator = arch.generator(8, 0.125), arch.discriminator(0.125)
    images = generator(inputs(arch, 3))
    assert images.shape == (3, 28, 28, 1)
    assert np.all(np.abs(np.asarray(images)) <= 1)  # tanh output: the data range [-1, 1]
    images = np.asarray(images)
    logits = discriminator([images, np.arange(3, dtype=np.int32)] if arch.conditional else images)
    assert logits.shape == (3, 1)


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_width_scales_parameter_count(name):
    arch = get_architecture(name)
    assert arch.generator(100, 0.5).count_params() < arch.generator(100, 1.0).count_params()
    assert arch.discriminator(0.5).count_params() < arch.discriminator(1.0).count_params()


@pytest.mark.parametrize("name", sorted(ARCHITECTURES))
def test_spectral_norm_wraps_every_weight_layer_of_d_and_dropout_can_be_off(name):
    arch = get_architecture(name)
    plain, normalised = arch.discriminator(0.125), arch.discriminator(0.125, spectral_norm=True, dropout=0.0)
    kinds = lambda model: [type(layer).__name__ for layer in model.layers]  # noqa: E731
    weighted = [k for k in kinds(plain) if k in ("Conv2D", "Dense")]
    assert kinds(normalised).count("SpectralNormalization") == len(weighted) > 0
    assert "Dropout" in kinds(plain) and "Dropout" not in kinds(normalised)


def test_unknown_architecture_lists_known_ones():
    with pytest.raises(UnknownName, match="cdcgan, dcgan, mlp"):
        get_architecture("transformer")


@pytest.mark.parametrize("arch, loss", list(itertools.product(sorted(ARCHITECTURES), sorted(LOSSES))))
def test_every_pair_trains_with_finite_losses_and_moving_weights(arch, loss, make_variant):
    keras.utils.set_random_seed(0)
    wgan = loss == "wasserstein"
    variant = make_variant(arch=arch, loss=loss, latent_dim=8, width=0.125, d_width=0.125, batch=8, g_opt={"lr": 1e-3},
                           d_opt={"lr": 1e-3}, d_steps=2 if wgan else 1, gp_weight=10.0 if wgan else 0.0,
                           ema_decay=0.9 if arch == "dcgan" else None, d_spectral_norm=loss == "hinge")
    gan = build_gan(variant, seed=0)
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, (32, 28, 28, 1)).astype(np.float32), rng.integers(0, 10, 32)
    g_before, d_before = gan.generator.get_weights(), gan.discriminator.get_weights()
    history = gan.fit(real_batches(x, y if gan.conditional else None, 8, 0), epochs=1, steps_per_epoch=3, verbose=0)
    assert all(np.isfinite(v[-1]) for v in history.history.values())
    assert ("gp" in history.history) == wgan
    for before, model in ((g_before, gan.generator), (d_before, gan.discriminator)):
        assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))
    if variant["ema_decay"]:  # the EMA copy moves, but less than the raw generator
        ema, raw = gan.ema_generator.get_weights()[0], gan.generator.get_weights()[0]
        assert 0 < np.abs(ema - g_before[0]).sum() < np.abs(raw - g_before[0]).sum()


def test_build_gan_sizes_g_by_width_and_d_by_d_width(make_variant):
    variant = make_variant(arch="cdcgan", latent_dim=8, width=0.125, d_width=0.25)
    gan = build_gan(variant, seed=0)
    arch = get_architecture("cdcgan")
    assert gan.generator.count_params() == arch.generator(8, 0.125).count_params()
    assert gan.discriminator.count_params() == arch.discriminator(0.25, spectral_norm=True).count_params()
    assert gan.discriminator.count_params() > arch.discriminator(0.125, spectral_norm=True).count_params()


def test_lr_decay_holds_the_rate_then_falls_linearly_to_zero_at_the_last_step(make_variant):
    variant = make_variant(arch="dcgan", latent_dim=8, width=0.125, d_width=0.125, d_steps=2, lr_decay=0.5,
                           g_opt={"lr": 1e-3}, d_opt={"lr": 2e-3})
    gan = build_gan(variant, seed=0, steps=10)

    def rates(optimizer, updates: list[int]) -> list[float]:  # the learning rate after that many updates
        values = []
        for t in updates:
            optimizer.iterations.assign(t)
            values.append(float(optimizer.learning_rate))
        return values

    assert rates(gan.g_optimizer, [0, 5, 7, 10, 12]) == pytest.approx([1e-3, 1e-3, 6e-4, 0.0, 0.0])
    assert rates(gan.d_optimizer, [0, 10, 14, 20]) == pytest.approx([2e-3, 2e-3, 1.2e-3, 0.0])  # 2 D updates a step
    constant = build_gan(make_variant(arch="dcgan", latent_dim=8, width=0.125, d_width=0.125), seed=0)
    assert float(constant.g_optimizer.learning_rate) == pytest.approx(2e-4)
    with pytest.raises(ValueError, match="steps"):
        build_gan(variant, seed=0)


@pytest.mark.parametrize("step, decay", [(0, 0.1), (1_000_000, 0.999)])  # warm-up (1+t)/(10+t), then the cap
def test_update_ema_moves_the_average_by_the_warmed_up_decay_and_copies_the_statistics(step, decay):
    def net(kernel: float, mean: float) -> keras.Model:
        x = keras.Input((2,))
        model = keras.Model(x, keras.layers.BatchNormalization()(keras.layers.Dense(2)(x)))
        model.set_weights([np.full(w.shape, v, np.float32) for w, v in
                           zip(model.get_weights(), (kernel, 0.0, 1.0, 0.0, mean, 1.0))])
        return model
    average, model = net(kernel=1.0, mean=0.0), net(kernel=3.0, mean=5.0)
    update_ema(average, model, 0.999, keras.Variable(step))
    kernel, moving_mean = average.get_weights()[0], average.get_weights()[4]
    np.testing.assert_allclose(kernel, decay * 1.0 + (1 - decay) * 3.0, rtol=1e-6)
    np.testing.assert_array_equal(moving_mean, 5.0)  # BatchNorm statistics are copied, not averaged
