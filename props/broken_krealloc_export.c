/* SPDX-License-Identifier: MIT */
/* Entry point of the loadable module kas-port-broken-krealloc.so. */
#include <kallocspec/port.h>

const struct kas_port *kas_props_broken_port(const char *name);

__attribute__((visibility("default")))
const struct kas_port *kallocspec_port(void);

const struct kas_port *kallocspec_port(void)
{
	return kas_props_broken_port("ref-broken-krealloc");
}
