// SPDX-License-Identifier: MIT
//
// Shared between the per-op generators (opgen.cpp) and the groups
// (groups.cpp).  Not used elsewhere.
#ifndef KAS_PROPS_OPGEN_H
#define KAS_PROPS_OPGEN_H

#include "props.h"

namespace kasprops {

// Families whose objects kfree / kvfree may take.
const unsigned kKmallocLike = famBit(Fam::Kmalloc);
const unsigned kKvfreeable = famBit(Fam::Kmalloc) | famBit(Fam::Vmalloc) | famBit(Fam::Kvmalloc);
// kfree also takes kmem_cache objects from 6.4 on (FREE-1), and so do
// kvfree, kfree_rcu and kvfree_rcu (RCU-2).
unsigned kfreeFams();
unsigned kvfreeFams();
// The calling-context and scope ops: the world observes them only for a
// port with KAS_CAP_WORLD.
bool contextOp(kas_opcode op);

// Live objects of the families in fams (and of cache, if >= 0), by id.
std::vector<int> liveOf(const GenState &s, unsigned fams, int cache = -1);
// Could op be generated in state s (its handle arguments exist)?
bool possible(kas_opcode op, const GenState &s);
// Fill c with op and arguments drawn for state s (uses rapidcheck's *gen:
// call inside gen::exec).
void genOp(kas_opcode op, OpCmd &c, const GenState &s);

} // namespace kasprops

#endif
