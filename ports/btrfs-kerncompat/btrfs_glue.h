/* SPDX-License-Identifier: MIT */
/*
 * The seam between the two halves of the btrfs-kerncompat adapter:
 * kerncompat.h defines kmalloc, kfree, GFP_KERNEL ... as macros, which
 * would rewrite struct kas_port's members, so btrfs_glue.c (kerncompat
 * only) and port_btrfs_kerncompat.c (kallocspec only) meet here.
 */
#ifndef KAS_BTRFS_GLUE_H
#define KAS_BTRFS_GLUE_H

#include <stddef.h>

/* kerncompat.h's GFP_KERNEL and GFP_NOFS (its only GFP names with values). */
extern const int kas_btrfs_gfp_kernel, kas_btrfs_gfp_nofs;

void *kas_btrfs_kmalloc(size_t size, int gfp);
void *kas_btrfs_kzalloc(size_t size, int gfp);
void kas_btrfs_kfree(void *p);
void *kas_btrfs_vmalloc(size_t size);
void kas_btrfs_vfree(void *p);
void *kas_btrfs_kvzalloc(size_t size, int gfp);
void kas_btrfs_kvfree(void *p);

#endif
