/* SPDX-License-Identifier: MIT */
/*
 * Binary trace form (for fuzzers): the decoder.  The encoder is in
 * trace_codec_encode.c, the value tables in trace_codec_tables.h.
 *
 * Design goal: EVERY byte string is a valid trace.  Reading past the end
 * yields zero bytes, nothing is ever an error, and handle arguments only
 * ever name handles that are statically live, so a fuzzer spends its time
 * on meaningful call sequences rather than on parse failures.
 *
 * Format: a sequence of ops until the input ends (or max_ops ops).
 *
 *   op      := OPCODE arg*
 *   OPCODE  1 byte b, code = b % 64.  code < 42 is that op (ops.def
 *           order) with its arguments as below; code 62 is the world
 *           escape: one more byte w selects the world op 42 + w % N, N
 *           the number of ops after the first 42 (ballast .. copy_to_user,
 *           then ops_context.def, ops_zone.def, ops_rcu.def, ops_threads.def;
 *           ops.def order); any other code
 *           (42..61, 63) is FREE_AUTO (see the end).
 *
 *   Arguments, in ops.def order, by kind:
 *   AK_SIZE   1 byte c: 0x00..0x3f the value c; 0x40..0xfc a class
 *             (kas__size_class, modulo the number of classes: 2^k for
 *             k = 6..63, 2^k-1 and 2^k+1 for k = 6..32, 3..100 pages,
 *             KMALLOC_MAX_CACHE_SIZE and KMALLOC_MAX_SIZE with +-1,
 *             SIZE_MAX/PAGE_SIZE+1, common odd sizes (24, 96, 192, 1000,
 *             ...), INT_MAX, SIZE_MAX, SIZE_MAX-1 and counts that overflow
 *             when multiplied (SIZE_MAX/2, /3, /4+1, ...); INT_MAX+1 = 2^31,
 *             1<<32 and SIZE_MAX/2+1 = 2^63 are among the powers); 0xfd
 *             4-byte, 0xfe 2-byte, 0xff 8-byte little-endian literal.
 *   AK_GFP    1 byte g: 0xff = 4-byte little-endian literal.  Otherwise the
 *             base (g & 0x7f) % 18 from kas__gfp_base (GFP_KERNEL, GFP_NOWAIT,
 *             GFP_ATOMIC, GFP_NOFS, GFP_NOIO, GFP_USER, GFP_DMA, GFP_DMA32,
 *             GFP_KERNEL_ACCOUNT, GFP_HIGHUSER, GFP_HIGHUSER_MOVABLE,
 *             GFP_KERNEL&~__GFP_RECLAIM, GFP_KERNEL&~__GFP_DIRECT_RECLAIM, 0,
 *             GFP_KERNEL|__GFP_DMA, GFP_KERNEL|__GFP_DMA32,
 *             GFP_TRANSHUGE_LIGHT, GFP_TRANSHUGE), resolved for the profile's
 *             kernel version; if g & 0x80 a modifier byte follows whose bits
 *             0..7 OR in __GFP_ZERO, __GFP_NOWARN, __GFP_NORETRY,
 *             __GFP_RETRY_MAYFAIL, __GFP_NOFAIL, __GFP_ACCOUNT, __GFP_COMP,
 *             __GFP_HIGHMEM.
 *   AK_ORDER  1 byte o: o & 0x80 ? o & 0x3f : o & 0x0f.
 *   AK_SLAB   LEB128 varint, masked with KAS_SLAB_ALL.
 *   AK_NAME   1 byte: bit 0 = `ctor` (KAS_OPF_CTOR).  The cache is named
 *             cN, N counting the caches created so far.
 *   AK_PTR    1 byte p: 0xff NULL, 0xfe ZERO_SIZE_PTR, 0xfd LEB128 index
 *             follows, else the index p.  The live object handles, in
 *             binding order, are indexed modulo their count.
 *   AK_CACHE  1 byte p: 0xff NULL, 0xfd LEB128 index follows, else the
 *             index p, modulo the number of live cache handles.
 *   AK_KIND   1 byte k: ballast kind k % 5 (pinned, clean, fs_dirty,
 *             io_dirty, anon).
 *   AK_FLAGS  1 byte p: 0xfd LEB128 index follows, else the index p,
 *             modulo the number of live saved-flags handles (none live:
 *             the op is dropped).
 *   AK_LIST   1 byte c: the count is c % 16, or for c = 0xff a LEB128
 *             count follows; either way clamped to the bytes left and to
 *             KAS__COUNT_MAX (256).  Then
 *             the entries,
 *             coded like AK_PTR over the live object handles followed by
 *             the live bulk handles.  All entries are read against the
 *             handles live when the op starts.
 *
 *   The object count of kmem_cache_alloc_bulk and the rounds of
 *   concurrent_kmalloc (AK_SIZEs) are clamped too (KAS__COUNT_MAX,
 *   KAS__ROUNDS_MAX):
 *   counts are where an input of a few bytes could demand unbounded work
 *   (8 threads x 100000 rounds is seconds), and the rules about bulk
 *   allocation and other tasks need no more than a few hundred.  The
 *   encoder refuses larger counts, so round trips stay exact.
 *
 *   An op with an AK_PTR / AK_CACHE argument that cannot be formed (index
 *   into an empty set) is dropped after its bytes are consumed; a list
 *   entry that cannot be formed is left out of the list.
 *
 *   FREE_AUTO: 1 handle byte (0xfd LEB128 escape, else the index) over the
 *   live object, then bulk, then cache, then saved-flags handles, and 1
 *   choice byte.  It
 *   becomes the free op the handle needs (dropped when nothing is live):
 *     kmalloc family (incl. krealloc*): kfree / kvfree / kfree_sensitive
 *       (choice % 3);
 *     kmem_cache_alloc / _zalloc: kmem_cache_free with its own cache when
 *       that is live (choice even), else kfree;
 *     vmalloc family (incl. vrealloc): vfree / kvfree (choice % 2);
 *     kvmalloc family (incl. kvrealloc): kvfree;
 *     alloc_pages: __free_pages with its order; __get_free_pages /
 *       get_zeroed_page: free_pages with its order;
 *     bulk group: kmem_cache_free_bulk with its cache when live, else
 *       kfree_bulk;  cache: kmem_cache_destroy;  saved flags: the
 *       memalloc_*_restore matching the save that bound it.
 *
 * Static liveness: every op that returns a pointer, cache or bulk group
 * binds a new handle (objects h0, h1, ...; bulk groups b0, b1, ...; caches
 * c0, c1, ...).  An object handle dies when passed to kfree, kvfree,
 * kfree_sensitive, vfree, kmem_cache_free, free_pages, __free_pages, listed
 * in kfree_bulk / kmem_cache_free_bulk, or passed as the input of krealloc,
 * krealloc_array, kvrealloc or vrealloc; a bulk handle dies when listed in a
 * bulk free; a cache handle dies on kmem_cache_destroy.  kfree_rcu and
 * kvfree_rcu kill their object handle, memalloc_*_restore its saved-flags
 * handle (memalloc_*_save binds f0, f1, ...).  Whether the
 * object really dies (a failed krealloc keeps it) is the harness's
 * business: it skips ops on handles that are dead at run time.
 */
