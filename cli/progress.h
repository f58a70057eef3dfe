/* SPDX-License-Identifier: MIT */
/*
 * Progress of a long command on stderr: one line that updates in place on
 * a terminal, a plain line every few seconds (and at each phase change)
 * otherwise, so a CI log shows that a run is alive and how far it is.
 * Notes (a verdict that became final, a crash) are printed between
 * updates and never overwritten.
 */
#ifndef KALLOCSPEC_CLI_PROGRESS_H
#define KALLOCSPEC_CLI_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct cli_progress {
	FILE *out;
	bool tty;                /* update in place */
	bool quiet;              /* print nothing at all */
	bool line_open;          /* a TTY line is showing */
	double t0, last;         /* monotonic seconds: start, last printed update */
	const char *phase;       /* "witness", "random", "minimise", ... */
	char last_phase[32];
	uint64_t done, total;    /* of the phase (total 0 = unknown) */
	uint64_t traces, ops;    /* so far, all phases */
	unsigned failed_rules;
	unsigned faults;         /* CRASH + HANG traces */
};

/* Seconds on the monotonic clock. */
double cli_now(void);

void cli_progress_init(struct cli_progress *p, FILE *out, bool quiet);
/* Shows the state in *p if an update is due (always at a phase change). */
void cli_progress_show(struct cli_progress *p);
/* A line of its own (printf format), e.g. a verdict as soon as it is final. */
void cli_progress_note(struct cli_progress *p, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Clears an in-place line and prints the final state once. */
void cli_progress_end(struct cli_progress *p);

#endif
