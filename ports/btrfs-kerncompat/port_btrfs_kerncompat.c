/* SPDX-License-Identifier: MIT */
/*
 * The kallocspec side of the btrfs-kerncompat adapter: btrfs-progs'
 * kernel-compatibility header (/usr/include/btrfs/kerncompat.h from Debian's
 * libbtrfs-dev), which lets kernel-style btrfs code build in userspace.
 *
 * What the header has, and so what is wired: kmalloc, kzalloc, kfree,
 * vmalloc, vfree, kvzalloc and kvfree (all macros over malloc/calloc/free).
 * It has no kmem_cache_* (the research notes expected them; the 6.2 header
 * does not define them), no kmalloc_array/kcalloc/krealloc/ksize, no
 * vzalloc/__vmalloc, no kvmalloc (only kvzalloc, so the kvmalloc group is
 * not usable and its rules are UNSUPPORTED while kvzalloc ops still run),
 * and no pages: those stay NULL.
 *
 * GFP: kerncompat.h names GFP_KERNEL and GFP_NOFS, both 0, and no __GFP_*
 * bit.  A canonical value with __GFP_FS is passed as its GFP_KERNEL, any
 * other as its GFP_NOFS; every other bit has no counterpart and is dropped
 * (the macros ignore the argument anyway).
 */
#include <kallocspec/port.h>

#include "btrfs_glue.h"

#ifndef KAS_BTRFS_PACKAGE
#define KAS_BTRFS_PACKAGE "libbtrfs-dev"
#endif

static int to_btrfs_gfp(kas_gfp_t gfp)
{
	return (gfp & __GFP_FS) ? kas_btrfs_gfp_kernel : kas_btrfs_gfp_nofs;
}

static int btrfs_init(const struct kas_port_env *env)
{
	(void)env;
	return 0;
}

static void btrfs_fini(void)
{
}

static void *btrfs_kmalloc(size_t size, kas_gfp_t gfp)
{
	return kas_btrfs_kmalloc(size, to_btrfs_gfp(gfp));
}

static void *btrfs_kzalloc(size_t size, kas_gfp_t gfp)
{
	return kas_btrfs_kzalloc(size, to_btrfs_gfp(gfp));
}

static void btrfs_kfree(const void *p)
{
	kas_btrfs_kfree((void *)p);
}

static void *btrfs_vmalloc(size_t size)
{
	return kas_btrfs_vmalloc(size);
}

static void btrfs_vfree(const void *p)
{
	kas_btrfs_vfree((void *)p);
}

static void *btrfs_kvzalloc(size_t size, kas_gfp_t gfp)
{
	return kas_btrfs_kvzalloc(size, to_btrfs_gfp(gfp));
}

static void btrfs_kvfree(const void *p)
{
	kas_btrfs_kvfree((void *)p);
}

const struct kas_port kas_port_btrfs_kerncompat = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "btrfs-kerncompat",
	.description = "btrfs-progs kerncompat.h allocation macros, from Debian " KAS_BTRFS_PACKAGE,
	.caps = KAS_CAP_KMALLOC | KAS_CAP_VMALLOC,
	.init = btrfs_init,
	.fini = btrfs_fini,
	.kmalloc = btrfs_kmalloc,
	.kzalloc = btrfs_kzalloc,
	.kfree = btrfs_kfree,
	.vmalloc = btrfs_vmalloc,
	.vfree = btrfs_vfree,
	.kvzalloc = btrfs_kvzalloc,
	.kvfree = btrfs_kvfree,
};
