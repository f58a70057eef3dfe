/* SPDX-License-Identifier: MIT */
/* Shared pieces of the kallocspec command. */
#ifndef KALLOCSPEC_CLI_H
#define KALLOCSPEC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <kallocspec/port.h>
#include <kallocspec/profile.h>
#include <kallocspec/spec.h>
#include <kallocspec/trace.h>

/* Exit statuses of every command. */
enum {
	KAS_EXIT_OK = 0,        /* no FAIL, CRASH or HANG */
	KAS_EXIT_FAIL = 1,      /* a rule failed */
	KAS_EXIT_USAGE = 2,     /* bad input or usage */
};

/* Each command gets argv with argv[0] = the command name. */
int kas_cmd_rules(int argc, char **argv);
int kas_cmd_replay(int argc, char **argv);
int kas_cmd_check(int argc, char **argv);
int kas_cmd_decode(int argc, char **argv);
int kas_cmd_encode(int argc, char **argv);
int kas_cmd_ports(int argc, char **argv);
/* "calls refused as caller errors (not run):" and a line per caller rule
 * with a non-zero count (counts indexed like kas_caller_rule_at). */
void cli_print_refused(FILE *out, const uint64_t *counts);
int kas_cmd_profiles(int argc, char **argv);

/* "kallocspec: <message>" on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Reports an option problem and the command's usage on stderr; returns KAS_EXIT_USAGE. */
int cli_usage_error(const char *usage, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* After getopt_long (optstring starting with ':') returned '?' or ':':
 * prints what was wrong and the usage; returns KAS_EXIT_USAGE. */
int cli_bad_option(const char *usage, const char *cmd, int c, char **argv);

/* Profile by name with an error listing the known ones; NULL after printing. */
const struct kas_profile *cli_profile(const char *name);
/* Port by name or path; NULL after printing the registry's reason. */
/* The port of --port, or NULL with a message and *exit_code: 1 when the
 * module crashed, aborted, exited or hung while loading, else 2. */
const struct kas_port *cli_port(const char *name, int *exit_code);

/* "5.4+", "6.1–6.18", "all", ... for a [since, until) kver range. */
/* "6.12" */
void cli_format_kver(uint32_t kver, char *buf, size_t len);

/* A trace path the parser can read: "-", or not a directory.  Prints
 * "PATH: cannot open: Is a directory" otherwise (the parser's own
 * message would only say "read error"). */
bool cli_trace_path_ok(const char *path);

/* Whole file (or stdin for "-" / NULL) into a malloc'ed buffer; -1 after printing. */
int cli_read_all(const char *path, uint8_t **data, size_t *len);
/* Opens path for writing ("-" or NULL = stdout); NULL after printing. */
FILE *cli_open_out(const char *path);
/* Closes a stream from cli_open_out; -1 after printing on a write error. */
int cli_close_out(FILE *f, const char *path);

/* Prints "<indent>source: doc, section: \"quote\"". */
void cli_print_rule_source(FILE *out, const struct kas_rule *r, const char *indent);
/* Prints every line of the text form of t prefixed with indent. */
void cli_print_trace_indented(FILE *out, const struct kas_trace *t, const char *indent);

/* The run options check, replay and props share: --mem SIZE into *mem,
 * --content sampled|full into *full.  0, or KAS_EXIT_USAGE after printing
 * the usage with "CMD: bad --OPTION ...". */
int cli_opt_mem(const char *usage, const char *cmd, const char *arg, size_t *mem);
int cli_opt_content(const char *usage, const char *cmd, const char *arg, bool *full);

/* Replaces t's metadata by the given key/value pairs (NULL-terminated). */
int cli_set_meta(struct kas_trace *t, const char *const *kv);

#endif
