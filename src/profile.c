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
#include "profile.h"

#define DEFAULT_MAX_FILE_BYTES (1ULL << 30)
#define DEFAULT_MAX_DECODED_BYTES (2ULL << 30)
#define DEFAULT_MAX_ELEMENTS 50000000ULL

void pgd_limits_resolve(const struct pgd_limits *in, struct pgd_limits *out)
{
	memset(out, 0, sizeof(*out));
	out->sz = sizeof(*out);
	if (PGD_OPTS_HAS(in, struct pgd_limits, max_file_bytes))
		out->max_file_bytes = in->max_file_bytes;
	if (PGD_OPTS_HAS(in, struct pgd_limits, max_decoded_bytes))
		out->max_decoded_bytes = in->max_decoded_bytes;
	if (PGD_OPTS_HAS(in, struct pgd_limits, max_elements))
		out->max_elements = in->max_elements;
	if (!out->max_file_bytes)
		out->max_file_bytes = DEFAULT_MAX_FILE_BYTES;
	if (!out->max_decoded_bytes)
		out->max_decoded_bytes = DEFAULT_MAX_DECODED_BYTES;
	if (!out->max_elements)
		out->max_elements = DEFAULT_MAX_ELEMENTS;
}

/* Reads the whole file, refusing directories and anything over the cap. */
static int read_file(const char *path, uint64_t cap, unsigned char **out, size_t *outlen,
		     struct pgd_err *err)
{
	unsigned char *buf = NULL;
	size_t alloc, len = 0;
	struct stat st;
	int fd, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return pgd_err_set(err, PGD_EINPUT, path, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st)) {
		ret = pgd_err_set(err, PGD_EINPUT, path, "cannot stat: %s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = pgd_err_set(err, PGD_EINPUT, path, "is a directory, not a profile file");
		goto out;
	}
	if (S_ISREG(st.st_mode) && (uint64_t)st.st_size > cap) {
		ret = pgd_err_set(err, PGD_ELIMIT, path,
				  "file is %" PRIu64 " bytes, over the max_file_bytes cap (%" PRIu64 ")",
				  (uint64_t)st.st_size, cap);
		goto out;
	}
	/* Pipes and growing files: read up to one byte past the cap. */
	alloc = S_ISREG(st.st_mode) ? (size_t)st.st_size + 1 : 65536;
	buf = malloc(alloc);
	if (!buf) {
		ret = pgd_err_nomem(err, path);
		goto out;
	}
	for (;;) {
		ssize_t n;

		if (len == alloc) {
			size_t nalloc = alloc * 2;
			unsigned char *nbuf;

			if (nalloc > cap + 1)
				nalloc = cap + 1;
			if (nalloc <= len) {
				ret = pgd_err_set(err, PGD_ELIMIT, path,
						  "file is over the max_file_bytes cap (%" PRIu64 ")", cap);
				goto out;
			}
			nbuf = realloc(buf, nalloc);
			if (!nbuf) {
				ret = pgd_err_nomem(err, path);
				goto out;
			}
			buf = nbuf;
			alloc = nalloc;
		}
		n = read(fd, buf + len, alloc - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = pgd_err_set(err, PGD_EINPUT, path, "cannot read: %s", strerror(errno));
			goto out;
		}
		if (!n)
			break;
		len += (size_t)n;
		if (len > cap) {
			ret = pgd_err_set(err, PGD_ELIMIT, path,
					  "file is over the max_file_bytes cap (%" PRIu64 ")", cap);
			goto out;
		}
	}
	*out = buf;
	*outlen = len;
	buf = NULL;
out:
	free(buf);
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

int pgd_profile__open(const char *path, const struct pgd_limits *limits,
		      struct pgd_profile **out, struct pgd_err *err)
{
	struct pgd_profile *p = NULL;
	unsigned char *data = NULL;
	size_t len = 0;
	struct pgd_limits lim;
	int ret;

	*out = NULL;
	if (!path)
		return pgd_err_set(err, PGD_EUSAGE, "", "no profile path given");
	pgd_limits_resolve(limits, &lim);
	if ((ret = read_file(path, lim.max_file_bytes, &data, &len, err)))
		goto out;
	if (!len) {
		ret = pgd_err_set(err, PGD_EINPUT, path,
				  "empty file (0 bytes), not a profile; go tool preprofile would "
				  "silently accept it as a profile with no samples");
		goto out;
	}
	if (looks_like_html(data, len)) {
		ret = pgd_err_set(err, PGD_EINPUT, path,
				  "an HTML page, not a profile (did the capture save an error page?)");
		goto out;
	}

	p = calloc(1, sizeof(*p));
	if (!p) {
		ret = pgd_err_nomem(err, path);
		goto out;
	}
	arena_init(&p->arena, 0);
	p->limits = lim;
	p->file_size = len;
	p->value_index = -1;
	p->count_index = -1;
	p->path = arena_strdup(&p->arena, path);
	if (!p->path) {
		ret = pgd_err_nomem(err, path);
		goto out;
	}
	if (pgd_preprofile_sniff((const char *)data, len))
		ret = pgd_preprofile_decode(p, (const char *)data, len, &lim, err);
	else
		ret = pgd_pprof_decode(p, data, len, &lim, err);
	if (ret)
		goto out;
	*out = p;
	p = NULL;
out:
	free(data);
	pgd_profile__close(p);
	return ret;
}

void pgd_profile__close(struct pgd_profile *p)
{
	if (!p)
		return;
	arena_release(&p->arena);
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
