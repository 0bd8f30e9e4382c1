#!/usr/bin/env bash
# The collection's runbooks on the real lab: the escalation runbook pages the secondary
# exactly when the primary did not answer, and only then; the fan-out runbook places one
# call on each of 3 lab hosts.
set -euo pipefail

lab_lib=${PYCALL_LAB_DIR:-/var/tmp/pycall-lab}/lib.sh
[ -f "$lab_lib" ] || { echo "FAIL: $lab_lib missing: run tests/lab/lab up 3 (as root) first" >&2; exit 1; }
# shellcheck source=tests/lab/lib.sh disable=SC1091
. "$lab_lib"

lab_require_up 3
lab_reset ast1 ast2 ast3
inv=$(lab_inventory root)
id="$$"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

echo "== primary does not answer: the secondary is paged"
ansible-playbook -i "$inv" pycall.asterisk.page_escalation -e "alert_id=$id-a" \
    -e primary_channel=Local/100@busy -e secondary_channel=Local/200@answer \
    -e wait_timeout=60 "$@" | tee "$out/escalation-a.out"
grep -F "alert $id-a: primary expired, secondary completed" "$out/escalation-a.out"
lab_expect_named ast1 "page-$id-a-primary" Expired 5
lab_expect_named ast1 "page-$id-a-secondary" Completed 5
lab_expect_calls_named ast1 "page-$id-a-secondary" 1
lab_expect_call ast1 ALERT_ID "$id-a"

echo "== primary answers: the secondary is not paged"
ansible-playbook -i "$inv" pycall.asterisk.page_escalation -e "alert_id=$id-b" \
    -e primary_channel=Local/100@answer -e secondary_channel=Local/200@answer \
    -e wait_timeout=60 "$@" | tee "$out/escalation-b.out"
grep -F "alert $id-b: primary completed" "$out/escalation-b.out"
lab_expect_named ast1 "page-$id-b-primary" Completed 5
lab_expect_calls_named ast1 "page-$id-b-primary" 1
sleep 2
lab_expect_calls_named ast1 "page-$id-b-secondary" 0
if lab_named_file ast1 "page-$id-b-secondary" 1 >/dev/null; then
    lab_fail "the secondary was paged although the primary answered"
fi

echo "== nobody answers: the run fails"
if ansible-playbook -i "$inv" pycall.asterisk.page_escalation -e "alert_id=$id-c" \
    -e primary_channel=Local/100@busy -e secondary_channel=Local/200@busy \
    -e wait_timeout=60 "$@" > "$out/escalation-c.out"; then
    cat "$out/escalation-c.out"
    lab_fail "the runbook succeeded although nobody answered"
fi
grep -F "alert $id-c: nobody answered" "$out/escalation-c.out"

echo "== fan-out: one call on each of 3 hosts"
ansible-playbook -i "$inv" pycall.asterisk.page_everyone \
    -e "{\"alert_id\": \"$id-d\", \"page_list\": [\"Local/301@answer\", \"Local/302@answer\", \"Local/303@answer\"]}" "$@"
for n in 1 2 3; do
    lab_expect_named "ast$n" "page-$id-d-$n" Completed 60
    lab_expect_calls_named "ast$n" "page-$id-d-$n" 1
    lab_expect_call "ast$n" exten "30$n"
done
for n in 2 3; do
    count=$(lab_call_count "ast$n")
    [ "$count" = 1 ] || { lab_dump "ast$n"; lab_fail "ast$n logged $count calls, expected 1"; }
done
echo "runbooks: all checks passed"
