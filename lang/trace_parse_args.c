/* SPDX-License-Identifier: MIT */
/*
 * Argument values of .ktrace op lines: integers with constants and left to
 * right + - * arithmetic, GFP expressions, SLAB expressions, handles and
 * handle lists.  Tokens never contain spaces.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "trace_parse_internal.h"
#include "kallocspec/world.h"

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool is_ident_start(char c)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_ident(char c)
{
	return is_ident_start(c) || is_digit(c);
}

static int hex_val(char c)
{
	if (is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

enum num_status { NUM_OK, NUM_OVERFLOW, NUM_NO_HEX_DIGITS };

/* Decimal or 0x hex digits at s[*pos] (caller checked a digit is there). */
static enum num_status scan_number(const char *s, size_t len, size_t *pos, uint64_t *out)
{
	size_t i = *pos;
	uint64_t v = 0;
	bool overflow = false;
	if (i + 1 < len && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		i += 2;
		if (i >= len || hex_val(s[i]) < 0) {
			*pos = i;
			return NUM_NO_HEX_DIGITS;
		}
		for (; i < len && hex_val(s[i]) >= 0; i++) {
			if (v >> 60)
				overflow = true;
			v = v << 4 | (uint64_t)hex_val(s[i]);
		}
	} else {
		for (; i < len && is_digit(s[i]); i++) {
			uint64_t d = (uint64_t)(s[i] - '0');
			if (v > (UINT64_MAX - d) / 10)
				overflow = true;
			v = v * 10 + d;
		}
	}
	*pos = i;
	*out = v;
	return overflow ? NUM_OVERFLOW : NUM_OK;
}

/* ---- integers ---- */

static bool int_constant(const struct kas_profile *pr, const char *s, size_t n, uint64_t *out)
{
#define IS(name) (n == sizeof(name) - 1 && !memcmp(s, name, n))
	if (IS("SIZE_MAX"))
		*out = UINT64_MAX;
	else if (IS("INT_MAX"))
		*out = 0x7fffffff;
	else if (IS("PAGE_SIZE"))
		*out = pr->page_size;
	else if (IS("KMALLOC_MAX_SIZE"))
		*out = pr->kmalloc_max_size;
	else if (IS("KMALLOC_MAX_CACHE_SIZE"))
		*out = pr->kmalloc_max_cache_size;
	else
		return false;
	return true;
#undef IS
}

/* One number or constant at s[*pos]. */
static int int_term(struct kas__parser *p, const struct kas__tok *tk, size_t *pos,
		    uint64_t *out)
{
	const char *s = p->line + tk->off;
	size_t i = *pos;
	if (i < tk->len && is_digit(s[i])) {
		enum num_status st = scan_number(s, tk->len, &i, out);
		if (st == NUM_OVERFLOW)
			return kas__parse_fail(p, tk->off, "integer overflow");
		if (st == NUM_NO_HEX_DIGITS)
			return kas__parse_fail(p, tk->off + i, "expected hex digits after '0x'");
	} else if (i < tk->len && is_ident_start(s[i])) {
		size_t start = i;
		while (i < tk->len && is_ident(s[i]))
			i++;
		if (!int_constant(p->prof, s + start, i - start, out))
			return kas__parse_fail(p, tk->off + start,
					       "expected a number or one of SIZE_MAX, INT_MAX, PAGE_SIZE, KMALLOC_MAX_SIZE, KMALLOC_MAX_CACHE_SIZE, found '%.*s'",
					       (int)(i - start), s + start);
	} else if (i < tk->len) {
		return kas__parse_fail(p, tk->off + i, "expected a number, found '%c'", s[i]);
	} else {
		return kas__parse_fail(p, tk->off + i, "expected a number after '%c'", s[i - 1]);
	}
	*pos = i;
	return 0;
}

/* term (op term)*, evaluated strictly left to right, 64-bit, no wrapping. */
static int parse_int(struct kas__parser *p, const struct kas__tok *tk, uint64_t *out)
{
	const char *s = p->line + tk->off;
	size_t pos = 0;
	uint64_t acc, rhs;
	if (int_term(p, tk, &pos, &acc))
		return -1;
	while (pos < tk->len) {
		char opc = s[pos];
		if (opc != '+' && opc != '-' && opc != '*')
			return kas__parse_fail(p, tk->off + pos,
					       "expected '+', '-', '*' or the end of the number, found '%c'",
					       opc);
		pos++;
		if (int_term(p, tk, &pos, &rhs))
			return -1;
		bool ovf;
		if (opc == '+')
			ovf = __builtin_add_overflow(acc, rhs, &acc);
		else if (opc == '-')
			ovf = __builtin_sub_overflow(acc, rhs, &acc);
		else
			ovf = __builtin_mul_overflow(acc, rhs, &acc);
		if (ovf)
			return kas__parse_fail(p, tk->off, "integer overflow");
	}
	*out = acc;
	return 0;
}

