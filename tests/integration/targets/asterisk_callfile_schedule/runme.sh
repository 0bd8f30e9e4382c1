#!/usr/bin/env bash
# asterisk_callfile scheduling, judged by when the lab Asterisk answered each call:
# a rescheduled call rings at the new time only, once; calls written in other time
# zones ring at the right instant; a cancelled call never rings; a past time dials now.
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1
inv=$(lab_inventory root)
prefix="sched-$$"
launch=$(date +%s)
# Every due time is at least 20 s after launch, so a slow playbook start cannot push a
# spool past its due time.
t0=$((launch + 10))
tokyo=$(TZ=Asia/Tokyo date -d "@$((t0 + 14))" +%Y-%m-%dT%H:%M:%S+09:00)
newyork=$(TZ=America/New_York date -d "@$((t0 + 16))" +%Y-%m-%dT%H:%M:%S)

ansible-playbook -i "$inv" schedule.yml \
    -e "prefix=$prefix t0=$t0 tokyo_time=$tokyo newyork_local_time=$newyork" "$@"

# Past the old due time (t0+25) too, so a call at the old time would be seen.
while [ "$(date +%s)" -lt $((t0 + 30)) ]; do sleep 1; done

lab_expect_rang_at ast1 "$prefix-moved" $((t0 + 10)) $((t0 + 13))
lab_expect_rang_at ast1 "$prefix-tokyo" $((t0 + 14)) $((t0 + 17))
lab_expect_rang_at ast1 "$prefix-newyork" $((t0 + 16)) $((t0 + 19))
lab_expect_rang_at ast1 "$prefix-past" "$launch" $((t0 + 5))
lab_expect_calls_named ast1 "$prefix-cancelled" 0
lab_expect_empty_spool ast1
echo "asterisk_callfile_schedule: all checks passed"
