// SPDX-License-Identifier: MIT
#define _GNU_SOURCE
#include "fuzz_common.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t pathlen)
{
	int fd = memfd_create("pgd-fuzz", MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	snprintf(path, pathlen, "/proc/self/fd/%d", fd);
	return fd;
}

void fuzz_limits(struct pgd_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->sz = sizeof(*l);
	l->max_file_bytes = FUZZ_MAX_FILE;
	l->max_decoded_bytes = FUZZ_MAX_DECODED;
	l->max_elements = FUZZ_MAX_ELEMENTS;
}

void fuzz_write_all(const struct pgd_report *r)
{
	static const char *const formats[] = {
		"json", "text", "markdown", "sarif", "github", "codeclimate", "rdjsonl", "line",
	};
	FILE *f = fopen("/dev/null", "w");

	if (!f)
		abort();
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		struct pgd_write_opts wo = { .sz = sizeof(wo) };
		struct pgd_err err = { 0 };

		for (int color = 0; color < 2; color++) {
			wo.color = color;
			(void)pgd_report__write(r, formats[i], &wo, f, &err);
		}
	}
	fclose(f);
}

const char *fuzz_root(void)
{
	const char *root = getenv("PGD_FUZZ_ROOT");

	return root && *root ? root : ".";
}
