/* SPDX-License-Identifier: MIT */
#ifndef PGODRIFT_PGODRIFT_H
#define PGODRIFT_PGODRIFT_H

/*
 * libpgodrift: find stale profile-guided devirtualization in Go binaries.
 *
 * The pipeline, in the order a caller drives it:
 *
 *   pgd_profile__open()  one pprof or GO PREPROFILE V1 file -> pgd_profile
 *   pgd_edges__build()   profiles -> call edges as the Go compiler sees them
 *   pgd_binary__open()   Go ELF binary -> build info, DWARF, call decoding
 *   pgd_sites__run()     edges + binary -> classified call sites (a report)
 *   pgd_check__run()     base vs fresh through the binary -> drift verdicts
 *   pgd_doctor__run()    profile, binary and repo health checks
 *   pgd_report__write()  any report -> json | text | markdown | sarif
 *
 * Conventions (libbpf's): objects are opaque and named object__verb; int
 * functions return 0 or a negative PGD_E* code and fill struct pgd_err; the
 * library never prints and never exits.
 *
 * Options and views across versions. Every options struct (struct
 * pgd_limits, pgd_check_opts, pgd_doctor_opts, pgd_write_opts) and every
 * view struct (pgd_site_view, pgd_finding_view) starts with `size_t sz`,
 * which the caller sets to sizeof the struct it was compiled with (the
 * pgd_*_opts__init functions do), and is only ever passed by pointer: no
 * such struct is embedded in another, so each grows at its end alone.
 *   - opts NULL, or sz == 0: every option takes its default;
 *   - a zero field means that field's default;
 *   - a caller built against an older header (a smaller sz) gets the
 *     defaults for the fields it does not know;
 *   - a caller built against a newer header (a larger sz) is accepted when
 *     the fields this library does not know are all zero, and refused with
 *     PGD_EUSAGE ("struct pgd_check_opts: unknown non-zero field ...")
 *     otherwise, rather than silently ignoring an option.
 * A view is filled up to the caller's sz.
 *
 * Ownership and lifetimes. Each object is owned by the caller from the
 * call that returns it (pgd_*__open, __build, __run) until its __close or
 * __free, which accept NULL. Strings and views returned by getters point
 * into the object and stay valid until it is closed or freed; the caller
 * never frees them. A report copies what it needs: it outlives the inputs
 * it was made from. Nothing is shared between objects, and the library
 * keeps no global state, so distinct objects may be used from distinct
 * threads; one object is not safe to use from two threads at once.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PGD_API __attribute__((visibility("default")))

/* The version of the header the caller was compiled with. */
#define PGD_VERSION "0.1.0"

/*
 * The version of the library the program runs with ("0.1.0"), which may be
 * newer than PGD_VERSION when libpgodrift.so was upgraded underneath it.
 */
PGD_API const char *pgd_version(void);

/* ---- errors ------------------------------------------------------------ */

enum pgd_errcode {
	PGD_OK = 0,
	PGD_EUSAGE = -1,    /* the caller asked for something impossible */
	PGD_EINPUT = -2,    /* an input file is unreadable, malformed or unusable */
	PGD_ENOMEM = -3,
	PGD_ELIMIT = -4,    /* an input exceeds a configured cap */
	PGD_EIO = -5,       /* writing output failed */
	PGD_EINTERNAL = -6,
};

/*
 * Filled by every failing call. `file` names the input the error is about
 * ("" when none); `msg` says the cause, lowercase, no final period.
 */
struct pgd_err {
	int code;
	char file[1024];
	char msg[512];
};

PGD_API const char *pgd_strerror(int code);
/* Formats "'file': msg" (or just msg) into buf; returns buf. */
PGD_API const char *pgd_err_format(const struct pgd_err *err, char *buf, size_t size);

/* ---- limits shared by every reader ------------------------------------- */

/*
 * Caps on what one input may make the library allocate, so a hostile or
 * runaway file fails with PGD_ELIMIT instead of exhausting memory.
 */
