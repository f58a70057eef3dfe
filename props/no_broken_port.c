/* SPDX-License-Identifier: MIT */
/* Builds without the ref port have no broken variants of it. */
#include <stddef.h>
#include <kallocspec/port.h>

const struct kas_port *kas_props_broken_port(const char *name);

const struct kas_port *kas_props_broken_port(const char *name)
{
	(void)name;
	return NULL;
}
