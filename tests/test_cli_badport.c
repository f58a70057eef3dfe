/* SPDX-License-Identifier: MIT */
/*
 * Deliberately broken loadable ports for test_cli_dlopen.sh, one per build
 * variant: no entry point, a future ABI major, a table that is too small.
 */
#include <kallocspec/port.h>

#if defined(KAS_BADPORT_OLD_ABI) || defined(KAS_BADPORT_SMALL)
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
