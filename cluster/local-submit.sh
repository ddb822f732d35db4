#!/usr/bin/env bash
# Submit command for Snakemake's cluster-generic executor whose "cluster" is this machine.
#
#   cluster/local-submit.sh JOBSCRIPT      # Snakemake appends the job script's path
#
# Starts the job script in the background, in a session of its own (so that local-cancel.sh can
# end the job with everything it started), and prints the job id, here the session's process id,
# as a real scheduler's submit command (sbatch --parsable, qsub) prints its own. Output goes to
# logs/cluster/<job script name>.log. Snakemake learns that a job ended from the marker files its
# job script writes (no status command is needed on a shared file system).
set -euo pipefail
jobscript="${!#}"
mkdir -p logs/cluster
log="logs/cluster/$(basename "$jobscript" .sh).log"
setsid bash "$jobscript" >"$log" 2>&1 </dev/null &
echo "$!"
