/* SPDX-License-Identifier: MIT */
/* `kallocspec report`: merge the gate's lanes and write every report format. */
#ifndef KALLOCSPEC_CMD_REPORT_H
#define KALLOCSPEC_CMD_REPORT_H

/*
 * kallocspec report [--out DIR] [--formats LIST] [--lane NAME:STATE:SECS[:REASON]]...
 *                   [--lane-report NAME:FILE]... [--lane-findings NAME:DIR]...
 *                   [--lane-error NAME:MESSAGE]... [--fuzz-plot SVG] [REPORT.json]
 * kallocspec report --matrix REPORT.json... -o FILE.html|FILE.md
 *
 * Exit status: 0 nothing failed, 1 a rule or lane failed, 2 bad input or
 * a report could not be written.  argv[0] is the command name ("report").
 */
int kas_cmd_report(int argc, char **argv);

#endif
