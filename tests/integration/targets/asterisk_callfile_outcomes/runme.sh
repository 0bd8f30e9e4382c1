#!/usr/bin/env bash
# wait and asterisk_callfile_info, judged against Asterisk's own archive and call log:
# answered -> completed, busy with retries -> expired after 3 attempts, a ringing call
# -> in_progress (and a wait that times out says so), a scheduled call -> pending,
# an invalid file Asterisk rejected -> failed; a spaced roster rings in order.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1
inv=$(lab_inventory root)
prefix="outcome-$$"

# A file Asterisk cannot use (no Channel): it archives it with Status: Failed.
printf 'Application: Echo\nArchive: yes\n' | lab_spool ast1 "$prefix-invalid.0000000000000000.call"
lab_expect_status ast1 "$prefix-invalid.0000000000000000.call" Failed 30

roster_t0=$(( $(date +%s) + 40 ))
ansible-playbook -i "$inv" outcomes.yml -e "prefix=$prefix roster_t0=$roster_t0" "$@"

# Asterisk's own record agrees with what wait reported.
lab_expect_named ast1 "$prefix-answered" Completed 5
lab_expect_named ast1 "$prefix-busy" Expired 5
lab_expect_calls_named ast1 "$prefix-answered" 1
busy=$(lab_calls ast1 | grep -c '"ev": "busy"' || true)
[ "$busy" = 3 ] || { lab_dump ast1; lab_fail "busy callee: $busy attempts logged, expected 3"; }
echo "ok: ast1 busy callee was attempted 3 times"
lab_expect_named ast1 "$prefix-held" Completed 40
lab_expect_calls_named ast1 "$prefix-later" 0

while [ "$(date +%s)" -lt $((roster_t0 + 9)) ]; do sleep 1; done
lab_expect_rang_at ast1 "$prefix-roster-1" "$roster_t0" $((roster_t0 + 2))
lab_expect_rang_at ast1 "$prefix-roster-2" $((roster_t0 + 3)) $((roster_t0 + 5))
lab_expect_rang_at ast1 "$prefix-roster-3" $((roster_t0 + 6)) $((roster_t0 + 8))
for i in 1 2 3; do lab_expect_named ast1 "$prefix-roster-$i" Completed 30; done
lab_expect_empty_spool ast1
echo "asterisk_callfile_outcomes: all checks passed"
