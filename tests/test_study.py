"""Study-level stages on a synthetic results tree: summary table, picks, report, Pareto front, figures."""
import io
import json

import numpy as np
import pandas as pd
import pytest
from docutils.core import publish_parts

from ganbench import paths
from ganbench.evaluation.protocol import ProtocolMismatch
from ganbench.reporting import comparisons, leaderboard, outputs, plots, plots_compare, summary
from ganbench.reporting.figures import FIGURES, StudyView
from ganbench.reporting.picks import beyond_budget, off_budget, own_budgets, picks
from ganbench.reporting.report import front_page, render
from ganbench.reporting.summary import aggregate, collect
from ganbench.training.frames import save_frame
from ganbench.training.grids import save_grid

PROTOCOL = {"samples": 20, "reference": "test", "classifier_sha256": "ab" * 32}
PARAMS = {"datasets": ["mnist"], "seeds": [0, 1],
          "variant_defaults": {"arch": "dcgan", "loss": "hinge", "width": 0.5},
          "variants": {"big": {}, "small": {"width": 0.125}, "broken": {"loss": "minimax"}},
          "budget": {"train_gflop": 300.0, "home_gflop": 150.0, "eval_gflop": 150.0, "eval_samples": 20},
          "eval": {"samples": 20},
          "report": {"quality": "fid", "alpha": 0.05, "home": {"max_generator_params": 1_000_000,
                                                               "max_generator_mflops": 10.0},
                     "thresholds": {"mnist": [30, 15]}, "compare": {"small": "big", "broken": "big"}}}
RUN_VALUES = {  # variant -> (fid by seed, generator params, G MFLOP per image)
    "real": ([1.0, 1.2], None, None), "big": ([10.0, 12.0], 3_000_000, 27.0), "small": ([20.0, 24.0], 200_000, 2.0),
    "broken": ([None, None], 200_000, 2.0)}


def write_run(root, variant, seed, fid, g_params, mflops, diverged=False, train_gflop=300.0):
    run = root / paths.run_dir("mnist", variant, seed)
    run.mkdir(parents=True)
    counts = [2] * 10 if fid is not None else [20] + [0] * 9
    for name, value in (("metrics.json", fid), ("metrics_home.json", None if fid is None else fid + 5)):
        metrics = {"diverged": diverged, "protocol": PROTOCOL, "class_counts": counts}
        if not diverged:
            metrics.update(fid=value, precision=0.5, recall=0.4, coverage=0.3, density=0.9, classifier_score=5.0,
                           kid_mean=0.01, kid_se=0.001, classes_covered=10, per_class=per_class(value, variant == "real"))
        (run / name).write_text(json.dumps(metrics))
    rng = np.random.default_rng(seed)
    if variant != "broken":  # a run without its grid: it landed before run images were kept in git
        save_grid(rng.uniform(-1, 1, (20, 28, 28, 1)).astype(np.float32), run / "grid.png", f"mnist / {variant} / {seed}")
    if variant == "real":
        return
    (run / "train.json").write_text(json.dumps({
        "steps_done": 20, "train_gflop": train_gflop, "home_gflop": 150.0, "train_seconds": 3.0 + seed, "home_seconds": 1.0,
        "diverged": diverged, "cores_busy": 1.9, "peak_rss_mb": 900.0, "diverged_reason": "nan" if diverged else None}))
    profile = root / paths.profile_json(variant)
    profile.parent.mkdir(parents=True, exist_ok=True)
    profile.write_text(json.dumps({"generator_params": g_params, "generator_mflops_per_image": mflops,
                                   "train_step_gflops": 15.0, "latency_ms_median": mflops / 10}))
    pd.DataFrame({"step": [10, 20], "gflop": [150.0, 300.0], "epoch": [0, 1], "seconds": [1.0, 2.0],
                  "d_loss": [1.0, 0.8], "g_loss": [2.0, 1.5], "fid": [50.0, fid or np.nan]}).to_csv(
        run / "train_log.csv", index=False)
    for step in (10, 20):
        save_frame(rng.uniform(-1, 1, (64, 28, 28, 1)), run / "frames" / f"image_at_step_{step:06d}.png", f"step {step}")


def per_class(fid, labelled):
    """Per-class blocks as scoring writes them: class 9 has too few samples for recall by prediction."""
    block = {"fid": [fid * (1 + c / 10) for c in range(10)], "recall": [0.1 * c for c in range(9)] + [None],
             "coverage": [0.5] * 10, "samples": [2] * 10}
    block.update(fid_mean=float(np.mean(block["fid"])), recall_mean=None, coverage_mean=0.5)
    complete = {**block, "recall": [0.1 * c for c in range(10)], "recall_mean": 0.45}
    return {"by_predicted": block, **({"by_label": complete} if labelled else {})}


