/* SPDX-License-Identifier: MIT */
/*
 * Content patterns: what is filled is what a later range check examines,
 * for objects below and above KAS_EXAMINE_WHOLE; the first and last bytes
 * and rule-named boundaries are always examined; a changed byte inside an
 * examined window is found at its offset; the sample follows the seed; and
 * the harness touches a bounded number of pages of an object of any size.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kallocspec/content.h"
#include "kas_test.h"


static const struct kas_content_plan sampled = { 7, false };
static const struct kas_content_plan full = { 7, true };

static void sizes_round_trip(void)
{
	const size_t sizes[] = { 1, 7, 8, 9, 4095, 4096, 4097, 5000, 100000, (size_t)1 << 20,
				 3 * ((size_t)64 << 10) + 12345 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		unsigned char *p = malloc(n);
		if (!p)
			exit(2);
		memset(p, 0xEE, n);
		kas_content_fill(&sampled, p, 42, n);
		CHECK(kas_content_verify(&sampled, p, 42, n, 0, n) == KAS_NOT_FOUND,
		      "size %zu: fresh fill fails", n);
		/* a realloc's preserved prefix is any [0, keep) of the old object */
		size_t keep = n / 2 + 1;
		CHECK(kas_content_verify(&sampled, p, 42, n, 0, keep) == KAS_NOT_FOUND,
		      "size %zu: prefix %zu fails", n, keep);
		CHECK(kas_content_verify(&sampled, p, 43, n, 0, n) != KAS_NOT_FOUND,
		      "size %zu: other id matches", n);
		/* the first and the last byte are always examined */
		p[0] ^= 0x5A;
		CHECK(kas_content_verify(&sampled, p, 42, n, 0, n) == 0,
		      "size %zu: flipped byte 0 not found", n);
		p[0] ^= 0x5A;
		p[n - 1] ^= 1;
		CHECK(kas_content_verify(&sampled, p, 42, n, 0, n) == n - 1,
		      "size %zu: last byte not found", n);
		p[n - 1] ^= 1;
		/* whole below the threshold: any byte is found */
		if (n <= KAS_EXAMINE_WHOLE) {
			p[n / 3] ^= 4;
			CHECK(kas_content_verify(&sampled, p, 42, n, 0, n) == n / 3,
			      "size %zu: middle byte not found", n);
			p[n / 3] ^= 4;
		}
		/* --content full: every byte of a large object */
		kas_content_fill(&full, p, 9, n);
		p[n / 3] ^= 4;
		CHECK(kas_content_verify(&full, p, 9, n, 0, n) == n / 3,
		      "size %zu: full mode misses the middle byte", n);
		p[n / 3] ^= 4;

		memset(p, 0, n);
		CHECK(kas_content_zero_scan(&sampled, p, 1, 0, n) == KAS_NOT_FOUND,
		      "size %zu: zeroes not zero", n);
		/* both ends of a zero-scanned range are examined: the old size
		 * of a krealloc with __GFP_ZERO is the start of the range */
		size_t from = n / 2;
		p[from] = 1;
		CHECK(kas_content_zero_scan(&sampled, p, 1, from, n) == from,
		      "size %zu: byte at the range start missed", n);
		p[from] = 0;
		p[n - 1] = 1;
		CHECK(kas_content_zero_scan(&sampled, p, 1, from, n) == n - 1 || from == n,
		      "size %zu: byte at the range end missed", n);
		p[n - 1] = 0;
		free(p);
	}
}

/* The sample depends on the seed and the id, and on nothing else. */
static void sample_follows_seed(void)
{
	size_t a[KAS_EXAMINE_MAX_PAGES], b[KAS_EXAMINE_MAX_PAGES];
	const size_t size = (size_t)1 << 30;
	struct kas_content_plan s1 = { 1, false }, s2 = { 2, false };
	size_t na = kas_content_pages(&s1, 5, size, a), nb = kas_content_pages(&s1, 5, size, b);
	CHECK(na == KAS_EXAMINE_MAX_PAGES && nb == na, "%zu sampled pages", na);
	CHECK(memcmp(a, b, na * sizeof(a[0])) == 0, "same seed, different pages");
	CHECK(a[0] == 0 && a[na - 1] == size - KAS_EXAMINE_PAGE, "first or last page not sampled");
	for (size_t i = 1; i < na; i++)
		CHECK(a[i] > a[i - 1] && a[i] % KAS_EXAMINE_PAGE == 0, "pages not ascending");
	nb = kas_content_pages(&s2, 5, size, b);
	CHECK(memcmp(a, b, na * sizeof(a[0])) != 0, "another seed, the same pages");
	/* every page of a small object */
	na = kas_content_pages(&s1, 5, 10 * KAS_EXAMINE_PAGE + 1, a);
	CHECK(na == 11, "an 11-page object samples %zu pages", na);
}

/* A 16 GiB object costs the harness a bounded number of pages. */
static void bounded_touch(void)
{
	const size_t size = (size_t)16 << 30;
	const size_t page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED) {
		printf("skip: no 16 GiB of address space\n");
		return;
	}
	kas_content_fill(&sampled, p, 77, size);
	CHECK(kas_content_verify(&sampled, p, 77, size, 0, size) == KAS_NOT_FOUND,
	      "16 GiB: fill and verify disagree");
	CHECK(kas_content_zero_scan(&sampled, p, 77, 0, size) == 0, "16 GiB: pattern is zero");
	size_t sampled_pages[KAS_EXAMINE_MAX_PAGES];
	size_t ns = kas_content_pages(&sampled, 77, size, sampled_pages);
	/* resident pages: mincore over the whole range, in chunks */
	size_t resident = 0, chunk = (size_t)1 << 30;
	unsigned char *vec = malloc(chunk / page);
	for (size_t off = 0; vec && off < size; off += chunk) {
		if (mincore(p + off, chunk, vec) != 0)
			break;
		for (size_t i = 0; i < chunk / page; i++)
			resident += vec[i] & 1;
	}
	free(vec);
	CHECK(resident <= ns + 2, "16 GiB: %zu pages resident, the sample has %zu", resident, ns);
	munmap(p, size);
}

/* Two pages of one object that alias one frame overwrite each other's
 * sample: every sampled page shares the object's in-page offset. */
static void aliased_pages(void)
{
	const size_t page = KAS_EXAMINE_PAGE, n = 8 * page;
	int fd = memfd_create("kas-test", 0);
	if (fd < 0 || ftruncate(fd, (off_t)n) != 0) {
		printf("skip: no memfd\n");
		return;
	}
	unsigned char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED, "map");
	if (p == MAP_FAILED)
		return;
	/* page 5 shows page 2's frame */
	CHECK(mmap(p + 5 * page, page, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd,
		   (off_t)(2 * page)) != MAP_FAILED, "alias");
	kas_content_fill(&sampled, p, 3, n);
	CHECK(kas_content_verify(&sampled, p, 3, n, 0, n) != KAS_NOT_FOUND, "aliased page unseen");
	munmap(p, n);
	close(fd);
}

int main(void)
{
	sizes_round_trip();
	sample_follows_seed();
	bounded_touch();
	aliased_pages();
	printf("%d failed\n", failures);
	return failures != 0;
}
