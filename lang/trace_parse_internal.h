/* SPDX-License-Identifier: MIT */
/* Parser state shared by trace_parse.c (lines) and trace_parse_args.c (values). */
#ifndef KALLOCSPEC_TRACE_PARSE_INTERNAL_H
#define KALLOCSPEC_TRACE_PARSE_INTERNAL_H

#include "trace_internal.h"

struct kas__tok {
	size_t off, len;            /* byte offset within the line */
};

struct kas__parser {
	struct kas_trace *t;
	const char *source;
	struct kas_parse_error *err;
	const struct kas_profile *force;
	const struct kas_profile *prof;  /* names and constants resolve here */
	bool seen_op, seen_profile, has_comment;
	unsigned lineno;
	const char *line;                /* current line, without the newline */
	size_t line_len;
	size_t code_len;                 /* bytes before the first '#' */
	size_t code_end;                 /* just past the last token */
	struct kas__tok *toks;
	size_t ntoks, toks_cap;
	struct kas__name_map names;      /* handle name -> latest slot */
};

/* Records an error at byte offset off of the current line; returns -1. */
int kas__parse_fail(struct kas__parser *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Parses fixed argument i (of the given kind) of op from token tk. */
int kas__parse_arg(struct kas__parser *p, struct kas_op *op, unsigned i, uint8_t kind,
		   const struct kas__tok *tk);
/* Parses the AK_LIST argument i from tokens [first, ntoks). */
int kas__parse_list(struct kas__parser *p, struct kas_op *op, unsigned i, size_t first);

#endif
