"""Score math on cases with known answers."""
import numpy as np
import pytest

from ganbench import metrics


def one_hot(classes, c=10):
    return np.eye(c)[np.asarray(classes)]


def test_classifier_score_bounds():
    assert metrics.classifier_score(np.full((50, 10), 0.1)) == pytest.approx(1.0)
    assert metrics.classifier_score(one_hot(np.arange(100) % 10)) == pytest.approx(10.0, rel=1e-6)
    assert metrics.classifier_score(one_hot(np.arange(100) % 2)) == pytest.approx(2.0, rel=1e-6)


def test_frechet_distance_of_identical_gaussians_is_zero():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(200, 5))
    mu, sigma = metrics.gaussian_stats(a)
    assert metrics.frechet_distance(mu, sigma, mu, sigma) == pytest.approx(0.0, abs=1e-8)


def test_frechet_distance_diagonal_closed_form_and_symmetry():
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    a, b = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 1.0])
    want = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)  # 5 + (1 + 1 + 4)
    got = metrics.frechet_distance(mu1, np.diag(a), mu2, np.diag(b))
    assert got == pytest.approx(want) == pytest.approx(11.0)
    assert metrics.frechet_distance(mu2, np.diag(b), mu1, np.diag(a)) == pytest.approx(got)


def test_fid_of_samples_approaches_the_analytic_value():
    rng = np.random.default_rng(1)
    a = rng.normal(0.0, 1.0, size=(20000, 2))
    b = rng.normal([3.0, 0.0], [2.0, 1.0], size=(20000, 2))
    assert metrics.fid(a, b) == pytest.approx(9.0 + 1.0, rel=0.03)  # |dmu|^2 + (2-1)^2


def test_singular_covariances_give_a_finite_distance():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(10, 50)), rng.normal(size=(10, 50))  # N < D: rank-deficient
    assert np.isfinite(metrics.fid(a, b)) and metrics.fid(a, b) > 0


def brute_force_mmd2(x, y):
    k = lambda a, b: (a @ b / x.shape[1] + 1) ** 3  # noqa: E731
    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_kid_matches_brute_force_on_one_full_subset():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(7, 3)), rng.normal(1.0, size=(7, 3))
    mean, std = metrics.kid(x, y, subsets=1, subset_size=7)
    assert mean == pytest.approx(brute_force_mmd2(x, y)) and std == 0.0


def test_kid_is_near_zero_for_one_distribution_and_seeded():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(2000, 8)), rng.normal(size=(2000, 8))
    mean, _ = metrics.kid(x, y, subsets=20, subset_size=500, seed=0)
    far, _ = metrics.kid(x, y + 1.0, subsets=20, subset_size=500, seed=0)
    assert abs(mean) < 0.01 < far
    assert metrics.kid(x, y, subsets=5, subset_size=100, seed=7) == metrics.kid(x, y, subsets=5, subset_size=100, seed=7)


def test_class_histogram_balanced_and_collapsed():
    balanced = metrics.class_histogram(one_hot(np.arange(100) % 10))
    assert balanced["classes_covered"] == 10 and balanced["kl_to_uniform"] == pytest.approx(0.0)
    collapsed = metrics.class_histogram(one_hot(np.zeros(100, int)))
    assert collapsed["classes_covered"] == 1 and collapsed["kl_to_uniform"] == pytest.approx(np.log(10))
    assert collapsed["class_counts"] == [100] + [0] * 9


def test_class_histogram_threshold_is_a_tenth_of_the_uniform_share():
    # 1000 samples, uniform share 100: a class with 10 samples counts, one with 9 does not
    classes = np.r_[np.zeros(981, int), np.full(10, 1), np.full(9, 2)]
    assert metrics.class_histogram(one_hot(classes))["classes_covered"] == 2


def test_prdc_on_a_hand_made_1d_example():
    real = np.array([[0.0], [1.0], [2.0], [3.0]])
    # k=1 real radii: 1, 1, 1, 1. Fakes: 0.5 (inside radii of 0 and 1), 10 (outside all)
    fake = np.array([[0.5], [10.0]])
    got = metrics.prdc(real, fake, k=1)
    assert got["precision"] == pytest.approx(0.5)
    assert got["density"] == pytest.approx((2 + 0) / 2)  # mean count of real balls holding each fake
    assert got["coverage"] == pytest.approx(2 / 4)  # reals 0 and 1 have a fake within radius
    # fake radii (k=1): both 9.5, so every real lies within 9.5 of the fake at 0.5
    assert got["recall"] == pytest.approx(1.0)


def test_prdc_far_apart_sets_score_zero():
    rng = np.random.default_rng(5)
    real, fake = rng.normal(size=(50, 4)), rng.normal(size=(50, 4)) + 100
    assert metrics.prdc(real, fake, k=3) == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


def test_prdc_same_distribution_scores_high():
    rng = np.random.default_rng(6)
    got = metrics.prdc(rng.normal(size=(500, 4)), rng.normal(size=(500, 4)), k=5)
    assert got["precision"] > 0.7 and got["recall"] > 0.7 and got["coverage"] > 0.7 and 0.7 < got["density"] < 1.3


def test_conditional_accuracy():
    assert metrics.conditional_accuracy(one_hot([1, 2, 3, 3]), np.array([1, 2, 3, 0])) == 0.75