#include <stdio.h>
#include <string.h>
#include "trace_codec_tables.h"


struct reader {
	const uint8_t *p;
	size_t len, pos;
};

static uint8_t rd_u8(struct reader *r)
{
	return r->pos < r->len ? r->p[r->pos++] : 0;
}

static uint64_t rd_le(struct reader *r, unsigned n)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)rd_u8(r) << (8 * i);
	return v;
}

static uint64_t rd_varint(struct reader *r)
{
	uint64_t v = 0;
	for (unsigned shift = 0; shift < 70; shift += 7) {
		uint8_t b = rd_u8(r);
		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	return v;
}

struct decoder {
	struct kas_trace *t;
	struct reader r;
	struct kas__live live;
	const struct kas_profile *prof;
	uint32_t nnamed[KAS__LIVE_KINDS + 1]; /* slots created per kind, for h/c/b/f names */
};

static uint64_t rd_size(struct decoder *d)
{
	uint8_t c = rd_u8(&d->r);
	if (c < KAS__SIZE_SMALL_END)
		return c;
	switch (c) {
	case KAS__SIZE_LIT4:
		return rd_le(&d->r, 4);
	case KAS__SIZE_LIT2:
		return rd_le(&d->r, 2);
	case KAS__SIZE_LIT8:
		return rd_le(&d->r, 8);
	default:
		return kas__size_class(c - KAS__SIZE_SMALL_END, d->prof);
	}
}

static uint64_t rd_gfp(struct decoder *d)
{
	uint8_t g = rd_u8(&d->r);
	if (g == KAS__GFP_LIT)
		return rd_le(&d->r, 4);
	kas_gfp_t v = kas__gfp_base(g & 0x7f, d->prof->kver);
	if (g & 0x80) {
		uint8_t m = rd_u8(&d->r);
		for (unsigned i = 0; i < 8; i++)
			if (m & (1u << i))
				v |= kas__gfp_mods[i];
	}
	return v;
}

/* Reads a handle byte; returns the index into a set of n handles, or -1
 * for "cannot be formed"; *special gets KAS_REF_NULL / KAS_REF_ZSP when the
 * byte names one of those (only where allowed). */
static int64_t rd_index(struct decoder *d, uint64_t n, bool allow_null, bool allow_zsp,
			uint8_t *special)
{
	uint8_t p = rd_u8(&d->r);
	uint64_t idx = p;
	*special = KAS_REF_HANDLE;
	if (allow_null && p == KAS__REF_NULL) {
		*special = KAS_REF_NULL;
		return 0;
	}
	if (allow_zsp && p == KAS__REF_ZSP) {
		*special = KAS_REF_ZSP;
		return 0;
	}
	if (p == KAS__REF_ESC)
		idx = rd_varint(&d->r);
	if (!n)
		return -1;
	return (int64_t)(idx % n);
}

/* The k-th handle of the concatenation of live objects, bulk groups and
 * caches (kinds listed in order). */
static uint32_t pick(struct decoder *d, const uint8_t *kinds, unsigned nkinds, uint64_t k)
{
	for (unsigned i = 0; i < nkinds; i++) {
		uint32_t c = kas__live_count(&d->live, kinds[i]);
		if (k < c)
			return kas__live_kth(&d->live, kinds[i], (uint32_t)k);
		k -= c;
	}
	return 0;   /* unreachable: k < total */
}

static uint64_t live_total(struct decoder *d, const uint8_t *kinds, unsigned nkinds)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < nkinds; i++)
		n += kas__live_count(&d->live, kinds[i]);
	return n;
}

