/* SPDX-License-Identifier: MIT */
/*
 * A small JSON reader for our own documents (reports, fuzz summaries): a
 * tree of values, strict RFC 8259 syntax, UTF-8 passed through, \u escapes
 * (with surrogate pairs) turned into UTF-8.  Depth is bounded so a hostile
 * file cannot exhaust the stack.
 */
#include <kallocspec/report.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

struct reader {
	const char *p, *end, *start;
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void fail(struct reader *r, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	if (r->failed)
		return;
	r->failed = true;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (r->err && r->errlen)
		snprintf(r->err, r->errlen, "offset %zu: %s", (size_t)(r->p - r->start), msg);
}

static void skip_ws(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

static bool append(char **buf, size_t *len, size_t *cap, const char *s, size_t n)
{
	if (*len + n + 1 > *cap) {
		size_t ncap = (*cap ? *cap * 2 : 32);
		char *nb;

		while (ncap < *len + n + 1)
			ncap *= 2;
		nb = realloc(*buf, ncap);
		if (!nb)
			return false;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, s, n);
	*len += n;
	(*buf)[*len] = '\0';
	return true;
}

static int hex4(struct reader *r, unsigned *out)
{
	unsigned v = 0;

	if (r->end - r->p < 4) {
		fail(r, "short \\u escape");
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		char c = *r->p++;

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else {
			fail(r, "bad hex digit in \\u escape");
			return -1;
		}
	}
	*out = v;
	return 0;
}

static size_t utf8_encode(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* At the opening quote; returns a malloc'ed string. */
static char *read_string(struct reader *r)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	r->p++;
	if (!append(&buf, &len, &cap, "", 0))
		goto oom;
	while (r->p < r->end && *r->p != '"') {
		unsigned char c = (unsigned char)*r->p;

		if (c < 0x20) {
			fail(r, "control character in string");
			goto bad;
		}
		if (c != '\\') {
			const char *run = r->p;

			while (r->p < r->end && *r->p != '"' && *r->p != '\\' &&
			       (unsigned char)*r->p >= 0x20)
				r->p++;
			if (!append(&buf, &len, &cap, run, (size_t)(r->p - run)))
				goto oom;
			continue;
		}
		r->p++;
		if (r->p >= r->end)
			break;
		char e = *r->p++, one;
		switch (e) {
		case '"': one = '"'; break;
		case '\\': one = '\\'; break;
		case '/': one = '/'; break;
		case 'b': one = '\b'; break;
		case 'f': one = '\f'; break;
		case 'n': one = '\n'; break;
		case 'r': one = '\r'; break;
		case 't': one = '\t'; break;
		case 'u': {
			unsigned cp, lo;
			char u[4];

			if (hex4(r, &cp) != 0)
				goto bad;
			if (cp >= 0xd800 && cp < 0xdc00) {
				if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u') {
					fail(r, "lone high surrogate");
					goto bad;
				}
				r->p += 2;
				if (hex4(r, &lo) != 0)
					goto bad;
				if (lo < 0xdc00 || lo > 0xdfff) {
					fail(r, "bad low surrogate");
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
			} else if (cp >= 0xdc00 && cp < 0xe000) {
				fail(r, "lone low surrogate");
				goto bad;
			}
			if (!append(&buf, &len, &cap, u, utf8_encode(cp, u)))
				goto oom;
			continue;
		}
		default:
			fail(r, "bad escape '\\%c'", e);
			goto bad;
		}
		if (!append(&buf, &len, &cap, &one, 1))
			goto oom;
	}
	if (r->p >= r->end) {
		fail(r, "unterminated string");
		goto bad;
	}
	r->p++;
	return buf;
oom:
	fail(r, "out of memory");
bad:
	free(buf);
	return NULL;
}

static bool literal(struct reader *r, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(r->end - r->p) < n || memcmp(r->p, word, n) != 0)
		return false;
	r->p += n;
	return true;
}

static int read_value(struct reader *r, struct kas_json *v, int depth);

static int read_number(struct reader *r, struct kas_json *v)
{
	const char *s = r->p;
	char tmp[64];
	size_t n;
	char *endp;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	if (r->p >= r->end || *r->p < '0' || *r->p > '9') {
		fail(r, "expected a value");
		return -1;
	}
	while (r->p < r->end && strchr("0123456789.eE+-", *r->p))
		r->p++;
	n = (size_t)(r->p - s);
	if (n >= sizeof(tmp)) {
		fail(r, "number too long");
		return -1;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	errno = 0;
	v->type = KAS_JSON_NUMBER;
	v->number = strtod(tmp, &endp);
	if (*endp) {
		fail(r, "bad number '%s'", tmp);
		return -1;
	}
	/* Counts are exact integers: keep them exactly, beyond 2^53 too. */
	v->u64 = tmp[0] != '-' && !strpbrk(tmp, ".eE") ? strtoull(tmp, NULL, 10)
		 : v->number > 0 ? (uint64_t)v->number : 0;
	return 0;
}

static int push(struct reader *r, struct kas_json *v, size_t *cap)
{
	if (v->n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 8;
		struct kas_json *ni = realloc(v->items, ncap * sizeof(*ni));
		char **nk = v->type == KAS_JSON_OBJECT ? realloc(v->keys, ncap * sizeof(*nk)) : NULL;

		if (ni)
			v->items = ni;
		if (nk)
			v->keys = nk;
		if (!ni || (v->type == KAS_JSON_OBJECT && !nk)) {
			fail(r, "out of memory");
			return -1;
		}
		*cap = ncap;
	}
	memset(&v->items[v->n], 0, sizeof(v->items[v->n]));
	if (v->type == KAS_JSON_OBJECT)
		v->keys[v->n] = NULL;
	v->n++;
	return 0;
}

static int read_container(struct reader *r, struct kas_json *v, int depth, bool object)
{
	size_t cap = 0;
	char close = object ? '}' : ']';

	v->type = object ? KAS_JSON_OBJECT : KAS_JSON_ARRAY;
	r->p++;
	skip_ws(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		return 0;
	}
	for (;;) {
		if (push(r, v, &cap) != 0)
			return -1;
		skip_ws(r);
		if (object) {
			if (r->p >= r->end || *r->p != '"') {
				fail(r, "expected a member name");
				return -1;
			}
			if (!(v->keys[v->n - 1] = read_string(r)))
				return -1;
			skip_ws(r);
			if (r->p >= r->end || *r->p != ':') {
				fail(r, "expected ':'");
				return -1;
			}
			r->p++;
		}
		if (read_value(r, &v->items[v->n - 1], depth + 1) != 0)
			return -1;
		skip_ws(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			return 0;
		}
		fail(r, "expected ',' or '%c'", close);
		return -1;
	}
}

static int read_value(struct reader *r, struct kas_json *v, int depth)
{
	if (depth > JSON_MAX_DEPTH) {
		fail(r, "nested too deeply");
		return -1;
	}
	skip_ws(r);
	if (r->p >= r->end) {
		fail(r, "unexpected end of input");
		return -1;
	}
	switch (*r->p) {
	case '{': return read_container(r, v, depth, true);
	case '[': return read_container(r, v, depth, false);
	case '"':
		v->type = KAS_JSON_STRING;
		return (v->string = read_string(r)) ? 0 : -1;
	case 't':
	case 'f':
	case 'n':
		if (literal(r, "true") || literal(r, "false")) {
			v->type = KAS_JSON_BOOL;
			v->boolean = r->p[-1] == 'e' && r->p[-2] == 'u';
			return 0;
		}
		if (literal(r, "null")) {
			v->type = KAS_JSON_NULL;
			return 0;
		}
		fail(r, "expected a value");
		return -1;
	default:
		return read_number(r, v);
	}
}

static void free_contents(struct kas_json *v)
{
	for (size_t i = 0; i < v->n; i++) {
		free_contents(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->string);
}

struct kas_json *kas_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct reader r = { text, text + len, text, err, errlen, false };
	struct kas_json *v = calloc(1, sizeof(*v));

	if (!v) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (read_value(&r, v, 0) == 0) {
		skip_ws(&r);
		if (r.p == r.end)
			return v;
		fail(&r, "trailing characters after the document");
	}
	kas_json_free(v);
	return NULL;
}

void kas_json_free(struct kas_json *v)
{
	if (!v)
		return;
	free_contents(v);
	free(v);
}

const struct kas_json *kas_json_get(const struct kas_json *obj, const char *key)
{
	if (!obj || obj->type != KAS_JSON_OBJECT)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (strcmp(obj->keys[i], key) == 0)
			return &obj->items[i];
	return NULL;
}

const char *kas_json_str(const struct kas_json *v)
{
	return v && v->type == KAS_JSON_STRING ? v->string : NULL;
}

uint64_t kas_json_u64(const struct kas_json *v)
{
	return v && v->type == KAS_JSON_NUMBER ? v->u64 : 0;
}

double kas_json_num(const struct kas_json *v)
{
	return v && v->type == KAS_JSON_NUMBER ? v->number : 0.0;
}
