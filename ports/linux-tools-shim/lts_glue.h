/* SPDX-License-Identifier: MIT */
/*
 * The seam between the two halves of the linux-tools-shim adapter.  The
 * shim's headers and kallocspec's both define __GFP_* macros, so no file
 * can include both: lts_glue.c sees only the shim, port_linux_tools_shim.c
 * only kallocspec, and they meet here in plain C types.
 */
#ifndef KAS_LTS_GLUE_H
#define KAS_LTS_GLUE_H

#include <stddef.h>

enum { KAS_LTS_GFP_NBITS = 24 };

/* The shim's value for canonical GFP bit i (gfp_bits.def order); 0 when
 * the shim has no such flag. */
extern const unsigned int kas_lts_gfp_value[KAS_LTS_GFP_NBITS];
/* The shim's SLAB_* values for the flags it defines. */
extern const unsigned long kas_lts_slab_panic, kas_lts_slab_reclaim_account;

void *kas_lts_kmalloc(size_t size, unsigned int gfp);
void *kas_lts_kzalloc(size_t size, unsigned int gfp);
void kas_lts_kfree(void *p);
void *kas_lts_cache_create(const char *name, unsigned int size, unsigned int align,
			   unsigned int flags, void (*ctor)(void *));
void *kas_lts_cache_alloc(void *cache, unsigned int gfp);
void kas_lts_cache_free(void *cache, void *obj);
int kas_lts_cache_alloc_bulk(void *cache, unsigned int gfp, size_t n, void **p);
void kas_lts_cache_free_bulk(void *cache, size_t n, void **p);

#endif
