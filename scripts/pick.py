"""Pick one dataset's home AI and enterprise AI from results/summary/<dataset>.csv, at matched compute:
results/picks/<dataset>.json (the budgets in GFLOP and generator cost; each pick, its runner-up, Welch's p
and every candidate with its per-seed values) and each pick's training GIF (first seed) beside it, made
from the run's frames in git (the same bytes as the run's own progress.gif)."""
import pandas as pd

from ganbench import cli, paths
from ganbench.config import load_params
from ganbench.io import atomic_path, write_json
from ganbench.reporting import outputs
from ganbench.reporting.picks import ROLES, as_record, off_budget, picks
from ganbench.training.frames import save_gif


def run() -> None:
    args = cli.parser(__doc__).parse_args()
    params = load_params(args.params)
    settings, shown_seed = params["report"], params["seeds"][0]
    runs = pd.read_csv(outputs.dataset_summary(args.dataset, "csv"))
    excluded = off_budget(params)
    chosen = picks(runs, settings, excluded)
    budgets = {"train_gflop": params["budget"]["train_gflop"], "home_gflop": params["budget"]["home_gflop"],
               **settings["home"], "off_budget": {role: sorted(names) for role, names in excluded.items()}}
    write_json(outputs.picks_json(args.dataset), {"budgets": budgets,
                                                  **{role: as_record(chosen[role], runs) for role in ROLES}})
    for role in ROLES:
        gif = outputs.pick_gif(args.dataset, role)
        frames = [] if chosen[role].variant is None else \
            sorted((paths.run_dir(args.dataset, chosen[role].variant, shown_seed) / "frames").glob("*.png"))
        if frames:
            save_gif(frames, gif)
        else:  # nothing to show (no pick, or a run landed before its frames were kept): an empty file
            with atomic_path(gif) as tmp:
                tmp.write_bytes(b"")


if __name__ == "__main__":
    cli.main(run)
