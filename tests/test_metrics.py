"""Score math on cases with known (hand-computed or closed-form) answers, plus brute-force references."""
import numpy as np
import pytest
from scipy import linalg

from ganbench.evaluation.metrics import classes, fid, fid_cached, kid


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
    mean, std, se = kid.kid(x, y, subsets=1, subset_size=7)
    assert mean == pytest.approx(brute_force_mmd2(x, y), rel=1e-10) and std == 0.0
    assert np.isnan(se)  # one subset: no standard error


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
    return np.mean(values), np.std(values), np.std(values, ddof=1) / np.sqrt(subsets)


def test_kid_agrees_with_an_independent_float64_computation_on_random_gaussian_features():
    rng = np.random.default_rng(12)
    x, y = rng.normal(size=(600, 20)), rng.normal(0.2, 1.1, size=(500, 20))
    mean, std, se = kid.kid(x, y, subsets=3, subset_size=150, seed=3)
    want_mean, want_std, want_se = independent_kid(x, y, 3, 150, 3)
    assert (mean, std, se) == pytest.approx((want_mean, want_std, want_se), rel=1e-6)
    assert mean > 3 * se  # a real difference, not noise around 0


def test_kid_is_near_zero_for_one_distribution_and_seeded():
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(2000, 8)), rng.normal(size=(2000, 8))
    mean = kid.kid(x, y, subsets=20, subset_size=500, seed=0)[0]
    far = kid.kid(x, y + 1.0, subsets=20, subset_size=500, seed=0)[0]
    assert abs(mean) < 0.01 < far
    assert kid.kid(x, y, subsets=5, subset_size=100, seed=7) == kid.kid(x, y, subsets=5, subset_size=100, seed=7)
    assert kid.kid(x, y, subsets=5, subset_size=100, seed=7) != kid.kid(x, y, subsets=5, subset_size=100, seed=8)


def test_kid_standard_error_is_the_std_over_subsets_shrunk_by_their_number_and_null_when_they_overlap():
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(1000, 6)), rng.normal(0.3, 1.0, size=(1000, 6))
    mean, std, se = kid.kid(x, y, subsets=10, subset_size=100)  # 10 x 100 = 1000 rows: disjoint
    assert se == pytest.approx(std * np.sqrt(10 / 9) / np.sqrt(10), rel=1e-12)  # ddof 1 vs ddof 0
    assert se < std
    assert np.isnan(kid.kid(x, y, subsets=11, subset_size=100)[2])  # 1100 > 1000 rows: blocks repeat
    assert np.isnan(kid.kid(x[:500], y, subsets=10, subset_size=100)[2])  # the smaller set decides


# ---------------------------------------------------------------- FID against a prepared reference

def test_frechet_to_a_prepared_reference_equals_fid_including_dead_and_singular_features():
    rng = np.random.default_rng(14)
    ref, feats = rng.normal(size=(300, 12)) ** 2, rng.normal(0.5, 1.2, size=(200, 12)) ** 2
    ref[:, 3] = 0.0  # a dead unit in the reference, alive in the samples: it still counts
    prepared = fid_cached.gaussian(ref)
    assert prepared.alive.tolist() == [i for i in range(12) if i != 3]
    # a singular covariance leaves eigenvalues of rounding size (~1e-16) whose square roots (~1e-8) fid.fid
    # adds; the prepared reference drops the dead unit exactly, hence rel 1e-7 rather than 1e-9
    assert fid_cached.frechet_to(feats, prepared) == pytest.approx(fid.fid(feats, ref), rel=1e-7)
    alive = ref[:, prepared.alive]
    assert fid_cached.frechet_to(feats[:, prepared.alive], fid_cached.gaussian(alive)) == pytest.approx(
        fid.fid(feats[:, prepared.alive], alive), rel=1e-10)  # nothing singular: equal to rounding
    few = feats[:5]  # fewer samples than features: the (n, n) Gram path
    assert fid_cached.frechet_to(few, prepared) == pytest.approx(fid.fid(few, ref), rel=1e-7)
    assert fid_cached.frechet_to(ref, prepared) == pytest.approx(0.0, abs=1e-9)


def test_intra_class_fid_is_the_fid_of_each_class_and_null_without_a_covariance():
    rng = np.random.default_rng(15)
    ref, ref_labels = rng.normal(size=(400, 6)), np.arange(400) % 4
    ref[ref_labels == 1] += 2.0
    feats, groups = rng.normal(size=(90, 6)), np.r_[np.zeros(40, int), np.ones(49, int), 2]  # class 2: one sample
    refs = fid_cached.class_gaussians(ref, ref_labels, 5)  # class 4 has no reference images
    assert refs[4] is None
    got = fid_cached.intra_class_fid(feats, groups, refs)
    want = [fid.fid(feats[groups == c], ref[ref_labels == c]) for c in (0, 1)]
    assert got[:2] == pytest.approx(want, rel=1e-9) and got[1] > 10 * got[0]  # class 1 is shifted
    assert got[2:] == [None, None, None]  # one sample, no samples, no reference
    with pytest.raises(ValueError, match="groups shape"):
        fid_cached.intra_class_fid(feats, groups[:-1], refs)


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


# ---------------------------------------------------------------- conditional accuracy

def test_conditional_accuracy():
    assert classes.conditional_accuracy(one_hot([1, 2, 3, 3]), np.array([1, 2, 3, 0])) == 0.75
    with pytest.raises(ValueError):
        classes.conditional_accuracy(one_hot([1, 2, 3, 3]), np.array([1, 2, 3]))



def test_kid_with_precomputed_reference_terms_is_bit_identical():
    rng = np.random.default_rng(16)
    x, y = rng.normal(size=(300, 8)), rng.normal(0.2, 1.0, size=(400, 8))
    terms = kid.reference_terms(y, len(x), subsets=3, subset_size=100, seed=5)
    assert kid.kid(x, y, 3, 100, 5, b_terms=terms) == kid.kid(x, y, 3, 100, 5)
    assert kid.kid(x, y, 3, 100, 6, b_terms=terms) != kid.kid(x, y, 3, 100, 6)  # terms of another seed
    with pytest.raises(ValueError, match="2 precomputed b terms for 3 subsets"):
        kid.kid(x, y, 3, 100, 5, b_terms=terms[:2])