@pytest.fixture
def study(tmp_path, monkeypatch):
    for variant, (fids, g_params, mflops) in RUN_VALUES.items():
        for seed, fid in zip(PARAMS["seeds"], fids):
            write_run(tmp_path, variant, seed, fid, g_params, mflops, diverged=fid is None)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_summary_has_every_run_and_seed_statistics(study):
    runs = collect(PARAMS, "mnist")
    assert len(runs) == 8 and set(runs["variant"]) == {"real", "big", "small", "broken"}
    assert runs.loc[runs["variant"] == "small", "class_0_share"].tolist() == [0.1, 0.1]
    summary = aggregate(runs)["mnist"]
    assert summary["big"]["fid"] == {"mean": 11.0, "std": pytest.approx(np.std([10, 12], ddof=1)), "n": 2}
    assert summary["broken"]["diverged_runs"] == 2 and "fid" not in summary["broken"]
    assert summary["real"]["fid"]["mean"] == pytest.approx(1.1)


def test_summary_has_per_class_means_and_columns_by_label_and_by_predicted_class(study):
    runs = collect(PARAMS, "mnist").set_index(["variant", "seed"])
    assert runs.loc[("big", 0), "intra_fid_mean_by_predicted"] == pytest.approx(10 * 1.45)
    assert runs.loc[("big", 0), "intra_fid_by_predicted_9"] == pytest.approx(19.0)
    assert runs.loc[("big", 0), "class_coverage_mean_by_predicted"] == 0.5
    assert pd.isna(runs.loc[("big", 0), "class_recall_mean_by_predicted"])  # a class without recall: no mean
    assert pd.isna(runs.loc[("big", 0), "class_recall_by_predicted_9"])
    assert pd.isna(runs.loc[("big", 0), "intra_fid_mean_by_label"])  # unconditional: nothing by label
    assert runs.loc[("real", 1), "class_recall_mean_by_label"] == 0.45
    assert runs.loc[("real", 1), "class_recall_by_label_9"] == pytest.approx(0.9)
    summary = aggregate(collect(PARAMS, "mnist"))["mnist"]
    assert summary["small"]["intra_fid_mean_by_predicted"]["mean"] == pytest.approx(22.0 * 1.45)
    assert "intra_fid_mean_by_label" in summary["real"] and "intra_fid_mean_by_label" not in summary["small"]


def test_what_the_machine_measured_is_kept_apart_and_joined_back_for_readers(study):
    """Two runs of the same study differ only in what the machine measured: summaries and leaderboard
    without it are the same bytes; results/timing/ holds it, keyed by run."""
    runs = collect(PARAMS, "mnist")
    summary.write("mnist", runs)
    table = pd.read_csv(outputs.dataset_summary("mnist", "csv"))
    timed = pd.read_csv(outputs.dataset_summary("mnist", "csv", timing=True))
    assert {"train_gflop", "steps_done", "generator_params", "gflops_to_fid_30", "fid"} <= set(table.columns)
    measured = {"train_seconds", "home_seconds", "cores_busy", "peak_rss_mb", "latency_ms_median", "train_step_seconds",
                "train_achieved_gflops_per_s", "seconds_to_fid_30", "seconds_to_fid_15"}
    assert measured <= set(timed.columns) and not measured & set(table.columns)
    assert list(timed.columns[:3]) == ["dataset", "variant", "seed"] and len(timed) == len(table)
    as_csv = {"index": False, "float_format": summary.FLOAT_FORMAT}
    whole = pd.read_csv(io.StringIO(runs.to_csv(**as_csv)))  # the table as one CSV would hold it
    assert summary.read_runs("mnist")[runs.columns].to_csv(**as_csv) == whole.to_csv(**as_csv)
    figures = summary.read_figures("mnist")
    assert figures["big"]["train_seconds"]["mean"] == pytest.approx(3.5) and figures["big"]["fid"]["mean"] == 11.0
    assert "train_seconds" not in json.loads(outputs.dataset_summary("mnist", "json").read_text())["mnist"]["big"]
    board = leaderboard.build({"mnist": figures}, {"mnist": picks(runs, PARAMS["report"])}, "fid")
    assert not {key for row in board["mnist"].values() for key in row} & measured

    before = {p: p.read_bytes() for p in sorted((study / "results/summary").glob("*"))}
    trained = study / paths.run_dir("mnist", "big", 0) / "train.json"
    trained.write_text(json.dumps({**json.loads(trained.read_text()), "train_seconds": 30.0, "peak_rss_mb": 1.0}))
    summary.write("mnist", collect(PARAMS, "mnist"))
    assert {p: p.read_bytes() for p in sorted((study / "results/summary").glob("*"))} == before
    assert summary.read_figures("mnist")["big"]["train_seconds"]["mean"] == pytest.approx(17.0)


