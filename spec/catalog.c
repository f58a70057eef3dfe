/* SPDX-License-Identifier: MIT */
/*
 * The rule catalog as a table, built from rules.def, and the name lookups
 * for statuses and categories.
 */
#include <string.h>
#include "spec_internal.h"

/* Not static: kas_spec_check reads the checkers straight from the table
 * (one indirect call per applicable rule, no accessor call). */
#define rules kas__rule_table
const struct kas_rule kas__rule_table[KAS_R__COUNT] = {
#define RULE(E, ID, CAT, TITLE, DOC, SEC, QUOTE, SINCE, UNTIL, CAPS, OPS, FN, NOTES) \
	{ ID, TITLE, CAT, DOC, SEC, QUOTE, SINCE, UNTIL, CAPS, FN, NOTES },
#include "rules.def"
#undef RULE
};

const kas_opmask_t kas_rule_opmask[KAS_R__COUNT] = {
#define RULE(E, ID, CAT, TITLE, DOC, SEC, QUOTE, SINCE, UNTIL, CAPS, OPS, FN, NOTES) OPS,
#include "rules.def"
#undef RULE
};

/* Each checker's file defines its needs (a const object, so the table
 * holds their addresses); kas_spec_new copies the values. */
const uint64_t *const kas_rule_needs[KAS_R__COUNT] = {
#define RULE(E, ID, CAT, TITLE, DOC, SEC, QUOTE, SINCE, UNTIL, CAPS, OPS, FN, NOTES) &FN##_needs,
#include "rules.def"
#undef RULE
};

size_t kas_rule_count(void)
{
	return KAS_R__COUNT;
}

const struct kas_rule *kas_rule_at(size_t i)
{
	return i < KAS_R__COUNT ? &rules[i] : NULL;
}

int kas_rule_index(const char *id)
{
	if (!id)
		return -1;
	for (size_t i = 0; i < KAS_R__COUNT; i++)
		if (strcmp(rules[i].id, id) == 0)
			return (int)i;
	return -1;
}

bool kas_rule_in_profile(const struct kas_rule *r, const struct kas_profile *p)
{
	if (!r || !p)
		return false;
	if (r->since && p->kver < r->since)
		return false;
	if (r->until && p->kver >= r->until)
		return false;
	return true;
}

const char *kas_status_name(enum kas_status s)
{
	static const char *const names[KAS_STATUS__COUNT] = {
		[KAS_PASS] = "PASS", [KAS_FAIL] = "FAIL", [KAS_UNTESTED] = "UNTESTED",
		[KAS_UNSUPPORTED] = "UNSUPPORTED", [KAS_CRASH] = "CRASH", [KAS_HANG] = "HANG",
	};
	return (unsigned)s < KAS_STATUS__COUNT ? names[s] : "?";
}

const char *kas_category_name(enum kas_rule_category c)
{
	static const char *const names[KAS_CAT__COUNT] = {
		[KAS_CAT_ALIGN] = "ALIGN", [KAS_CAT_ZERO] = "ZERO", [KAS_CAT_REALLOC] = "REALLOC",
		[KAS_CAT_SIZE] = "SIZE", [KAS_CAT_FREE] = "FREE", [KAS_CAT_CACHE] = "CACHE",
		[KAS_CAT_KVMALLOC] = "KVMALLOC", [KAS_CAT_OVERFLOW] = "OVERFLOW",
		[KAS_CAT_INTEGRITY] = "INTEGRITY", [KAS_CAT_RECLAIM] = "RECLAIM",
		[KAS_CAT_ZONE] = "ZONE", [KAS_CAT_ACCOUNT] = "ACCOUNT",
		[KAS_CAT_CONTEXT] = "CONTEXT", [KAS_CAT_SCOPE] = "SCOPE", [KAS_CAT_RCU] = "RCU",
	};
	return (unsigned)c < KAS_CAT__COUNT ? names[c] : "?";
}
