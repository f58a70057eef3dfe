/* SPDX-License-Identifier: MIT */
/*
 * Planted bugs.  Each entry of ports/mutants/mutants.def names one realistic
 * allocator bug, and the code that plants it is guarded by
 * REF_MUTANT(NAME).  The allocator is compiled twice:
 *
 *   kas_refalloc          REF_MUTANT() is the constant 0, so the bugs are
 *                         compiled out and ref pays nothing for them;
 *   the switched copy     (REF_MUTANTS_SWITCHED, ports/mutants/) one copy
 *                         of the allocator in which the port mut-<name>
 *                         turns bug NAME on when it is initialised.
 *
 * One switched build serves every mutant, so the mutant ports are part of
 * every build and any test that needs a broken allocator names one.
 */
#ifndef REF_MUTANT_H
#define REF_MUTANT_H

enum ref_mutant_id {
	REF_MUT_NONE,
#define MUTANT(name, rules, profiles, what) REF_MUT_##name,
#include "mutants.def"
#undef MUTANT
	REF_MUT_COUNT
};

#ifdef REF_MUTANTS_SWITCHED
/* The bug that is on in this copy of the allocator (REF_MUT_NONE: none). */
extern enum ref_mutant_id ref_mutant_on;
#define REF_MUTANT(name) (ref_mutant_on == REF_MUT_##name)
#else
#define REF_MUTANT(name) 0
#endif

#endif
