/* SPDX-License-Identifier: MIT */
/*
 * Deliberately broken variants of the ref port, for testing that kas-props
 * catches and shrinks what it should.  Each is the ref port table with one
 * function pointer replaced:
 *
 *   ref-broken-krealloc   krealloc keeps only the first half of the contents
 *                         it must preserve (the rest of min(old, new) is
 *                         overwritten): REALLOC-3.
 *   ref-crash-kfree-sensitive  kfree_sensitive of an object larger than 64
 *                         bytes dereferences NULL: a CRASH under --fork.
 *   ref-hang-ksize        ksize of an object larger than 1024 bytes never
 *                         returns: a HANG under --fork.
 *
 * Built into kas-props (--port NAME); ref-broken-krealloc is also the module
 * kas-port-broken-krealloc.so, so `kallocspec replay FILE --port
 * path/to/kas-port-broken-krealloc.so` reproduces a written trace.
 */
#include <kallocspec/port.h>
#include <kallocspec/profile.h>

#include <string.h>

extern const struct kas_port kas_port_ref;

static bool real_object(const void *p)
{
	return (uintptr_t)p > KAS_ZERO_SIZE_PTR;
}

static void *half_prefix_krealloc(const void *p, size_t new_size, kas_gfp_t gfp)
{
	/* The ref's usable size of the old object bounds what must survive. */
	size_t old = real_object(p) && kas_port_ref.ksize ? kas_port_ref.ksize(p) : 0;
	void *q = kas_port_ref.krealloc(p, new_size, gfp);
	size_t keep = old < new_size ? old : new_size;

	if (real_object(q) && keep > 1)
		memset((char *)q + keep / 2, 0x5A, keep - keep / 2);
	return q;
}

static void crashing_kfree_sensitive(const void *p)
{
	if (real_object(p) && kas_port_ref.ksize(p) > 64) {
		volatile char *volatile nowhere = NULL;
		*nowhere = 1;
	}
	kas_port_ref.kfree_sensitive(p);
}

static size_t hanging_ksize(const void *p)
{
	size_t n = kas_port_ref.ksize(p);
	volatile int forever = n > 1024;
	while (forever) {
	}
	return n;
}

enum { BROKEN_KREALLOC, CRASH_KFREE_SENSITIVE, HANG_KSIZE, N_BROKEN };

static const char *const broken_names[N_BROKEN] = {
	"ref-broken-krealloc", "ref-crash-kfree-sensitive", "ref-hang-ksize",
};
static struct kas_port broken[N_BROKEN];

const struct kas_port *kas_props_broken_port(const char *name);

const struct kas_port *kas_props_broken_port(const char *name)
{
	for (int i = 0; i < N_BROKEN; i++) {
		if (strcmp(name, broken_names[i]) != 0)
			continue;
		struct kas_port *p = &broken[i];
		if (!p->name) {
			*p = kas_port_ref;
			p->name = broken_names[i];
			p->description = "a deliberately broken ref (kas-props self-test)";
			if (i == BROKEN_KREALLOC)
				p->krealloc = half_prefix_krealloc;
			else if (i == CRASH_KFREE_SENSITIVE)
				p->kfree_sensitive = crashing_kfree_sensitive;
			else
				p->ksize = hanging_ksize;
		}
		return p;
	}
	return NULL;
}
