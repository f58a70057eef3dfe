/* SPDX-License-Identifier: MIT */
/* `kallocspec props`: the rapidcheck property tests (the kas-props program). */
#ifndef KALLOCSPEC_CMD_PROPS_H
#define KALLOCSPEC_CMD_PROPS_H

/*
 * Runs the kas-props executable that sits next to the running kallocspec
 * binary (or $KAS_PROPS_BIN), with argv[1..] passed through unchanged, and
 * returns its exit status: 0 all properties passed, 1 a property failed
 * (or kas-props died of a signal: a crashing port), 2 bad input or no
 * kas-props program.  argv[0] is the command name ("props").
 */
int kas_cmd_props(int argc, char **argv);

#endif
