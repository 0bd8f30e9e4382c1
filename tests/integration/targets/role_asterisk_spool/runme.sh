#!/usr/bin/env bash
# The pycall.asterisk.asterisk_spool role against a real lab host (ast1), with Asterisk's own
# outcome as the oracle:
#   1. without the role, the lab user cannot spool: the module refuses with its message, and
#      nothing is left in the spool;
#   2. check mode on the fresh (and deliberately damaged) host changes nothing; a wrongly typed
#      variable, a staging dir on another filesystem and sudo rights for a root Asterisk are
#      refused, also without changes;
#   3. applied as root, the role repairs the spool, installs sudo and the drop-in; a second run
#      and a check run report no change;
#   3b. over a tampered spool (outgoing_done, or the spool root, a symlink to a root-only
#      directory) and with a fake `asterisk` (a copy of sleep run by labuser) running, the role
#      refuses and the root-only directory keeps its owner and mode; asterisk.conf writable by
#      asterisk (as Debian ships it) is refused unless asterisk_spool_allow_writable_root, and
#      then the real daemon is the one detected;
#   4. without pipelining (and ACLs) unprivileged become fails as the README says; with it,
#      the lab user, connected without root, spools with become_user asterisk and Asterisk
#      completes the call (Status: Completed, call log);
#   5. the lab user cannot become root through what the role installed;
#   6. retention (cron flavour) removes only old archives; 0 and an empty user list remove
#      the role's files again.
# The host starts hardened (spool root, /etc/asterisk and asterisk.conf root's), the setup the
# role accepts by default; Debian's own ownership is what step 3b shows refused.
# Everything the test changed on ast1 is undone at the end (packages it installed are purged).
# Needs `tests/lab/lab up` first; run through ansible-test, or by hand with
# ANSIBLE_COLLECTIONS_PATH pointing at a tree holding ansible_collections/pycall/asterisk.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
host=ast1
root=$(lab_root "$host")
inventory=$(lab_inventory root)
spool=/var/spool/asterisk
dropin=/etc/sudoers.d/pycall-asterisk-spool
cronfile=/etc/cron.d/pycall-asterisk-spool
tmpfilesfile=/etc/tmpfiles.d/pycall-asterisk-spool.conf
work=$(mktemp -d)
export ANSIBLE_HOST_KEY_CHECKING=false ANSIBLE_NOCOLOR=1 ANSIBLE_FORCE_COLOR=0

# ------------------------------------------------------------------ helpers

in_host() { lab exec "$host" "$@"; }
uid_of() { in_host id -u "$1"; }
gid_of() { in_host id -g "$1"; }

step() { echo; echo "=== $*"; }
ok() { echo "ok: $*"; }

# playbook LOG PLAYBOOK [ARGS...]: run, keep the output in LOG (and show it), return its status
playbook() {
    local log=$1
    shift
    local rc=0
    ansible-playbook -i "$inventory" "$@" >"$log" 2>&1 || rc=$?
    cat "$log"
    return "$rc"
}

# changed_count LOG: the changed= number of ast1's recap line
changed_count() {
    local line
    line=$(grep -E "^$host +: " "$1" | tail -n 1) || lab_fail "no recap line for $host in $1"
    sed -E 's/.* changed=([0-9]+).*/\1/' <<<"$line"
}

expect_in_log() {
    local text
    text=$(cat "$1")
    grep -Fq -- "$2" <<<"$text" || lab_fail "expected \"$2\" in the output of $1"
    ok "output says: $2"
}

# snapshot: what a role run could change on the host, read from the host side
snapshot() {
    {
        for p in /etc/sudoers.d /etc/tmpfiles.d /etc/cron.d "$spool" "$spool/outgoing" "$spool/outgoing_done" "$spool/tmp"; do
            if [ -e "$root$p" ]; then
                find "$root$p" -mindepth 0 -maxdepth 1 -printf '%P|%m|%U|%G|%s\n' | sed "s|^|$p/|" | sort
            else
                echo "$p absent"
            fi
        done
        md5sum <"$root/var/lib/dpkg/status"
    }
}

