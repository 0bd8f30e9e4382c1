#!/usr/bin/env bash
# Exactly once under concurrency, on the real lab: 16 ansible-playbook runs spooling the
# same call at the same moment place one call (one run reports changed, 15 report
# unchanged); inside the host, races of 16 spoolers released together through the real
# library place each call once, never overlap in the critical section, never hold up a
# call of another name for long, and stay right while Asterisk dials and archives the
# call; with the lock taken out the same race goes wrong (the test can fail).
#
# CI runs the short version. By hand, PYCALL_LONG=1 runs many more races:
#   PYCALL_LONG=1 tests/integration/targets/asterisk_callfile_concurrency/runme.sh
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)


lab_require_up 1
lab_reset ast1
inv=$(lab_inventory root)
prefix="race-$$"
if [ "${PYCALL_LONG:-0}" = 1 ]; then
    playbook_rounds=5
    driver_args=(--rounds 100 --procs 16)
else
    playbook_rounds=1
    driver_args=(--rounds 3 --procs 16)
fi

echo "== 16 ansible-playbook runs spool the same call at the same moment"
outdir=$(mktemp -d)
trap 'rm -rf "$outdir"' EXIT
for round in $(seq 1 "$playbook_rounds"); do
    name="$prefix-play$round"
    barrier_dir=/tmp/pycall-barrier-$name
    pids=()
    for i in $(seq 1 16); do
        ansible-playbook -i "$inv" race.yml -e "call_name=$name barrier_dir=$barrier_dir runs=16" "$@" >"$outdir/run$i.log" 2>&1 &
        pids+=($!)
    done
    failed=0
    for pid in "${pids[@]}"; do
        wait "$pid" || failed=$((failed + 1))
    done
    [ "$failed" = 0 ] || { cat "$outdir"/run*.log >&2; lab_fail "$failed of 16 runs failed"; }
    results=$(cat "$outdir"/run*.log)
    changed=$(grep -c 'RESULT changed=True' <<<"$results" || true)
    unchanged=$(grep -c 'RESULT changed=False' <<<"$results" || true)
    files=$(grep -o 'file=[^ "]*' <<<"$results" | sort -u)
    if [ "$changed" != 1 ] || [ "$unchanged" != 15 ]; then
        grep RESULT <<<"$results" >&2
        lab_fail "round $round: $changed runs spooled, $unchanged unchanged; expected 1 and 15"
    fi
    [ "$(grep -c . <<<"$files")" = 1 ] || lab_fail "round $round: the runs report different call files:"$'\n'"$files"
    rm -rf "$(lab_root ast1)$barrier_dir"
    # how close together the module runs were: the barrier released every run within
    # a few ms; the moments the 16 modules returned (seen by the controllers) spread by
    spread=$(grep -o 'arrived=[0-9]* released=[0-9.]* done=[0-9.]*' <<<"$results" | python3 -c '
import sys
runs = [dict(f.split("=") for f in line.split()) for line in sys.stdin]
assert len(runs) == 16 and all(r["arrived"] == "16" for r in runs), runs
released = [float(r["released"]) for r in runs]
done = [float(r["done"]) for r in runs]
print("released within %.3f s; the 16 modules returned within %.2f s" % (max(released) - min(released), max(done) - min(done)))
') || lab_fail "round $round: the runs did not meet at the barrier"
    echo "ok: round $round: 1 run spooled, 15 reported unchanged, all name the same file ($spread)"
    lab_expect_named ast1 "$name" Completed 60
    sleep 2
    lab_expect_calls_named ast1 "$name" 1
done

echo "== races inside the host through the library (files/race_driver.py ${driver_args[*]})"
dest=$(lab_install_library ast1 /opt/pycall-race "$here")
cp "$here/files/race_driver.py" "$dest/"
if ! lab exec ast1 python3 /opt/pycall-race/race_driver.py --prefix "$prefix-lib" "${driver_args[@]}"; then
    lab_dump ast1
    lab_fail "race driver failed (its seed is printed above)"
fi
rm -rf "$dest"

lab_expect_empty_spool ast1
log=$(lab_log ast1)
if grep -E "WARNING|ERROR" <<<"$log"; then
    lab_fail "Asterisk logged warnings or errors"
fi
echo "asterisk_callfile_concurrency: all checks passed"
