/*
 * verify.h - the verify stages in one include: applying sources
 * (apply.h), the report (report.h), the whole run (run.h).
 */
#ifndef PGC_VERIFY_H
#define PGC_VERIFY_H

#include "verify/apply.h"
#include "verify/report.h"
#include "verify/seed.h"

#endif
