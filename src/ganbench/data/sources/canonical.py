"""The canonical URLs of the gzip'd IDX files.

On a machine without internet they fail at once (a short timeout), so the fetch falls through to the
registry mirrors quickly. Each file is cached, so a second fetch needs no network.
"""
from __future__ import annotations

import urllib.request

from ganbench.data.idx import IDX_FILES, read_idx_dir
from ganbench.data.sources.cache import cache_dir
from ganbench.data.splits import DataError
from ganbench.data.verify import verify_arrays
from ganbench.errors import one_line
from ganbench.io import atomic_path

URLS = {
    "mnist": "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "fashion": "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
}
URL_TIMEOUT = 3.0


def from_url(name: str, local_dir: str | None) -> tuple[str, dict]:
    """Canonical URLs; each file is cached so a second fetch needs no network."""
    target = cache_dir() / name
    for base in IDX_FILES.values():
        path, url = target / f"{base}.gz", URLS[name] + f"{base}.gz"
        if path.is_file():
            continue
        try:
            with urllib.request.urlopen(url, timeout=URL_TIMEOUT) as resp, atomic_path(path) as tmp:
                tmp.write_bytes(resp.read())
        except Exception as e:
            raise DataError(f"{url}: {one_line(e)}") from None
    try:
        arrays = read_idx_dir(target)
        verify_arrays(name, arrays, str(target))
    except DataError:
        for base in IDX_FILES.values():  # bad cache: drop it so the next fetch downloads afresh
            (target / f"{base}.gz").unlink(missing_ok=True)
        raise
    return f"url:{URLS[name]}", arrays
