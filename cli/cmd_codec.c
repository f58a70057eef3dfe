/* SPDX-License-Identifier: MIT */
/* `kallocspec decode` / `encode`: between fuzzer bytes and text traces. */
#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

static const char decode_usage[] =
	"usage: kallocspec decode [FILE|-] [--profile P] [-o OUT]\n"
	"\n"
	"Decodes binary fuzzer input (stdin by default) into a text trace for\n"
	"profile P (default: the default profile), written to OUT or stdout.\n";

static const char encode_usage[] =
	"usage: kallocspec encode [FILE|-] [-o OUT]\n"
	"\n"
	"Encodes a text trace (stdin by default) into the binary fuzzer form,\n"
	"written to OUT or stdout.\n";

struct codec_args {
	const char *in, *out, *profile;
};

static int parse_args(int argc, char **argv, const char *usage, bool want_profile,
		      struct codec_args *a)
{
	static const struct option longopts[] = {
		{ "profile", required_argument, NULL, 'p' },
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(a, 0, sizeof(*a));
	opterr = 0;
	optind = 0;
	while ((c = getopt_long(argc, argv, ":ho:p:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			fputs(usage, stdout);
			return -1;
		case 'o':
			a->out = optarg;
			break;
		case 'p':
			if (!want_profile)
				return cli_usage_error(usage, "%s: unknown option '--profile'", argv[0]);
			a->profile = optarg;
			break;
		default:
			return cli_bad_option(usage, argv[0], c, argv);
		}
	}
	if (optind < argc)
		a->in = argv[optind++];
	if (optind < argc)
		return cli_usage_error(usage, "%s: unexpected argument '%s'", argv[0], argv[optind]);
	return 0;
}

int kas_cmd_decode(int argc, char **argv)
{
	const struct kas_profile *prof = kas_profile_default();
	struct codec_args a;
	struct kas_trace t;
	uint8_t *data;
	size_t len;
	FILE *out;
	int rc = parse_args(argc, argv, decode_usage, true, &a);

	if (rc)
		return rc < 0 ? KAS_EXIT_OK : rc;
	if (a.profile && !(prof = cli_profile(a.profile)))
		return KAS_EXIT_USAGE;
	if (cli_read_all(a.in, &data, &len) != 0)
		return KAS_EXIT_USAGE;
	kas_trace_init(&t);
	if (kas_trace_decode(&t, data, len, prof, 0) != 0) {
		cli_error("decode: out of memory");
		free(data);
		kas_trace_free(&t);
		return KAS_EXIT_USAGE;
	}
	free(data);
	out = cli_open_out(a.out);
	if (!out) {
		kas_trace_free(&t);
		return KAS_EXIT_USAGE;
	}
	kas_trace_print(&t, out, SIZE_MAX);
	kas_trace_free(&t);
	return cli_close_out(out, a.out) == 0 ? KAS_EXIT_OK : KAS_EXIT_USAGE;
}

int kas_cmd_encode(int argc, char **argv)
{
	struct codec_args a;
	struct kas_trace t;
	struct kas_parse_error perr;
	uint8_t *bytes = NULL;
	size_t n = 0;
	char err[512];
	FILE *out;
	int rc = parse_args(argc, argv, encode_usage, false, &a);

	if (rc)
		return rc < 0 ? KAS_EXIT_OK : rc;
	if (!cli_trace_path_ok(a.in ? a.in : "-"))
		return KAS_EXIT_USAGE;
	kas_trace_init(&t);
	memset(&perr, 0, sizeof(perr));
	if (kas_trace_parse_file(&t, a.in ? a.in : "-", NULL, NULL, &perr) != 0) {
		kas_parse_error_format(&perr, err, sizeof(err));
		fprintf(stderr, "%s\n", err);
		kas_trace_free(&t);
		return KAS_EXIT_USAGE;
	}
	err[0] = '\0';
	if (kas_trace_encode(&t, &bytes, &n, err, sizeof(err)) != 0) {
		cli_error("encode: %s: %s", t.source ? t.source : "<stdin>", err);
		kas_trace_free(&t);
		return KAS_EXIT_USAGE;
	}
	kas_trace_free(&t);
	out = cli_open_out(a.out);
	if (!out) {
		free(bytes);
		return KAS_EXIT_USAGE;
	}
	fwrite(bytes, 1, n, out);
	free(bytes);
	return cli_close_out(out, a.out) == 0 ? KAS_EXIT_OK : KAS_EXIT_USAGE;
}
