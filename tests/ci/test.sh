#!/usr/bin/env bash
# `make test` (and CI, through .ci/run): every check, in order, each timed. A failed step does
# not stop the later ones. Ends with a summary whose last line is "N passed, M failed" (steps);
# exits non-zero if any step failed. Developers may run a subset: CI_STEPS="sanity-a units-a".
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

# name | command (relative to tests/ci)
STEPS=(
    "setup-a|setup.sh a"
    "setup-b|setup.sh b"
    "sanity-a|sanity.sh a"
    "sanity-b|sanity.sh b"
    "units-a|units.sh a"
    "units-b|units.sh b"
    "build|build.sh a"
    "pycall|pycall.sh"
    "lint|lint.sh"
    "docs|docs.sh"
    "bench|bench.sh"
    "integration|integration.sh"
)

notes_dir=$(mktemp -d "${TMPDIR:-/tmp}/pycall-ci-notes.XXXXXX")
trap 'rm -rf "$notes_dir"' EXIT

for wanted in ${CI_STEPS:-}; do
    [[ " ${STEPS[*]%%|*} " == *" $wanted "* ]] || ci_die "CI_STEPS: unknown step '$wanted' (steps: ${STEPS[*]%%|*})"
done

results=()
passed=0
failed=0
started=$SECONDS

ci_log "pycall.asterisk CI in $REPO_ROOT (cache $CI_CACHE, HOME $HOME)"

for step in "${STEPS[@]}"; do
    name=${step%%|*}
    if [[ -n ${CI_STEPS:-} && " $CI_STEPS " != *" $name "* ]]; then
        continue
    fi
    read -ra command <<<"${step#*|}"
    export CI_NOTES_FILE="$notes_dir/$name"
    : >"$CI_NOTES_FILE"

    printf '\n========== %s: tests/ci/%s ==========\n' "$name" "${command[*]}"
    step_start=$SECONDS

    if bash "$CI_DIR/${command[0]}" "${command[@]:1}" </dev/null; then
        outcome=PASS
        passed=$((passed + 1))
    else
        outcome=FAIL
        failed=$((failed + 1))
    fi

    seconds=$((SECONDS - step_start))
    printf '========== %s: %s in %ss ==========\n' "$name" "$outcome" "$seconds"
    results+=("$(printf '%-4s  %-12s %5ss' "$outcome" "$name" "$seconds")|$CI_NOTES_FILE")
done

printf '\n==================== pycall.asterisk CI summary ====================\n'
for result in "${results[@]}"; do
    printf '%s\n' "${result%%|*}"
    while IFS= read -r note; do
        printf '                         %s\n' "$note"
    done <"${result#*|}"
done
printf 'total %ss; logs in tests/output/ci/\n' "$((SECONDS - started))"
printf '%s passed, %s failed\n' "$passed" "$failed"

[[ $failed -eq 0 ]]
