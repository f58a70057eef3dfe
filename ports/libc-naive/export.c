/* SPDX-License-Identifier: MIT */
/* Entry point of the loadable module kas-port-libc-naive.so. */
#include <kallocspec/port.h>

extern const struct kas_port kas_port_libc_naive;

__attribute__((visibility("default")))
const struct kas_port *kallocspec_port(void);

const struct kas_port *kallocspec_port(void)
{
	return &kas_port_libc_naive;
}
