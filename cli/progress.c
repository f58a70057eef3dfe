/* SPDX-License-Identifier: MIT */
/* Progress lines on stderr: see progress.h. */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"

#include <stdarg.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TTY_INTERVAL 0.2     /* seconds between in-place updates */
#define PLAIN_INTERVAL 10.0  /* seconds between plain lines */

double cli_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_init(struct cli_progress *p, FILE *out, bool quiet)
{
	memset(p, 0, sizeof(*p));
	p->out = out;
	p->quiet = quiet;
	p->tty = !quiet && isatty(fileno(out));
	p->t0 = p->last = cli_now();
}

static void print_state(struct cli_progress *p, double now)
{
	if (p->tty)
		fputs("\r\033[K", p->out);
	fprintf(p->out, "kallocspec: [%6.1fs] %s", now - p->t0, p->phase ? p->phase : "");
	if (p->total)
		fprintf(p->out, " %llu/%llu", (unsigned long long)p->done,
			(unsigned long long)p->total);
	fprintf(p->out, ", %llu traces, %llu ops, %u rules failed",
		(unsigned long long)p->traces, (unsigned long long)p->ops, p->failed_rules);
	if (p->faults)
		fprintf(p->out, ", %u crashed or hung", p->faults);
	if (p->tty) {
		p->line_open = true;
	} else {
		fputc('\n', p->out);
	}
	fflush(p->out);
	p->last = now;
}

void cli_progress_show(struct cli_progress *p)
{
	if (p->quiet)
		return;
	double now = cli_now();
	bool new_phase = p->phase && strncmp(p->phase, p->last_phase, sizeof(p->last_phase) - 1);

	if (new_phase)
		snprintf(p->last_phase, sizeof(p->last_phase), "%s", p->phase);
	if (new_phase || now - p->last >= (p->tty ? TTY_INTERVAL : PLAIN_INTERVAL))
		print_state(p, now);
}

void cli_progress_note(struct cli_progress *p, const char *fmt, ...)
{
	va_list ap;

	if (p->quiet)
		return;
	if (p->line_open) {
		fputs("\r\033[K", p->out);
		p->line_open = false;
	}
	fputs("kallocspec: ", p->out);
	va_start(ap, fmt);
	vfprintf(p->out, fmt, ap);
	va_end(ap);
	fputc('\n', p->out);
	fflush(p->out);
	if (p->tty)
		print_state(p, cli_now());
}

void cli_progress_end(struct cli_progress *p)
{
	if (p->quiet)
		return;
	p->phase = "done";
	print_state(p, cli_now());
	if (p->line_open) {
		fputc('\n', p->out);
		p->line_open = false;
	}
}
