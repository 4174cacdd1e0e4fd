// SPDX-License-Identifier: MIT
/*
 * The profile path: one input, read as a profile (gzip'd or raw pprof, or
 * GO PREPROFILE V1), then through everything that needs no binary: edges in
 * both attribution modes and their GO PREPROFILE V1 writer, and
 * `doctor --profile` with every report writer.
 */
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"

static void edges(struct pgd_profile *p)
{
	FILE *f = fopen("/dev/null", "w");

	for (int mode = PGD_ATTR_COMPILER; mode <= PGD_ATTR_STACK; mode++) {
		struct pgd_edges *e = NULL;
		struct pgd_err err = { 0 };

		if (!pgd_edges__build(&p, 1, (enum pgd_attribution)mode, &e, &err)) {
			(void)pgd_edges__total_weight(e);
			(void)pgd_edges__write_preprofile(e, f, &err);
		}
		pgd_edges__free(e);
	}
	fclose(f);
}

static void doctor(const char *path)
{
	struct pgd_doctor_opts o;
	struct pgd_check_opts co;
	struct pgd_limits lim;
	struct pgd_report *r = NULL;
	struct pgd_err err = { 0 };
	const char *paths[1] = { path };

	pgd_doctor_opts__init(&o);
	pgd_check_opts__init(&co);
	fuzz_limits(&lim);
	co.limits = &lim;
	o.check = &co;
	o.profile_paths = paths;
	o.nprofiles = 1;
	o.now_unix = 1700000000;
	if (!pgd_doctor__run(&o, &r, &err))
		fuzz_write_all(r);
	pgd_report__free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pgd_profile *p = NULL;
	struct pgd_limits lim;
	struct pgd_err err = { 0 };
	char path[64];
	int fd;

	fuzz_limits(&lim);
	if (!pgd_profile__open_mem(data, size, "fuzz.pprof", &lim, &p, &err)) {
		(void)pgd_profile__total_value(p);
		(void)pgd_profile__sample_count(p);
		edges(p);
	} else if (memchr(err.msg, '\n', strlen(err.msg))) {
		__builtin_trap();   /* every message is one line */
	}
	pgd_profile__close(p);
	fd = fuzz_memfd(data, size, path, sizeof(path));
	if (fd >= 0) {
		doctor(path);
		close(fd);
	}
	return 0;
}
