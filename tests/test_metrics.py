"""Score math on cases with known (hand-computed or closed-form) answers, plus brute-force references."""
import numpy as np
import pytest
from scipy import linalg
from scipy.spatial.distance import cdist

from ganbench.metrics import classes, fid, kid, knn


def one_hot(labels, c=10):
    return np.eye(c)[np.asarray(labels)]


# ---------------------------------------------------------------- classifier score

def test_classifier_score_bounds():
    assert classes.classifier_score(np.full((50, 10), 0.1)) == pytest.approx(1.0)
    assert classes.classifier_score(one_hot(np.arange(100) % 10)) == pytest.approx(10.0, rel=1e-6)


def test_classifier_score_of_confident_predictions_on_two_of_ten_classes_is_two():
    assert classes.classifier_score(one_hot(np.arange(100) % 2)) == pytest.approx(2.0, rel=1e-6)


def test_classifier_score_hand_computed_mixture():
    # half the samples say [1, 0], half [0.5, 0.5]: marginal [0.75, 0.25]
    probs = np.array([[1.0, 0.0], [0.5, 0.5]] * 3)
    kl_confident = np.log(1 / 0.75)
    kl_unsure = 0.5 * np.log(0.5 / 0.75) + 0.5 * np.log(0.5 / 0.25)
    assert classes.classifier_score(probs) == pytest.approx(np.exp((kl_confident + kl_unsure) / 2), rel=1e-9)
    assert classes.classifier_score(probs) == pytest.approx(1.2408, abs=1e-4)


# ---------------------------------------------------------------- Gaussian stats and Fréchet distance

def test_gaussian_stats_hand_computed_float64_ddof1():
    feats = np.array([[0, 0], [2, 0], [0, 2], [2, 2]], np.float32)
    mu, sigma = fid.gaussian_stats(feats)
    assert mu.dtype == sigma.dtype == np.float64
    np.testing.assert_allclose(mu, [1.0, 1.0])
    np.testing.assert_allclose(sigma, np.eye(2) * 4 / 3)  # ddof=1: sum of four 1s over 3
    assert fid.gaussian_stats(np.array([[1.0], [3.0]]))[1].shape == (1, 1)


def test_frechet_distance_of_identical_gaussians_is_zero():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(200, 5))
    mu, sigma = fid.gaussian_stats(a)
    assert fid.frechet_distance(mu, sigma, mu, sigma) == pytest.approx(0.0, abs=1e-8)


def test_frechet_distance_one_dimensional_closed_form():
    # (m1 - m2)^2 + (s1 - s2)^2 for standard deviations s1 = 2, s2 = 5
    assert fid.frechet_distance(1.0, 4.0, -2.0, 25.0) == pytest.approx(9.0 + 9.0)
    assert fid.frechet_distance([1.0], [[4.0]], [-2.0], [[25.0]]) == pytest.approx(18.0)


def test_frechet_distance_diagonal_closed_form_and_symmetry():
    mu1, mu2 = np.array([0.0, 1.0, 2.0]), np.array([1.0, 1.0, 0.0])
    a, b = np.array([1.0, 4.0, 9.0]), np.array([4.0, 1.0, 1.0])
    want = np.sum((mu1 - mu2) ** 2) + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)  # 5 + (1 + 1 + 4)
    got = fid.frechet_distance(mu1, np.diag(a), mu2, np.diag(b))
    assert got == pytest.approx(want) == pytest.approx(11.0)
    assert fid.frechet_distance(mu2, np.diag(b), mu1, np.diag(a)) == pytest.approx(got)


def test_frechet_distance_rotated_commuting_covariances():
    # S1 = R diag(a) R^T and S2 = R diag(b) R^T commute, so the diagonal closed form still holds
    rot, _ = np.linalg.qr(np.random.default_rng(7).normal(size=(4, 4)))
    a, b = np.array([1.0, 2.0, 3.0, 4.0]), np.array([4.0, 0.5, 3.0, 9.0])
    s1, s2 = rot @ np.diag(a) @ rot.T, rot @ np.diag(b) @ rot.T
    want = 1.0 + np.sum((np.sqrt(a) - np.sqrt(b)) ** 2)
    assert fid.frechet_distance(np.zeros(4), s1, np.eye(4)[0], s2) == pytest.approx(want, rel=1e-9)


