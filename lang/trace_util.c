/* SPDX-License-Identifier: MIT */
/*
 * Small containers used by the trace parser, printer and encoder: a
 * name -> int map (handle names) and a growable text/byte buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "trace_internal.h"

static uint64_t hash_name(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ull;
	}
	return h;
}

void kas__name_map_init(struct kas__name_map *m)
{
	m->tab = NULL;
	m->cap = m->count = 0;
}

void kas__name_map_free(struct kas__name_map *m)
{
	free(m->tab);
	kas__name_map_init(m);
}

static struct kas__name_entry *find_entry(struct kas__name_entry *tab, size_t cap,
					  const char *name, size_t len)
{
	size_t i = (size_t)hash_name(name, len) & (cap - 1);
	for (;;) {
		struct kas__name_entry *e = &tab[i];
		if (!e->name || (e->len == len && !memcmp(e->name, name, len)))
			return e;
		i = (i + 1) & (cap - 1);
	}
}

int kas__name_map_put(struct kas__name_map *m, const char *name, size_t len, int32_t value)
{
	if ((m->count + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 64;
		struct kas__name_entry *nt = calloc(ncap, sizeof(*nt));
		if (!nt)
			return -1;
		for (size_t i = 0; i < m->cap; i++)
			if (m->tab[i].name)
				*find_entry(nt, ncap, m->tab[i].name, m->tab[i].len) = m->tab[i];
		free(m->tab);
		m->tab = nt;
		m->cap = ncap;
	}
	struct kas__name_entry *e = find_entry(m->tab, m->cap, name, len);
	if (!e->name)
		m->count++;
	e->name = name;
	e->len = len;
	e->value = value;
	return 0;
}

int32_t kas__name_map_get(const struct kas__name_map *m, const char *name, size_t len)
{
	if (!m->cap)
		return -1;
	const struct kas__name_entry *e = find_entry(m->tab, m->cap, name, len);
	return e->name ? e->value : -1;
}

static bool buf_reserve(struct kas__buf *b, size_t n)
{
	if (b->oom)
		return false;
	if (b->len + n + 1 <= b->cap)
		return true;
	size_t ncap = b->cap ? b->cap : 256;
	while (ncap < b->len + n + 1) {
		if (ncap > SIZE_MAX / 2) {
			b->oom = true;
			return false;
		}
		ncap *= 2;
	}
	char *p = realloc(b->p, ncap);
	if (!p) {
		b->oom = true;
		return false;
	}
	b->p = p;
	b->cap = ncap;
	return true;
}

void kas__buf_put(struct kas__buf *b, const void *s, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	if (n)
		memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void kas__buf_puts(struct kas__buf *b, const char *s)
{
	kas__buf_put(b, s, strlen(s));
}

void kas__buf_printf(struct kas__buf *b, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->oom = true;
		return;
	}
	if ((size_t)n < sizeof(tmp)) {
		kas__buf_put(b, tmp, (size_t)n);
		return;
	}
	if (!buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}