struct pgd_limits {
	size_t sz;
	uint64_t max_file_bytes;      /* default 1 GiB */
	uint64_t max_decoded_bytes;   /* gunzip output, default 2 GiB */
	uint64_t max_elements;        /* samples, locations, functions, edges... default 50M */
	/*
	 * Not limits, but they travel with the binary's inputs: where its DWARF
	 * is when it ships without (split debug files, found as gdb finds them).
	 */
	const char *debug_file;       /* this file's DWARF, checked against the binary's build ID */
	const char *debug_dirs;       /* ':'-separated roots searched by build ID and .gnu_debuglink;
	                               * NULL: /usr/lib/debug */
};

/* ---- profiles ----------------------------------------------------------- */

struct pgd_profile;

enum pgd_profile_format {
	PGD_PROFILE_PPROF = 1,        /* profile.proto, gzip-compressed or raw */
	PGD_PROFILE_PREPROFILE = 2,   /* "GO PREPROFILE V1" text from go tool preprofile */
};

/*
 * path must name a regular file, or be "-" for standard input (read up to
 * max_file_bytes). A FIFO or device is refused without blocking.
 */
PGD_API int pgd_profile__open(const char *path, const struct pgd_limits *limits,
			      struct pgd_profile **out, struct pgd_err *err);
/*
 * A profile already in memory (pprof, gzip'd or raw, or GO PREPROFILE V1);
 * name is used in messages and reports. data is not kept after the call.
 */
PGD_API int pgd_profile__open_mem(const void *data, size_t len, const char *name,
				  const struct pgd_limits *limits, struct pgd_profile **out,
				  struct pgd_err *err);
PGD_API void pgd_profile__close(struct pgd_profile *p);
PGD_API const char *pgd_profile__path(const struct pgd_profile *p);
PGD_API enum pgd_profile_format pgd_profile__format(const struct pgd_profile *p);
PGD_API uint64_t pgd_profile__file_size(const struct pgd_profile *p);
/* Sum of the sample value Go uses (0 for a preprofile: it keeps no samples). */
PGD_API int64_t pgd_profile__total_value(const struct pgd_profile *p);
/* Sum of samples/count when present, else total_value / period. */
PGD_API int64_t pgd_profile__sample_count(const struct pgd_profile *p);
PGD_API int64_t pgd_profile__time_nanos(const struct pgd_profile *p);
PGD_API int64_t pgd_profile__duration_nanos(const struct pgd_profile *p);

/* ---- call edges ---------------------------------------------------------- */

struct pgd_edges;

enum pgd_attribution {
	/* Only the last two locations of each sample, as cmd/compile does. */
	PGD_ATTR_COMPILER = 0,
	/* Every caller->callee pair along each sample's stack. */
	PGD_ATTR_STACK = 1,
};

/* Merges several profiles into one weighted edge set. */
PGD_API int pgd_edges__build(struct pgd_profile *const *profiles, size_t n,
			     enum pgd_attribution attribution,
			     struct pgd_edges **out, struct pgd_err *err);
PGD_API void pgd_edges__free(struct pgd_edges *e);
PGD_API size_t pgd_edges__count(const struct pgd_edges *e);
PGD_API int64_t pgd_edges__total_weight(const struct pgd_edges *e);
/* Byte-identical to `go tool preprofile` for a single pprof input. */
PGD_API int pgd_edges__write_preprofile(const struct pgd_edges *e, FILE *f, struct pgd_err *err);
/*
 * The same into a file: a regular file is replaced atomically keeping its
 * mode, a symlink's target likewise, a device or FIFO written directly.
 */
PGD_API int pgd_edges__write_preprofile_file(const struct pgd_edges *e, const char *path,
					     struct pgd_err *err);

/* ---- binaries ------------------------------------------------------------ */

struct pgd_binary;

PGD_API int pgd_binary__open(const char *path, const struct pgd_limits *limits,
			     struct pgd_binary **out, struct pgd_err *err);
PGD_API void pgd_binary__close(struct pgd_binary *b);
PGD_API const char *pgd_binary__path(const struct pgd_binary *b);
/* "go1.23.5", or NULL when the binary has no Go build info. */
PGD_API const char *pgd_binary__go_version(const struct pgd_binary *b);
PGD_API const char *pgd_binary__main_module(const struct pgd_binary *b);
/* A build setting's value ("-pgo", "-race", "GOARCH", ...) or NULL. */
PGD_API const char *pgd_binary__build_setting(const struct pgd_binary *b, const char *key);
PGD_API const char *pgd_binary__build_id(const struct pgd_binary *b);
/* "amd64" or "arm64". */
PGD_API const char *pgd_binary__arch(const struct pgd_binary *b);