def test_summary_refuses_runs_scored_under_different_protocols(study):
    path = study / "results/mnist/small/seed1/metrics.json"
    metrics = json.loads(path.read_text())
    metrics["protocol"] = {**PROTOCOL, "samples": 10}
    path.write_text(json.dumps(metrics))
    with pytest.raises(ProtocolMismatch, match="samples: 20 vs 10"):
        collect(PARAMS, "mnist")


def test_picks_respect_the_home_budget_and_leave_out_diverged_variants(study):
    runs = collect(PARAMS, "mnist")
    chosen = picks(runs, PARAMS["report"])
    assert chosen["enterprise"].variant == "big" and chosen["enterprise"].runner_up == "small"
    assert chosen["home"].variant == "small" and chosen["home"].runner_up is None  # broken diverged: not eligible
    assert chosen["trained_at_home"].variant == "small" and chosen["trained_at_home"].metric == "home_fid"
    strict = {**PARAMS["report"], "home": {"max_generator_params": 1_000_000, "max_generator_mflops": 1.0}}
    assert picks(runs, strict)["home"].variant is None


def test_report_names_both_picks_with_their_test_thresholds_and_diverged_runs(study):
    runs = collect(PARAMS, "mnist")
    text = render(aggregate(runs), runs, {"mnist": picks(runs, PARAMS["report"])}, PARAMS)
    assert "**Home AI: small**, the best FID among the generators that fit a home device (at most 1,000,000 " \
           "parameters and 10 MFLOP per image), each at the end of its own training, whatever that cost (training is " \
           "paid once, by whoever ships the model): the model to ship to a home device: 22.00 ± 2.83 over 2 seeds, " \
           "trained to 300 GFLOP" in text
    assert "**Home AI trained at home: small**, the best FID at the home budget (150 GFLOP, matched compute) among " \
           "the generators that fit a home device (at most 1,000,000 parameters and 10 MFLOP per image): what a home " \
           "device could train itself: 27.00 ± 2.83 over 2 seeds, trained to 150 GFLOP" in text
    assert "**Enterprise AI: big**, the best FID among all generators, each at the end of its own training, whatever " \
           "that cost: the model to run in a data centre: 11.00 ± 1.41" in text
    assert "- **Home against enterprise at matched training compute** (300 GFLOP each): small 22.00 ± 2.83 against " \
           "big 11.00 ± 1.41: the generator cut to 0.07 of the MFLOP per image changes it by +11.00 FID" in text
    answer = text.split("## The answer")[1].split("## mnist")[0]  # first, before any dataset's evidence
    assert "| mnist | Enterprise AI | **big** | FID 11.00 ± 1.41 (2) | 3.00 M | 27.0 | 300 | small, p = " in answer
    assert "| mnist | Home AI | **small** | FID 22.00 ± 2.83 (2) | 0.20 M | 2.0 | 300 | no runner-up |" in answer
    assert "| mnist | Home AI trained at home | **small** | FID at the home budget 27.00 ± 2.83 (2) |" in answer
    assert "leads **small** by 11.00 FID" in text and "Candidates (2): big 11.00 ± 1.41, small 22.00 ± 2.83" in text
    assert "| small | big | width: 0.5 -> 0.125 | 22.00 ± 2.83 | +11.00 |" in text  # one factor, named
    assert "| real data (floor) | 1.10 ± 0.14" in text
    assert "broken seed 0 (nan)" in text
    assert "| big | 300 GFLOP / 2 s (2/2) | 300 GFLOP / 2 s (2/2) |" in text  # FID 10 and 12 at the last point
    assert "| small | 300 GFLOP / 2 s (2/2) | not reached (0/2) |" in text
    assert "It has no runner-up in this pool" in text
    assert "![Enterprise AI: big](picks/mnist-enterprise.gif)" in text


