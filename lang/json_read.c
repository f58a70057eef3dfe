/* SPDX-License-Identifier: MIT */
/*
 * Reading our own JSON documents (reports, fuzz summaries) with json-c:
 * strict RFC 8259 syntax, bounded depth (a hostile file cannot exhaust the
 * stack), nothing after the document.  The json-c tree is copied into the
 * small kas_json tree the readers use, which keeps exact 64-bit counts.
 */
#include <kallocspec/report.h>

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#define JSON_MAX_DEPTH 64

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

static int copy_value(struct kas_json *v, struct json_object *o);

static int copy_container(struct kas_json *v, struct json_object *o, bool object)
{
	size_t n = object ? (size_t)json_object_object_length(o) : json_object_array_length(o);
	size_t i = 0;

	v->type = object ? KAS_JSON_OBJECT : KAS_JSON_ARRAY;
	if (!n)
		return 0;
	v->items = calloc(n, sizeof(*v->items));
	if (object)
		v->keys = calloc(n, sizeof(*v->keys));
	if (!v->items || (object && !v->keys))
		return -1;
	if (!object) {
		for (; i < n; i++, v->n++)
			if (copy_value(&v->items[i], json_object_array_get_idx(o, i)) != 0)
				return -1;
		return 0;
	}
	json_object_object_foreach(o, key, val) {
		if (i == n)
			break;
		v->keys[i] = strdup(key);
		v->n++;
		if (!v->keys[i] || copy_value(&v->items[i], val) != 0)
			return -1;
		i++;
	}
	return 0;
}

static int copy_value(struct kas_json *v, struct json_object *o)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		v->type = KAS_JSON_NULL;
		return 0;
	case json_type_boolean:
		v->type = KAS_JSON_BOOL;
		v->boolean = json_object_get_boolean(o);
		return 0;
	case json_type_int:
		/* counts are exact integers: kept exactly, beyond 2^53 too */
		v->type = KAS_JSON_NUMBER;
		v->number = json_object_get_double(o);
		v->u64 = json_object_get_int64(o) >= 0 ? json_object_get_uint64(o) : 0;
		return 0;
	case json_type_double:
		v->type = KAS_JSON_NUMBER;
		v->number = json_object_get_double(o);
		v->u64 = v->number > 0 ? (uint64_t)v->number : 0;
		return 0;
	case json_type_string:
		v->type = KAS_JSON_STRING;
		v->string = strndup(json_object_get_string(o), (size_t)json_object_get_string_len(o));
		return v->string ? 0 : -1;
	case json_type_array:
		return copy_container(v, o, false);
	case json_type_object:
		return copy_container(v, o, true);
	}
	return -1;
}

/* json-c takes raw control characters inside a string, which RFC 8259's
 * grammar does not: the offset of the first one, or len. */
static size_t raw_control_in_string(const char *text, size_t len)
{
	bool in_string = false;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];

		if (!in_string) {
			in_string = c == '"';
		} else if (c == '\\') {
			i++;
		} else if (c == '"') {
			in_string = false;
		} else if (c < 0x20) {
			return i;
		}
	}
	return len;
}

struct kas_json *kas_json_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH);
	struct json_object *o = NULL;
	struct kas_json *v = NULL;
	size_t end;

	if (!tok || len > (size_t)INT32_MAX) {
		snprintf(err, errlen, tok ? "offset 0: document too large" : "out of memory");
		goto out;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	o = json_tokener_parse_ex(tok, text, (int)len);
	end = json_tokener_get_parse_end(tok);
	if (json_tokener_get_error(tok) == json_tokener_continue) {
		snprintf(err, errlen, "offset %zu: the document ends too early", len);
		goto out;
	}
	if (!o && json_tokener_get_error(tok) != json_tokener_success) {
		snprintf(err, errlen, "offset %zu: %s", end,
			 json_tokener_error_desc(json_tokener_get_error(tok)));
		goto out;
	}
	while (end < len && strchr(" \t\r\n", text[end]))
		end++;
	if (end < len) {
		snprintf(err, errlen, "offset %zu: trailing characters after the document", end);
		goto out;
	}
	end = raw_control_in_string(text, len);
	if (end < len) {
		snprintf(err, errlen, "offset %zu: control character inside a string", end);
		goto out;
	}
	v = calloc(1, sizeof(*v));
	if (!v || copy_value(v, o) != 0) {
		snprintf(err, errlen, "out of memory");
		kas_json_free(v);
		v = NULL;
	}
out:
	json_object_put(o);
	if (tok)
		json_tokener_free(tok);
	return v;
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
