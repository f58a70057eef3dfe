#!/usr/bin/env bash
# The reference port's physical layout, seen through the PHYS-1 witness:
# kmalloc and alloc_pages results are contiguous frames, vmalloc results
# (vmalloc, vzalloc, kvmalloc's fallback) are scattered order-0 frames.
# Usage: phys_layout_check.sh KALLOCSPEC WITNESS
set -euo pipefail
out=$("$1" replay --port ref -v "$2")
echo "$out"
fail=0
expect() {  # expect OP-INDEX LAYOUT
  if ! grep -Eq "^ +$1 .*\[.*frames:$2" <<<"$out"; then
    echo "phys_layout_check: op $1 is not tagged frames:$2" >&2
    fail=1
  fi
}
for i in 0 1 2 3 7; do expect "$i" contiguous; done
for i in 4 5 6; do expect "$i" scattered; done
grep -q "no rule failed" <<<"$out" || { echo "phys_layout_check: a rule failed" >&2; fail=1; }
exit $fail
