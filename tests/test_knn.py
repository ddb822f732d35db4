"""k-NN metrics: hand-made cases, exact ties, an independent brute force, and the reference `prdc` package."""
import contextlib
import io
import math

import numpy as np
import prdc as prdc_package
import pytest

from ganbench.evaluation.metrics import exact, knn

ZEROS = {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}


def sq_dist_fsum(a, b):
    """Brute-force squared distances (N, M), each correctly rounded by math.fsum: independent of any
    summation order, so equal inputs give equal outputs and integer or dyadic features exact ones."""
    return np.array([[math.fsum((x - y) ** 2) for y in b] for x in a])


def brute_force_prdc(real, fake, k):
    """The reference definitions, strict '<', on fsum distances; density as the count k * M * density."""
    d, dr, df = sq_dist_fsum(real, fake), sq_dist_fsum(real, real), sq_dist_fsum(fake, fake)
    real_r, fake_r = np.sort(dr, axis=1)[:, k], np.sort(df, axis=1)[:, k]  # index k: self at 0 is index 0
    inside = d < real_r[:, None]
    return {"precision": inside.any(axis=0).mean(), "recall": (d < fake_r[None, :]).any(axis=1).mean(),
            "density": inside.sum(axis=0).mean() / k, "coverage": (d.min(axis=1) < real_r).mean()}


def package_prdc(real, fake, k):
    with contextlib.redirect_stdout(io.StringIO()):  # it prints the set sizes
        return {name: float(v) for name, v in prdc_package.compute_prdc(real, fake, k).items()}


def counts(result, k, m):
    """Compare metrics to the last count: density is a count divided by k * M."""
    return {**result, "density": round(result["density"] * k * m)}


# ---------------------------------------------------------------- hand-made cases

def test_prdc_on_a_hand_made_1d_example():
    real = np.array([[0.0], [1.0], [2.0], [3.0]])  # k=1 radii all 1
    fake = np.array([[0.5], [10.0]])  # 0.5 is inside the balls of 0 and 1, 10 inside none
    got = knn.prdc(real, fake, k=1)
    assert got["precision"] == 0.5 and got["density"] == (2 + 0) / 2 and got["coverage"] == 2 / 4
    assert got["recall"] == 1.0  # fake radii (k=1) are both 9.5: every real lies within 9.5 of 0.5


def test_prdc_on_a_hand_made_1d_example_with_partial_recall():
    real = np.array([[0.0], [1.0], [2.0], [3.0]])  # k=1 radii all 1
    fake = np.array([[0.1], [0.3], [2.9], [3.2]])  # k=1 radii 0.2, 0.2, 0.3, 0.3
    got = knn.prdc(real, fake, k=1)
    assert got["precision"] == 1.0 and got["coverage"] == 1.0
    assert got["density"] == pytest.approx((2 + 2 + 2 + 1) / 4)  # 0.1: {0,1}; 0.3: {0,1}; 2.9: {2,3}; 3.2: {3}
    assert got["recall"] == 2 / 4  # only reals 0 (0.1 < 0.2) and 3 (0.1 < 0.3)


def test_prdc_on_a_hand_made_2d_example():
    real = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])  # unit square: k=1 radii all 1
    fake = np.array([[0.2, 0.2], [0.0, 3.0], [1.3, 0.0]])
    # (0.2, 0.2) is within 1 of three corners; (0, 3) of none; (1.3, 0) of (1, 0) only; corner (1, 1) is
    # 1.044 from its nearest fake, so it alone is uncovered; fake radii 1.118, 2.807, 1.118: full recall
    got = knn.prdc(real, fake, k=1)
    assert got == pytest.approx({"precision": 2 / 3, "recall": 1.0, "density": (3 + 0 + 1) / 3, "coverage": 3 / 4})


def test_prdc_points_exactly_on_a_radius_are_outside():
    # reals -2, 0, 2 and fakes 4, 6, 8 all have k=1 radius 2; the only real-fake pair within 2 is exactly 2 apart
    real, fake = np.array([[-2.0], [0.0], [2.0]]), np.array([[4.0], [6.0], [8.0]])
    assert brute_force_prdc(real, fake, k=1) == ZEROS == knn.prdc(real, fake, k=1) == package_prdc(real, fake, 1)


