#!/usr/bin/env bash
# wait and asterisk_callfile_info, judged against Asterisk's own archive and call log:
# answered -> completed, busy with retries -> expired after 3 attempts, a ringing call
# -> in_progress (and a wait that times out says so), a scheduled call -> pending,
# an invalid file Asterisk rejected -> failed; a spaced roster rings in order.
# outcomes.yml checks Asterisk's records.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1
prefix="outcome-$$"

# A file Asterisk cannot use (no Channel): it archives it with Status: Failed.
printf 'Application: Echo\nArchive: yes\n' | lab_spool ast1 "$prefix-invalid.0000000000000000.call"

ANSIBLE_ROLES_PATH="${ANSIBLE_ROLES_PATH:-$(cd "$(dirname "$0")/.." && pwd)}" \
    ansible-playbook -i "$(lab_inventory root)" outcomes.yml \
    -e "prefix=$prefix roster_t0=$(($(date +%s) + 40))" "$@"
echo "asterisk_callfile_outcomes: all checks passed"
