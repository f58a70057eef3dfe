/* SPDX-License-Identifier: MIT */
/*
 * `kallocspec check --port linux-kernel ...`: the real kernel is not a
 * loadable port (it runs in a VM), so the check hands over to the kernel
 * oracle's runner, ci/kernel-oracle, which boots it, replays the traces and
 * judges the recorded behaviour with the same harness and spec.
 *
 * Wiring (for the lead): in kas_cmd_check, before opening the port,
 *     if (kas_cmd_check_is_kernel(argc, argv)) return kas_cmd_check_kernel(argc, argv);
 * Options passed through: --json FILE (the init_on_alloc=0 report is
 * copied there), --profile (only linux-6.1 is meaningful: the oracle is the
 * installed Debian 6.1 kernel); --ops N becomes the number of decoded fuzz
 * inputs.  Exit status as ci/kernel-oracle --expect-pass.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>

#ifndef KAS_SOURCE_DIR
#define KAS_SOURCE_DIR "."
#endif

int kas_cmd_check_is_kernel(int argc, char **argv);
int kas_cmd_check_kernel(int argc, char **argv);

int kas_cmd_check_is_kernel(int argc, char **argv)
{
	for (int i = 1; i + 1 < argc; i++)
		if (!strcmp(argv[i], "--port") && !strcmp(argv[i + 1], "linux-kernel"))
			return 1;
	return 0;
}

int kas_cmd_check_kernel(int argc, char **argv)
{
	const char *json = NULL, *fuzz = "40";
	char runner[4096], outdir[] = "/tmp/kallocspec-kernel-XXXXXX";

	for (int i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--json"))
			json = argv[i + 1];
		else if (!strcmp(argv[i], "--ops"))
			fuzz = argv[i + 1];
		else if (!strcmp(argv[i], "--profile") && strcmp(argv[i + 1], "linux-6.1"))
			fprintf(stderr, "kallocspec: the kernel oracle judges with profile linux-6.1 "
					"(the installed kernel), not %s\n", argv[i + 1]);
	}
	if (!mkdtemp(outdir)) {
		perror("kallocspec: mkdtemp");
		return 2;
	}
	snprintf(runner, sizeof(runner), "%s/ci/kernel-oracle", KAS_SOURCE_DIR);
	pid_t pid = fork();
	if (pid < 0) {
		perror("kallocspec: fork");
		return 2;
	}
	if (pid == 0) {
		execl(runner, runner, "--out", outdir, "--fuzz", fuzz, "--expect-pass", (char *)NULL);
		perror(runner);
		_exit(2);
	}
	int st = 0;
	if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st))
		return 2;
	char report[4200];
	snprintf(report, sizeof(report), "%s/report-ioa0.md", outdir);
	FILE *f = fopen(report, "r");
	if (f) {
		char line[1024];
		while (fgets(line, sizeof(line), f))
			fputs(line, stdout);
		fclose(f);
	}
	if (json) {
		char cmd[8600];
		snprintf(cmd, sizeof(cmd), "cp '%s/report-ioa0.json' '%s'", outdir, json);
		if (system(cmd) != 0)
			fprintf(stderr, "kallocspec: could not write %s\n", json);
	}
	fprintf(stderr, "kallocspec: kernel oracle outputs in %s\n", outdir);
	return WEXITSTATUS(st);
}
