#!/usr/bin/env bash
# The long reliability runs, one after another (about an hour on two cores):
#   1. the property-based fuzz run, 100000 examples per property (needs hypothesis);
#   2. PYCALL_LONG=1 of the lab targets asterisk_callfile_concurrency, _crash, _fullspool
#      and _fuzz, run as runme.sh directly (ansible-test would drop PYCALL_LONG);
#   3. the durability benchmark.
# Needs root and the lab: `sudo tests/lab/lab up 1` first (PYCALL_LAB_DIR / PYCALL_LAB_NET
# select a lab of your own). Arguments go to tests/fuzz/fuzz_callfile.py, e.g.
#   sudo tests/fuzz/run_long.sh --examples 100000 --jobs 2
# Every step runs even if an earlier one failed; the exit status says whether all passed.
set -uo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# ansible-playbook must find pycall.asterisk in this checkout, not an installed copy.
mkdir -p "$work/ansible_collections/pycall"
ln -s "$root" "$work/ansible_collections/pycall/asterisk"
export ANSIBLE_COLLECTIONS_PATH="$work${ANSIBLE_COLLECTIONS_PATH:+:$ANSIBLE_COLLECTIONS_PATH}"

failed=()
step() {
    local label=$1 start=$SECONDS
    shift
    echo "=== $label"
    if "$@"; then
        echo "=== $label: passed in $((SECONDS - start)) s"
    else
        echo "=== $label: FAILED after $((SECONDS - start)) s"
        failed+=("$label")
    fi
}

if [ $# -eq 0 ]; then
    set -- --examples 100000
fi
step "fuzz: tests/fuzz/fuzz_callfile.py $*" python3 "$root/tests/fuzz/fuzz_callfile.py" "$@"
for target in concurrency crash fullspool fuzz; do
    dir="$root/tests/integration/targets/asterisk_callfile_$target"
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash, on purpose
    step "lab: asterisk_callfile_$target (PYCALL_LONG=1)" env PYCALL_LONG=1 bash -c 'cd "$1" && ./runme.sh' _ "$dir"
done
step "bench: bench/bench_durability.py" python3 "$root/bench/bench_durability.py" --calls 500 --rounds 7

if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
echo "all long reliability runs passed"
