#!/usr/bin/env bash
# Hostile input on the real lab: values holding ; = : # $ quotes and UTF-8 reach the
# dialplan intact; injection attempts through any parameter fail with the parameter's
# name, leave nothing in the spool and dial nothing. input.yml checks Asterisk's records.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1

# A NUL in a module argument otherwise stops AnsibleModule itself (it cannot log the
# invocation to syslog) before the module sees it; switch that off so the module's own
# rule is what gets tested.
ANSIBLE_NO_TARGET_SYSLOG=True ANSIBLE_ROLES_PATH="${ANSIBLE_ROLES_PATH:-$(cd "$(dirname "$0")/.." && pwd)}" \
    ansible-playbook -i "$(lab_inventory root)" input.yml -e "prefix=input-$$" "$@"
echo "asterisk_callfile_input: all checks passed"