def test_frechet_distance_is_symmetric_for_general_covariances():
    rng = np.random.default_rng(8)
    mu1, s1 = fid.gaussian_stats(rng.normal(size=(100, 6)))
    mu2, s2 = fid.gaussian_stats(rng.normal(size=(100, 6)) @ rng.normal(size=(6, 6)) + 1)
    forward = fid.frechet_distance(mu1, s1, mu2, s2)
    assert forward > 1.0
    assert fid.frechet_distance(mu2, s2, mu1, s1) == pytest.approx(forward, rel=1e-9)


def test_frechet_distance_rejects_matrices_that_are_not_covariances():
    with pytest.raises(ValueError, match="negative eigenvalue"):
        fid.frechet_distance(np.zeros(2), np.eye(2), np.zeros(2), np.diag([-1.0, 1.0]))
    with pytest.raises(ValueError, match="not symmetric"):
        fid.frechet_distance(np.zeros(2), np.array([[1.0, 0.5], [0.0, 1.0]]), np.zeros(2), np.eye(2))


def scipy_fid(a, b):
    """Independent float64 reference: the pytorch-fid formula with scipy.linalg.sqrtm."""
    mu1, mu2 = a.mean(0), b.mean(0)
    s1, s2 = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    covmean = linalg.sqrtm(s1 @ s2).real
    return float(np.sum((mu1 - mu2) ** 2) + np.trace(s1) + np.trace(s2) - 2 * np.trace(covmean))


@pytest.mark.parametrize("dim", [2, 16, 64])
def test_fid_agrees_with_scipy_sqrtm_on_random_gaussian_features(dim):
    rng = np.random.default_rng(dim)
    a = rng.normal(size=(400, dim))
    b = rng.normal(0.3, 1.0, size=(300, dim)) @ rng.normal(size=(dim, dim)) / np.sqrt(dim)
    assert fid.fid(a, b) == pytest.approx(scipy_fid(a, b), rel=1e-6)


def test_fid_of_a_set_with_itself_is_zero():
    feats = np.random.default_rng(11).normal(size=(500, 32))
    assert fid.fid(feats, feats) == pytest.approx(0.0, abs=1e-9)


def test_frechet_distance_is_finite_for_singular_covariances_without_an_epsilon():
    # a dead feature (zero variance) in one set: S1 S2 is singular, sqrtm of it ill-conditioned
    s1, s2 = np.diag([1.0, 4.0, 0.0]), np.diag([4.0, 9.0, 1.0])
    assert fid.frechet_distance(np.zeros(3), s1, np.zeros(3), s2) == pytest.approx(1.0 + 1.0 + 1.0)


def test_fid_of_samples_approaches_the_analytic_value():
    rng = np.random.default_rng(1)
    a = rng.normal(0.0, 1.0, size=(20000, 2))
    b = rng.normal([3.0, 0.0], [2.0, 1.0], size=(20000, 2))
    assert fid.fid(a, b) == pytest.approx(9.0 + 1.0, rel=0.03)  # |dmu|^2 + (2-1)^2


def test_fid_of_correlated_samples_approaches_the_analytic_value():
    # N(0, I) vs N(mu, S), S = [[2, 1], [1, 2]] with eigenvalues 3 and 1:
    # FID = |mu|^2 + Tr(I + S) - 2 Tr(S^1/2) = 5 + 6 - 2 (sqrt 3 + 1) = 9 - 2 sqrt 3
    rng = np.random.default_rng(9)
    cov = np.array([[2.0, 1.0], [1.0, 2.0]])
    a = rng.normal(size=(20000, 2))
    b = rng.multivariate_normal([1.0, 2.0], cov, size=20000)
    # sampling sd of the estimate is ~0.05 (dominated by 2 mu.(mean error)); allow ~3 sd
    assert fid.fid(a, b) == pytest.approx(9 - 2 * np.sqrt(3), abs=0.15)


def test_singular_covariances_give_a_finite_distance():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(10, 50)), rng.normal(size=(10, 50))  # N < D: rank-deficient
    assert np.isfinite(fid.fid(a, b)) and fid.fid(a, b) > 0


# ---------------------------------------------------------------- KID

