// SPDX-License-Identifier: MIT
/*
 * bench-stats: how much of a binary the sites stage touches. Opens BIN and
 * the profiles, maps every call site (as `pgodrift sites` does) and prints
 * one line of counts: functions in the symbol table, functions resolved
 * through DWARF, compilation units and line tables loaded, sites, edges.
 * With --profiles, what the profiles name instead: samples (the sum of
 * samples/count over every profile) and distinct function names. Built and
 * run by `make bench`.
 *
 *   bench-stats BIN PROFILE...
 *   bench-stats --profiles PROFILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary.h"
#include "edges.h"
#include "hashmap.h"
#include "profile.h"
#include "sites.h"

/* "samples=N functions=M" over the profiles named by argv[2..]. */
static int profile_stats(int argc, char **argv)
{
	struct hashmap names = { 0 };
	struct pgd_err err = { 0 };
	char buf[2048];
	int64_t samples = 0;
	int ret = 0;

	for (int i = 2; i < argc && !ret; i++) {
		struct pgd_profile *p = NULL;

		if (pgd_profile__open(argv[i], NULL, &p, &err)) {
			fprintf(stderr, "bench-stats: %s\n", pgd_err_format(&err, buf, sizeof(buf)));
			ret = 2;
			break;
		}
		samples += p->total_count;
		for (uint32_t f = 0; f < p->nfunctions && !ret; f++) {
			struct hashmap_entry *e = pgd_hashmap_upsert_str(&names, p->functions[f].name, NULL);

			/* keys must outlive the profile: keep a copy */
			if (!e || (e->val.u64 == 0 && !(e->key = strdup(p->functions[f].name))))
				ret = 2;
			else
				e->val.u64 = 1;
		}
		pgd_profile__close(p);
	}
	if (!ret)
		printf("samples=%lld functions=%zu\n", (long long)samples, names.count);
	{
		struct hashmap_entry *e;

		for (size_t it = 0; pgd_hashmap_next(&names, &it, &e);)
			free((void *)e->key);
	}
	pgd_hashmap_free(&names);
	return ret;
}

int main(int argc, char **argv)
{
	struct pgd_profile **profiles;
	struct pgd_edges *edges = NULL;
	struct pgd_binary *bin = NULL;
	struct pgd_siteset sites = { 0 };
	struct pgd_binary_stats st;
	struct pgd_err err = { 0 };
	char buf[2048];
	size_t nfuncs = 0, n = 0;
	int ret = 2;

	if (argc < 3) {
		fprintf(stderr, "usage: bench-stats BIN PROFILE... | --profiles PROFILE...\n");
		return 2;
	}
	if (!strcmp(argv[1], "--profiles"))
		return profile_stats(argc, argv);
	profiles = calloc((size_t)argc, sizeof(*profiles));
	if (!profiles)
		return 2;
	for (int i = 2; i < argc; i++, n++)
		if (pgd_profile__open(argv[i], NULL, &profiles[n], &err))
			goto out;
	if (pgd_edges__build(profiles, n, PGD_ATTR_COMPILER, &edges, &err) ||
	    pgd_binary__open(argv[1], NULL, &bin, &err))
		goto out;
	{
		const struct pgd_edges *sets[1] = { edges };

		if (pgd_sites_build(bin, sets, 1, 0, &sites, &err))
			goto out;
	}
	for (size_t i = 0; i < bin->nsymbols; i++)
		nfuncs += bin->symbols[i].is_func;
	pgd_binary_stats(bin, &st);
	printf("edges=%zu sites=%zu funcs_resolved=%zu funcs_in_symtab=%zu cus_loaded=%zu/%zu line_tables=%zu\n",
	       edges->nedges, sites.nsites, st.funcs_resolved, nfuncs, st.cus_loaded, st.cus_total,
	       st.line_tables_decoded);
	ret = 0;
out:
	if (ret)
		fprintf(stderr, "bench-stats: %s\n", pgd_err_format(&err, buf, sizeof(buf)));
	pgd_siteset_release(&sites);
	pgd_binary__close(bin);
	pgd_edges__free(edges);
	for (size_t i = 0; i < n; i++)
		pgd_profile__close(profiles[i]);
	free(profiles);
	return ret;
}
