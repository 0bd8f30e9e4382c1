#!/usr/bin/env bash
# Acknowledged paging on the real lab: the asterisk_paging role installs its dialplan
# (refused without a needed module, idempotent, the user's dialplan intact and working),
# then pages to callees that behave like people: only those who press the digit are
# acknowledged (also after a wrong key), the silent one is completed but not
# acknowledged, the busy one expired; the prompt was played; acknowledgements survive
# an Asterisk restart.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1
inv=$(lab_inventory root)
prefix="page-$$"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
etc="$(lab_root ast1)/etc/asterisk"
msgs="$(lab_root ast1)/var/log/asterisk/messages"

# Start from the user's dialplan alone (an earlier run may have installed ours).
sed -i '/^; BEGIN pycall.asterisk.asterisk_paging$/,/^; END pycall.asterisk.asterisk_paging$/d' "$etc/extensions.conf"
rm -f "$etc/extensions_pycall_paging.conf"
"$LAB_BIN" cli ast1 "dialplan reload" >/dev/null
cp -p "$etc/extensions.conf" "$out/extensions.before"

recap_changed() { sed -n 's/^ast1 *: .*changed=\([0-9]*\).*/\1/p' "$1"; }

echo "== a missing module is named, nothing is installed"
ansible-playbook -i "$inv" missing.yml "$@"

echo "== check mode, first run, second run"
ansible-playbook -i "$inv" role.yml --check "$@" | tee "$out/check.out"
[ "$(recap_changed "$out/check.out")" -ge 2 ] || lab_fail "check mode predicted no change"
[ ! -e "$etc/extensions_pycall_paging.conf" ] || lab_fail "check mode installed the dialplan"
cmp -s "$out/extensions.before" "$etc/extensions.conf" || lab_fail "check mode changed extensions.conf"
ansible-playbook -i "$inv" role.yml "$@" | tee "$out/first.out"
[ "$(recap_changed "$out/first.out")" -ge 3 ] || lab_fail "the first run changed too little"
grep -F 'Reload the dialplan' "$out/first.out" >/dev/null || lab_fail "the dialplan was not reloaded"
ansible-playbook -i "$inv" role.yml "$@" | tee "$out/second.out"
[ "$(recap_changed "$out/second.out")" = 0 ] || lab_fail "the second run changed something"
if grep -F 'Reload the dialplan' "$out/second.out" >/dev/null; then lab_fail "reloaded without a change"; fi

echo "== the user's dialplan: unchanged but for the include block, and still working"
diff "$out/extensions.before" "$etc/extensions.conf" > "$out/ext.diff" || true
expected='> ; BEGIN pycall.asterisk.asterisk_paging
> #include extensions_pycall_paging.conf
> ; END pycall.asterisk.asterisk_paging'
[ "$(grep '^[<>]' "$out/ext.diff")" = "$expected" ] || { cat "$out/ext.diff"; lab_fail "extensions.conf changed beyond the include"; }
printf 'Channel: Local/1@answer\nApplication: Playback\nData: hello-world\nSet: PYCALL_NAME=%s-user\nArchive: yes\n' \
    "$prefix" | lab_spool ast1 "$prefix-user.call"
lab_expect_status ast1 "$prefix-user.call" Completed 30
lab_expect_call ast1 PYCALL_NAME "$prefix-user"

echo "== pages"
# shellcheck disable=SC2016 # the dollars are the point: they must arrive unexpanded
message='Disk full on db1; act now, "really" ${EVIL} $[1+1] \o/'
ansible-playbook -i "$inv" pages.yml -e "$(python3 -c 'import json,sys; print(json.dumps({"prefix": sys.argv[1], "alert_id": "A7", "message": sys.argv[2]}))' "$prefix" "$message")" "$@"
lab_expect_named ast1 "$prefix-presser" Completed 5
lab_expect_named ast1 "$prefix-silent" Completed 5
lab_expect_named ast1 "$prefix-busy" Expired 5
log=$(cat "$msgs")
# Asterisk's own log: the prompt was played (the no-TTS fallback: "urgent", A7 spelled,
# "press 1"), the message arrived intact as a value, keys were judged.
for pat in "Local/101@silent-[0-9a-f]*;1> Playing 'vm-Urgent.gsm'" \
           "Local/101@silent-[0-9a-f]*;1> Playing 'letters/a.gsm'" \
           "Local/101@silent-[0-9a-f]*;1> Playing 'digits/7.gsm'" \
           "Local/101@silent-[0-9a-f]*;1> Playing 'vm-press.gsm'" \
           "pycall page $prefix-silent: not acknowledged after 2 round" \
           "pycall page $prefix-wrongkey: not acknowledged after 2 round" \
           "pycall page $prefix-fumbler: wrong key 9, prompting again" \
           "pycall page $prefix-fumbler: acknowledged with 1" \
           "pycall page $prefix-presser: acknowledged with 1"; do
    grep -E -- "$pat" <<<"$log" >/dev/null || { lab_dump ast1; lab_fail "messages log lacks: $pat"; }
done
grep -F -- "pycall page $prefix-silent: message: Disk full on db1; act now," <<<"$log" >/dev/null \
    || { lab_dump ast1; lab_fail "the message did not arrive intact"; }
# shellcheck disable=SC2016
grep -F -- '${EVIL} $[1+1]' <<<"$log" >/dev/null || { lab_dump ast1; lab_fail "the message was evaluated"; }
acks=$(grep -c "pycall page $prefix-[a-z]*: acknowledged" <<<"$log" || true)
[ "$acks" = 2 ] || lab_fail "$acks acknowledgements logged, expected 2"
# The presser pressed during the prompt: its acknowledgement came before its first round ended.
grep -E "Local/100@presser-[0-9a-f]*;1> Playing 'vm-press.gsm'" <<<"$log" >/dev/null \
    && lab_fail "the presser's key did not interrupt the prompt"

echo "== acknowledgements survive an Asterisk restart"
sleep 2     # AstDB commits within a second of the write
"$LAB_BIN" cli ast1 "core restart now" >/dev/null || true
for _ in $(seq 1 60); do
    sleep 0.5
    if "$LAB_BIN" cli ast1 "core waitfullybooted" >/dev/null 2>&1; then break; fi
done
ansible-playbook -i "$inv" after_restart.yml -e "prefix=$prefix" "$@"
echo "asterisk_paging: all checks passed"
