# shellcheck shell=bash
# Shared helpers for the scripts in tests/ci. Sourced, never run.
#
# Nothing here depends on the caller's shell set-up (pyenv init, activated venvs, PIP_* or
# PYTHON* variables): interpreters are found by path, and ansible-test runs with a PATH built
# here. Everything the tools need is installed from PyPI with pinned versions.

set -euo pipefail

CI_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$CI_DIR/../.." && pwd)

COLLECTION_NAMESPACE=pycall
COLLECTION_NAME=asterisk

# --- pins and knobs ------------------------------------------------------------------------
# Controller A: newest ansible-core that runs on Python 3.11.
# Controller B: newest stable ansible-core, on Python 3.13.
# The exact package sets (dependencies included) are in requirements-controller-{a,b}.txt.
CONTROLLER_A_PYTHON=3.11
CONTROLLER_B_PYTHON=3.13

# Python versions for `ansible-test units`, per controller (target code: 3.8+).
UNITS_PYTHONS_A=${UNITS_PYTHONS_A:-"3.8 3.9 3.10 3.11 3.12 3.13"}
UNITS_PYTHONS_B=${UNITS_PYTHONS_B:-"3.9 3.13"}

# Every Python version any ansible-test here may want; the ones found go on PATH.
KNOWN_PYTHONS="3.8 3.9 3.10 3.11 3.12 3.13 3.14"

# Integration: lab hosts `tests/lab/lab up` is asked for, the controllers that run the
# targets, and a time limit (seconds) for each ansible-test integration run.
LAB_HOSTS=${LAB_HOSTS:-3}
INTEGRATION_CONTROLLERS=${INTEGRATION_CONTROLLERS:-"a b"}
INTEGRATION_TIMEOUT=${INTEGRATION_TIMEOUT:-1800}

# Outside the checkout, so a fresh clone reuses venvs built by an earlier run on this machine.
CI_CACHE=${PYCALL_CI_CACHE:-/var/tmp/pycall-ci}
# Where ansible-test looks for its pip bootstrap script (python's expanduser('~')).
ANSIBLE_TEST_CACHE="${HOME:?HOME must be set}/.ansible/test/cache"

BASE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# --- output ----------------------------------------------------------------------------------
ci_log() {
    printf '[ci] %s\n' "$*" >&2
}

# ci_note TEXT: one-line result for the summary printed by tests/ci/test.sh.
ci_note() {
    if [[ -n ${CI_NOTES_FILE:-} ]]; then
        printf '%s\n' "$*" >>"$CI_NOTES_FILE"
    fi
}

# ci_log_file NAME: print the path of a log file under the checkout's tests/output/ci/.
ci_log_file() {
    mkdir -p "$REPO_ROOT/tests/output/ci"
    printf '%s\n' "$REPO_ROOT/tests/output/ci/$1.log"
}

