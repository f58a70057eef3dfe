/* SPDX-License-Identifier: MIT */
/*
 * `kallocspec props [options]`: run the property tests.  They are C++
 * (rapidcheck) and live in their own program, kas-props, built next to
 * kallocspec; this command finds it and runs it with the same options, so
 * the C command stays free of C++.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* readlink, PATH_MAX, posix_spawn with plain -std=c17 */
#endif
#include "cmd_props.h"

#include <errno.h>
#include <limits.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

/* Exit statuses shared by every command (cli.h). */
enum { PROPS_EXIT_FAIL = 1, PROPS_EXIT_USAGE = 2 };

/* The kas-props path: $KAS_PROPS_BIN, else the directory of this executable. */
static int props_path(char *buf, size_t len)
{
	const char *env = getenv("KAS_PROPS_BIN");
	if (env && *env) {
		if (strlen(env) >= len)
			return -1;
		strcpy(buf, env);
		return 0;
	}
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (!slash)
		return -1;
	*slash = '\0';
	if ((size_t)snprintf(buf, len, "%s/kas-props", self) >= len)
		return -1;
	return 0;
}

int kas_cmd_props(int argc, char **argv)
{
	char path[PATH_MAX];

	if (props_path(path, sizeof(path)) != 0 || access(path, X_OK) != 0) {
		fprintf(stderr, "kallocspec: props: cannot find the kas-props program%s%s "
				"(it is built only when librapidcheck-dev is installed; "
				"KAS_PROPS_BIN overrides the path)\n",
			path[0] ? " at " : "", path[0] ? path : "");
		return PROPS_EXIT_USAGE;
	}

	int nargs = argc > 0 ? argc : 1;
	char **args = calloc((size_t)nargs + 1, sizeof(*args));
	if (!args) {
		fprintf(stderr, "kallocspec: props: out of memory\n");
		return PROPS_EXIT_USAGE;
	}
	args[0] = path;
	for (int i = 1; i < argc; i++)
		args[i] = argv[i];
	args[nargs] = NULL;

	fflush(stdout);
	fflush(stderr);
	pid_t pid;
	int err = posix_spawn(&pid, path, NULL, NULL, args, environ);
	free(args);
	if (err != 0) {
		fprintf(stderr, "kallocspec: props: cannot run %s: %s\n", path, strerror(err));
		return PROPS_EXIT_USAGE;
	}
	int status;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			fprintf(stderr, "kallocspec: props: waitpid: %s\n", strerror(errno));
			return PROPS_EXIT_FAIL;
		}
	}
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	/* A port that crashes the process is a failure of the port under test. */
	fprintf(stderr, "kallocspec: props: kas-props was killed by signal %d "
			"(a port crash: rerun with the printed seed under a debugger)\n",
		WIFSIGNALED(status) ? WTERMSIG(status) : 0);
	return PROPS_EXIT_FAIL;
}
