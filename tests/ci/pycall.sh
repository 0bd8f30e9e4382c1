#!/usr/bin/env bash
# pycall parity: pycall 2.3.2's own test suite and the pycall 1.x example programs, run unchanged
# against the writer library through the import shim in tests/pycall/shim (a `pycall` package
# whose modules re-export plugins/module_utils/callfile.py).
#   - pycall 2.3.2's tests are taken from its sdist on the package registry at every run (hash
#     pinned below), never stored here. Every test must pass except those listed, each with its
#     reason, in tests/pycall/deviations-2.3.2.txt; a listed test that passes fails the step too,
#     so the list stays true.
#   - tests/pycall/examples-1.x: pycall 1.x programs as its documentation describes them, checked by
#     tests/pycall/check_examples.py (what they spooled, owners, due times). pycall 1.6's sdist
#     ships no example (its demos lived only in the project's repository, in Python 2).
#   - the programs of pycall 2.3.2's docs/usage.rst (same sdist), run unchanged by
#     tests/pycall/check_docs_examples.py.
#   - tests/pycall/check_api.py: every public class, method, keyword and exception of pycall 1.6's
#     and 2.3.2's sources (from the same sdists) exists in the shim.
# pycall's tests write into / and /tmp and the examples into /var/spool/asterisk: everything runs in a
# private mount namespace where / is read-only and /tmp and /var/spool are fresh tmpfs.
# Usage: tests/ci/pycall.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

PYCALL2_VERSION=2.3.2
PYCALL2_SHA256=f20aa7570c597cc1e122683dd4c54b43d8e984700d29da57240aa39cc6c21cd4
PYCALL1_VERSION=1.6
PYCALL1_SHA256=5e720572711e6629c81d343bc75f17ab4a687ec7c00bf9ef88cdef95be25b467
DEVIATIONS="$REPO_ROOT/tests/pycall/deviations-$PYCALL2_VERSION.txt"

[[ $(id -u) -eq 0 ]] || ci_die "needs root (unshare --mount, tmpfs mounts)"
command -v unshare >/dev/null || ci_die "unshare (util-linux) is missing"

ensure_tool pycall
tool_env

# Outside /tmp: the namespace hides /tmp behind its own tmpfs.
work=$(mktemp -d /var/tmp/pycall-compat.XXXXXX)
trap 'rm -rf "$work"' EXIT

# --- the sdists, from the registry ----------------------------------------------------------
printf 'pycall==%s --hash=sha256:%s\n' "$PYCALL2_VERSION" "$PYCALL2_SHA256" >"$work/req2.txt"
printf 'pycall==%s --hash=sha256:%s\n' "$PYCALL1_VERSION" "$PYCALL1_SHA256" >"$work/req1.txt"
for req in req2 req1; do
    python -m pip download --quiet --disable-pip-version-check --no-binary :all: --no-deps \
        --require-hashes -r "$work/$req.txt" -d "$work/sdist" 2> >(grep -v "^WARNING: Location 'file:" >&2) \
        || ci_die "pip could not download $(cut -d' ' -f1 "$work/$req.txt") as an sdist"
done
# Only the tests (and 1.6's sources for check_api.py): pycall's own package must not be importable.
mkdir -p "$work/suite" "$work/src2" "$work/src1"
tar -xzf "$work/sdist/pycall-$PYCALL2_VERSION.tar.gz" -C "$work/suite" --strip-components=1 "pycall-$PYCALL2_VERSION/tests"
tar -xzf "$work/sdist/pycall-$PYCALL2_VERSION.tar.gz" -C "$work/src2" --strip-components=1 "pycall-$PYCALL2_VERSION/pycall" \
    "pycall-$PYCALL2_VERSION/docs/usage.rst"
tar -xzf "$work/sdist/pycall-$PYCALL1_VERSION.tar.gz" -C "$work/src1" --strip-components=1 "pycall-$PYCALL1_VERSION/pycall"

# The library as the shim imports it: ansible_collections.pycall.asterisk.
mkdir -p "$work/ac/ansible_collections/$COLLECTION_NAMESPACE"
ln -s "$REPO_ROOT" "$work/ac/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME"