/* ---- analysis ------------------------------------------------------------ */

struct pgd_report;

/* Called with coarse progress ("loading DWARF", 3, 10); may be NULL. */
typedef void (*pgd_progress_fn)(void *ctx, const char *stage, uint64_t done, uint64_t total);

struct pgd_check_opts {
	size_t sz;
	double threshold;            /* default 0.5 */
	int64_t min_samples;         /* default 30 */
	enum pgd_attribution attribution;
	int list_all;                /* list ok and insufficient-samples sites too */
	double confidence_z;         /* default 1.96 (95 % Wilson interval) */
	const struct pgd_limits *limits;  /* NULL: default limits; read during the call only */
	pgd_progress_fn progress;
	void *progress_ctx;
	int64_t now_unix;            /* "now" for profile-age warnings; 0: time(NULL) */
	/*
	 * Inlining drift (issue #17): check reports the hot call sites of base
	 * and fresh as cmd/compile/internal/inline/inl.go computes them
	 * (hotNodesFromCDF), stale-hot and missed-hot sites. no_inlining skips it.
	 * inlining_warn_bytes: when the stale-hot sites' inlined code exceeds
	 * this many bytes the inlining finding is a warning instead of info
	 * (so --fail-on warning can gate on it); 0: always info.
	 */
	int no_inlining;
	uint64_t inlining_warn_bytes;
};

/*
 * Fills o with the documented defaults and sets o->sz. The work is done in
 * the library, but the size is the one the caller was compiled with
 * (this wrapper is inline), so a program built against an older, shorter
 * struct is never written past its end.
 */
PGD_API void pgd_check_opts__init_sz(struct pgd_check_opts *o, size_t sz);
static inline void pgd_check_opts__init(struct pgd_check_opts *o)
{
	pgd_check_opts__init_sz(o, sizeof(*o));
}

/* `pgodrift sites`: every call site the profiles mention, classified. */
PGD_API int pgd_sites__run(const char *binary_path, const char *const *profile_paths,
			   size_t nprofiles, const struct pgd_check_opts *opts,
			   struct pgd_report **out, struct pgd_err *err);

/* `pgodrift check`: the drift job. */
PGD_API int pgd_check__run(const char *binary_path, const char *base_path,
			   const char *const *fresh_paths, size_t nfresh,
			   const struct pgd_check_opts *opts,
			   struct pgd_report **out, struct pgd_err *err);

struct pgd_doctor_opts {
	size_t sz;
	const char *binary_path;          /* optional */
	const char *compare_binary_path;  /* optional: the same code built without PGO */
	const char *base_path;            /* optional */
	const char *const *fresh_paths;   /* optional */
	size_t nfresh;
	const char *const *profile_paths; /* optional: profiles checked on their own */
	size_t nprofiles;
	const char *repo_dir;             /* optional */
	/* thresholds; 0 means the documented default */
	int64_t min_total_samples;        /* 30000 */
	double max_startup_share;         /* 0.25 */
	double max_single_function_share; /* 0.80 */
	double max_divergence;            /* 0.2 (Jensen-Shannon, base 2) */
	double max_stale_share;           /* 0.05 */
	double max_age_days;              /* 90 */
	double max_growth;                /* 0.05 */
	int64_t now_unix;                 /* "now" for profile-age; 0: time(NULL) */
	/* min_samples, attribution, limits, progress; NULL: defaults; read during the call only */
	const struct pgd_check_opts *check;
};

/* The defaults, as pgd_check_opts__init; o->check stays NULL (check's defaults). */
PGD_API void pgd_doctor_opts__init_sz(struct pgd_doctor_opts *o, size_t sz);
static inline void pgd_doctor_opts__init(struct pgd_doctor_opts *o)
{
	pgd_doctor_opts__init_sz(o, sizeof(*o));
}
PGD_API int pgd_doctor__run(const struct pgd_doctor_opts *opts, struct pgd_report **out,
			    struct pgd_err *err);

/* ---- reports ------------------------------------------------------------- */

