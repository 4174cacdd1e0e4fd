// SPDX-License-Identifier: MIT
#include "strbuf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char pgd_strbuf_empty[1];

void pgd_strbuf_init(struct strbuf *sb, size_t cap)
{
	sb->alloc = 0;
	sb->len = 0;
	sb->cap = cap;
	sb->buf = pgd_strbuf_empty;
}

void pgd_strbuf_release(struct strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	pgd_strbuf_init(sb, sb->cap);
}

char *pgd_strbuf_detach(struct strbuf *sb, size_t *len)
{
	char *res;

	if (!sb->alloc && pgd_strbuf_grow(sb, 0))
		return NULL;
	res = sb->buf;
	if (len)
		*len = sb->len;
	pgd_strbuf_init(sb, sb->cap);
	return res;
}

int pgd_strbuf_grow(struct strbuf *sb, size_t extra)
{
	size_t need;
	char *p;

	if (extra > SIZE_MAX - sb->len - 1) {
		errno = ENOMEM;
		return -1;
	}
	need = sb->len + extra + 1;
	if (sb->cap && need - 1 > sb->cap) {
		errno = EFBIG;
		return -1;
	}
	if (need <= sb->alloc)
		return 0;
	size_t alloc = sb->alloc ? sb->alloc : 64;
	while (alloc < need)
		alloc = alloc > SIZE_MAX / 2 ? need : alloc * 2;
	p = realloc(sb->alloc ? sb->buf : NULL, alloc);
	if (!p) {
		errno = ENOMEM;
		return -1;
	}
	if (!sb->alloc)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = alloc;
	return 0;
}

int pgd_strbuf_add(struct strbuf *sb, const void *data, size_t len)
{
	if (pgd_strbuf_grow(sb, len))
		return -1;
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
	return 0;
}

int pgd_strbuf_addstr(struct strbuf *sb, const char *s)
{
	return pgd_strbuf_add(sb, s, strlen(s));
}

int pgd_strbuf_addch(struct strbuf *sb, int c)
{
	char ch = (char)c;

	return pgd_strbuf_add(sb, &ch, 1);
}

int pgd_strbuf_vaddf(struct strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int len;

	va_copy(cp, ap);
	len = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (len < 0 || pgd_strbuf_grow(sb, (size_t)len))
		return -1;
	vsnprintf(sb->buf + sb->len, (size_t)len + 1, fmt, ap);
	sb->len += (size_t)len;
	return 0;
}

int pgd_strbuf_addf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int ret;

	va_start(ap, fmt);
	ret = pgd_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
	return ret;
}

void pgd_strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc)
		sb->buf[0] = '\0';
}

int pgd_strbuf_read_file(struct strbuf *sb, const char *path)
{
	char chunk[65536];
	struct stat st;
	ssize_t n;
	int fd, ret = 0;

	errno = 0;
	/*
	 * Paths here can come from inputs (a binary's -pgo= setting): open
	 * without blocking and read regular files only, so a FIFO or a device
	 * named by an input can neither hang nor feed endless bytes.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		if (!errno)
			errno = EINVAL;
		ret = -1;
		goto out;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || pgd_strbuf_add(sb, chunk, (size_t)n)) {
			if (n >= 0)
				errno = EFBIG;   /* past the cap, or out of memory */
			ret = -1;
			goto out;
		}
	}
out:
	close(fd);
	return ret;
}
