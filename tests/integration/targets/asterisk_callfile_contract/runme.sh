#!/usr/bin/env bash
# What Asterisk 22 really does, with its own log and archive as the oracle:
# a busy call with retries is cancelled between attempts (no further attempt, nothing archived)
# and its attempt times match the call log; astspooldir in a template section [directories](!)
# is ignored like Asterisk ignores it, so the call still completes; an Asterisk killed mid-call
# is reported stuck, and after the restart the redial (even with max_retries 0) and the
# aborted attempt are reported truthfully.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1
inv=$(lab_inventory root)
prefix="contract-$$"
root=$(lab_root ast1)
conf="$root/etc/asterisk/asterisk.conf"
# `lab up N` stops hosts above N: keep every host the lab has.
hosts=$(lab status 2>/dev/null | grep -c '^ast[0-9]' || true)

restore() {
    # `lab up` rewrites the generated asterisk.conf and restarts Asterisk when it changed.
    if [ -f "$conf.contract-saved" ]; then
        mv -f "$conf.contract-saved" "$conf"
    fi
    lab up "$hosts" >/dev/null
}
trap restore EXIT

asterisk_pid() { cat "$root/run/asterisk/asterisk.pid"; }
wait_asterisk() {
    local deadline=$((SECONDS + 30))
    until lab cli ast1 "core waitfullybooted" >/dev/null 2>&1; do
        [ "$SECONDS" -lt "$deadline" ] || lab_fail "Asterisk did not come back"
        sleep 0.2
    done
}

echo "== a busy call with retries, cancelled between attempts"
ansible-playbook -i "$inv" cancel.yml -e "prefix=$prefix" "$@"
# Two retry times later Asterisk has made no further attempt and archived nothing.
sleep 7
lab_expect_calls_named ast1 "$prefix-busy" 1
if lab_named_file ast1 "$prefix-busy" 0 >/dev/null; then lab_dump ast1; lab_fail "the cancelled call was archived"; fi
echo "ok: ast1 archived nothing for $prefix-busy"
lab_expect_empty_spool ast1

echo "== astspooldir in a template section is ignored, as Asterisk ignores it"
cp -p "$conf" "$conf.contract-saved"
python3 - "$conf" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
# A stock-style template: Asterisk never reads it, so it uses its compiled-in directories.
text = text.replace('[directories]\n', '[directories](!)\n').replace(
    'astspooldir => /var/spool/asterisk\n', 'astspooldir => /var/spool/asterisk\nastspooldir => /nonexistent/trap\n')
open(path, 'w').write(text)
PY
old=$(asterisk_pid)
lab cli ast1 "core restart now" >/dev/null 2>&1 || true
deadline=$((SECONDS + 30))
while [ "$(asterisk_pid 2>/dev/null || true)" = "$old" ] || ! lab cli ast1 "core waitfullybooted" >/dev/null 2>&1; do
    [ "$SECONDS" -lt "$deadline" ] || lab_fail "Asterisk did not restart with the template config"
    sleep 0.2
done
ansible-playbook -i "$inv" template.yml -e "prefix=$prefix" "$@"
lab_expect_named ast1 "$prefix-template" Completed 30
lab_expect_calls_named ast1 "$prefix-template" 1
lab_expect_call ast1 cidname 'Ops (Team)'
lab_expect_call ast1 cidnum '+49*30#1'
lab_expect_call ast1 VAR1 '#1;2'
lab_expect_named ast1 "$prefix-hashdata" Completed 30
lab_expect_log ast1 "#$prefix-data"
mv -f "$conf.contract-saved" "$conf"
lab up "$hosts" >/dev/null
wait_asterisk

echo "== Asterisk killed mid-call: stuck; restarted: redialled and reported so"
ansible-playbook -i "$inv" restart.yml -e "prefix=$prefix step=dial" "$@"
pid=$(asterisk_pid)
kill -KILL "$pid"
while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
ansible-playbook -i "$inv" restart.yml -e "prefix=$prefix step=stuck" "$@"
lab up "$hosts" >/dev/null
wait_asterisk
lab_expect_named ast1 "$prefix-restart" Completed 40
lab_expect_calls_named ast1 "$prefix-restart" 1
ansible-playbook -i "$inv" restart.yml -e "prefix=$prefix step=after" "$@"
lab_expect_empty_spool ast1
echo "asterisk_callfile_contract: all checks passed"
