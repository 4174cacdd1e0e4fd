// SPDX-License-Identifier: MIT
#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sanitize.h"

int pgd_err_set(struct pgd_err *err, int code, const char *file, const char *fmt, ...)
{
	char raw[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	snprintf(err->file, sizeof(err->file), "%s", file ? file : "");
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	/*
	 * Messages quote names from inputs and pass on libdwarf's and zlib's
	 * text: escaped, every message is one line with no control sequence.
	 */
	pgd_escape_line(err->msg, sizeof(err->msg), raw);
	return code;
}

int pgd_err_nomem(struct pgd_err *err, const char *file)
{
	return pgd_err_set(err, PGD_ENOMEM, file, "out of memory");
}

void pgd_err_clear(struct pgd_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

const char *pgd_strerror(int code)
{
	switch (code) {
	case PGD_OK: return "success";
	case PGD_EUSAGE: return "usage error";
	case PGD_EINPUT: return "bad input";
	case PGD_ENOMEM: return "out of memory";
	case PGD_ELIMIT: return "input exceeds a configured limit";
	case PGD_EIO: return "i/o error";
	case PGD_EINTERNAL: return "internal error";
	}
	return "unknown error";
}

const char *pgd_err_format(const struct pgd_err *err, char *buf, size_t size)
{
	const char *msg = err->msg[0] ? err->msg : pgd_strerror(err->code);

	char file[4 * sizeof(err->file)];

	/* The file name is kept as given in err->file; escaped for display only. */
	if (err->file[0])
		snprintf(buf, size, "'%s': %s", pgd_escape_line(file, sizeof(file), err->file), msg);
	else
		snprintf(buf, size, "%s", msg);
	return buf;
}

/* The runtime twin of PGD_VERSION: what the linked library is. */
const char *pgd_version(void)
{
	return PGD_VERSION;
}