def test_prdc_of_identical_sets_in_another_order_is_exactly_one():
    # fake j lies strictly inside the ball of its twin and of each real having j among its k-1 nearest
    # neighbours; the k-th lies on the boundary and '<' is strict: density = N (1 + (k - 1)) / (N k) = 1
    x = np.random.default_rng(11).normal(size=(200, 5))
    for k in (1, 3, 5):
        assert knn.prdc(x, x[::-1].copy(), k=k) == {"precision": 1.0, "recall": 1.0, "density": 1.0, "coverage": 1.0}


def test_prdc_far_apart_sets_score_zero_and_one_distribution_scores_high():
    rng = np.random.default_rng(5)
    assert knn.prdc(rng.normal(size=(50, 4)), rng.normal(size=(50, 4)) + 100, k=3) == ZEROS
    got = knn.prdc(rng.normal(size=(500, 4)), rng.normal(size=(500, 4)), k=5)
    assert min(got["precision"], got["recall"], got["coverage"]) > 0.7 and 0.7 < got["density"] < 1.3


def test_prdc_rejects_bad_k_shapes_and_groups():
    real, fake = np.zeros((3, 2)), np.ones((5, 2))
    with pytest.raises(ValueError, match="need 1 <= k < N = 3"):
        knn.prdc(real, fake, k=3)
    with pytest.raises(ValueError, match="feature dimensions differ"):
        knn.prdc(np.zeros((9, 2)), np.ones((5, 3)), k=2)
    labelled = knn.manifold(np.arange(18.0).reshape(9, 2), 2, np.arange(9) % 3)
    with pytest.raises(ValueError, match="built for k=2, not k=3"):
        knn.prdc(labelled, np.ones((9, 2)), k=3)
    with pytest.raises(ValueError, match=r"fake_groups\['by_label'\] must be labels 0..2"):
        knn.prdc(labelled, np.ones((5, 2)), k=2, fake_groups={"by_label": np.array([0, 1, 2, 3, 0])})
    with pytest.raises(ValueError, match="need a labelled real Manifold"):
        knn.prdc(knn.manifold(real, 1), fake, k=1, fake_groups={"g": np.zeros(5, int)})
    with pytest.raises(ValueError, match="features are not finite, or too large"):
        knn.prdc(np.arange(18.0).reshape(9, 2), np.full((5, 2), np.nan), k=2)


# ---------------------------------------------------------------- exact ties and the brute force

@pytest.mark.parametrize("seed", [0, 1, 2])
def test_integer_valued_features_with_many_ties_match_the_brute_force_and_the_package(seed):
    # 4^6 grid points for 300 + 250 rows: duplicated rows and equal distances between different pairs abound.
    # A float32 GEMM of centred features counted some of those ties inside (precision 0.936 vs 0.904 here).
    rng = np.random.default_rng(seed)
    real, fake = rng.integers(0, 4, (300, 6)).astype(float), rng.integers(0, 4, (250, 6)).astype(float)
    got, want = counts(knn.prdc(real, fake, 3), 3, 250), counts(brute_force_prdc(real, fake, 3), 3, 250)
    assert got == want == counts(package_prdc(real, fake, 3), 3, 250)


def test_quantised_features_and_a_generator_repeating_images_match_the_brute_force():
    rng = np.random.default_rng(3)
    real = np.round(rng.normal(size=(160, 12)) * 4) / 4  # dyadic steps: exact in float64
    fake = np.vstack([real[rng.integers(0, 160, 60)], np.round(rng.normal(size=(60, 12)) * 4) / 4])
    fake = np.vstack([fake, fake[:30]])  # and some fakes repeated: fake radii of 0
    for k in (1, 3, 4):
        assert counts(knn.prdc(real, fake, k), k, len(fake)) == counts(brute_force_prdc(real, fake, k), k, len(fake))


