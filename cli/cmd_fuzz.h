/* SPDX-License-Identifier: MIT */
/* `kallocspec fuzz`: fuzzing campaigns (fuzz/kas-fuzz does the work). */
#ifndef KALLOCSPEC_CMD_FUZZ_H
#define KALLOCSPEC_CMD_FUZZ_H

/* argv[0] = "fuzz"; the options are fuzz/kas-fuzz's.  Returns only on error. */
int kas_cmd_fuzz(int argc, char **argv);

#endif
