#!/usr/bin/env bash
# Checks the lab's dialplan contract (tests/lab/README.md) on one host, without Ansible:
# spools call files from the controller side and checks outcomes and the call log.
#   tests/lab/selftest.sh [HOST]     (default ast1; the lab must be up; it resets HOST)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lab/lib.sh disable=SC1091
. "$here/lib.sh"
h=${1:-ast1}
lab_require_up 1
lab_reset "$h"

# shellcheck disable=SC2016 # literal $ and ${...}: values must arrive unexpanded
hostile='a\;b=c:d "e" $f '"'g'"' \h ${EPOCH} ,x) (y'
lab_spool "$h" answer.call <<EOF2
Channel: Local/18002223333@answer
Application: Playback
Data: hello-world
Callerid: "Self Test" <5550000>
Archive: yes
Set: ALERT_ID=answer
Set: VAR1=$hostile
Set: VAR2=
Set: LAB_ECHO=EXTRA
Set: EXTRA=extra value
EOF2
lab_spool "$h" busy.call <<'EOF2'
Channel: Local/2001@busy
Application: Playback
Data: hello-world
MaxRetries: 2
RetryTime: 1
Archive: yes
Set: ALERT_ID=busy
EOF2
lab_spool "$h" noanswer.call <<'EOF2'
Channel: Local/3001@noanswer
Application: Playback
Data: hello-world
WaitTime: 2
Archive: yes
Set: ALERT_ID=noanswer
EOF2
lab_spool "$h" failed.call <<'EOF2'
Channel: Local/4001@busy
Context: answer
Extension: 5
Archive: yes
Set: ALERT_ID=failed-ext
EOF2
lab_spool "$h" invalid.call <<'EOF2'
garbage line
Bogus: 1
Archive: yes
EOF2
lab_spool "$h" future.call "+4 seconds" <<'EOF2'
Channel: Local/5001@answer
Application: Playback
Data: hello-world
Archive: yes
Set: ALERT_ID=future
EOF2

lab_spool "$h" hold.call <<'EOF2'
Channel: Local/+4930123@hold
Application: Playback
Data: hello-world
Archive: yes
Set: HOLD=4
Set: ALERT_ID=hold
EOF2

# in flight: still in outgoing/ with a StartRetry line while hold.call rings
root=$(lab_root "$h")
for _ in $(seq 30); do
    grep -qs '^StartRetry:' "$root/var/spool/asterisk/outgoing/hold.call" && break
    sleep 0.1
done
grep -q '^StartRetry:' "$root/var/spool/asterisk/outgoing/hold.call" \
    || { lab_dump "$h" hold.call; lab_fail "hold.call is not in flight"; }
echo "ok: hold.call in flight (StartRetry in outgoing/)"
[ ! -e "$root/var/spool/asterisk/outgoing_done/future.call" ] || lab_fail "future.call ran early"

lab_expect_status "$h" answer.call Completed 20
lab_expect_status "$h" busy.call Expired 30
lab_expect_status "$h" noanswer.call Expired 20
lab_expect_status "$h" hold.call Completed 20
lab_expect_status "$h" failed.call Expired 20
lab_expect_status "$h" invalid.call Failed 20
lab_expect_status "$h" future.call Completed 20

lab_expect_call "$h" VAR1 "${hostile/\\;/;}"
lab_expect_call "$h" VAR2 ""
lab_expect_call "$h" EXTRA "extra value"
lab_expect_call "$h" cidname "Self Test"
lab_expect_call "$h" exten "+4930123"
lab_expect_call "$h" ev held
lab_expect_call "$h" ev ringing
lab_expect_call "$h" reason 5      # failed extension: REASON 5 = busy
n=$(lab_calls "$h" ALERT_ID | grep -cx busy || true)
[ "$n" = 3 ] || { lab_dump "$h"; lab_fail "busy.call: expected 3 attempts (MaxRetries: 2), got $n"; }
echo "ok: busy.call dialled 3 times"
lab_expect_log "$h" "Playing 'hello-world.gsm'"
lab_expect_log "$h" "Invalid file contents in /var/spool/asterisk/outgoing/invalid.call"
lab_expect_log "$h" "Unknown keyword 'Bogus'"
lab_expect_log "$h" "Syntax error at line 1 of /var/spool/asterisk/outgoing/invalid.call"
lab_reset "$h"
echo "selftest: $h passed"
