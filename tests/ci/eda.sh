# shellcheck shell=bash
# Event-Driven Ansible for the eda_page_on_alert integration target. Sourced by
# integration.sh (after common.sh), never run.
#
# ensure_eda builds (or reuses) the pinned ansible-rulebook venv and installs the two
# distribution packages the target starts: Prometheus Alertmanager and Java 17 (the rules
# engine of ansible-rulebook is Drools, in Java). Everything comes from the registries the
# project uses: PyPI for tests/ci/requirements-eda.txt, Debian for the packages.

# Alertmanager: the exact Debian stable build (bookworm's, it does not change within a
# release). Java: the major version only, because a security update replaces the archive's
# one build of openjdk-17 (an exact pin would stop installing the day one is published).
EDA_ALERTMANAGER_PACKAGE="prometheus-alertmanager=0.25.0-1+b4"
EDA_JAVA_PACKAGE="openjdk-17-jre-headless"
# The venv's Python: controller A's (its ansible-core is pinned in requirements-eda.txt too).
EDA_PYTHON=$CONTROLLER_A_PYTHON
EDA_VENV_DIR="$CI_CACHE/venv-eda"

# eda_apt_install PACKAGE[=VERSION]...: apt-get install what is missing or another version.
eda_apt_install() {
    local spec name version have
    local -a wanted=()

    for spec in "$@"; do
        name=${spec%%=*}
        version=${spec#"$name"}
        version=${version#=}
        have=$(dpkg-query -W -f '${db:Status-Abbrev} ${Version}' "$name" 2>/dev/null || true)
        if [[ $have != "ii "* ]] || [[ -n $version && ${have#ii  } != "$version" && ${have#ii } != "$version" ]]; then
            wanted+=("$spec")
        fi
    done
    [[ ${#wanted[@]} -gt 0 ]] || return 0

    ci_log "eda: apt-get install ${wanted[*]}"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${wanted[@]}" >/dev/null; then
        ci_log "eda: updating the package lists first"
        apt-get update -q >/dev/null || ci_die "eda: apt-get update failed"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${wanted[@]}" >/dev/null \
            || ci_die "eda: apt-get install ${wanted[*]} failed"
    fi
}

# ensure_eda: set EDA_VENV (ansible-rulebook, ansible-runner and ansible-core in its bin/).
ensure_eda() {
    local base

    eda_apt_install "$EDA_ALERTMANAGER_PACKAGE" "$EDA_JAVA_PACKAGE"

    base=$(find_python "$EDA_PYTHON") || ci_die "no Python $EDA_PYTHON interpreter found for the ansible-rulebook venv"
    pinned_venv eda "$base" "$EDA_VENV_DIR" "$CI_DIR/requirements-eda.txt" 'import ansible_rulebook, drools, ansible_runner, ansible'

    # shellcheck disable=SC2034  # read by integration.sh
    EDA_VENV=$PINNED_VENV
}
