#!/usr/bin/env bash
# asterisk_callfile on the real lab: the seed call is dialled once; check mode dials
# nothing; a second run changes and dials nothing; files belong to Asterisk's user;
# ad-hoc use works. Asterisk's archive and the dialplan's call log are the oracle.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1
inv=$(lab_inventory root)
name="seed-$$-$(date +%s)"

echo "== check mode dials nothing"
ansible-playbook -i "$inv" seed.yml --check -e "call_name=$name expect_changed=true expect_status=pending" "$@"
sleep 3
lab_expect_empty_spool ast1
lab_expect_calls_named ast1 "$name" 0

echo "== the seed call is dialled once"
ansible-playbook -i "$inv" seed.yml --diff -e "call_name=$name expect_changed=true expect_status=pending" "$@"
lab_expect_named ast1 "$name" Completed 60
lab_expect_calls_named ast1 "$name" 1
lab_expect_call ast1 exten 18002223333
lab_expect_call ast1 ctx from-internal
lab_expect_log ast1 "Playing 'hello-world.gsm'"

echo "== a second run changes nothing and dials nothing"
ansible-playbook -i "$inv" seed.yml -e "call_name=$name expect_changed=false expect_status=completed" "$@"
sleep 3
lab_expect_calls_named ast1 "$name" 1
lab_expect_empty_spool ast1

echo "== files belong to Asterisk's user; cancel removes a pending call"
ansible-playbook -i "$inv" owner.yml -e "call_name=later-$name" "$@"
lab_expect_empty_spool ast1

echo "== ad hoc"
ansible -i "$inv" ast1 -m pycall.asterisk.asterisk_callfile \
    -a "name=adhoc-$name channel=Local/200@answer application=Playback data=hello-world variables={'PYCALL_NAME':'adhoc-$name'}" "$@"
lab_expect_named ast1 "adhoc-$name" Completed 60
lab_expect_calls_named ast1 "adhoc-$name" 1

log=$(lab_log ast1)
if grep -E "WARNING|ERROR" <<<"$log"; then
    lab_fail "Asterisk logged warnings or errors for our call files"
fi
echo "asterisk_callfile_basics: all checks passed"
