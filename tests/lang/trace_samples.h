/* SPDX-License-Identifier: MIT */
/*
 * Hand-written traces shared by test_trace_parse and test_trace_codec.
 * Together they use every op in ops.def, every argument kind, metadata,
 * `ctor`, lists (empty, NULL, bulk and object entries), rebinding,
 * anonymous bindings, constants and arithmetic.  Every handle reference is
 * statically live, so all of them are encodable.
 */
#ifndef KAS_TEST_TRACE_SAMPLES_H
#define KAS_TEST_TRACE_SAMPLES_H

static const char *const kas_test_samples[] = {
	/* 0: kmalloc family */
	"# kallocspec trace v1\n"
	"# exercises: ALIGN-1 ZERO-1\n"
	"# port: libc-naive\n"
	"profile linux-6.12\n"
	"\n"
	"a = kmalloc 64 GFP_KERNEL|__GFP_ZERO\n"
	"b = kzalloc 0 GFP_NOWAIT\n"
	"c = kmalloc_array 16 PAGE_SIZE GFP_KERNEL\n"
	"d = kcalloc 2*PAGE_SIZE 8 GFP_ATOMIC&~__GFP_HIGH   # a comment\n"
	"a = krealloc a 200 GFP_KERNEL\n"
	"e = krealloc_array NULL 4 KMALLOC_MAX_SIZE+1 (GFP_KERNEL|__GFP_NOWARN)&~__GFP_FS\n"
	"ksize a\n"
	"kmalloc_size_roundup KMALLOC_MAX_CACHE_SIZE-1\n"
	"kfree a\n"
	"kvfree b\n"
	"kfree_sensitive c\n"
	"kfree ZERO_SIZE_PTR\n"
	"kfree NULL\n"
	"\tkfree d\n"
	"kfree e\n"
	"kmalloc 8 GFP_KERNEL      # anonymous and leaked\n",

	/* 1: vmalloc and kvmalloc families */
	"profile latest\n"
	"v = vmalloc 100000\n"
	"w = vzalloc PAGE_SIZE+1\n"
	"x = __vmalloc 0x10000 GFP_KERNEL\n"
	"y = __vmalloc_node 4096 0 GFP_KERNEL\n"
	"y = vrealloc y 8192 GFP_KERNEL|__GFP_ZERO\n"
	"k = kvmalloc 100000 GFP_NOWAIT\n"
	"kz = kvzalloc SIZE_MAX GFP_KERNEL\n"
	"ka = kvmalloc_array INT_MAX+1 2 GFP_KERNEL\n"
	"kc = kvcalloc 3 0x100000000 GFP_KERNEL_ACCOUNT\n"
	"k = kvrealloc k 200000 GFP_KERNEL\n"
	"vfree v\n"
	"vfree w\n"
	"vfree x\n"
	"kvfree y\n"
	"kvfree k\n"
	"kvfree kz\n"
	"kvfree ka\n"
	"kvfree kc\n",

	/* 2: caches and bulk */
	"# kallocspec trace v1\n"
	"# exercises: CACHE-3\n"
	"profile linux-6.6\n"
	"c = kmem_cache_create foo 48 8 SLAB_HWCACHE_ALIGN ctor\n"
	"u = kmem_cache_create_usercopy bar-cache 256 64 SLAB_ACCOUNT|SLAB_RED_ZONE 16 32\n"
	"o = kmem_cache_alloc c GFP_KERNEL\n"
	"z = kmem_cache_zalloc u GFP_KERNEL|__GFP_ZERO\n"
	"g = kmem_cache_alloc_bulk c GFP_KERNEL 16\n"
	"g2 = kmem_cache_alloc_bulk u GFP_ATOMIC 0\n"
	"m = kmalloc 32 GFP_KERNEL\n"
	"kmem_cache_free_bulk c g\n"
	"kfree_bulk m NULL g2 ZERO_SIZE_PTR\n"
	"kmem_cache_free c o\n"
	"kmem_cache_free u z\n"
	"kmem_cache_destroy c\n"
	"kmem_cache_destroy u\n"
	"kmem_cache_destroy NULL\n"
	"d = kmem_cache_create nomerge 64 0 SLAB_NO_MERGE|SLAB_POISON\n"
	"kmem_cache_free_bulk d\n"
	"kfree_bulk\n"
	"kmem_cache_create anon 8 8 0 ctor\n",

	/* 3: pages and the overflow helpers */
	"profile linux-5.15\n"
	"p = alloc_pages GFP_KERNEL|__GFP_COMP 3\n"
	"q = __get_free_pages GFP_ATOMIC 0\n"
	"r = get_zeroed_page GFP_KERNEL\n"
	"__free_pages p 3\n"
	"free_pages q 0\n"
	"free_pages r 0\n"
	"size_mul SIZE_MAX 2\n"
	"size_add 1 2\n"
	"size_sub 0 1\n"
	"array_size 0x8000000000000000 2\n"
	"array3_size 1 2 3\n"
	"struct_size 16 8 INT_MAX\n"
	"s = alloc_pages __GFP_ATOMIC|__GFP_HIGH|0x1000000 10\n"
	"__free_pages s 10\n"
	"x = alloc_pages_exact 3*PAGE_SIZE+1 GFP_KERNEL|__GFP_COMP\n"
	"free_pages_exact x 3*PAGE_SIZE+1\n",

	/* 4: rebinding; an op outside the profile's kernel version */
	"# note: rebinding keeps the older slot alive\n"
	"profile linux-6.1\n"
	"a = kmalloc 1 GFP_KERNEL\n"
	"a = kmalloc 2 GFP_KERNEL   # the first a is leaked\n"
	"b = krealloc a 3 GFP_KERNEL\n"
	"a = kmalloc 4 GFP_NOWAIT|__GFP_NOFAIL\n"
	"kfree a\n"
	"kfree b\n"
	"v = vrealloc NULL 10 GFP_KERNEL\n"
	"kvfree v\n"
	"# key: not metadata after the first op\n",

	/* 5: the world: pressure, context, scopes, RCU, usercopy */
	"# exercises: SCOPE-1 RCU-1\n"
	"profile linux-6.12\n"
	"oom_victims 2\n"
	"memcg_limit 64\n"
	"ballast pinned 16\n"
	"ballast clean 8\n"
	"ballast fs_dirty 4\n"
	"ballast io_dirty PAGE_SIZE-4092\n"
	"ballast anon 32\n"
	"exhaust\n"
	"f = memalloc_nofs_save\n"
	"g = memalloc_noio_save\n"
	"current_gfp_context GFP_KERNEL\n"
	"memalloc_noio_restore g\n"
	"h = memalloc_noreclaim_save\n"
	"a = kmalloc 100 GFP_KERNEL\n"
	"memalloc_noreclaim_restore h\n"
	"memalloc_nofs_restore f\n"
	"preempt_disable\n"
	"spin_lock\n"
	"b = kmalloc 64 GFP_ATOMIC\n"
	"spin_unlock\n"
	"preempt_enable\n"
	"irq_enter\n"
	"c = kvmalloc 10000 GFP_ATOMIC\n"
	"irq_exit\n"
	"copy_to_user a 8 92\n"
	"kfree_rcu a\n"
	"kvfree_rcu c\n"
	"synchronize_rcu\n"
	"kfree_rcu NULL\n"
	"rcu_barrier\n"
	"memalloc_nofs_save\n"
	"kfree b\n",

	/* 6: calling contexts and the pin scope (ops_context.def) */
	"# exercises: SCOPE-4 CONTEXT-4\n"
	"profile linux-6.12\n"
	"f = memalloc_pin_save\n"
	"a = alloc_pages GFP_HIGHUSER_MOVABLE 0\n"
	"memalloc_pin_restore f\n"
	"v = vmalloc 8192\n"
	"local_irq_disable\n"
	"b = kmalloc 64 GFP_ATOMIC\n"
	"local_irq_enable\n"
	"nmi_enter\n"
	"vfree v\n"
	"nmi_exit\n"
	/* the two-argument kfree_rcu (ops_rcu.def) */
	"kvfree_rcu_arg_2 b 16\n"
	/* other tasks at the same time (ops_threads.def) */
	"concurrent_kmalloc 2 100 64\n",
};

#define KAS_TEST_NSAMPLES (sizeof(kas_test_samples) / sizeof(kas_test_samples[0]))

#endif
