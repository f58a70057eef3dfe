#!/bin/busybox sh
# /init of the kallocspec kernel-oracle initramfs (PID 1, busybox).
# Runs every /traces/*.wire through the kas_oracle module; results and the
# kernel log go to the second serial port (ttyS1), which the host reads.
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug
out=/dev/ttyS1
{
	echo "=== uname $(uname -r)"
	echo "=== cmdline $(cat /proc/cmdline)"
	if insmod /kas_oracle.ko; then
		for f in /traces/*.wire; do
			[ -e "$f" ] || continue
			# WARN_ON_ONCE sites warn once per boot; re-arm them so every
			# trace sees the warnings its own ops provoke (kernel/panic.c)
			[ -w /sys/kernel/debug/clear_warn_once ] &&
				echo 1 > /sys/kernel/debug/clear_warn_once
			# an oops in an op kills only this cat; the next batch still runs
			cat "$f" > /sys/kernel/debug/kas_oracle
			cat /sys/kernel/debug/kas_oracle
		done
	else
		echo "=== insmod failed"
	fi
	echo "=== dmesg"
	dmesg
	echo "=== end"
} > $out 2>&1
sync
poweroff -f