def brute_force_mmd2(x, y):
    def k(a, b):
        return (a @ b / x.shape[1] + 1) ** 3
    m, n = len(x), len(y)
    xx = sum(k(x[i], x[j]) for i in range(m) for j in range(m) if i != j) / (m * (m - 1))
    yy = sum(k(y[i], y[j]) for i in range(n) for j in range(n) if i != j) / (n * (n - 1))
    xy = sum(k(x[i], y[j]) for i in range(m) for j in range(n)) / (m * n)
    return xx + yy - 2 * xy


def test_kid_matches_brute_force_on_one_full_subset():
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(7, 3)), rng.normal(1.0, size=(7, 3))
    mean, std = kid.kid(x, y, subsets=1, subset_size=7)
    assert mean == pytest.approx(brute_force_mmd2(x, y), rel=1e-10) and std == 0.0


def test_kid_subsets_are_disjoint_blocks_of_permutations():
    blocks = kid.kid_subset_indices(10, 3, 5, np.random.default_rng(0))
    assert [len(b) for b in blocks] == [3] * 5
    first, second = np.concatenate(blocks[:3]), np.concatenate(blocks[3:])
    assert len(set(first)) == 9 and len(set(second)) == 6  # disjoint within a permutation


def independent_kid(x, y, subsets, size, seed):
    """KID from the documented recipe, with the textbook kernel sums of Binkowski et al. eq. 3."""
    rng_a, rng_b = np.random.default_rng(seed).spawn(2)
    values = []
    for ia, ib in zip(kid.kid_subset_indices(len(x), size, subsets, rng_a),
                      kid.kid_subset_indices(len(y), size, subsets, rng_b)):
        xs, ys = x[ia], y[ib]
        kxx, kyy, kxy = ((u @ v.T / x.shape[1] + 1) ** 3 for u, v in ((xs, xs), (ys, ys), (xs, ys)))
        m = size
        values.append((kxx.sum() - np.diag(kxx).sum()) / (m * (m - 1))
                      + (kyy.sum() - np.diag(kyy).sum()) / (m * (m - 1)) - 2 * kxy.mean())
    return np.mean(values), np.std(values)


def test_kid_agrees_with_an_independent_float64_computation_on_random_gaussian_features():
    rng = np.random.default_rng(12)
    x, y = rng.normal(size=(600, 20)), rng.normal(0.2, 1.1, size=(500, 20))
    mean, std = kid.kid(x, y, subsets=7, subset_size=150, seed=3)
    want_mean, want_std = independent_kid(x, y, 7, 150, 3)
    assert mean == pytest.approx(want_mean, rel=1e-6) and std == pytest.approx(want_std, rel=1e-6)
    assert mean > 3 * std / np.sqrt(7)  # a real difference, not noise around 0


def test_kid_is_near_zero_for_one_distribution_and_seeded():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(2000, 8)), rng.normal(size=(2000, 8))
    mean, _ = kid.kid(x, y, subsets=20, subset_size=500, seed=0)
    far, _ = kid.kid(x, y + 1.0, subsets=20, subset_size=500, seed=0)
    assert abs(mean) < 0.01 < far
    assert kid.kid(x, y, subsets=5, subset_size=100, seed=7) == kid.kid(x, y, subsets=5, subset_size=100, seed=7)
    assert kid.kid(x, y, subsets=5, subset_size=100, seed=7) != kid.kid(x, y, subsets=5, subset_size=100, seed=8)


# ---------------------------------------------------------------- class histogram

def test_class_histogram_balanced_and_collapsed():
    balanced = classes.class_histogram(one_hot(np.arange(100) % 10))
    assert balanced["classes_covered"] == 10 and balanced["kl_to_uniform"] == pytest.approx(0.0)
    assert balanced["class_counts"] == [10] * 10
    collapsed = classes.class_histogram(one_hot(np.zeros(100, int)))
    assert collapsed["classes_covered"] == 1 and collapsed["kl_to_uniform"] == pytest.approx(np.log(10))
    assert collapsed["class_counts"] == [100] + [0] * 9


