/* SPDX-License-Identifier: MIT */
/*
 * Writing an output file (a report, a merged report, a matrix) so that no
 * reader ever sees half of it, and so that what the user named keeps being
 * what it was: a regular file (or a new one) is replaced atomically, a
 * symlink keeps pointing where it pointed while its target is replaced, a
 * device or FIFO (/dev/stdout, /dev/null, a pipe) is written in place, and
 * a directory is refused.  The messages are documented in docs/exit-codes.md.
 */
#include <kallocspec/report.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* fsync the directory so the rename itself survives a crash. */
static void sync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char dir[4096];
	int fd;

	if (!slash)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path), path);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Writes through a temporary file in the target's directory, fsyncs it and
 * the directory, then renames: a reader sees the old file or the new one,
 * never half of either. */
static int replace_file(const char *path, int (*fn)(FILE *out, const void *arg),
			const void *arg, char *err, size_t errlen)
{
	size_t n = strlen(path);
	char *tmp = malloc(n + 16);
	FILE *f;
	int fd, rc;

	if (!tmp) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	/* Same directory as the target, so rename() cannot cross file systems. */
	snprintf(tmp, n + 16, "%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create temporary file: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		close(fd);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	rc = fn(f, arg);
	if (fflush(f) != 0 || rc != 0 || fsync(fileno(f)) != 0) {
		snprintf(err, errlen, "%s: write failed: %s", tmp, strerror(errno));
		fclose(f);
		unlink(tmp);
		free(tmp);
		return -1;
	}
	/* mkstemp creates 0600; a report is an ordinary artifact. */
	fchmod(fileno(f), 0644);
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: write failed: %s", tmp, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: cannot rename %s: %s", path, tmp, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	sync_dir_of(path);
	free(tmp);
	return 0;
}

/* A device, FIFO or socket: written where it is, nothing renamed over it. */
static int write_in_place(const char *path, int (*fn)(FILE *out, const void *arg),
			  const void *arg, char *err, size_t errlen)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	FILE *f;
	int rc;

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	rc = fn(f, arg);
	if (rc != 0 || fflush(f) != 0 || ferror(f)) {
		snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
		fclose(f);
		return -1;
	}
	if (fclose(f) != 0) {
		snprintf(err, errlen, "%s: write failed: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The file a chain of symlinks ends in, whether or not it exists yet
 * (a dangling link names the file to create).  0, or -1 with err set. */
static int link_target(const char *path, char *out, size_t outlen, char *err, size_t errlen)
{
	char cur[PATH_MAX], next[PATH_MAX];
	struct stat st;

	snprintf(cur, sizeof(cur), "%s", path);
	for (int depth = 0; depth < 40; depth++) {
		if (lstat(cur, &st) != 0 || !S_ISLNK(st.st_mode)) {
			snprintf(out, outlen, "%s", cur);
			return 0;
		}
		ssize_t n = readlink(cur, next, sizeof(next) - 1);
		if (n < 0) {
			snprintf(err, errlen, "%s: %s", cur, strerror(errno));
			return -1;
		}
		next[n] = '\0';
		if (next[0] == '/') {
			snprintf(cur, sizeof(cur), "%s", next);
		} else {
			const char *slash = strrchr(cur, '/');
			char joined[PATH_MAX];
			int len = slash ? (int)(slash - cur) : 0;

			if (snprintf(joined, sizeof(joined), "%.*s%s%s", len, cur, slash ? "/" : "",
				     next) >= (int)sizeof(joined)) {
				snprintf(err, errlen, "%s: path too long", path);
				return -1;
			}
			snprintf(cur, sizeof(cur), "%s", joined);
		}
	}
	snprintf(err, errlen, "%s: too many levels of symbolic links", path);
	return -1;
}

int kas_write_file_atomic(const char *path, int (*fn)(FILE *out, const void *arg),
			  const void *arg, char *err, size_t errlen)
{
	char target[PATH_MAX];
	struct stat st;

	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			snprintf(err, errlen, "%s: is a directory", path);
			return -1;
		}
		if (!S_ISREG(st.st_mode))
			return write_in_place(path, fn, arg, err, errlen);
	}
	/* a regular file, or none yet: replace what the symlinks end in */
	if (link_target(path, target, sizeof(target), err, errlen) != 0)
		return -1;
	return replace_file(target, fn, arg, err, errlen);
}
