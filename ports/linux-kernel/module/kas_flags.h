/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KAS_FLAGS_H
#define KAS_FLAGS_H
#include <linux/types.h>
#include <linux/slab.h>
/* "A|B|C" or "0" -> this kernel's value; -ENOENT for an unknown name */
int kas_gfp_parse(const char *s, gfp_t *out);
int kas_slab_parse(const char *s, slab_flags_t *out, bool *no_merge);
#endif
