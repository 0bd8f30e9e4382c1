#!/usr/bin/env bash
# `make clean`: drop tests/output and this checkout's staged ansible_collections copy.
# The shared pinned venvs and ansible-test's caches stay (remove $PYCALL_CI_CACHE by hand).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rm -rf "$REPO_ROOT/tests/output"
for controller in a b; do
    stage_paths "$controller"
    rm -rf "$STAGE_ROOT"
    ci_log "removed $STAGE_ROOT"
done
ci_log "removed tests/output"
