/* SPDX-License-Identifier: MIT */
/* The kernel versions a rule holds for, as readers write them. */
#include <stdio.h>
#include "kallocspec/spec.h"
#include "kallocspec/gfp.h"

/* The last release before `until` (rules store an exclusive bound). */
static void format_last_before(uint32_t until, char *buf, size_t len)
{
	unsigned major = KAS_KVER_MAJOR(until), minor = KAS_KVER_MINOR(until);
	/* last minor of each major series: 3.19, 4.20, 5.19 */
	static const unsigned last_minor[] = { [3] = 19, [4] = 20, [5] = 19 };

	if (minor > 0)
		snprintf(buf, len, "%u.%u", major, minor - 1);
	else if (major >= 4 && major <= 6)
		snprintf(buf, len, "%u.%u", major - 1, last_minor[major - 1]);
	else
		snprintf(buf, len, "<%u.0", major);
}

void kas_rule_versions(uint32_t since, uint32_t until, char *buf, size_t len)
{
	char b[16];

	if (!since && !until) {
		snprintf(buf, len, "all");
		return;
	}
	if (!until) {
		snprintf(buf, len, "%u.%u+", KAS_KVER_MAJOR(since), KAS_KVER_MINOR(since));
		return;
	}
	format_last_before(until, b, sizeof(b));
	if (!since)
		snprintf(buf, len, "up to %s", b);
	else
		snprintf(buf, len, "%u.%u\u2013%s", KAS_KVER_MAJOR(since), KAS_KVER_MINOR(since), b);
}
