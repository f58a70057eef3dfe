/* SPDX-License-Identifier: MIT */
/* kas_tool_string(): see version.h.  The two strings it joins are generated
 * at build time (cmake/kas_build_id.cmake). */
#include <stdio.h>
#include "kallocspec/version.h"

const char *kas_tool_string(void)
{
	static char s[96];

	if (!s[0])
		snprintf(s, sizeof(s), "kallocspec %s (commit %s)", kas_build_version,
			 kas_build_commit);
	return s;
}
