/* SPDX-License-Identifier: MIT */
#ifndef PGD_REPORT_H
#define PGD_REPORT_H

/*
 * The report model: every command's result as plain data, built first and
 * written afterwards by one format writer (json, text, markdown, sarif).
 * Analysis code fills a report and never prints; writers read it and never
 * analyse. Lists are sorted by the producer (see each comment) so that two
 * runs diff cleanly whatever the writer.
 */

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "pgodrift/pgodrift.h"

enum rpt_kind {
	RPT_SITES = 1,   /* pgodrift sites: schema pgodrift.sites/v1 */
	RPT_CHECK = 2,   /* pgodrift check: schema pgodrift.check/v1 */
	RPT_DOCTOR = 3,  /* pgodrift doctor: schema pgodrift.doctor/v1 */
};

/* One input file as the report describes it. */
struct rpt_input {
	const char *role;           /* "binary", "compare-binary", "base", "fresh", "profile", "repo" */
	const char *path;
	uint64_t size;
	const char *format;         /* "pprof", "preprofile", "elf", "dir" */
	/* profiles */
	int64_t samples;            /* pgd_profile__sample_count */
	int64_t total_value;
	int64_t edge_weight;        /* total weight of its compiler edges */
	int64_t time_nanos, duration_nanos;
	/* binaries */
	const char *go_version, *pgo_setting, *main_module, *build_id, *arch;
	const char *gnu_build_id;   /* .note.gnu.build-id in hex (Go 1.24+), NULL when none */
	/* check's profiles: which build the capture came from (Mapping.build_id) */
	const char *mapping_build_id;
	const char *captured_from;  /* "this binary", "another build", "cannot tell"; NULL: not judged */
};

/* A named figure: the numbers behind a finding or a summary line. */
enum rpt_fig_type { FIG_INT = 1, FIG_REAL, FIG_STR, FIG_BOOL };

struct rpt_figure {
	const char *key;            /* snake_case, stable: part of the schema */
	enum rpt_fig_type type;
	int64_t i;
	double r;
	const char *s;
};

/* A share of a site's weight with its Wilson interval. */
struct rpt_share {
	int64_t weight;             /* weight of the type at the site */
	int64_t total;              /* weight of the site */
	double share, lo, hi;       /* share = weight/total; [lo, hi] 95 % Wilson */
	int present;                /* 0: the profile has no weight at the site */
};

/* One concrete callee at a site, in both profiles. */
struct rpt_callee {
	const char *name;           /* linker name, e.g. main.(*RedisCache).Get */
	const char *type;           /* receiver type, "*main.RedisCache"; NULL for funcs */
	int64_t base_weight, fresh_weight;
	double base_share, fresh_share;
};

struct rpt_site {
	/* identity: sorted by (caller, offset, method) unless ranked by cost */
	const char *caller;
	int64_t offset;             /* line - caller start line, as in the profile */
	const char *method;         /* "Get"; for func-value and direct: NULL */
	const char *file;           /* DWARF decl file of the caller; NULL when unknown */
	int64_t line;               /* absolute line; 0 when unknown */
	const char *kind;           /* interface | func-value | direct | none | missing-function */
	const char *iface;          /* interface type when known */
	/* check only */
	const char *verdict;        /* stale | weak | flipped | never-dominant | new-hot-site | vanished | ok | insufficient-samples */
	enum pgd_severity severity;
	const char *guarded;        /* the guarded callee: the binary's guard, else the compiler's rules on the base */
	const char *guarded_type;
	struct rpt_share base, fresh;   /* of the guarded callee */
	const char *fresh_hottest;      /* hottest callee in the fresh capture */
	int64_t base_weight, fresh_weight;          /* site weights */
	double base_weight_share, fresh_weight_share; /* of each profile's total edge weight */
	double cost;                /* fresh_weight * (1 - fresh.share): ranks findings */
	double overlap;             /* sum over callees of min(base share, fresh share) (staleness.h) */
	int has_overlap;            /* both profiles have weight at the site */
	/* binary evidence */
	int guard_checked;          /* a binary was examined */
	const char *binary_guard;   /* concrete type the binary guards at this site, NULL: none */
	size_t ncalls_direct, ncalls_indirect;
	const char *message;        /* one line, says what to do */
	const char *mirrored;       /* check: cmd/compile's rules on the base, when they differ from the binary's guard */
	const char *no_guard_reason;/* check: why nothing is guarded (pgd_no_guard_name), NULL when guarded */
	size_t ncallees;
	struct rpt_callee *callees; /* by base weight desc, fresh weight desc, name */
};