def test_class_histogram_hand_computed_kl_with_empty_classes():
    # shares [0.5, 0.5, 0, 0] against uniform 0.25: 2 * 0.5 log(0.5 / 0.25) = log 2 (0 log 0 = 0)
    got = classes.class_histogram(one_hot([0, 1, 0, 1], c=4))
    assert got["kl_to_uniform"] == pytest.approx(np.log(2)) and got["classes_covered"] == 2
    # shares [0.75, 0.25]: 0.75 log 1.5 + 0.25 log 0.5
    skewed = classes.class_histogram(one_hot([0, 0, 0, 1], c=2))
    assert skewed["kl_to_uniform"] == pytest.approx(0.75 * np.log(1.5) + 0.25 * np.log(0.5))


def test_class_histogram_threshold_is_a_tenth_of_the_uniform_share():
    # 1000 samples, uniform share 100: a class with 10 samples counts, one with 9 does not
    predicted = np.r_[np.zeros(981, int), np.full(10, 1), np.full(9, 2)]
    assert classes.class_histogram(one_hot(predicted))["classes_covered"] == 2
    assert classes.class_histogram(one_hot(predicted), min_fraction=0.09)["classes_covered"] == 3


# ---------------------------------------------------------------- precision, recall, density, coverage

def reference_prdc(real, fake, k):
    """The clovaai/generative-evaluation-prdc definitions, written the way that package writes them."""
    def kth(unsorted, kk):
        idx = np.argpartition(unsorted, kk, axis=-1)[..., :kk]
        return np.take_along_axis(unsorted, idx, axis=-1).max(axis=-1)
    real_r, fake_r = kth(cdist(real, real), k + 1), kth(cdist(fake, fake), k + 1)
    d = cdist(real, fake)
    return {"precision": (d < real_r[:, None]).any(axis=0).mean(),
            "recall": (d < fake_r[None, :]).any(axis=1).mean(),
            "density": (1 / k) * (d < real_r[:, None]).sum(axis=0).mean(),
            "coverage": (d.min(axis=1) < real_r).mean()}


def test_prdc_on_a_hand_made_1d_example():
    real = np.array([[0.0], [1.0], [2.0], [3.0]])
    # k=1 real radii: 1, 1, 1, 1. Fakes: 0.5 (inside radii of 0 and 1), 10 (outside all)
    fake = np.array([[0.5], [10.0]])
    got = knn.prdc(real, fake, k=1)
    assert got["precision"] == pytest.approx(0.5)
    assert got["density"] == pytest.approx((2 + 0) / 2)  # mean count of real balls holding each fake
    assert got["coverage"] == pytest.approx(2 / 4)  # reals 0 and 1 have a fake within radius
    # fake radii (k=1): both 9.5, so every real lies within 9.5 of the fake at 0.5
    assert got["recall"] == pytest.approx(1.0)


def test_prdc_on_a_hand_made_1d_example_with_partial_recall():
    real = np.array([[0.0], [1.0], [2.0], [3.0]])  # k=1 radii all 1
    fake = np.array([[0.1], [0.3], [2.9], [3.2]])  # k=1 radii 0.2, 0.2, 0.3, 0.3
    got = knn.prdc(real, fake, k=1)
    assert got["precision"] == pytest.approx(1.0)  # every fake within 1 of some real
    assert got["density"] == pytest.approx((2 + 2 + 2 + 1) / 4)  # 0.1: {0,1}; 0.3: {0,1}; 2.9: {2,3}; 3.2: {3}
    assert got["coverage"] == pytest.approx(1.0)  # nearest fakes at 0.1, 0.7, 0.9, 0.1, all < 1
    assert got["recall"] == pytest.approx(2 / 4)  # only reals 0 (0.1 < 0.2) and 3 (0.1 < 0.3)


def test_prdc_on_a_hand_made_2d_example():
    real = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # unit square: k=1 radii all 1
    fake = np.array([[0.2, 0.2], [0.0, 3.0], [1.3, 0.0]])
    # (0.2, 0.2) is within 1 of three corners (not (1, 1): 1.13); (0, 3) of none; (1.3, 0) of (1, 0) only
    # corner (1, 1): nearest fake (1.3, 0) at 1.044 >= 1, so it alone is uncovered
    # fake radii (k=1): 1.118, 2.807, 1.118; corner (1, 1) is 1.044 from (1.3, 0), so recall is full
    got = knn.prdc(real, fake, k=1)
    assert got == pytest.approx({"precision": 2 / 3, "recall": 1.0, "density": (3 + 0 + 1) / 3, "coverage": 3 / 4})


