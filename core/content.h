/* SPDX-License-Identifier: MIT */
/* Object content patterns and zero scans (private to the harness). */
#ifndef KAS_CORE_CONTENT_H
#define KAS_CORE_CONTENT_H

#include <stddef.h>
#include <stdint.h>
#include "kallocspec/call.h"
#include "kallocspec/harness.h"

/* The first KAS_EXAMINE_WHOLE bytes of an object are examined whole;
 * beyond, the first KAS_EXAMINE_SAMPLE bytes of every 4 KiB page. */
#define KAS_EXAMINE_WHOLE ((size_t)64 << 10)
#define KAS_EXAMINE_SAMPLE ((size_t)64)

/* Write object id's pattern into [from, to) of obj. */
void kas_content_fill(void *obj, uint64_t id, size_t from, size_t to);
/* Offset of the first byte in [from, to) that differs from id's pattern,
 * or KAS_NOT_FOUND. */
size_t kas_content_verify(const void *obj, uint64_t id, size_t from, size_t to);
/* Offset of the first non-zero byte in [from, to), or KAS_NOT_FOUND. */
size_t kas_content_zero_scan(const void *obj, size_t from, size_t to);

#endif
