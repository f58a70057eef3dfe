/* SPDX-License-Identifier: MIT */
/*
 * Warnings a port prints (KAS_CAP_WARN_STDERR): userspace shims of kernel
 * code turn WARN_ON and pr_warn into fprintf(stderr, ...), never into the
 * world's warn hook.  During each of such a port's calls fd 2 goes to a
 * memory file; afterwards each line in the kernel's words
 * (kas_warn_kind_of) is a warning of the call, as if the hook had been
 * called.  What is not a warning is written on to the real stderr.
 */
#define _GNU_SOURCE
#include "harness_internal.h"

#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define CAPTURE_MAX 65536   /* what one call may print that is read back */

static int capture_fd = -1;

int kas__stderr_begin(void)
{
	if (capture_fd < 0)
		capture_fd = memfd_create("kas-port-stderr", MFD_CLOEXEC);
	if (capture_fd < 0)
		return -1;
	fflush(stderr);
	int saved = dup(STDERR_FILENO);
	if (saved < 0)
		return -1;
	if (dup2(capture_fd, STDERR_FILENO) < 0) {
		close(saved);
		return -1;
	}
	return saved;
}

void kas__stderr_end(int saved, void (*warn)(enum kas_warn_kind kind, const char *line))
{
	static char buf[CAPTURE_MAX + 1];
	ssize_t n;

	if (saved < 0)
		return;
	fflush(stderr);
	dup2(saved, STDERR_FILENO);
	close(saved);
	n = pread(capture_fd, buf, CAPTURE_MAX, 0);
	/* empty again, and the offset the port's writes share back at 0 */
	if (ftruncate(capture_fd, 0) != 0 || lseek(capture_fd, 0, SEEK_SET) != 0 || n <= 0)
		return;
	buf[n] = '\0';
	for (char *line = buf, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		int kind = kas_warn_kind_of(line);
		if (kind >= 0)
			warn((enum kas_warn_kind)kind, line);
		else if (*line)
			fprintf(stderr, "%s\n", line);
	}
}
