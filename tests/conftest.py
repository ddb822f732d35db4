"""Fixtures every test layer shares: the default study's variant settings, and copies of the repository."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ganbench.config import deep_merge

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def variant_defaults() -> dict:
    """`variant_defaults` of the default study (profiles/default.yaml)."""
    return yaml.safe_load((REPO / "profiles/default.yaml").read_text())["variant_defaults"]


@pytest.fixture(scope="session")
def make_variant(variant_defaults):
    """make_variant(**overrides) -> a complete variant: the defaults deep-merged with the overrides."""
    return lambda **overrides: deep_merge(variant_defaults, overrides)
