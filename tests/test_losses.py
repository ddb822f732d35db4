"""Losses on fixed logits against hand-computed values (TF-GAN style)."""
import math

import numpy as np
import pytest
import tensorflow as tf

from ganbench.losses import LOSSES, get_loss, non_saturating


def test_non_saturating_matches_hand_computed_values():
    real, fake = tf.constant([[2.0], [-1.0]]), tf.constant([[0.5], [-3.0]])
    d_loss, g_loss = non_saturating(real, fake)
    sig = lambda x: 1 / (1 + math.exp(-x))  # noqa: E731
    want_d = -np.mean([math.log(sig(2.0)), math.log(sig(-1.0))]) - np.mean([math.log(1 - sig(0.5)), math.log(1 - sig(-3.0))])
    want_g = -np.mean([math.log(sig(0.5)), math.log(sig(-3.0))])
    assert float(d_loss) == pytest.approx(want_d, rel=1e-6)
    assert float(g_loss) == pytest.approx(want_g, rel=1e-6)


def test_non_saturating_is_finite_for_extreme_logits():
    d_loss, g_loss = non_saturating(tf.constant([[1e4]]), tf.constant([[-1e4]]))
    assert float(d_loss) == pytest.approx(0.0, abs=1e-6) and float(g_loss) == pytest.approx(1e4)


@pytest.mark.parametrize("name", sorted(LOSSES))
def test_every_loss_returns_two_scalars(name):
    d_loss, g_loss = get_loss(name)(tf.zeros((4, 1)), tf.zeros((4, 1)))
    assert d_loss.shape == () and g_loss.shape == ()


def test_unknown_loss_lists_known_ones():
    with pytest.raises(KeyError, match="non_saturating"):
        get_loss("wasserstein_typo")
