#!/usr/bin/env bash
# ansible-test units on several Pythons, each in a venv that ansible-test builds with
# tests/unit/requirements.txt + constraints.txt.
# Usage: tests/ci/units.sh [a|b ...]      (default: a b)
# Pythons per controller: UNITS_PYTHONS_A / UNITS_PYTHONS_B (see common.sh).
# Fails if a requested Python is missing or any of them ran no test.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

status=0

controllers_from_args "$@"

for controller in "${CONTROLLERS[@]}"; do
    ensure_controller "$controller"
    stage_tree

    if [[ $controller == a ]]; then pythons=$UNITS_PYTHONS_A; else pythons=$UNITS_PYTHONS_B; fi

    args=()
    for version in $pythons; do
        python=$(find_python "$version") || ci_die "units: no Python $version interpreter found"
        args+=(--target-python "venv/$version@$python")
    done

    log=$(ci_log_file "units-$controller")
    if ! run_ansible_test units --color no "${args[@]}" 2>&1 | tee "$log"; then
        status=1
    fi

    total=0
    per_python=""
    for version in $pythons; do
        # pytest's closing line, one per test context (module_utils, modules, controller ...)
        count=$(awk -v v="$version" '
            /^Unit test .* with Python / { current = $NF }
            current == v && /^=+ .*[0-9]+ passed/ {
                for (i = 1; i <= NF; i++) if ($(i + 1) ~ /^passed/) n += $i
            }
            END { print n + 0 }' "$log")
        per_python="$per_python $version:$count"
        total=$((total + count))

        if [[ $count -eq 0 ]]; then
            ci_log "ERROR: controller $controller: no unit test passed on Python $version"
            status=1
        fi
    done

    summary="controller $controller: $total unit tests passed (per Python:$per_python)"
    ci_log "$summary"
    ci_note "$summary"
done

exit "$status"
