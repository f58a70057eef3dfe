/* SPDX-License-Identifier: MIT */
/*
 * Host side of the kernel oracle: traces -> wire lines for the kas_oracle
 * module, the module's result lines and the kernel log -> per-op records,
 * and a "replay port" that hands the harness what the kernel did so the
 * unchanged harness and spec judge the real kernel.
 */
#ifndef KAS_KERNEL_ORACLE_H
#define KAS_KERNEL_ORACLE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <kallocspec/trace.h>
#include <kallocspec/port.h>
#include <kallocspec/call.h>

#define KO_ABSENT (-2L)      /* a check the module did not make */

enum ko_status { KO_NONE = 0, KO_OK, KO_REFUSED, KO_UNSUPPORTED };

/* One op as the kernel ran it. */
struct ko_rec {
	uint8_t status;          /* enum ko_status */
	char cls;                /* 'P' pointer, 'N' NULL, 'Z' ZERO_SIZE_PTR, 'V' value, 0 none */
	char why[16];            /* refusal reason */
	uint64_t a;              /* address low bits */
	uint64_t v;              /* value (R_VALUE ops, bulk count) */
	uint64_t pa;             /* physical address of the first byte */
	uint64_t ks;             /* ksize of the new object (0 if not reported) */
	int vm, pc, same;
	long z, pf, pt, kp, ct;  /* first bad offsets, -1 clean, KO_ABSENT unchecked */
	uint32_t cc, cr;
	uint64_t *bulk;          /* bulk addresses' low bits */
	uint32_t nbulk;
	uint32_t warns;          /* WARNING/BUG/alloc-failure events in dmesg during the op */
	uint32_t warn_kinds;     /* bit per enum kas_warn_kind */
	char *warn_text;         /* first warning line (for the report) */
};

struct ko_trace_recs {
	unsigned no;             /* trace number in the batch (1-based) */
	struct ko_rec *rec;      /* indexed by op index */
	size_t nrec;
	int ended;               /* the module finished the trace ("E n" seen) */
	int hung;                /* the VM stopped making progress in this trace and was killed */
};

struct ko_results {
	struct ko_trace_recs *tr;
	size_t ntr;
	char uname[128];
	char cmdline[512];
	int dmesg_seen, end_seen;
};

/* wire.c: the trace as the module's line protocol (T n ... E). */
int ko_wire_write(FILE *out, const struct kas_trace *t, unsigned trace_no);

/* results.c: parse a serial capture (CR stripped here); 0 or -1. */
int ko_results_load(struct ko_results *r, const char *path, char *err, size_t errlen);
void ko_results_free(struct ko_results *r);
const struct ko_trace_recs *ko_results_trace(const struct ko_results *r, unsigned no);

/* replay_port.c */
const struct kas_port *ko_replay_port(void);
/* Select the records of the next trace run; limit = ops judged. */
void ko_replay_begin(const struct ko_trace_recs *tr, const struct kas_trace *t, size_t limit);
/* The harness's on_call hook: advances the op cursor. */
void ko_replay_on_call(void *arg, const struct kas_call *c);
/* After a run: the first op the harness called but the kernel refused or
 * did not run in the same way (SIZE_MAX if none), and why. */
size_t ko_replay_cut(const char **why);

#endif