static const uint8_t obj_kinds[] = { KAS_SLOT_OBJ };
static const uint8_t cache_kinds[] = { KAS_SLOT_CACHE };
static const uint8_t list_kinds[] = { KAS_SLOT_OBJ, KAS_SLOT_BULK };
static const uint8_t flags_kinds[] = { KAS_SLOT_FLAGS };
static const uint8_t any_kinds[] = { KAS_SLOT_OBJ, KAS_SLOT_BULK, KAS_SLOT_CACHE, KAS_SLOT_FLAGS };

/* Appends op (already filled in) to the trace, applies the deaths it
 * causes and binds its result.  name_arg: the AK_NAME argument index or -1. */
static int commit(struct decoder *d, const struct kas_op *tmpl, int name_arg)
{
	struct kas_trace *t = d->t;
	uint32_t index = (uint32_t)t->nops;
	struct kas_op *op = kas__push_op(t, (enum kas_opcode)tmpl->code);
	if (!op)
		return -1;
	*op = *tmpl;
	op->slot = -1;
	op->line = 0;
	uint8_t kind = kas__result_slot_kind((enum kas_opcode)op->code);
	char name[24];
	if (kind == KAS_SLOT_CACHE)
		snprintf(name, sizeof(name), "c%u", d->nnamed[kind]);
	else if (kind == KAS_SLOT_FLAGS)
		snprintf(name, sizeof(name), "f%u", d->nnamed[kind]);
	else
		snprintf(name, sizeof(name), "%s%u", kind == KAS_SLOT_BULK ? "b" : "h",
			 d->nnamed[kind]);
	if (name_arg >= 0) {
		int64_t s = kas__push_string(t, name, strlen(name));
		if (s < 0)
			return -1;
		op->v[name_arg] = (uint64_t)s;
	}
	kas__live_kill_args(&d->live, t, op);
	if (kind) {
		int32_t s = kas__push_slot(t, kind, index, name, strlen(name));
		if (s < 0)
			return -1;
		t->ops[index].slot = s;
		d->nnamed[kind]++;
		kas__live_add(&d->live, (uint32_t)s, kind);
	}
	return 0;
}

