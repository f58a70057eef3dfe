#!/bin/sh
# Build the oracle's initramfs: busybox, /init, the module, the wire files.
# Usage: make-initramfs.sh MODULE.ko WIRE_DIR OUT.cpio
set -eu
ko=$1 wires=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/bin" "$root/proc" "$root/sys" "$root/dev" "$root/traces"
cp /bin/busybox "$root/bin/busybox"
cp "$here/init.sh" "$root/init"
cp "$ko" "$root/kas_oracle.ko"
cp "$wires"/*.wire "$root/traces/" 2>/dev/null || true
(cd "$root" && find . | cpio -o -H newc --quiet) > "$out"
