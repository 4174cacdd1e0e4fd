// SPDX-License-Identifier: MIT
/*
 * Inlining drift (issue #17) against the compiler itself. The oracle is
 * cmd/compile's own -d=pgodebug output of the field builds (Go 1.26.11,
 * gofmt and cmd/link, each built with PGO from workload A and from B),
 * kept by contrib/inlining-oracle.sh in testdata/field/VERSION/PROG/
 * pgoW.inl.txt.gz:
 *   hot-callsite-thres-from-CDF=X         the threshold hotNodesFromCDF reports
 *   hot-node enabled ... func=F           the hot callees compiled from source
 *   hot-budget check allows ... F ... at FILE:LINE ... in function G
 *                                         the calls inlined only under the hot budget
 * and `go tool objdump` of a sample of those sites (pgoW.objdump.tsv).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "edges.h"
#include "hashmap.h"
#include "inlining.h"
#include "profile.h"
#include "testutil.h"

#define FIELD "testdata/field/go1.26.11"

struct decision {
	char *callee, *caller;
	int64_t line;
};

struct oracle {
	double threshold;
	int have_threshold;
	size_t nhot_nodes;
	char **hot_nodes;
	size_t ndec;
	struct decision *dec;
};

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	assert_non_null(d);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

/* "hot-budget check allows inlining for call F (cost N) at FILE:LINE:COL in function G" */
static void parse_decision(const char *l, struct decision *d)
{
	const char *f = l + strlen("hot-budget check allows inlining for call ");
	const char *fe = strstr(f, " (cost "), *at = strstr(f, ") at "), *in = strstr(f, " in function ");
	const char *col, *lc;

	assert_true(fe && at && in);
	d->callee = dup_n(f, (size_t)(fe - f));
	d->caller = dup_n(in + 13, strlen(in + 13));
	/* FILE:LINE:COL: the line is between the last two colons */
	for (col = in; col > at && *col != ':'; col--)
		;
	for (lc = col - 1; lc > at && *lc != ':'; lc--)
		;
	d->line = strtoll(lc + 1, NULL, 10);
}

static void oracle_read(const char *path, struct oracle *o)
{
	gzFile g = gzopen(path, "rb");
	char line[8192];

	memset(o, 0, sizeof(*o));
	if (!g)
		fail_msg("cannot open %s (contrib/inlining-oracle.sh)", path);
	while (gzgets(g, line, sizeof(line))) {
		line[strcspn(line, "\n")] = '\0';
		if (!strncmp(line, "hot-callsite-thres-from-CDF=", 28)) {
			o->threshold = strtod(line + 28, NULL);
			o->have_threshold = 1;
		} else if (!strncmp(line, "hot-node enabled increased budget=2000 for func=", 48)) {
			o->hot_nodes = realloc(o->hot_nodes, (o->nhot_nodes + 1) * sizeof(*o->hot_nodes));
			assert_non_null(o->hot_nodes);
			o->hot_nodes[o->nhot_nodes++] = dup_n(line + 48, strlen(line + 48));
		} else if (!strncmp(line, "hot-budget check allows", 23)) {
			o->dec = realloc(o->dec, (o->ndec + 1) * sizeof(*o->dec));
			assert_non_null(o->dec);
			parse_decision(line, &o->dec[o->ndec++]);
		}
	}
	gzclose(g);
}

static void oracle_free(struct oracle *o)
{
	for (size_t i = 0; i < o->nhot_nodes; i++)
		free(o->hot_nodes[i]);
	for (size_t i = 0; i < o->ndec; i++) {
		free(o->dec[i].callee);
		free(o->dec[i].caller);
	}
	free(o->hot_nodes);
	free(o->dec);
}

static struct pgd_edges *edges_of(const char *path)
{
	struct pgd_profile *p = NULL;
	struct pgd_edges *e = NULL;
	struct pgd_err err = { 0 };
	char msg[1024];

