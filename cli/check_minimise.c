/* SPDX-License-Identifier: MIT */
/*
 * Minimising a failure without letting the port take kallocspec down, and
 * without paying a fork per candidate: the whole minimisation runs in one
 * child process with candidates run in-process; the child sends back the
 * result as text.  Only if that child dies (a candidate crashed or hung the
 * port) is the minimisation redone with every candidate isolated.
 *
 * As in core/isolate.c the child leads its own process group and the
 * parent waits for the child, not for end of file: a helper the port forks
 * inherits the pipe and could hold it open for ever.  The group is killed
 * once the child has exited.
 */
#include "check.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* What the child sends before the trace text. */
struct child_header {
	int rc;
	struct kas_minimize_stats stats;
};

static void write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(3);
		p += n;
		len -= (size_t)n;
	}
}

static void run_child(int fd, const struct kas_port *port, const struct kas_profile *prof,
		      const struct kas_trace *from, size_t rule, struct kas_minimize_opts opts)
{
	struct child_header h;
	struct kas_trace m;
	char *text = NULL;

	memset(&h, 0, sizeof(h));
	opts.isolate = false;
	opts.watchdog = true;
	h.rc = kas_minimize(port, prof, from, rule, &opts, &m, &h.stats);
	if (h.rc >= 0)
		text = kas_trace_to_string(&m, SIZE_MAX);
	if (!text)
		h.rc = -1;
	write_all(fd, &h, sizeof(h));
	if (text)
		write_all(fd, text, strlen(text));
	_exit(0);
}

struct inbuf {
	char *buf;
	size_t n, cap;
};

/* Reads what the non-blocking fd has now; false at end of file (or on an
 * error or allocation failure, which the caller sees as buf == NULL). */
static bool read_some(int fd, struct inbuf *in)
{
	while (in->buf) {
		if (in->n == in->cap) {
			char *bigger = realloc(in->buf, in->cap * 2 + 1);

			if (!bigger) {
				free(in->buf);
				in->buf = NULL;
				return false;
			}
			in->buf = bigger;
			in->cap *= 2;
		}
		ssize_t got = read(fd, in->buf + in->n, in->cap - in->n);

		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return true;
		if (got <= 0)
			return false;
		in->n += (size_t)got;
	}
	return false;
}

/* Collects the child's output until the child itself has exited, then
 * kills whatever else is left in its process group and reaps it.
 * NULL on allocation failure. */
static char *collect(pid_t pid, int fd, size_t *len, int *status)
{
	struct inbuf in = { malloc(4096 + 1), 0, 4096 };
	bool open_pipe = true;

	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
	for (;;) {
		struct pollfd pfd = { fd, POLLIN, 0 };
		int n = open_pipe ? poll(&pfd, 1, 50) : poll(NULL, 0, 20);
		siginfo_t si;

		if (n > 0 && open_pipe)
			open_pipe = read_some(fd, &in);
		si.si_pid = 0;
		/* WNOWAIT: the group keeps its id until it has been killed */
		n = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT);
		if (n == 0 && si.si_pid == pid) {
			if (open_pipe)
				read_some(fd, &in);
			kill(-pid, SIGKILL);
			break;
		}
		if (n < 0 && errno != EINTR)
			break;
	}
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	if (in.buf)
		in.buf[in.n] = '\0';
	*len = in.n;
	return in.buf;
}

/* Returns kas_minimize's result, or -2 when the child did not finish. */
static int minimise_forked(const struct check_run *cr, const struct kas_trace *from, size_t rule,
			   const struct kas_minimize_opts *opts, struct kas_trace *out,
			   struct kas_minimize_stats *stats)
{
	struct child_header h;
	struct kas_parse_error perr;
	int fds[2], status = 0;
	size_t len = 0;
	char *buf;
	pid_t pid;

	if (pipe(fds) != 0)
		return -2;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return -2;
	}
	if (pid == 0) {
		close(fds[0]);
		setpgid(0, 0);
		run_child(fds[1], cr->port, cr->profile, from, rule, *opts);
	}
	close(fds[1]);
	setpgid(pid, pid);   /* both sides: whichever runs first wins the race */
	buf = collect(pid, fds[0], &len, &status);
	close(fds[0]);
	if (!buf || !WIFEXITED(status) || WEXITSTATUS(status) != 0 || len < sizeof(h)) {
		free(buf);
		return -2;
	}
	memcpy(&h, buf, sizeof(h));
	if (h.rc < 0) {
		free(buf);
		return -1;
	}
	kas_trace_init(out);
	if (kas_trace_parse(out, buf + sizeof(h), len - sizeof(h), "<minimised>", cr->profile,
			    NULL, &perr) != 0) {
		kas_trace_free(out);
		free(buf);
		return -2;
	}
	free(buf);
	*stats = h.stats;
	return h.rc;
}

int check_minimise(const struct check_run *cr, const struct kas_trace *from, size_t rule,
		   struct kas_trace *out, struct kas_minimize_stats *stats)
{
	struct kas_minimize_opts opts = {
		.port_caps = kas_port_effective_caps(cr->port),
		.call_timeout_ms = cr->timeout_ms,
	};
	int rc;

	if (!cr->isolate)
		return kas_minimize(cr->port, cr->profile, from, rule, &opts, out, stats);
	rc = minimise_forked(cr, from, rule, &opts, out, stats);
	if (rc != -2)
		return rc;
	if (cr->verbose)
		fprintf(stderr, "  minimising %s again with every candidate isolated\n",
			kas_rule_at(rule)->id);
	opts.isolate = true;
	return kas_minimize(cr->port, cr->profile, from, rule, &opts, out, stats);
}
