/* SPDX-License-Identifier: MIT */
/*
 * What kind of allocator warning a line of text is: the kernel's own words
 * (as the kernel log prints them, and as userspace shims of kernel code
 * copy them onto stderr).  Shared by the kernel oracle, which reads dmesg,
 * and by the harness, which reads what a port declaring
 * KAS_CAP_WARN_STDERR prints during a call.
 */
#include <kallocspec/port.h>

#include <string.h>

int kas_warn_kind_of(const char *msg)
{
	if (strstr(msg, "page allocation failure") || strstr(msg, "vmalloc error"))
		return KAS_WARN_ALLOC_FAILURE;
	if (strstr(msg, "Unexpected gfp"))
		return KAS_WARN_BAD_FLAGS;
	if (strstr(msg, "Objects remaining") || strstr(msg, "still has objects"))
		return KAS_WARN_DESTROY_LIVE;
	if (strstr(msg, "Trying to vfree") || strstr(msg, "Invalid free"))
		return KAS_WARN_BAD_FREE;
	if (strstr(msg, "double free") || strstr(msg, "Double free"))
		return KAS_WARN_DOUBLE_FREE;
	if (!strncmp(msg, "WARNING:", 8)) {
		if (strstr(msg, "__vmalloc_node_range"))
			return KAS_WARN_ZERO_SIZE;      /* 6.1: WARN_ON_ONCE(!size) */
		if (strstr(msg, "kvmalloc_node") || strstr(msg, " __alloc_pages+") ||
		    strstr(msg, "kmalloc_large"))
			return KAS_WARN_TOO_LARGE;
		if (strstr(msg, "__alloc_pages_slowpath"))
			return KAS_WARN_NOFAIL_MISUSE;
		return KAS_WARN_OTHER;
	}
	if (!strncmp(msg, "BUG ", 4) || !strncmp(msg, "BUG:", 4) ||
	    !strncmp(msg, "kernel BUG", 10))
		return KAS_WARN_OTHER;
	return -1;
}
