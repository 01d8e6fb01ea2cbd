/*
 * timeout.c - --lock-timeout values, checked as PostgreSQL checks them;
 * see timeout.h.
 */
#include "cli/timeout.h"
#include "exitcodes.h"

#include <ctype.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int timeout_parse(const char *option, const char *value, long *ms, Err *err)
{
	static const struct { const char *unit; double ms; } units[] = {
		{"us", 0.001}, {"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000}, {"d", 86400000},
	};
	const char *p = value ? value : "";
	while (isspace((unsigned char)*p))
		p++;
	const char *num = p;
	while (isdigit((unsigned char)*p))
		p++;
	bool digits = p > num;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p)) {
			p++;
			digits = true;
		}
	}
	double v = digits ? strtod(num, NULL) : 0;
	while (isspace((unsigned char)*p))
		p++;
	double mult = 1;
	if (digits && *p) {
		size_t n = 0;
		while (isalpha((unsigned char)p[n]))
			n++;
		bool found = false;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]) && !found; i++)
			if (strlen(units[i].unit) == n && strncmp(p, units[i].unit, n) == 0) {
				mult = units[i].ms;
				found = true;
			}
		if (!found)
			digits = false;
		p += n;
		while (isspace((unsigned char)*p))
			p++;
	}
	if (!digits || *p)
		return err_set(err, PGC_EXIT_USAGE,
		               "invalid %s \"%s\": expected a number of milliseconds or a number with a "
		               "unit (us, ms, s, min, h, d), e.g. 2s or 500ms, as PostgreSQL reads it",
		               option, value ? value : "");
	double total = rint(v * mult);
	if (total > 2147483647.0)
		return err_set(err, PGC_EXIT_USAGE, "invalid %s \"%s\": at most 2147483647ms (about 24 days)",
		               option, value);
	if (ms)
		*ms = (long)total;
	return 0;
}
