/* SPDX-License-Identifier: MIT */
/*
 * The world's vocabulary, shared by the trace language (ballast kinds are
 * words of the text form), the spec (the gfp a call acts on once the task's
 * scopes apply) and the run layer that simulates the world.  See world.h.
 */
#include <string.h>
#include "kallocspec/world.h"

static const char *const ballast_names[KAS_BALLAST__COUNT] = {
	"pinned", "clean", "fs_dirty", "io_dirty", "anon",
};

const char *kas_ballast_kind_name(unsigned kind)
{
	return kind < KAS_BALLAST__COUNT ? ballast_names[kind] : NULL;
}

int kas_ballast_kind_lookup(const char *s, size_t len)
{
	for (unsigned k = 0; k < KAS_BALLAST__COUNT; k++)
		if (strlen(ballast_names[k]) == len && !memcmp(ballast_names[k], s, len))
			return (int)k;
	return -1;
}

const char *kas_context_name(unsigned ctx)
{
	static const char *const names[] = { "process", "atomic", "irq", "irqs_off", "nmi" };
	return ctx < sizeof(names) / sizeof(names[0]) ? names[ctx] : "?";
}

kas_gfp_t kas_scope_apply(unsigned scopes, kas_gfp_t gfp)
{
	/* NOIO is the weaker context and takes precedence (sched/mm.h) */
	if (scopes & KAS_SCOPE_NOIO)
		gfp &= ~(__GFP_IO | __GFP_FS);
	else if (scopes & KAS_SCOPE_NOFS)
		gfp &= ~__GFP_FS;
	if (scopes & KAS_SCOPE_PIN)
		gfp &= ~__GFP_MOVABLE;
	if (scopes & KAS_SCOPE_NORECLAIM)
		gfp |= __GFP_MEMALLOC;
	return gfp;
}
