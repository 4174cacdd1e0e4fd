/* SPDX-License-Identifier: MIT */
#ifndef PGD_TESTUTIL_H
#define PGD_TESTUTIL_H

/*
 * Helpers the unit tests share: where the unpacked fixture binaries are,
 * the Go sources as the truth for line numbers, and a site set built from
 * one profile through one binary. Include after <cmocka.h>.
 */

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary.h"
#include "edges.h"
#include "profile.h"
#include "sites.h"

/* BUILD/testdata/bin/NAME, BUILD from $PGD_BUILD (make sets it), else "build". */
static inline const char *test_bin_path(const char *name, char *buf, size_t size)
{
	const char *b = getenv("PGD_BUILD");

	snprintf(buf, size, "%s/testdata/bin/%s", b && *b ? b : "build", name);
	return buf;
}

/* The whole file at path, malloc'd (the caller frees it), its size in *n; fails the test when unreadable. */
static inline uint8_t *test_read_file(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data;
	long len;

	if (!f)
		fail_msg("%s: cannot open (run make fixtures)", path);
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	fseek(f, 0, SEEK_SET);
	assert_true(len >= 0);
	data = malloc((size_t)len + 1);
	assert_non_null(data);
	assert_int_equal(fread(data, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return data;
}

/* 1-based number of the first line of path containing needle (the Go sources are the truth). */
static inline int64_t test_source_line(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int64_t n = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, needle)) {
			fclose(f);
			return n;
		}
	}
	fclose(f);
	fail_msg("%s: no line contains \"%s\"", path, needle);
	return 0;
}

static inline int test_str_eq(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The sites of one profile through one binary, and what they were built from. */
struct built {
	struct pgd_profile *prof;
	struct pgd_edges *edges;
	struct pgd_binary *bin;
	struct pgd_siteset sites;
};

static inline void free_sites(struct built *s)
{
	pgd_siteset_release(&s->sites);
	pgd_binary__close(s->bin);
	pgd_edges__free(s->edges);
	pgd_profile__close(s->prof);
}

#endif
