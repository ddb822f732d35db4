"""Sample-quality metrics from classifier outputs: pure NumPy, float64 inside, one module per family.

Inputs are a classifier's class probabilities (N, C) and penultimate-layer features (N, D) of
generated and real images; see `ganbench.evaluation.scoring` for how they are produced. Every function is
pure (no state, no I/O, seeded randomness only) and returns plain Python floats/ints so results
serialise to JSON unchanged. TensorFlow is deliberately not imported here: the math is tested on
hand-made arrays with known answers, independent of any model.

The modules are separate so that a stage depends only on the metric code it runs (training logs
FID only; editing the k-NN metrics must not invalidate trained generators): `fid`, `kid`, `knn`
(precision / recall / density / coverage), `classes` (classifier score, mode statistics,
conditional accuracy). This file stays empty so importing one module does not import the others.
Their BLAS and LAPACK calls run on one thread (`threads`), so results do not depend on the thread
count; `exact` makes the k-NN decisions exact.
"""
