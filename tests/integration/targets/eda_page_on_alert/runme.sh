#!/usr/bin/env bash
# From an Alertmanager alert to an acknowledged page, end to end on loopback: a real
# Prometheus Alertmanager notifies the collection's rulebook (ansible-rulebook, webhook
# source, bearer token), which runs alert_page.yml / alert_resolved.yml against the lab.
#   A  a firing alert pages once; its annotation chooses the primary, who acknowledges;
#      its labels and summary carry Jinja ("{{ 6*7 }}", "{% raw %}") that arrives as text;
#   W  a firing alert without severity=critical pages nobody;
#   B  an alert resolved inside page_delay never rings and leaves no file;
#   H  an alert resolved while its page rings: the call is left alone and goes on, and so
#      does the escalation (the primary did not acknowledge: the secondary is paged);
#   A  Alertmanager's repeated notifications of the same alert place no further call;
#   and the token: required to start (named when missing), a wrong one gets 401, it is in no log.
# Runs on controller A only: there is one ansible-rulebook venv (tests/ci/eda.sh), built
# with controller A's ansible-core; controller B would run the same rulebook and playbooks.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

rulebook_bin=$(command -v ansible-rulebook) \
    || lab_fail "ansible-rulebook is not on PATH: tests/ci/integration.sh installs it (tests/ci/eda.sh)"
eda_bin=$(dirname "$rulebook_bin")
# The venv is self-contained: ansible-test's PYTHONPATH (its controller's ansible) stays out.
core_of() { env -u PYTHONPATH "$1" --version | sed -n '1s/.*\[core \([^]]*\)\].*/\1/p'; }
if [ "$(core_of ansible-playbook)" != "$(core_of "$eda_bin/ansible-playbook")" ]; then
    echo "SKIP: eda_page_on_alert runs on the controller whose ansible-core the rulebook venv has" \
        "($(core_of "$eda_bin/ansible-playbook")), this is $(core_of ansible-playbook)"
    exit 0
fi
alertmanager=$(command -v prometheus-alertmanager) || lab_fail "prometheus-alertmanager is not installed (tests/ci/eda.sh)"
java_home=/usr/lib/jvm/java-17-openjdk-$(dpkg --print-architecture)
[ -x "$java_home/bin/java" ] || lab_fail "no Java 17 in $java_home (openjdk-17-jre-headless, tests/ci/eda.sh)"