enum pgd_severity {
	PGD_SEV_NONE = 0,   /* ok, counted only */
	PGD_SEV_INFO = 1,   /* listed, never fails a run */
	PGD_SEV_WARN = 2,
	PGD_SEV_RISK = 3,
};

PGD_API enum pgd_severity pgd_report__worst_severity(const struct pgd_report *r);

/*
 * What a check run concluded. Inconclusive: it could not judge what it was
 * asked to (no site reached --min-samples, the capture is of another
 * program or build, an input repeats another, the binary was not built from
 * --base); the report's reasons say which. The CLI exits with
 * PGD_EXIT_INCONCLUSIVE then, so CI never reads it as green.
 */
enum pgd_outcome {
	PGD_OUTCOME_CLEAN = 0,
	PGD_OUTCOME_FINDINGS = 1,
	PGD_OUTCOME_INCONCLUSIVE = 2,
};
PGD_API enum pgd_outcome pgd_report__outcome(const struct pgd_report *r);

/* Exit statuses of the pgodrift CLI (documented in pgodrift(1)). */
#define PGD_EXIT_OK 0
#define PGD_EXIT_FINDINGS 1
#define PGD_EXIT_ERROR 2
#define PGD_EXIT_INCONCLUSIVE 3
PGD_API void pgd_report__free(struct pgd_report *r);
/* A check report's staleness score (1 - overlap, doc/formats.md): 0, or -1 when it has none. */
PGD_API int pgd_report__staleness(const struct pgd_report *r, double *staleness);

/*
 * Walking a report without JSON. A report holds, in the order every format
 * lists them:
 *   sites     `check`: the listed sites (those with a severity above none,
 *             or every judged site with list_all); `sites`: every call site
 *             the profiles mention; `doctor`: none.
 *   findings  `doctor`: its findings; `check`: the profile-level warnings
 *             (the JSON's "warnings").
 *   summary   named figures: counts per verdict, totals (the JSON's "summary").
 * Indexes run from 0 to the count minus one. Strings point into the report
 * and live until pgd_report__free; a NULL string means "not known" or "not
 * applicable", as a null in the JSON does.
 *
 *	struct pgd_site_view v = { .sz = sizeof(v) };
 *
 *	for (size_t i = 0; i < pgd_report__nsites(r); i++)
 *		if (!pgd_report__site(r, i, &v) && v.severity >= PGD_SEV_WARN)
 *			printf("%s:%lld %s\n", v.file, (long long)v.line, v.verdict);
 */

/* "pgodrift.check/v1", "pgodrift.sites/v1" or "pgodrift.doctor/v1". */
PGD_API const char *pgd_report__schema(const struct pgd_report *r);

struct pgd_site_view {
	size_t sz;                   /* caller: sizeof(struct pgd_site_view) */
	const char *caller;          /* linker name of the calling function */
	int64_t offset;              /* call line - caller's start line, as profiles key it */
	const char *method;          /* called method; NULL for func-value and direct calls */
	const char *file;            /* source file of the caller (DWARF); NULL: unknown */
	int64_t line;                /* 0: unknown */
	const char *kind;            /* interface | func-value | direct | none | missing-function */
	const char *iface;           /* interface type when the binary names it */
	/* check reports only (NULL / 0 otherwise): */
	const char *verdict;         /* stale | weak | flipped | never-dominant | ... */
	enum pgd_severity severity;
	const char *guarded;         /* callee the compiler guards, chosen from the base */
	const char *guarded_type;
	double base_share;           /* guarded callee's share of the site in the base */
	double fresh_share;          /* ... in the fresh capture */
	double fresh_lo, fresh_hi;   /* Wilson interval on fresh_share */
	const char *fresh_hottest;
	int64_t base_weight, fresh_weight;   /* the site's weight in each */
	double cost;                 /* the estimated cost findings are ranked by */
	const char *message;         /* one line, says what to do */
	size_t ncallees;
};

/* Number of listed sites; 0 for NULL. */
PGD_API size_t pgd_report__nsites(const struct pgd_report *r);
/*
 * Fills view (up to view->sz bytes) with site i. 0, or PGD_EUSAGE when i is
 * out of range or view->sz is smaller than its sz field.
 */
