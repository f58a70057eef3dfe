/* SPDX-License-Identifier: MIT */
/* A lang-layer function that calls up into the run layer: the layer check
 * must refuse to link it (tests/layers/test_layers.sh). */
#include <stddef.h>
#include "kallocspec/harness.h"

int kas_test_upward(const struct kas_port *port, const struct kas_trace *t)
{
	return kas_run_trace(port, NULL, t, NULL, NULL);
}
