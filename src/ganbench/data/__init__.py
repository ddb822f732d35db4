"""The datasets: fetching MNIST / Fashion-MNIST from the first source that answers, verifying them by
content hash, and loading a verified split as the models see it.

Layer 1, above the foundation (`errors`, `io`, `config`, `paths`, ...): imports nothing else of ganbench.
`splits` is what every stage that reads images uses; `holdout` the real-data row; `fetch` and
`sources/` only the fetch stage.
`fetch` tries `sources/` (one module per source, downloads cached by `sources/cache`) and checks each
result with `verify`; `idx` and `untrusted` (the allow-list unpickler) parse the raw files.
"""
