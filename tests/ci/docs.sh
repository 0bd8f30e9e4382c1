#!/usr/bin/env bash
# Documentation checks and the docs site, from the pinned venv of tests/ci/requirements-tools-docs.txt:
#   - antsibull-docs lint-collection-docs --plugin-docs (modules, role argument specs, extra docs);
#   - antsibull-changelog lint (fragments) and lint-changelog-yaml; CHANGELOG.rst is exactly what
#     `antsibull-changelog generate` makes of changelogs/changelog.yaml; a release of galaxy.yml's
#     version (made in a scratch copy) lists every module and role whose version_added is that
#     version as new, and every role's argument spec has a version_added;
#   - the Sphinx site (antsibull-docs sphinx-init + collection, sphinx-build -W -n), built with no
#     network at all (its own network namespace; intersphinx reads the stand-in inventories in
#     tests/ci/intersphinx/), into build/docs/html/.
# Usage: tests/ci/docs.sh
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

ensure_tool docs
# stage_tree stages per CONTROLLER_NAME: this step gets a stage of its own.
# shellcheck disable=SC2034
CONTROLLER_NAME=docs
stage_tree
tool_env

work=$(mktemp -d "${TMPDIR:-/tmp}/pycall-docs.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=()

# ansible-doc (which antsibull runs) must see this checkout's collection and no other one.
export ANSIBLE_HOME="$work/ansible-home" ANSIBLE_COLLECTIONS_PATH="$STAGE_ROOT" ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false

# offline CMD...: run CMD without network when this machine can make a network namespace.
if unshare --net true 2>/dev/null; then
    offline() { unshare --net -- "$@"; }
    offline_how="in a network namespace without network"
else
    offline() { "$@"; }
    offline_how="(no network namespace here: not proven offline)"
fi

# check NAME LOG CMD...: run CMD in the stage, log to LOG (and the terminal), record a failure.
check() {
    local name=$1 log=$2
    shift 2
    if (cd "$STAGE" && "$@" </dev/null) >"$log" 2>&1; then
        cat "$log"
        return 0
    fi
    cat "$log"
    failures+=("$name failed (log $log)")
    return 1
}

# --- antsibull-docs lint -------------------------------------------------------------------
log=$(ci_log_file docs-lint-collection-docs)
if check "antsibull-docs lint-collection-docs" "$log" \
    antsibull-docs lint-collection-docs --plugin-docs --check-extra-docs-refs --validate-collection-refs=all --disallow-unknown-collection-refs .; then
    ci_note "antsibull-docs $(antsibull-docs --version | awk '{print $NF}') lint-collection-docs --plugin-docs: clean"
fi

# --- antsibull-changelog -------------------------------------------------------------------
log=$(ci_log_file docs-changelog)
version=$(sed -n 's/^version: *//p' "$STAGE/galaxy.yml" | tr -d "\"'")
changelog_check() {
    antsibull-changelog lint || return 1
    antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml || return 1

    # A fragment already folded into a release would be folded in again (twice in the notes) by
    # the next `antsibull-changelog release`: edit the release in changelog.yaml instead.
    python - <<'PY' || return 1
import os, sys, yaml
releases = (yaml.safe_load(open('changelogs/changelog.yaml')) or {}).get('releases') or {}
done = {name: version for version, release in releases.items() for name in release.get('fragments', [])}
present = os.listdir('changelogs/fragments') if os.path.isdir('changelogs/fragments') else []
again = sorted(name for name in present if name in done)
if again:
    sys.exit('already released, remove from changelogs/fragments (or rename, if it is a new change): '
             + ', '.join('%s (in %s)' % (name, done[name]) for name in again))
PY

    # The committed CHANGELOG.rst is generated from changelog.yaml, not edited by hand.
    rm -rf "$work/generate" && mkdir -p "$work/generate" || return 1
    cp -a "$STAGE" "$work/generate/asterisk" || return 1
    (cd "$work/generate/asterisk" && antsibull-changelog generate) || return 1
    if ! diff -u "$STAGE/CHANGELOG.rst" "$work/generate/asterisk/CHANGELOG.rst"; then
        echo "CHANGELOG.rst differs from what antsibull-changelog generates from changelogs/changelog.yaml (diff above): run antsibull-changelog generate" >&2
        return 1
    fi

    # What the release of $version would say (a scratch copy; re-releasing an existing version
    # folds in the fragments added since). New modules and roles are found by their version_added.
    release="$work/release/ansible_collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME"
    rm -rf "$work/release" && mkdir -p "$(dirname "$release")" || return 1
    cp -a "$STAGE" "$release" || return 1
    # (Its warnings about re-releasing an existing version and its summary are expected.)
    (cd "$release" && rm -f changelogs/.plugin-cache.yaml \
        && ANSIBLE_COLLECTIONS_PATH="$work/release" antsibull-changelog release --version "$version" --date 2000-01-01) \
        >"$work/release.log" 2>&1 || { cat "$work/release.log"; return 1; }
    grep -vE 'WARNING (release .* already exists|Found no release_summary section)' "$work/release.log" || true
    python - "$release" "$version" <<'PY'
import glob, os, re, sys, yaml
root, version = sys.argv[1], sys.argv[2]
text = open(os.path.join(root, 'CHANGELOG.rst')).read()
# The release's section: from its title to the next release's title.
section = re.split(r'^v%s\n=+\n' % re.escape(version), text, flags=re.M)[-1]
section = re.split(r'^v[0-9][^\n]*\n=+\n', section, flags=re.M)[0]
def listed(title):
    match = re.search(r'^%s\n-+\n\n((?:- .*\n)+)' % re.escape(title), section, flags=re.M)
    return set(re.findall(r'^- (\S+) - ', match.group(1), flags=re.M)) if match else set()
problems, expected_modules, expected_roles = [], set(), set()
for path in sorted(glob.glob(os.path.join(root, 'plugins', 'modules', '*.py'))):
    name = os.path.basename(path)[:-3]
    source = open(path).read()
    doc = yaml.safe_load(source.split("DOCUMENTATION = r'''", 1)[1].split("'''", 1)[0]) if "DOCUMENTATION = r'''" in source else None
    if doc and str(doc.get('version_added')) == version:
        expected_modules.add('pycall.asterisk.' + name)
for spec in sorted(glob.glob(os.path.join(root, 'roles', '*', 'meta', 'argument_specs.yml'))):
    role = spec.split(os.sep)[-3]
    main = (yaml.safe_load(open(spec)) or {}).get('argument_specs', {}).get('main', {})
    if 'version_added' not in main:
        problems.append('roles/%s/meta/argument_specs.yml: the main entry point has no version_added '
                        '(antsibull-changelog would never list the role as new)' % role)
    elif str(main['version_added']) == version:
        expected_roles.add('pycall.asterisk.' + role)
for title, expected in (('New Modules', expected_modules), ('New Roles', expected_roles)):
    missing = expected - listed(title)
    if missing:
        problems.append('the %s release notes lack under %r: %s' % (version, title, ', '.join(sorted(missing))))
if problems:
    sys.exit('\n'.join(problems))
print('release %s would list as new: modules %s; roles %s' % (
    version, ', '.join(sorted(expected_modules)) or 'none', ', '.join(sorted(expected_roles)) or 'none'))
PY
}
if check "antsibull-changelog" "$log" changelog_check; then
    ci_note "antsibull-changelog $(antsibull-changelog --version | awk '{print $NF}'): lint clean, CHANGELOG.rst generated, $(grep '^release ' "$log" | tail -n 1)"
fi

# --- the docs site -------------------------------------------------------------------------
log=$(ci_log_file docs-site)
site="$work/site"
html="$REPO_ROOT/build/docs/html"
site_build() {
    # antsibull-docs wants its directories private to their owner.
    mkdir -p "$site" && chmod 0755 "$site" || return 1
    antsibull-docs sphinx-init --use-current --dest-dir "$site" --fail-on-error \
        --no-add-antsibull-docs-version --project "$COLLECTION_NAMESPACE.$COLLECTION_NAME" \
        --copyright "pycall.asterisk contributors" --title "$COLLECTION_NAMESPACE.$COLLECTION_NAME" \
        "$COLLECTION_NAMESPACE.$COLLECTION_NAME" || return 1

    # Intersphinx from local stand-ins only: no inventory is fetched.
    python - "$CI_DIR/intersphinx" "$site" <<'PY' || return 1
import glob, os, sys, zlib
source, site = sys.argv[1], sys.argv[2]
mapping = {}
for listing in sorted(glob.glob(os.path.join(source, '*.txt'))):
    name = os.path.basename(listing)[:-4]
    entries = []
    for line in open(listing):
        if line.strip() and not line.startswith('#'):
            label, kind, uri, title = line.split(None, 3)
            entries.append('%s %s -1 %s %s\n' % (label, kind, uri, title.strip()))
    inventory = os.path.join(site, name + '.inv')
    with open(inventory, 'wb') as handle:
        handle.write(b'# Sphinx inventory version 2\n# Project: %s (local stand-in)\n# Version: devel\n'
                     b'# The remainder of this file is compressed using zlib.\n' % name.encode())
        handle.write(zlib.compress(''.join(entries).encode()))
    mapping[name] = ('https://docs.ansible.com/projects/ansible/devel/', inventory)
with open(os.path.join(site, 'conf.py'), 'a') as conf:
    conf.write('\n# tests/ci/docs.sh: local stand-in inventories only, nothing is fetched.\n')
    conf.write('intersphinx_mapping = %r\n' % (mapping,))
PY

    mkdir -p "$site/rst" && chmod 0755 "$site/rst" || return 1
    offline antsibull-docs --config-file "$site/antsibull-docs.cfg" collection --cleanup everything \
        --fail-on-error --use-current --dest-dir "$site/rst" "$COLLECTION_NAMESPACE.$COLLECTION_NAME" || return 1
    rm -rf "$html"
    offline sphinx-build -b html -c "$site" -W -n --keep-going -q "$site/rst" "$html" || return 1

    # The pages the site must have: both modules, every role, every extra doc.
    local expected page missing=0 base="$html/collections/$COLLECTION_NAMESPACE/$COLLECTION_NAME"
    expected=$(cd "$STAGE" && {
        for f in plugins/modules/*.py; do basename "$f" .py | sed 's/$/_module/'; done
        for d in roles/*/; do basename "$d" | sed 's/$/_role/'; done
        sed -n 's/^ *- \([a-z0-9_]*\)$/docsite\/\1/p' docs/docsite/extra-docs.yml
    } | grep -v '^__init___module$')
    for page in $expected index; do
        if [[ ! -s $base/$page.html ]]; then
            echo "the site has no page $base/$page.html" >&2
            missing=1
        fi
    done
    [[ $missing -eq 0 ]] || return 1
    echo "site: $(find "$html" -name '*.html' | wc -l) pages in $html ($offline_how)"
}
if check "docs site" "$log" site_build; then
    ci_note "docs site: $(grep '^site: ' "$log" | sed 's/^site: //'), zero Sphinx warnings"
fi

if [[ ${#failures[@]} -gt 0 ]]; then
    for failure in "${failures[@]}"; do
        ci_log "FAIL $failure"
        ci_note "FAIL $failure"
    done
    exit 1
fi
ci_log "docs: lint clean, changelog consistent, site built in $html"
