# shellcheck shell=bash
# Helpers for integration targets' runme.sh: source me, don't run me.
#
#   lab_lib=${PYCALL_LAB_DIR:-/var/tmp/pycall-lab}/lib.sh   # `lab up` copies this file there
#   [ -f "$lab_lib" ] || { echo "$lab_lib missing: run tests/lab/lab up first" >&2; exit 1; }
#   . "$lab_lib"
#
# Every lab_* function either succeeds or, for the lab_expect_*/lab_require_* ones,
# prints FAIL: ... with context and exits the calling script with status 1.
# See tests/lab/README.md.

_lab_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if [ -f "$_lab_here/inventory.ini" ] || [ -f "$_lab_here/id_ed25519" ]; then
    # this is the copy in a lab state dir: that dir is the lab
    : "${PYCALL_LAB_DIR:=$_lab_here}"
fi
export PYCALL_LAB_DIR="${PYCALL_LAB_DIR:-/var/tmp/pycall-lab}"
LAB_BIN="$_lab_here/lab"

lab() { "$LAB_BIN" "$@"; }

lab_fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# lab_inventory [root|labuser]: path of the Ansible inventory (PYCALL_LAB_INVENTORY wins for root)
lab_inventory() {
    if [ "${1:-root}" = root ] && [ -n "${PYCALL_LAB_INVENTORY:-}" ]; then
        echo "$PYCALL_LAB_INVENTORY"
    else
        "$LAB_BIN" inventory "${1:-root}" || lab_fail "no lab inventory: run tests/lab/lab up first"
    fi
}

# lab_require_up [N]: fail unless the lab is healthy with at least N (default 1) hosts
lab_require_up() {
    local n=${1:-1} st
    st=$("$LAB_BIN" status 2>&1) || lab_fail "the lab is not healthy - run: tests/lab/lab up $n"$'\n'"$st"
    [ "$(grep -c '^ast[0-9]' <<<"$st")" -ge "$n" ] || lab_fail "need $n lab hosts - run: tests/lab/lab up $n"$'\n'"$st"
}

lab_reset() { "$LAB_BIN" reset "$@"; }
lab_root() { "$LAB_BIN" root "$1"; }
lab_log() { "$LAB_BIN" log "$1"; }

# lab_calls HOST [FIELD]: the call log as JSON lines, or FIELD's decoded value, one line per call
lab_calls() { "$LAB_BIN" calls "$@"; }

# lab_wait_done HOST FILE [TIMEOUT]: print the Status: of outgoing_done/FILE once there;
# non-zero (with a message) on timeout
lab_wait_done() { "$LAB_BIN" wait-done "$@"; }

# lab_spool HOST NAME [TOUCH_DATE] < CONTENT: put a call file into HOST's outgoing/ from the
# controller side, the safe way (staged in tmp/, owned by asterisk, optional mtime given as
# `touch -d` text such as "+30 seconds", then renamed in).  For seeding the spool in tests;
# the code under test must use its own way.
lab_spool() {
    local root tmp
    root=$("$LAB_BIN" root "$1") || lab_fail "no lab host $1"
    tmp="$root/var/spool/asterisk/tmp/$2"
    cat >"$tmp"
    "$LAB_BIN" exec "$1" chown asterisk:asterisk "/var/spool/asterisk/tmp/$2"
    chmod 0640 "$tmp"
    [ -z "${3:-}" ] || touch -d "$3" "$tmp"
    mv -- "$tmp" "$root/var/spool/asterisk/outgoing/$2"
}

# lab_dump HOST [FILE]: print what helps to debug a failed expectation
lab_dump() {
    local root
    root=$("$LAB_BIN" root "$1") || return 0
    {
        echo "----- $1: outgoing/ and outgoing_done/"
        ls -la "$root/var/spool/asterisk/outgoing" "$root/var/spool/asterisk/outgoing_done" 2>&1
        if [ -n "${2:-}" ]; then
            for d in outgoing outgoing_done tmp; do
                [ -f "$root/var/spool/asterisk/$d/$2" ] && { echo "----- $d/$2"; cat "$root/var/spool/asterisk/$d/$2"; }
            done
        fi
        echo "----- $1: call log"
        "$LAB_BIN" calls "$1"
        echo "----- $1: messages (last 40 lines)"
        "$LAB_BIN" log "$1" | tail -n 40
    } >&2
}

# lab_expect_status HOST FILE STATUS [TIMEOUT]: wait for outgoing_done/FILE, fail unless its
# Status: is STATUS (Completed, Expired or Failed)
lab_expect_status() {
    local st
    st=$("$LAB_BIN" wait-done "$1" "$2" "${4:-60}") || { lab_dump "$1" "$2"; lab_fail "$1: no outcome for $2"; }
    [ "$st" = "$3" ] || { lab_dump "$1" "$2"; lab_fail "$1: $2 ended with Status: $st, expected $3"; }
    echo "ok: $1 $2 Status: $st"
}

# lab_expect_call HOST FIELD VALUE [TIMEOUT]: wait until a call-log record has FIELD == VALUE
# exactly (fields: ev ctx exten chan uid cidnum cidname reason PYCALL_NAME ALERT_ID VAR1 VAR2
# and every name listed in LAB_ECHO)
lab_expect_call() {
    local deadline=$((SECONDS + ${4:-15})) values
    while :; do
        # capture first: `cmd | grep -q` can fail under the caller's `set -o pipefail`
        values=$("$LAB_BIN" calls "$1" "$2")
        grep -Fxq -- "$3" <<<"$values" && { echo "ok: $1 call log has $2=$3"; return 0; }
        [ "$SECONDS" -ge "$deadline" ] && break
        sleep 0.2
    done
    lab_dump "$1"
    lab_fail "$1: no call-log record with $2=$3"
}

