"""A metrics dict (`ganbench.evaluation.scoring.score`) as a short Markdown table, for people: the scored
metrics of the registry (`ganbench.evaluation.registry`), the protocol in one line, and one line per
per-class figure. `scripts/score.py` writes it
beside every metrics JSON."""
from __future__ import annotations

from ganbench.evaluation.registry import METRICS

CLASS_ROWS = (("intra-class FID", "fid", 1), ("recall", "recall", 2), ("coverage", "coverage", 2),
              ("samples", "samples", 0))
GROUPINGS = {"by_label": "by label", "by_predicted": "by predicted class"}


def _fmt(value, digits: int) -> str:
    """A number with `digits` decimals (integers as they are), 'n/a' for a missing value."""
    if value is None:
        return "n/a"
    return str(value) if isinstance(value, int) else f"{value:.{digits}f}"


def protocol_line(protocol: dict) -> str:
    """The protocol block in one sentence: what a reader needs to know to compare two tables."""
    return (f"N = {protocol['samples']} samples vs {protocol['reference_samples']} '{protocol['reference']}' images; "
            f"classifier {protocol['classifier_sha256'][:12]}, layer '{protocol['feature_layer']}'; "
            f"k-NN: k = {protocol['knn_k']}, {protocol['knn_space']} features; "
            f"KID: {protocol['kid_subsets']} x {protocol['kid_subset_size']}, seed {protocol['kid_seed']}")


def _main_rows(metrics: dict) -> list[str]:
    """One row per scored metric of the registry present in `metrics`, its direction beside its name."""
    rows = []
    for m in METRICS:
        if m.source == "score" and m.key in metrics:
            name = f"{m.label} ({m.direction()})" if m.direction() else m.label
            rows.append(f"| {name} | {_fmt(metrics[m.key], m.digits)} |")
    return rows


def _class_rows(per_class: dict) -> list[str]:
    """One table: a row per grouping and figure, a column per class and the mean over classes."""
    first = next(iter(per_class.values()))
    classes = range(len(first["fid"]))
    lines = ["| grouping | figure | " + " | ".join(str(c) for c in classes) + " | mean |",
             "|---|---|" + "---:|" * (len(classes) + 1)]
    for grouping in sorted(per_class):
        block = per_class[grouping]
        for label, key, digits in CLASS_ROWS:
            mean = "" if key == "samples" else _fmt(block[f"{key}_mean"], digits)
            cells = " | ".join(_fmt(v, digits) for v in block[key])
            lines.append(f"| {GROUPINGS.get(grouping, grouping)} | {label} | {cells} | {mean} |")
    return lines


def render_markdown(metrics: dict, title: str) -> str:
    """Markdown for one metrics dict: a title, the main metrics, the protocol line and the per-class
    table (n/a: too few samples of that class for a covariance, or for k neighbours; see
    `ganbench.evaluation.scoring.score`). A diverged set says so instead."""
    lines = [f"# {title}", ""]
    if metrics.get("diverged"):
        lines += [f"**Diverged**: {metrics.get('non_finite_samples', '?')} non-finite samples; no metrics.", ""]
    else:
        lines += ["| metric | value |", "|---|---:|", *_main_rows(metrics), ""]
    lines += [f"Protocol: {protocol_line(metrics['protocol'])}.", ""]
    if metrics.get("per_class"):
        lines += ["Per class (samples grouped by their label or by the predicted class, against the reference images "
                  "of that class):", "", *_class_rows(metrics["per_class"]), ""]
    return "\n".join(lines)
