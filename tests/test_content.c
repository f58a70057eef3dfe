/* SPDX-License-Identifier: MIT */
/*
 * Content patterns: what is filled is what a later range check examines,
 * for objects below and above the size where examination goes to windows,
 * and a changed byte inside an examined window is found at its offset.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/content.h"

static int failures;
#define CHECK(c, ...) do { if (!(c)) { failures++; fprintf(stderr, "FAIL line %d: ", __LINE__); fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

int main(void)
{
	const size_t sizes[] = { 1, 7, 8, 9, 4095, 4096, 100000, KAS_EXAMINE_WHOLE - 3,
				 KAS_EXAMINE_WHOLE + 5, 3 * KAS_EXAMINE_WHOLE + 12345 };
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		size_t n = sizes[i];
		unsigned char *p = malloc(n);
		if (!p)
			return 2;
		kas_content_fill(p, 42, 0, n);
		CHECK(kas_content_verify(p, 42, 0, n) == KAS_NOT_FOUND, "size %zu: fresh fill fails", n);
		/* a realloc's preserved prefix is any [0, keep) of the old object */
		size_t keep = n / 2 + 1;
		CHECK(kas_content_verify(p, 42, 0, keep) == KAS_NOT_FOUND, "size %zu: prefix %zu fails", n, keep);
		CHECK(kas_content_verify(p, 43, 0, n) != KAS_NOT_FOUND, "size %zu: other id matches", n);
		/* the first byte is always examined: flipping it is found at 0 */
		p[0] ^= 0x5A;
		CHECK(kas_content_verify(p, 42, 0, n) == 0, "size %zu: flipped byte 0 not found", n);
		p[0] ^= 0x5A;
		/* the last byte of the object is found when it lies in an examined window */
		size_t last = n - 1;
		if (last < KAS_EXAMINE_WHOLE || last % 4096 < KAS_EXAMINE_SAMPLE) {
			p[last] ^= 1;
			CHECK(kas_content_verify(p, 42, 0, n) == last, "size %zu: last byte not found", n);
			p[last] ^= 1;
		}
		memset(p, 0, n);
		CHECK(kas_content_zero_scan(p, 0, n) == KAS_NOT_FOUND, "size %zu: zeroes not zero", n);
		/* below the window size every byte counts; above, the head of each page */
		p[n < KAS_EXAMINE_WHOLE ? n / 3 : (n / 3) & ~(size_t)4095] = 1;
		CHECK(kas_content_zero_scan(p, 0, n) != KAS_NOT_FOUND, "size %zu: non-zero byte missed", n);
		free(p);
	}
	printf("%d failed\n", failures);
	return failures != 0;
}
