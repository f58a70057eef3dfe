/* SPDX-License-Identifier: MIT */
/* Reference allocator: init/fini is cheap and leak-free; overflow helpers. */
#include "test_impl_util.h"
#include "ref.h"
#include <dirent.h>
#include <time.h>
#include <unistd.h>

static int count_fds(void)
{
	int n = 0;
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

static long rss_pages(void)
{
	long size = 0, rss = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &rss) != 2)
		rss = -1;
	fclose(f);
	return rss;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void one_trace(void)
{
	start(KAS_KVER(6, 12), 0);
	void *a = P->kmalloc(100, GFP_KERNEL);
	void *b = P->kmalloc(20000, GFP_KERNEL);
	void *v = P->vmalloc(2 * PAGE);
	void *c = P->kmem_cache_create("t", 40, 0, 0, NULL);
	void *o = P->kmem_cache_alloc(c, GFP_KERNEL);
	CHECK(a && b && v && c && o);
	/* leave everything live: fini must drop it */
	struct ref_stats st;
	ref_get_stats(&st);
	CHECK(st.free_pages < st.total_pages);
	P->fini();
}

int main(void)
{
	one_trace();   /* the first init builds the machine */
	int fds = count_fds();
	long rss = rss_pages();
	double t0 = now();
	for (int i = 0; i < 10000; i++) {
		one_trace();
		if (failures)
			break;
	}
	double dt = now() - t0;
	/* the time is a figure for the log, not a pass condition (speed goals
	 * live in bench/); what must hold is that nothing leaks */
	printf("10000 init/trace/fini cycles: %.3f s\n", dt);
	CHECK(count_fds() == fds);
	CHECK(rss_pages() - rss < 2048);   /* < 8 MiB growth */
	start(KAS_KVER(6, 12), 0);
	struct ref_stats st;
	ref_get_stats(&st);
	CHECK(st.free_pages == st.total_pages && st.live_objects == 0 && st.vmalloc_pages == 0);
	/* a different pool size takes effect, and back */
	P->fini();
	start(KAS_KVER(6, 12), (size_t)8 << 20);
	ref_get_stats(&st);
	CHECK(st.total_pages == 2048 && st.free_pages == 2048);
	P->fini();
	start(KAS_KVER(6, 12), (size_t)128 << 20);
	ref_get_stats(&st);
	CHECK(st.total_pages == 32768);
	void *big = P->vmalloc((size_t)100 << 20);
	CHECK(big != NULL);
	P->fini();

	/* overflow helpers */
	CHECK(P->size_mul(SIZE_MAX / 2, 3) == SIZE_MAX && P->size_mul(6, 7) == 42);
	CHECK(P->size_add(SIZE_MAX, 1) == SIZE_MAX && P->size_add(2, 3) == 5);
	CHECK(P->size_sub(5, 3) == 2 && P->size_sub(3, 5) == SIZE_MAX);
	CHECK(P->size_sub(SIZE_MAX, 1) == SIZE_MAX && P->size_sub(10, SIZE_MAX) == SIZE_MAX);
	CHECK(P->array_size(SIZE_MAX, 2) == SIZE_MAX && P->array_size(4, 5) == 20);
	CHECK(P->array3_size(2, 3, 4) == 24 && P->array3_size(SIZE_MAX / 2, 2, 2) == SIZE_MAX);
	CHECK(P->struct_size(16, 8, 10) == 96 && P->struct_size(16, 8, SIZE_MAX / 4) == SIZE_MAX);
	CHECK(P->struct_size(SIZE_MAX - 8, 8, 2) == SIZE_MAX);
	return finish("test_impl_lifecycle");
}
