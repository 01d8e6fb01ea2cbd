/*
 * write.h - atomic file writing for `pgcascade fix --out`.
 *
 * A file is written to a temporary file in the same directory, flushed
 * with fsync, and renamed over its final name; the directory is then
 * fsynced. A reader (or a crash) sees either no file or the whole file,
 * never half of one. Without force, an existing file is never replaced:
 * the temporary file is linked to the final name (link fails with
 * EEXIST atomically) instead of renamed.
 */
#ifndef PGC_FIX_WRITE_H
#define PGC_FIX_WRITE_H

#include "util/err.h"

#include <stdbool.h>
#include <stddef.h>

/* 0 when dir is a writable directory (created, with its parents, when
 * missing); else -1 with err (PGC_EXIT_USAGE). */
int write_check_dir(const char *dir, Err *err);

/* True when dir/name exists (any kind of file). */
bool write_exists(const char *dir, const char *name);

/*
 * Writes len bytes of data to dir/name atomically. Refuses an existing
 * file unless force. Returns 0, or -1 with err: PGC_EXIT_USAGE for an
 * existing file or a bad directory, PGC_EXIT_INTERNAL for an I/O error.
 * On failure no file named name is created and the temporary file is
 * removed.
 */
int write_file_atomic(const char *dir, const char *name, const char *data, size_t len,
                      bool force, Err *err);

#endif