	if (pgd_profile__open(path, NULL, &p, &err) || pgd_edges__build(&p, 1, PGD_ATTR_COMPILER, &e, &err))
		fail_msg("%s: %s", path, pgd_err_format(&err, msg, sizeof(msg)));
	pgd_profile__close(p);
	return e;
}

/*
 * The hot sets: the threshold is the compiler's to the bit, every hot
 * callee the compiler compiled with budget 2000 is a callee of a hot edge
 * here, and the others are few (functions without a Go body: assembly
 * such as aeshashbody, linknamed runtime helpers).
 */
static void hot_set_of(const char *prog, char w)
{
	char prof[256], orc[256];
	struct pgd_edges *e;
	struct pgd_inl_profile p;
	struct oracle o;
	struct arena a;
	struct pgd_err err = { 0 };
	size_t missing = 0;

	snprintf(prof, sizeof(prof), FIELD "/%s/%c.pprof", prog, w);
	snprintf(orc, sizeof(orc), FIELD "/%s/pgo%c.inl.txt.gz", prog, w);
	e = edges_of(prof);
	oracle_read(orc, &o);
	pgd_arena_init(&a, 0);
	assert_int_equal(pgd_inl_profile_build(e, PGD_INL_CDF_PERCENT, &a, &p, &err), 0);
	assert_true(o.have_threshold);
	if (p.threshold != o.threshold)
		fail_msg("%s %c: threshold %.17g, the compiler's %.17g", prog, w, p.threshold, o.threshold);
	for (size_t i = 0; i < o.nhot_nodes; i++)
		if (!pgd_inl_profile_hot_callee(&p, o.hot_nodes[i])) {
			print_message("%s %c: compiler's hot callee %s is not one here\n", prog, w, o.hot_nodes[i]);
			missing++;
		}
	assert_int_equal(missing, 0);
	assert_true(p.nhot_callees >= o.nhot_nodes && p.nhot_callees - o.nhot_nodes <= p.nhot_callees / 10);
	assert_true(p.nhot > 0 && p.nhot <= p.nhot_edges && p.nhot_edges <= e->nedges);
	print_message("%s %c: threshold %.17g%%, %zu hot edges, %zu hot sites, %zu hot callees (compiler: %zu)\n",
		      prog, w, p.threshold, p.nhot_edges, p.nhot, p.nhot_callees, o.nhot_nodes);
	oracle_free(&o);
	pgd_arena_release(&a);
	pgd_edges__free(e);
}

static void test_hot_sets(void **state)
{
	(void)state;
	hot_set_of("gofmt", 'A');
	hot_set_of("gofmt", 'B');
	hot_set_of("link", 'A');
	hot_set_of("link", 'B');
}

/* A profile of known weights, by hand: the cut and the threshold by the rule itself. */
static void test_cdf_rule(void **state)
{
	struct pgd_edges *e = calloc(1, sizeof(*e));
	struct pgd_inl_profile p;
	struct pgd_err err = { 0 };
	struct arena a;
	/* 60 + 30 + 9 = 99 % is not > 99: the fourth edge (0.6 %) is taken too */
	static const int64_t w[] = { 600, 300, 90, 6, 3, 1 };
	static const char *const callers[] = { "main.a", "main.b", "main.a", "main.c", "main.d", "main.e" };

	(void)state;
	assert_non_null(e);
	pgd_arena_init(&e->arena, 0);
	e->max_edges = 100;
	pgd_arena_init(&a, 0);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(pgd_edges_add(e, callers[i], i == 2 ? 7 : 3, "main.f", w[i], &err), 0);
	pgd_edges_sort(e);
	assert_int_equal(pgd_inl_profile_build(e, PGD_INL_CDF_PERCENT, &a, &p, &err), 0);
	assert_int_equal(p.nhot_edges, 4);
	assert_true(p.threshold == ((double)6 / (double)1000) * 100);
	assert_int_equal(p.nhot, 4);   /* main.a:3, main.a:7, main.b:3, main.c:3 */
	assert_true(pgd_inl_profile_find(&p, "main.a", 7)->hot);
	assert_false(pgd_inl_profile_find(&p, "main.d", 3)->hot);
	assert_null(pgd_inl_profile_find(&p, "main.a", 5));
	pgd_arena_release(&a);
	pgd_edges__free(e);
}

