/* SPDX-License-Identifier: MIT */
/* Small harness for the reference allocator's unit tests: a world that
 * counts warnings, an init helper, and CHECK that records failures. */
#ifndef KAS_TEST_IMPL_UTIL_H
#define KAS_TEST_IMPL_UTIL_H

#include <kallocspec/port.h>
#include <kallocspec/profile.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include "kas_test.h"

extern const struct kas_port kas_port_ref;
static const struct kas_port *const P = &kas_port_ref;

static unsigned warn_count[KAS_WARN__COUNT];


static void count_warn(void *ctx, enum kas_warn_kind kind, const char *text)
{
	(void)ctx;
	(void)text;
	if ((unsigned)kind < KAS_WARN__COUNT)
		warn_count[kind]++;
}

static const struct kas_world_hooks test_world = {
	.size = sizeof(struct kas_world_hooks), .ctx = NULL, .warn = count_warn,
};

static inline void start(uint32_t kver, size_t pool)
{
	struct kas_port_env env = {
		.size = sizeof(env), .kver = kver, .profile = "test", .pool_bytes = pool,
		.world = &test_world,
	};
	memset(warn_count, 0, sizeof(warn_count));
	if (P->init(&env) != 0) {
		fprintf(stderr, "init failed\n");
		failures++;
	}
}

static inline int finish(const char *name)
{
	if (failures)
		fprintf(stderr, "%s: %d failure(s)\n", name, failures);
	else
		printf("%s: ok\n", name);
	return failures ? 1 : 0;
}

#define GFP_KERNEL KAS_GFP_KERNEL
#define GFP_ATOMIC (__GFP_HIGH | __GFP_KSWAPD_RECLAIM)
#define GFP_NOWAIT (__GFP_KSWAPD_RECLAIM | __GFP_NOWARN)
#define PAGE 4096u

static inline int all_bytes(const void *p, int v, size_t n)
{
	const unsigned char *c = p;
	for (size_t i = 0; i < n; i++)
		if (c[i] != (unsigned char)v)
			return 0;
	return 1;
}

#endif
