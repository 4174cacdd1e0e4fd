// SPDX-License-Identifier: MIT
/*
 * Stage 1, the public side: read one profile file (bounded), tell what it
 * is, and hand it to the pprof or preprofile decoder.
 *
 * The sniffing runs from the most specific failure to the least, so a user
 * reads why a capture went wrong ("empty file", "an HTML page") rather than
 * a protobuf error about bytes that were never a profile.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "fileio.h"
#include "opts.h"
#include "profile.h"

/* The name a profile read from standard input carries in messages and reports. */
#define PGD_STDIN_NAME "<stdin>"

/*
 * Reads a profile: a regular file, or "-" for standard input. The open
 * never blocks (fileio.c), and stdin, whose size is unknown, is read only up
 * to the cap.
 */
static int read_input(const char *path, uint64_t cap, unsigned char **out, size_t *outlen,
		      struct pgd_err *err)
{
	struct stat st;
	int fd, ret;

	if (!strcmp(path, "-"))
		return pgd_read_fd(STDIN_FILENO, PGD_STDIN_NAME, cap, 0, out, outlen, err);
	if ((ret = pgd_open_regular(path, &fd, &st, err)))
		return ret;
	ret = pgd_read_fd(fd, path, cap, (uint64_t)st.st_size, out, outlen, err);
	close(fd);
	return ret;
}

/* A capture job that saved a proxy's or server's error page. */
static int looks_like_html(const unsigned char *d, size_t len)
{
	size_t i = 0;

	while (i < len && (d[i] == ' ' || d[i] == '\t' || d[i] == '\n' || d[i] == '\r'))
		i++;
	return (len - i >= 9 && !strncasecmp((const char *)d + i, "<!doctype", 9)) ||
	       (len - i >= 5 && !strncasecmp((const char *)d + i, "<html", 5));
}

static int decode(const char *name, const unsigned char *data, size_t len,
		  const struct pgd_limits *lim, struct pgd_profile **out, struct pgd_err *err)
{
	struct pgd_profile *p = NULL;
	int ret;

	if (!len)
		return pgd_err_set(err, PGD_EINPUT, name,
				   "empty file (0 bytes), not a profile; go tool preprofile would "
				   "silently accept it as a profile with no samples");
	if (looks_like_html(data, len))
		return pgd_err_set(err, PGD_EINPUT, name,
				   "an HTML page, not a profile (did the capture save an error page?)");
	p = calloc(1, sizeof(*p));
	if (!p)
		return pgd_err_nomem(err, name);
	pgd_arena_init(&p->arena, 0);
	p->limits = *lim;
	p->file_size = len;
	p->value_index = -1;
	p->count_index = -1;
	p->path = pgd_arena_strdup(&p->arena, name);
	if (!p->path) {
		ret = pgd_err_nomem(err, name);
		goto out;
	}
	if (pgd_preprofile_sniff((const char *)data, len))
		ret = pgd_preprofile_decode(p, (const char *)data, len, lim, err);
	else
		ret = pgd_pprof_decode(p, data, len, lim, err);
	if (ret)
		goto out;
	*out = p;
	p = NULL;
out:
	pgd_profile__close(p);
	return ret;
}

int pgd_profile__open(const char *path, const struct pgd_limits *limits,
		      struct pgd_profile **out, struct pgd_err *err)
{
	unsigned char *data = NULL;
	size_t len = 0;
	struct pgd_limits lim;
	int ret;

	*out = NULL;
	if (!path || !*path)
		return pgd_err_set(err, PGD_EUSAGE, "", "no profile path given");
	if ((ret = pgd_limits_resolve(limits, &lim, err)))
		return ret;
	if (!(ret = read_input(path, lim.max_file_bytes, &data, &len, err)))
		ret = decode(strcmp(path, "-") ? path : PGD_STDIN_NAME, data, len, &lim, out, err);
	free(data);
	return ret;
}

int pgd_profile__open_mem(const void *data, size_t len, const char *name,
			  const struct pgd_limits *limits, struct pgd_profile **out,
			  struct pgd_err *err)
{
	struct pgd_limits lim;
	int ret;

	*out = NULL;
	if (!name || !*name)
		name = "<memory>";
	if (!data && len)
		return pgd_err_set(err, PGD_EUSAGE, name, "no profile data given");
	if ((ret = pgd_limits_resolve(limits, &lim, err)))
		return ret;
	if (len > lim.max_file_bytes)
		return pgd_err_set(err, PGD_ELIMIT, name,
				   "profile is %zu bytes, over the max_file_bytes cap (%" PRIu64 ")",
				   len, lim.max_file_bytes);
	return decode(name, data ? data : (const void *)"", len, &lim, out, err);
}

void pgd_profile__close(struct pgd_profile *p)
{
	if (!p)
		return;
	pgd_arena_release(&p->arena);
	free(p);
}

const char *pgd_profile__path(const struct pgd_profile *p)
{
	return p->path;
}

enum pgd_profile_format pgd_profile__format(const struct pgd_profile *p)
{
	return p->format;
}

uint64_t pgd_profile__file_size(const struct pgd_profile *p)
{
	return p->file_size;
}

int64_t pgd_profile__total_value(const struct pgd_profile *p)
{
	return p->format == PGD_PROFILE_PPROF ? p->total_value : 0;
}

int64_t pgd_profile__sample_count(const struct pgd_profile *p)
{
	if (p->format != PGD_PROFILE_PPROF)
		return 0;
	if (p->count_index >= 0)
		return p->total_count;
	if (p->value_index >= 0 && p->period > 0)
		return p->total_value / p->period;
	return 0;
}

int64_t pgd_profile__time_nanos(const struct pgd_profile *p)
{
	return p->time_nanos;
}

int64_t pgd_profile__duration_nanos(const struct pgd_profile *p)
{
	return p->duration_nanos;
}