PGD_API int pgd_report__site(const struct pgd_report *r, size_t i, struct pgd_site_view *view);

struct pgd_callee_view {
	size_t sz;                   /* caller: sizeof(struct pgd_callee_view) */
	const char *name;            /* linker name: main.(*RedisCache).Get */
	const char *type;            /* receiver type "*main.RedisCache"; NULL for functions */
	int64_t base_weight, fresh_weight;
	double base_share, fresh_share;   /* of the site's weight in each profile */
};

/*
 * Fills view with callee j (0 .. the site view's ncallees - 1) of site i,
 * ordered by base weight, then fresh weight, then name; 0 or PGD_EUSAGE.
 */
PGD_API int pgd_report__site_callee(const struct pgd_report *r, size_t i, size_t j,
				    struct pgd_callee_view *view);

struct pgd_finding_view {
	size_t sz;                   /* caller: sizeof(struct pgd_finding_view) */
	const char *id;              /* stable check id: too-few-samples, profile-age, ... */
	enum pgd_severity severity;
	const char *input;           /* path of the input it is about; NULL: all inputs */
	const char *message;         /* one line, says what to do */
};

/* Number of findings (doctor) or warnings (check); 0 for NULL. */
PGD_API size_t pgd_report__nfindings(const struct pgd_report *r);
/* Fills view with finding i; 0 or PGD_EUSAGE as pgd_report__site. */
PGD_API int pgd_report__finding(const struct pgd_report *r, size_t i,
				struct pgd_finding_view *view);

/*
 * An integer figure of the summary by key ("stale", "sites_judged",
 * "findings", ... as doc/schema names them): 0 and *value set, or
 * PGD_EUSAGE when the report has no integer figure of that name.
 */
PGD_API int pgd_report__summary_int(const struct pgd_report *r, const char *key, int64_t *value);

/*
 * check's inlining drift (issue #17; the JSON's "inlining"): whether it ran,
 * its severity, each profile's hot call-site set as cmd/compile computes it
 * (inline/inl.go, hotNodesFromCDF: the heaviest edges up to 99 % of the
 * weight), and the two lists. Zeroed (ran 0, skipped_why NULL) for other
 * reports and for a library without the analysis.
 */
struct pgd_inlining_view {
	size_t sz;                   /* caller: sizeof(struct pgd_inlining_view) */
	int ran;
	const char *skipped_why;     /* "--no-inlining", ...; NULL when it ran */
	enum pgd_severity severity;  /* info, or warn past inlining_warn_bytes */
	double threshold_base;       /* percent of the base's edge weight an edge needs to be hot */
	double threshold_fresh;
	size_t nhot_base, nhot_fresh;   /* hot call sites (caller, offset) */
	size_t nstale_hot;           /* hot in the base, not in the fresh capture */
	size_t nmissed_hot;          /* hot in the fresh capture, not in the base */
	uint64_t stale_hot_bytes;    /* inlined code at stale-hot sites */
	double missed_hot_fresh_share;  /* fresh edge weight at missed-hot sites that stay calls */
};

/* Fills view with r's inlining block; 0, or PGD_EUSAGE for a NULL r or view->sz too small. */
PGD_API int pgd_report__inlining(const struct pgd_report *r, struct pgd_inlining_view *view);

enum pgd_inl_list {
	PGD_INL_STALE_HOT = 0,       /* by bytes, then caller, offset, callee */
	PGD_INL_MISSED_HOT = 1,      /* by fresh weight, then caller, offset, callee */
};

struct pgd_inl_site_view {
	size_t sz;                   /* caller: sizeof(struct pgd_inl_site_view) */
	const char *caller;          /* the function the call is in */
	const char *callee;          /* the heaviest callee at the site */
	const char *file;            /* NULL: unknown */
	int64_t line;                /* 0: unknown */
	int64_t offset;              /* line - caller's start line, as profiles key it */
	int64_t base_weight, fresh_weight;
	double base_share, fresh_share;   /* of each profile's total edge weight */
	int inlined;                 /* 1 inlined there in the binary, 0 a call, -1 cannot tell */
	uint64_t bytes;              /* stale-hot: the inlined copy's code; missed-hot: the callee's body */
	int needed_hot_budget;       /* 1 yes, 0 no, -1 cannot tell (the JSON's needed_hot_budget) */
};

