"""What a fetched dataset must be: the known content hashes, the structural checks, and its card.

Whatever the source, the uint8 arrays must hash to `HASHES`, so every source yields byte-identical
data. Only the fetch stage imports this module: a stage that reads a split checks it against the
`card.json` written from `dataset_card` (`ganbench.data.splits`), so editing it reruns no training.
"""
from __future__ import annotations

import numpy as np

from ganbench.data.splits import NUM_CLASSES, DataError
from ganbench.io import sha256_array

SPLITS = {"train": 60000, "test": 10000}
KEYS = ("x_train", "y_train", "x_test", "y_test")
HASHES = {  # sha256 of the C-order uint8 bytes (images N*28*28, labels N)
    "mnist": {
        "x_train": "741c988805d008ac6e4c904b69001ba184c24b2c540a4ef403f4c71b676cf757",
        "y_train": "1feba77c54802fa5339a11837ea4b2866434b83314ec45192930f1df69120c13",
        "x_test": "6d87418db22cc8025d05968bec9bd5c3932904b23485740db143a061a2c9d161",
        "y_test": "ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
    },
    "fashion": {
        "x_train": "2e487a6c89124f78f2d7521542223cafe96f7123c3ca13d447772ac6ecbb3012",
        "y_train": "657fbd221bfc9f4198cc14b5619cc33ec57c58dd0e47af4d99d6650759e869a7",
        "x_test": "c867c93ff95360594e8ec3287995350b824dd110b11595c0e13d5423f621867a",
        "y_test": "3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9",
    },
}
NORMALIZATION = "models see x/127.5-1 float32 (N,28,28,1)"  # what splits.to_model_range does, for the card


def verify_arrays(name: str, arrays: dict[str, np.ndarray], origin: str) -> None:
    """Check keys, dtype uint8, shapes (N,28,28)/(N,), labels 0..9 and sha256 against HASHES."""
    for key in KEYS:
        if key not in arrays:
            raise DataError(f"{origin}: missing array {key}")
        a, n = arrays[key], SPLITS[key.split("_")[1]]
        shape = (n, 28, 28) if key.startswith("x") else (n,)
        if a.dtype != np.uint8:
            raise DataError(f"{origin}: {key} has dtype {a.dtype}, expected uint8")
        if a.shape != shape:
            raise DataError(f"{origin}: {key} has shape {a.shape}, expected {shape}")
        if key.startswith("y") and a.size and a.max() > 9:
            raise DataError(f"{origin}: {key} has label {int(a.max())}, expected 0..9")
    for key in KEYS:  # content last, so structural problems get the more specific message
        got, want = sha256_array(arrays[key]), HASHES[name][key]
        if got != want:
            raise DataError(f"{origin}: sha256 of {key} is {got[:8]}..., expected {want[:8]}...")


def dataset_card(name: str, source: str, arrays: dict[str, np.ndarray]) -> dict:
    """card.json: the source used, counts, class histogram, and sha256 of each raw uint8 array."""
    return {
        "dataset": name, "source": source,
        "counts": {s: int(len(arrays[f"y_{s}"])) for s in SPLITS},
        "class_histogram": {s: np.bincount(arrays[f"y_{s}"], minlength=NUM_CLASSES).tolist() for s in SPLITS},
        "sha256": {k: sha256_array(arrays[k]) for k in KEYS},
        "shapes": {k: list(arrays[k].shape) for k in KEYS},
        "dtype": "uint8", "normalization": NORMALIZATION,
    }
