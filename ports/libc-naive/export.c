/* SPDX-License-Identifier: MIT */
/* Entry point of the loadable module kas-port-libc-naive.so. */
#include <kallocspec/port.h>

extern const struct kas_port kas_port_libc_naive;

KAS_PORT_EXPORT(kas_port_libc_naive)
