/* SPDX-License-Identifier: MIT */
/* Object content patterns and zero scans (private to the harness). */
#ifndef KAS_CORE_CONTENT_H
#define KAS_CORE_CONTENT_H

#include <stddef.h>
#include <stdint.h>
#include "kallocspec/call.h"
#include "kallocspec/harness.h"

/* Ranges up to this size are examined whole; larger ones in windows. */
#define KAS_EXAMINE_WHOLE ((size_t)16 << 20)

/* Write object id's pattern into [from, to) of obj. */
void kas_content_fill(void *obj, uint64_t id, size_t from, size_t to);
/* Offset of the first byte in [from, to) that differs from id's pattern,
 * or KAS_NOT_FOUND. */
size_t kas_content_verify(const void *obj, uint64_t id, size_t from, size_t to);
/* Offset of the first non-zero byte in [from, to), or KAS_NOT_FOUND. */
size_t kas_content_zero_scan(const void *obj, size_t from, size_t to);

#endif