def test_prdc_points_exactly_on_a_radius_are_outside():
    # the reference uses strict '<'. Reals -2, 0, 2 and fakes 4, 6, 8 all have k=1 radius 2, and the
    # only real-fake pair within 2 (2 and 4) is exactly 2 apart (small integers: distances are exact)
    real, fake = np.array([[-2.0], [0.0], [2.0]]), np.array([[4.0], [6.0], [8.0]])
    zeros = {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}
    assert reference_prdc(real, fake, k=1) == zeros
    assert knn.prdc(real, fake, k=1) == zeros


def test_prdc_of_identical_sets_is_exactly_one():
    # every fake has a twin at distance 0: precision = recall = coverage = 1. Density: fake j lies
    # strictly inside the ball of its twin and of each real i having j among its k-1 nearest
    # neighbours (the k-th lies on the boundary, and '<' is strict); summed over j that is
    # N (1 + (k - 1)) = N k, so density = 1 exactly when there are no distance ties.
    x = np.random.default_rng(11).normal(size=(200, 5))
    for k in (1, 3, 5):
        got = knn.prdc(x, x.copy(), k=k)
        assert got == pytest.approx({"precision": 1.0, "recall": 1.0, "density": 1.0, "coverage": 1.0}, abs=1e-12)


def test_prdc_far_apart_sets_score_zero():
    rng = np.random.default_rng(5)
    real, fake = rng.normal(size=(50, 4)), rng.normal(size=(50, 4)) + 100
    assert knn.prdc(real, fake, k=3) == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


def test_prdc_same_distribution_scores_high():
    rng = np.random.default_rng(6)
    got = knn.prdc(rng.normal(size=(500, 4)), rng.normal(size=(500, 4)), k=5)
    assert got["precision"] > 0.7 and got["recall"] > 0.7 and got["coverage"] > 0.7 and 0.7 < got["density"] < 1.3


@pytest.mark.parametrize("chunk", [7, 2048])
def test_prdc_matches_the_reference_definitions_across_chunkings(monkeypatch, chunk):
    monkeypatch.setattr(knn, "_CHUNK_ROWS", chunk)  # 7 leaves a ragged last block for 30 and 25 rows
    rng = np.random.default_rng(12)
    real, fake = rng.normal(size=(30, 6)), rng.normal(0.3, 1.2, size=(25, 6))
    want = reference_prdc(real, fake, k=3)
    assert 0 < want["precision"] < 1 and 0 < want["coverage"] < 1  # a case that discriminates
    assert knn.prdc(real, fake, k=3) == pytest.approx(want, abs=1e-12)


def test_prdc_is_translation_invariant_even_far_from_the_origin():
    # distances from |a|^2 + |b|^2 - 2 a.b cancel catastrophically at |a| ~ 1e6 unless centred first
    rng = np.random.default_rng(13)
    real, fake = rng.normal(size=(40, 5)) * 0.01, rng.normal(0.005, 0.01, size=(40, 5))
    want = reference_prdc(real, fake, k=3)
    assert knn.prdc(real + 1e6, fake + 1e6, k=3) == pytest.approx(want, abs=1e-12)


def test_prdc_rejects_a_k_without_enough_neighbours():
    with pytest.raises(ValueError, match="k"):
        knn.prdc(np.zeros((3, 2)), np.ones((5, 2)), k=3)


# ---------------------------------------------------------------- conditional accuracy

def test_conditional_accuracy():
    assert classes.conditional_accuracy(one_hot([1, 2, 3, 3]), np.array([1, 2, 3, 0])) == 0.75
    with pytest.raises(ValueError):
        classes.conditional_accuracy(one_hot([1, 2, 3, 3]), np.array([1, 2, 3]))


def test_prdc_with_cached_real_radii_equals_computing_them():
    rng = np.random.default_rng(13)
    real, fake = rng.normal(size=(200, 8)), rng.normal(0.2, 1.1, size=(150, 8))
    radii = knn.knn_sq_radii(real, 3, real.mean(axis=0))
    assert knn.prdc(real, fake, k=3, real_sq_radii=radii) == knn.prdc(real, fake, k=3)
    with pytest.raises(ValueError, match="real_sq_radii shape"):
        knn.prdc(real, fake, k=3, real_sq_radii=radii[:-1])