lab_require_up 1
lab_reset ast1
inv=$(lab_inventory root)
out=$(mktemp -d)
pids=()
# shellcheck disable=SC2329  # run by the EXIT trap
cleanup() {
    local pid left
    # ansible-runner starts each playbook in a session of its own, out of the rulebook's process
    # group: find them by the marker they inherit (a page still waiting would run on for hours).
    for pid in $(marked_pids); do pids+=("$pid"); done
    for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 1 50); do kill -0 -- "-$pid" 2>/dev/null || kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
    done
    left=$(marked_pids)
    [ -z "$left" ] || echo "WARNING: processes of this run still alive: $left" >&2
    rm -rf "$out"
}
# marked_pids: every process that carries this run's PYCALL_EDA_RUN marker in its environment
marked_pids() {
    local environ pid
    for environ in /proc/[0-9]*/environ; do
        pid=${environ#/proc/}
        pid=${pid%/environ}
        [ "$pid" != $$ ] || continue
        # grep reads to the end (no -q): under pipefail an early exit could SIGPIPE tr.
        if tr '\0' '\n' <"$environ" 2>/dev/null | grep -Fx "PYCALL_EDA_RUN=$out" >/dev/null; then
            echo "$pid"
        fi
    done
}
trap cleanup EXIT

ansible-playbook -i "$inv" paging_role.yml "$@"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
hook_port=$(free_port)
am_port=$(free_port)
token=$(python3 -c 'import secrets; print(secrets.token_hex(16))')
delay=60
run="eda$$"

cat > "$out/alertmanager.yml" <<YAML
route:
  receiver: pycall
  group_by: [alertname]
  group_wait: 1s
  group_interval: 2s
  repeat_interval: 5s
receivers:
  - name: pycall
    webhook_configs:
      - url: http://127.0.0.1:$hook_port/alertmanager
        send_resolved: true
        http_config:
          authorization:
            type: Bearer
            credentials: $token
YAML
# The message template is the operator's: a template over the decoded alert, evaluated
# once; what it inserts from the alert is text.
cat > "$out/vars.yml" <<YAML
webhook_host: 127.0.0.1
webhook_port: $hook_port
webhook_token: $token
primary_channel: Local/100@silent
secondary_channel: Local/200@presser
page_delay: $delay
page_message_template: "{{ alert.labels.alertname }} on {{ alert.labels.instance }}: {{ alert.annotations.summary }}"
ack_repeats: 1
ring_time: 12
wait_timeout: 60
YAML

echo "== without webhook_token the rulebook refuses to start, and says why"
grep -v '^webhook_token:' "$out/vars.yml" > "$out/vars-no-token.yml"
if env -u PYTHONPATH PATH="$eda_bin:$PATH" JAVA_HOME="$java_home" timeout 120 "$rulebook_bin" \
    -r pycall.asterisk.page_on_alert -i "$inv" --vars "$out/vars-no-token.yml" >"$out/no-token.log" 2>&1 </dev/null; then
    lab_fail "the rulebook ran without a webhook token"
fi
grep -aF "UndefinedError: 'webhook_token' is undefined" "$out/no-token.log" >/dev/null \
    || { cat "$out/no-token.log" >&2; lab_fail "the rulebook did not name the missing webhook_token"; }

echo "== start Alertmanager and the rulebook (loopback only)"
setsid "$alertmanager" --config.file="$out/alertmanager.yml" --storage.path="$out/am" \
    --web.listen-address="127.0.0.1:$am_port" --cluster.listen-address= \
    >"$out/alertmanager.log" 2>&1 </dev/null &
pids+=($!)
env -u PYTHONPATH PATH="$eda_bin:$PATH" JAVA_HOME="$java_home" PYCALL_EDA_RUN="$out" setsid "$rulebook_bin" -r pycall.asterisk.page_on_alert \
    -i "$inv" --vars "$out/vars.yml" -v >"$out/rulebook.log" 2>&1 </dev/null &
pids+=($!)

wait_for() {  # wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds
    local deadline=$((SECONDS + $1)) what=$2
    shift 2
    until "$@" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || { tail -n 40 "$out/rulebook.log" "$out/alertmanager.log" >&2; lab_fail "timed out: $what"; }
        sleep 0.5
    done
}
wait_for 60 "Alertmanager is ready" curl -sf "http://127.0.0.1:$am_port/-/ready"
wait_for 90 "the rulebook's webhook listens" \
    bash -c "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:$hook_port/ | grep -qx 401"
rulebook_says() { grep -aF -- "$1" "$out/rulebook.log"; }
# Only Alertmanager, with the token, is heard.
code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer not-the-token' \
    -H 'Content-Type: application/json' --data '{"alerts": []}' "http://127.0.0.1:$hook_port/alertmanager")
[ "$code" = 401 ] || lab_fail "the webhook answered $code to a wrong token, expected 401"

post_alerts() {  # post_alerts JSON: Alertmanager's v2 API, as Prometheus posts
    curl -sf -H 'Content-Type: application/json' --data-binary "$1" "http://127.0.0.1:$am_port/api/v2/alerts" >/dev/null \
        || lab_fail "Alertmanager refused the alerts"
}
iso() { python3 -c 'import datetime, sys; print(datetime.datetime.fromtimestamp(int(sys.argv[1]), datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.123Z"))' "$1"; }
fingerprint() {  # fingerprint ALERTNAME: Alertmanager's fingerprint of that alert
    curl -sf "http://127.0.0.1:$am_port/api/v2/alerts" | python3 -c '
import json, sys
print(next(a["fingerprint"] for a in json.load(sys.stdin) if a["labels"]["alertname"] == sys.argv[1]))' "$1"
}

now=$EPOCHSECONDS
# A started page_delay ago, so it is due at once; W is the same but only a warning; B just started.
post_alerts "$(python3 - "$run" "$(iso $((now - delay)))" "$(iso "$now")" <<'PY'
import json, sys
run, past, now = sys.argv[1:]
jinja = "{{ 6*7 }}"
print(json.dumps([
    {"labels": {"alertname": run + "A", "severity": "critical", "instance": "db" + jinja},
     "annotations": {"summary": "disk " + jinja + " full {% raw %} now", "pycall_primary_channel": "Local/100@presser"},
     "startsAt": past},
    {"labels": {"alertname": run + "W", "severity": "warning"}, "annotations": {"summary": "just a warning"},
     "startsAt": past},
    {"labels": {"alertname": run + "B", "severity": "critical"}, "annotations": {"summary": "flapping"},
     "startsAt": now},
    {"labels": {"alertname": run + "H", "severity": "critical"},
     "annotations": {"summary": "held", "pycall_primary_channel": "Local/100@noanswer"}, "startsAt": past},
]))
PY
)"
fp_a=$(fingerprint "${run}A")
fp_w=$(fingerprint "${run}W")
fp_b=$(fingerprint "${run}B")
fp_h=$(fingerprint "${run}H")
resolve() {  # resolve ALERTNAME STARTS_AT SUMMARY: post the alert again, ended now
    post_alerts "$(python3 - "$@" "$(iso "$EPOCHSECONDS")" <<'PY'
import json, sys
name, start, summary, end = sys.argv[1:]
print(json.dumps([{"labels": {"alertname": name, "severity": "critical"},
                   "annotations": {"summary": summary}, "startsAt": start, "endsAt": end}]))
PY
)"
}

