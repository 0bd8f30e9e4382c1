# shellcheck shell=bash
# Sourced by every lab target's runme.sh (its aliases say needs/target/setup_lab):
#   . "$(dirname "$0")/../setup_lab/lab.sh"
# Finds the lab the run was started for and sources its lib.sh (tests/lab/lib.sh, copied into
# the lab's state dir by `lab up`).
#
# ansible-test hands runme.sh no PYCALL_LAB_* variables, so tests/ci/integration.sh writes
# them into tests/integration/integration_config.yml, which ansible-test copies beside the
# targets. Without that file (a target run by hand) the caller's environment or the default
# lab applies.

_setup_lab_conf="$(dirname "${BASH_SOURCE[0]}")/../../integration_config.yml"
for _setup_lab_var in PYCALL_LAB_DIR PYCALL_LAB_NET PYCALL_LAB_PORT PYCALL_LAB_CACHE; do
    if [ -z "${!_setup_lab_var:-}" ] && [ -f "$_setup_lab_conf" ]; then
        _setup_lab_value=$(sed -n "s/^${_setup_lab_var,,}: *//p" "$_setup_lab_conf")
        if [ -n "$_setup_lab_value" ]; then
            export "$_setup_lab_var=$_setup_lab_value"
        fi
    fi
done
unset _setup_lab_conf _setup_lab_var _setup_lab_value

lab_lib=${PYCALL_LAB_DIR:-/var/tmp/pycall-lab}/lib.sh
[ -f "$lab_lib" ] || { echo "FAIL: $lab_lib missing: run tests/lab/lab up (as root) first" >&2; exit 1; }
# shellcheck source=tests/lab/lib.sh disable=SC1091
. "$lab_lib"
