/* SPDX-License-Identifier: MIT */
/*
 * The machine size of a run (kas_mem_limit, harness.h): RLIMIT_DATA set
 * relative to what the process maps already, so the limit means the same
 * in a plain build and under a sanitizer whose shadow memory alone is
 * terabytes of address space.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>
#include "kallocspec/harness.h"

/* VmData of /proc/self/status in bytes (private writable mappings: what
 * RLIMIT_DATA counts), or 0 when it cannot be read.  Plain read(2) into
 * a stack buffer: no malloc, so the heap a port sees afterwards is the
 * heap it would have seen without the limit (a malloc-backed port's
 * results depend on that layout). */
static size_t mapped_data_bytes(void)
{
	char buf[4096];
	size_t n = 0;
	int fd = open("/proc/self/status", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	for (;;) {
		ssize_t got = read(fd, buf + n, sizeof(buf) - 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		n += (size_t)got;
		if (n == sizeof(buf) - 1)
			break;
	}
	close(fd);
	buf[n] = '\0';
	const char *line = strstr(buf, "\nVmData:");
	return line ? (size_t)strtoull(line + 8, NULL, 10) * 1024 : 0;
}

int kas_mem_limit(size_t bytes)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_DATA, &rl) != 0)
		return -1;
	if (bytes == 0) {
		rl.rlim_cur = rl.rlim_max;
		return setrlimit(RLIMIT_DATA, &rl) == 0 ? 0 : -1;
	}
	size_t now = mapped_data_bytes();
	if (now == 0)
		return -1;
	rlim_t want = (rlim_t)now + (rlim_t)KAS_MEM_HEADROOM;
	want = (rlim_t)bytes > RLIM_INFINITY - want ? RLIM_INFINITY : want + (rlim_t)bytes;
	if (rl.rlim_max != RLIM_INFINITY && want > rl.rlim_max)
		want = rl.rlim_max;
	rl.rlim_cur = want;
	return setrlimit(RLIMIT_DATA, &rl) == 0 ? 0 : -1;
}

int kas_parse_size(const char *s, size_t *out)
{
	static const char units[] = "KMGT";
	unsigned long long v;
	char *end;

	if (!s || !isdigit((unsigned char)s[0]))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	unsigned shift = 0;
	if (*end) {
		const char *u = strchr(units, toupper((unsigned char)*end));
		if (!u || !*u)
			return -1;
		shift = 10u * (unsigned)(u - units + 1);
		end++;
		if (end[0] == 'i' && (end[1] == 'B' || end[1] == 'b'))
			end += 2;
		else if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return -1;
	}
	if (shift && v > (SIZE_MAX >> shift))
		return -1;
	if (v > SIZE_MAX)
		return -1;
	*out = (size_t)v << shift;
	return 0;
}

void kas_format_size(size_t bytes, char *buf, size_t len)
{
	static const char units[] = "KMGT";
	int u = -1;
	size_t v = bytes;

	while (v && v % 1024 == 0 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, len, "%zu", bytes);
	else
		snprintf(buf, len, "%zu%c", v, units[u]);
}
