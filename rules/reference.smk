# The real side of every score: the reference split embedded once per dataset, and the real-data
# row's "samples" (held-out training images) per seed, scored by the score rule like a variant.


rule embed_reference:
    input:
        script="scripts/embed_reference.py",
        code=code("reference.py", "classifier.py", "metrics.py"),
        data="data/{dataset}/data.npz",
        classifier="models/classifier/{dataset}.keras",
    output:
        reference="results/classifier/{dataset}/reference.npz",
    params:
        reference=config["eval"]["reference"],
        knn_k=config["eval"]["knn_k"],
        knn_space=config["eval"]["knn_space"],
    log:
        "logs/embed_reference/{dataset}.log",
    threads: threads_for("embed_reference")
    resources:
        **resources_for("embed_reference"),
    shell:
        "python {input.script} --dataset {wildcards.dataset} 2>&1 | tee {log}"


rule real_samples:
    input:
        script="scripts/real_samples.py",
        code=code("reference.py", "generate.py"),
        data="data/{dataset}/data.npz",
    output:
        samples=f"results/{{dataset}}/{REAL}/seed{{seed}}/samples.npz",
        grid=f"results/{{dataset}}/{REAL}/seed{{seed}}/grid.png",
    params:
        samples=config["eval"]["samples"],
    log:
        "logs/real_samples/{dataset}/seed{seed}.log",
    threads: threads_for("real_samples")
    resources:
        **resources_for("real_samples"),
    shell:
        "python {input.script} --dataset {wildcards.dataset} --seed {wildcards.seed} 2>&1 | tee {log}"
