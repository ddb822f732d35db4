# One rule per stage of the table in src/ganbench/pipeline/stages.py, the table dvc.yaml is generated from:
# the same command, inputs (code included), outputs and params in both front ends. Every directive
# below is evaluated as the rule is defined, except `shell:`, which runs with the job: it must not
# use `stage` (by then the loop variable holds the last stage), so the command comes as a param.
for stage in STAGES:

    rule:
        name:
            stage.name
        wildcard_constraints:
            **glue.constraints(stage, config),
        input:
            glue.inputs(stage, config),
        output:
            glue.outputs(stage, report, directory),
        params:
            settings=glue.params(stage, config),
            command=glue.command(stage),
        log:
            glue.log(stage),
        benchmark:
            glue.benchmark(stage)
        threads: glue.threads(config, stage.name, glue.cores_given(workflow))
        resources:
            **glue.resources(config, stage.name),
        conda:
            CONDA_ENV
        shell:
            "{params.command}"  # not glue.command(stage) here: shell expressions are evaluated at run time