/* ---- GFP expressions ---- */

struct gfp_ctx {
	const char *s;
	size_t len, pos;
	uint32_t kver;
	size_t err_off;
	char *msg;
	size_t msglen;
};

static int gfp_fail(struct gfp_ctx *c, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int gfp_fail(struct gfp_ctx *c, size_t off, const char *fmt, ...)
{
	c->err_off = off;
	if (c->msglen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(c->msg, c->msglen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static const char *found_char(struct gfp_ctx *c, char *buf, size_t n)
{
	if (c->pos >= c->len)
		snprintf(buf, n, "end of GFP flags");
	else
		snprintf(buf, n, "'%c'", c->s[c->pos]);
	return buf;
}

static int gfp_expr(struct gfp_ctx *c, unsigned depth, uint64_t *out);

static int gfp_name(struct gfp_ctx *c, uint64_t *out)
{
	size_t start = c->pos;
	while (c->pos < c->len && is_ident(c->s[c->pos]))
		c->pos++;
	const char *name = c->s + start;
	size_t n = c->pos - start;
	kas_gfp_t v;
	if (kas_gfp_lookup(name, n, c->kver, &v)) {
		*out = v;
		return 0;
	}
	/* Say so when the name is real but belongs to other kernel versions. */
	char where[128] = "";
	size_t wl = 0;
	for (size_t i = 0; i < kas_profile_count(); i++) {
		const struct kas_profile *pr = kas_profile_at(i);
		if (kas_gfp_lookup(name, n, pr->kver, &v) && wl < sizeof(where))
			wl += (size_t)snprintf(where + wl, sizeof(where) - wl, "%s%s",
					       wl ? ", " : "", pr->name);
	}
	if (wl) {
		const char *prof = "this kernel version";
		for (size_t i = 0; i < kas_profile_count(); i++)
			if (kas_profile_at(i)->kver == c->kver)
				prof = kas_profile_at(i)->name;
		return gfp_fail(c, start, "GFP flag '%.*s' does not exist in %s (only in %s)",
				(int)(n > 64 ? 64 : n), name, prof, where);
	}
	return gfp_fail(c, start, "unknown GFP flag '%.*s'", (int)(n > 64 ? 64 : n), name);
}

static int gfp_term(struct gfp_ctx *c, unsigned depth, uint64_t *out)
{
	char f[32];
	if (c->pos < c->len && c->s[c->pos] == '(') {
		size_t open = c->pos++;
		if (depth > 32)
			return gfp_fail(c, open, "GFP expression nested too deeply");
		if (gfp_expr(c, depth + 1, out))
			return -1;
		if (c->pos >= c->len || c->s[c->pos] != ')')
			return gfp_fail(c, c->pos, "expected ')' to match '(', found %s",
					found_char(c, f, sizeof(f)));
		c->pos++;
		return 0;
	}
	if (c->pos < c->len && is_ident_start(c->s[c->pos]))
		return gfp_name(c, out);
	if (c->pos < c->len && is_digit(c->s[c->pos])) {
		size_t start = c->pos;
		enum num_status st = scan_number(c->s, c->len, &c->pos, out);
		if (st == NUM_NO_HEX_DIGITS)
			return gfp_fail(c, c->pos, "expected hex digits after '0x'");
		if (st == NUM_OVERFLOW || *out > UINT32_MAX)
			return gfp_fail(c, start, "GFP value '%.*s' does not fit in 32 bits",
					(int)(c->pos - start > 40 ? 40 : c->pos - start), c->s + start);
		return 0;
	}
	return gfp_fail(c, c->pos, "expected a GFP flag name, a number or '(', found %s",
			found_char(c, f, sizeof(f)));
}

static int gfp_expr(struct gfp_ctx *c, unsigned depth, uint64_t *out)
{
	uint64_t acc, rhs;
	char f[32];
	if (gfp_term(c, depth, &acc))
		return -1;
	while (c->pos < c->len && c->s[c->pos] != ')') {
		if (c->s[c->pos] == '|') {
			c->pos++;
			if (gfp_term(c, depth, &rhs))
				return -1;
			acc |= rhs;
		} else if (c->s[c->pos] == '&' && c->pos + 1 < c->len && c->s[c->pos + 1] == '~') {
			c->pos += 2;
			if (gfp_term(c, depth, &rhs))
				return -1;
			acc &= ~rhs;
		} else {
			return gfp_fail(c, c->pos, "expected '|' or '&~' between GFP flags, found %s",
					found_char(c, f, sizeof(f)));
		}
	}
	*out = acc;
	return 0;
}

int kas_gfp_parse(const char *s, size_t len, uint32_t kver, kas_gfp_t *out,
		  size_t *err_off, char *err, size_t errlen)
{
	struct gfp_ctx c = { s, len, 0, kver, 0, err, errlen };
	uint64_t v;
	int rc = gfp_expr(&c, 0, &v);
	if (!rc && c.pos < len)
		rc = gfp_fail(&c, c.pos, "unmatched ')' in GFP flags");
	if (rc) {
		if (err_off)
			*err_off = c.err_off;
		return -1;
	}
	*out = (kas_gfp_t)v;
	return 0;
}

static int parse_gfp(struct kas__parser *p, const struct kas__tok *tk, uint64_t *out)
{
	char msg[200];
	size_t off = 0;
	kas_gfp_t v;
	if (kas_gfp_parse(p->line + tk->off, tk->len, p->prof->kver, &v, &off, msg, sizeof(msg)))
		return kas__parse_fail(p, tk->off + off, "%s", msg);
	*out = v;
	return 0;
}

/* ---- SLAB expressions: 0, numbers and SLAB_* names joined by '|' ---- */

static int parse_slab(struct kas__parser *p, const struct kas__tok *tk, uint64_t *out)
{
	const char *s = p->line + tk->off;
	size_t pos = 0;
	uint64_t acc = 0;
	for (;;) {
		size_t start = pos;
		if (pos < tk->len && is_digit(s[pos])) {
			uint64_t v;
			enum num_status st = scan_number(s, tk->len, &pos, &v);
			if (st != NUM_OK || v > UINT32_MAX)
				return kas__parse_fail(p, tk->off + start,
						       "expected SLAB flags that fit in 32 bits");
			acc |= v;
		} else if (pos < tk->len && is_ident_start(s[pos])) {
			while (pos < tk->len && is_ident(s[pos]))
				pos++;
			uint32_t v;
			if (!kas_slab_flag_lookup(s + start, pos - start, p->prof->kver, &v)) {
				bool elsewhere = false;
				for (size_t i = 0; i < kas_profile_count(); i++)
					elsewhere |= kas_slab_flag_lookup(s + start, pos - start,
									  kas_profile_at(i)->kver, &v);
				return kas__parse_fail(p, tk->off + start, elsewhere ?
						       "SLAB flag '%.*s' does not exist in %s" :
						       "unknown SLAB flag '%.*s'%.0s",
						       (int)(pos - start > 64 ? 64 : pos - start),
						       s + start, p->prof->name);
			}
			acc |= v;
		} else {
			if (pos < tk->len)
				return kas__parse_fail(p, tk->off + pos,
						       "expected a SLAB_* flag name or 0, found '%c'", s[pos]);
			return kas__parse_fail(p, tk->off + pos,
					       "expected a SLAB_* flag name or 0 after '|'");
		}
		if (pos >= tk->len)
			break;
		if (s[pos] != '|')
			return kas__parse_fail(p, tk->off + pos,
					       "expected '|' between SLAB flags, found '%c'", s[pos]);
		pos++;
	}
	*out = acc;
	return 0;
}

/* ---- handles ---- */

static const char *kind_name(uint8_t kind)
{
	return kind == KAS_SLOT_OBJ ? "object" : kind == KAS_SLOT_CACHE ? "cache" :
	       kind == KAS_SLOT_BULK ? "bulk" : kind == KAS_SLOT_FLAGS ? "saved-flags" : "unknown";
}

/* Resolves a handle name; `accept` is a mask of (1 << KAS_SLOT_*). */
static int parse_handle(struct kas__parser *p, const struct kas__tok *tk, unsigned accept,
			const char *what, uint32_t *slot)
{
	const char *s = p->line + tk->off;
	if (!kas__valid_handle_name(s, tk->len))
		return kas__parse_fail(p, tk->off, "expected %s, found '%.*s'", what,
				       (int)tk->len, s);
	int32_t v = kas__name_map_get(&p->names, s, tk->len);
	if (v < 0)
		return kas__parse_fail(p, tk->off, "unknown handle '%.*s'", (int)tk->len, s);
	uint8_t kind = p->t->slots[v].kind;
	if (!(accept & (1u << kind)))
		return kas__parse_fail(p, tk->off, "expected %s, found %s handle '%.*s'", what,
				       kind_name(kind), (int)tk->len, s);
	*slot = (uint32_t)v;
	return 0;
}

static bool tok_eq(const struct kas__parser *p, const struct kas__tok *tk, const char *w)
{
	size_t n = strlen(w);
	return tk->len == n && !memcmp(p->line + tk->off, w, n);
}

int kas__parse_arg(struct kas__parser *p, struct kas_op *op, unsigned i, uint8_t kind,
		   const struct kas__tok *tk)
{
	uint32_t slot;
	op->ref[i] = KAS_REF_VALUE;
	switch (kind) {
	case AK_SIZE:
		return parse_int(p, tk, &op->v[i]);
	case AK_ORDER:
		if (parse_int(p, tk, &op->v[i]))
			return -1;
		if (op->v[i] > 63)
			return kas__parse_fail(p, tk->off, "expected a page order 0..63, found %.*s",
					       (int)tk->len, p->line + tk->off);
		return 0;
	case AK_GFP:
		return parse_gfp(p, tk, &op->v[i]);
	case AK_SLAB:
		return parse_slab(p, tk, &op->v[i]);
	case AK_NAME: {
		int64_t idx = kas__push_string(p->t, p->line + tk->off, tk->len);
		if (idx < 0)
			return kas__parse_fail(p, tk->off, "out of memory");
		op->v[i] = (uint64_t)idx;
		return 0;
	}
	case AK_PTR:
		if (tok_eq(p, tk, "NULL")) {
			op->ref[i] = KAS_REF_NULL;
			op->v[i] = 0;
			return 0;
		}
		if (tok_eq(p, tk, "ZERO_SIZE_PTR")) {
			op->ref[i] = KAS_REF_ZSP;
			op->v[i] = KAS_ZERO_SIZE_PTR;
			return 0;
		}
		if (parse_handle(p, tk, 1u << KAS_SLOT_OBJ,
				 "an object handle, NULL or ZERO_SIZE_PTR", &slot))
			return -1;
		op->ref[i] = KAS_REF_HANDLE;
		op->v[i] = slot;
		return 0;
	case AK_CACHE:
		if (tok_eq(p, tk, "NULL")) {
			op->ref[i] = KAS_REF_NULL;
			op->v[i] = 0;
			return 0;
		}
		if (parse_handle(p, tk, 1u << KAS_SLOT_CACHE, "a cache handle or NULL", &slot))
			return -1;
		op->ref[i] = KAS_REF_HANDLE;
		op->v[i] = slot;
		return 0;
	case AK_KIND: {
		int k = kas_ballast_kind_lookup(p->line + tk->off, tk->len);
		if (k < 0)
			return kas__parse_fail(p, tk->off,
					       "expected a ballast kind (pinned, clean, fs_dirty, io_dirty, anon), found '%.*s'",
					       (int)(tk->len > 64 ? 64 : tk->len), p->line + tk->off);
		op->v[i] = (uint64_t)k;
		return 0;
	}
	case AK_FLAGS:
		if (parse_handle(p, tk, 1u << KAS_SLOT_FLAGS,
				 "a saved-flags handle (from memalloc_*_save)", &slot))
			return -1;
		op->ref[i] = KAS_REF_HANDLE;
		op->v[i] = slot;
		return 0;
	default:
		return kas__parse_fail(p, tk->off, "internal error: argument kind %u", kind);
	}
}

int kas__parse_list(struct kas__parser *p, struct kas_op *op, unsigned i, size_t first)
{
	op->ref[i] = KAS_REF_VALUE;
	op->list_off = (uint32_t)p->t->nlist;
	op->list_len = 0;
	for (size_t k = first; k < p->ntoks; k++) {
		const struct kas__tok *tk = &p->toks[k];
		uint8_t ref = KAS_REF_HANDLE;
		uint32_t slot = 0;
		if (tok_eq(p, tk, "NULL"))
			ref = KAS_REF_NULL;
		else if (tok_eq(p, tk, "ZERO_SIZE_PTR"))
			ref = KAS_REF_ZSP;
		else if (parse_handle(p, tk, (1u << KAS_SLOT_OBJ) | (1u << KAS_SLOT_BULK),
				      "an object or bulk handle, NULL or ZERO_SIZE_PTR", &slot))
			return -1;
		if (kas__push_list(p->t, ref, slot))
			return kas__parse_fail(p, tk->off, "out of memory");
		op->list_len++;
	}
	op->v[i] = op->list_len;
	return 0;
}
