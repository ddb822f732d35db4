"""`python -m ganbench ...`: the same commands as the `ganbench` console script."""
from ganbench.console import main

main()
