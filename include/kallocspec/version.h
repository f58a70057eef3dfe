/* SPDX-License-Identifier: MIT */
/*
 * Which kallocspec made a result: every report records it, so a report
 * can be traced to the source it came from.
 */
#ifndef KALLOCSPEC_VERSION_H
#define KALLOCSPEC_VERSION_H

/* "0.1.0" */
extern const char kas_build_version[];
/* The commit the library was built from ("0123456789ab"), with "-dirty"
 * when tracked files had uncommitted changes, or "unknown" outside a git
 * checkout. */
extern const char kas_build_commit[];

/* "kallocspec 0.1.0 (commit 0123456789ab)" */
const char *kas_tool_string(void);

#endif