expect_unchanged() {
    snapshot >"$work/after"
    if ! diff -u "$1" "$work/after"; then
        lab_fail "$2 changed the host (diff above)"
    fi
    ok "$2 changed nothing on the host"
}

expect_spool_empty() {
    local left
    left=$(find "$root$spool/outgoing" "$root$spool/tmp" -mindepth 1 ! -name .pycall.lock -print)
    [ -z "$left" ] || { lab_dump "$host"; lab_fail "$1 left files in the spool: $left"; }
    ok "$1 left nothing in outgoing/ or tmp/"
}

expect_dir() {   # PATH MODE OWNER GROUP (numeric ids)
    local got
    got=$(stat -c '%a %u %g' "$root$1")
    [ "$got" = "$2 $3 $4" ] || lab_fail "$1 is $got, expected $2 $3 $4"
    ok "$1 is $got"
}

# ------------------------------------------------------------------ undo everything at exit

pkgs_before="$work/packages-before"
# shellcheck disable=SC2016 # dpkg-query's format, not a shell expansion
in_host dpkg-query -W -f '${Package}\n' | sort >"$pkgs_before"
created_crond=no
# The lab's Debian mirror may serve a sid Release file past its Valid-Until date (the lab
# built its base with Acquire::Check-Valid-Until=false); the role installs sudo with apt.
aptconf=/etc/apt/apt.conf.d/99pycall-role-test-valid-until
created_aptconf=no
homes_before=$(for d in /root/.ansible /home/labuser/.ansible /var/lib/asterisk/.ansible; do [ -e "$root$d" ] && echo "$d"; done || true)

fake_pid=
restore_host() {
    set +e
    echo
    echo "=== restoring $host"
    [ -z "$fake_pid" ] || kill "$fake_pid" 2>/dev/null
    rm -f "$root/home/labuser/asterisk"
    rm -f "$root/var/spool/pycall-role-linked-root"
    if [ -L "$root$spool/outgoing_done" ]; then
        rm -f "$root$spool/outgoing_done"
        mv "$root$spool/outgoing_done.real" "$root$spool/outgoing_done"
    fi
    [ -z "${rootonly:-}" ] || rm -rf "${root:?}$rootonly"
    [ -z "${owners_before:-}" ] || while read -r mode owner path; do
        in_host chown "$owner" "$path"; in_host chmod "$mode" "$path"
    done <<<"$owners_before"
    rm -f "$root$dropin" "$root$cronfile" "$root$tmpfilesfile"
    [ "$created_crond" = no ] || rmdir "$root/etc/cron.d" 2>/dev/null
    [ "$created_aptconf" = no ] || rm -f "$root$aptconf"
    local new
    # shellcheck disable=SC2016 # dpkg-query's format, not a shell expansion
    new=$(in_host dpkg-query -W -f '${Package}\n' | sort | comm -13 "$pkgs_before" -)
    if [ -n "$new" ]; then
        echo "purging packages installed by this test: ${new//$'\n'/ }"
        # shellcheck disable=SC2086
        in_host env DEBIAN_FRONTEND=noninteractive SUDO_FORCE_REMOVE=yes apt-get -q -y purge $new >/dev/null
        in_host apt-get -q clean
    fi
    for d in outgoing outgoing_done tmp; do
        in_host install -d -o asterisk -g asterisk -m 0750 "$spool/$d"
        in_host chown asterisk:asterisk "$spool/$d"
        in_host chmod 0750 "$spool/$d"
    done
    for d in /root/.ansible /home/labuser/.ansible /var/lib/asterisk/.ansible; do
        grep -Fxq -- "$d" <<<"$homes_before" || rm -rf "${root:?}$d"
    done
    lab_reset "$host"
    rm -rf "$work"
}
trap restore_host EXIT

