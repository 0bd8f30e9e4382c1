#!/usr/bin/env bash
# Hostile values on the real lab: a seeded sample of hostile-looking values that the writer
# accepts (';', '\;', backslashes, '#', ':', '=', '${...}', '$(...)', quotes, '%s', blanks,
# Unicode blanks and letters, directive look-alikes, lines of exactly 1022 bytes) is spooled
# by the module in one batch; the dialplan echoes every variable, caller id name and
# number, and pbx_spool logs every application's data: all must arrive byte for byte,
# each call once, with no parse complaint. The long property-based run is
# tests/fuzz/fuzz_callfile.py (see the README's Reliability section).
#
# CI runs about 80 values. By hand: PYCALL_LONG=1 (a few hundred), PYCALL_FUZZ_SEED=N (other values).
set -euo pipefail

# shellcheck source=tests/integration/targets/setup_lab/lab.sh
. "$(dirname "$0")/../setup_lab/lab.sh"

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)


lab_require_up 1
lab_reset ast1
inv=$(lab_inventory root)
seed=${PYCALL_FUZZ_SEED:-20260}
if [ "${PYCALL_LONG:-0}" = 1 ]; then
    counts=(--variables 400 --callerids 100 --data 100)
else
    counts=(--variables 50 --callerids 12 --data 12)
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 "$here/files/hostile_sample.py" --collection "$(lab_collection_root "$here")" --prefix "fuzz-$$" --seed "$seed" \
    "${counts[@]}" >"$work/sample.json"
echo "sample: seed $seed, $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["sample_calls"]), "calls")' "$work/sample.json")"

ansible-playbook -i "$inv" fuzz.yml -e "@$work/sample.json" "$@"

python3 "$here/files/check_sample.py" "$work/sample.json" "$LAB_BIN" ast1 120 || { lab_dump ast1; lab_fail "hostile values did not arrive intact (seed $seed)"; }
echo "asterisk_callfile_fuzz: all checks passed"
