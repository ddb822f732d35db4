rule train_classifier:
    input:
        script="scripts/train_classifier.py",
        code="src/ganbench/classifier.py",
        data="data/{dataset}/data.npz",
    output:
        model="models/classifier/{dataset}.keras",
        metrics="results/classifier/{dataset}/metrics.json",
    params:
        settings=config["classifier"],
    log:
        "logs/train_classifier/{dataset}.log",
    benchmark:
        "logs/benchmarks/train_classifier/{dataset}.tsv"
    threads: threads_for("train_classifier")
    resources:
        **resources_for("train_classifier"),
    shell:
        "python {input.script} --dataset {wildcards.dataset} 2>&1 | tee {log}"
