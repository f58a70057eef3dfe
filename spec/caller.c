/* SPDX-License-Identifier: MIT */
/* The caller rules as a table (catalog/caller.def) and their lookups. */
#include <string.h>
#include "spec_internal.h"

static const struct kas_caller_rule caller_rules[] = {
#define CALLER(E, ID, TITLE, DOC, SEC, QUOTE, NOTES) \
	[KAS_C_##E] = { ID, TITLE, DOC, SEC, QUOTE, NOTES },
#include "catalog/caller.def"
#undef CALLER
};
_Static_assert(sizeof(caller_rules) / sizeof(caller_rules[0]) == KAS_C__COUNT,
	       "one table row per caller rule");
_Static_assert(KAS_C__COUNT <= KAS_CALLER_RULES_MAX, "kas_call.caller holds index + 1 in a "
	       "byte; results count refusals in arrays of KAS_CALLER_RULES_MAX");

size_t kas_caller_rule_count(void)
{
	return KAS_C__COUNT;
}

const struct kas_caller_rule *kas_caller_rule_at(size_t i)
{
	return i < KAS_C__COUNT ? &caller_rules[i] : NULL;
}

int kas_caller_rule_index(const char *id)
{
	for (size_t i = 0; id && i < KAS_C__COUNT; i++)
		if (strcmp(caller_rules[i].id, id) == 0)
			return (int)i;
	return -1;
}