# A host as the lab makes it: no drop-in, no retention files, spool 0750 asterisk:asterisk.
rm -f "$root$dropin" "$root$cronfile" "$root$tmpfilesfile"
lab_reset "$host"
a_uid=$(uid_of asterisk)
a_gid=$(gid_of asterisk)
conf=/etc/asterisk/asterisk.conf
# Debian gives the spool root, /etc/asterisk and asterisk.conf to asterisk, so Asterisk's
# account could redirect the role's chowns: the role refuses that by default (step 3b).
# Harden them the way the role's message says, and put Debian's owners back at the end.
owners_before=$(in_host stat -c '%a %u:%g %n' "$spool" /etc/asterisk "$conf")
in_host chown root:asterisk "$spool" /etc/asterisk "$conf"
in_host chmod 0750 "$spool"
in_host chmod 0755 /etc/asterisk
in_host chmod 0640 "$conf"

# ------------------------------------------------------------------ 1. without the role

step "without the role, the lab user cannot spool"
call="role-spool-$$-$(date +%s)"
rc=0
playbook "$work/norole.log" spool_as_labuser.yml -e "call_name=$call-a" -e use_become=false \
    -e "result_file=$work/norole.json" || rc=$?
[ "$rc" = 0 ] || lab_fail "the play itself failed (the spool task ignores errors)"
result=$(cat "$work/norole.json")
grep -Fq '"failed": true' <<<"$result" || lab_fail "the module spooled without the role: $result"
# the module's own refusal: it runs as labuser, cannot reach the spool, and names the fixes
grep -Eq '"msg": "spool_dir: labuser cannot reach [^"]*Permission denied[^"]*become_user: asterisk[^"]*asterisk_spool role' <<<"$result" \
    || lab_fail "the module failed without saying why and how to fix it: $result"
msg=$(sed -n 's/^ *"msg": "\(.*\)",\{0,1\}$/\1/p' <<<"$result")
ok "module refused as labuser: $msg"
expect_spool_empty "a refused spool without become"

rc=0
playbook "$work/norole-become.log" spool_as_labuser.yml -e "call_name=$call-b" -e use_become=true \
    -e "result_file=$work/norole-become.json" || rc=$?
result=$(cat "$work/norole-become.json")
grep -Eq '"(failed|unreachable)": true' <<<"$result" || lab_fail "become to asterisk worked without the role: $result"
ok "become_user asterisk is refused without the role"
expect_spool_empty "a refused spool with become"

# ------------------------------------------------------------------ 2. check mode and refusals

step "damage the spool the way hosts get damaged"
in_host chmod 0755 "$spool/outgoing"
in_host chown root:root "$spool/tmp"
in_host rmdir "$spool/outgoing_done"
snapshot >"$work/before"

step "check mode on the fresh host"
playbook "$work/check.log" apply_role.yml --check --diff -e '{"asterisk_spool_users": ["labuser"]}'
[ "$(changed_count "$work/check.log")" -gt 0 ] || lab_fail "check mode reported nothing to do on a damaged host"
expect_in_log "$work/check.log" "$spool/outgoing_done"
expect_unchanged "$work/before" "check mode"

step "a wrongly typed variable is refused by the argument spec"
for bad in '{"asterisk_spool_done_retention_days": "many"}' '{"asterisk_spool_users": {"labuser": true}}' \
           '{"asterisk_spool_install_sudo": "perhaps"}' '{"asterisk_spool_retention_method": "at"}'; do
    name=$(sed -E 's/^\{"([a-z_]+)".*/\1/' <<<"$bad")
    if playbook "$work/badtype.log" apply_role.yml -e "$bad"; then
        lab_fail "$bad was accepted"
    fi
    expect_in_log "$work/badtype.log" "Validation of arguments failed"
    expect_in_log "$work/badtype.log" "$name"
done
expect_unchanged "$work/before" "refused variables"

step "a staging dir on another filesystem is refused"
if playbook "$work/otherfs.log" apply_role.yml -e asterisk_spool_staging_dir=/proc/pycall-staging; then
    lab_fail "a staging dir under /proc was accepted"
fi
expect_in_log "$work/otherfs.log" "must be on the same filesystem as $spool/outgoing"
expect_unchanged "$work/before" "the refused staging dir"

step "sudo rights for the Asterisk user are refused when that user is root"
if playbook "$work/rootowner.log" apply_role.yml -e asterisk_spool_owner=root -e '{"asterisk_spool_users": ["labuser"]}'; then
    lab_fail "the role granted sudo rights to a root Asterisk user"
