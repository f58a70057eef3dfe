/* SPDX-License-Identifier: MIT */
/*
 * `kallocspec fuzz`: runs a libFuzzer or AFL++ campaign.  The campaign
 * (building the fuzz flavour, running and watching the engines, triage,
 * minimisation, plots) is fuzz/kas-fuzz, a Python 3 script; this command
 * finds it and replaces itself with it, so the options, output and exit
 * status are the script's:
 *
 *   kallocspec fuzz --engine libfuzzer|afl --target ops --port P --time 10m --jobs N [--out DIR]
 *
 * The script is $KAS_FUZZ_DRIVER if set, else the installed kit's
 * (<prefix>/share/kallocspec/fuzz/kas-fuzz, next to an installed command),
 * else <source dir>/fuzz/kas-fuzz.
 */
#include "cmd_fuzz.h"
#include "cli.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef KAS_SOURCE_DIR
#define KAS_SOURCE_DIR "."
#endif

int kas_cmd_fuzz(int argc, char **argv)
{
	const char *script = getenv("KAS_FUZZ_DRIVER");
	const char *python = getenv("KAS_PYTHON");
	static char fallback[4096];
	char **args;

	if (!script || !*script) {
		/* an installed command runs the installed kit, a built one the
		 * source tree's driver */
		char self[2048];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
		char *slash = n > 0 ? (self[n] = '\0', strrchr(self, '/')) : NULL;
		if (slash) {
			*slash = '\0';
			snprintf(fallback, sizeof(fallback), "%s/../share/kallocspec/fuzz/kas-fuzz", self);
		}
		if (!slash || access(fallback, R_OK) != 0)
			snprintf(fallback, sizeof(fallback), "%s/fuzz/kas-fuzz", KAS_SOURCE_DIR);
		script = fallback;
	}
	if (access(script, R_OK) != 0) {
		cli_error("fuzz: campaign driver %s: %s (set KAS_FUZZ_DRIVER)", script, strerror(errno));
		return KAS_EXIT_USAGE;
	}
	if (!python || !*python)
		python = "python3";
	args = calloc((size_t)argc + 2, sizeof(*args));
	if (!args) {
		cli_error("out of memory");
		return KAS_EXIT_USAGE;
	}
	args[0] = (char *)python;
	args[1] = (char *)script;
	for (int i = 1; i < argc; i++)
		args[i + 1] = argv[i];
	args[argc + 1] = NULL;
	fflush(stdout);
	execvp(python, args);
	cli_error("fuzz: cannot run %s %s: %s", python, script, strerror(errno));
	free(args);
	return KAS_EXIT_USAGE;
}
