#!/usr/bin/env bash
# A hostile spool on the real lab (issue #10): Asterisk's own account plants symlinks to a
# root-only file, FIFOs (in outgoing_done, at a stale staging name, at the name `wait`
# polls), a 1 GiB sparse file, a symlink where the old lock file was, holds flock on
# outgoing and points outgoing_done and tmp at a root-only directory, while root runs the
# module, the info module and wait (hostile.yml). Here: every run ended within its bound
# (the playbook as a whole too), the root-only directory is unchanged, and neither its
# key nor any form of the secrets appears anywhere in the -vvv log of the whole play.
# About 45 s (a 12 s swap loop, two lock timeouts, a 3 s wait); runs on every controller.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1
inv=$(lab_inventory root)
prefix="hostile-$$"
root=$(lab_root ast1)
canary_dir=/root/pycall-canary-$$
canary="CANARY-$$-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
token=$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')
# ';' is written '\;' in the call file: both forms must stay hidden.
secret="pin;$token"
old_secret="old;$token-0815"

out=$(mktemp -d)
cleanup() {
    # Whatever the play left (it restores the directories itself on success).
    lab exec ast1 sh -c "cd /var/spool/asterisk && for d in outgoing_done tmp; do
        if [ -L \$d ]; then rm \$d && mv \$d.real \$d; fi; done; rm -rf $canary_dir" || true
    lab_reset ast1 || true
    rm -rf "$out"
}
trap cleanup EXIT

lab exec ast1 sh -c "umask 077 && mkdir $canary_dir && printf '%s\n' '$canary' > $canary_dir/key"
snapshot() { lab exec ast1 sh -c "find $canary_dir -printf '%p %y %m %u %s %T@\n' | sort; sha256sum $canary_dir/key"; }
before=$(snapshot)

# The secrets go in through a vars file: nothing on a command line, nothing Ansible echoes.
umask 077
printf 'prefix: %s\ncanary_dir: %s\nsecret: "%s"\nold_secret: "%s"\n' \
    "$prefix" "$canary_dir" "$secret" "$old_secret" >"$out/vars.yml"

echo "== the hostile play (-vvv, every task guarded by a task timeout, the play by timeout 150)"
rc=0
timeout 150 ansible-playbook -vvv -i "$inv" hostile.yml -e "@$out/vars.yml" "$@" >"$out/play.log" 2>&1 || rc=$?
if [ "$rc" != 0 ]; then
    { grep -E -A12 'FAILED!|fatal:' "$out/play.log" || tail -40 "$out/play.log"; } | tail -80 >&2
    [ "$rc" != 124 ] || lab_fail "the play did not end within 150 s: something blocked"
    lab_fail "the hostile play failed (rc $rc)"
fi
echo "ok: every run ended within its bound; the module's own assertions passed"

after=$(snapshot)
[ "$before" = "$after" ] || lab_fail "the root-only directory changed:"$'\n'"$before"$'\n'"---"$'\n'"$after"
[ ! -e "$root$canary_dir/nologin" ] || lab_fail "a file was created through the planted lock-file symlink"
echo "ok: the root-only directory is unchanged, nothing was created through a symlink"

escaped_secret=${secret//;/\\;}
escaped_old=${old_secret//;/\\;}
for needle in "$canary" "$secret" "$escaped_secret" "$old_secret" "$escaped_old" "$token"; do
    if grep -qF -- "$needle" "$out/play.log"; then
        grep -nF -- "$needle" "$out/play.log" | head -5 >&2
        lab_fail "found a value that must stay hidden in the -vvv log of the play"
    fi
done
# The log really holds the results searched (not an empty or truncated file).
grep -q '"call_file"' "$out/play.log" || lab_fail "the -vvv log holds no module result"
grep -q 'Set: PIN=\*\*\*\*\*\*\*\*' "$out/play.log" || lab_fail "the masked secret line is not in the log"
echo "ok: neither the root-only key nor any form of the secrets appears in $(wc -l <"$out/play.log") lines of -vvv output"

# And Asterisk's own copy holds the secret as written, escaped.
file=$(lab exec ast1 sh -c "grep -l 'PIN=' /var/spool/asterisk/outgoing/$prefix-secret.*.call")
lab exec ast1 grep -qF "Set: PIN=$escaped_secret" "$file" || lab_fail "the call file does not hold the secret"
echo "asterisk_callfile_hostile: all checks passed"
