#!/usr/bin/env bash
# Crash safety on the real lab: spoolers SIGKILLed at every named instant and at random
# ones never make Asterisk read a partial or foreign-owned file, never dial a call twice,
# leave only recognisable, dead leftovers in staging, and a later run cleans those (never
# a live writer's file). Then the controller itself (ansible-playbook and its ssh) is
# SIGKILLed mid-task a few times: one call in the end.
#
# CI runs the short version. By hand, PYCALL_LONG=1 runs thousands of kills:
#   PYCALL_LONG=1 tests/integration/targets/asterisk_callfile_crash/runme.sh
# PYCALL_CRASH_ARGS overrides the driver's arguments (see files/crash_driver.py --help).
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)


# install_driver HOST: the driver, its stop points (shared with the unit tests) and a copy of
# module_utils under /opt/pycall in HOST
install_driver() {
    local dest
    dest=$(lab_install_library "$1" /opt/pycall "$here")
    cp "$here/files/crash_driver.py" "$(lab_collection_root "$here")/tests/faults/stop_points.py" "$dest/"
}

lab_require_up 1
lab_reset ast1
inv=$(lab_inventory root)
prefix="crash-$$"

if [ "${PYCALL_LONG:-0}" = 1 ]; then
    driver_args=(--random 3000 --pool 600 --parallel 6 --stepped-rounds 5)
    controller_kills="0.6 0.9 1.2 1.5 1.8 2.1 2.4 2.7 3.0 3.3 3.6 3.9 4.2 4.5 4.8"
else
    driver_args=(--random 200 --pool 40 --parallel 4)
    controller_kills="1.0 1.8 2.6 3.4"
fi
# shellcheck disable=SC2206 # word splitting wanted: extra driver arguments
[ -z "${PYCALL_CRASH_ARGS:-}" ] || driver_args=($PYCALL_CRASH_ARGS)

echo "== spoolers SIGKILLed inside the host (driver: files/crash_driver.py ${driver_args[*]})"
install_driver ast1
if ! lab exec ast1 python3 /opt/pycall/crash_driver.py --prefix "$prefix" "${driver_args[@]}"; then
    lab_dump ast1
    lab_fail "crash driver failed (its seed is printed above)"
fi

echo "== the controller SIGKILLed mid-task"
name="$prefix-ctl"
for delay in $controller_kills; do
    # its own process group, so the kill takes ssh along with ansible-playbook
    setsid ansible-playbook -i "$inv" crash.yml -e "call_name=$name" "$@" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    echo "killed the controller after ${delay}s"
done
out=$(ansible-playbook -i "$inv" crash.yml -e "call_name=$name" "$@")
grep -E 'RESULT changed=(True|False) status=' <<<"$out" || lab_fail "the last run did not finish"$'\n'"$out"
lab_expect_named ast1 "$name" Completed 60
sleep 2
lab_expect_calls_named ast1 "$name" 1
lab_expect_call ast1 TAIL "$name;end"

log=$(lab_log ast1)
if grep -E "Invalid file contents|Syntax error|Unknown keyword|Unable to open|Skipping extremely long line" <<<"$log"; then
    lab_fail "Asterisk complained about a call file"
fi
# Only our own leftovers may remain, and only those of killed controllers' modules.
left=$(find "$(lab_root ast1)/var/spool/asterisk/tmp" -mindepth 1 ! -name .pycall.lock ! -name ".pycall-$name.*.tmp" -printf '%f\n')
[ -z "$left" ] || lab_fail "unexpected files in staging:"$'\n'"$left"
rm -rf "$(lab_root ast1)/opt/pycall"
echo "asterisk_callfile_crash: all checks passed"
