#!/usr/bin/env bash
# Cancel command for the cluster-generic executor with cluster/local-submit.sh: Snakemake calls it
# with the ids local-submit.sh printed (when it is interrupted, e.g. Ctrl-C). Each id leads a
# session of its own, so the whole process group of that job is ended, and nothing else.
for id in "$@"; do
    [[ "$id" =~ ^[0-9]+$ ]] || { echo "local-cancel.sh: not a job id: $id" >&2; continue; }
    kill -TERM -- "-$id" 2>/dev/null || true
done