# --- everything that writes, in its own mount namespace ---------------------------------------
log=$(ci_log_file pycall)
set +e
# The inner script gets its paths as arguments: single quotes on purpose.
# shellcheck disable=SC2016
PYTHONPATH="$REPO_ROOT/tests/pycall/shim:$work/ac" PYTHONDONTWRITEBYTECODE=1 \
    timeout 300 unshare --mount --propagation private bash -euc '
        mount -o remount,bind,ro /
        mount -t tmpfs -o mode=1777 tmpfs /tmp
        mount -t tmpfs -o mode=0755 tmpfs /var/spool
        # No asterisk.conf: the default spool root, /var/spool/asterisk.
        if [[ -d /etc/asterisk ]]; then mount -t tmpfs tmpfs /etc/asterisk; fi
        echo "=== api"
        python "$1/tests/pycall/check_api.py" "$2/src1/pycall" "$2/src2/pycall" || true
        echo "=== suite"
        cd "$2/suite"
        python -m pytest -p no:cacheprovider -rA -q --tb=line tests || true
        echo "=== examples"
        python "$1/tests/pycall/check_examples.py" "$1/tests/pycall/examples-1.x" || true
        echo "=== usage"
        python "$1/tests/pycall/check_docs_examples.py" "$2/src2/docs/usage.rst" || true
    ' pycall-ns "$REPO_ROOT" "$work" </dev/null >"$log" 2>&1
rc=$?
set -e
cat "$log"
[[ $rc -eq 0 ]] || ci_die "the pycall checks did not run to the end (exit $rc, log $log)"

section() {
    sed -n "/^=== $1\$/,/^=== /p" "$log"
}

failures=()

# --- API names --------------------------------------------------------------------------------
api=$(section api | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [[ -z $api || $api != *" 0 failed" ]]; then
    failures+=("pycall public names: ${api:-no result}")
else
    ci_note "pycall 1.6 + $PYCALL2_VERSION public names in the shim: $api"
fi

# --- pycall 2.3.2's suite against the deviations list ----------------------------------------------
declare -A listed=()
while IFS= read -r line; do
    [[ -z $line || $line == \#* ]] && continue
    id=${line%% | *}
    [[ $line == *" | "?* ]] || ci_die "$DEVIATIONS: '$id' has no reason"
    listed[$id]=1
done <"$DEVIATIONS"

# Captured once and read from a string: under pipefail, `section suite | grep -q` fails whenever
# grep's early exit kills sed with SIGPIPE, and a listed test that ran is reported as not run.
suite=$(section suite)
passed=0
total=0
unexpected=()
fixed=()
while read -r outcome id _; do
    total=$((total + 1))
    if [[ $outcome == PASSED ]]; then
        passed=$((passed + 1))
        [[ -n ${listed[$id]:-} ]] && fixed+=("$id")
    elif [[ -z ${listed[$id]:-} ]]; then
        unexpected+=("$outcome $id")
    fi
done < <(grep -E '^(PASSED|FAILED|ERROR) tests/' <<<"$suite" | sed 's/ - .*//')

if [[ $total -eq 0 ]]; then
    failures+=("pycall $PYCALL2_VERSION suite: no test ran")
fi
for item in "${unexpected[@]}"; do
    failures+=("pycall $PYCALL2_VERSION suite: $item is not a listed deviation")
done
for item in "${fixed[@]}"; do
    failures+=("pycall $PYCALL2_VERSION suite: $item passes now: remove it from $DEVIATIONS")
done
for id in "${!listed[@]}"; do
    grep -qE "^(PASSED|FAILED|ERROR) ${id//[/\\[}( |\$)" <<<"$suite" \
        || failures+=("pycall $PYCALL2_VERSION suite: listed $id did not run")
done
ci_note "pycall $PYCALL2_VERSION own suite: $passed of $total passed, $((total - passed)) listed deviation(s)"

# --- pycall 1.x examples --------------------------------------------------------------------------
examples=$(section examples | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [[ -z $examples || $examples != *" 0 failed" ]]; then
    failures+=("pycall 1.x examples: ${examples:-no result}")
else
    ci_note "pycall 1.x examples: $examples"
fi

# --- pycall 2.3.2's documented programs ------------------------------------------------------
usage=$(section usage | grep -E '^[0-9]+ passed, [0-9]+ failed$' | tail -n 1)
if [[ -z $usage || $usage != *" 0 failed" ]]; then
    failures+=("pycall $PYCALL2_VERSION docs/usage.rst programs: ${usage:-no result}")
else
    ci_note "pycall $PYCALL2_VERSION docs/usage.rst programs: $usage"
fi

if [[ ${#failures[@]} -gt 0 ]]; then
    for failure in "${failures[@]}"; do
        ci_note "FAIL: $failure"
        ci_log "FAIL: $failure"
    done
    exit 1
fi
ci_log "pycall parity: all checks as expected (log $log)"
