# Per-run rules: train -> generate -> score, one job per (dataset, variant, seed). `params:` hold
# exactly the settings each command reads, so editing one variant reruns only its runs. The score
# rule also scores the real-data row (variant "real", rules/reference.smk makes its samples).


rule train:
    wildcard_constraints:
        variant=TRAINED,
    input:
        script="scripts/train.py",
        code=code("train.py", "gan.py", "losses.py", "metrics.py", "sampling.py", "config.py", "models"),
        data="data/{dataset}/data.npz",
        classifier="models/classifier/{dataset}.keras",
    output:
        generator=f"{RUN}/generator.keras",
        log=f"{RUN}/train_log.csv",
        status=f"{RUN}/train.json",
    params:
        variant=lambda w: config["variants"][w.variant],
        budget=config["budget"],
        latent_seed=config["eval"]["latent_seed"],
        reference=config["eval"]["reference"],
    log:
        "logs/train/{dataset}/{variant}/seed{seed}.log",
    benchmark:
        "logs/benchmarks/train/{dataset}/{variant}/seed{seed}.tsv"
    threads: threads_for("train")
    resources:
        **resources_for("train"),
    shell:
        "python {input.script} --dataset {wildcards.dataset} --variant {wildcards.variant}"
        " --seed {wildcards.seed} 2>&1 | tee {log}"


rule generate:
    wildcard_constraints:
        variant=TRAINED,
    input:
        script="scripts/generate.py",
        code=code("generate.py", "sampling.py"),
        generator=f"{RUN}/generator.keras",
    output:
        samples=f"{RUN}/samples.npz",
        grid=f"{RUN}/grid.png",
    params:
        samples=config["eval"]["samples"],
        latent_seed=config["eval"]["latent_seed"],
    log:
        "logs/generate/{dataset}/{variant}/seed{seed}.log",
    threads: threads_for("generate")
    resources:
        **resources_for("generate"),
    shell:
        "python {input.script} --dataset {wildcards.dataset} --variant {wildcards.variant}"
        " --seed {wildcards.seed} 2>&1 | tee {log}"


rule score:
    input:
        script="scripts/score.py",
        code=code("scoring.py", "score_table.py", "metrics.py", "reference.py"),
        samples=f"{RUN}/samples.npz",
        data="data/{dataset}/data.npz",
        classifier="models/classifier/{dataset}.keras",
        reference="results/classifier/{dataset}/reference.npz",
    output:
        metrics=f"{RUN}/metrics.json",
        table=f"{RUN}/metrics.md",
    params:
        eval=config["eval"],
    log:
        "logs/score/{dataset}/{variant}/seed{seed}.log",
    threads: threads_for("score")
    resources:
        **resources_for("score"),
    shell:
        "python {input.script} --dataset {wildcards.dataset} --samples {input.samples}"
        " --out {output.metrics} --allow-nonfinite 2>&1 | tee {log}"


rule profile:
    wildcard_constraints:
        variant=TRAINED,
    input:
        script="scripts/profile.py",
        code=code("profile.py", "train.py", "gan.py", "losses.py", "models"),
        generator=f"{RUN}/generator.keras",
        status=f"{RUN}/train.json",
    output:
        profile=f"{RUN}/profile.json",
    params:
        variant=lambda w: config["variants"][w.variant],
    log:
        "logs/profile/{dataset}/{variant}/seed{seed}.log",
    threads: threads_for("profile")
    resources:
        **resources_for("profile"),
    shell:
        "python {input.script} --dataset {wildcards.dataset} --variant {wildcards.variant}"
        " --seed {wildcards.seed} 2>&1 | tee {log}"
