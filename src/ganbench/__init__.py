"""ganbench: train, score, profile and compare GAN variants on MNIST and Fashion-MNIST.

The package is cut into layers; a module imports only from its own layer and the layers below it
(tests/test_layers.py enforces it):

0. the foundation: `errors`, `io`, `config`, `paths`, `runtime`, `model_files`, `quiet` (plain helpers);
1. `data`: fetching and loading the datasets;
2. `evaluation`: the classifier, its features, the metrics and scoring;
3. `training`: models, losses, FLOPs and budgets, the GAN and its training loop, compute profiles;
4. `reporting`: summaries, picks, comparisons, the leaderboard, the report and the figures;
5. `pipeline`: the stage table and the two front ends (dvc.yaml, Snakemake), their bookkeeping,
   profiles, the remote, where the hours go;
6. the commands: `cli` (stage plumbing) and `console` (the `ganbench` command).
"""
from ganbench import quiet, runtime

runtime.use_onednn()  # before anything imports TensorFlow
quiet.install()
