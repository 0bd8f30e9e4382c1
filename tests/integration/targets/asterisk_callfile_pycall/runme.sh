#!/usr/bin/env bash
# pycall programs on the real lab, through the `pycall` import shim (tests/pycall/shim):
#   - a pycall 1.x program (keyword form, sets=, add_set(), an attribute changed after
#     construction, user='asterisk') run as root: Asterisk completes the changed call with
#     the variables as written (True arrives as 'True');
#   - a pycall 2.x program run as Asterisk's own user (not root): user='asterisk' gives the
#     file asterisk's own group, so it is allowed, and Asterisk completes it;
#   - the same program as labuser, who cannot reach the spool: NoSpoolPermissionError, nothing
#     spooled;
#   - the documented deviation: a file with pycall's placeholder "Channel: channel" (which the
#     library refuses) is refused by Asterisk itself: no call, archived as Failed.
# One controller is enough: nothing here goes through Ansible.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shim="$(lab_collection_root "$here")/tests/pycall/shim/pycall"
[ -d "$shim" ] || lab_fail "the pycall shim is missing: $shim"

lab_require_up 1
lab_reset ast1
dest=$(lab_install_library ast1 /opt/pycall "$here")
cp -r "$shim" "$dest/"
cp "$here"/files/pycall*_program.py "$dest/"
chmod -R a+rX "$dest"
trap 'rm -rf "$dest"' EXIT

# run_as USER PROGRAM NAME: the program inside ast1 as USER, the shim and the library on its path
run_as() {
    lab exec ast1 runuser -u "$1" -- env PYTHONPATH=/opt/pycall PYTHONDONTWRITEBYTECODE=1 \
        python3 "/opt/pycall/$2" "$3"
}

echo "== pycall 1.x program as root"
name1="pycall1-$$"
file1=$(run_as root pycall1_program.py "$name1") || lab_fail "the pycall 1.x program failed: $file1"
echo "spooled $file1"
lab_expect_status ast1 "$file1" Completed 60
lab_expect_call ast1 PYCALL_NAME "$name1"
calls=$(lab_calls ast1)
python3 - "$name1" "$calls" <<'PY' || lab_fail "the 1.x call did not arrive as written"$'\n'"$calls"
import json, sys
records = [json.loads(line) for line in sys.argv[2].splitlines() if line.strip()]
mine = [rec for rec in records if rec.get("PYCALL_NAME") == sys.argv[1]]
assert len(mine) == 1, mine
rec = mine[0]
assert rec["ctx"] == "answer", rec            # trunk_name changed after construction
assert rec["FLAG"] == "True", rec
assert rec["GREETING"] == 'tt-monkeys; and "quotes"', rec
PY
echo "ok: the changed 1.x call arrived with FLAG=True and the greeting intact"

echo "== pycall 2.x program as asterisk (not root)"
name2="pycall2-$$"
file2=$(run_as asterisk pycall2_program.py "$name2") || lab_fail "the pycall 2.x program failed as asterisk: $file2"
echo "spooled $file2"
lab_expect_status ast1 "$file2" Completed 60
owner=$(lab exec ast1 stat -c '%U:%G' "/var/spool/asterisk/outgoing_done/$file2")
[ "$owner" = asterisk:asterisk ] || lab_fail "2.x file owned by $owner, expected asterisk:asterisk"
lab_expect_call ast1 PYCALL_NAME "$name2"
lab_expect_call ast1 FLAG False

echo "== pycall 2.x program as labuser (no access to the spool)"
set +e
out=$(run_as labuser pycall2_program.py "pycall2-denied-$$")
rc=$?
set -e
[ "$rc" = 3 ] || lab_fail "labuser: exit $rc, expected NoSpoolPermissionError (3): $out"
[[ $out == NoSpoolPermissionError:* ]] || lab_fail "labuser: $out"
echo "ok: labuser gets $out"
left=$(find "$(lab_root ast1)/var/spool/asterisk/outgoing" "$(lab_root ast1)/var/spool/asterisk/tmp" -mindepth 1 \
    ! -name .pycall.lock -printf '%f\n')
[ -z "$left" ] || lab_fail "files left in the spool after the refusal: $left"

echo "== the deviation's reason: Asterisk refuses a 'Channel: channel' file without dialling"
before=$(lab_call_count ast1)
printf 'Channel: channel\nApplication: Playback\nData: hello-world\nArchive: yes\n' | lab_spool ast1 placeholder.call
lab_expect_log ast1 'Channel should be in form Tech/Dest' 15
lab_expect_status ast1 placeholder.call Failed 15
[ ! -e "$(lab_root ast1)/var/spool/asterisk/outgoing/placeholder.call" ] || lab_fail "Asterisk kept placeholder.call"
[ "$(lab_call_count ast1)" = "$before" ] || lab_fail "the placeholder channel placed a call"
echo "ok: Asterisk dropped the placeholder file as Failed, no call"

echo "asterisk_callfile_pycall: all checks passed"
