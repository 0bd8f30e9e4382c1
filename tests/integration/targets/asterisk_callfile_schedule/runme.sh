#!/usr/bin/env bash
# asterisk_callfile scheduling, judged by when the lab Asterisk answered each call:
# a rescheduled call rings at the new time only, once; calls written in other time
# zones ring at the right instant; a cancelled call never rings; a past time dials now.
# schedule.yml checks Asterisk's call log.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1
launch=$(date +%s)
# Every due time is at least 20 s after launch, so a slow playbook start cannot push a
# spool past its due time.
t0=$((launch + 10))
tokyo=$(TZ=Asia/Tokyo date -d "@$((t0 + 14))" +%Y-%m-%dT%H:%M:%S+09:00)
newyork=$(TZ=America/New_York date -d "@$((t0 + 16))" +%Y-%m-%dT%H:%M:%S)

ANSIBLE_ROLES_PATH="${ANSIBLE_ROLES_PATH:-$(cd "$(dirname "$0")/.." && pwd)}" \
    ansible-playbook -i "$(lab_inventory root)" schedule.yml \
    -e "prefix=sched-$$ launch=$launch t0=$t0 tokyo_time=$tokyo newyork_local_time=$newyork" "$@"
echo "asterisk_callfile_schedule: all checks passed"