fi
expect_in_log "$work/rootowner.log" "Asterisk runs as root here"
expect_unchanged "$work/before" "the refused root owner"

# ------------------------------------------------------------------ 3. apply, idempotency

step "apply the role as root"
if [ ! -d "$root/etc/cron.d" ]; then
    mkdir -m 0755 "$root/etc/cron.d"   # the lab has no cron daemon; the entry is run by hand below
    created_crond=yes
fi
if [ ! -e "$root$aptconf" ]; then
    echo 'Acquire::Check-Valid-Until "false";' >"$root$aptconf"
    created_aptconf=yes
fi
role_vars='{"asterisk_spool_users": ["labuser"], "asterisk_spool_done_retention_days": 7, "asterisk_spool_retention_method": "cron"}'
playbook "$work/apply.log" apply_role.yml -e "$role_vars"
[ "$(changed_count "$work/apply.log")" -gt 0 ] || lab_fail "the first run changed nothing"
real_pid=$(cat "$root/run/asterisk/asterisk.pid")
expect_in_log "$work/apply.log" "\"owner_source\": \"running daemon /usr/sbin/asterisk (pid $real_pid)\""
for d in outgoing outgoing_done tmp; do
    expect_dir "$spool/$d" 750 "$a_uid" "$a_gid"
done
expect_dir "$dropin" 440 0 0
grep -Eq '^PYCALL_ASTERISK_SPOOLERS ALL = \(asterisk\) NOPASSWD: ALL$' "$root$dropin" || lab_fail "unexpected drop-in: $(cat "$root$dropin")"
in_host visudo -c >/dev/null || lab_fail "visudo -c fails after the role"
ok "sudoers drop-in installed, visudo -c passes"
[ -f "$root$cronfile" ] || lab_fail "no cron entry"

step "a second run changes nothing"
playbook "$work/again.log" apply_role.yml --diff -e "$role_vars"
[ "$(changed_count "$work/again.log")" = 0 ] || lab_fail "the second run reported changes"
ok "second run: changed=0"
playbook "$work/again-check.log" apply_role.yml --check -e "$role_vars"
[ "$(changed_count "$work/again-check.log")" = 0 ] || lab_fail "check mode after the run reported changes"
ok "check mode after the run: changed=0"

# ------------------------------------------------------------------ 3b. a hostile spool

step "a fake asterisk runs as labuser: a copy of sleep, named asterisk, in labuser's home"
in_host install -o labuser -g labuser -m 0755 /usr/bin/sleep /home/labuser/asterisk
fake_pid=$(in_host sh -c 'setpriv --reuid=labuser --regid=labuser --init-groups /home/labuser/asterisk infinity </dev/null >/dev/null 2>&1 & echo $!')
[ "$(cat "/proc/$fake_pid/comm")" = asterisk ] || lab_fail "the fake asterisk (pid $fake_pid) is not running"
ok "fake asterisk runs as labuser, pid $fake_pid"

rootonly=/root/pycall-role-rootonly
in_host install -d -o root -g root -m 0700 "$rootonly"
in_host install -o root -g root -m 0600 /dev/null "$rootonly/key"
rootonly_before=$(stat -c '%a %u %g' "$root$rootonly" "$root$rootonly/key")

step "outgoing_done replaced by a symlink to a root-only directory: refused, the directory untouched"
mv "$root$spool/outgoing_done" "$root$spool/outgoing_done.real"
ln -s "$rootonly" "$root$spool/outgoing_done"
if playbook "$work/tamper-done.log" apply_role.yml -e "$role_vars"; then
    lab_fail "the role ran over a symlinked outgoing_done"
fi
expect_in_log "$work/tamper-done.log" "$spool/outgoing_done is a symlink (to $rootonly)"
[ "$(stat -c '%a %u %g' "$root$rootonly" "$root$rootonly/key")" = "$rootonly_before" ] \
    || lab_fail "$rootonly changed: $(stat -c '%a %u %g' "$root$rootonly")"
ok "$rootonly kept its owner and mode"
rm -f "$root$spool/outgoing_done"
mv "$root$spool/outgoing_done.real" "$root$spool/outgoing_done"