/* ---- needed_hot_budget against the compiler's decisions ------------------------- */

struct gofmt_build {
	struct pgd_binary *bin;
	struct pgd_edges *e;
	struct pgd_inl_profile p;
	struct pgd_inl_index *x;
	struct pgd_inl_evidence ev;
	struct arena a;
};

/* The binary at bin, built from profile prof. */
static void build_open_paths(struct gofmt_build *g, const char *bin, const char *prof)
{
	char msg[1024];
	struct pgd_err err = { 0 };

	memset(g, 0, sizeof(*g));
	pgd_arena_init(&g->a, 0);
	if (pgd_binary__open(bin, NULL, &g->bin, &err))
		fail_msg("%s", pgd_err_format(&err, msg, sizeof(msg)));
	g->e = edges_of(prof);
	assert_int_equal(pgd_inl_profile_build(g->e, PGD_INL_CDF_PERCENT, &g->a, &g->p, &err), 0);
	if (pgd_inl_index_build(g->bin, NULL, &g->x, &err) || pgd_inl_evidence_build(g->x, &g->p, &g->ev, &err))
		fail_msg("%s", pgd_err_format(&err, msg, sizeof(msg)));
}

/*
 * The binary built from profile w of prog: gofmt's are committed; others
 * only with PGD_INL_FIELD set to a field-check.sh directory (FIELD_DIR/
 * go1.26.11), for measuring cmd/link by hand.
 */
static int build_open_prog(struct gofmt_build *g, const char *prog, char w)
{
	char bin[512], name[64], prof[256];
	const char *field = getenv("PGD_INL_FIELD");

	snprintf(prof, sizeof(prof), FIELD "/%s/%c.pprof", prog, w);
	if (strcmp(prog, "gofmt")) {
		if (!field || !*field)
			return -1;
		snprintf(bin, sizeof(bin), "%s/%s/pgo%c", field, prog, w);
	} else {
		snprintf(name, sizeof(name), "field-gofmt-go1.26.11.pgo%c", w);
		test_bin_path(name, bin, sizeof(bin));
	}
	build_open_paths(g, bin, prof);
	return 0;
}

static void build_open(struct gofmt_build *g, char w)
{
	build_open_prog(g, "gofmt", w);
}

static void build_close(struct gofmt_build *g)
{
	pgd_inl_evidence_free(&g->ev);
	pgd_inl_index_free(g->x);
	pgd_edges__free(g->e);
	pgd_binary__close(g->bin);
	pgd_arena_release(&g->a);
}

static char *key_of(const char *caller, int64_t line, const char *callee)
{
	size_t n = strlen(caller) + strlen(callee) + 32;
	char *k = malloc(n);

	assert_non_null(k);
	snprintf(k, n, "%s\t%lld\t%s", caller, (long long)line, callee);
	return k;
}

static void add_key(struct hashmap *m, char *k)
{
	int ins;

	assert_non_null(pgd_hashmap_upsert_str(m, k, &ins));
	if (!ins)
		free(k);
}

static void free_keys(struct hashmap *m)
{
	struct hashmap_entry *he;

	for (size_t i = 0; pgd_hashmap_next(m, &i, &he);)
		free((void *)he->key);
	pgd_hashmap_free(m);
}

