/* SPDX-License-Identifier: MIT */
/*
 * A crash or hang is a failure of the rules its op exercises, never a PASS
 * next to a CRASH line: kfree(ZERO_SIZE_PTR) that segfaults fails ZERO-3.
 *
 * Which rules an op exercises is asked of the reference allocator: the trace
 * up to and including that op runs on ref in a child process, and the rules
 * that judged that very call there are the ones the port's call was due to
 * satisfy.  Each is charged one exercised, failed call, with the crash or
 * hang as its message and the trace up to the op as its counterexample.
 */
#include "cli.h"
#include "fault_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

struct judged_at {
	const struct kas_spec *spec;
	size_t op;
	uint64_t *before;       /* exercised counts after the call before op (0s for op 0) */
	bool *judged;           /* rules whose count moved at op */
	size_t nrules;
};

static void after_call(void *arg, const struct kas_call *c)
{
	struct judged_at *j = arg;

	if (c->index + 1 == j->op) {
		for (size_t r = 0; r < j->nrules; r++)
			j->before[r] = kas_spec_tally(j->spec, r)->exercised;
	} else if (c->index == j->op) {
		for (size_t r = 0; r < j->nrules; r++)
			j->judged[r] = kas_spec_tally(j->spec, r)->exercised > j->before[r];
	}
}

/* In the child: run the prefix on ref and write judged[] to fd. */
static void judge_on_ref(const struct kas_port *ref, const struct kas_trace *prefix, size_t op,
			 const struct kas_harness_opts *base, bool *judged, size_t nrules, int fd)
{
	struct kas_spec *spec = kas_spec_new(prefix->profile, kas_port_effective_caps(ref));
	uint64_t *before = calloc(nrules, sizeof(*before));
	if (spec && before) {
		struct judged_at j = { spec, op, before, judged, nrules };
		struct kas_harness_opts opts = *base;
		struct kas_trace_result res;

		opts.on_call = after_call;
		opts.on_call_arg = &j;
		opts.log = NULL;
		opts.watchdog_in_process = false;
		(void)kas_run_trace(ref, spec, prefix, &opts, &res);
		size_t off = 0;
		while (off < nrules * sizeof(*judged)) {
			ssize_t w = write(fd, (const char *)judged + off, nrules * sizeof(*judged) - off);
			if (w <= 0)
				break;
			off += (size_t)w;
		}
	}
	_exit(0);
}

size_t cli_fault_rules(const struct kas_trace *t, size_t op, const struct kas_harness_opts *base,
		       bool *judged)
{
	const size_t nrules = kas_rule_count();
	char err[256];
	const struct kas_port *ref = kas_port_open("ref", err, sizeof(err));
	struct kas_trace prefix;
	size_t n = 0;
	int fds[2];

	memset(judged, 0, nrules * sizeof(*judged));
	if (!ref || op >= t->nops)
		return 0;
	kas_trace_init(&prefix);
	if (kas_trace_copy(&prefix, t, op + 1) != 0 || pipe(fds) != 0) {
		kas_trace_free(&prefix);
		return 0;
	}
	/* ref runs in a child: this process's heap (from which the port's
	 * next children fork) stays as it was, and ref's pool is not mapped
	 * here */
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		close(fds[0]);
		judge_on_ref(ref, &prefix, op, base, judged, nrules, fds[1]);
	}
	close(fds[1]);
	if (pid > 0) {
		size_t off = 0;
		while (off < nrules * sizeof(*judged)) {
			ssize_t r = read(fds[0], (char *)judged + off, nrules * sizeof(*judged) - off);
			if (r <= 0)
				break;
			off += (size_t)r;
		}
		if (off < nrules * sizeof(*judged))
			memset(judged, 0, nrules * sizeof(*judged));
		waitpid(pid, NULL, 0);
	}
	close(fds[0]);
	kas_trace_free(&prefix);
	for (size_t r = 0; r < nrules; r++)
		n += judged[r];
	return n;
}

size_t cli_charge_fault(struct kas_spec *spec, const struct kas_trace *t, size_t op, bool hang,
			const char *signal, const struct kas_harness_opts *base, char *ids,
			size_t idslen)
{
	const size_t nrules = kas_rule_count();
	bool *judged = calloc(nrules, sizeof(*judged));
	char opbuf[200] = "", msg[400];
	size_t n = 0, used = 0;

	if (ids && idslen)
		ids[0] = '\0';
	if (!judged)
		return 0;
	if (cli_fault_rules(t, op, base, judged) == 0) {
		free(judged);
		return 0;
	}
	kas_op_format(t, op, opbuf, sizeof(opbuf));
	if (hang)
		snprintf(msg, sizeof(msg), "the port hung in op %zu: %s", op + 1, opbuf);
	else
		snprintf(msg, sizeof(msg), "the port crashed (%s) in op %zu: %s",
			 signal && *signal ? signal : "a signal", op + 1, opbuf);
	for (size_t r = 0; r < nrules; r++) {
		/* only rules this spec judges: in the profile, and a port with
		 * their functions (the op ran, but a rule can need more) */
		if (!judged[r] || kas_spec_status(spec, r) == KAS_UNSUPPORTED ||
		    !kas_rule_in_profile(kas_rule_at(r), kas_spec_profile(spec)))
			continue;
		kas_spec_merge_tally(spec, r, 1, 1, t, op, msg);
		n++;
		if (ids && used + 16 < idslen)
			used += (size_t)snprintf(ids + used, idslen - used, "%s%s", used ? " " : "",
						 kas_rule_at(r)->id);
	}
	free(judged);
	return n;
}
