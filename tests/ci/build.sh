#!/usr/bin/env bash
# Build the collection artifact, check it holds no test/CI files, install it, and load the
# installed modules' documentation from it.
# Usage: tests/ci/build.sh [a|b]      (default: a)
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_controller "${1:-a}"
stage_tree
controller_env

work=$(mktemp -d "${TMPDIR:-/tmp}/pycall-build.XXXXXX")
trap 'rm -rf "$work"' EXIT

version=$(sed -n 's/^version: *//p' "$STAGE/galaxy.yml" | tr -d "\"'")
artifact="$work/dist/$COLLECTION_NAMESPACE-$COLLECTION_NAME-$version.tar.gz"

ansible-galaxy collection build "$STAGE" --output-path "$work/dist"
[[ -f $artifact ]] || ci_die "build did not produce $artifact"

tar -tzf "$artifact" | sed 's#^\./##' | sort >"$work/members"

# Members that must never ship: tests, CI, developer tooling, local state.
forbidden=$(grep -E '^(tests|\.ansible|\.ci|bench|build|\.venv[^/]*|\.hypothesis|\.pytest_cache)(/|$)|^(Makefile|\.gitignore|galaxy\.yml)$|^changelogs/\.plugin-cache\.yaml$|\.pyc$|(^|/)__pycache__(/|$)' "$work/members" || true)
if [[ -n $forbidden ]]; then
    printf '%s\n' "$forbidden" >&2
    ci_die "the artifact contains files that must not ship (listed above)"
fi

readme=$(sed -n 's/^readme: *//p' "$STAGE/galaxy.yml" | tr -d "\"'")
for required in MANIFEST.json FILES.json LICENSE meta/runtime.yml "${readme:-README.md}"; do
    grep -qx "$required" "$work/members" || ci_die "the artifact lacks $required"
done

ansible-galaxy collection install --offline "$artifact" -p "$work/collections"
installed="$work/collections/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME"
[[ -f $installed/MANIFEST.json ]] || ci_die "install did not create $installed/MANIFEST.json"

# Every module in the artifact must have documentation ansible-doc can load.
modules=0
export ANSIBLE_COLLECTIONS_PATH="$work/collections"
while IFS= read -r module; do
    name=$(basename "$module" .py)
    [[ $name == __init__ ]] && continue
    ansible-doc -t module "$COLLECTION_NAMESPACE.$COLLECTION_NAME.$name" >/dev/null \
        || ci_die "ansible-doc cannot load $COLLECTION_NAMESPACE.$COLLECTION_NAME.$name from the installed artifact"
    modules=$((modules + 1))
done < <(grep -E '^plugins/modules/[^/]+\.py$' "$work/members")

summary="$(basename "$artifact"): $(wc -l <"$work/members") members, no test/CI files, installs, $modules module doc(s) load"
ci_log "$summary"
ci_note "$summary"