# controllers_from_args ARGS...: set CONTROLLERS to the arguments, or to "a b" when none.
controllers_from_args() {
    CONTROLLERS=("$@")

    if [[ ${#CONTROLLERS[@]} -eq 0 ]]; then
        CONTROLLERS=(a b)
    fi
}

ci_die() {
    printf '[ci] ERROR: %s\n' "$*" >&2
    ci_note "ERROR: $*"
    exit 1
}

# --- interpreters ----------------------------------------------------------------------------
# Print the pyenv root: $PYENV_ROOT, `pyenv root`, then the usual places.
pyenv_root() {
    local candidate from_pyenv=""

    if command -v pyenv >/dev/null 2>&1; then
        from_pyenv=$(pyenv root 2>/dev/null || true)
    fi

    for candidate in "${PYENV_ROOT:-}" "$from_pyenv" "$HOME/.pyenv" /root/.pyenv; do
        if [[ -n $candidate && -d $candidate/versions ]]; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done

    return 1
}

# Print the path of a real (non-shim, non-venv) interpreter for version X.Y, or fail.
# Prefers pyenv's newest X.Y.Z build, then the system's pythonX.Y.
find_python() {
    local want=$1 root dir candidate got
    local -a candidates=()

    if root=$(pyenv_root); then
        while IFS= read -r dir; do
            candidates+=("$dir/bin/python$want")
        done < <(find "$root/versions" -mindepth 1 -maxdepth 1 -name "$want.*" 2>/dev/null \
            | grep -E "/$want\.[0-9]+$" | sort -rV)
    fi

    candidates+=("/usr/bin/python$want" "/usr/local/bin/python$want")

    for candidate in "${candidates[@]}"; do
        [[ -x $candidate ]] || continue
        got=$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue

        if [[ $got == "$want" ]]; then
            printf '%s\n' "$candidate"
            return 0
        fi
    done

    return 1
}

# PATH for ansible-test: the controller venv, then the real bin dir of every Python found
# (never pyenv's shims: ansible-test probes python3.N on PATH and a shim for a version that is
# not selected dies), then the system dirs.
controller_path() {
    local venv=$1 version python path
    path="$venv/bin"

    for version in $KNOWN_PYTHONS; do
        if python=$(find_python "$version"); then
            case ":$path:" in
                *":$(dirname "$python"):"*) ;;
                *) path="$path:$(dirname "$python")" ;;
            esac
        fi
    done

    printf '%s:%s\n' "$path" "$BASE_PATH"
}

# --- pinned venvs --------------------------------------------------------------------------
# pinned_venv LABEL BASE_PYTHON VENV REQUIREMENTS PROBE: build (or reuse) VENV with exactly the
# pins of REQUIREMENTS (--no-deps, then `pip check`) and set PINNED_VENV. Reuse needs an
# identical stamp (the base interpreter and the requirements file) and PROBE (Python code)
# running in the venv. Serialised per venv, so parallel runs build it once.
pinned_venv() {
    local label=$1 base=$2 venv=$3 requirements=$4 probe=$5 stamp lock_fd

    stamp="$("$base" -c 'import sys; print(sys.version)') @ $base"$'\n'"$(cat "$requirements")"
    mkdir -p "$CI_CACHE"
    exec {lock_fd}>"$venv.lock"
    flock "$lock_fd"

    if [[ -f $venv/.pycall-ci-stamp && $(cat "$venv/.pycall-ci-stamp") == "$stamp" ]] \
        && "$venv/bin/python" -c "$probe" 2>/dev/null; then
        ci_log "$label: reusing $venv"
    else
        ci_log "$label: building $venv from $base"
        rm -rf "$venv"
        "$base" -m venv "$venv" || ci_die "$base -m venv $venv failed"
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps \
            -r "$requirements" 2> >(grep -v "^WARNING: Location 'file:" >&2) \
            || ci_die "pip could not install $requirements into $venv"
        "$venv/bin/python" -m pip check --disable-pip-version-check \
            || ci_die "the pins in $requirements are not consistent (pip check)"
        "$venv/bin/python" -c "$probe" || ci_die "$venv lacks a tool after installing $requirements"
        printf '%s' "$stamp" >"$venv/.pycall-ci-stamp"
    fi

    flock -u "$lock_fd"
    exec {lock_fd}>&-
    PINNED_VENV=$venv
}

# --- controller venvs ------------------------------------------------------------------------
# ensure_controller a|b: build (or reuse) the controller venv and set CONTROLLER_VENV,
# CONTROLLER_PYTHON_VERSION and CONTROLLER_LABEL. Reuse needs an identical stamp: the base
# interpreter and the exact requirements file.
ensure_controller() {
    local which=$1 version requirements base venv

    case $which in
        a) version=$CONTROLLER_A_PYTHON ;;
        b) version=$CONTROLLER_B_PYTHON ;;
        *) ci_die "unknown controller '$which' (use a or b)" ;;
    esac

    requirements="$CI_DIR/requirements-controller-$which.txt"
    base=$(find_python "$version") || ci_die "no Python $version interpreter found (pyenv root: $(pyenv_root || echo none); /usr/bin)"
    pinned_venv "controller $which" "$base" "$CI_CACHE/venv-controller-$which" "$requirements" 'import ansible_test'
    venv=$PINNED_VENV

    CONTROLLER_NAME=$which
    CONTROLLER_VENV=$venv
    CONTROLLER_PYTHON_VERSION=$version
    CONTROLLER_LABEL="$which (python $CONTROLLER_PYTHON_VERSION, ansible-core $(sed -n 's/^ansible-core==//p' "$requirements"))"
    ensure_get_pip "$venv/bin/python"
}