def test_a_run_that_trained_to_the_end_but_covers_no_test_image_is_named_failed_with_its_grid(study):
    runs = collect(PARAMS, "mnist")
    assert "Failed runs" not in render(aggregate(runs), runs, {"mnist": picks(runs, PARAMS["report"])}, PARAMS)
    scores = study / paths.run_dir("mnist", "small", 1) / "metrics.json"
    scores.write_text(json.dumps({**json.loads(scores.read_text()), "recall": 0.0}))  # one image per label, say
    runs = collect(PARAMS, "mnist")
    text = render(aggregate(runs), runs, {"mnist": picks(runs, PARAMS["report"])}, PARAMS)
    assert "Failed runs (recall below 0.01: one image per label, a few modes or noise; each seed links its grid): " \
           "small (seeds [1](mnist/small/seed1/grid.png) of 2)." in text


def test_variants_with_a_budget_of_their_own_are_candidates_and_home_meets_enterprise_at_matched_compute(study):
    """The picks read every generator at the end of its own training: a row trained to 4x the budget can be the
    enterprise pick, and a home-size one the home pick; the report says what the extra compute bought against
    the row each extends, and, the two picks trained alike, what cutting G to the home size costs."""
    params = {**PARAMS, "variants": {**PARAMS["variants"], "long": {"budget": {"train_gflop": 1200.0}},
                                     "small_long": {"width": 0.125, "budget": {"train_gflop": 1200.0}}},
              "report": {**PARAMS["report"], "compare": {**PARAMS["report"]["compare"], "long": "big",
                                                         "small_long": "long"}}}
    for seed, fid, small_fid in zip(params["seeds"], [4.0, 6.0], [8.0, 9.0]):
        write_run(study, "long", seed, fid, 3_000_000, 27.0, train_gflop=1200.0)
        write_run(study, "small_long", seed, small_fid, 200_000, 2.0, train_gflop=1200.0)
    assert beyond_budget(params) == ["long", "small_long"]
    assert off_budget(params) == {"home": set(), "enterprise": set(), "trained_at_home": set()}
    own = own_budgets(params)
    assert own["long"] == {**params["budget"], "train_gflop": 1200.0} and own["big"] == params["budget"]
    runs = collect(params, "mnist")
    chosen = picks(runs, params["report"], off_budget(params))
    assert chosen["enterprise"].variant == "long" and chosen["enterprise"].runner_up == "small_long"
    assert chosen["home"].variant == "small_long" and chosen["home"].runner_up == "small"
    text = render(aggregate(runs), runs, {"mnist": chosen}, params)
    assert ("(the full budget; long trains to 1,200 GFLOP, a budget of its own; small_long trains to 1,200 GFLOP, a "
            "budget of its own)") in text
    assert ("- **Beyond the study's budget: long**, trained to 1,200 GFLOP (4 ± 1 s): FID 5.00 ± 1.41 over 2 seeds, "
            "precision 0.500, recall 0.400; big at the full budget: 11.00 ± 1.41. The quality to be had at 4.0x the "
            "compute.") in text
    assert ("- **Home against enterprise at matched training compute** (1,200 GFLOP each): small_long 8.50 ± 0.71 "
            "against long 5.00 ± 1.41: the generator cut to 0.07 of the MFLOP per image changes it by +3.50 FID "
            "(Welch p = ") in text


def test_an_optimiser_setting_changed_alike_in_g_and_d_is_named_once():
    params = {**PARAMS, "variant_defaults": {**PARAMS["variant_defaults"], "g_opt": {"lr": 2e-4}, "d_opt": {"lr": 2e-4}},
              "variants": {"big": {}, "both": {"g_opt": {"lr": 1e-4}, "d_opt": {"lr": 1e-4}, "batch": 32},
                           "g_only": {"g_opt": {"lr": 1e-4}}}}
    assert comparisons.change(params, "both", "big") == "batch: None -> 32; lr (G and D): 0.0002 -> 0.0001"
    assert comparisons.change(params, "g_only", "big") == "g_opt.lr: 0.0002 -> 0.0001"


