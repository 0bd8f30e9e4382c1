#!/usr/bin/env bash
# The Ansible ecosystem's own checks, as a new user or Galaxy would run them:
#   - ansible-lint (profile production, settings in .ansible-lint) over the whole checkout;
#   - galaxy-importer on the built artifact, as Galaxy runs it on upload (tests/ci/galaxy-importer.cfg):
#     it must succeed with no warning;
#   - ansible-builder: the artifact's meta/execution-environment.yml is read by `introspect`,
#     and `create` accepts an execution environment that installs the collection (the build
#     context only: no container is built).
# All from the pinned venv of tests/ci/requirements-tools-galaxy.txt.
# Usage: tests/ci/lint.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_tool galaxy
# stage_tree stages per CONTROLLER_NAME: this step gets a stage of its own.
# shellcheck disable=SC2034
CONTROLLER_NAME=lint
stage_tree
tool_env

work=$(mktemp -d "${TMPDIR:-/tmp}/pycall-lint.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=()

# --- ansible-lint --------------------------------------------------------------------------
# In the stage, so the collection resolves as pycall.asterisk (its ansible_collections parent on
# the collections path) without ansible-lint installing anything.
log=$(ci_log_file lint-ansible-lint)
ci_log "ansible-lint $(ansible-lint --nocolor --version | head -n 1)"
set +e
(cd "$STAGE" && ANSIBLE_COLLECTIONS_PATH="$STAGE_ROOT" ANSIBLE_HOME="$work/ansible-home" \
    ansible-lint --nocolor --config-file "$STAGE/.ansible-lint" </dev/null) >"$log" 2>&1
rc=$?
set -e
cat "$log"
# Warnings do not change ansible-lint's exit code: "clean" is its own zero/zero summary line.
summary=$(grep -E '^(Passed|Failed): ' "$log" | tail -n 1 || true)
if [[ $rc -ne 0 || $summary != "Passed: 0 failure(s), 0 warning(s) "* ]]; then
    failures+=("ansible-lint: ${summary:-exit $rc, no summary} (log $log)")
else
    ci_note "ansible-lint --profile production: ${summary#Passed: }"
fi

# --- the artifact --------------------------------------------------------------------------
version=$(sed -n 's/^version: *//p' "$STAGE/galaxy.yml" | tr -d "\"'")
artifact="$work/dist/$COLLECTION_NAMESPACE-$COLLECTION_NAME-$version.tar.gz"
ANSIBLE_HOME="$work/ansible-home" ansible-galaxy collection build "$STAGE" --output-path "$work/dist" >/dev/null
[[ -f $artifact ]] || ci_die "build did not produce $artifact"

# --- galaxy-importer -----------------------------------------------------------------------
log=$(ci_log_file lint-galaxy-importer)
set +e
(cd "$work" && GALAXY_IMPORTER_CONFIG="$CI_DIR/galaxy-importer.cfg" ANSIBLE_HOME="$work/ansible-home" \
    python -m galaxy_importer.main "$artifact" </dev/null) >"$log" 2>&1
rc=$?
set -e
# Its JSON result goes to stdout as well; the messages are the lines before it.
grep -vE '^[[:space:]]*$|^[{}\[" ]' "$log" || true
# One complaint is the importer's own artefact, not the collection's: it extracts the artifact
# as placeholder_namespace/placeholder_name, so the ansible-lint it runs can never find a
# playbook of this collection by its FQCN (playbooks/alert_page.yml imports
# pycall.asterisk.page_escalation by FQCN because ansible-rulebook runs a copy of that one
# file, where a relative import cannot work). Only such a line naming a playbook that exists
# in playbooks/ is dropped; anything else still fails the step.
own_playbook_lines() {
    local line name
    while IFS= read -r line; do
        if [[ $line =~ ^WARNING:\ ERROR\ +Failed\ to\ find\ $COLLECTION_NAMESPACE\.$COLLECTION_NAME\.([a-z0-9_]+)\ playbook\.$ ]]; then
            name=${BASH_REMATCH[1]}
            [[ -f $STAGE/playbooks/$name.yml ]] && continue
        fi
        printf '%s\n' "$line"
    done
}
complaints=$(grep -E '^(WARNING|ERROR)' "$log" | own_playbook_lines || true)
artefacts=$(($(grep -cE '^(WARNING|ERROR)' "$log" || true) - $(printf '%s' "$complaints" | grep -c . || true)))
dropped=""
if [[ $artefacts -gt 0 ]]; then
    dropped=" ($artefacts line(s) about this collection's own FQCN playbooks dropped: the importer's placeholder namespace)"
fi
if [[ $rc -ne 0 || -n $complaints ]] || ! grep -q '^Importer processing completed successfully' "$log"; then
    failures+=("galaxy-importer: exit $rc, $(printf '%s\n' "$complaints" | grep -c . || true) warning/error line(s) (log $log)")
else
    ci_note "galaxy-importer $(python -c 'import importlib.metadata as m; print(m.version("galaxy-importer"))') (required tags, ansible-lint, flake8, ansible-doc): imported, no warning$dropped"
fi

# --- ansible-builder -----------------------------------------------------------------------
log=$(ci_log_file lint-ansible-builder)
ANSIBLE_HOME="$work/ansible-home" ANSIBLE_COLLECTIONS_PATH="$work/collections" \
    ansible-galaxy collection install --offline "$artifact" -p "$work/collections" >/dev/null
installed="$work/collections/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME"
{
    # The metadata file ansible-builder reads from an installed collection: version 1, and every
    # requirements file it names shipped in the artifact.
    python - "$installed" <<'PY'
import os, sys, yaml
root = sys.argv[1]
path = os.path.join(root, 'meta', 'execution-environment.yml')
with open(path) as handle:
    meta = yaml.safe_load(handle)
problems = []
if not isinstance(meta, dict) or meta.get('version') != 1:
    problems.append('version must be 1')
deps = (meta or {}).get('dependencies')
if not isinstance(deps, dict):
    problems.append('dependencies must be a mapping')
else:
    for kind, name in deps.items():
        if kind not in ('python', 'system'):
            problems.append('unknown dependency kind %r' % kind)
        elif not os.path.isfile(os.path.join(root, name)):
            problems.append('%s requirements file %s is not in the artifact' % (kind, name))
if problems:
    sys.exit('%s: %s' % (path, '; '.join(problems)))
print('%s: version 1, dependencies %s' % (path, deps or 'none'))
PY
    ansible-builder introspect --sanitize "$work/collections" --write-pip "$work/pip.txt" --write-bindep "$work/bindep.txt"

    mkdir -p "$work/ee"
    cat >"$work/ee/execution-environment.yml" <<YAML
---
version: 3
images:
  base_image:
    name: registry.example.invalid/ee-base:latest
dependencies:
  ansible_core:
    package_pip: ansible-core==$(python -c 'import importlib.metadata as m; print(m.version("ansible-core"))')
  ansible_runner:
    package_pip: ansible-runner
  galaxy:
    collections:
      - name: $COLLECTION_NAMESPACE.$COLLECTION_NAME
        version: "$version"
YAML
    ansible-builder create --file "$work/ee/execution-environment.yml" --context "$work/ee/context" \
        --output-filename Containerfile -v 2
    [[ -s $work/ee/context/Containerfile ]] || { echo "ansible-builder create wrote no Containerfile" >&2; exit 1; }
    grep -q "$COLLECTION_NAMESPACE.$COLLECTION_NAME" "$work/ee/context/_build/requirements.yml" \
        || { echo "the build context does not ask for $COLLECTION_NAMESPACE.$COLLECTION_NAME" >&2; exit 1; }
} >"$log" 2>&1 </dev/null && builder_ok=1 || builder_ok=0
cat "$log"
if [[ $builder_ok -eq 1 ]]; then
    # The modules run on the Asterisk host with the standard library: nothing for the EE.
    if [[ -s $work/pip.txt || -s $work/bindep.txt ]]; then
        failures+=("ansible-builder introspect: the collection now asks the EE for packages (see $log): document them")
    else
        ci_note "ansible-builder $(ansible-builder --version): introspect reads meta/execution-environment.yml (no packages), create accepts the EE"
    fi
else
    failures+=("ansible-builder: introspect/create failed (log $log)")
fi

if [[ ${#failures[@]} -gt 0 ]]; then
    for failure in "${failures[@]}"; do
        ci_log "FAIL $failure"
        ci_note "FAIL $failure"
    done
    exit 1
fi
ci_log "lint: ansible-lint, galaxy-importer and ansible-builder are clean"
