/* SPDX-License-Identifier: MIT */
/*
 * The in-process watchdog (kas_harness_opts.watchdog_in_process): a
 * one-shot ITIMER_REAL armed around each port call.  A port that loops
 * without returning cannot be resumed safely (it may hold its own locks),
 * so on expiry the process says which op hung and exits with
 * KAS_EXIT_HANG; an isolating parent turns that status into HANG.
 */
#define _POSIX_C_SOURCE 200809L
#include <signal.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>
#include "harness_internal.h"

static volatile sig_atomic_t wd_installed;
static volatile size_t wd_op;

static void put_num(char *buf, size_t *n, size_t v)
{
	char tmp[24];
	size_t k = 0;
	do {
		tmp[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (k)
		buf[(*n)++] = tmp[--k];
}

static void on_alarm(int sig)
{
	(void)sig;
	char msg[80];
	size_t n = 0;
	const char *head = "kallocspec: HANG: a port call did not return, op ";
	for (const char *p = head; *p; p++)
		msg[n++] = *p;
	put_num(msg, &n, wd_op);
	msg[n++] = '\n';
	ssize_t rc = write(STDERR_FILENO, msg, n);
	(void)rc;
	_exit(KAS_EXIT_HANG);
}

void kas__watchdog_arm(unsigned timeout_ms, size_t op_index)
{
	if (!wd_installed) {
		struct sigaction sa;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_alarm;
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		wd_installed = 1;
	}
	wd_op = op_index;
	struct itimerval it;
	memset(&it, 0, sizeof(it));
	it.it_value.tv_sec = timeout_ms / 1000;
	it.it_value.tv_usec = (suseconds_t)(timeout_ms % 1000) * 1000;
	setitimer(ITIMER_REAL, &it, NULL);
}

void kas__watchdog_disarm(void)
{
	struct itimerval it;
	memset(&it, 0, sizeof(it));
	setitimer(ITIMER_REAL, &it, NULL);
}
