#!/usr/bin/env bash
# Proves the Asterisk lab end to end: Ansible (builtin modules only) places a call file on
# ast1, Asterisk dials it (Playback hello-world on Local/18002223333@answer), and the
# outcome and the variables arrive intact; smoke.yml checks Asterisk's own records.
# Needs `tests/lab/lab up` first.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1

ANSIBLE_ROLES_PATH="${ANSIBLE_ROLES_PATH:-$(cd "$(dirname "$0")/.." && pwd)}" \
    ansible-playbook -i "$(lab_inventory root)" smoke.yml -e "call_name=lab-smoke-$$-$(date +%s).call" "$@"
echo "lab_smoke: all checks passed"
