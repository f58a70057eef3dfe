/* SPDX-License-Identifier: MIT */
/* `kallocspec ports`: the built-in ports and what they can do. */
#include "cli.h"

#include <getopt.h>
#include <string.h>

static const char usage[] =
	"usage: kallocspec ports [--mutants]\n"
	"\n"
	"Lists the built-in ports with their declared capabilities and the ones\n"
	"usable (declared, with the functions present).  Any other port is given\n"
	"to `check`/`replay` as a path to a shared object exporting kallocspec_port().\n"
	"  --mutants   list the mutant ports instead: mut-<name> is ref with one\n"
	"              planted bug (ports/mutants/mutants.def), the broken\n"
	"              allocators of the mutation self-test\n";

/* Mutant ports are ref with one bug: listed apart so the real ports stay readable. */
static bool is_mutant(const struct kas_port *p)
{
	return strncmp(p->name, "mut-", 4) == 0;
}

int kas_cmd_ports(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "mutants", no_argument, NULL, 'm' },
		{ NULL, 0, NULL, 0 },
	};
	bool mutants = false;
	size_t n_mutants = 0;
	int c;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			return KAS_EXIT_OK;
		}
		if (c == 'm') {
			mutants = true;
			continue;
		}
		return cli_bad_option(usage, "ports", c, argv);
	}
	if (optind < argc)
		return cli_usage_error(usage, "ports: unexpected argument '%s'", argv[optind]);

	for (size_t i = 0; i < kas_builtin_port_count(); i++) {
		const struct kas_port *p = kas_builtin_port_at(i);
		uint32_t eff = kas_port_effective_caps(p);
		char caps[512];

		if (is_mutant(p) != mutants) {
			n_mutants += is_mutant(p);
			continue;
		}
		if (mutants) {
			printf("%s\n  %s\n", p->name, p->description ? p->description : "");
			continue;
		}

		printf("%s\n  %s\n", p->name, p->description ? p->description : "");
		kas_caps_format(eff, caps, sizeof(caps));
		printf("  caps: %s\n", caps);
		if (eff != p->caps) {
			kas_caps_format(p->caps & ~eff, caps, sizeof(caps));
			printf("  declared but missing functions: %s\n", caps);
		}
	}
	if (n_mutants)
		printf("\n%zu mutant ports mut-*: ref with one planted bug each "
		       "(`kallocspec ports --mutants`)\n", n_mutants);
	return KAS_EXIT_OK;
}