# --- tool venvs (lint, Galaxy import, docs) -------------------------------------------------
# Python of the ecosystem tools' venvs (tests/ci/requirements-tools-*.txt are pinned for it).
TOOLS_PYTHON=3.11

# ensure_tool galaxy|docs|pycall: build (or reuse) the pinned venv of tests/ci/requirements-tools-NAME.txt
# and set TOOL_VENV. Same rules as the controllers: --no-deps install of the exact pins, then
# `pip check`; reuse needs an identical stamp (base interpreter and requirements file).
ensure_tool() {
    local which=$1 requirements base venv probe

    case $which in
        galaxy) probe='import galaxy_importer, ansiblelint, ansible_builder' ;;
        docs) probe='import antsibull_docs, antsibull_changelog, sphinx, sphinx_ansible_theme' ;;
        pycall) probe='import pytest, path' ;;
        *) ci_die "unknown tool venv '$which' (use galaxy, docs or pycall)" ;;
    esac

    requirements="$CI_DIR/requirements-tools-$which.txt"
    base=$(find_python "$TOOLS_PYTHON") || ci_die "no Python $TOOLS_PYTHON interpreter found (pyenv root: $(pyenv_root || echo none); /usr/bin)"
    pinned_venv "tools $which" "$base" "$CI_CACHE/venv-tools-$which" "$requirements" "$probe"
    venv=$PINNED_VENV

    TOOL_VENV=$venv
}

# tool_env: set up this (sub)shell to run the current tool venv's commands (they call each
# other by name: galaxy-importer runs ansible-doc and ansible-lint, antsibull-docs ansible-doc).
tool_env() {
    PATH="$TOOL_VENV/bin:$BASE_PATH"
    export PATH
    unset PYENV_VERSION VIRTUAL_ENV PYTHONPATH PYTHONHOME
}

# ensure_get_pip PYTHON: make ansible-test's pip bootstrap work offline. For every pip version
# the installed ansible-test asks for, put tests/ci/get_pip_offline.py in its cache as
# get_pip_<X_Y>.py, with the pip wheel next to it. An upstream script already there is kept.
ensure_get_pip() {
    local python=$1 source_file versions version script wheel

    source_file="$("$python" -c 'import ansible_test, os; print(os.path.dirname(ansible_test.__file__))')/_internal/python_requirements.py"
    versions=$(grep -oE "pip='[0-9]+(\.[0-9]+)*'" "$source_file" | sed -E "s/pip='(.*)'/\1/" | sort -u)
    [[ -n $versions ]] || ci_die "cannot find the pip version ansible-test bootstraps in $source_file"

    mkdir -p "$ANSIBLE_TEST_CACHE"

    for version in $versions; do
        script="$ANSIBLE_TEST_CACHE/get_pip_${version//./_}.py"
        wheel="$ANSIBLE_TEST_CACHE/pip-$version-py3-none-any.whl"

        if [[ ! -f $wheel ]]; then
            ci_log "fetching pip $version wheel for ansible-test's bootstrap"
            "$python" -m pip download --quiet --disable-pip-version-check --no-deps \
                --only-binary=:all: --dest "$ANSIBLE_TEST_CACHE" "pip==$version" \
                2> >(grep -v "^WARNING: Location 'file:" >&2) \
                || ci_die "pip could not download pip==$version for ansible-test's bootstrap"
            [[ -f $wheel ]] || ci_die "pip download did not produce $wheel"
        fi

        if [[ -f $script ]] && ! grep -q 'get_pip_offline' "$script"; then
            continue  # a genuine upstream get-pip script: it works as well
        fi

        if ! cmp -s "$CI_DIR/get_pip_offline.py" "$script"; then
            cp "$CI_DIR/get_pip_offline.py" "$script"
        fi
    done
}

