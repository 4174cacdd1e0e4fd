// SPDX-License-Identifier: MIT
/*
 * The binary path: one input as the shipped binary (ELF, Go build info,
 * DWARF, and the disassembly of the call sites the profile names), paired
 * with the committed fixture profile, through `sites`, `check` (its
 * inlining drift reads the runtime tables and code the want asks for) and
 * `doctor --binary`, and every report writer.
 */
#include <stdio.h>
#include <unistd.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pgd_binary *b = NULL;
	struct pgd_report *r = NULL;
	struct pgd_check_opts co;
	struct pgd_doctor_opts d;
	struct pgd_limits lim;
	struct pgd_err err = { 0 };
	char path[64], base[4096], fresh[4096];
	const char *profiles[1] = { base };
	const char *freshes[1] = { fresh };
	int fd = fuzz_memfd(data, size, path, sizeof(path));

	if (fd < 0)
		return 0;
	snprintf(base, sizeof(base), "%s/testdata/profiles/base.pprof", fuzz_root());
	snprintf(fresh, sizeof(fresh), "%s/testdata/profiles/fresh-flipped.pprof", fuzz_root());
	pgd_check_opts__init(&co);
	fuzz_limits(&lim);
	co.limits = &lim;
	if (!pgd_binary__open(path, &lim, &b, &err)) {
		(void)pgd_binary__go_version(b);
		(void)pgd_binary__main_module(b);
		(void)pgd_binary__build_setting(b, "-pgo");
		(void)pgd_binary__build_id(b);
		(void)pgd_binary__arch(b);
	}
	pgd_binary__close(b);
	if (!pgd_sites__run(path, profiles, 1, &co, &r, &err))
		fuzz_write_all(r);
	pgd_report__free(r);
	r = NULL;
	if (!pgd_check__run(path, base, freshes, 1, &co, &r, &err))
		fuzz_write_all(r);
	pgd_report__free(r);
	r = NULL;
	pgd_doctor_opts__init(&d);
	d.check = &co;
	d.binary_path = path;
	d.base_path = base;
	d.now_unix = 1700000000;
	if (!pgd_doctor__run(&d, &r, &err))
		fuzz_write_all(r);
	pgd_report__free(r);
	close(fd);
	return 0;
}
