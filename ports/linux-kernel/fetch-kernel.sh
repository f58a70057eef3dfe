#!/bin/sh
# Fetch the Debian kernel image at exactly the installed headers' version and
# extract its ELF vmlinux once (QEMU boots an ELF through its PVH note, which
# skips the ~6 s xz decompression a bzImage costs under TCG).
# Usage: fetch-kernel.sh CACHE_DIR   -> prints the path of the vmlinux
set -eu
cache=${1:?usage: fetch-kernel.sh CACHE_DIR}
kver=${KAS_KVER:-$(ls /lib/modules | sort -V | tail -1)}
mkdir -p "$cache"
pkgver=$(dpkg-query -W -f='${Version}' "linux-headers-$kver")
out="$cache/vmlinux-$kver-$pkgver"
if [ ! -s "$out" ]; then
	work=$(mktemp -d "$cache/fetch.XXXXXX")
	(cd "$work" && apt-get download "linux-image-$kver=$pkgver" >/dev/null 2>&1 ||
	 apt-get download "linux-image-$kver-unsigned=$pkgver" >/dev/null)
	dpkg-deb -x "$work"/linux-image-*.deb "$work/x"
	python3 - "$work/x/boot/vmlinuz-$kver" "$out.tmp" <<'PY'
import lzma, sys
data = open(sys.argv[1], 'rb').read()
magic = b'\xfd7zXZ\x00'
pos = data.find(magic)
while pos >= 0:
    try:
        d = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        out = d.decompress(data[pos:])
        if out[:4] == b'\x7fELF':
            open(sys.argv[2], 'wb').write(out)
            sys.exit(0)
    except lzma.LZMAError:
        pass
    pos = data.find(magic, pos + 1)
sys.exit("no xz ELF payload found in " + sys.argv[1])
PY
	mv "$out.tmp" "$out"
	rm -rf "$work"
fi
echo "$out"
