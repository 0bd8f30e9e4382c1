#!/usr/bin/env bash
# Proves the Asterisk lab end to end: Ansible (builtin modules only) places a call file on
# ast1, Asterisk dials it (Playback hello-world on Local/18002223333@answer), and the
# outcome and the variables arrive intact.  Needs `tests/lab/lab up` first.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1

call="lab-smoke-$$-$(date +%s).call"
ansible-playbook -i "$(lab_inventory root)" smoke.yml -e "call_name=$call" "$@"

lab_expect_status ast1 "$call" Completed 60
lab_expect_call ast1 PYCALL_NAME "$call"
lab_expect_call ast1 exten 18002223333
lab_expect_call ast1 ctx answer
lab_expect_call ast1 cidnum 5551234
lab_expect_call ast1 cidname "Lab Smoke"
lab_expect_call ast1 ALERT_ID smoke-42
lab_expect_call ast1 VAR1 "a;b=c:d \"e\" \$f 'g' \\h"
lab_expect_call ast1 VAR2 "x == y : z"
lab_expect_call ast1 SMOKE_A "\${EPOCH} stays literal"
lab_expect_call ast1 SMOKE_B 'üñí "çødé"'

n=$(lab_call_count ast1)
[ "$n" = 1 ] || { lab_dump ast1 "$call"; lab_fail "expected exactly 1 call-log record, got $n"; }
lab_expect_log ast1 "Playing 'hello-world.gsm'"
lab_expect_log ast1 "Call completed to Local/18002223333@answer"
log=$(lab_log ast1)
if grep -E "WARNING|ERROR" <<<"$log"; then
    lab_dump ast1 "$call"
    lab_fail "Asterisk logged warnings/errors for a valid call file"
fi
echo "lab_smoke: all checks passed"