/* One regular op; *dropped when an argument could not be formed. */
static int decode_op(struct decoder *d, enum kas_opcode code)
{
	struct kas_trace *t = d->t;
	const struct kas_op_info *oi = &kas_op_table[code];
	struct kas_op op;
	memset(&op, 0, sizeof(op));
	op.code = (uint16_t)code;
	op.nargs = oi->nargs;
	size_t list_mark = t->nlist;
	bool ok = true;
	int name_arg = -1;
	uint8_t special;

	for (unsigned i = 0; i < oi->nargs; i++) {
		op.ref[i] = KAS_REF_VALUE;
		switch (oi->args[i]) {
		case AK_SIZE:
			op.v[i] = rd_size(d);
			if (kas__codec_count_max(code, i) && op.v[i] > kas__codec_count_max(code, i))
				op.v[i] = kas__codec_count_max(code, i);
			break;
		case AK_GFP:
			op.v[i] = rd_gfp(d);
			break;
		case AK_ORDER: {
			uint8_t o = rd_u8(&d->r);
			op.v[i] = (o & 0x80) ? (o & 0x3f) : (o & 0x0f);
			break;
		}
		case AK_SLAB:
			op.v[i] = rd_varint(&d->r) & KAS_SLAB_ALL;
			break;
		case AK_NAME:
			if (rd_u8(&d->r) & 1)
				op.flags |= KAS_OPF_CTOR;
			name_arg = (int)i;
			break;
		case AK_PTR:
		case AK_CACHE: {
			bool is_ptr = oi->args[i] == AK_PTR;
			const uint8_t *kinds = is_ptr ? obj_kinds : cache_kinds;
			int64_t k = rd_index(d, live_total(d, kinds, 1), true, is_ptr, &special);
			if (k < 0) {
				ok = false;
				break;
			}
			op.ref[i] = special;
			if (special == KAS_REF_HANDLE)
				op.v[i] = pick(d, kinds, 1, (uint64_t)k);
			else
				op.v[i] = special == KAS_REF_ZSP ? KAS_ZERO_SIZE_PTR : 0;
			break;
		}
		case AK_KIND:
			op.v[i] = rd_u8(&d->r) % KAS_BALLAST__COUNT;
			break;
		case AK_FLAGS: {
			int64_t k = rd_index(d, live_total(d, flags_kinds, 1), false, false, &special);
			if (k < 0) {
				ok = false;
				break;
			}
			op.ref[i] = KAS_REF_HANDLE;
			op.v[i] = pick(d, flags_kinds, 1, (uint64_t)k);
			break;
		}
		case AK_LIST: {
			uint8_t c = rd_u8(&d->r);
			uint64_t n = c == KAS__LIST_ESC ? rd_varint(&d->r) : c % 16;
			uint64_t left = d->r.len - d->r.pos;
			if (n > left)
				n = left;
			if (n > KAS__COUNT_MAX)
				n = KAS__COUNT_MAX;
			uint64_t total = live_total(d, list_kinds, 2);
			op.list_off = (uint32_t)t->nlist;
			for (uint64_t e = 0; e < n; e++) {
				int64_t k = rd_index(d, total, true, true, &special);
				if (k < 0)
					continue;
				uint32_t slot = special == KAS_REF_HANDLE ?
						pick(d, list_kinds, 2, (uint64_t)k) : 0;
				if (kas__push_list(t, special, slot))
					return -1;
				op.list_len++;
			}
			op.v[i] = op.list_len;
			break;
		}
		default:
			break;
		}
	}
	if (!ok) {
		t->nlist = list_mark;
		return 0;
	}
	return commit(d, &op, name_arg);
}

