// SPDX-License-Identifier: MIT
/*
 * Replays files through a harness without libFuzzer, so `make check` runs
 * the seed corpus and the regression inputs with gcc, plain and under
 * ASan/UBSan. Each argument is a file or a directory of files. An input
 * that takes longer than PGD_FUZZ_TIMEOUT seconds (default 30) fails the
 * run: hangs are findings too.
 *
 * usage: replay_profile FILE|DIR...
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "fuzz_common.h"

static int replay_file(const char *path, double limit)
{
	FILE *f = fopen(path, "rb");
	unsigned char *buf = NULL;
	size_t len = 0, alloc = 0, n;
	struct timespec t0, t1;
	double secs;

	if (!f) {
		perror(path);
		return 1;
	}
	do {
		if (len == alloc) {
			alloc = alloc ? alloc * 2 : 65536;
			buf = realloc(buf, alloc);
			if (!buf)
				abort();
		}
		n = fread(buf + len, 1, alloc - len, f);
		len += n;
	} while (n);
	fclose(f);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	LLVMFuzzerTestOneInput(buf, len);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	free(buf);
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("%s %s (%zu bytes, %.3f s)\n", secs > limit ? "SLOW" : "ok", path, len, secs);
	return secs > limit;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int replay_dir(const char *dir, double limit)
{
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int bad = 0;
	DIR *d = opendir(dir);

	if (!d) {
		perror(dir);
		return 1;
	}
	while ((de = readdir(d))) {
		char *p;

		if (de->d_name[0] == '.')
			continue;
		p = malloc(strlen(dir) + strlen(de->d_name) + 2);
		names = realloc(names, (n + 1) * sizeof(*names));
		if (!p || !names)
			abort();
		sprintf(p, "%s/%s", dir, de->d_name);
		names[n++] = p;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 0; i < n; i++) {
		bad |= replay_file(names[i], limit);
		free(names[i]);
	}
	free(names);
	return bad;
}

int main(int argc, char **argv)
{
	const char *t = getenv("PGD_FUZZ_TIMEOUT");
	double limit = t && *t ? atof(t) : 30;
	int bad = 0;

	for (int i = 1; i < argc; i++) {
		struct stat st;

		if (stat(argv[i], &st)) {
			perror(argv[i]);
			bad = 1;
		} else if (S_ISDIR(st.st_mode)) {
			bad |= replay_dir(argv[i], limit);
		} else {
			bad |= replay_file(argv[i], limit);
		}
	}
	return bad;
}
