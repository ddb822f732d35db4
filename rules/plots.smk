rule plot:
    input:
        script="scripts/plot.py",
        code="src/ganbench/plots.py",
        train_logs=lambda w: runs_of(w.dataset, "train_log.csv"),
        metrics=lambda w: runs_of(w.dataset, "metrics.json", VARIANTS + [REAL]),
    output:
        time_to_quality="results/plots/{dataset}/time_to_quality.png",
        scores="results/plots/{dataset}/scores.png",
    params:
        variants=VARIANTS,
        seeds=SEEDS,
    log:
        "logs/plot/{dataset}.log",
    shell:
        "python {input.script} --dataset {wildcards.dataset} 2>&1 | tee {log}"