static int decode_free_auto(struct decoder *d)
{
	struct kas_trace *t = d->t;
	uint8_t special;
	int64_t k = rd_index(d, live_total(d, any_kinds, 4), false, false, &special);
	uint8_t choice = rd_u8(&d->r);
	if (k < 0)
		return 0;
	uint32_t s = pick(d, any_kinds, 4, (uint64_t)k);
	const struct kas_slot *slot = &t->slots[s];
	const struct kas_op *def = &t->ops[slot->def_op];
	struct kas_op op;
	memset(&op, 0, sizeof(op));

	/* The creating op's cache argument, when it is still live. */
	bool cache_live = def->code == KAS_OP_KMEM_CACHE_ALLOC || def->code == KAS_OP_KMEM_CACHE_ZALLOC ||
			  def->code == KAS_OP_KMEM_CACHE_ALLOC_BULK;
	cache_live = cache_live && def->ref[0] == KAS_REF_HANDLE &&
		     kas__live_is(&d->live, (uint32_t)def->v[0]);

	enum kas_opcode code;
	if (slot->kind == KAS_SLOT_FLAGS) {
		code = def->code == KAS_OP_MEMALLOC_NOIO_SAVE ? KAS_OP_MEMALLOC_NOIO_RESTORE :
		       def->code == KAS_OP_MEMALLOC_NORECLAIM_SAVE ? KAS_OP_MEMALLOC_NORECLAIM_RESTORE :
		       def->code == KAS_OP_MEMALLOC_PIN_SAVE ? KAS_OP_MEMALLOC_PIN_RESTORE :
		       KAS_OP_MEMALLOC_NOFS_RESTORE;
	} else if (slot->kind == KAS_SLOT_CACHE) {
		code = KAS_OP_KMEM_CACHE_DESTROY;
	} else if (slot->kind == KAS_SLOT_BULK) {
		code = cache_live ? KAS_OP_KMEM_CACHE_FREE_BULK : KAS_OP_KFREE_BULK;
	} else {
		switch (def->code) {
		case KAS_OP_KMALLOC: case KAS_OP_KZALLOC: case KAS_OP_KMALLOC_ARRAY:
		case KAS_OP_KCALLOC: case KAS_OP_KREALLOC: case KAS_OP_KREALLOC_ARRAY: {
			static const enum kas_opcode kfrees[] = {
				KAS_OP_KFREE, KAS_OP_KVFREE, KAS_OP_KFREE_SENSITIVE,
			};
			code = kfrees[choice % 3];
			break;
		}
		case KAS_OP_KMEM_CACHE_ALLOC: case KAS_OP_KMEM_CACHE_ZALLOC:
			code = cache_live && choice % 2 == 0 ? KAS_OP_KMEM_CACHE_FREE : KAS_OP_KFREE;
			break;
		case KAS_OP_VMALLOC: case KAS_OP_VZALLOC: case KAS_OP_VMALLOC_GFP:
		case KAS_OP_VMALLOC_NODE: case KAS_OP_VREALLOC:
			code = choice % 2 ? KAS_OP_KVFREE : KAS_OP_VFREE;
			break;
		case KAS_OP_ALLOC_PAGES:
			code = KAS_OP___FREE_PAGES;
			break;
		case KAS_OP_GET_FREE_PAGES: case KAS_OP_GET_ZEROED_PAGE:
			code = KAS_OP_FREE_PAGES;
			break;
		case KAS_OP_ALLOC_PAGES_EXACT:
			code = KAS_OP_FREE_PAGES_EXACT;
			break;
		default:   /* the kvmalloc family */
			code = KAS_OP_KVFREE;
			break;
		}
	}
	op.code = (uint16_t)code;
	op.nargs = kas_op_table[code].nargs;
	switch (code) {
	case KAS_OP_KMEM_CACHE_FREE:
		op.ref[0] = op.ref[1] = KAS_REF_HANDLE;
		op.v[0] = def->v[0];
		op.v[1] = s;
		break;
	case KAS_OP_KMEM_CACHE_FREE_BULK:
	case KAS_OP_KFREE_BULK: {
		unsigned li = code == KAS_OP_KFREE_BULK ? 0 : 1;
		if (li) {
			op.ref[0] = KAS_REF_HANDLE;
			op.v[0] = def->v[0];
		}
		op.list_off = (uint32_t)t->nlist;
		op.list_len = 1;
		op.v[li] = 1;
		if (kas__push_list(t, KAS_REF_HANDLE, s))
			return -1;
		break;
	}
	case KAS_OP_FREE_PAGES:
	case KAS_OP___FREE_PAGES:
		op.ref[0] = KAS_REF_HANDLE;
		op.v[0] = s;
		op.v[1] = def->code == KAS_OP_GET_ZEROED_PAGE ? 0 : def->v[1];
		break;
	case KAS_OP_FREE_PAGES_EXACT:   /* the allocation's own size */
		op.ref[0] = KAS_REF_HANDLE;
		op.v[0] = s;
		op.ref[1] = def->ref[0];
		op.v[1] = def->v[0];
		break;
	default:
		op.ref[0] = KAS_REF_HANDLE;
		op.v[0] = s;
		break;
	}
	return commit(d, &op, -1);
}

