/* SPDX-License-Identifier: MIT */
/*
 * Process isolation and the watchdog: a port that crashes gives CRASH with
 * the signal and the op in progress, and the run goes on; a port that
 * loops gives HANG within the limit; tallies judged in the child reach the
 * parent's spec.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "kallocspec/harness.h"
#include "kallocspec/port.h"
#include "kas_test.h"


static void parse(struct kas_trace *t, const char *text)
{
	struct kas_parse_error err;
	kas_trace_init(t);
	if (kas_trace_parse(t, text, strlen(text), "iso", NULL, NULL, &err))
		CHECK(false, "parse: %s", err.msg);
}

static uint64_t exercised_total(const struct kas_spec *s)
{
	uint64_t n = 0;
	for (size_t i = 0; i < kas_rule_count(); i++)
		n += kas_spec_tally(s, i)->exercised;
	return n;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The crash is mut-kfree-sensitive-crash's: op 2 frees an object above 64 bytes. */
static const char crash_at_op_2[] =
	"profile linux-6.12\n"
	"a = kmalloc 64 GFP_KERNEL\n"
	"b = kmalloc 128 GFP_KERNEL\n"
	"kfree_sensitive b\n"
	"c = kmalloc 256 GFP_KERNEL\n"
	"kfree a\n";

static const struct kas_port *open_port(const char *name)
{
	char err[256];
	const struct kas_port *p = kas_port_open(name, err, sizeof(err));
	CHECK(p != NULL, "no port %s: %s", name, err);
	return p;
}

static void test_crash(void)
{
	const struct kas_port *ref = open_port("ref"), *crashes = open_port("mut-kfree-sensitive-crash");
	if (!ref || !crashes)
		return;
	struct kas_trace t;
	parse(&t, crash_at_op_2);
	struct kas_spec *spec = kas_spec_new(t.profile, ref->caps);
	struct kas_trace_result res;

	/* reference: the same trace in-process, without the crash */
	CHECK(kas_run_trace(ref, spec, &t, NULL, &res) == 0 && res.status == KAS_RUN_OK,
	      "in-process run");
	uint64_t per_trace = exercised_total(spec);
	CHECK(per_trace > 0, "the spec judged something");
	kas_spec_clear_tallies(spec);

	int rc = kas_run_trace_isolated(crashes, spec, &t, NULL, &res);
	CHECK(rc == 0, "isolated rc %d", rc);
	CHECK(res.status == KAS_RUN_CRASH, "status %u", res.status);
	CHECK(res.signal == SIGSEGV && strcmp(res.signal_name, "SIGSEGV") == 0, "signal %d %s",
	      res.signal, res.signal_name);
	CHECK(res.fault_op == 2, "fault op %zu", res.fault_op);
	uint64_t before_crash = exercised_total(spec);
	CHECK(before_crash > 0 && before_crash < per_trace,
	      "verdicts of ops 0 and 1 merged: %llu of %llu", (unsigned long long)before_crash,
	      (unsigned long long)per_trace);

	/* the run continues: the next trace works and adds its verdicts (5 ops
	 * and 1 teardown free) */
	rc = kas_run_trace_isolated(ref, spec, &t, NULL, &res);
	CHECK(rc == 0 && res.status == KAS_RUN_OK && res.ops_run == 6 && res.fault_op == KAS_NOT_FOUND,
	      "second trace: rc %d status %u ops %zu", rc, res.status, res.ops_run);
	CHECK(exercised_total(spec) == before_crash + per_trace, "tallies merged");

	/* merging a failure gives a counterexample prefix */
	kas_spec_clear_tallies(spec);
	kas_spec_merge_tally(spec, 0, 3, 1, &t, 1, "planted");
	const struct kas_tally *ty = kas_spec_tally(spec, 0);
	CHECK(ty->exercised == 3 && ty->failed == 1 && ty->has_counterexample &&
	      ty->counterexample.nops == 2 && ty->fail_op == 1 && !strcmp(ty->message, "planted"),
	      "merged failure");
	CHECK(kas_spec_status(spec, 0) == KAS_FAIL || kas_spec_status(spec, 0) == KAS_UNSUPPORTED,
	      "status from a merged failure");
	kas_spec_free(spec);
	kas_trace_free(&t);
}

static void test_hang(void)
{
	const struct kas_port *hangs = open_port("mut-ksize-hang");
	if (!hangs)
		return;
	struct kas_trace t;
	parse(&t, "profile linux-6.12\n"
		  "a = kmalloc 2048 GFP_KERNEL\n"
		  "ksize a\n"
		  "kfree a\n");
	struct kas_spec *spec = kas_spec_new(t.profile, hangs->caps);
	struct kas_harness_opts o = { 0 };
	o.call_timeout_ms = 300;
	struct kas_trace_result res;
	double t0 = now_s();
	int rc = kas_run_trace_isolated(hangs, spec, &t, &o, &res);
	double took = now_s() - t0;
	CHECK(rc == 0 && res.status == KAS_RUN_HANG, "rc %d status %u", rc, res.status);
	CHECK(res.fault_op == 1, "hung in op %zu", res.fault_op);
	CHECK(took > 0.25 && took < 5.0, "detected in %.2fs", took);

	/* in-process watchdog: the process exits with KAS_EXIT_HANG */
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		o.watchdog_in_process = true;
		o.call_timeout_ms = 200;
		kas_run_trace(hangs, spec, &t, &o, &res);
		_exit(0);   /* not reached while ksize hangs */
	}
	int status = 0;
	waitpid(pid, &status, 0);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == KAS_EXIT_HANG, "watchdog status %#x",
	      status);
	kas_spec_free(spec);
	kas_trace_free(&t);
}

int main(void)
{
	test_crash();
	test_hang();
	if (failures) {
		fprintf(stderr, "test_world_isolate: %d failure(s)\n", failures);
		return 1;
	}
	printf("test_world_isolate: ok\n");
	return 0;
}