def test_a_tie_by_reflection_is_outside():
    # real 0 and neighbours r_m with positive coordinates; the fake -r_m is exactly as far from 0 as r_m
    # (negation is exact) and far from every other real, so the reflection of 0's k-th neighbour lies on
    # 0's radius and inside no ball: precision 0, whatever the GEMM rounding says
    rng = np.random.default_rng(4)
    real = np.vstack([np.zeros(7), np.abs(rng.normal(size=(40, 7))) + 1.0])
    k = 3
    kth = np.argsort(sq_dist_fsum(real[:1], real)[0])[k]
    fake = np.vstack([-real[kth], rng.normal(size=(20, 7)) + 5.0])
    assert counts(knn.prdc(real, fake, k), k, len(fake)) == counts(brute_force_prdc(real, fake, k), k, len(fake))
    assert knn.prdc(real, fake, k)["precision"] == 0.0


@pytest.mark.parametrize("n, chunk", [(80, 7), (300, 64)])  # 300 >= 64 (k+1): the strided upper bound
def test_radii_are_canonical_values_for_any_blocking(monkeypatch, n, chunk):
    monkeypatch.setattr(exact, "CHUNK_ROWS", chunk)
    x = np.random.default_rng(n).normal(size=(n, 9))
    x[n // 2:n // 2 + 5] = x[0]  # five duplicates of row 0: its radius is 0
    want = np.sort(sq_dist_fsum(x, x), axis=1)[:, 3]
    got = knn.manifold(x, 3).sq_radii
    assert got[0] == 0.0
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0)
    rows = np.repeat(np.arange(n), n)
    canonical = exact.canonical_sq_dist(x, x, rows, np.tile(np.arange(n), n)).reshape(n, n)
    np.testing.assert_array_equal(got, np.sort(canonical, axis=1)[:, 3])  # bit for bit


def test_canonical_distance_is_tie_consistent_and_symmetric():
    rng = np.random.default_rng(6)
    a = rng.normal(size=(50, 33))
    b = np.vstack([a[10:20], rng.normal(size=(5, 33)), a[:3]])  # copies sit at other positions
    d = exact.canonical_sq_dist(a, b, np.repeat(np.arange(50), 18), np.tile(np.arange(18), 50)).reshape(50, 18)
    own = exact.canonical_sq_dist(a, a, np.repeat(np.arange(50), 50), np.tile(np.arange(50), 50)).reshape(50, 50)
    np.testing.assert_array_equal(d[:, :10], own[:, 10:20])
    np.testing.assert_array_equal(own, own.T)
    assert (np.diag(own) == 0).all()


def test_the_gemm_error_bound_holds_even_far_from_the_origin():
    rng = np.random.default_rng(7)
    for offset, scale in ((0.0, 1.0), (1e3, 1e-2), (0.0, 40.0)):
        a, b = rng.normal(size=(300, 500)) * scale + offset, rng.normal(size=(200, 500)) * scale + offset
        space = exact.PairSpace(a, b)
        approx = space.block(slice(0, 300)).astype(np.float64)
        rows, cols = np.repeat(np.arange(300), 200), np.tile(np.arange(200), 300)
        error = np.abs(approx - space.canonical(rows, cols).reshape(300, 200))
        bound = space.bound(space.norm_a[:, None], space.norm_b[None, :])
        assert (error <= bound).all() and error.max() > 0


def test_prdc_is_translation_invariant_even_far_from_the_origin():
    rng = np.random.default_rng(13)
    real, fake = rng.normal(size=(40, 5)) * 0.01, rng.normal(0.005, 0.01, size=(40, 5))
    assert knn.prdc(real + 1e6, fake + 1e6, k=3) == pytest.approx(brute_force_prdc(real, fake, 3), abs=1e-12)


# ---------------------------------------------------------------- the reference package, raw and unit space

@pytest.mark.parametrize("seed, k", [(0, 3), (1, 3), (2, 5), (3, 1)])
def test_raw_space_reproduces_the_prdc_package_to_the_last_count(seed, k):
    rng = np.random.default_rng(seed)
    real = np.maximum(rng.normal(size=(500, 32)), 0)  # ReLU-like raw features
    fake = np.maximum(rng.normal(0.1, 1.1, size=(400, 32)), 0)
    got = knn.prdc(knn.to_space(real, "raw"), knn.to_space(fake, "raw"), k)
    assert 0 < got["precision"] < 1 and 0 < got["coverage"] < 1  # a case that discriminates
    assert counts(got, k, 400) == counts(package_prdc(real, fake, k), k, 400)


