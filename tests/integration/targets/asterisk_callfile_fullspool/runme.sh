#!/usr/bin/env bash
# Full, then read-only spool filesystem on the real lab: a tiny tmpfs (64 KiB, 32 inodes)
# mounted inside ast1 serves as spool_dir's filesystem. Out of inodes (before and after the
# lock file exists), out of blocks (also in the middle of a write), read-only (with and
# without the lock file), and a cancel on a read-only spool: each fails cleanly - the
# message names the cause and the path and says nothing was spooled, outgoing holds no
# partial file and staging no leftover. With space back, the same call spools whole, once.
# (Asterisk does not watch this spool; its own spool is tested elsewhere. Quotas: the
# lab's kernel has no quota support, the unit tests cover EDQUOT.)
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

lab_require_up 1
lab_reset ast1
inv=$(lab_inventory root)
full=/var/spool/pycall-full
mnt="$(lab_root ast1)$full"

release() {
    if mountpoint -q "$mnt"; then
        umount "$mnt" || umount -l "$mnt"
    fi
    if [ -d "$mnt" ]; then rmdir "$mnt"; fi
}
trap release EXIT
release # what an interrupted earlier run left

mkdir -p "$mnt"
mount -t tmpfs -o size=64k,nr_inodes=32,mode=0755 pycall-full "$mnt"
mkdir "$mnt/outgoing" "$mnt/outgoing_done" "$mnt/tmp"
lab exec ast1 chown asterisk:asterisk "$full/outgoing" "$full/outgoing_done" "$full/tmp"
chmod 0750 "$mnt/outgoing" "$mnt/outgoing_done" "$mnt/tmp"

ansible-playbook -i "$inv" full.yml -e "full=$full prefix=full-$$" "$@"

# Asterisk's own spool was never touched.
lab_expect_empty_spool ast1
echo "asterisk_callfile_fullspool: all checks passed"
