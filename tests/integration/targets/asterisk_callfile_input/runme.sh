#!/usr/bin/env bash
# Hostile input on the real lab: values holding ; = : # $ quotes and UTF-8 reach the
# dialplan intact; injection attempts through any parameter fail with the parameter's
# name, leave nothing in the spool and dial nothing.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1
inv=$(lab_inventory root)
prefix="input-$$"

# A NUL in a module argument otherwise stops AnsibleModule itself (it cannot log the
# invocation to syslog) before the module sees it; switch that off so the module's own
# rule is what gets tested.
ANSIBLE_NO_TARGET_SYSLOG=True ansible-playbook -i "$inv" input.yml -e "prefix=$prefix" "$@"

lab_expect_named ast1 "$prefix-intact" Completed 60
lab_expect_call ast1 PYCALL_NAME "$prefix-intact"
lab_expect_call ast1 cidname "Ops; Team#1"
lab_expect_call ast1 cidnum 5550100
lab_expect_call ast1 VAR1 'a;b=c:d'
lab_expect_call ast1 VAR2 'k1=v1;k2=v2 :: ;; \; end'
lab_expect_call ast1 ALERT_ID 'token=abc;def'
lab_expect_call ast1 SEMI ';'
lab_expect_call ast1 HASH 'x#y'
# shellcheck disable=SC2016 # the literal text is the expected value
lab_expect_call ast1 DOLLAR '${EPOCH} $(id) `id`'
lab_expect_call ast1 QUOTES "\"double\" 'single'"
lab_expect_call ast1 UNICODE 'Grüße, 電話'

# Only the intact call was dialled; the refused ones left nothing behind.
sleep 2
n=$(lab_call_count ast1)
[ "$n" = 1 ] || { lab_dump ast1; lab_fail "expected 1 call, Asterisk logged $n"; }
lab_expect_empty_spool ast1
[ ! -e "$(lab_root ast1)/tmp/pwned" ] || lab_fail "an injected System() ran"
log=$(lab_log ast1)
if grep -E "WARNING|ERROR|Unknown keyword|Syntax error" <<<"$log"; then
    lab_fail "Asterisk complained about a call file"
fi
echo "asterisk_callfile_input: all checks passed"
