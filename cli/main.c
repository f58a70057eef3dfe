/* SPDX-License-Identifier: MIT */
/* kallocspec: check implementations of the Linux kernel allocation API. */
#include "cli.h"
#include <signal.h>
#include "cmd_fuzz.h"
#include "cmd_props.h"
#include "cmd_report.h"

#include <string.h>
#include <kallocspec/version.h>

static const char usage[] =
	"usage: kallocspec <command> [options]\n"
	"\n"
	"commands:\n"
	"  check    run the witness corpus and random traces on a port, report every rule\n"
	"  replay   run text traces on a port and print each failure\n"
	"  rules    list the rule catalog (optionally of one profile)\n"
	"  ports    list the built-in ports and their capabilities\n"
	"  profiles list the kernel versions (profiles) rules are checked against\n"
	"  decode   turn binary fuzzer input into a text trace\n"
	"  encode   turn a text trace into binary fuzzer input\n"
	"  fuzz     run a fuzzing campaign (the kas-fuzz program)\n"
	"  props    run the model-based property tests (the kas-props program)\n"
	"  report   merge the gate's lanes; write JSON, JUnit, KTAP, Markdown, HTML reports\n"
	"\n"
	"`kallocspec <command> --help` describes each command.\n"
	"exit status: 0 no rule failed, 1 a rule failed (FAIL, CRASH, HANG), 2 bad input or usage\n";

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "check", kas_cmd_check },
	{ "replay", kas_cmd_replay },
	{ "rules", kas_cmd_rules },
	{ "ports", kas_cmd_ports },
	{ "profiles", kas_cmd_profiles },
	{ "decode", kas_cmd_decode },
	{ "encode", kas_cmd_encode },
	{ "fuzz", kas_cmd_fuzz },
	{ "props", kas_cmd_props },
	{ "report", kas_cmd_report },
};

int main(int argc, char **argv)
{
	/* Past a file-size limit write() must fail with EFBIG so the report
	 * writer can remove its temporary file and say so, not die mid-write. */
	signal(SIGXFSZ, SIG_IGN);
	const char *cmd = argc > 1 ? argv[1] : NULL;

	if (!cmd) {
		fputs(usage, stderr);
		return KAS_EXIT_USAGE;
	}
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
		fputs(usage, stdout);
		return KAS_EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0) {
		printf("%s (port ABI %u.%u)\n", kas_tool_string(),
		       KAS_PORT_ABI_MAJOR(KAS_PORT_ABI_VERSION), KAS_PORT_ABI_VERSION & 0xffffu);
		return KAS_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(cmd, commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	if (cmd[0] == '-')
		return cli_usage_error(usage, "unknown option '%s'", cmd);
	return cli_usage_error(usage, "unknown command '%s'", cmd);
}
