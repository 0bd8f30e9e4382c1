#!/usr/bin/env bash
# Run the benchmarks once at a small N (bench_perf.py --quick, a short bench_durability.py), so
# they keep working. Their numbers are not judged here (a shared CI machine is too noisy for
# that): this step fails only when a benchmark crashes. No lab, no registry access.
# Usage: tests/ci/bench.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_controller a
export PATH="$CONTROLLER_VENV/bin:$BASE_PATH"
python="$CONTROLLER_VENV/bin/python"
log=$(ci_log_file bench)
started=$SECONDS

{
    "$python" "$REPO_ROOT/bench/bench_perf.py" --quick --no-peer --markdown
    "$python" "$REPO_ROOT/bench/bench_durability.py" --calls 20 --rounds 1
} 2>&1 | tee "$log"

ci_note "bench --quick ran in $((SECONDS - started))s (numbers not judged; log $log)"
