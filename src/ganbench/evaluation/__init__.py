"""Scoring samples in the pipeline's own classifier: the LeNet reference classifier, its features
(`embedding`), the embedded reference split, the metric math (`metrics/`, pure NumPy) and the score
of a sample file with the protocol it was measured under.

Layer 2: imports the foundation and `ganbench.data`, never training, reporting or the pipeline.
Training imports `embedding` and `metrics.fid` for its quality log, so those two stay lean.
"""