def test_unit_space_is_the_package_on_unit_length_rows():
    rng = np.random.default_rng(8)
    real, fake = np.maximum(rng.normal(size=(300, 16)), 0), np.maximum(rng.normal(0.2, 1, size=(300, 16)), 0)
    unit_real, unit_fake = knn.to_space(real, "unit"), knn.to_space(fake, "unit")
    np.testing.assert_allclose(np.linalg.norm(unit_real, axis=1), 1.0, rtol=1e-15)
    assert counts(knn.prdc(unit_real, unit_fake, 3), 3, 300) == counts(package_prdc(unit_real, unit_fake, 3), 3, 300)
    with pytest.raises(ValueError, match="k-NN space must be one of unit, raw, got 'cosine'"):
        knn.to_space(real, "cosine")


def test_unit_rows_keeps_zero_rows_and_identical_rows_identical():
    x = np.vstack([[3.0, 4.0], [0.0, 0.0], np.full(2, 1 / 3), np.full(2, 1 / 3)])
    unit = knn.unit_rows(x)
    np.testing.assert_allclose(unit[:2], [[0.6, 0.8], [0.0, 0.0]])
    assert unit[2].tobytes() == unit[3].tobytes()


# ---------------------------------------------------------------- per class

def test_per_class_recall_and_coverage_are_the_metrics_within_each_class():
    rng = np.random.default_rng(9)
    real_labels = np.arange(240) % 3
    real = rng.normal(size=(240, 5)) + 3.0 * real_labels[:, None]
    fake_labels = np.r_[np.zeros(60, int), np.ones(50, int), np.full(3, 2)]  # class 2: 3 samples = k
    fake = rng.normal(size=(113, 5)) * 1.3 + 3.0 * fake_labels[:, None]
    shuffled = fake_labels[rng.permutation(113)]  # a second grouping
    real_m = knn.manifold(real, 3, real_labels)
    got = knn.prdc(real_m, fake, 3, fake_groups={"by_label": fake_labels, "shuffled": shuffled})
    assert {name: got[name] for name in ZEROS} == knn.prdc(real, fake, 3)  # the whole-set metrics are unchanged
    block = got["per_class"]["by_label"]
    assert block["samples"] == [60, 50, 3]
    for c in (0, 1):
        want = brute_force_prdc(real[real_labels == c], fake[fake_labels == c], 3)
        assert (block["recall"][c], block["coverage"][c]) == (want["recall"], want["coverage"])
    assert block["recall"][2] is None  # k samples: no k-th neighbour among them
    want = brute_force_prdc(real[real_labels == 2], fake[fake_labels == 2][[0, 1, 2, 0]], 3)  # coverage only
    assert block["coverage"][2] == want["coverage"]
    np.testing.assert_array_equal(real_m.class_sq_radii[real_labels == 1],
                                  knn.manifold(real[real_labels == 1], 3).sq_radii)


def test_class_radii_of_common_and_rare_classes_are_the_radii_within_the_class():
    # 400 rows: the strided subset (every 8th) bounds the common classes; class 2 has 9 rows, at most 3
    # of them in the subset, so its radii come from all its pairs; class 3 has k = 3 rows: no radius
    rng = np.random.default_rng(12)
    labels = np.r_[np.zeros(200, int), np.ones(188, int), np.full(9, 2), np.full(3, 3)][rng.permutation(400)]
    x = rng.normal(size=(400, 6)) + labels[:, None]
    got = knn.manifold(x, 3, labels).class_sq_radii
    for c in (0, 1, 2):
        want = np.sort(sq_dist_fsum(x[labels == c], x[labels == c]), axis=1)[:, 3]
        np.testing.assert_allclose(got[labels == c], want, rtol=1e-14, atol=0)
    assert np.isnan(got[labels == 3]).all()


def test_an_empty_class_has_zero_coverage_and_no_recall():
    rng = np.random.default_rng(10)
    real, labels = rng.normal(size=(60, 3)), np.arange(60) % 2
    got = knn.prdc(knn.manifold(real, 2, labels), rng.normal(size=(20, 3)), 2,
                   fake_groups={"g": np.zeros(20, int)})["per_class"]["g"]
    assert got["samples"] == [20, 0] and got["recall"][1] is None and got["coverage"][1] == 0.0