def test_a_ladder_is_drawn_as_a_waterfall_and_its_rungs_leave_the_component_panel(study, monkeypatch):
    """big <- small <- tiny is a ladder (each rung the only row compared with the one before; tiny, the last,
    is the base of two rows): the right panel draws it rung by rung, the left keeps the other rows."""
    params = {**PARAMS, "variants": {**PARAMS["variants"], "tiny": {"width": 0.0625}, "other": {"width": 0.03125}},
              "report": {**PARAMS["report"], "compare": {"small": "big", "tiny": "small", "broken": "tiny",
                                                         "other": "tiny"}}}
    for variant, fids in (("tiny", [30.0, 33.0]), ("other", [40.0, 45.0])):
        for seed, fid in zip(params["seeds"], fids):
            write_run(study, variant, seed, fid, 100_000, 1.0)
    assert comparisons.ladder(params["report"]["compare"]) == ["big", "small", "tiny"]
    assert comparisons.ladder({"small": "big", "broken": "big"}) == []  # two rows on one base are no ladder
    runs = collect(params, "mnist")
    drawn = {}
    monkeypatch.setattr(plots_compare, "_deltas", lambda ax, rows, *_: drawn.update(rows=rows))
    monkeypatch.setattr(plots_compare, "_waterfall", lambda ax, chain, *_: drawn.update(chain=chain))
    plots_compare.plot_components(runs, params, study / "components.png")
    assert drawn["chain"] == ["big", "small", "tiny"]
    assert [(r.variant, r.baseline) for r in drawn["rows"]] == [("other", "tiny")]  # broken: no healthy run
    assert plots_compare._rung_label(params, drawn["chain"], 2, 300.0, 4.5).split("\n") == [
        "tiny", "+ width: 0.125 -> 0.0625", "0 TFLOP, 4 s"]
    text = render(aggregate(runs), runs, {"mnist": picks(runs, params["report"])}, params)
    ladder, others = text.split("### The ladder (mnist)")[1].split("### What every other component buys (mnist)")
    assert "From **big** to **tiny**: FID 11.00 -> 31.50, one component per rung" in ladder
    assert "![the ladder as a waterfall, and what every other component buys](plots/mnist/components.png)" in ladder
    assert "| small | big | width: 0.5 -> 0.125 |" in ladder and "| tiny | small |" in ladder and "| other |" not in ladder
    assert "| other | tiny | width: 0.0625 -> 0.03125 |" in others.split("### Every variant")[0]


def test_the_html_report_front_page_gives_the_picks_then_the_ladder_and_renders_cleanly(study):
    params = {**PARAMS, "variants": {**PARAMS["variants"], "tiny": {"width": 0.0625}},
              "report": {**PARAMS["report"], "compare": {"small": "big", "tiny": "small"}}}
    for seed, fid in zip(params["seeds"], [30.0, 33.0]):
        write_run(study, "tiny", seed, fid, 100_000, 1.0)
    runs = collect(params, "mnist")
    page = front_page(aggregate(runs), runs, {"mnist": picks(runs, params["report"])}, params)
    rows = page.split(".. list-table::")[1].split("mnist: the ladder")[0]
    assert "   * - mnist\n     - Enterprise AI\n     - big\n     - FID 11.00 ± 1.41 (2)\n     - 3.00 M\n" in rows
    assert "   * - mnist\n     - Home AI\n     - small\n" in rows and "     - Home AI trained at home\n" in rows
    assert ("mnist: the ladder from big to tiny, one component per rung (FID 11.00 -> 31.50); the rung that buys "
            "the most: tiny (width: 0.125 -> 0.0625), +9.50, Welch p = ") in page
    html = publish_parts(page, writer="html", settings_overrides={"report_level": 2, "halt_level": 2})
    assert "<table" in html["html_body"] and "Enterprise AI" in html["html_body"]


def test_every_variant_has_a_colour_of_its_own_beyond_ten():
    names = [f"v{i}" for i in range(18)]
    colours = plots.palette_for(names)
    assert len({colours[n] for n in names}) == 18 and colours[plots.REAL_LABEL] == (0.0, 0.0, 0.0)


def test_pareto_front_keeps_only_undominated_points():
    cost, fid = np.array([1.0, 2.0, 3.0, 4.0, 0.5]), np.array([10.0, 5.0, 7.0, 1.0, 20.0])
    assert plots.pareto_front(cost, fid).tolist() == [4, 0, 1, 3]
    same_cost = np.array([27.3, 27.3, 2.1]), np.array([13.4, 11.9, 21.7])  # the worse of a tie is dominated
    assert plots.pareto_front(*same_cost).tolist() == [2, 1]


def test_every_figure_is_drawn_and_redrawn_byte_for_byte(study):
    """Same results -> the same PNG bytes, so DVC sees a rerun plot stage as unchanged."""
    summary.write("mnist", collect(PARAMS, "mnist"))
    view = StudyView(PARAMS, "mnist")
    drawn = {}
    for attempt in ("first", "second"):
        for fig in FIGURES:
            fig.draw(view, study / attempt / f"{fig.name}.png")
        drawn[attempt] = {p.name: p.read_bytes() for p in sorted((study / attempt).glob("*.png"))}
    assert sorted(drawn["first"]) == sorted(f"{fig.name}.png" for fig in FIGURES)
    for name, png in drawn["first"].items():
        assert png[:4] == b"\x89PNG", name
        assert png == drawn["second"][name], f"{name} differs between two draws of the same results"
