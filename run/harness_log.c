/* SPDX-License-Identifier: MIT */
/* The per-op log line (kas_harness_opts.log), with the world's events. */
#include <stdio.h>
#include <string.h>
#include "harness_internal.h"
#include "kallocspec/world.h"

/* A short summary of the world events of a call, for the log. */
static const char *world_note(const struct kas_call *c, size_t page_size, char *buf, size_t len)
{
	const struct kas_world_obs *w = &c->world;
	size_t n = 0;
	buf[0] = '\0';
#define NOTE(cond, ...) \
	do { if ((cond) && n < len) n += (size_t)snprintf(buf + n, len - n, __VA_ARGS__); } while (0)
	NOTE(w->context != KAS_CTX_PROCESS, " %s", kas_context_name(w->context));
	NOTE(w->kswapd_wakes, " kswapd:%u(+%zu)", w->kswapd_wakes, w->kswapd_reclaimed);
	NOTE(w->reclaim_rounds, " reclaim:%u/%zupages", w->reclaim_rounds, w->reclaimed_total);
	NOTE(w->starvation_releases, " starvation-release:%zupages", w->starvation_pages);
	NOTE(w->starvation_exhausted, " starvation-exhausted:%u", w->starvation_exhausted);
	NOTE(w->oom_calls, " oom:%u/%u", w->oom_kills, w->oom_calls);
	NOTE(w->reserve_uses, " reserves:%u", w->reserve_uses);
	NOTE(w->sleeps, " sleep:%u", w->sleeps);
	NOTE(w->memcg_charge_fails, " memcg-fail:%u", w->memcg_charge_fails);
	NOTE(w->rcu_queued, " call_rcu:%u", w->rcu_queued);
	NOTE(w->rcu_callbacks_run, " rcu-run:%u", w->rcu_callbacks_run);
	NOTE(w->rcu_early_reuse, " rcu-early-reuse");
	/* physical layout of a multi-page result: vmalloc scatters, kmalloc must not (PHYS-1) */
	NOTE(c->obs.phys_known && c->req_size > page_size, " frames:%s",
	     c->obs.phys_contig ? "contiguous" : "scattered");
#undef NOTE
	if (n && n + 3 < len) {
		memmove(buf + 3, buf + 1, n);   /* " x y" -> "  [x y]" */
		buf[0] = buf[1] = ' ';
		buf[2] = '[';
		n = strlen(buf);
		if (n + 1 < len) {
			buf[n] = ']';
			buf[n + 1] = '\0';
		}
	}
	return buf;
}

void kas__log_call(struct run *r, const struct kas_call *c, unsigned fails)
{
	FILE *f = r->opts ? r->opts->log : NULL;
	char text[512], note[256];
	static const char *const skip_names[] = { "", "dead handle", "not in this kernel version",
						  "undefined behaviour, not executed",
						  "bad argument" };
	if (!f)
		return;
	if (c->index < r->t->nops && c->op == &r->t->ops[c->index])
		kas_op_format(r->t, c->index, text, sizeof(text));
	else
		snprintf(text, sizeof(text), "%s (end of trace)", kas_op_table[c->op->code].name);
	if (c->status == KAS_CALL_SKIPPED && c->caller) {
		const struct kas_caller_rule *cr = kas_caller_rule_at(c->caller - 1u);
		fprintf(f, "%4zu  %-48s SKIPPED %s: %s\n", c->index, text, cr->id, cr->title);
	} else if (c->status == KAS_CALL_SKIPPED)
		fprintf(f, "%4zu  %-48s SKIPPED (%s)\n", c->index, text, skip_names[c->skip]);
	else if (c->status == KAS_CALL_UNSUPPORTED)
		fprintf(f, "%4zu  %-48s UNSUPPORTED by the port\n", c->index, text);
	else
		fprintf(f, "%4zu  %-48s -> %#lx%s%s%s\n", c->index, text, (unsigned long)c->ret,
			c->obs.warns ? "  [warned]" : "", world_note(c, r->prof->page_size, note, sizeof(note)),
			fails ? "  FAIL" : "");
}
