/* SPDX-License-Identifier: MIT */
/*
 * The port side of the btrfs-kerncompat adapter: every function is the
 * expansion of the kerncompat.h macro of the same name, exactly as btrfs-progs
 * code calling kmalloc(x, GFP_NOFS) gets it.
 */
#include <btrfs/kerncompat.h>

#include "btrfs_glue.h"

const int kas_btrfs_gfp_kernel = GFP_KERNEL;
const int kas_btrfs_gfp_nofs = GFP_NOFS;

/* The macros ignore their gfp argument; it is still passed the way a
 * caller passes it, so a future kerncompat.h that reads it is exercised. */
void *kas_btrfs_kmalloc(size_t size, int gfp)
{
	(void)gfp;
	return kmalloc(size, gfp);
}

void *kas_btrfs_kzalloc(size_t size, int gfp)
{
	(void)gfp;
	return kzalloc(size, gfp);
}

void kas_btrfs_kfree(void *p)
{
	kfree(p);
}

void *kas_btrfs_vmalloc(size_t size)
{
	return vmalloc(size);
}

void kas_btrfs_vfree(void *p)
{
	vfree(p);
}

void *kas_btrfs_kvzalloc(size_t size, int gfp)
{
	(void)gfp;
	return kvzalloc(size, gfp);
}

void kas_btrfs_kvfree(void *p)
{
	kvfree(p);
}
