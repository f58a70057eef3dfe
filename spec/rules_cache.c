/* SPDX-License-Identifier: MIT */
/* CACHE-5: constructor state on objects from ctor caches. */
#include <inttypes.h>
#include "spec_internal.h"

#define PTRF "%#" PRIxPTR

/* The model is still pre-call here; the address set holds every address
 * this cache handed out earlier in the trace (commit adds to it). */
enum kas_verdict kas_chk_cache_5(struct kas_check *cx, const struct kas_call *c)
{
	const struct kas_cache *k = kas_call_cache(cx->spec, c);
	if (!k || !k->ctor || c->op->code != KAS_OP_KMEM_CACHE_ALLOC || !kas_got_object(c))
		return KAS_V_NA;
	bool judged = false;
	if (c->obs.ctor.checked) {
		judged = true;
		if (c->obs.ctor.first_bad != KAS_NOT_FOUND)
			return kas_fail(cx, "kmem_cache_alloc from a ctor cache returned " PTRF
					" without the constructor state (byte %zu differs)",
					c->ret, c->obs.ctor.first_bad);
	}
	if (kas_addrset_contains(&cx->spec->cache_seen, c->in_cache, c->ret)) {
		judged = true;
		if (c->obs.ctor_on_result > 0)
			return kas_fail(cx, "kmem_cache_alloc ran the constructor again on recycled object "
					PTRF " (%u time%s)", c->ret, c->obs.ctor_on_result,
					c->obs.ctor_on_result == 1 ? "" : "s");
	}
	return judged ? KAS_V_PASS : KAS_V_NA;
}
