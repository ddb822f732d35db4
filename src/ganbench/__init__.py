"""ganbench: train, score, profile and compare GAN variants on MNIST and Fashion-MNIST.

The package is cut into layers; a module imports only from its own layer and the layers below it
(tests/test_layers.py enforces it):

1. foundation: `errors`, `io`, `config`, `paths`, `runtime`, `model_files`, `quiet` (plain helpers);
2. `data`: fetching and loading the datasets;
3. `evaluation`: the classifier, its features, the metrics and scoring;
4. `training`: models, losses, the GAN and its training loop, compute profiles;
5. `reporting`: summaries, picks, the leaderboard, the report and the figures;
6. `pipeline`: the stage table and the two front ends (dvc.yaml, Snakemake), profiles, remote;
7. the commands: `cli` (stage plumbing) and `console` (the `ganbench` command).
"""
from ganbench import quiet

quiet.install()
