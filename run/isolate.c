/* SPDX-License-Identifier: MIT */
/*
 * Process isolation (kas_run_trace_isolated, harness.h): the trace runs in
 * a forked child; the parent watches the child's progress in shared
 * memory, merges the tally deltas the child streams over a pipe, and turns
 * a signal death into CRASH and a stuck port call into HANG.
 *
 * Pipe records are fixed-size and smaller than PIPE_BUF, so each write is
 * atomic and a crash can only lose records not yet written.
 *
 * The child leads its own process group.  The parent waits for the child
 * itself (waitid), not for end of file on the pipe: a process the port
 * forked inherits the pipe's write end and may hold it open for as long
 * as it lives.  Once the child is gone the whole group is killed, so no
 * helper the port started outlives the trace.
 */
#define _DEFAULT_SOURCE
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif
#include "harness_internal.h"

enum rec_type { REC_TALLY = 1, REC_RESULT };

struct rec {
	uint32_t type;
	uint32_t rule;
	uint64_t exercised, failed;   /* deltas */
	uint64_t fail_op;             /* first failing op (new failures) */
	/* REC_RESULT */
	int32_t rc;
	int32_t init_error;
	uint64_t ops_run, ops_skipped, ops_unsupported, first_fail_op, starvation;
	uint32_t fails;
	uint16_t refused[KAS_CALLER_RULES_MAX];   /* saturating */
	char msg[256];
};
_Static_assert(sizeof(struct rec) <= 512, "records must stay well below PIPE_BUF");

/* ---- the child ---- */

/* The pid of the isolated child: a port that forks must not have its copy
 * report a second set of verdicts (or carry on a candidate loop). */
static pid_t child_pid;

struct child {
	int fd;
	FILE *log;                    /* flushed after every call: a crash loses no line */
	struct kas_spec *spec;
	uint64_t *ex, *fa;            /* tallies last reported */
	size_t nrules;
};

