rule fetch_data:
    input:
        script="scripts/fetch_data.py",
        code="src/ganbench/data.py",
    output:
        npz="data/{dataset}/data.npz",
        card="data/{dataset}/card.json",
    log:
        "logs/fetch_data/{dataset}.log",
    threads: threads_for("fetch_data")
    resources:
        **resources_for("fetch_data"),
    shell:
        "python {input.script} --dataset {wildcards.dataset} 2>&1 | tee {log}"