/*
 * The compiler prints a decision at the outermost position of the call
 * (base.FmtPos): for a copy inside another copy, the line of the root
 * copy's call in the function compiled. The predicted decisions: every
 * copy at a hot key whose callee needs the hot budget. The decisions
 * that can be seen: those in functions whose own body is in the binary
 * (a function inlined everywhere is dropped by the linker, and its
 * decisions with it).
 */
static void needed_agreement(struct gofmt_build *g, const char *label, const char *oracle, unsigned min_pct);

static void needed_agreement_prog(const char *prog, char w)
{
	struct gofmt_build g;
	char orc[256], label[64];

	if (build_open_prog(&g, prog, w))
		return;
	snprintf(orc, sizeof(orc), FIELD "/%s/pgo%c.inl.txt.gz", prog, w);
	snprintf(label, sizeof(label), "%s pgo%c", prog, w);
	needed_agreement(&g, label, orc, 95);
	build_close(&g);
}

static void needed_agreement(struct gofmt_build *gp, const char *label, const char *oracle, unsigned min_pct)
{
	struct gofmt_build g = *gp;
	struct hashmap pred = HASHMAP_INIT, seen_hot = HASHMAP_INIT, visible = HASHMAP_INIT;
	struct hashmap_entry *he;
	struct oracle o;
	size_t npred = 0, nvisible = 0, both = 0, at_hot_copy = 0;

	oracle_read(oracle, &o);
	for (size_t i = 0; i < g.x->nnodes; i++) {
		const struct pgd_inl_node *n = &g.x->nodes[i], *r = n;
		const struct pgd_inl_func *f = &g.x->funcs[n->func];

		if (!pgd_inl_key_hot(&g.ev, f, n->line))
			continue;
		while (r->parent >= 0)
			r = &g.x->nodes[r->parent];
		add_key(&seen_hot, key_of(f->name, r->line, n->callee));
		if (pgd_inl_needed_hot_budget(&g.ev, n->callee, n->bytes) == 1)
			add_key(&pred, key_of(f->name, r->line, n->callee));
	}
	npred = pred.count;
	/* one decision per (function, line, callee): two calls on one line print twice */
	for (size_t i = 0; i < o.ndec; i++)
		if (pgd_inl_index_func(g.x, NULL, o.dec[i].caller))
			add_key(&visible, key_of(o.dec[i].caller, o.dec[i].line, o.dec[i].callee));
	nvisible = visible.count;
	for (size_t i = 0; pgd_hashmap_next(&visible, &i, &he);) {
		both += pgd_hashmap_find_str(&pred, he->key) != NULL;
		at_hot_copy += pgd_hashmap_find_str(&seen_hot, he->key) != NULL;
	}
	print_message("%s: %zu decisions, %zu in functions with a body; %zu of them at a copy on a hot "
		      "key; needed_hot_budget=1 at %zu copies, %zu of them the compiler's: precision %.1f%%, "
		      "recall %.1f%%\n", label, o.ndec, nvisible, at_hot_copy, npred, both,
		      100.0 * (double)both / (double)npred, 100.0 * (double)both / (double)nvisible);
	assert_true(nvisible > 0);
	assert_true(at_hot_copy * 100 >= nvisible * 99);   /* hot sets and inline trees agree */
	assert_true(both * 100 >= npred * min_pct);
	assert_true(both * 100 >= nvisible * min_pct);
	free_keys(&pred);
	free_keys(&seen_hot);
	free_keys(&visible);
	oracle_free(&o);
}

static void test_needed_hot_budget_base(void **state)
{
	(void)state;
	needed_agreement_prog("gofmt", 'A');
	needed_agreement_prog("link", 'A');   /* with PGD_INL_FIELD only */
}

static void test_needed_hot_budget_fresh(void **state)
{
	(void)state;
	needed_agreement_prog("gofmt", 'B');
	needed_agreement_prog("link", 'B');
}

/*
 * The index check builds (a want: only what the sites ask, the evidence
 * learnt as it walks, callers read on demand) answers every site as the
 * whole index does: its copies and call at the site, the caller's
 * declaration, needed_hot_budget and refresh_would_inline. Every site of
 * the profile the binary was built from is asked, hot or not.
 */
