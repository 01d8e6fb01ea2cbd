/* validate.c - option values; see validate.h. */
#include "cli/validate.h"
#include "exitcodes.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	const char *name;
	double ms;
} units[] = {
	{"us", 0.001}, {"ms", 1}, {"s", 1000}, {"min", 60000}, {"h", 3600000}, {"d", 86400000},
};

int cli_check_timeout(const char *option, const char *value, Err *err)
{
	const char *p = value;
	while (isspace((unsigned char)*p))
		p++;
	const char *num = p;
	if (*p == '+' || *p == '-')
		p++;
	size_t digits = 0;
	while (isdigit((unsigned char)*p))
		p++, digits++;
	if (*p == '.') {
		p++;
		while (isdigit((unsigned char)*p))
			p++, digits++;
	}
	bool ok = digits > 0;
	if (ok && (*p == 'e' || *p == 'E')) {
		const char *q = p + 1;
		if (*q == '+' || *q == '-')
			q++;
		if (isdigit((unsigned char)*q)) {
			while (isdigit((unsigned char)*q))
				q++;
			p = q;
		}
	}
	double v = ok ? strtod(num, NULL) : 0;
	while (isspace((unsigned char)*p))
		p++;
	double scale = 1;
	if (ok && *p) {
		size_t n = 0;
		while (p[n] && !isspace((unsigned char)p[n]))
			n++;
		ok = false;
		for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
			if (strlen(units[i].name) == n && strncmp(p, units[i].name, n) == 0) {
				scale = units[i].ms;
				ok = true;
			}
		p += n;
		while (isspace((unsigned char)*p))
			p++;
		ok = ok && *p == '\0';
	}
	if (!ok)
		return err_set(err, PGC_EXIT_USAGE,
		               "invalid %s \"%s\": expected a PostgreSQL time such as 2s, 500ms, 1.5min "
		               "or 500 (milliseconds); units: us, ms, s, min, h, d", option, value);
	double ms = rint(v * scale);
	if (!(ms >= 0 && ms <= INT_MAX))
		return err_set(err, PGC_EXIT_USAGE,
		               "invalid %s \"%s\": out of range (0 to %d milliseconds, 0 meaning no limit)",
		               option, value, INT_MAX);
	return 0;
}