# supported_pythons: the Python versions the current controller's ansible-test supports.
supported_pythons() {
    "$CONTROLLER_VENV/bin/python" -c '
from ansible_test._util.target.common.constants import CONTROLLER_PYTHON_VERSIONS, REMOTE_ONLY_PYTHON_VERSIONS
print(" ".join(REMOTE_ONLY_PYTHON_VERSIONS + CONTROLLER_PYTHON_VERSIONS))'
}

# --- the ansible_collections tree ------------------------------------------------------------
# stage_paths [CONTROLLER]: set STAGE_ROOT and STAGE inside it. One stage per checkout (keyed
# by its path) and controller (default: the current one), so the venvs ansible-test keeps in
# the stage's tests/output are not shared between two ansible-test versions.
stage_paths() {
    STAGE_ROOT="$CI_CACHE/tree-$(printf '%s' "$REPO_ROOT" | sha1sum | cut -c1-12)-${1:-$CONTROLLER_NAME}"
    STAGE="$STAGE_ROOT/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME"
}

# stage_tree: copy the checkout to $STAGE (…/ansible_collections/pycall/asterisk). In a git
# checkout the copy holds what ansible-test would see there: tracked files plus untracked files
# that are not ignored. Elsewhere everything but build/test output is copied. The stage's
# tests/output is kept between runs (ansible-test keeps its --venv environments there).
stage_tree() {
    stage_paths
    mkdir -p "$STAGE/tests"
    find "$STAGE" -mindepth 1 -maxdepth 1 ! -name tests -exec rm -rf {} +
    find "$STAGE/tests" -mindepth 1 -maxdepth 1 ! -name output -exec rm -rf {} +

    if git -C "$REPO_ROOT" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        (
            cd "$REPO_ROOT"
            git ls-files -z --cached --others --exclude-standard \
                | while IFS= read -r -d '' file; do
                    if [[ -e $file || -L $file ]]; then printf '%s\0' "$file"; fi
                done \
                | tar --null --no-recursion -T - -cf -
        ) | tar -xf - -C "$STAGE"
    else
        tar -C "$REPO_ROOT" --exclude=./tests/output --exclude='./.venv*' --exclude=./build \
            -cf - . | tar -xf - -C "$STAGE"
    fi
}

# --- running ansible-test --------------------------------------------------------------------
# controller_env: set up this (sub)shell to run the current controller's tools.
# CI_EXTRA_PATH (integration.sh: the ansible-rulebook venv's bin) goes last, so it only adds
# commands the controller does not have.
controller_env() {
    PATH=$(controller_path "$CONTROLLER_VENV")${CI_EXTRA_PATH:+:$CI_EXTRA_PATH}
    export PATH
    unset PYENV_VERSION VIRTUAL_ENV PYTHONPATH PYTHONHOME
}

# run_ansible_test ARGS...: ansible-test from the current controller venv, in the stage, with a
# PATH that holds only real interpreters. With ANSIBLE_TEST_TIMEOUT set (seconds), the run is
# killed after that long.
run_ansible_test() {
    local -a limit=()

    if [[ -n ${ANSIBLE_TEST_TIMEOUT:-} ]]; then
        limit=(timeout --kill-after=60 "$ANSIBLE_TEST_TIMEOUT")
    fi

    (
        cd "$STAGE"
        controller_env
        ci_log "ansible-test $*   [controller $CONTROLLER_LABEL]"
        "${limit[@]}" "$CONTROLLER_VENV/bin/ansible-test" "$@" </dev/null
    ) 2>&1 | sed -u "/^WARNING: Location 'file:.*' is ignored: it is neither a file nor a directory\.\$/d"
}