static void want_agrees(const char *bin_name, const char *profile)
{
	char bin[512], prof[256], msg[1024];
	struct gofmt_build g;
	struct pgd_inl_want w;
	struct pgd_inl_index *x = NULL;
	struct pgd_inl_evidence ev;
	struct pgd_err err = { 0 };
	size_t asked = 0;

	snprintf(prof, sizeof(prof), "%s", profile);
	build_open_paths(&g, test_bin_path(bin_name, bin, sizeof(bin)), prof);
	pgd_inl_want_init(&w, &g.a, &g.p);
	for (size_t i = 0; i < g.p.nsites; i++)
		assert_int_equal(pgd_inl_want_add(&w, g.p.sites[i].callee, PGD_INL_WANT_CALLEE) ||
				 pgd_inl_want_add(&w, g.p.sites[i].caller, PGD_INL_WANT_NAME), 0);
	if (pgd_inl_index_build(g.bin, &w, &x, &err) || pgd_inl_evidence_build(x, &g.p, &ev, &err))
		fail_msg("%s", pgd_err_format(&err, msg, sizeof(msg)));
	for (size_t i = 0; i < g.p.nsites; i++) {
		const struct pgd_inl_site *s = &g.p.sites[i];
		const struct pgd_inl_func *fa, *fb, *ba, *bb;
		struct pgd_inl_at_line aa, ab;
		int64_t la, lb;
		const char *da = NULL, *db = NULL;
		int32_t sa = 0, sb = 0;

		assert_int_equal(pgd_inl_index_site(g.x, g.bin, s->caller, s->offset, s->callee, &fa, &la, &aa), 0);
		assert_int_equal(pgd_inl_index_site(x, g.bin, s->caller, s->offset, s->callee, &fb, &lb, &ab), 0);
		if (la != lb || aa.inlined != ab.inlined || aa.bytes != ab.bytes || aa.ncopies != ab.ncopies)
			fail_msg("%s: %s+%lld -> %s: line %lld/%lld inlined %d/%d bytes %llu/%llu", bin_name,
				 s->caller, (long long)s->offset, s->callee, (long long)la, (long long)lb,
				 aa.inlined, ab.inlined, (unsigned long long)aa.bytes, (unsigned long long)ab.bytes);
		assert_int_equal(pgd_inl_index_decl(g.x, s->caller, &da, &sa), pgd_inl_index_decl(x, s->caller, &db, &sb));
		assert_int_equal(sa, sb);
		assert_true(da == db);
		assert_int_equal(pgd_inl_needed_hot_budget(&g.ev, s->callee, aa.bytes),
				 pgd_inl_needed_hot_budget(&ev, s->callee, ab.bytes));
		ba = pgd_inl_index_func(g.x, g.bin, s->callee);
		bb = pgd_inl_index_func(x, g.bin, s->callee);
		assert_true((ba == NULL) == (bb == NULL));
		if (fa && fb)
			assert_int_equal(pgd_inl_refresh_would_inline(&g.ev, s->callee, ba, fa),
					 pgd_inl_refresh_would_inline(&ev, s->callee, bb, fb));
		asked++;
	}
	assert_true(asked > 100);
	pgd_inl_evidence_free(&ev);
	pgd_inl_index_free(x);
	pgd_inl_want_release(&w);
	build_close(&g);
}

static void test_want_agrees(void **state)
{
	char prof[256];

	(void)state;
	snprintf(prof, sizeof(prof), FIELD "/gofmt/A.pprof");
	want_agrees("field-gofmt-go1.26.11.pgoA", prof);
	snprintf(prof, sizeof(prof), FIELD "/gofmt/B.pprof");
	want_agrees("field-gofmt-go1.26.11.pgoB", prof);
	want_agrees("bloatsvc.pgo", "testdata/profiles/bloat.pprof");
}

