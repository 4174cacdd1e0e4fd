// SPDX-License-Identifier: MIT
/*
 * Options structs across library versions (opts.h): the defaults, written
 * down once (pgd_*_opts__init_sz), the sz rule, then each struct's defaults
 * for zero fields.
 */
#include <string.h>

#include "err.h"
#include "opts.h"

#define DEFAULT_MAX_FILE_BYTES (1ULL << 30)
#define DEFAULT_MAX_DECODED_BYTES (2ULL << 30)
#define DEFAULT_MAX_ELEMENTS 50000000ULL

int pgd_opts_copy(void *out, size_t ours_sz, const void *user, const char *type,
		  struct pgd_err *err)
{
	const unsigned char *u = user;
	size_t user_sz;

	if (!user)
		return 0;
	memcpy(&user_sz, u, sizeof(user_sz));   /* every opts struct starts with size_t sz */
	if (user_sz == 0)
		return 0;
	if (user_sz < sizeof(size_t))
		return pgd_err_set(err, PGD_EUSAGE, "", "struct %s: sz %zu is smaller than its sz field",
				   type, user_sz);
	/* Fields from a newer header: accepted only when left at zero (libbpf_validate_opts). */
	for (size_t i = ours_sz; i < user_sz; i++)
		if (u[i])
			return pgd_err_set(err, PGD_EUSAGE, "",
					   "struct %s: unknown non-zero field at byte %zu (sz %zu, this "
					   "libpgodrift knows %zu bytes): built against a newer "
					   "<pgodrift/pgodrift.h>?",
					   type, i, user_sz, ours_sz);
	memcpy((unsigned char *)out + sizeof(size_t), u + sizeof(size_t),
	       (user_sz < ours_sz ? user_sz : ours_sz) - sizeof(size_t));
	return 0;
}

/* doc/checks.md documents each of these. */
#define DEFAULT_MIN_TOTAL_SAMPLES 30000
#define DEFAULT_MAX_STARTUP_SHARE 0.25
#define DEFAULT_MAX_SINGLE_FUNCTION_SHARE 0.80
#define DEFAULT_MAX_DIVERGENCE 0.2
#define DEFAULT_MAX_STALE_SHARE 0.05
#define DEFAULT_MAX_AGE_DAYS 90
#define DEFAULT_MAX_GROWTH 0.05

/*
 * The defaults into a caller's struct of user_sz bytes (the size it was
 * compiled with, passed by the header's inline pgd_*_opts__init): a field
 * it does not have is never written, a tail we do not know is zeroed.
 */
static void init_user(void *o, size_t user_sz, const void *def, size_t ours_sz)
{
	if (!o || user_sz < sizeof(size_t))
		return;
	memset(o, 0, user_sz);
	memcpy(o, def, user_sz < ours_sz ? user_sz : ours_sz);
	memcpy(o, &user_sz, sizeof(user_sz));
}

void pgd_check_opts__init_sz(struct pgd_check_opts *o, size_t sz)
{
	struct pgd_check_opts d;

	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	d.threshold = 0.5;
	d.min_samples = 30;
	d.attribution = PGD_ATTR_COMPILER;
	d.confidence_z = 1.96;   /* 95 % two-sided */
	init_user(o, sz, &d, sizeof(d));
}

void pgd_doctor_opts__init_sz(struct pgd_doctor_opts *o, size_t sz)
{
	struct pgd_doctor_opts d;

	memset(&d, 0, sizeof(d));
	d.sz = sizeof(d);
	d.min_total_samples = DEFAULT_MIN_TOTAL_SAMPLES;
	d.max_startup_share = DEFAULT_MAX_STARTUP_SHARE;
	d.max_single_function_share = DEFAULT_MAX_SINGLE_FUNCTION_SHARE;
	d.max_divergence = DEFAULT_MAX_DIVERGENCE;
	d.max_stale_share = DEFAULT_MAX_STALE_SHARE;
	d.max_age_days = DEFAULT_MAX_AGE_DAYS;
	d.max_growth = DEFAULT_MAX_GROWTH;
	init_user(o, sz, &d, sizeof(d));
}

#define ZERO_TO_DEFAULT(out, def, field) \
	do { if ((out)->field <= 0) (out)->field = (def)->field; } while (0)

int pgd_limits_resolve(const struct pgd_limits *in, struct pgd_limits *out, struct pgd_err *err)
{
	const struct pgd_limits def = {
		.sz = sizeof(def),
		.max_file_bytes = DEFAULT_MAX_FILE_BYTES,
		.max_decoded_bytes = DEFAULT_MAX_DECODED_BYTES,
		.max_elements = DEFAULT_MAX_ELEMENTS,
	};
	int ret;

	*out = def;
	if ((ret = pgd_opts_copy(out, sizeof(*out), in, "pgd_limits", err)))
		return ret;
	ZERO_TO_DEFAULT(out, &def, max_file_bytes);
	ZERO_TO_DEFAULT(out, &def, max_decoded_bytes);
	ZERO_TO_DEFAULT(out, &def, max_elements);
	return 0;
}

/*
 * out->limits keeps the caller's pointer: each reader resolves it when it
 * opens an input. It is checked here too, so a bad struct fails before any
 * file is read.
 */
int pgd_check_opts_resolve(const struct pgd_check_opts *in, struct pgd_check_opts *out,
			   struct pgd_err *err)
{
	struct pgd_check_opts def;
	struct pgd_limits lim;
	int ret;

	pgd_check_opts__init(&def);
	*out = def;
	if ((ret = pgd_opts_copy(out, sizeof(*out), in, "pgd_check_opts", err)))
		return ret;
	ZERO_TO_DEFAULT(out, &def, threshold);
	ZERO_TO_DEFAULT(out, &def, min_samples);
	ZERO_TO_DEFAULT(out, &def, confidence_z);
	if (out->attribution != PGD_ATTR_COMPILER && out->attribution != PGD_ATTR_STACK)
		return pgd_err_set(err, PGD_EUSAGE, "", "struct pgd_check_opts: unknown attribution %d",
				   (int)out->attribution);
	return pgd_limits_resolve(out->limits, &lim, err);
}

int pgd_doctor_opts_resolve(const struct pgd_doctor_opts *in, struct pgd_doctor_opts *out,
			    struct pgd_err *err)
{
	struct pgd_doctor_opts def;
	int ret;

	pgd_doctor_opts__init(&def);
	*out = def;
	if ((ret = pgd_opts_copy(out, sizeof(*out), in, "pgd_doctor_opts", err)))
		return ret;
	ZERO_TO_DEFAULT(out, &def, min_total_samples);
	ZERO_TO_DEFAULT(out, &def, max_startup_share);
	ZERO_TO_DEFAULT(out, &def, max_single_function_share);
	ZERO_TO_DEFAULT(out, &def, max_divergence);
	ZERO_TO_DEFAULT(out, &def, max_stale_share);
	ZERO_TO_DEFAULT(out, &def, max_age_days);
	ZERO_TO_DEFAULT(out, &def, max_growth);
	return 0;
}

int pgd_write_opts_resolve(const struct pgd_write_opts *in, struct pgd_write_opts *out,
			   struct pgd_err *err)
{
	memset(out, 0, sizeof(*out));
	out->sz = sizeof(*out);
	return pgd_opts_copy(out, sizeof(*out), in, "pgd_write_opts", err);
}