echo "== H: resolved while its page rings: left alone, the escalation goes on"
# The noanswer callee lets it ring for ring_time (12 s): Asterisk's StartRetry note says it is
# dialling. Checked first: this window is the short one.
wait_for 30 "H's page rings" bash -c "grep -qs '^StartRetry:' '$(lab_root ast1)/var/spool/asterisk/outgoing/page-$fp_h-primary.'*.call"
resolve "${run}H" "$(iso $((now - delay)))" held
wait_for 60 "H is resolved by the rulebook" rulebook_says "alert $fp_h resolved: 0 page(s) cancelled before ringing, 1 ringing left alone"
lab_expect_named ast1 "page-$fp_h-primary" Expired 60
lab_expect_call ast1 ctx noanswer
wait_for 60 "H's escalation ends" rulebook_says "alert $fp_h: acknowledged by secondary (primary expired, not acknowledged; secondary "

echo "== B: resolved inside page_delay (due at $((now + delay))): its page is cancelled"
wait_for 60 "B's page is spooled" bash -c "ls '$(lab_root ast1)/var/spool/asterisk/outgoing/' | grep -q '^page-$fp_b-primary\.'"
resolve "${run}B" "$(iso "$now")" flapping
wait_for 60 "B is resolved by the rulebook" rulebook_says "alert $fp_b resolved: 1 page(s) cancelled before ringing, 0 ringing left alone"
wait_for 30 "B's escalation ends" rulebook_says "alert $fp_b: withdrawn before anyone acknowledged (primary vanished, not acknowledged; secondary not paged)"
[ "$EPOCHSECONDS" -lt $((now + delay)) ] || lab_fail "B was resolved only after its page was due: the check proves nothing"

echo "== A: paged once, the annotation's primary acknowledges; W pages nobody"
lab_expect_named ast1 "page-$fp_a-primary" Completed 60
wait_for 30 "A's escalation ends" rulebook_says "alert $fp_a: acknowledged by primary ("
lab_expect_calls_named ast1 "page-$fp_a-primary" 2          # answered, pressed
lab_expect_call ast1 ctx presser
wait_for 30 "W is judged" rulebook_says "alert $fp_w: not paged, its labels lack "
# Asterisk's own log: the message arrived as the template made it, the alert's Jinja as text.
lab_expect_log ast1 "pycall page page-$fp_a-primary: message: ${run}A on db\{\{ 6\*7 \}\}: disk \{\{ 6\*7 \}\} full \{% raw %\} now\""
lab_expect_log ast1 "pycall page page-$fp_a-primary: acknowledged with 1"
if grep -aE "message: .*(db42|disk 42)" "$(lab_root ast1)/var/log/asterisk/messages" >/dev/null; then
    lab_fail "a template in the alert was evaluated"
fi

echo "== A: repeated notifications place no further call"
wait_for 40 "Alertmanager notifies A again" bash -c "[ \$(grep -acF 'alert $fp_a: acknowledged by primary (' '$out/rulebook.log') -ge 2 ]"
rulebook_says "alert $fp_a: acknowledged by primary (primary completed, acknowledged; secondary not paged)" >/dev/null \
    || lab_fail "a repeat did not find A's page already acknowledged"
lab_expect_calls_named ast1 "page-$fp_a-primary" 2
lab_expect_calls_named ast1 "page-$fp_a-secondary" 0
done_a=$(find "$(lab_root ast1)/var/spool/asterisk/outgoing_done" -name "page-$fp_a-*" | wc -l)
[ "$done_a" = 1 ] || lab_fail "$done_a archived call files for A, expected 1"

echo "== B never rang, W never paged, nothing is left in the spool"
for fp in "$fp_b" "$fp_w"; do
    lab_expect_calls_named ast1 "page-$fp-primary" 0
    lab_expect_calls_named ast1 "page-$fp-secondary" 0
    left=$(find "$(lab_root ast1)/var/spool/asterisk" -name "page-$fp-*")
    if [[ -n $left ]]; then
        lab_fail "call files of alert $fp are left: ${left//$'\n'/ }"
    fi
done
lab_expect_empty_spool ast1
if rulebook_says "FAILED!" >/dev/null || rulebook_says "fatal:" >/dev/null; then
    grep -aF -B5 -A5 "fatal:" "$out/rulebook.log" >&2 || true
    lab_fail "a playbook run by the rulebook failed"
fi
if grep -aF -- "$token" "$out/rulebook.log" "$out/alertmanager.log" >/dev/null; then
    lab_fail "the webhook token appears in a log"
fi
echo "== what the rulebook logged (Alertmanager's posts, the playbooks' outcomes)"
grep -a -m 3 'POST /alertmanager' "$out/rulebook.log" || true
grep -a '"msg": "alert ' "$out/rulebook.log" | sed -e 's/\x1b\[[0-9;]*m//g' -e 's/[[:space:]]*$//' | awk '!seen[$0]++'
echo "eda_page_on_alert: all checks passed"