/* A doctor check's finding (also check's `warnings`). */
struct rpt_item {
	const char *name;           /* function, file or setting the row is about */
	size_t nfigures;
	struct rpt_figure *figures;
};

struct rpt_finding {
	const char *id;             /* stable check id: too-few-samples, ... */
	enum pgd_severity severity;
	const char *input;          /* path of the input it is about, NULL: all */
	const char *message;        /* one line, says what to do */
	size_t nfigures;
	struct rpt_figure *figures;
	size_t nitems;
	struct rpt_item *items;     /* the rows behind it, heaviest first */
};

/* Which checks ran and which were skipped for lack of inputs. */
struct rpt_check_run {
	const char *id;
	int ran;
	const char *skipped_why;    /* "needs --binary", NULL when ran */
};

/* Why a check run is inconclusive: a stable id and one line. */
struct rpt_reason {
	const char *id;
	const char *message;
};

struct rpt_param {
	const char *key;
	struct rpt_figure value;
};

/*
 * Inlining drift (check only, issue #17): one call site hot in one profile's
 * hotNodesFromCDF set (cmd/compile/internal/inline/inl.go) and not in the
 * other's. A site is (caller, offset) as the compiler keys it
 * (pgoir.CallSiteInfo); callee is the heaviest edge at the site.
 */
struct rpt_inl_site {
	const char *caller;
	const char *callee;
	const char *file;           /* NULL when unknown */
	int64_t line;               /* absolute; 0 when unknown */
	int64_t offset;             /* line - caller start line, as in the profile */
	int64_t base_weight, fresh_weight;
	double base_share, fresh_share;   /* of each profile's total edge weight */
	int inlined;                /* 1 inlined at the site in the binary, 0 a call, -1 cannot tell */
	uint64_t bytes;             /* stale-hot: code of the inlined copy; missed-hot: the callee's body */
	int needed_hot_budget;      /* 1 inlined only because hot (budget 2000 > 80), 0 no, -1 cannot tell */
};

struct rpt_inlining {
	int ran;                    /* 0: skipped; skipped_why says why */
	const char *skipped_why;    /* "--no-inlining", "no binary", ... */
	enum pgd_severity severity;
	double threshold_base, threshold_fresh;  /* percent, as -d=pgodebug=1's hot-callsite-thres-from-CDF */
	size_t nhot_base, nhot_fresh;            /* hot call sites (caller, offset) */
	size_t nstale_hot;
	struct rpt_inl_site *stale_hot;   /* inlined == 1 only; by bytes desc, then caller, offset, callee */
	size_t nmissed_hot;
	struct rpt_inl_site *missed_hot;  /* inlined == 0 only; by fresh weight desc, then caller, offset, callee */
	/*
	 * Sum of stale_hot[].bytes with inlined == 1 and needed_hot_budget != 0:
	 * copies with needed_hot_budget == 0 cost <= 80 and stay in a build from
	 * the fresh profile (measured, notes of issue #17), so they are no waste.
	 */
	uint64_t stale_hot_bytes;
	/* Sum of missed_hot[].fresh_share with inlined == 0 and needed_hot_budget != 0
	 * (needed_hot_budget here: a refresh would inline the call, 0 it would not). */
	double missed_hot_fresh_share;
};

