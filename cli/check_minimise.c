/* SPDX-License-Identifier: MIT */
/*
 * Minimising a failure of `kallocspec check`.  Every candidate runs in a
 * child process of its own (kas_run_trace_isolated): a candidate that
 * crashes or hangs the port cannot take kallocspec down, and each run of
 * a malloc-backed port starts from the heap this process has, laid out
 * again by the minimiser's padding, instead of the heap every earlier
 * candidate left behind.  Its results then depend on the trace, not on
 * the order the candidates ran in, which is what lets the minimiser keep
 * a small candidate that fails in every attempt.  A fork per run costs
 * about a millisecond (the child's exit wakes the parent through a
 * pidfd).
 *
 * A malloc-backed port's answers still depend on the heap of the process
 * it runs in, and the user will replay the counterexample in a process of
 * their own.  So the minimiser asks one more question about every smaller
 * candidate it would keep: does `kallocspec replay --expect RULE` in a
 * fresh process fail it too (confirm_in_replay)?
 */
#include "check.h"

#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

struct confirm_ctx {
	const struct check_run *cr;
	size_t rule;
};

/* Writes all of text to fd (a pipe whose reader may have gone). */
static void write_text(int fd, const char *text)
{
	void (*old)(int) = signal(SIGPIPE, SIG_IGN);
	size_t len = strlen(text), off = 0;

	while (off < len) {
		ssize_t n = write(fd, text + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	signal(SIGPIPE, old);
}

/* 1 = a fresh `kallocspec replay` fails the rule on t too, 0 = it does
 * not, -1 = it could not be asked. */
static int confirm_in_replay(void *arg, const struct kas_trace *t)
{
	const struct confirm_ctx *cx = arg;
	const struct check_run *cr = cx->cr;
	const char *meta[] = { "port", cr->port->name, NULL };
	struct kas_trace copy;
	char timeout[32], *text;
	int in[2], status = 0;
	pid_t pid;

	kas_trace_init(&copy);
	if (kas_trace_copy(&copy, t, SIZE_MAX) != 0 || check_set_meta(cr, &copy, meta) != 0 ||
	    !(text = kas_trace_to_string(&copy, SIZE_MAX))) {
		kas_trace_free(&copy);
		return -1;
	}
	kas_trace_free(&copy);
	snprintf(timeout, sizeof(timeout), "%u", cr->timeout_ms ? cr->timeout_ms : 10000u);
	char *argv[] = { "kallocspec", "replay", "-", "--port", (char *)cr->port_arg,
			 "--profile", (char *)cr->profile->name, "--timeout", timeout,
			 "--expect", (char *)kas_rule_at(cx->rule)->id, "-q", NULL };
	posix_spawn_file_actions_t fa;
	if (pipe(in) != 0) {
		free(text);
		return -1;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_addclose(&fa, in[1]);
	int err = posix_spawn(&pid, "/proc/self/exe", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	if (err == 0)
		write_text(in[1], text);   /* replay reads it all before it runs */
	close(in[1]);
	if (err == 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	free(text);
	if (err != 0 || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status) == 0 ? 1 : WEXITSTATUS(status) == 1 ? 0 : -1;
}

int check_minimise(const struct check_run *cr, const struct kas_trace *from, size_t rule,
		   struct kas_trace *out, struct kas_minimize_stats *stats)
{
	struct kas_minimize_opts opts;
	struct confirm_ctx cx = { cr, rule };

	check_minimise_opts(cr, &opts);
	opts.isolate = cr->isolate;
	if (cr->isolate && cr->port_arg) {
		opts.confirm = confirm_in_replay;
		opts.confirm_arg = &cx;
	}
	return kas_minimize(cr->port, cr->profile, from, rule, &opts, out, stats);
}

void check_minimise_opts(const struct check_run *cr, struct kas_minimize_opts *opts)
{
	double left = cr->deadline > 0 ? cr->deadline - cli_now() : 0;
	unsigned ms = CHECK_MINIMISE_MS;

	/* within --time, no single minimisation may take the rest of it */
	if (cr->deadline > 0)
		ms = left <= 0 ? 1 : left * 1000 < ms ? (unsigned)(left * 1000) : ms;
	memset(opts, 0, sizeof(*opts));
	opts->port_caps = kas_port_effective_caps(cr->port);
	opts->call_timeout_ms = cr->timeout_ms;
	opts->time_limit_ms = ms;
	opts->mem_bytes = cr->mem_bytes;
	opts->content_full = cr->content_full;
	opts->content_seed = cr->seed;
}
