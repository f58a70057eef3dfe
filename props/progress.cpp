// SPDX-License-Identifier: MIT
//
// kas-props' progress on stderr: which property runs, how many traces and
// ops it has judged, the failures so far and the time spent.  A property
// may run for minutes (--long, a slow port): a CI log must show that it is
// alive.  On a terminal one line updates in place; otherwise a line at
// each property and every 10 s.  A property's first failure is said at
// once, before rapidcheck spends its time shrinking it.
#include "props.h"

#include <chrono>
#include <cstdio>
#include <unistd.h>

namespace kasprops {
namespace {

struct Progress {
	std::chrono::steady_clock::time_point t0 = std::chrono::steady_clock::now(), last = t0;
	bool tty = isatty(STDERR_FILENO) != 0;
	bool lineOpen = false;
	std::string property;
	std::set<std::string> failedProps;
	unsigned long long traces = 0, ops = 0, failures = 0;
	std::string reported;   // the property whose failure was said
} p;

double since(std::chrono::steady_clock::time_point t)
{
	return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

void show()
{
	if (p.tty)
		fputs("\r\033[K", stderr);
	fprintf(stderr, "kas-props: [%6.1fs] %s, %llu traces, %llu ops, %zu properties failed",
		since(p.t0), p.property.c_str(), p.traces, p.ops, p.failedProps.size());
	if (p.tty) {
		p.lineOpen = true;
	} else {
		fputc('\n', stderr);
	}
	fflush(stderr);
	p.last = std::chrono::steady_clock::now();
}

void clearLine()
{
	if (p.lineOpen) {
		fputs("\r\033[K", stderr);
		p.lineOpen = false;
	}
}

} // namespace

void progressProperty(const char *name)
{
	p.property = name;
	show();
}

void progressTrace(std::size_t ops)
{
	p.traces++;
	p.ops += ops;
	if (since(p.last) >= (p.tty ? 0.2 : 10.0))
		show();
}

void progressFailure(const std::string &property, const std::string &rule)
{
	p.failures++;
	if (!p.failedProps.insert(property).second)
		return;   // shrinking the failure already said
	clearLine();
	fprintf(stderr, "kas-props: %s: FAIL %s after %llu traces; shrinking\n", property.c_str(),
		rule.c_str(), p.traces);
	fflush(stderr);
	if (p.tty)
		show();
}

void progressEnd()
{
	p.property = "done";
	show();
	if (p.lineOpen) {
		fputc('\n', stderr);
		p.lineOpen = false;
	}
}

} // namespace kasprops
