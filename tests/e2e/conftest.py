"""One reduced smoke study run by Snakemake on this machine, shared by the remote and cluster tests."""
import pytest

from workspace import reduced_smoke_copy, snakemake


@pytest.fixture(scope="session")
def local_study(tmp_path_factory):
    """A finished study in `<tmp>/ganbench`; its siblings are free for a DVC remote and clones."""
    root = reduced_smoke_copy(tmp_path_factory.mktemp("local") / "ganbench")
    snakemake(root, "--cores", "2")
    return root
