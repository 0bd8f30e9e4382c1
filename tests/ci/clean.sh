#!/usr/bin/env bash
# `make clean`: drop tests/output, build/docs and this checkout's staged ansible_collections copies.
# The shared pinned venvs and ansible-test's caches stay (remove $PYCALL_CI_CACHE by hand).
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

rm -rf "$REPO_ROOT/tests/output"
rm -rf "$REPO_ROOT/build/docs"
for controller in a b lint docs; do
    stage_paths "$controller"
    rm -rf "$STAGE_ROOT"
    ci_log "removed $STAGE_ROOT"
done
ci_log "removed tests/output and build/docs"