static void send_rec(int fd, const struct rec *r)
{
	if (getpid() != child_pid)
		_exit(0);   /* a process the port forked: it speaks for nobody */
	const char *p = (const char *)r;
	size_t left = sizeof(*r);
	while (left) {
		ssize_t n = write(fd, p, left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		left -= (size_t)n;
	}
}

static void send_deltas(struct child *ch)
{
	for (size_t i = 0; i < ch->nrules; i++) {
		const struct kas_tally *ty = kas_spec_tally(ch->spec, i);
		if (!ty || (ty->exercised == ch->ex[i] && ty->failed == ch->fa[i]))
			continue;
		struct rec r;
		memset(&r, 0, sizeof(r));
		r.type = REC_TALLY;
		r.rule = (uint32_t)i;
		r.exercised = ty->exercised - ch->ex[i];
		r.failed = ty->failed - ch->fa[i];
		r.fail_op = ty->fail_op;
		if (ch->fa[i] == 0 && ty->failed)
			snprintf(r.msg, sizeof(r.msg), "%s", ty->message);
		send_rec(ch->fd, &r);
		ch->ex[i] = ty->exercised;
		ch->fa[i] = ty->failed;
	}
}

static void child_on_call(void *arg, const struct kas_call *c)
{
	struct child *ch = arg;
	(void)c;
	if (ch->log)
		fflush(ch->log);
	send_deltas(ch);
}

static void run_child(int fd, const struct kas_port *port, struct kas_spec *spec,
		      const struct kas_trace *t, const struct kas_harness_opts *opts)
{
	struct child ch = { fd, opts->log, spec, NULL, NULL, kas_rule_count() };
	child_pid = getpid();
	ch.ex = calloc(ch.nrules + 1, sizeof(uint64_t));
	ch.fa = calloc(ch.nrules + 1, sizeof(uint64_t));
	if (!ch.ex || !ch.fa)
		_exit(2);
	for (size_t i = 0; i < ch.nrules; i++) {
		const struct kas_tally *ty = kas_spec_tally(spec, i);
		ch.ex[i] = ty ? ty->exercised : 0;
		ch.fa[i] = ty ? ty->failed : 0;
	}
	/* the machine size: the port's allocations beyond it fail here, in
	 * the child, as on a machine that small */
	size_t mem = kas__trace_mem_bytes(opts, t);
	if (mem)
		kas_mem_limit(mem);
	struct kas_harness_opts o = *opts;
	o.on_call = child_on_call;
	o.on_call_arg = &ch;
	o.watchdog_in_process = false;   /* the parent watches */
	struct kas_trace_result res;
	int rc = kas_run_trace(port, spec, t, &o, &res);
	send_deltas(&ch);
	struct rec r;
	memset(&r, 0, sizeof(r));
	r.type = REC_RESULT;
	r.rc = rc;
	r.init_error = res.init_error;
	r.ops_run = res.ops_run;
	r.ops_skipped = res.ops_skipped;
	r.ops_unsupported = res.ops_unsupported;
	r.first_fail_op = res.first_fail_op;
	r.fails = res.fails;
	r.starvation = res.starvation_releases;
	for (size_t i = 0; i < KAS_CALLER_RULES_MAX; i++)
		r.refused[i] = res.refused[i] > UINT16_MAX ? UINT16_MAX : (uint16_t)res.refused[i];
	send_rec(fd, &r);
	if (opts->log)
		fflush(opts->log);
	_exit(0);
}

/* ---- the parent ---- */

static const char *signal_name(int sig, char *buf, size_t n)
{
	static const struct { int sig; const char *name; } names[] = {
		{ SIGSEGV, "SIGSEGV" }, { SIGBUS, "SIGBUS" }, { SIGABRT, "SIGABRT" },
		{ SIGFPE, "SIGFPE" }, { SIGILL, "SIGILL" }, { SIGKILL, "SIGKILL" },
		{ SIGTERM, "SIGTERM" }, { SIGALRM, "SIGALRM" }, { SIGTRAP, "SIGTRAP" },
		{ SIGSYS, "SIGSYS" }, { SIGPIPE, "SIGPIPE" }, { SIGXCPU, "SIGXCPU" },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].sig == sig) {
			snprintf(buf, n, "%s", names[i].name);
			return buf;
		}
	snprintf(buf, n, "SIG%d", sig);
	return buf;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

struct parent {
	struct kas_spec *spec;
	const struct kas_trace *t;
	struct kas_trace_result *res;
	int rc;
	bool got_result;
	char buf[sizeof(struct rec)];
	size_t have;
};

static void take_rec(struct parent *p, const struct rec *r)
{
	if (r->type == REC_TALLY) {
		char msg[sizeof(r->msg)];
		memcpy(msg, r->msg, sizeof(msg));
		msg[sizeof(msg) - 1] = '\0';
		kas_spec_merge_tally(p->spec, r->rule, r->exercised, r->failed, p->t,
				     (size_t)r->fail_op, msg);
	} else if (r->type == REC_RESULT) {
		p->got_result = true;
		p->rc = r->rc;
		p->res->init_error = r->init_error;
		p->res->ops_run = (size_t)r->ops_run;
		p->res->ops_skipped = (size_t)r->ops_skipped;
		p->res->ops_unsupported = (size_t)r->ops_unsupported;
		p->res->first_fail_op = (size_t)r->first_fail_op;
		p->res->fails = r->fails;
		p->res->starvation_releases = (size_t)r->starvation;
		for (size_t i = 0; i < KAS_CALLER_RULES_MAX; i++)
			p->res->refused[i] = r->refused[i];
	}
}

/* Reads all that is available now (the fd is non-blocking); false at end
 * of file or on a read error, true when the pipe is merely empty. */
static bool drain(struct parent *p, int fd)
{
	for (;;) {
		ssize_t n = read(fd, p->buf + p->have, sizeof(p->buf) - p->have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
		p->have += (size_t)n;
		if (p->have == sizeof(p->buf)) {
			struct rec r;
			memcpy(&r, p->buf, sizeof(r));
			take_rec(p, &r);
			p->have = 0;
		}
	}
}

/* A pollable handle on the child's exit, or -1 where the kernel has none. */
static int pidfd_of(pid_t pid)
{
#ifdef SYS_pidfd_open
	return (int)syscall(SYS_pidfd_open, pid, 0);
#else
	(void)pid;
	return -1;
#endif
}

int kas_run_trace_isolated(const struct kas_port *port, struct kas_spec *spec,
			   const struct kas_trace *t, const struct kas_harness_opts *opts,
			   struct kas_trace_result *res)
{
	static const struct kas_harness_opts no_opts;
	struct kas_trace_result dummy;
	if (!opts)
		opts = &no_opts;
	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	res->first_fail_op = KAS_NOT_FOUND;
	res->fault_op = KAS_NOT_FOUND;
	unsigned timeout = opts->call_timeout_ms ? opts->call_timeout_ms :
			   KAS_DEFAULT_CALL_TIMEOUT_MS;

	struct kas__progress *prog = mmap(NULL, sizeof(*prog), PROT_READ | PROT_WRITE,
					  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (prog == MAP_FAILED)
		return -2;
	memset(prog, 0, sizeof(*prog));
	int fds[2];
	if (pipe(fds)) {
		munmap(prog, sizeof(*prog));
		return -2;
	}
	fflush(stdout);
	fflush(stderr);
	if (opts->log)
		fflush(opts->log);
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		munmap(prog, sizeof(*prog));
		return -2;
	}
	if (pid == 0) {
		close(fds[0]);
		/* both sides set the group: whichever runs first wins the race */
		setpgid(0, 0);
#ifdef __linux__
		/* if kallocspec dies (^C), a looping port must not live on */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(2);   /* it died before prctl took effect */
#else
		(void)parent;
#endif
		kas__progress = prog;
		run_child(fds[1], port, spec, t, opts);
	}
	close(fds[1]);
	setpgid(pid, pid);   /* EACCES once the child has exec'd: never here */
	/* non-blocking, so draining after the child's death stops at "empty" */
	fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);

	struct parent p = { .spec = spec, .t = t, .res = res, .rc = 0 };
	uint64_t last_calls = 0, since = now_ms();
	bool killed = false, open_pipe = true, exited = false;
	/* the child's exit wakes poll() through a pidfd, where the kernel has
	 * them; otherwise the loop checks every millisecond once the pipe is
	 * at end of file */
	int pidfd = pidfd_of(pid);
	while (!exited) {
		struct pollfd pfd[2] = { { open_pipe ? fds[0] : -1, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		int n = poll(pfd, 2, open_pipe || pidfd >= 0 ? 50 : 1);
		if (n > 0 && open_pipe && pfd[0].revents)
			open_pipe = drain(&p, fds[0]);
		else if (n < 0 && errno != EINTR)
			break;
		/* WNOWAIT: the zombie keeps its pid, and so the group its id,
		 * until the group has been killed below */
		siginfo_t si;
		si.si_pid = 0;
		int w = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT);
		if (w == 0 && si.si_pid == pid) {
			exited = true;
			/* everything the child wrote is in the pipe by now */
			if (open_pipe)
				drain(&p, fds[0]);
			break;   /* not a HANG, even if a call was in progress */
		} else if (w < 0 && errno != EINTR) {
			break;   /* cannot happen for our own child; do not spin */
		}
		/* a port call in progress that has not returned for too long */
		uint64_t in = prog->calls_in, out = prog->calls_out;
		if (in != last_calls || in == out) {
			last_calls = in;
			since = now_ms();
		} else if (!killed && now_ms() - since > timeout) {
			kill(-pid, SIGKILL);
			kill(pid, SIGKILL);   /* in case setpgid lost to an early exec */
			killed = true;
			/* keep reading what the child wrote before it died */
		}
	}
	/* helpers the port forked (same group) go with the child */
	if (exited || killed)
		kill(-pid, SIGKILL);
	close(fds[0]);
	if (pidfd >= 0)
		close(pidfd);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	size_t op = (size_t)prog->op;
	munmap(prog, sizeof(*prog));

	if (killed || (WIFEXITED(status) && WEXITSTATUS(status) == KAS_EXIT_HANG)) {
		res->status = KAS_RUN_HANG;
		res->fault_op = op;
	} else if (WIFSIGNALED(status)) {
		res->status = KAS_RUN_CRASH;
		res->signal = WTERMSIG(status);
		signal_name(res->signal, res->signal_name, sizeof(res->signal_name));
		res->fault_op = op;
	} else if (!p.got_result) {
		/* exited without reporting: count it as a crash of the port */
		res->status = KAS_RUN_CRASH;
		snprintf(res->signal_name, sizeof(res->signal_name), "exit %d",
			 WIFEXITED(status) ? WEXITSTATUS(status) : -1);
		res->fault_op = op;
	}
	if (res->status != KAS_RUN_OK && res->ops_run == 0)
		res->ops_run = op;   /* ops that ran before the fault (approximate) */
	return p.got_result ? p.rc : 0;
}
