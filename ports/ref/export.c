/* SPDX-License-Identifier: MIT */
/* Entry point of the loadable module kas-port-ref.so. */
#include <kallocspec/port.h>

extern const struct kas_port kas_port_ref;

__attribute__((visibility("default")))
const struct kas_port *kallocspec_port(void);

const struct kas_port *kallocspec_port(void)
{
	return &kas_port_ref;
}
