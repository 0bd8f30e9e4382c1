#!/usr/bin/env bash
# Build (or reuse) the pinned controller venvs and ansible-test's offline pip bootstrap.
# Usage: tests/ci/setup.sh [a|b ...]      (default: a b)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

controllers_from_args "$@"

for controller in "${CONTROLLERS[@]}"; do
    ensure_controller "$controller"
    ci_log "controller $CONTROLLER_LABEL ready: $CONTROLLER_VENV"
    ci_note "controller $CONTROLLER_LABEL"
done