/* Fills view with entry i of list; 0 or PGD_EUSAGE (i out of range, bad list or sz). */
PGD_API int pgd_report__inlining_site(const struct pgd_report *r, enum pgd_inl_list list, size_t i,
				      struct pgd_inl_site_view *view);

struct pgd_write_opts {
	size_t sz;
	int color;                  /* text only: ANSI colour */
	const char *source_root;    /* the repository root: reported files are relative to it
				       (doc/formats.md); NULL: relative to the main module */
	size_t max_bytes;           /* markdown: default 65000 */
	/* Appended fields (check sz before reading them). */
	const char *link_base;      /* markdown: file links, "<link_base>/<path>#L<line>" */
};

/*
 * format: "json", "text", "markdown", "sarif", "github" (workflow-command
 * annotations), "codeclimate" (GitLab code quality), "rdjsonl" (reviewdog
 * Diagnostic JSON lines) or "line" (file:line:col: severity: message).
 */
PGD_API int pgd_report__write(const struct pgd_report *r, const char *format,
			      const struct pgd_write_opts *opts, FILE *f,
			      struct pgd_err *err);
/* Writes to a temporary file beside path and renames it over path. */
PGD_API int pgd_report__write_file(const struct pgd_report *r, const char *format,
				   const struct pgd_write_opts *opts, const char *path,
				   struct pgd_err *err);
/*
 * 0 when every source file the report names maps into the repository at
 * opts->source_root, else the error a path-naming writer would return (a
 * main-module file outside the root, a root that does not exist). Lets a
 * caller refuse before it replaces any of several outputs.
 */
PGD_API int pgd_report__check_paths(const struct pgd_report *r, const struct pgd_write_opts *opts,
				    struct pgd_err *err);
/* Whether format names a writer (json, text, ...). */
PGD_API int pgd_report__has_format(const char *format);

/* ---- derived reports: diff, fleet, trend (doc/formats.md) ----------------- */

/*
 * A report built from other reports read back: the difference between two
 * runs (pgodrift.diff/v1), many services' check reports merged into one
 * fleet report (pgodrift.fleet/v1), a trend from a history file. The JSON
 * document is the model; text, markdown (and for a trend mermaid and svg)
 * are views of it.
 */
struct pgd_doc;

/* Two check reports, or two fleet reports: findings new, fixed, changed, persisting. */
PGD_API int pgd_diff__run(const char *old_path, const char *new_path, enum pgd_severity fail_on,
			  struct pgd_doc **out, struct pgd_err *err);

/* One service of a fleet: its check report, or why there is none. */
struct pgd_fleet_input {
	const char *name;
	const char *report_path;    /* NULL when error is set */
	const char *error;          /* the capture or check failed: said, not dropped */
};

/* now_unix 0: time(NULL). The gate trips when a service has a finding at or above fail_on. */
PGD_API int pgd_fleet__merge(const struct pgd_fleet_input *in, size_t n, int64_t now_unix,
			     enum pgd_severity fail_on, struct pgd_doc **out, struct pgd_err *err);
/* Appends one JSON line per service of a fleet report to path (history.jsonl). */
PGD_API int pgd_fleet__append_history(const struct pgd_doc *fleet, const char *path,
				      struct pgd_err *err);
/* Reads a history.jsonl; last_n > 0 keeps each service's last N runs. */
PGD_API int pgd_trend__read(const char *history_path, size_t last_n, struct pgd_doc **out,
			    struct pgd_err *err);

/* format: json, text, markdown; a trend also mermaid and svg. path NULL or "-": f. */
PGD_API int pgd_doc__has_format(const struct pgd_doc *d, const char *format);
PGD_API int pgd_doc__write(const struct pgd_doc *d, const char *format, FILE *f,
			   struct pgd_err *err);
PGD_API int pgd_doc__write_file(const struct pgd_doc *d, const char *format, const char *path,
				struct pgd_err *err);
/* 1 when the document's gate tripped (diff: a new finding at or above fail_on). */
PGD_API int pgd_doc__gate(const struct pgd_doc *d);
PGD_API void pgd_doc__free(struct pgd_doc *d);

#ifdef __cplusplus
}
#endif

#endif