# A spool root that is a symlink comes from asterisk_spool_root or from an astspooldir that
# Asterisk's account wrote into asterisk.conf; moving Asterisk's own spool root away would
# make the running Asterisk lose its outgoing directory, so a second path stands in for it.
step "the spool root is a symlink to a root-only directory: refused, the directory untouched"
linked_root=/var/spool/pycall-role-linked-root
ln -s "$rootonly" "$root$linked_root"
if playbook "$work/tamper-root.log" apply_role.yml -e "$role_vars" -e "asterisk_spool_root=$linked_root"; then
    lab_fail "the role ran over a symlinked spool root"
fi
expect_in_log "$work/tamper-root.log" "$linked_root is a symlink (to $rootonly)"
[ "$(stat -c '%a %u %g' "$root$rootonly" "$root$rootonly/key")" = "$rootonly_before" ] \
    || lab_fail "$rootonly changed: $(stat -c '%a %u %g' "$root$rootonly")"
[ -z "$(find "$root$rootonly" -mindepth 1 ! -name key)" ] || lab_fail "the role created something in $rootonly"
ok "$rootonly kept its owner and mode, and nothing was created in it"
rm -f "$root$linked_root"

step "asterisk.conf writable by asterisk (as Debian ships it): refused unless allowed"
in_host chown asterisk:asterisk "$conf"
if playbook "$work/conf.log" apply_role.yml -e "$role_vars"; then
    lab_fail "the role ran with an asterisk.conf that asterisk may rewrite"
fi
expect_in_log "$work/conf.log" "($conf is owned by asterisk (uid $a_uid)"
expect_in_log "$work/conf.log" "asterisk_spool_allow_writable_root"
playbook "$work/conf-allowed.log" apply_role.yml --check -e "$role_vars" -e asterisk_spool_allow_writable_root=true
[ "$(changed_count "$work/conf-allowed.log")" = 0 ] || lab_fail "the allowed check run reported changes"
# the fake daemon still runs: had it counted, daemons of two users would have failed the run
kill -0 "$fake_pid" || lab_fail "the fake asterisk is gone"
expect_in_log "$work/conf-allowed.log" "\"owner_source\": \"running daemon /usr/sbin/asterisk (pid $real_pid)\""
grep -Fq "\"pid\": $fake_pid" "$work/conf-allowed.log" && lab_fail "the fake asterisk was taken for a daemon"
ok "with asterisk_spool_allow_writable_root the role runs, and only the real daemon (pid $real_pid) counts"
in_host chown root:asterisk "$conf"
kill "$fake_pid"
fake_pid=

# ------------------------------------------------------------------ 4. spool without root

if [ ! -e "$root/usr/bin/setfacl" ]; then
    step "without pipelining (and without ACLs) unprivileged become cannot work, as the README says"
    playbook "$work/nopipe.log" spool_as_labuser.yml -e "call_name=$call-n" -e use_become=true \
        -e ansible_pipelining=false -e "result_file=$work/nopipe.json"
    result=$(cat "$work/nopipe.json")
    grep -Fq 'Failed to set permissions on the temporary files' <<<"$result" \
        || lab_fail "expected Ansible's temporary-file permission error without pipelining: $result"
    ok "without pipelining: Failed to set permissions on the temporary files"
    expect_spool_empty "the spool without pipelining"
fi

step "the lab user spools with become_user asterisk, and Asterisk completes the call"
playbook "$work/spool.log" spool_as_labuser.yml -e "call_name=$call-c" -e use_become=true \
    -e "result_file=$work/spool.json"
result=$(cat "$work/spool.json")
grep -Fq '"changed": true' <<<"$result" || lab_fail "the call was not spooled: $result"
callfile=$(sed -n 's/^ *"call_file": "\(.*\)",\{0,1\}$/\1/p' <<<"$result")
[ -n "$callfile" ] || lab_fail "no call_file in the result: $result"
callfile=$(basename "$callfile")
lab_expect_status "$host" "$callfile" Completed 60
lab_expect_call "$host" PYCALL_NAME "$call-c"
lab_expect_call "$host" cidnum 5550123
owner=$(stat -c '%u:%g' "$root$spool/outgoing_done/$callfile")
[ "$owner" = "$a_uid:$a_gid" ] || lab_fail "the archived call file is owned by $owner, not asterisk ($a_uid:$a_gid)"
ok "the call file belonged to asterisk ($owner)"
expect_spool_empty "the spool as labuser"

