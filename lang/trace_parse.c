/* SPDX-License-Identifier: MIT */
/*
 * The .ktrace text parser: lines, comments, metadata, the `profile` line,
 * bindings and op lines.  Argument values (numbers, GFP and SLAB
 * expressions, handles) are parsed in trace_parse_args.c.
 *
 * Every error carries the 1-based line and byte column of the offending
 * token (for a missing argument: the column just past the last token of
 * the line) and an "expected ..." style message.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace_parse_internal.h"

int kas__parse_fail(struct kas__parser *p, size_t off, const char *fmt, ...)
{
	struct kas_parse_error *e = p->err;
	if (!e)
		return -1;
	snprintf(e->file, sizeof(e->file), "%s", p->source);
	e->line = p->lineno;
	e->col = (unsigned)(off + 1);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

void kas_parse_error_format(const struct kas_parse_error *e, char *buf, size_t len)
{
	if (!len)
		return;
	if (e->line)
		snprintf(buf, len, "%s:%u:%u: %s", e->file, e->line, e->col, e->msg);
	else
		snprintf(buf, len, "%s: %s", e->file, e->msg);
}

static bool tok_is(const struct kas__parser *p, const struct kas__tok *t, const char *s)
{
	size_t n = strlen(s);
	return t->len == n && !memcmp(p->line + t->off, s, n);
}

/* Offset of the first byte of a valid-UTF-8 comment that is not acceptable
 * (a control character or a malformed sequence), or n. */
static size_t bad_comment_byte(const unsigned char *s, size_t n)
{
	size_t i = 0;
	while (i < n) {
		unsigned char c = s[i];
		if (c < 0x80) {
			if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
				return i;
			i++;
			continue;
		}
		size_t need;
		unsigned char lo = 0x80, hi = 0xBF;
		if (c >= 0xC2 && c <= 0xDF)
			need = 1;
		else if (c >= 0xE0 && c <= 0xEF) {
			need = 2;
			if (c == 0xE0)
				lo = 0xA0;
			if (c == 0xED)
				hi = 0x9F;
		} else if (c >= 0xF0 && c <= 0xF4) {
			need = 3;
			if (c == 0xF0)
				lo = 0x90;
			if (c == 0xF4)
				hi = 0x8F;
		} else
			return i;
		for (size_t k = 1; k <= need; k++) {
			if (i + k >= n)
				return i;   /* truncated sequence */
			unsigned char cc = s[i + k];
			if (k == 1 ? (cc < lo || cc > hi) : (cc < 0x80 || cc > 0xBF))
				return i + k;
		}
		i += need + 1;
	}
	return n;
}

/* Splits the current line into its code part (before '#') and tokens,
 * rejecting bytes that cannot appear in a trace. */
