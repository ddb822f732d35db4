"""Losses on fixed logits against hand-computed values (TF-GAN style), and the gradient penalty
on a critic whose input gradient is known."""
import math

import numpy as np
import pytest
import tensorflow as tf

from ganbench.errors import UnknownName
from ganbench.training.losses import LOSSES, get_loss, gradient_penalty

REAL = tf.constant([[2.0], [-1.0]])
FAKE = tf.constant([[0.5], [-3.0]])


def sig(x):
    return 1 / (1 + math.exp(-x))


def d_cross_entropy():
    """-E log D(x) - E log(1 - D(G(z))) on REAL/FAKE, by hand."""
    return -np.mean([math.log(sig(2.0)), math.log(sig(-1.0))]) - np.mean([math.log(1 - sig(0.5)), math.log(1 - sig(-3.0))])


EXPECTED = {  # name -> (d_loss, g_loss) on REAL, FAKE
    "minimax": (d_cross_entropy(), np.mean([math.log(1 - sig(0.5)), math.log(1 - sig(-3.0))])),
    "non_saturating": (d_cross_entropy(), -np.mean([math.log(sig(0.5)), math.log(sig(-3.0))])),
    # LSGAN a=0, b=1, c=1: 0.5*mean((r-1)^2) + 0.5*mean(f^2); 0.5*mean((f-1)^2)
    "least_squares": (0.5 * np.mean([1.0, 4.0]) + 0.5 * np.mean([0.25, 9.0]), 0.5 * np.mean([0.25, 16.0])),
    # hinge: mean(relu(1-r)) + mean(relu(1+f)); -mean(f)
    "hinge": (np.mean([0.0, 2.0]) + np.mean([1.5, 0.0]), 1.25),
    # wasserstein: mean(f) - mean(r); -mean(f)
    "wasserstein": (-1.25 - 0.5, 1.25),
}


def test_every_registered_loss_has_a_hand_computed_case():
    assert set(EXPECTED) == set(LOSSES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_loss_matches_hand_computed_values(name):
    d_loss, g_loss = get_loss(name)(REAL, FAKE)
    assert d_loss.shape == () and g_loss.shape == ()
    assert float(d_loss) == pytest.approx(EXPECTED[name][0], rel=1e-6)
    assert float(g_loss) == pytest.approx(EXPECTED[name][1], rel=1e-6)


def test_least_squares_targets_are_configurable():
    # a=-1, b=1, c=0: 0.5*mean((r-1)^2) + 0.5*mean((f+1)^2); 0.5*mean(f^2)
    d_loss, g_loss = get_loss({"name": "least_squares", "a": -1, "b": 1, "c": 0})(REAL, FAKE)
    assert float(d_loss) == pytest.approx(0.5 * 2.5 + 0.5 * np.mean([2.25, 4.0]))
    assert float(g_loss) == pytest.approx(0.5 * np.mean([0.25, 9.0]))


def test_cross_entropy_losses_are_finite_for_extreme_logits():
    for name in ("minimax", "non_saturating"):
        d_loss, g_loss = get_loss(name)(tf.constant([[1e4]]), tf.constant([[-1e4]]))
        assert np.isfinite(float(d_loss)) and np.isfinite(float(g_loss))


def test_unknown_loss_lists_known_ones():
    with pytest.raises(UnknownName, match="hinge.*least_squares"):
        get_loss("wasserstein_typo")


def test_gradient_penalty_of_a_linear_critic_is_known():
    # D(x) = sum(w * x): grad = w everywhere, so penalty = (||w|| - 1)^2 wherever it is evaluated
    w = tf.fill((1, 28, 28, 1), 0.1)  # ||w|| = 0.1 * 28 = 2.8
    critic = lambda x: tf.reduce_sum(w * x, axis=[1, 2, 3])  # noqa: E731
    real, fake = tf.random.normal((4, 28, 28, 1)), tf.random.normal((4, 28, 28, 1))
    penalty = gradient_penalty(critic, real, fake, tf.random.uniform((4, 1, 1, 1)))
    assert float(penalty) == pytest.approx((2.8 - 1.0) ** 2, rel=1e-5)


def test_gradient_penalty_interpolates_between_real_and_fake():
    # D(x) = 0.5 * sum(x^2): grad = x_hat, so with alpha = 1 the penalty sees only the real batch
    critic = lambda x: 0.5 * tf.reduce_sum(tf.square(x), axis=[1, 2, 3])  # noqa: E731
    real = tf.fill((2, 28, 28, 1), 1.0 / 28)  # ||real|| = 1 -> zero penalty
    fake = tf.fill((2, 28, 28, 1), 5.0)
    assert float(gradient_penalty(critic, real, fake, tf.ones((2, 1, 1, 1)))) == pytest.approx(0.0, abs=1e-6)
    assert float(gradient_penalty(critic, real, fake, tf.zeros((2, 1, 1, 1)))) == pytest.approx((5 * 28 - 1) ** 2)