/*
 * The fixture programs (contrib/inlining-fixtures.sh): bloatsvc (Go
 * 1.23.5, built to bloat: 257 decisions) must agree as the field programs
 * do; cachesvc (1.23.5 and 1.26.11) has one decision, main.lookup at
 * serve.go:25, whose 16-byte copy has no other evidence, so the size rule
 * misses it: its thresholds and hot callees are checked, its agreement
 * only printed.
 */
static void fixture_oracle(const char *bin_name, const char *profile, unsigned min_pct)
{
	char bin[512], prof[256], orc[256];
	struct gofmt_build g;
	struct oracle o;

	snprintf(prof, sizeof(prof), "testdata/profiles/%s", profile);
	snprintf(orc, sizeof(orc), "testdata/golden/inlining/%s.inl.txt.gz", bin_name);
	build_open_paths(&g, test_bin_path(bin_name, bin, sizeof(bin)), prof);
	oracle_read(orc, &o);
	if (g.p.threshold != o.threshold)
		fail_msg("%s: threshold %.17g, the compiler's %.17g", bin_name, g.p.threshold, o.threshold);
	for (size_t i = 0; i < o.nhot_nodes; i++)
		if (!pgd_inl_profile_hot_callee(&g.p, o.hot_nodes[i]))
			fail_msg("%s: the compiler's hot callee %s is not one here", bin_name, o.hot_nodes[i]);
	oracle_free(&o);
	needed_agreement(&g, bin_name, orc, min_pct);
	build_close(&g);
}

static void test_fixture_programs(void **state)
{
	(void)state;
	fixture_oracle("bloatsvc.pgo", "bloat.pprof", 95);
	fixture_oracle("cachesvc.pgo", "base.pprof", 0);
	fixture_oracle("cachesvc.go126.pgo", "base.pprof", 0);
}

/* ---- bytes and calls against go tool objdump -------------------------------------- */

/*
 * The copy's code on the callee's own lines: its pcs less its children's,
 * which objdump gives their own lines; but a closure declared inside the
 * callee and inlined into it has lines inside the callee's span.
 */
static uint64_t own_bytes(const struct pgd_inl_index *x, uint32_t node)
{
	const struct pgd_inl_node *n = &x->nodes[node];
	const struct pgd_inl_func *f = &x->funcs[n->func];
	size_t len = strlen(n->callee);
	uint64_t b = n->bytes;

	for (uint32_t i = f->first_node; i < f->first_node + f->nnodes; i++)
		if (x->nodes[i].parent == (int32_t)node &&
		    !(strncmp(x->nodes[i].callee, n->callee, len) == 0 && !strncmp(x->nodes[i].callee + len, ".func", 5)))
			b -= x->nodes[i].bytes;
	return b;
}

/*
 * objdump attributes an instruction by its line alone; the inline tree by
 * PCDATA_InlTreeIndex. Go writes the two from each instruction's position
 * separately, and they disagree at the edges of a copy: register moves
 * that carry a line of the callee but the caller's inline index (seen in
 * go/token.(*File).position's copy of unpack), alignment NOPs on either
 * side. objdump's count is taken with and without the NOPs on the
 * callee's lines, and "equal" is ours between the two; the rest (moves)
 * stay within a few percent.
 */
#define OBJDUMP_TOLERANCE_PCT 15

/* A copy of callee whose root-level copy is called at line. */
static int copy_at(const struct pgd_inl_index *x, const struct pgd_inl_func *f, int64_t line, const char *callee)
{
	for (uint32_t i = f->first_node; i < f->first_node + f->nnodes; i++) {
		const struct pgd_inl_node *r = &x->nodes[i];

		if (strcmp(r->callee, callee))
			continue;
		while (r->parent >= 0)
			r = &x->nodes[r->parent];
		if (r->line == line)
			return 1;
	}
	return 0;
}

