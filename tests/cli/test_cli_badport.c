/* SPDX-License-Identifier: MIT */
/*
 * Deliberately broken loadable ports for the CLI tests, one per build
 * variant: no entry point, a future ABI major, a table that is too small,
 * a working port whose kzalloc crashes and whose ksize never returns, and
 * ports whose constructor crashes or exits while the module is loaded.
 */
#include <kallocspec/port.h>

#ifdef KAS_BADPORT_CRASHY
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static void *crashy_kmalloc(size_t size, kas_gfp_t gfp)
{
	(void)gfp;
	return size ? malloc(size) : (void *)16;
}

static void crashy_kfree(const void *p)
{
	if ((uintptr_t)p > 16)
		free((void *)p);
}

/* The crash the suite must survive. */
static void *crashy_kzalloc(size_t size, kas_gfp_t gfp)
{
	(void)size;
	(void)gfp;
	raise(SIGSEGV);
	return NULL;
}

/* The hang the watchdog must stop. */
static size_t crashy_ksize(const void *p)
{
	(void)p;
	for (;;)
		sleep(1);
	return 0;
}

static const struct kas_port crashy_port = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "crashy",
	.description = "kzalloc dies of SIGSEGV, ksize never returns",
	.caps = KAS_CAP_KMALLOC | KAS_CAP_KSIZE,
	.kmalloc = crashy_kmalloc,
	.kzalloc = crashy_kzalloc,
	.kfree = crashy_kfree,
	.ksize = crashy_ksize,
};

const struct kas_port *kallocspec_port(void);

const struct kas_port *kallocspec_port(void)
{
	return &crashy_port;
}
#endif

#if defined(KAS_BADPORT_CRASHY)
/* above */
#elif defined(KAS_BADPORT_CTOR_CRASH) || defined(KAS_BADPORT_CTOR_EXIT)
#include <signal.h>
#include <stdlib.h>

/* Runs at dlopen(), before kallocspec sees the port at all. */
__attribute__((constructor)) static void die_while_loading(void)
{
#ifdef KAS_BADPORT_CTOR_CRASH
	raise(SIGSEGV);
#else
	exit(3);
#endif
}

static const struct kas_port ctor_port = {
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = sizeof(struct kas_port),
	.name = "dies-loading",
	.description = "its constructor crashes or exits",
};
KAS_PORT_EXPORT(ctor_port)
#elif defined(KAS_BADPORT_OLD_ABI) || defined(KAS_BADPORT_SMALL)
static const struct kas_port bad_port = {
#ifdef KAS_BADPORT_OLD_ABI
	.abi_version = 0x00020000u,
	.table_size = sizeof(struct kas_port),
#else
	.abi_version = KAS_PORT_ABI_VERSION,
	.table_size = 16,
#endif
	.name = "broken",
	.description = "a port kallocspec must refuse to load",
};

const struct kas_port *kallocspec_port(void);

const struct kas_port *kallocspec_port(void)
{
	return &bad_port;
}
#else
/* Exports something, just not the entry point. */
int kas_not_a_port(void);

int kas_not_a_port(void)
{
	return 42;
}
#endif
