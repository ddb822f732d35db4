# Study-level rules: the summary table over every run, the report with the two picks, and the
# figures per dataset. Outputs marked report() also go into `snakemake --report`.


rule summarize:
    input:
        script="scripts/summarize.py",
        code=code("summary.py", "scoring.py"),
        metrics=lambda w: runs_of(w.dataset, "metrics.json", VARIANTS + [REAL]),
        status=lambda w: runs_of(w.dataset, "train.json"),
        profiles=lambda w: runs_of(w.dataset, "profile.json"),
    output:
        csv="results/summary/{dataset}.csv",
        json="results/summary/{dataset}.json",
    params:
        variants=VARIANTS,
        seeds=SEEDS,
    log:
        "logs/summarize/{dataset}.log",
    threads: threads_for("summarize")
    resources:
        **resources_for("summarize"),
    shell:
        "python {input.script} --dataset {wildcards.dataset} 2>&1 | tee {log}"


rule report:
    input:
        script="scripts/report.py",
        code=code("report.py"),
        tables=expand("results/summary/{dataset}.{suffix}", dataset=DATASETS, suffix=["csv", "json"]),
    output:
        csv="results/summary.csv",
        json="results/summary.json",
        report=report("results/report.md", category="Report"),
    params:
        datasets=DATASETS,
        report=config["report"],
        budget=config["budget"],
    log:
        "logs/report.log",
    threads: threads_for("report")
    resources:
        **resources_for("report"),
    shell:
        "python {input.script} 2>&1 | tee {log}"


rule plot:
    input:
        script="scripts/plot.py",
        code=code("plots.py"),
        runs="results/summary/{dataset}.csv",
        train_logs=lambda w: runs_of(w.dataset, "train_log.csv"),
        samples=lambda w: runs_of(w.dataset, "samples.npz", VARIANTS + [REAL]),
    output:
        **{name: report(f"results/plots/{{dataset}}/{name}.png", category="{dataset}", caption=f"report/{name}.rst")
           for name in PLOT_NAMES},
    params:
        variants=VARIANTS,
        seeds=SEEDS,
    log:
        "logs/plot/{dataset}.log",
    threads: threads_for("plot")
    resources:
        **resources_for("plot"),
    shell:
        "python {input.script} --dataset {wildcards.dataset} 2>&1 | tee {log}"
