#!/usr/bin/env bash
# Checks the lab's command line (tests/lab/README.md, "Commands") on a running lab, without
# Ansible: exit codes, the one-line errors, arguments handed on as data (never as options),
# the copy `lab up` leaves in the state dir, and Asterisk's configuration as written.
#
#   tests/lab/clitest.sh      (the lab must be up; it starts, stops and resets nothing)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/lab/lib.sh disable=SC1091
. "$here/lib.sh"
lab_require_up 1

err_file=$(mktemp)
trap 'rm -f "$err_file"' EXIT

# check RC OUT ERR LAB_ARGS...: `lab LAB_ARGS...` exits RC, its stdout is OUT and its stderr
# ERR (whole-text regular expressions; '' matches empty output only, '.*' anything).
check() {
    local want_rc=$1 want_out=$2 want_err=$3 out err rc=0
    shift 3
    out=$("$LAB_BIN" "$@" 2>"$err_file" </dev/null) || rc=$?
    err=$(<"$err_file")
    if [[ $rc -ne $want_rc ]] || ! [[ $out =~ ^${want_out}$ ]] || ! [[ $err =~ ^${want_err}$ ]]; then
        printf 'lab %s\n  exit %s (want %s)\n  stdout: %s\n  stderr: %s\n' "$*" "$rc" "$want_rc" "$out" "$err" >&2
        lab_fail "lab $* did not behave as tests/lab/README.md says"
    fi
    echo "ok: lab $* -> exit $rc"
}

usage_error() {       # usage_error CMD USAGE ARGS...: a usage error, exit 1, one line
    local cmd=$1 usage=$2
    shift 2
    check 1 '' "lab $cmd: error: usage: lab $(printf '%s' "$usage" | sed 's/[][().*+?|^$\\]/\\&/g')" "$cmd" "$@"
}

# --- the command word
check 2 'usage: lab COMMAND \[ARGS\].*' ''
check 0 'usage: lab COMMAND \[ARGS\].*' '' help
check 0 'usage: lab COMMAND \[ARGS\].*' '' --help
check 2 '' "lab: unknown command 'bogus'"$'\n''usage: lab COMMAND .*' bogus
check 0 'usage: lab up \[N\].*' '' up -h

# --- arguments that do not fit: one line naming the usage, exit 1 (never a traceback)
usage_error up 'up [N]  (1 <= N <= 250)' x
usage_error up 'up [N]  (1 <= N <= 250)' 0
usage_error up 'up [N]  (1 <= N <= 250)' 251
usage_error up 'up [N]  (1 <= N <= 250)' 1 2
usage_error down 'down' extra
usage_error wait-done 'wait-done HOST FILENAME [TIMEOUT]' ast1
usage_error wait-done 'wait-done HOST FILENAME [TIMEOUT]' ast1 f.call soon
usage_error calls 'calls HOST [FIELD]'
usage_error log 'log HOST'
usage_error root 'root HOST' ast1 ast2
usage_error inventory 'inventory [root|labuser]' nobody
usage_error inventory 'inventory [root|labuser]' root extra
usage_error cli 'cli HOST "asterisk cli command"' ast1
usage_error exec 'exec HOST COMMAND [ARG...]' ast1
check 1 '' "lab root: error: unknown lab host 'astx' \(lab hosts: ast1.*; is the lab up\?\)" root astx

# --- what works
root=$("$LAB_BIN" root ast1)
check 0 "$root" '' root 1
check 0 "$PYCALL_LAB_DIR/inventory.ini" '' inventory
check 0 "$PYCALL_LAB_DIR/inventory-labuser.ini" '' inventory labuser
check 0 'Asterisk 22.*' '' cli ast1 'core show version'
# everything after HOST is the command line, options and a "--" included
# shellcheck disable=SC2016  # $0 and $@ are the host's sh's
check 7 '--\|-h\|--x\|' '' exec ast1 sh -c 'printf "%s|" "$0" "$@"; exit 7' -- -h --x
# a call file name may start with "-": it is a file name, not an option
check 1 '' 'lab wait-done: timed out after 0.1s waiting for ast1:/var/spool/asterisk/outgoing_done/-none.call \(not in outgoing/ either\)' \
    wait-done ast1 -none.call 0.1

# --- the copy in the state dir runs on its own, and is the lab of this checkout
copied=$(cd "$here" && printf '%s\n' lab lab.py lib.sh pycall_lab/*.py asterisk/*.conf ssh/lab_sshd_config)
for f in $copied; do
    cmp -s "$here/$f" "$PYCALL_LAB_DIR/$f" || lab_fail "$PYCALL_LAB_DIR/$f is not a copy of tests/lab/$f: run tests/lab/lab up"
done
echo "ok: $PYCALL_LAB_DIR holds a copy of the lab"
status=$("$LAB_BIN" status)
copy_status=$("$PYCALL_LAB_DIR/lab" status) || lab_fail "the copied lab says the lab is not healthy: $copy_status"
[ "$status" = "$copy_status" ] || lab_fail "the copied lab's status differs:"$'\n'"$copy_status"$'\n'"$status"
echo "ok: $PYCALL_LAB_DIR/lab status"
left=$(find "$here" "$PYCALL_LAB_DIR" -maxdepth 2 -name __pycache__ -print)
[ -z "$left" ] || lab_fail "the lab (run as root) left byte code behind: $left"

# --- Asterisk's configuration: every placeholder filled in, every context there
etc="$root/etc/asterisk"
if grep -nE '@[A-Z][A-Z0-9_]*@' "$etc"/{asterisk,modules,logger,manager,extensions}.conf; then
    lab_fail "a placeholder is left in $etc"
fi
grep -qx 'LAB_CALLS = /var/log/asterisk/lab-calls.log' "$etc/extensions.conf" || lab_fail "no LAB_CALLS in $etc/extensions.conf"
for ctx in answer busy noanswer hold quiet presser silent fumbler wrongkey from-internal; do
    shown=$("$LAB_BIN" cli ast1 "dialplan show $ctx")
    [[ $shown == *"_[a-zA-Z*#]."* && $shown == *"Goto(lab-"* ]] || lab_fail "context $ctx is not in ast1's dialplan:"$'\n'"$shown"
done
echo "ok: ast1's dialplan has every context, no placeholder is left"
echo "clitest: passed"
