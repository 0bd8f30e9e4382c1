#!/usr/bin/env bash
# ansible-test integration against the lab hosts.
# Usage: tests/ci/integration.sh [a|b ...]      (default: $INTEGRATION_CONTROLLERS)
#
# Brings the lab up once (`tests/lab/lab up $LAB_HOSTS`, from the checkout), byte-compiles
# plugins/ with the lab hosts' Python, runs every integration target on each controller
# (script targets find the lab's inventory themselves: ansible-test gives runme.sh only HOME,
# PATH, LC_ALL and ANSIBLE_*-style variables and runs it in a temporary copy of the target),
# and always takes the lab down again, whatever happened.
# A run that executed no target fails: ansible-test exits 0 when every target is skipped.
# When eda_page_on_alert runs, tests/ci/eda.sh first installs ansible-rulebook (its own pinned
# venv, whose bin/ goes at the end of ansible-test's PATH), Alertmanager and Java 17.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
# shellcheck source=tests/ci/eda.sh
source "$CI_DIR/eda.sh"

LAB="$REPO_ROOT/tests/lab/lab"
TARGETS_DIR="$REPO_ROOT/tests/integration/targets"

no_target_ran() {
    ci_log "ERROR: no integration target ran: $*"
    ci_note "no integration target ran: $*"
    exit 1
}

lab() {
    (cd "$REPO_ROOT" && "$LAB" "$@" </dev/null)
}

# shellcheck disable=SC2329  # run by the EXIT trap
lab_down() {
    ci_log "tests/lab/lab down"
    lab down || ci_log "WARNING: tests/lab/lab down failed"
}

# The lab hosts run a newer Python than pyenv has here (Debian sid's; 3.14 when this was
# written): byte-compile the staged plugins/ with it, warnings as errors, as a forward check
# past the versions ansible-test's compile sanity test can reach.
compile_on_lab_python() {
    local root dir version result=0

    root=$(lab root ast1) || return 1
    dir="$root/tmp/pycall-ci-compile"
    rm -rf "$dir"
    mkdir -p "$dir"
    cp -a "$STAGE/plugins" "$dir/"

    if version=$(lab exec ast1 python3 -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])') \
        && lab exec ast1 python3 -W error -m compileall -q /tmp/pycall-ci-compile/plugins; then
        ci_note "plugins/ byte-compiles on the lab's Python $version (warnings as errors)"
    else
        ci_note "ERROR: plugins/ does not byte-compile cleanly on the lab's Python ${version:-?}"
        result=1
    fi

    rm -rf "$dir"
    return "$result"
}

# stamp_targets FILE: copy stdin to stdout, appending "<epoch seconds> <target>" to FILE each
# time ansible-test announces a target.
stamp_targets() {
    local line

    while IFS= read -r line; do
        if [[ $line =~ ^Running\ ([^ ]+)\ integration\ test\ (script|role)$ ]]; then
            printf '%s %s\n' "$EPOCHSECONDS" "${BASH_REMATCH[1]}" >>"$1"
        fi
        printf '%s\n' "$line"
    done
}

# slowest_targets FILE END: "name Ns" for the three longest targets (a target lasts until the
# next one starts, the last one until END).
slowest_targets() {
    awk -v end="$2" '
        { start[NR] = $1; name[NR] = $2 }
        END { for (i = 1; i <= NR; i++) print ((i < NR ? start[i + 1] : end) - start[i]), name[i] }
    ' "$1" | sort -rn | head -n 3 | awk '{ printf "%s%s %ss", (NR > 1 ? ", " : ""), $2, $1 }'
}

