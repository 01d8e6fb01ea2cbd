/* write.c - temp file + fsync + rename; see write.h. */
#include "fix/write.h"
#include "exitcodes.h"
#include "util/xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* mkdir -p dir (mode 0777 less the umask). Returns 0, or -1 with errno. */
static int make_dirs(const char *dir)
{
	char *p = strdup(dir);
	if (!p)
		return -1;
	for (char *s = p + 1; ; s++) {
		if (*s == '/' || *s == 0) {
			char c = *s;
			*s = 0;
			if (mkdir(p, 0777) != 0 && errno != EEXIST) {
				int e = errno;
				free(p);
				errno = e;
				return -1;
			}
			*s = c;
			if (!c)
				break;
		}
	}
	free(p);
	return 0;
}

int write_check_dir(const char *dir, Err *err)
{
	struct stat st;
	if (stat(dir, &st) != 0 && errno == ENOENT && dir[0] && make_dirs(dir) != 0)
		return err_set(err, PGC_EXIT_USAGE, "--out %s: could not create the directory: %s", dir,
		               err_errno(errno));
	if (stat(dir, &st) != 0)
		return err_set(err, PGC_EXIT_USAGE, "--out %s: %s", dir, err_errno(errno));
	if (!S_ISDIR(st.st_mode))
		return err_set(err, PGC_EXIT_USAGE, "--out %s: not a directory", dir);
	if (access(dir, W_OK | X_OK) != 0)
		return err_set(err, PGC_EXIT_USAGE, "--out %s: directory is not writable: %s", dir,
		               err_errno(errno));
	return 0;
}

static char *join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/%s", dir, name);
	return p;
}

bool write_exists(const char *dir, const char *name)
{
	char *path = join(dir, name);
	struct stat st;
	bool r = lstat(path, &st) == 0;
	free(path);
	return r;
}

/* Test hook (ASan build only): PGCASCADE_FAULT_WRITE=NAME fails the write of
 * NAME half-way, to prove that no half-written file is left behind. */
static bool fault_for(const char *name)
{
#ifdef PGC_FAULT_INJECTION
	const char *f = getenv("PGCASCADE_FAULT_WRITE");
	return f && strcmp(f, name) == 0;
#else
	(void)name;
	return false;
#endif
}

static int write_all(int fd, const char *data, size_t len)
{
	while (len > 0) {
		ssize_t w = write(fd, data, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		data += w;
		len -= (size_t)w;
	}
	return 0;
}

int write_file_atomic(const char *dir, const char *name, const char *data, size_t len,
                      bool force, Err *err)
{
	int ret = -1;
	char *final = join(dir, name);
	char *tmpl = NULL;
	int fd = -1;
	{
		size_t n = strlen(dir) + strlen(name) + 32;
		tmpl = xmalloc(n);
		snprintf(tmpl, n, "%s/.%s.pgcascade-XXXXXX", dir, name);
	}
	fd = mkstemp(tmpl);
	if (fd < 0) {
		err_set(err, PGC_EXIT_USAGE, "%s: cannot create a temporary file in %s: %s", final, dir,
		        err_errno(errno));
		free(tmpl);
		tmpl = NULL;
		goto out;
	}
	if (fchmod(fd, 0644) != 0) {
		err_set(err, PGC_EXIT_INTERNAL, "%s: chmod: %s", tmpl, err_errno(errno));
		goto out;
	}
	if (fault_for(name)) {
		write_all(fd, data, len / 2);
		errno = ENOSPC;
		err_set(err, PGC_EXIT_INTERNAL, "%s: write failed: %s (injected fault)", final,
		        err_errno(errno));
		goto out;
	}
	if (write_all(fd, data, len) != 0 || fsync(fd) != 0) {
		err_set(err, PGC_EXIT_INTERNAL, "%s: write failed: %s", final, err_errno(errno));
		goto out;
	}
	if (close(fd) != 0) {
		fd = -1;
		err_set(err, PGC_EXIT_INTERNAL, "%s: write failed: %s", final, err_errno(errno));
		goto out;
	}
	fd = -1;
	if (force) {
		if (rename(tmpl, final) != 0) {
			err_set(err, PGC_EXIT_INTERNAL, "%s: rename failed: %s", final, err_errno(errno));
			goto out;
		}
	} else {
		/* link() refuses an existing name atomically, unlike rename(). */
		if (link(tmpl, final) != 0) {
			if (errno == EEXIST)
				err_set(err, PGC_EXIT_USAGE, "%s already exists; use --force to replace it", final);
			else
				err_set(err, PGC_EXIT_INTERNAL, "%s: link failed: %s", final, err_errno(errno));
			goto out;
		}
		unlink(tmpl);
	}
	free(tmpl);
	tmpl = NULL;
	{
		int dfd = open(dir, O_RDONLY | O_DIRECTORY);
		if (dfd >= 0) {
			fsync(dfd);
			close(dfd);
		}
	}
	ret = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmpl) {
		unlink(tmpl);
		free(tmpl);
	}
	free(final);
	return ret;
}