struct pgd_report {
	struct arena arena;         /* owns everything reachable from here */
	enum rpt_kind kind;
	const char *schema;         /* "pgodrift.check/v1" */
	const char *tool_version;
	size_t ninputs;
	struct rpt_input *inputs;
	size_t nparams;
	struct rpt_param *params;   /* in a fixed documented order */
	size_t nsites;
	struct rpt_site *sites;     /* listed sites, ranked (see drift.c) */
	size_t nsummary;
	struct rpt_figure *summary; /* counts per verdict, totals */
	size_t nfindings;
	struct rpt_finding *findings; /* doctor findings; under check: warnings */
	size_t nchecks;
	struct rpt_check_run *checks;
	size_t nnotes;
	const char **notes;         /* non-finding remarks (e.g. a stack-mode fallback) */
	/* check only */
	enum pgd_outcome outcome;
	size_t nreasons;
	struct rpt_reason *reasons; /* why inconclusive, in a fixed order */
	size_t nadvice;
	const char **advice;        /* what to do, most important first */
	struct rpt_inlining inlining;   /* check only */
};

/*
 * Inlining drift as every writer words it (report_inlining.c). The analysis
 * sorts the lists and decides the severity; writers keep its order and list
 * at most RPT_INL_TOP entries of each list where they list findings (the
 * JSON lists all), then say how many more.
 */
#define RPT_INL_TOP 10
/* 1 when a check report's inlining block ran and has stale-hot or missed-hot entries. */
int pgd_rpt_inl_listed(const struct pgd_report *r);
/* "inlining: 173 stale-hot sites, 41 KiB; 263 missed-hot sites, 12.0% of fresh CPU"; 1: nothing to say, -1 out of memory. */
struct strbuf;
int pgd_rpt_inlining_line(const struct pgd_report *r, struct strbuf *sb);
/* One line about an entry (stale: of stale_hot, else of missed_hot): what the binary does there and why it matters. */
int pgd_rpt_inl_site_text(struct strbuf *sb, const struct rpt_inl_site *s, int stale);
/* A share of a profile's edge weight: "0%", "<0.01%", "0.03%", "3.9%", "16%". */
int pgd_rpt_share_text(struct strbuf *sb, double share);
/* "812 bytes", "3.4 KiB", "41 KiB", "1.2 MiB". */
int pgd_rpt_bytes_text(struct strbuf *sb, uint64_t bytes);

/* Allocation helpers: all memory from r->arena; NULL on out of memory. */
struct pgd_report *pgd_rpt_new(enum rpt_kind kind);
struct rpt_input *pgd_rpt_add_input(struct pgd_report *r);
struct rpt_site *pgd_rpt_add_site(struct pgd_report *r);
struct rpt_finding *pgd_rpt_add_finding(struct pgd_report *r);
struct rpt_figure *pgd_rpt_add_summary(struct pgd_report *r, const char *key);
struct rpt_param *pgd_rpt_add_param(struct pgd_report *r, const char *key);
int pgd_rpt_add_note(struct pgd_report *r, const char *note);
int pgd_rpt_add_reason(struct pgd_report *r, const char *id, const char *message);
int pgd_rpt_add_advice(struct pgd_report *r, const char *advice);
const char *pgd_rpt_outcome_name(enum pgd_outcome o);
struct rpt_check_run *pgd_rpt_add_check(struct pgd_report *r, const char *id);
struct rpt_figure *pgd_rpt_finding_figure(struct pgd_report *r, struct rpt_finding *f, const char *key);
struct rpt_item *pgd_rpt_finding_item(struct pgd_report *r, struct rpt_finding *f, const char *name);
struct rpt_figure *pgd_rpt_item_figure(struct pgd_report *r, struct rpt_item *it, const char *key);

/* Convenience setters for a figure. */
void pgd_rpt_fig_int(struct rpt_figure *f, int64_t v);
void pgd_rpt_fig_real(struct rpt_figure *f, double v);
void pgd_rpt_fig_str(struct rpt_figure *f, const char *v);
void pgd_rpt_fig_bool(struct rpt_figure *f, int v);

const char *pgd_rpt_severity_name(enum pgd_severity s);

/*
 * One writer per format, all behind one interface (bpftool's _json/_plain
 * twins, generalised). Each writes the whole report to f.
 */
struct rpt_writer {
	const char *name;
	int (*write)(const struct pgd_report *r, const struct pgd_write_opts *opts,
		     FILE *f, struct pgd_err *err);
};

/*
 * Prints a cJSON tree, or fails with out-of-memory when it is NULL (cJSON
 * reports allocation failure only that way), then deletes it: the shared
 * tail of the JSON and SARIF writers.
 */