if [[ $# -eq 0 ]]; then
    read -ra default_controllers <<<"$INTEGRATION_CONTROLLERS"
    set -- "${default_controllers[@]}"
fi
controllers_from_args "$@"

[[ -e $LAB ]] || no_target_ran "tests/lab/lab does not exist"
[[ -x $LAB ]] || no_target_ran "tests/lab/lab is not executable"

available=$(find "$TARGETS_DIR" -mindepth 2 -maxdepth 2 -name runme.sh 2>/dev/null | wc -l)
[[ $available -gt 0 ]] || no_target_ran "there is no tests/integration/targets/*/runme.sh"

# ansible-test gives runme.sh none of our variables, only a copy of this file beside the
# targets: it tells setup_lab/lab.sh which lab this run brings up.
write_lab_config() {
    {
        printf '# written by tests/ci/integration.sh for setup_lab/lab.sh\n'
        printf 'pycall_lab_dir: %s\n' "${PYCALL_LAB_DIR:-/var/tmp/pycall-lab}"
        if [[ -n ${PYCALL_LAB_NET:-} ]]; then printf 'pycall_lab_net: %s\n' "$PYCALL_LAB_NET"; fi
        if [[ -n ${PYCALL_LAB_PORT:-} ]]; then printf 'pycall_lab_port: %s\n' "$PYCALL_LAB_PORT"; fi
        if [[ -n ${PYCALL_LAB_CACHE:-} ]]; then printf 'pycall_lab_cache: %s\n' "$PYCALL_LAB_CACHE"; fi
    } >"$STAGE/tests/integration/integration_config.yml"
}

# Everything that cannot fail because of the lab happens before the lab is up.
for controller in "${CONTROLLERS[@]}"; do
    ensure_controller "$controller"
    stage_tree
    write_lab_config
done

# The eda_page_on_alert target starts ansible-rulebook and Alertmanager: install them when it
# runs. In a subshell, so that a failed install fails that target (it finds no ansible-rulebook)
# rather than every target.
if [[ -z ${INTEGRATION_TARGETS:-} || " $INTEGRATION_TARGETS " == *" eda_page_on_alert "* ]]; then
    if (ensure_eda); then
        # shellcheck disable=SC2034  # read by controller_env (common.sh)
        CI_EXTRA_PATH="$EDA_VENV_DIR/bin"
    else
        ci_note "ERROR: tests/ci/eda.sh could not install the eda_page_on_alert tools"
    fi
fi

trap lab_down EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ci_log "tests/lab/lab up $LAB_HOSTS"
if ! lab up "$LAB_HOSTS"; then
    ci_log "ERROR: tests/lab/lab up $LAB_HOSTS failed"
    no_target_ran "tests/lab/lab up $LAB_HOSTS failed"
fi

status=0

# The lab's own command line, as tests/lab/README.md documents it (~15 s, no Ansible).
if (cd "$REPO_ROOT" && tests/lab/clitest.sh) >"$(ci_log_file lab-clitest)" 2>&1; then
    ci_note "tests/lab/clitest.sh: the lab's commands behave as documented"
else
    ci_note "ERROR: tests/lab/clitest.sh failed (log $(ci_log_file lab-clitest))"
    status=1
fi

stage_paths "${CONTROLLERS[0]}"
compile_on_lab_python || status=1

export ANSIBLE_TEST_TIMEOUT=$INTEGRATION_TIMEOUT

for controller in "${CONTROLLERS[@]}"; do
    ensure_controller "$controller"
    stage_paths
    log=$(ci_log_file "integration-$controller")
    stamps=$(ci_log_file "integration-$controller.stamps")
    : >"$stamps"
    started=$SECONDS

    # shellcheck disable=SC2086  # INTEGRATION_TARGETS is a list of target names
    if ! run_ansible_test integration --color no --allow-destructive --continue-on-error \
        --python "$CONTROLLER_PYTHON_VERSION" ${INTEGRATION_TARGETS:-} 2>&1 | stamp_targets "$stamps" | tee "$log"; then
        status=1
    fi

    # ansible-test announces each target it runs with one of these lines.
    ran=$(grep -cE '^Running [^ ]+ integration test (script|role)$' "$log" || true)
    summary="controller $controller: $ran of $available integration target(s) ran in $((SECONDS - started))s"
    if [[ $ran -gt 0 ]]; then
        summary="$summary; slowest: $(slowest_targets "$stamps" "$EPOCHSECONDS")"
    fi
    ci_log "$summary"
    ci_note "$summary"

    if [[ $ran -eq 0 ]]; then
        ci_log "ERROR: no integration target ran on controller $controller"
        status=1
    fi
done

exit "$status"
