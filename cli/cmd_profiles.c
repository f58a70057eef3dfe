/* SPDX-License-Identifier: MIT */
/* `kallocspec profiles`: the kernel versions rules can be checked against,
 * one per line, name first (scripts read the first word). */
#include "cli.h"

#include <kallocspec/profile.h>
#include <string.h>

static const char usage[] =
	"usage: kallocspec profiles\n"
	"\n"
	"Lists the profiles (--profile P of check, replay, rules, fuzz, props):\n"
	"name, kernel version, and the number of rules that hold there.\n";

int kas_cmd_profiles(int argc, char **argv)
{
	if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		fputs(usage, stdout);
		return KAS_EXIT_OK;
	}
	if (argc > 1)
		return cli_usage_error(usage, "profiles: unexpected argument '%s'", argv[1]);
	for (size_t i = 0; i < kas_profile_count(); i++) {
		const struct kas_profile *p = kas_profile_at(i);
		size_t n = 0;

		for (size_t r = 0; r < kas_rule_count(); r++)
			n += kas_rule_in_profile(kas_rule_at(r), p);
		printf("%-14s kernel %u.%u, %zu rules\n", p->name, KAS_KVER_MAJOR(p->kver),
		       KAS_KVER_MINOR(p->kver), n);
	}
	return cli_close_out(stdout, NULL) == 0 ? KAS_EXIT_OK : KAS_EXIT_USAGE;
}
