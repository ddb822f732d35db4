"""The docs cannot go stale silently: the generated blocks are what their sources generate, and every
path, command, params key and test id the docs show exists. The README's study block is also built here
for an incomplete and a complete study, since the shipped one is only ever one of the two."""
from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import yaml
from helpers import REPO

from ganbench.console import build_parser
from ganbench.errors import GanbenchError
from ganbench.pipeline import docs
from ganbench.pipeline.docs import outputs, settings, standing, study_hours
from ganbench.pipeline.profiles import materialise
from ganbench.pipeline.stages import STAGES
from ganbench.pipeline.study import CELL_STAGES

DOCS = ["README.md", "benchmarks/README.md", *sorted(str(p.relative_to(REPO)) for p in (REPO / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
SPAN = re.compile(r"`([^`\n]+)`")
LINK = re.compile(r"\]\(([^)#\s]+)")
PLACEHOLDER = re.compile(r"<[^>]*>")
EXTENSIONS = {"csv", "gif", "html", "json", "keras", "md", "npz", "png", "py", "rst", "tsv", "yaml"}
# Written by a command or a tool, not a stage, or scratch: cited as places, never as evidence.
WRITTEN_ELSEWHERE = ("logs/", "checkpoints/", "results/proofs/", "results/plots_diff/",
                     "results/report.html", "results/hours.md", "results/hours.csv", "dvc_plots/",
                     "results/classifier/<>/reference.npz")


def text(name: str) -> str:
    return (REPO / name).read_text()


def prose(doc: str) -> str:
    """The doc without its fenced code blocks."""
    return FENCE.sub("", doc)


def code(doc: str) -> list[str]:
    """The lines of the doc's shell code blocks (and untyped ones), comments dropped."""
    return [re.sub(r"(^|\s)#.*$", "", line) for lang, block in FENCE.findall(doc) if lang in ("bash", "sh", "")
            for line in block.splitlines()]


@pytest.fixture(scope="module")
def tracked() -> set[str]:
    listed = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    return set(listed.split())


def declared() -> dict[str, bool]:
    """Every declared output, placeholders blanked (`results/<>/<>/seed<>/train.json`) -> kept in the DVC cache."""
    return {PLACEHOLDER.sub("<>", outputs.shown(o.path)): o.cache for s in STAGES for o in s.outputs}


# ----------------------------------------------------------------------------------- generated blocks
def test_every_generated_block_is_current():
    assert docs.stale(REPO) == [], "generated doc blocks are stale: run `ganbench dag`"


def test_dag_check_names_the_file_and_the_stale_block(tmp_path, monkeypatch):
    monkeypatch.setattr(docs, "BLOCKS", (docs.Block(Path("a.md"), "numbers", lambda root: "| 2 |\n"),))
    (tmp_path / "a.md").write_text("intro\n<!-- ganbench:begin numbers -->\n| 1 |\n<!-- ganbench:end numbers -->\nend\n")
    assert docs.stale(tmp_path) == ["a.md: block numbers"]
    docs.write(tmp_path)
    assert (tmp_path / "a.md").read_text() == ("intro\n<!-- ganbench:begin numbers -->\n| 2 |\n"
                                               "<!-- ganbench:end numbers -->\nend\n")
    assert docs.stale(tmp_path) == []
    (tmp_path / "a.md").write_text("no markers\n")
    assert docs.stale(tmp_path) == ["a.md: block numbers"]
    with pytest.raises(GanbenchError, match=r"^a\.md: no <!-- ganbench:begin numbers -->"):
        docs.write(tmp_path)


def test_a_file_generated_whole_is_written_and_checked_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(docs, "BLOCKS", (docs.Block(Path("out/b.md"), "b", lambda root: "# b\n", whole=True),))
    assert docs.stale(tmp_path) == ["out/b.md: block b (no such file)"]
    assert docs.write(tmp_path) == [Path("out/b.md")] and (tmp_path / "out/b.md").read_text() == "# b\n"
    assert docs.stale(tmp_path) == []
    (tmp_path / "out/b.md").write_text("# b\nan edit by hand\n")
    assert docs.stale(tmp_path) == ["out/b.md: the whole file"]


def test_a_setting_without_a_description_is_refused():
    schema = {"properties": {}, "$defs": {}}
    with pytest.raises(GanbenchError, match="budget.x has no description"):
        settings.rows({"type": "integer"}, "budget.x", schema, {})


# ---------------------------------------------------------------------------- the README's study block
def study_root(tmp_path: Path, landed_cells: int, leaderboard: dict | None = None) -> Path:
    """A smoke study's records: params.yaml, dvc.lock with the first `landed_cells` cells (and the real
    rows), their metrics files; with `leaderboard`, every cell and the report stage landed."""
    (tmp_path / "params.yaml").write_text(materialise("smoke", REPO / "profiles"))
    params = yaml.safe_load((tmp_path / "params.yaml").read_text())
    cells = [(d, v, s) for d in params["datasets"] for v in params["variants"] for s in params["seeds"]]
    landed = cells if leaderboard else cells[:landed_cells]
    names = [f"{stage}@{d}-{v}-{s}" for d, v, s in landed for stage in CELL_STAGES]
    names += [f"score_real@{d}-{s}" for d in params["datasets"] for s in params["seeds"]]
    for i, (d, v, s) in enumerate(landed):
        run = tmp_path / f"results/{d}/{v}/seed{s}"
        run.mkdir(parents=True)
        (run / "metrics.json").write_text(json.dumps({"fid": 40.0 + i, "precision": 0.5, "recall": 0.25}))
        (run / "metrics_home.json").write_text(json.dumps({"fid": 90.0 + i}))
    for d in params["datasets"]:
        for s in params["seeds"]:
            (tmp_path / f"results/{d}/real/seed{s}").mkdir(parents=True, exist_ok=True)
            (tmp_path / f"results/{d}/real/seed{s}/metrics.json").write_text(json.dumps({"fid": 1.5}))
    if leaderboard:
        names.append("report")
        (tmp_path / "results/leaderboard.json").write_text(json.dumps(leaderboard))
    (tmp_path / "dvc.lock").write_text(yaml.safe_dump({"schema": "2.0", "stages": {n: {"cmd": "x"} for n in names}}))
    return tmp_path


def test_the_study_block_says_how_far_an_incomplete_study_is(tmp_path):
    root = study_root(tmp_path, landed_cells=1)
    block = standing.render(root)
    assert block.startswith("**The `smoke` study** (`params.yaml`): in progress: 1 of 4 cells landed")
    prose = " ".join(block.split())  # its paragraphs are wrapped at 110 columns
    assert "not a finding" in prose and "mnist 1.50 (1 seed)" in prose and "AI **" not in prose
    assert "(1 of 4 dataset/variant rows have a landed seed: mnist 1, fashion 0)" in prose
    assert "|" not in block  # the table of landed cells is in results/study_progress.md: the README keeps its length

    progress = standing.render_progress(root)
    assert progress.startswith(standing.PROGRESS_HEADER + "The `smoke` study (`params.yaml`): in progress: 1 of 4")
    assert "| `mnist/dcgan_ns` | 0 | 40.00 | 0.500 | 0.250 | 90.00 |" in progress  # one row per variant, seeds apart
    said = " ".join(progress.split())
    assert "No seed landed yet: `mnist/cdcgan_ns`, `fashion/dcgan_ns`, `fashion/cdcgan_ns`." in said
    assert "mnist 1.50 (1 seed)" in said


def test_the_study_block_gives_the_picks_of_a_complete_study(tmp_path):
    row = lambda fid: {"fid": fid, "fid_sd": 0.5, "precision": 0.5, "recall": 0.5}  # noqa: E731
    board = {"mnist": {"dcgan_ns": row(30.0), "cdcgan_ns": row(20.0), "real": {"fid": 1.5}},
             "fashion": {"dcgan_ns": row(25.0), "cdcgan_ns": row(26.0), "real": {"fid": 0.7}},
             "picks": {"mnist": {"home": "dcgan_ns", "home_fid": 90.0, "home_welch_p": 0.2,
                                 "enterprise": "cdcgan_ns", "enterprise_fid": 20.0, "enterprise_welch_p": 0.01},
                       "fashion": {"home": "none", "enterprise": "dcgan_ns", "enterprise_fid": 25.0}}}
    block = standing.render(study_root(tmp_path, 0, board))
    assert "complete: 4 of 4 cells landed" in block
    assert "- mnist: home AI **`dcgan_ns`** FID 90 (Welch p = 0.2, **inconclusive**); " \
           "enterprise AI **`cdcgan_ns`** FID 20 (Welch p = 0.01, beyond the seed spread)" in block
    assert "| mnist | cdcgan_ns | 20.00 ± 0.50 |" in block and "real data (floor)" in block


def test_the_study_hours_sort_every_part_by_kind(tmp_path):
    """Training (at the study's budget, with a budget of its own) from each cell's train.json, the rest of its
    job, inputs, aggregates; a cell run again supersedes its earlier job; a failed job counts apart."""
    root = study_root(tmp_path, landed_cells=0)
    params = yaml.safe_load((root / "params.yaml").read_text())
    params["variants"]["cdcgan_ns"]["budget"] = {"train_gflop": 40}  # a budget of its own
    (root / "params.yaml").write_text(yaml.safe_dump(params))
    for variant, seconds in (("dcgan_ns", 300.0), ("cdcgan_ns", 720.0)):
        run = root / f"results/mnist/{variant}/seed0"
        run.mkdir(parents=True)
        (run / "train.json").write_text(json.dumps({"train_seconds": seconds}))
    cell = lambda v: " ".join(f"{s}@mnist-{v}-0" for s in CELL_STAGES)  # noqa: E731
    machine = "c1,EPYC,AVX2"
    (root / "results/study_jobs.csv").write_text("\n".join([
        "part_started,machine_class,cpu_model,onednn_isa,stage,seconds,status",
        f"p1,{machine},fetch_data@mnist train_classifier@mnist,100.0,ok", f"p1,{machine},{cell('dcgan_ns')},400.0,ok",
        f"p1,{machine},{cell('cdcgan_ns')},50.0,failed", f"p2,{machine},{cell('dcgan_ns')},360.0,ok",
        f"p2,{machine},{cell('cdcgan_ns')},900.0,ok", f"p2,{machine},aggregates,36.0,ok"]) + "\n")
    totals = study_hours.accounting(root)[list(study_hours.KINDS)].sum()
    assert list(totals) == [300.0, 720.0, 60.0 + 180.0, 100.0, 36.0, 400.0, 50.0]
    table = study_hours.render(root)
    assert table.startswith(study_hours.HEADER)
    assert "| training at the study's budget | 0.08 | 16% |" in table and "| **all** | **0.51** | 100% |" in table
    assert "| p2 | EPYC, oneDNN AVX2 (class c1) | 3 | 2 | 0.28 | 0.36 |" in table
    assert study_hours.summary(root).startswith("Hours so far: 0.51 h of wall time over 2 parts on 1 machine class: "
                                                "training 0.28 h (at the study's budget 0.08, with budgets of their own 0.20)")


# ------------------------------------------------------------------------------ what the docs cite
def cited_paths(name: str) -> list[str]:
    """Repo paths the doc names in inline code or links (relative to the repository; `a.csv|json` is two)."""
    doc, found = text(name), []
    for link in LINK.findall(doc):
        if not re.match(r"\w+:", link):
            found.append(str((REPO / name).parent.joinpath(link).resolve().relative_to(REPO)))
    for span in SPAN.findall(prose(doc)):
        if " " in span or ":" in span or span.startswith(("-", "~", "/", ".")):
            continue
        head, _, tail = span.partition("|")
        found.append(head)
        if tail and "." in head:
            found.append(head.rsplit(".", 1)[0] + "." + tail)
    return found


def is_repo_path(path: str, tops: set[str]) -> bool:
    return path in tops or ("/" in path and path.split("/")[0] in tops)


def pattern(path: str) -> str:
    """A regex for `path` and what is under it; `<...>` and `*` stand for any name."""
    escaped = re.escape(PLACEHOLDER.sub("<>", path.rstrip("/"))).replace("<>", "[^/]+").replace(r"\*", "[^/]*")
    return escaped + "(/.*)?"


def matching(path: str, candidates) -> bool:
    """`path` names one of `candidates` or a directory holding one."""
    return any(re.fullmatch(pattern(path), c) for c in candidates)


@pytest.mark.parametrize("name", DOCS)
def test_every_path_the_docs_cite_exists_in_git_or_is_a_declared_output_never_as_evidence(name, tracked):
    tops = {p.split("/")[0] for p in tracked} | {"artifacts", "checkpoints", "logs"}
    outs, problems = declared(), []
    for path in (p for p in cited_paths(name) if is_repo_path(p, tops)):
        blank = PLACEHOLDER.sub("<>", path)
        if matching(path, tracked) or matching(f"src/ganbench/{path}", tracked):
            continue
        if blank.startswith(WRITTEN_ELSEWHERE):
            continue
        instance_of = [cache for out, cache in outs.items()  # one cell's file, e.g. artifacts/mnist/x/seed0/...
                       if "<>" in out and "<>" not in blank and re.fullmatch(pattern(out), path)]
        if any(instance_of):
            problems.append(f"{path}: only a DVC cache holds it; cite its record in git, never as evidence")
        elif instance_of:
            problems.append(f"{path}: one cell's record, not in git")
        elif not matching(path, outs):
            problems.append(f"{path}: not in git, not a declared output")
    assert problems == [], f"{name}: " + "; ".join(problems)



def commands(name: str) -> tuple[list[list[str]], list[str]]:
    """(`ganbench` argument lists from the doc's code blocks, subcommands named in its prose)."""
    full = []
    for line in code(text(name)):
        for part in re.split(r"&&|\|\||;|\|", PLACEHOLDER.sub("x", line)):
            try:
                words = shlex.split(part)
            except ValueError:  # a quote opened before a `;` or `|` the split cut at: not a ganbench line
                words = part.split()
            for i, word in enumerate(words):
                if word == "ganbench" and (i == 0 or words[i - 1] == "-m"):
                    full.append(words[i + 1:])
    named = [m.group(1) for span in SPAN.findall(prose(text(name)))
             for m in [re.match(r"(?:python -m )?ganbench ([a-z][\w-]*)", span)] if m]
    return full, named


@pytest.mark.parametrize("name", DOCS)
def test_every_ganbench_and_run_sh_command_shown_exists_and_parses(name):
    parser = build_parser()
    subcommands = set(parser._subparsers._group_actions[0].choices)
    full, named = commands(name)
    for argv in full:
        try:
            parser.parse_args(argv)
        except SystemExit:
            pytest.fail(f"{name}: `ganbench {' '.join(argv)}` does not parse")
    assert [c for c in named if c not in subcommands] == []
    run_sh = set(re.findall(r"^\s+(\w+)\)", text("run.sh"), re.M))
    shown = re.findall(r"bash run\.sh (\w+)", text(name))
    assert [c for c in shown if c not in run_sh] == [], f"{name}: run.sh has {sorted(run_sh)}"


def params_keys(name: str) -> list[str]:
    top = "|".join(yaml.safe_load(text("schemas/params.schema.yaml"))["properties"])
    key = re.compile(rf"^(?:{top})(?:\.[\w<>]+)+$")
    doc = text(name)
    spans = [s for s in SPAN.findall(prose(doc)) if key.match(s) and s.rsplit(".", 1)[1] not in EXTENSIONS]
    return spans + re.findall(r"-S '?(\w+\.[\w.<>]+)=", doc)


def resolves(schema: dict, dotted: str) -> bool:
    node = schema
    for part in dotted.split("."):
        node = settings._resolve(node, schema)
        names = (node.get("propertyNames") or {}).get("enum")
        if part in node.get("properties", {}):
            node = node["properties"][part]
        elif isinstance(node.get("additionalProperties"), dict) and (names is None or part in names or "<" in part):
            node = node["additionalProperties"]
        else:
            return False
    return True


@pytest.mark.parametrize("name", DOCS)
def test_every_dotted_params_key_resolves_in_the_schema(name):
    schema = yaml.safe_load(text("schemas/params.schema.yaml"))
    assert [k for k in params_keys(name) if not resolves(schema, k)] == []


@pytest.mark.parametrize("name", DOCS)
def test_every_test_id_cited_exists(name):
    missing = []
    for path, test in re.findall(r"(tests/[\w/]+\.py)::(\w+)", text(name)):
        if not (REPO / path).is_file() or not re.search(rf"^def {test}\(", text(path), re.M):
            missing.append(f"{path}::{test}")
    assert missing == []


def test_the_readme_is_short_and_marks_the_blocks_a_test_runs():
    readme = text("README.md")
    assert len(readme.splitlines()) <= 200
    blocks = docs.runnable(readme)
    assert set(blocks) == {"first-run", "compare"} and "ganbench profile smoke" in blocks["first-run"]
    assert "dvc metrics diff" in blocks["compare"]
