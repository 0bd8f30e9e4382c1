#!/usr/bin/env bash
# ansible-test sanity on each controller, with no ignore file.
# Usage: tests/ci/sanity.sh [a|b ...]      (default: a b)
#
# No --python: single-version tests run on the controller venv's Python, and the
# multi-version ones (compile, import) on every Python ansible-test supports that is found
# on PATH (run_ansible_test puts pyenv's real interpreters there). The run fails if any of
# REQUIRED_PYTHONS that the controller's ansible-test supports was not tested.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

REQUIRED_PYTHONS=${REQUIRED_PYTHONS:-"3.8 3.9 3.10 3.11 3.12 3.13"}

status=0

controllers_from_args "$@"

for controller in "${CONTROLLERS[@]}"; do
    ensure_controller "$controller"
    stage_tree

    log=$(ci_log_file "sanity-$controller")
    if ! run_ansible_test sanity --color no 2>&1 | tee "$log"; then
        status=1
    fi

    ran=$(grep -c '^Running sanity test ' "$log" || true)
    tested=""
    untested=""
    missing=""

    for version in $(supported_pythons); do
        if grep -q "^Running sanity test \"compile\" on Python $version\$" "$log"; then
            tested="$tested $version"
        else
            untested="$untested $version"
            if [[ " $REQUIRED_PYTHONS " == *" $version "* ]]; then
                missing="$missing $version"
            fi
        fi
    done

    summary="controller $controller: $ran sanity test runs; compile (and import) on Python${tested:- none}"
    [[ -z $untested ]] || summary="$summary; no interpreter for$untested"
    ci_log "$summary"
    ci_note "$summary"

    if [[ $ran -eq 0 ]]; then
        ci_log "ERROR: controller $controller: no sanity test ran"
        status=1
    fi

    if [[ -n $missing ]]; then
        ci_log "ERROR: controller $controller: compile/import did not run on required Python$missing"
        status=1
    fi
done

exit "$status"