# ------------------------------------------------------------------ 5. no root

step "the lab user cannot become root through what the role installed"
playbook "$work/noroot.log" no_root.yml

# ------------------------------------------------------------------ 6. retention, removal

step "the cron entry removes archives older than 7 days, and only those"
in_host install -o asterisk -g asterisk -m 0640 /dev/null "$spool/outgoing_done/old.call"
in_host touch -d '8 days ago' "$spool/outgoing_done/old.call"
in_host install -o asterisk -g asterisk -m 0640 /dev/null "$spool/outgoing_done/recent.call"
in_host touch -d '6 days ago' "$spool/outgoing_done/recent.call"
line=$(grep -E '^[0-9*]' "$root$cronfile") || lab_fail "no schedule line in $cronfile"
read -r _m _h _dom _mon _dow cron_user cron_cmd <<<"$line"
[ "$cron_user" = asterisk ] || lab_fail "the cron entry runs as $cron_user, not asterisk"
in_host runuser -u "$cron_user" -- /bin/sh -c "$cron_cmd"
[ ! -e "$root$spool/outgoing_done/old.call" ] || lab_fail "the 8-day-old archive survived"
[ -e "$root$spool/outgoing_done/recent.call" ] || lab_fail "the 6-day-old archive was removed"
[ -e "$root$spool/outgoing_done/$callfile" ] \
    || lab_fail "today's archive $callfile was removed: $(ls -la --time-style=+%s "$root$spool/outgoing_done"; date +%s)"
ok "cron line as asterisk: 8-day-old archive removed, newer ones kept"

step "switching to systemd-tmpfiles replaces the cron entry, and its rule works too"
playbook "$work/tmpfiles.log" apply_role.yml -e "$role_vars" -e asterisk_spool_retention_method=tmpfiles
[ ! -e "$root$cronfile" ] || lab_fail "$cronfile is still there"
rule=$(cat "$root$tmpfilesfile")
grep -Eq "^e $spool/outgoing_done - - - (m:)?7d\$" <<<"$rule" || lab_fail "unexpected tmpfiles rule: $rule"
in_host install -o asterisk -g asterisk -m 0640 /dev/null "$spool/outgoing_done/old.call"
in_host touch -d '8 days ago' "$spool/outgoing_done/old.call"
in_host systemd-tmpfiles --clean "$tmpfilesfile"
[ ! -e "$root$spool/outgoing_done/old.call" ] || lab_fail "systemd-tmpfiles kept the 8-day-old archive"
[ -e "$root$spool/outgoing_done/recent.call" ] || lab_fail "systemd-tmpfiles removed the 6-day-old archive"
[ -d "$root$spool/outgoing_done" ] || lab_fail "systemd-tmpfiles removed outgoing_done itself"
ok "systemd-tmpfiles --clean: 8-day-old archive removed, newer ones and the directory kept"

step "retention 0 and no users remove the role's files"
playbook "$work/off.log" apply_role.yml -e '{"asterisk_spool_users": [], "asterisk_spool_done_retention_days": 0}'
for f in "$cronfile" "$tmpfilesfile" "$dropin"; do
    [ ! -e "$root$f" ] || lab_fail "$f is still there"
done
ok "retention files and sudoers drop-in removed"
rc=0
playbook "$work/after-off.log" spool_as_labuser.yml -e "call_name=$call-d" -e use_become=true \
    -e "result_file=$work/after-off.json" || rc=$?
result=$(cat "$work/after-off.json")
grep -Eq '"(failed|unreachable)": true' <<<"$result" || lab_fail "become to asterisk still works after removing the users: $result"
ok "without the drop-in the lab user cannot become asterisk any more"
expect_spool_empty "a refused spool after removal"

echo
echo "role_asterisk_spool: all checks passed"
