/* SPDX-License-Identifier: MIT */
/*
 * Shared set-up of the fuzz targets: which port, which profile, how many
 * ops, which rule IDs a campaign already knows about, and the one format
 * in which a target reports a finding before it aborts.
 *
 * Run-time knobs (environment, read once per process):
 *   KAS_FUZZ_PORT     a built-in port name or a path to a port .so; default
 *                     the port the target was built against (CMake
 *                     variable KAS_FUZZ_PORT)
 *   KAS_FUZZ_PROFILE  profile name; default kas_profile_default()
 *   KAS_FUZZ_MAX_OPS  ops decoded per input (default 64)
 *   KAS_FUZZ_POOL     bytes of simulated memory the port gets (default
 *                     8 MiB, like the pressure witnesses: small enough for
 *                     a few ops to reach the watermarks and OOM); 0 = the
 *                     port's own default.  Findings record it as
 *                     `# pool-bytes:` so `kallocspec replay` agrees.
 *   KAS_FUZZ_IGNORE   comma-separated rule IDs that do not abort (findings a
 *                     campaign has already recorded)
 *   KAS_FUZZ_ONLY     one rule ID: every other rule is ignored (used while
 *                     minimising one finding)
 *   KAS_FUZZ_MEM      the machine size the port runs on (default 1G; 0 =
 *                     none): a build without ASan limits the process's
 *                     private memory (kas_mem_limit) once; under ASan the
 *                     campaign sets ASan's max_allocation_size_mb instead
 *                     (a data limit would refuse ASan its shadow memory)
 *   KAS_FUZZ_FOUND_DIR
 *                     when set, a rule's first failure in this process is
 *                     saved there as an input file (found-<RULE>-<hash>)
 *                     and the run goes on: the campaign triages the file
 *                     while the fuzzer keeps its speed.  Unset (replay,
 *                     triage, minimisation), a failure aborts.
 */
#ifndef KAS_FUZZ_COMMON_H
#define KAS_FUZZ_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <kallocspec/port.h>
#include <kallocspec/profile.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Every line a target prints about a finding starts with this; the campaign
 * driver and the triage tool look for it. */
#define KAS_FUZZ_TAG "KAS-FUZZ-FAIL"

const struct kas_port *kas_fuzz_port(void);
const struct kas_profile *kas_fuzz_profile(void);
size_t kas_fuzz_max_ops(void);
size_t kas_fuzz_pool_bytes(void);
/* True when id is listed in KAS_FUZZ_IGNORE, or KAS_FUZZ_ONLY names another. */
bool kas_fuzz_ignored(const char *id);
/* True when KAS_FUZZ_IGNORE or KAS_FUZZ_ONLY is set (targets then run whole traces
 * instead of stopping at the first failure). */
bool kas_fuzz_ignoring_any(void);

/* KAS_FUZZ_MEM in bytes, and applied to this process where that is how
 * (kas_fuzz_setup_mem: once per process, from the target's set-up). */
size_t kas_fuzz_mem_bytes(void);
/* One more execution, for the campaign's live count ($KAS_FUZZ_EXECS_FILE);
 * every target calls it first thing for each input. */
void kas_fuzz_count_exec(void);
void kas_fuzz_setup_mem(void);
/* A rule failed on the input data[0..size): true when the target must
 * abort (no KAS_FUZZ_FOUND_DIR), false when the input was saved (or the
 * rule was saved before in this process) and the run goes on. */
bool kas_fuzz_found(const char *rule, const uint8_t *data, size_t size);
/* KAS_FUZZ_FOUND_DIR is set. */
bool kas_fuzz_saving_found(void);

/* Prints "KAS-FUZZ-FAIL <rule> port=<p> profile=<q>: <message>" on stderr;
 * prof NULL = kas_fuzz_profile(). */
void kas_fuzz_report(const struct kas_profile *prof, const char *rule, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Bytes consumed from the tail of the input (FuzzedDataProvider style: the
 * choices come from the end, so payload and decisions mutate separately);
 * 0 once the input is exhausted. */
struct kas_fuzz_bytes {
	const uint8_t *data;
	size_t len;
};
uint64_t kas_fuzz_take(struct kas_fuzz_bytes *b, unsigned nbytes);

#ifdef __cplusplus
}
#endif
#endif
