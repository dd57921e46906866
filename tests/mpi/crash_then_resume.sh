#!/usr/bin/env bash
# A job whose rank ends it mid-run (MPI_Abort, or SIGKILL), then the same job resumed from its
# journal: the resumed job keeps every trial the first finished and evaluates none of them again.
# Usage: crash_then_resume.sh abort|die PROGRAM JOURNAL MPIEXEC [MPIEXEC ARGUMENTS...]
set -uo pipefail
mode=$1 program=$2 journal=$3
shift 3
rm -f "$journal" "$journal.lock"
"$@" "$program" "$journal" "$mode"
code=$?
if [ "$code" -eq 0 ]; then
  echo "crash_then_resume: the job meant to end with $mode exited 0"
  exit 1
fi
echo "crash_then_resume: the $mode job ended with exit code $code; resuming"
[ -s "$journal" ] || { echo "crash_then_resume: no journal at $journal"; exit 1; }
"$@" "$program" "$journal" resume