static void objdump_agreement(char w)
{
	struct gofmt_build g;
	char path[256], line[4096];
	FILE *fp;
	size_t rows = 0, compared = 0, equal = 0, close5 = 0, inlined = 0;
	uint64_t ours, theirs, pad, diff;

	build_open(&g, w);
	snprintf(path, sizeof(path), FIELD "/gofmt/pgo%c.objdump.tsv", w);
	assert_non_null(fp = fopen(path, "r"));
	assert_non_null(fgets(line, sizeof(line), fp));   /* header */
	while (fgets(line, sizeof(line), fp)) {
		char *caller = strtok(line, "\t"), *ln = strtok(NULL, "\t"), *callee = strtok(NULL, "\t");
		char *span = strtok(NULL, "\t"), *bytes = strtok(NULL, "\t"), *nops = strtok(NULL, "\t");
		char *calls = strtok(NULL, "\t\n");
		const struct pgd_inl_func *f;
		struct pgd_inl_at_line at;
		uint32_t copy = 0, ncopies = 0;

		assert_true(caller && ln && callee && span && bytes && nops && calls);
		rows++;
		/* a caller the linker dropped (inlined everywhere): objdump has nothing either */
		if (!(f = pgd_inl_index_func(g.x, NULL, caller))) {
			assert_int_equal(strtoull(bytes, NULL, 10), 0);
			continue;
		}
		for (uint32_t i = f->first_node; i < f->first_node + f->nnodes; i++)
			if (!strcmp(g.x->nodes[i].callee, callee)) {
				copy = i;
				ncopies++;
			}
		pgd_inl_index_at_line(g.x, f, strtoll(ln, NULL, 10), callee, &at);
		/*
		 * Every sample is a decided site. No call to the callee at the line in
		 * objdump: a copy here (at the root, or inside the copy called there: the
		 * compiler prints the outermost line); a call in the own body here: objdump has it. (A
		 * recursive callee inlined once still calls itself at that line, inside
		 * the copy, which objdump cannot tell from the own body.)
		 */
		if (strtoll(calls, NULL, 10) == 0 && !copy_at(g.x, f, strtoll(ln, NULL, 10), callee))
			fail_msg("%s:%s %s: no call in objdump, no copy here", caller, ln, callee);
		if (at.inlined == 0 && strtoll(calls, NULL, 10) == 0)
			fail_msg("%s:%s %s: a call here, none in objdump", caller, ln, callee);
		inlined += at.inlined == 1;
		/* one copy of the callee in the caller: objdump's lines of the callee are that copy */
		if (ncopies != 1)
			continue;
		compared++;
		ours = own_bytes(g.x, copy);
		/* objdump's bytes, with or without the padding on the callee's lines */
		theirs = strtoull(bytes, NULL, 10);
		pad = strtoull(nops, NULL, 10);
		diff = ours < theirs ? theirs - ours : ours > theirs + pad ? ours - theirs - pad : 0;
		equal += diff == 0;
		close5 += diff * 20 <= theirs;
		if (diff * 100 > theirs * OBJDUMP_TOLERANCE_PCT && diff > 8)
			fail_msg("%s:%s %s: %llu bytes, objdump %llu", caller, ln, callee, (unsigned long long)ours,
				 (unsigned long long)theirs);
	}
	fclose(fp);
	print_message("gofmt pgo%c: %zu objdump samples, %zu inlined; %zu with one copy of the callee: bytes "
		      "equal at %zu, within 5%% at %zu, all within %d%%\n", w, rows, inlined, compared, equal, close5,
		      OBJDUMP_TOLERANCE_PCT);
	assert_true(compared >= 15);
	assert_true(equal * 100 >= compared * 90);
	assert_true(close5 * 100 >= compared * 95);
	build_close(&g);
}

static void test_objdump_base(void **state)
{
	(void)state;
	objdump_agreement('A');
}

