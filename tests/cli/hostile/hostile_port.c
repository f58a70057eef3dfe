/* SPDX-License-Identifier: MIT */
/*
 * Hostile loadable ports for the reliability tests (tests/cli/reliability.cmake),
 * one per build variant.  Each is a plausible kmalloc port with one act of
 * sabotage; kallocspec must still reach a verdict and write a whole report:
 *   HOSTILE_SCRIBBLE  every kmalloc writes the byte before the object it
 *                     returns, i.e. the last byte of the previous object
 *   HOSTILE_OVERLAP   objects are carved 8 bytes apart whatever their size
 *   HOSTILE_EXIT      the third kmalloc calls exit(3)
 *   HOSTILE_CLOSE_STDOUT  kfree closes fd 1 (and fd 2 is left alone)
 *   HOSTILE_FORK      the first kmalloc of a process forks once; both
 *                     processes carry on running the trace (once per
 *                     process image, or the minimiser's in-process
 *                     candidate loop turns it into a fork bomb)
 *   HOSTILE_FORK_DAEMON  the first kmalloc forks a helper that keeps every
 *                     inherited fd open for HOSTILE_DAEMON_SECS seconds
 *                     (an hour: a parent that waits for it hangs the
 *                     test until CTest's timeout); its pid goes to
 *                     $KAS_HOSTILE_PIDFILE, so the test can check that
 *                     kallocspec killed it
 * Objects come from a bump arena, so the sabotage hits other objects of
 * the same port, not libc's heap (which would make the test flaky).
 */
#include <kallocspec/port.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ARENA_BYTES (64u << 20)
#define ZERO_SIZE ((void *)16)

static unsigned char *arena;
static size_t used;
static unsigned calls;
#if defined(HOSTILE_FORK) || defined(HOSTILE_FORK_DAEMON)
static int forked;   /* never reset: inherited by the copy, so no bomb */
#endif
#ifndef HOSTILE_DAEMON_SECS
#define HOSTILE_DAEMON_SECS 3600
#endif

static int hostile_init(const struct kas_port_env *env)
{
	(void)env;
	if (!arena)
		arena = malloc(ARENA_BYTES);
	used = 0;
	calls = 0;
	return arena ? 0 : -1;
}

static void hostile_fini(void)
{
	used = 0;
}

static void *carve(size_t size)
{
	size_t step = (size + 63) & ~(size_t)63;   /* keeps ALIGN-1/2 happy up to 64 */
#ifdef HOSTILE_OVERLAP
	step = 8;
#endif
	if (size > ARENA_BYTES / 2 || used + size + 64 > ARENA_BYTES)
		return NULL;
	void *p = arena + 64 + used;
	used += step;
	return p;
}

static void *hostile_kmalloc(size_t size, kas_gfp_t gfp)
{
	calls++;
#ifdef HOSTILE_EXIT
	if (calls == 3)
		exit(3);
#endif
#ifdef HOSTILE_FORK
	if (!forked) {
		forked = 1;
		(void)fork();
	}
#endif
#ifdef HOSTILE_FORK_DAEMON
	if (!forked) {
		forked = 1;
		pid_t helper = fork();

		if (helper == 0) {
			sleep(HOSTILE_DAEMON_SECS);
			_exit(0);
		}
		/* recorded here, not by the helper: it may be killed before it
		 * gets to run at all */
		const char *pidfile = getenv("KAS_HOSTILE_PIDFILE");
		FILE *f = helper > 0 && pidfile ? fopen(pidfile, "a") : NULL;

		if (f) {
			fprintf(f, "%ld\n", (long)helper);
			fclose(f);
		}
	}
#endif
	if (size == 0)
		return ZERO_SIZE;
	unsigned char *p = carve(size);
	/* Apart from its one sabotage the port is correct: the arena is reused
	 * trace after trace (and under ASan its first page starts as 0xbe), so
	 * __GFP_ZERO must be honoured here, not left to a fresh mapping. */
	if (p && (gfp & __GFP_ZERO))
		memset(p, 0, size);
#ifdef HOSTILE_SCRIBBLE
	if (p)
		p[-1] ^= 0x5a;   /* outside this object: the previous one's tail */
#endif
	return p;
}

static void *hostile_kzalloc(size_t size, kas_gfp_t gfp)
{
	void *p = hostile_kmalloc(size, gfp);

	if (p && p != ZERO_SIZE)
		memset(p, 0, size);
	return p;
}

static void hostile_kfree(const void *p)
{
	(void)p;
#ifdef HOSTILE_CLOSE_STDOUT
	close(1);
#endif
}

static const struct kas_port hostile_port = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "hostile",
	.description = "a kmalloc port that sabotages its caller (tests/cli/hostile)",
	.caps = KAS_CAP_KMALLOC,
	.init = hostile_init,
	.fini = hostile_fini,
	.kmalloc = hostile_kmalloc,
	.kzalloc = hostile_kzalloc,
	.kfree = hostile_kfree,
};

const struct kas_port *kallocspec_port(void);

const struct kas_port *kallocspec_port(void)
{
	return &hostile_port;
}
