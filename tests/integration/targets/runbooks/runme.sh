#!/usr/bin/env bash
# The collection's runbooks on the real lab: the escalation runbook pages the secondary
# exactly when the primary did not ACKNOWLEDGE (busy, or answered and silent), and only
# then, reports who acknowledged and cancels the primary's retries once the secondary
# did; page_everyone reports per person; the fan-out runbook places one call on each of
# 3 lab hosts.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 3
lab_reset ast1 ast2 ast3
inv=$(lab_inventory root)
id="$$"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

ansible-playbook -i "$inv" paging_role.yml "$@"
esc() { ansible-playbook -i "$inv" pycall.asterisk.page_escalation -e ack_repeats=1 -e wait_timeout=60 "$@"; }

echo "== primary does not answer: the secondary is paged and acknowledges"
esc -e "alert_id=$id-a" -e primary_channel=Local/100@busy -e secondary_channel=Local/200@presser \
    "$@" | tee "$out/escalation-a.out"
grep -F "alert $id-a: acknowledged by secondary (primary expired, not acknowledged; secondary " "$out/escalation-a.out"
lab_expect_named ast1 "page-$id-a-primary" Expired 5
lab_expect_named ast1 "page-$id-a-secondary" Completed 15
lab_expect_calls_named ast1 "page-$id-a-secondary" 2      # answered, pressed
lab_expect_call ast1 ALERT_ID "$id-a"

echo "== primary answers but does not acknowledge (voicemail): the secondary is paged"
esc -e "alert_id=$id-v" -e primary_channel=Local/100@silent -e secondary_channel=Local/200@presser \
    -e '{"alert_summary": "disk full on db1"}' "$@" | tee "$out/escalation-v.out"
grep -F "alert $id-v: acknowledged by secondary (primary completed, not acknowledged; secondary " "$out/escalation-v.out"
lab_expect_named ast1 "page-$id-v-primary" Completed 5
lab_expect_calls_named ast1 "page-$id-v-secondary" 2
lab_expect_log ast1 "pycall page page-$id-v-primary: message: Alert $id-v: disk full on db1"
lab_expect_log ast1 "pycall page page-$id-v-primary: not acknowledged after 1 round"
lab_expect_log ast1 "pycall page page-$id-v-secondary: acknowledged with 1"

echo "== primary acknowledges: the secondary is not paged"
esc -e "alert_id=$id-b" -e primary_channel=Local/100@presser -e secondary_channel=Local/200@presser \
    "$@" | tee "$out/escalation-b.out"
grep -F "alert $id-b: acknowledged by primary (primary " "$out/escalation-b.out"
grep -F "secondary not paged)" "$out/escalation-b.out"
lab_expect_named ast1 "page-$id-b-primary" Completed 15
sleep 2
lab_expect_calls_named ast1 "page-$id-b-secondary" 0
if lab_named_file ast1 "page-$id-b-secondary" 1 >/dev/null; then
    lab_fail "the secondary was paged although the primary acknowledged"
fi

echo "== primary_pages=2: the primary is paged twice before the secondary"
esc -e "alert_id=$id-p" -e primary_pages=2 -e primary_channel=Local/100@silent \
    -e secondary_channel=Local/200@presser "$@" | tee "$out/escalation-p.out"
grep -F "alert $id-p: acknowledged by secondary (primary completed, not acknowledged; primary completed, not acknowledged; secondary " "$out/escalation-p.out"
lab_expect_named ast1 "page-$id-p-primary" Completed 5
lab_expect_named ast1 "page-$id-p-primary-2" Completed 5
lab_expect_calls_named ast1 "page-$id-p-secondary" 2

echo "== nobody acknowledges: the run fails"
if esc -e "alert_id=$id-c" -e primary_channel=Local/100@busy -e secondary_channel=Local/200@silent \
    "$@" > "$out/escalation-c.out"; then
    cat "$out/escalation-c.out"
    lab_fail "the runbook succeeded although nobody acknowledged"
fi
grep -F "alert $id-c: acknowledged by nobody" "$out/escalation-c.out"

echo "== page_everyone with acknowledge reports per person"
ansible-playbook -i "$inv" pycall.asterisk.page_everyone -e pager_hosts=ast1 \
    -e "{\"alert_id\": \"$id-e\", \"acknowledge\": true, \"ack_repeats\": 1, \"wait_timeout\": 60, \"page_list\": [\"Local/401@presser\", \"Local/402@silent\"]}" \
    "$@" | tee "$out/everyone.out"
grep -E "page-$id-e-1: (in_progress|completed), acknowledged" "$out/everyone.out"
grep -F "page-$id-e-2: completed, not acknowledged" "$out/everyone.out"

echo "== the secondary acknowledges while the primary waits between retries: its retries are cancelled"
# Needs state=absent to cancel a file waiting between attempts (the contract branch, #11).
esc -e "alert_id=$id-r" -e primary_channel=Local/100@busy -e max_retries=3 -e retry_time=30 \
    -e wait_timeout=4 -e secondary_channel=Local/200@presser "$@" | tee "$out/escalation-r.out"
grep -F "alert $id-r: acknowledged by secondary (primary in_progress, not acknowledged (timed out); secondary " "$out/escalation-r.out"
sleep 35    # past the primary's next retry (30 s: the secondary must get to acknowledge first, also on a loaded machine)
lab_expect_calls_named ast1 "page-$id-r-primary" 1
lab_expect_empty_spool ast1

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
