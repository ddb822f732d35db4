"""scikit-learn as the processes the tests start see it: absent (tests/conftest.py puts this directory first on
their PYTHONPATH). Keras imports scikit-learn, when installed, for wrappers ganbench never uses; a stage that
imports keras before tensorflow escapes `ganbench.quiet`'s hiding and pays 1.2-1.6 s of CPU for it, in each of
the suite's ~150 stage processes. The pytest process itself imports the real one (prdc, tests/test_knn.py)."""
raise ImportError("scikit-learn is hidden from the processes the tests start (tests/without_sklearn)")