# lab_call_count HOST: number of records in the call log
lab_call_count() {
    local calls
    calls=$("$LAB_BIN" calls "$1")
    grep -c . <<<"$calls" || true
}

# lab_expect_log HOST ERE [TIMEOUT]: wait until Asterisk's messages log matches ERE
lab_expect_log() {
    local deadline=$((SECONDS + ${3:-15})) log
    while :; do
        log=$("$LAB_BIN" log "$1")
        grep -Eq -- "$2" <<<"$log" && { echo "ok: $1 messages log matches $2"; return 0; }
        [ "$SECONDS" -ge "$deadline" ] && break
        sleep 0.2
    done
    lab_dump "$1"
    lab_fail "$1: messages log never matched: $2"
}

# --- calls spooled by pycall.asterisk.asterisk_callfile (files named NAME.<digest>.call) ---

# lab_named_file HOST NAME [TIMEOUT]: wait until call NAME has an archived file; print its name
lab_named_file() {
    local dir deadline=$((SECONDS + ${3:-60})) f
    dir="$("$LAB_BIN" root "$1")/var/spool/asterisk/outgoing_done"
    while :; do
        f=$(cd "$dir" && find . -maxdepth 1 -type f -name "$2.????????????????.call" -printf '%f\n' -quit)
        [ -n "$f" ] && { echo "$f"; return 0; }
        [ "$SECONDS" -ge "$deadline" ] && return 1
        sleep 0.2
    done
}

# lab_expect_named HOST NAME STATUS [TIMEOUT]: Asterisk's outcome (Status:) of call NAME
lab_expect_named() {
    local f
    f=$(lab_named_file "$1" "$2" "${4:-60}") || { lab_dump "$1"; lab_fail "$1: call $2 was never archived"; }
    lab_expect_status "$1" "$f" "$3" "${4:-60}"
}

# lab_expect_calls_named HOST NAME COUNT: exactly COUNT call-log records carry PYCALL_NAME=NAME
lab_expect_calls_named() {
    local values n
    values=$("$LAB_BIN" calls "$1" PYCALL_NAME)
    n=$(grep -Fxc -- "$2" <<<"$values" || true)
    [ "$n" = "$3" ] || { lab_dump "$1"; lab_fail "$1: $n call(s) logged for $2, expected $3"; }
    echo "ok: $1 logged $n call(s) for $2"
}

# lab_expect_empty_spool HOST: nothing queued in outgoing/ and nothing staged in tmp/
lab_expect_empty_spool() {
    local root left
    root=$("$LAB_BIN" root "$1")
    left=$(find "$root/var/spool/asterisk/outgoing" "$root/var/spool/asterisk/tmp" -mindepth 1 \
        ! -name .pycall.lock -printf '%p\n')
    [ -z "$left" ] || { lab_dump "$1"; lab_fail "$1: spool not empty:"$'\n'"$left"; }
    echo "ok: $1 outgoing/ and tmp/ are empty"
}

# lab_expect_rang_at HOST NAME FROM TO: exactly one call-log record for NAME, answered at an
# epoch second within [FROM, TO]
lab_expect_rang_at() {
    local calls ts
    calls=$("$LAB_BIN" calls "$1")
    ts=$(python3 -c '
import json, sys
for line in sys.stdin:
    if line.strip():
        rec = json.loads(line)
        if rec.get("PYCALL_NAME") == sys.argv[1]:
            print(rec["ts"])
' "$2" <<<"$calls")
    [ "$(grep -c . <<<"$ts" || true)" = 1 ] || { lab_dump "$1"; lab_fail "$1: $2 rang at [${ts//$'\n'/ }], expected exactly once"; }
    { [ "$ts" -ge "$3" ] && [ "$ts" -le "$4" ]; } || { lab_dump "$1"; lab_fail "$1: $2 rang at $ts, expected within [$3, $4]"; }
    echo "ok: $1 $2 rang once at $ts, within [$3, $4]"
}

# --- running the collection's library inside a lab host ---

# lab_collection_root DIR: the collection DIR belongs to (the nearest parent holding
# galaxy.yml and our module_utils; under ansible-test, the staged copy of the collection)
lab_collection_root() {
    local dir=$1
    while [ "$dir" != / ]; do
        if [ -f "$dir/galaxy.yml" ] && [ -f "$dir/plugins/module_utils/_callfile/spool.py" ]; then
            echo "$dir"
            return 0
        fi
        dir=$(dirname "$dir")
    done
    lab_fail "cannot find the collection root above $1"
}

# lab_install_library HOST DIR FROM: a fresh DIR (absolute, inside HOST) holding the module_utils of
# the collection FROM belongs to, importable with DIR on sys.path; prints DIR's host-side path
lab_install_library() {
    local dest
    dest="$(lab_root "$1")$2"
    rm -rf "$dest"
    mkdir -p "$dest/ansible_collections/pycall/asterisk/plugins"
    # The facade and its private package (_callfile/), without caches of other Pythons.
    cp -R "$(lab_collection_root "$3")"/plugins/module_utils "$dest/ansible_collections/pycall/asterisk/plugins/"
    find "$dest/ansible_collections/pycall/asterisk/plugins/module_utils" -name __pycache__ -prune -exec rm -rf {} +
    echo "$dest"
}
