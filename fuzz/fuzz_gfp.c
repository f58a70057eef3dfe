/* SPDX-License-Identifier: MIT */
/*
 * Fuzz target `gfp`: GFP names and values in every profile.
 *   - kas_gfp_format(v) parses back to v token by token (composite and
 *     single-bit names through kas_gfp_lookup, unknown bits as hex), and a
 *     composite it leads with is contained in v;
 *   - formatting into a short buffer truncates safely and returns the same
 *     length;
 *   - every composite name resolves to the same value through
 *     kas_gfp_composite and kas_gfp_lookup, uses only bits that have a name
 *     in that kernel version, and round-trips through format;
 *   - an arbitrary name given to kas_gfp_lookup never crashes, and when
 *     accepted its value round-trips through format.
 * Input: byte 0 = profile, then the value and a truncation length from the
 * tail; the rest is the name.
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <kallocspec/gfp.h>
#include <kallocspec/profile.h>

static const char *const composites[] = {
	"GFP_KERNEL", "GFP_KERNEL_ACCOUNT", "GFP_ATOMIC", "GFP_NOWAIT", "GFP_NOIO", "GFP_NOFS",
	"GFP_USER", "GFP_DMA", "GFP_DMA32", "GFP_HIGHUSER", "GFP_HIGHUSER_MOVABLE",
	"GFP_TRANSHUGE_LIGHT", "GFP_TRANSHUGE", "__GFP_RECLAIM",
};

static const struct kas_profile *profile;

/* Every check of this target reports as GFP-NAMES; a campaign that has
 * recorded it lists it in KAS_FUZZ_IGNORE and the target stops checking. */
static bool gfp_ignored(void)
{
	return kas_fuzz_ignored("GFP-NAMES");
}

static void fail(const char *fmt, const char *a, kas_gfp_t x, kas_gfp_t y)
{
	char msg[512];

	snprintf(msg, sizeof(msg), fmt, a, (unsigned)x, (unsigned)y);
	kas_fuzz_report(profile, "GFP-NAMES", "%s", msg);
	abort();
}

/* Bits of v that have a single-bit name in kver. */
static kas_gfp_t named_bits(uint32_t kver)
{
	kas_gfp_t m = 0;

	for (const struct kas_flag_name *f = kas_gfp_bits; f->name; f++)
		if ((!f->since || kver >= f->since) && (!f->until || kver < f->until))
			m |= f->value;
	return m;
}

/* Parses a kas_gfp_format result; false if a token is not understood. */
static bool parse_back(const char *s, uint32_t kver, kas_gfp_t *out, kas_gfp_t *first_composite)
{
	kas_gfp_t v = 0;
	bool first = true;

	*first_composite = 0;
	while (*s) {
		const char *end = strchr(s, '|');
		size_t len = end ? (size_t)(end - s) : strlen(s);
		kas_gfp_t x;

		if (len == 0)
			return false;
		if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
			char tmp[32];
			char *e;

			if (len >= sizeof(tmp))
				return false;
			memcpy(tmp, s, len);
			tmp[len] = '\0';
			x = (kas_gfp_t)strtoul(tmp, &e, 16);
			if (*e)
				return false;
		} else if (len == 1 && s[0] == '0') {
			x = 0;
		} else if (!kas_gfp_lookup(s, len, kver, &x)) {
			return false;
		} else if (first && strncmp(s, "__GFP_", 6) != 0) {
			*first_composite = x;
		}
		v |= x;
		first = false;
		s = end ? end + 1 : s + len;
	}
	*out = v;
	return true;
}

static void roundtrip(kas_gfp_t v, const char *what)
{
	uint32_t kver = profile->kver;
	char buf[512];
	size_t n = kas_gfp_format(v, kver, buf, sizeof(buf));
	kas_gfp_t back, comp;

	if (n >= sizeof(buf))
		fail("%s: format needs %u bytes (of %u)", what, (kas_gfp_t)n, sizeof(buf));
	if (strlen(buf) != n)
		fail("%s: format returned %u but wrote %u bytes", what, (kas_gfp_t)n, (kas_gfp_t)strlen(buf));
	if (!parse_back(buf, kver, &back, &comp)) {
		kas_fuzz_report(profile, "GFP-NAMES", "%s: format gave '%s', which does not parse", what, buf);
		abort();
	}
	if (back != v) {
		kas_fuzz_report(profile, "GFP-NAMES", "%s: format(0x%x) = '%s' parses to 0x%x", what,
				(unsigned)v, buf, (unsigned)back);
		abort();
	}
	if (comp & ~v) {
		kas_fuzz_report(profile, "GFP-NAMES", "%s: format(0x%x) = '%s' leads with a composite not contained in the value",
				what, (unsigned)v, buf);
		abort();
	}
}

static void check_truncation(kas_gfp_t v, size_t cut)
{
	char full[512], small[64];
	size_t n = kas_gfp_format(v, profile->kver, full, sizeof(full));
	size_t m;

	cut %= sizeof(small);
	memset(small, 'X', sizeof(small));
	m = kas_gfp_format(v, profile->kver, small, cut);
	if (m != n)
		fail("%s: truncated format returned %u, full format %u", "truncation", (kas_gfp_t)m, (kas_gfp_t)n);
	if (cut > 0 && (memchr(small, '\0', cut) == NULL || strncmp(small, full, cut - 1) != 0))
		fail("%s: format into %u bytes is not a terminated prefix (full %u)", "truncation",
		     (kas_gfp_t)cut, (kas_gfp_t)n);
	for (size_t i = cut; i < sizeof(small); i++)
		if (small[i] != 'X')
			fail("%s: format into %u bytes wrote byte %u", "truncation", (kas_gfp_t)cut, (kas_gfp_t)i);
}

static void check_composites(void)
{
	kas_gfp_t named = named_bits(profile->kver);

	for (size_t i = 0; i < sizeof(composites) / sizeof(composites[0]); i++) {
		const char *name = composites[i];
		kas_gfp_t c = 0, l = 0;
		bool hc = kas_gfp_composite(name, profile->kver, &c);
		bool hl = kas_gfp_lookup(name, strlen(name), profile->kver, &l);

		if (hc != hl || (hc && c != l))
			fail("%s: kas_gfp_composite 0x%x and kas_gfp_lookup 0x%x disagree", name, c, l);
		if (!hc)
			continue;
		if (c & ~named)
			fail("%s = 0x%x uses bits without a name in this kernel (named: 0x%x)", name, c, named);
		roundtrip(c, name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	kas_fuzz_count_exec();
	static bool composites_checked[64];
	struct kas_fuzz_bytes b = { data, size };
	size_t pi;
	kas_gfp_t v, x;
	size_t cut;

	if (size == 0 || gfp_ignored())
		return 0;
	pi = data[0] % kas_profile_count();
	profile = kas_profile_at(pi);
	b.data++;
	b.len--;
	v = (kas_gfp_t)kas_fuzz_take(&b, 4);
	cut = (size_t)kas_fuzz_take(&b, 1);

	/* Per-profile facts do not depend on the input: check them once. */
	if (pi < 64 && !composites_checked[pi]) {
		check_composites();
		composites_checked[pi] = true;
	}
	roundtrip(v, "value");
	roundtrip(v & KAS_GFP_ALL_BITS, "value within the known bits");
	check_truncation(v, cut);
	if (kas_gfp_lookup((const char *)b.data, b.len, profile->kver, &x))
		roundtrip(x, "looked-up name");
	return 0;
}
