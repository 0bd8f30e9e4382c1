#!/usr/bin/env bash
# `make demo`: bring the lab up and run examples/seed_call.yml against it with this checkout
# as the pycall.asterisk collection. The lab stays up; `tests/lab/lab down` ends it.
# The inventory is $LAB_INVENTORY, else whatever `tests/lab/lab inventory` prints.
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

LAB="$REPO_ROOT/tests/lab/lab"
PLAYBOOK="$REPO_ROOT/examples/seed_call.yml"

[[ -x $LAB ]] || ci_die "tests/lab/lab does not exist (or is not executable) yet"
[[ -f $PLAYBOOK ]] || ci_die "examples/seed_call.yml does not exist yet"

ensure_controller a
stage_tree

(cd "$REPO_ROOT" && "$LAB" up </dev/null)

inventory=${LAB_INVENTORY:-}
if [[ -z $inventory ]]; then
    inventory=$(cd "$REPO_ROOT" && "$LAB" inventory </dev/null 2>/dev/null) || true
fi
[[ -n $inventory && -e $inventory ]] \
    || ci_die "cannot find the lab inventory: set LAB_INVENTORY=path (tests/lab/lab inventory printed '${inventory}')"

controller_env
export ANSIBLE_COLLECTIONS_PATH="$STAGE_ROOT"
ci_log "ansible-playbook -i $inventory examples/seed_call.yml (collection from $STAGE)"
cd "$REPO_ROOT" || exit 1
ansible-playbook -i "$inventory" "$PLAYBOOK"
ci_log "the lab is still up: tests/lab/lab status / tests/lab/lab down"
