// SPDX-License-Identifier: MIT
/*
 * Opening inputs and replacing outputs (see fileio.h for the rules).
 *
 * Inputs: open(O_NONBLOCK) then fstat, because a plain open() of a FIFO
 * blocks until a writer appears, before any file-type check could run.
 *
 * Outputs: the temporary file is created with open(O_CREAT | O_EXCL, 0666)
 * rather than mkstemp, whose 0600 would leak into the result; the kernel
 * applies the umask, and an existing file's mode is copied over with fchmod.
 */
#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "err.h"

static const char *file_kind(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO (named pipe)";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

int pgd_open_regular(const char *path, int *fd, struct stat *st, struct pgd_err *err)
{
	int flags, ret = 0;

	*fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (*fd < 0)
		return pgd_err_set(err, PGD_EINPUT, path, "cannot open: %s", strerror(errno));
	if (fstat(*fd, st)) {
		ret = pgd_err_set(err, PGD_EINPUT, path, "cannot stat: %s", strerror(errno));
		goto fail;
	}
	if (!S_ISREG(st->st_mode)) {
		ret = pgd_err_set(err, PGD_EINPUT, path,
				  "is %s, not a regular file (give - to read standard input)",
				  file_kind(st->st_mode));
		goto fail;
	}
	/* Regular files never block; clear the flag so reads behave as usual anyway. */
	flags = fcntl(*fd, F_GETFL);
	if (flags >= 0)
		(void)fcntl(*fd, F_SETFL, flags & ~O_NONBLOCK);
	return 0;
fail:
	close(*fd);
	*fd = -1;
	return ret;
}

int pgd_read_fd(int fd, const char *name, uint64_t cap, uint64_t size_hint, unsigned char **out,
		size_t *outlen, struct pgd_err *err)
{
	unsigned char *buf = NULL;
	size_t alloc, len = 0;
	int ret = 0;

	*out = NULL;
	*outlen = 0;
	if (cap >= SIZE_MAX - 1)
		cap = SIZE_MAX - 2;
	if (size_hint > cap)
		return pgd_err_set(err, PGD_ELIMIT, name,
				   "file is %" PRIu64 " bytes, over the max_file_bytes cap (%" PRIu64 ")",
				   size_hint, cap);
	/* One byte past the expected size, to see a file that grew. */
	alloc = size_hint ? (size_t)size_hint + 1 : 65536;
	if (alloc > cap + 1)
		alloc = (size_t)cap + 1;
	buf = malloc(alloc + 1);
	if (!buf)
		return pgd_err_nomem(err, name);
	for (;;) {
		ssize_t n;

		if (len == alloc) {
			size_t nalloc = alloc * 2;
			unsigned char *nbuf;

			if (nalloc > cap + 1)
				nalloc = (size_t)cap + 1;
			if (nalloc <= len)
				goto too_big;
			nbuf = realloc(buf, nalloc + 1);
			if (!nbuf) {
				ret = pgd_err_nomem(err, name);
				goto out;
			}
			buf = nbuf;
			alloc = nalloc;
		}
		n = read(fd, buf + len, alloc - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = pgd_err_set(err, PGD_EINPUT, name, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (!n)
			break;
		len += (size_t)n;
		if (len > cap)
			goto too_big;
	}
	*out = buf;
	*outlen = len;
	return 0;
too_big:
	ret = pgd_err_set(err, PGD_ELIMIT, name,
			  "input is over the max_file_bytes cap (%" PRIu64 " bytes); reading stopped there",
			  cap);
out:
	free(buf);
	return ret;
}

/* ---- outputs --------------------------------------------------------------- */

/* "dir/name" for a link target relative to the link's directory; malloc'd. */
static char *join_dir(const char *linkpath, const char *target)
{
	const char *slash = strrchr(linkpath, '/');
	size_t dlen = slash ? (size_t)(slash - linkpath) + 1 : 0;
	size_t tlen = strlen(target);
	char *s;

	if (target[0] == '/')
		dlen = 0;
	s = malloc(dlen + tlen + 1);
	if (!s)
		return NULL;
	memcpy(s, linkpath, dlen);
	memcpy(s + dlen, target, tlen + 1);
	return s;
}

/*
 * Follows symlinks by hand (realpath needs the target to exist; a dangling
 * link names the file to create). Up to 40 hops, as Linux's MAXSYMLINKS.
 */
static int resolve_links(const char *path, char **out, struct pgd_err *err)
{
	char *cur = strdup(path);
	struct stat st;

	if (!cur)
		return pgd_err_nomem(err, path);
	for (int hops = 0; !lstat(cur, &st) && S_ISLNK(st.st_mode); hops++) {
		char target[4096];
		ssize_t n = readlink(cur, target, sizeof(target) - 1);
		char *next;

		if (hops == 40 || n < 0) {
			free(cur);
			return pgd_err_set(err, PGD_EIO, path, "cannot follow the symlink: %s",
					   hops == 40 ? "too many levels of links" : strerror(errno));
		}
		target[n] = '\0';
		next = join_dir(cur, target);
		free(cur);
		if (!next)
			return pgd_err_nomem(err, path);
		cur = next;
	}
	*out = cur;
	return 0;
}

/* Writes through emit to an open fd, closing it; fsync when asked. */
static int emit_to_fd(int fd, int sync, const char *path, pgd_emit_fn emit, void *ctx,
		      struct pgd_err *err)
{
	FILE *f = fdopen(fd, "w");
	int ret;

	if (!f) {
		ret = pgd_err_set(err, PGD_EIO, path, "cannot open output: %s", strerror(errno));
		close(fd);
		return ret;
	}
	ret = emit(ctx, f, err);
	if (!ret && (fflush(f) || ferror(f)))
		ret = pgd_err_set(err, PGD_EIO, path, "cannot write output: %s", strerror(errno));
	if (!ret && sync && fsync(fileno(f)))
		ret = pgd_err_set(err, PGD_EIO, path, "cannot write output (fsync): %s",
				  strerror(errno));
	if (fclose(f) && !ret)
		ret = pgd_err_set(err, PGD_EIO, path, "cannot write output: %s", strerror(errno));
	/* Writers leave err->file empty; the output is what failed. */
	if (ret && err && !err->file[0])
		snprintf(err->file, sizeof(err->file), "%s", path);
	return ret;
}

/* A temporary file beside target, created per umask; its name in *tmp. */
static int create_temp(const char *target, char **tmp, int *fd, struct pgd_err *err)
{
	size_t len = strlen(target) + 32;
	struct timespec ts;
	uint64_t seed;

	*tmp = malloc(len);
	if (!*tmp)
		return pgd_err_nomem(err, target);
	clock_gettime(CLOCK_REALTIME, &ts);
	seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ ((uint64_t)getpid() << 40) ^
	       (uint64_t)(uintptr_t)tmp;
	for (int tries = 0; tries < 100; tries++) {
		seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
		snprintf(*tmp, len, "%s.%08" PRIx32 ".tmp", target, (uint32_t)(seed >> 32));
		*fd = open(*tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOCTTY, 0666);
		if (*fd >= 0)
			return 0;
		if (errno != EEXIST)
			break;
	}
	free(*tmp);
	*tmp = NULL;
	return pgd_err_set(err, PGD_EIO, target, "cannot create output: %s", strerror(errno));
}

/* Best effort: a rename is durable once its directory is on disk. */
static void sync_dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	int fd;

	if (!dir)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
}

static int replace_atomically(const char *target, const struct stat *old, pgd_emit_fn emit,
			      void *ctx, struct pgd_err *err)
{
	char *tmp = NULL;
	int fd = -1, ret;

	if ((ret = create_temp(target, &tmp, &fd, err)))
		return ret;
	if (old) {
		/* Keep the replaced file's mode (and owner, when allowed). */
		(void)fchmod(fd, old->st_mode & 07777);
		if (fchown(fd, old->st_uid, old->st_gid))
			(void)fchmod(fd, old->st_mode & 0777);
	}
	if ((ret = emit_to_fd(fd, 1, target, emit, ctx, err)))
		goto fail;
	if (rename(tmp, target)) {
		ret = pgd_err_set(err, PGD_EIO, target, "cannot replace output: %s", strerror(errno));
		goto fail;
	}
	sync_dir_of(target);
	free(tmp);
	return 0;
fail:
	unlink(tmp);
	free(tmp);
	return ret;
}

int pgd_write_output(const char *path, pgd_emit_fn emit, void *ctx, struct pgd_err *err)
{
	struct stat st;
	char *target = NULL;
	int ret, fd;

	if (!path || !*path)
		return pgd_err_set(err, PGD_EUSAGE, "", "no output path given");
	if (!stat(path, &st)) {
		if (S_ISDIR(st.st_mode))
			return pgd_err_set(err, PGD_EIO, path, "cannot write output: is a directory");
		/*
		 * Devices, FIFOs, and whatever /dev/stdout or /proc/self/fd/N
		 * lead to (a terminal, a pipe, or the file a shell opened) are
		 * written in place: replacing them would swap a device node or a
		 * shell's redirection target for a new regular file.
		 */
		if (!S_ISREG(st.st_mode) || !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6)) {
			fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY |
					(S_ISREG(st.st_mode) ? O_APPEND : 0));
			if (fd < 0)
				return pgd_err_set(err, PGD_EIO, path, "cannot open output: %s",
						   strerror(errno));
			return emit_to_fd(fd, 0, path, emit, ctx, err);
		}
	} else if (errno != ENOENT) {
		return pgd_err_set(err, PGD_EIO, path, "cannot write output: %s", strerror(errno));
	}
	if ((ret = resolve_links(path, &target, err)))
		return ret;
	if (!stat(target, &st))
		ret = replace_atomically(target, &st, emit, ctx, err);
	else if (errno == ENOENT)
		ret = replace_atomically(target, NULL, emit, ctx, err);
	else
		ret = pgd_err_set(err, PGD_EIO, path, "cannot write output: %s", strerror(errno));
	free(target);
	return ret;
}
