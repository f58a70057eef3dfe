/* SPDX-License-Identifier: MIT */
/* `kallocspec rules`: the rule catalog, for people (text) or tools (json). */
#include "cli.h"

#include <kallocspec/report.h>

#include <getopt.h>
#include <string.h>

static const char usage[] =
	"usage: kallocspec rules [--profile P] [--format text|json]\n"
	"\n"
	"Lists every rule (only those holding in profile P with --profile): ID,\n"
	"title, category, source document and section, the quoted kernel text,\n"
	"the kernel versions it holds for and the port capabilities it needs.\n";

static void print_text(const struct kas_rule *r)
{
	char versions[64], caps[512];

	kas_rule_versions(r->since, r->until, versions, sizeof(versions));
	kas_caps_format(r->caps, caps, sizeof(caps));
	printf("%-14s %s\n", r->id, r->title);
	printf("  category: %s   versions: %s   caps: %s\n",
	       kas_category_name((enum kas_rule_category)r->category), versions, caps);
	cli_print_rule_source(stdout, r, "  ");
	if (r->notes && *r->notes)
		printf("  notes: %s\n", r->notes);
}

static void print_json(const struct kas_rule *r, bool first)
{
	char versions[64], buf[16];

	printf("%s    {\"id\": ", first ? "" : ",\n");
	kas_json_string(stdout, r->id);
	fputs(", \"title\": ", stdout);
	kas_json_string(stdout, r->title);
	fputs(", \"category\": ", stdout);
	kas_json_string(stdout, kas_category_name((enum kas_rule_category)r->category));
	fputs(",\n     \"source\": ", stdout);
	kas_json_string(stdout, r->doc);
	fputs(", \"section\": ", stdout);
	kas_json_string(stdout, r->section);
	fputs(",\n     \"quote\": ", stdout);
	kas_json_string(stdout, r->quote);
	fputs(",\n     \"since\": ", stdout);
	cli_format_kver(r->since, buf, sizeof(buf));
	kas_json_string(stdout, r->since ? buf : NULL);
	fputs(", \"until\": ", stdout);
	cli_format_kver(r->until, buf, sizeof(buf));
	kas_json_string(stdout, r->until ? buf : NULL);
	fputs(", \"versions\": ", stdout);
	kas_rule_versions(r->since, r->until, versions, sizeof(versions));
	kas_json_string(stdout, versions);
	fputs(", \"caps\": [", stdout);
	for (unsigned bit = 0, n = 0; bit < 32; bit++) {
		uint32_t cap = 1u << bit;

		if (!(r->caps & cap))
			continue;
		fputs(n++ ? ", " : "", stdout);
		kas_json_string(stdout, kas_cap_name(cap) ? kas_cap_name(cap) : "unknown");
	}
	fputs("],\n     \"notes\": ", stdout);
	kas_json_string(stdout, r->notes && *r->notes ? r->notes : NULL);
	fputs("}", stdout);
}

int kas_cmd_rules(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const struct kas_profile *prof = NULL;
	const char *profile_name = NULL;
	bool json = false, first = true;
	size_t shown = 0;
	int c;

	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":hp:f:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return KAS_EXIT_OK;
		case 'p':
			profile_name = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "json") == 0)
				json = true;
			else if (strcmp(optarg, "text") == 0)
				json = false;
			else
				return cli_usage_error(usage, "rules: unknown format '%s' (text or json)",
						       optarg);
			break;
		default:
			return cli_bad_option(usage, "rules", c, argv);
		}
	}
	if (optind < argc)
		return cli_usage_error(usage, "rules: unexpected argument '%s'", argv[optind]);
	if (profile_name && !(prof = cli_profile(profile_name)))
		return KAS_EXIT_USAGE;

	if (json) {
		fputs("{\n  \"schema\": \"kallocspec-rules/1\",\n  \"profile\": ", stdout);
		kas_json_string(stdout, prof ? prof->name : NULL);
		fputs(",\n  \"rules\": [\n", stdout);
	}
	for (size_t i = 0; i < kas_rule_count(); i++) {
		const struct kas_rule *r = kas_rule_at(i);

		if (prof && !kas_rule_in_profile(r, prof))
			continue;
		if (json)
			print_json(r, first);
		else
			print_text(r);
		first = false;
		shown++;
	}
	if (json)
		fputs("\n  ]\n}\n", stdout);
	else
		printf("%zu rules%s%s\n", shown, prof ? " in " : "", prof ? prof->name : "");
	return cli_close_out(stdout, NULL) == 0 ? KAS_EXIT_OK : KAS_EXIT_USAGE;
}