static void test_objdump_fresh(void **state)
{
	(void)state;
	objdump_agreement('B');
}

/* ---- the report block ---------------------------------------------------------- */

static void test_report_block(void **state)
{
	char bin[512];
	struct pgd_binary *b = NULL;
	struct pgd_edges *base = edges_of(FIELD "/gofmt/A.pprof"), *fresh = edges_of(FIELD "/gofmt/B.pprof");
	struct pgd_report *r = pgd_rpt_new(RPT_CHECK), *r2 = pgd_rpt_new(RPT_CHECK);
	struct pgd_err err = { 0 };
	const struct rpt_inlining *in;
	uint64_t sum = 0;
	double share = 0;

	(void)state;
	assert_non_null(r);
	assert_non_null(r2);
	assert_int_equal(pgd_binary__open(test_bin_path("field-gofmt-go1.26.11.pgoA", bin, sizeof(bin)), NULL, &b,
					  &err), 0);
	assert_int_equal(pgd_inlining_run(r, base, fresh, b, 0, &err), 0);
	in = &r->inlining;
	assert_true(in->ran);
	assert_int_equal(in->severity, PGD_SEV_INFO);
	assert_true(in->nstale_hot > 0 && in->nmissed_hot > 0);
	for (size_t i = 0; i < in->nstale_hot; i++) {
		const struct rpt_inl_site *s = &in->stale_hot[i];

		assert_true(s->base_weight > 0 && s->base_share > 0);
		assert_int_equal(s->inlined, 1);   /* listed only when the binary inlines it */
		assert_true(s->bytes > 0 && s->line > 0 && s->file);
		if (i)
			assert_true(in->stale_hot[i - 1].bytes >= s->bytes);
		if (s->inlined == 1 && s->needed_hot_budget != 0)
			sum += s->bytes;
		else if (s->inlined != 1)
			assert_int_equal(s->needed_hot_budget, -1);
	}
	assert_true(in->stale_hot_bytes == sum && sum > 0);
	for (size_t i = 0; i < in->nmissed_hot; i++) {
		const struct rpt_inl_site *s = &in->missed_hot[i];

		assert_true(s->fresh_weight > 0 && s->fresh_share > 0);
		assert_int_equal(s->inlined, 0);   /* listed only while still a call */
		if (i)
			assert_true(in->missed_hot[i - 1].fresh_weight >= s->fresh_weight);
		if (s->inlined == 0 && s->needed_hot_budget != 0)
			share += s->fresh_share;
	}
	assert_true(in->missed_hot_fresh_share == share && share > 0);
	/* the warning threshold decides the severity */
	assert_int_equal(pgd_inlining_run(r2, base, fresh, b, sum - 1, &err), 0);
	assert_int_equal(r2->inlining.severity, PGD_SEV_WARN);
	print_message("gofmt A->B: %zu/%zu hot sites, %zu stale-hot (%llu bytes inlined for the hot budget), "
		      "%zu missed-hot (%.1f%% of fresh weight a refresh would inline)\n", in->nhot_base, in->nhot_fresh,
		      in->nstale_hot, (unsigned long long)in->stale_hot_bytes, in->nmissed_hot,
		      100 * in->missed_hot_fresh_share);
	pgd_report__free(r);
	pgd_report__free(r2);
	pgd_binary__close(b);
	pgd_edges__free(base);
	pgd_edges__free(fresh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cdf_rule),
		cmocka_unit_test(test_hot_sets),
		cmocka_unit_test(test_needed_hot_budget_base),
		cmocka_unit_test(test_needed_hot_budget_fresh),
		cmocka_unit_test(test_fixture_programs),
		cmocka_unit_test(test_want_agrees),
		cmocka_unit_test(test_objdump_base),
		cmocka_unit_test(test_objdump_fresh),
		cmocka_unit_test(test_report_block),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