static int scan_line(struct kas__parser *p)
{
	const unsigned char *s = (const unsigned char *)p->line;
	size_t n = p->line_len, i;

	p->ntoks = 0;
	p->has_comment = false;
	for (i = 0; i < n && s[i] != '#'; i++) {
		unsigned char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if (c < 0x21 || c > 0x7e)
			return kas__parse_fail(p, i, "unexpected byte 0x%02X", c);
	}
	p->code_len = i;
	if (i < n) {
		p->has_comment = true;
		size_t bad = bad_comment_byte(s + i + 1, n - i - 1);
		if (bad < n - i - 1) {
			unsigned char c = s[i + 1 + bad];
			return kas__parse_fail(p, i + 1 + bad, c >= 0x80 ?
					       "unexpected byte 0x%02X (not valid UTF-8)" :
					       "unexpected byte 0x%02X", c);
		}
	}
	p->code_end = 0;
	for (i = 0; i < p->code_len;) {
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\r') {
			i++;
			continue;
		}
		size_t start = i;
		while (i < p->code_len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
			i++;
		if (kas__grow((void **)&p->toks, &p->toks_cap, p->ntoks + 1, sizeof(*p->toks)))
			return kas__parse_fail(p, start, "out of memory");
		p->toks[p->ntoks].off = start;
		p->toks[p->ntoks].len = i - start;
		p->ntoks++;
		p->code_end = i;
	}
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* `# kallocspec trace vN` on line 1; `# key: value` before the first op. */
static int comment_line(struct kas__parser *p)
{
	const char *c = p->line + p->code_len + 1;
	size_t n = p->line_len - p->code_len - 1, i = 0;
	while (n && is_space(c[n - 1]))
		n--;
	while (i < n && is_space(c[i]))
		i++;
	static const char vprefix[] = "kallocspec trace v";
	size_t vp = sizeof(vprefix) - 1;
	if (p->lineno == 1 && n - i > vp && !memcmp(c + i, vprefix, vp)) {
		if (n - i - vp != 1 || c[i + vp] != '1')
			return kas__parse_fail(p, p->code_len + 1 + i + vp - 1,
					       "unsupported trace format '%.*s' (expected v1)",
					       (int)(n - i - vp + 1), c + i + vp - 1);
		return 0;
	}
	if (p->seen_op || i >= n || !(c[i] >= 'a' && c[i] <= 'z'))
		return 0;
	size_t k = i + 1;
	while (k < n && ((c[k] >= 'a' && c[k] <= 'z') || (c[k] >= '0' && c[k] <= '9') || c[k] == '-'))
		k++;
	if (k >= n || c[k] != ':')
		return 0;
	size_t v = k + 1;
	while (v < n && is_space(c[v]))
		v++;
	if (kas__push_meta(p->t, c + i, k - i, c + v, n - v))
		return kas__parse_fail(p, 0, "out of memory");
	return 0;
}

static int profile_line(struct kas__parser *p)
{
	const struct kas__tok *tk = p->toks;
	if (p->seen_op)
		return kas__parse_fail(p, tk[0].off,
				       "the profile line must come before the first op");
	if (p->seen_profile)
		return kas__parse_fail(p, tk[0].off, "expected only one profile line");
	if (p->ntoks < 2)
		return kas__parse_fail(p, p->code_end,
				       "expected a profile name after 'profile', found end of line");
	if (p->ntoks > 2)
		return kas__parse_fail(p, tk[2].off,
				       "expected end of line after the profile name, found '%.*s'",
				       (int)tk[2].len, p->line + tk[2].off);
	char name[128];
	snprintf(name, sizeof(name), "%.*s", (int)tk[1].len, p->line + tk[1].off);
	const struct kas_profile *pr = tk[1].len < sizeof(name) ? kas_profile_find(name) : NULL;
	if (!pr) {
		char known[160] = "";
		size_t kl = 0;
		for (size_t i = 0; i < kas_profile_count() && kl < sizeof(known); i++)
			kl += (size_t)snprintf(known + kl, sizeof(known) - kl, "%s, ",
					       kas_profile_at(i)->name);
		if (kl < sizeof(known))
			snprintf(known + kl, sizeof(known) - kl, "latest");
		return kas__parse_fail(p, tk[1].off, "unknown profile '%.*s' (known: %s)",
				       (int)(tk[1].len > 64 ? 64 : tk[1].len),
				       p->line + tk[1].off, known);
	}
	p->seen_profile = true;
	if (kas__set_str(&p->t->profile_name, p->line + tk[1].off, tk[1].len))
		return kas__parse_fail(p, 0, "out of memory");
	if (!p->force) {
		p->prof = pr;
		p->t->profile = pr;
	}
	return 0;
}

static const char *const arg_after[] = {
	[AK__] = "the argument", [AK_SIZE] = "the size", [AK_GFP] = "the GFP flags",
	[AK_PTR] = "the pointer", [AK_CACHE] = "the cache", [AK_NAME] = "the cache name",
	[AK_SLAB] = "the SLAB flags", [AK_ORDER] = "the page order", [AK_LIST] = "the list",
	[AK_KIND] = "the ballast kind", [AK_FLAGS] = "the saved flags",
};
static const char *const arg_what[] = {
	[AK__] = "an argument", [AK_SIZE] = "a size", [AK_GFP] = "GFP flags",
	[AK_PTR] = "a pointer (handle, NULL or ZERO_SIZE_PTR)", [AK_CACHE] = "a cache handle or NULL",
	[AK_NAME] = "a cache name", [AK_SLAB] = "SLAB flags", [AK_ORDER] = "a page order",
	[AK_LIST] = "a list of handles",
	[AK_KIND] = "a ballast kind (pinned, clean, fs_dirty, io_dirty, anon)",
	[AK_FLAGS] = "a saved-flags handle (from memalloc_*_save)",
};

static int op_line(struct kas__parser *p)
{
	struct kas_trace *t = p->t;
	const struct kas__tok *tk = p->toks;
	size_t ti = 0;
	const struct kas__tok *bind = NULL;

	if (p->ntoks >= 2 && tok_is(p, &tk[1], "=")) {
		bind = &tk[0];
		if (!kas__valid_handle_name(p->line + bind->off, bind->len))
			return kas__parse_fail(p, bind->off,
					       "expected a handle name (letters, digits, '_'; not NULL or ZERO_SIZE_PTR), found '%.*s'",
					       (int)bind->len, p->line + bind->off);
		if (p->ntoks == 2)
			return kas__parse_fail(p, p->code_end,
					       "expected an op name after '=', found end of line");
		ti = 2;
	}
	const struct kas__tok *optok = &tk[ti++];
	const char *opname = p->line + optok->off;
	if (memchr(opname, '=', optok->len))
		return kas__parse_fail(p, optok->off,
				       "expected 'NAME = OP ...' with spaces around '=', found '%.*s'",
				       (int)optok->len, opname);
	int code = kas_op_lookup(opname, optok->len);
	if (code < 0)
		return kas__parse_fail(p, optok->off, "unknown op '%.*s'", (int)optok->len, opname);
	const struct kas_op_info *oi = &kas_op_table[code];
	if (bind && oi->result != R_PTR && oi->result != R_CACHE && oi->result != R_BULK &&
	    oi->result != R_FLAGS)
		return kas__parse_fail(p, bind->off,
				       "'%s' returns %s and cannot be bound to a handle name",
				       oi->name, oi->result == R_VALUE ? "a plain value" : "nothing");
	p->seen_op = true;

	uint32_t op_index = (uint32_t)t->nops;
	struct kas_op *op = kas__push_op(t, (enum kas_opcode)code);
	if (!op)
		return kas__parse_fail(p, optok->off, "out of memory");
	op->line = p->lineno;
	for (unsigned i = 0; i < oi->nargs; i++) {
		uint8_t kind = oi->args[i];
		if (kind == AK_LIST) {
			if (kas__parse_list(p, op, i, ti))
				return -1;
			ti = p->ntoks;
			break;
		}
		if (ti >= p->ntoks) {
			char after[64];
			if (i == 0)
				snprintf(after, sizeof(after), "'%s'", oi->name);
			else
				snprintf(after, sizeof(after), "%s", arg_after[oi->args[i - 1]]);
			return kas__parse_fail(p, p->code_end, "expected %s after %s, found end of line",
					       arg_what[kind], after);
		}
		if (kas__parse_arg(p, op, i, kind, &tk[ti]))
			return -1;
		ti++;
	}
	if (oi->result == R_CACHE && ti < p->ntoks && tok_is(p, &tk[ti], "ctor")) {
		op->flags |= KAS_OPF_CTOR;
		ti++;
	}
	if (ti < p->ntoks) {
		const char *last = oi->nargs ? arg_after[oi->args[oi->nargs - 1]] : NULL;
		char after[64];
		if (op->flags & KAS_OPF_CTOR)
			snprintf(after, sizeof(after), "'ctor'");
		else if (last)
			snprintf(after, sizeof(after), "%s", last);
		else
			snprintf(after, sizeof(after), "'%s'", oi->name);
		return kas__parse_fail(p, tk[ti].off, "expected end of line%s after %s, found '%.*s'",
				       oi->result == R_CACHE && !(op->flags & KAS_OPF_CTOR) ?
				       " or 'ctor'" : "", after,
				       (int)tk[ti].len, p->line + tk[ti].off);
	}

	uint8_t kind = kas__result_slot_kind((enum kas_opcode)code);
	if (kind) {
		int32_t s = kas__push_slot(t, kind, op_index, bind ? p->line + bind->off : NULL,
					   bind ? bind->len : 0);
		if (s < 0)
			return kas__parse_fail(p, optok->off, "out of memory");
		t->ops[op_index].slot = s;
		if (bind && kas__name_map_put(&p->names, p->line + bind->off, bind->len, s))
			return kas__parse_fail(p, optok->off, "out of memory");
	}
	return 0;
}

int kas_trace_parse(struct kas_trace *t, const char *text, size_t len, const char *source,
		    const struct kas_profile *force, const struct kas_profile *dflt,
		    struct kas_parse_error *err)
{
	struct kas__parser p;
	memset(&p, 0, sizeof(p));
	p.t = t;
	p.source = source ? source : "<input>";
	p.err = err;
	p.force = force;
	p.prof = force ? force : dflt ? dflt : kas_profile_default();
	kas__name_map_init(&p.names);
	if (err)
		memset(err, 0, sizeof(*err));

	kas_trace_clear(t);
	t->profile = p.prof;
	int rc = kas__set_str(&t->source, p.source, strlen(p.source));
	if (rc)
		kas__parse_fail(&p, 0, "out of memory");

	size_t pos = 0;
	if (len >= 3 && !memcmp(text, "\xEF\xBB\xBF", 3))
		pos = 3;   /* a UTF-8 byte order mark, as some editors write */
	while (!rc && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		p.lineno++;
		p.line = text + pos;
		p.line_len = end - pos;
		pos = nl ? end + 1 : len;

		rc = scan_line(&p);
		if (rc)
			break;
		if (p.ntoks == 0)
			rc = p.has_comment ? comment_line(&p) : 0;
		else if (tok_is(&p, &p.toks[0], "profile") &&
			 (p.ntoks < 2 || !tok_is(&p, &p.toks[1], "=")))
			rc = profile_line(&p);
		else
			rc = op_line(&p);
	}
	free(p.toks);
	kas__name_map_free(&p.names);
	return rc ? -1 : 0;
}

int kas_trace_parse_file(struct kas_trace *t, const char *path,
			 const struct kas_profile *force, const struct kas_profile *dflt,
			 struct kas_parse_error *err)
{
	bool is_stdin = strcmp(path, "-") == 0;
	const char *source = is_stdin ? "<stdin>" : path;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (err)
		memset(err, 0, sizeof(*err));
	if (!f) {
		if (err) {
			snprintf(err->file, sizeof(err->file), "%s", source);
			snprintf(err->msg, sizeof(err->msg), "cannot open: %s", strerror(errno));
		}
		return -1;
	}
	struct kas__buf b = { 0 };
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		kas__buf_put(&b, chunk, n);
	bool read_err = ferror(f);
	if (!is_stdin)
		fclose(f);
	if (read_err || b.oom) {
		if (err) {
			snprintf(err->file, sizeof(err->file), "%s", source);
			snprintf(err->msg, sizeof(err->msg), "%s",
				 b.oom ? "out of memory" : "read error");
		}
		free(b.p);
		return -1;
	}
	int rc = kas_trace_parse(t, b.p ? b.p : "", b.len, source, force, dflt, err);
	free(b.p);
	return rc;
}
