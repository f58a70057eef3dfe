/* SPDX-License-Identifier: MIT */
/* Pieces shared by the HTML report and the HTML matrix (report/report_html*.c). */
#ifndef KALLOCSPEC_REPORT_HTML_INTERNAL_H
#define KALLOCSPEC_REPORT_HTML_INTERNAL_H

#include <kallocspec/report.h>

/* <!doctype html> ... <style> ... </style></head><body>, title escaped. */
void kas_html_head(FILE *out, const char *title);
/* The filter script for rows "tr.rule" (data-status / data-statuses,
 * data-category) driven by #f-status, #f-category, #f-text; writes the
 * count into #shown and marks <body data-filters="ready"> once it ran. */
void kas_html_filter_script(FILE *out);
/* <select id="f-status"> with every status; <input id="f-text">. */
void kas_html_filter_controls(FILE *out, const char *const *categories, size_t ncat);
/* The CSS class of a status cell: "st-PASS", ... */
void kas_html_status_cell(FILE *out, int status);
/* Rule IDs over several reports (first appearance order). */
size_t kas_rep_matrix_rows(const struct kas_rep *const *reps, size_t n,
			   const struct kas_rep_rule **rows, size_t cap);

#endif
