/* SPDX-License-Identifier: MIT */
/*
 * Forced in front of the shim's own sources and lts_glue.c (-include):
 * gives every global symbol of tools/lib/slab.c and tools/testing/shared/
 * linux.c a kas_lts_shim_ prefix, so the shim can be linked into the same
 * program as other ports (and a libc) without clashing on `kmalloc`,
 * `kfree` or `nr_allocated`.  Renaming is all it does.
 */
#define kmalloc kas_lts_shim_kmalloc
#define kfree kas_lts_shim_kfree
#define kmalloc_nr_allocated kas_lts_shim_kmalloc_nr_allocated
#define kmalloc_verbose kas_lts_shim_kmalloc_verbose
#define nr_allocated kas_lts_shim_nr_allocated
#define preempt_count kas_lts_shim_preempt_count
#define test_verbose kas_lts_shim_test_verbose
#define kmem_cache_create kas_lts_shim_kmem_cache_create
#define kmem_cache_alloc_lru kas_lts_shim_kmem_cache_alloc_lru
#define kmem_cache_free kas_lts_shim_kmem_cache_free
#define kmem_cache_free_locked kas_lts_shim_kmem_cache_free_locked
#define __kmem_cache_free_locked kas_lts_shim___kmem_cache_free_locked
#define kmem_cache_alloc_bulk kas_lts_shim_kmem_cache_alloc_bulk
#define kmem_cache_free_bulk kas_lts_shim_kmem_cache_free_bulk
#define kmem_cache_shrink kas_lts_shim_kmem_cache_shrink
#define kmem_cache_set_callback kas_lts_shim_kmem_cache_set_callback
#define kmem_cache_set_private kas_lts_shim_kmem_cache_set_private
#define kmem_cache_set_non_kernel kas_lts_shim_kmem_cache_set_non_kernel
#define kmem_cache_get_alloc kas_lts_shim_kmem_cache_get_alloc
#define kmem_cache_nr_allocated kas_lts_shim_kmem_cache_nr_allocated
#define kmem_cache_nr_tallocated kas_lts_shim_kmem_cache_nr_tallocated
#define kmem_cache_zero_nr_tallocated kas_lts_shim_kmem_cache_zero_nr_tallocated
#define test_kmem_cache_bulk kas_lts_shim_test_kmem_cache_bulk
#define slab_is_available kas_lts_shim_slab_is_available