int kas_trace_decode(struct kas_trace *t, const uint8_t *data, size_t len,
		     const struct kas_profile *profile, size_t max_ops)
{
	static const char source[] = "<decoded>";
	struct decoder d;
	memset(&d, 0, sizeof(d));
	d.t = t;
	d.r.p = data;
	d.r.len = data ? len : 0;
	d.prof = profile ? profile : kas_profile_default();

	kas_trace_clear(t);
	t->profile = d.prof;
	if (!t->source || strcmp(t->source, source) != 0)
		if (kas__set_str(&t->source, source, sizeof(source) - 1))
			return -1;

	/* Every op consumes at least one byte, so slots <= ops <= len. */
	size_t cap = d.r.len;
	if (max_ops && max_ops < cap)
		cap = max_ops;
	uint64_t stackbuf[2048];
	if (kas__live_init(&d.live, cap, stackbuf, sizeof(stackbuf)))
		return -1;

	int rc = 0;
	while (d.r.pos < d.r.len && (!max_ops || t->nops < max_ops)) {
		unsigned code = rd_u8(&d.r) % KAS__OPCODE_MOD;
		if (code == KAS__OP_WORLD_ESC)
			rc = decode_op(&d, (enum kas_opcode)(KAS__NCORE_OPS +
							     rd_u8(&d.r) % KAS__NWORLD_OPS));
		else if (code < KAS__NCORE_OPS)
			rc = decode_op(&d, (enum kas_opcode)code);
		else
			rc = decode_free_auto(&d);
		if (rc)
			break;
	}
	kas__live_fini(&d.live);
	return rc;
}