struct cJSON;
int pgd_rpt_emit_cjson(struct cJSON *root, FILE *f, struct pgd_err *err);

int pgd_rpt_write_github(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f, struct pgd_err *err);
int pgd_rpt_write_codeclimate(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f, struct pgd_err *err);
int pgd_rpt_write_rdjsonl(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f, struct pgd_err *err);
int pgd_rpt_write_line(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f, struct pgd_err *err);

/*
 * The order every reader-facing format lists sites in: most severe first,
 * then by estimated cost, then by identity (caller, offset, method), so the
 * risk rows never hide behind warn rows. With all == 0 only findings
 * (severity above none); a sites report passes all == 1 and keeps its
 * producer's order. *idx is malloc'd (may be NULL when *n is 0).
 */
int pgd_rpt_rank_sites(const struct pgd_report *r, int all, size_t **idx, size_t *n);
/* One line about a check site: its advice, the guarded type, base -> fresh share, fresh hottest. */
struct strbuf;
int pgd_rpt_site_text(struct strbuf *sb, const struct rpt_site *s);
/* A pgd_write_opts field, or NULL when the caller's struct predates it. */
const char *pgd_rpt_opt_source_root(const struct pgd_write_opts *o);
const char *pgd_rpt_opt_link_base(const struct pgd_write_opts *o);

/*
 * A finding as the one-line formats (github, line, rdjsonl, codeclimate)
 * see it: check sites ranked as pgd_rpt_rank_sites, then warnings; doctor
 * findings; every site of a sites report. Paths come from srcpath.
 */
struct rpt_row {
	enum pgd_severity severity;
	const char *rule;           /* verdict, check id, or a site's kind */
	const char *path;           /* repository-relative; NULL: not in the repository */
	const char *raw_path;       /* as recorded (DWARF path, input as given); NULL: none */
	int64_t line;               /* 0: the whole file (an input) */
	const char *title;          /* short: "pgodrift: stale guard in main.serve" */
	const char *message;        /* one line: what to do and the figures behind it */
	const char *identity;       /* stable across runs and checkouts: fingerprints hash it */
};

struct rpt_rows {
	struct arena arena;
	size_t n;
	struct rpt_row *v;
};

int pgd_rpt_rows_build(struct rpt_rows *rows, const struct pgd_report *r,
		   const struct pgd_write_opts *opts, struct pgd_err *err);
void pgd_rpt_rows_release(struct rpt_rows *rows);
/* The input a finding without one of its own attaches to: the first profile. */
const char *pgd_rpt_finding_input(const struct pgd_report *r, const struct rpt_finding *f);
/* 32 hex digits from two 64-bit FNV-1a hashes of s: a stable fingerprint. */
void pgd_rpt_fingerprint(const char *s, char out[33]);
/*
 * A site's identity across runs, checkouts and moved lines: caller, line
 * offset, method ("main.serve+5:Get"), and "#KIND" for a kind other than
 * interface and func-value (a line's direct calls are another site than its
 * function-value call). SARIF's partialFingerprints "pgodriftSite/v1" is the
 * key without the kind (kind NULL); rows, codeclimate and `diff` hash
 * RPT_SITE_ID_PREFIX + key with pgd_rpt_fingerprint.
 */
#define RPT_SITE_ID_PREFIX "pgodriftSite/v1:"
int pgd_rpt_site_key(struct strbuf *sb, const char *caller, int64_t offset, const char *method,
		 const char *kind);
/* Where the formats' rules are documented. */
#define RPT_DOC_URI "https://github.com/pgodrift/pgodrift/blob/main/doc/formats.md"

/* Markdown escaping shared with the derived reports: a name as a code span, free text escaped. */
int pgd_rpt_md_code(struct strbuf *sb, const char *s);
int pgd_rpt_md_text(struct strbuf *sb, const char *s);

int pgd_rpt_write_json(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f, struct pgd_err *err);
int pgd_rpt_write_text(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f, struct pgd_err *err);
int pgd_rpt_write_markdown(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f, struct pgd_err *err);
int pgd_rpt_write_sarif(const struct pgd_report *r, const struct pgd_write_opts *opts, FILE *f, struct pgd_err *err);

#endif
