// SPDX-License-Identifier: MIT
/*
 * Hostile and odd inputs (issue #13), on the regression inputs that
 * contrib/make-hostile-inputs.py writes to tests/fuzz/regress/profile and on
 * a real deeply inlined Go profile (contrib/deepinline/gen.sh). Where Go
 * accepts an input, tests/fuzz/regress/golden/NAME.preprofile is what
 * `go tool preprofile -i NAME.pprof` (Go 1.26.11) wrote; two of those show
 * what pgodrift refuses: a wrapped negative weight (overflow-values) and an
 * injected edge (name-newline).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "err.h"
#include "fileio.h"
#include "profile.h"
#include "sanitize.h"
#include "strbuf.h"

#define REGRESS "tests/fuzz/regress/profile/"
#define GOLDEN "tests/fuzz/regress/golden/"

static char *slurp(const char *path, size_t *len)
{
	struct strbuf sb = STRBUF_INIT;

	if (pgd_strbuf_read_file(&sb, path))
		fail_msg("read %s: %s", path, strerror(errno));
	return pgd_strbuf_detach(&sb, len);
}

static struct pgd_profile *open_ok(const char *path)
{
	struct pgd_profile *p = NULL;
	struct pgd_err err = { 0 };
	char msg[2048];

	if (pgd_profile__open(path, NULL, &p, &err))
		fail_msg("open %s: %s", path, pgd_err_format(&err, msg, sizeof(msg)));
	return p;
}

/* Opening fails with code; the message is one line, names the file, has every word. */
static void expect_fail(const char *path, const struct pgd_limits *lim, int code, ...)
{
	struct pgd_profile *p = NULL;
	struct pgd_err err = { 0 };
	const char *word;
	va_list ap;
	int ret = pgd_profile__open(path, lim, &p, &err);

	if (ret != code)
		fail_msg("%s: got %d (%s), want %d", path, ret, err.msg, code);
	assert_null(p);
	assert_string_equal(err.file, path);
	assert_null(strchr(err.msg, '\n'));
	va_start(ap, code);
	while ((word = va_arg(ap, const char *)))
		if (!strstr(err.msg, word))
			fail_msg("%s: message \"%s\" lacks \"%s\"", path, err.msg, word);
	va_end(ap);
}

/* pgodrift's edges for NAME.pprof are byte-identical to Go's golden. */
static void expect_go_edges(const char *name)
{
	char path[256], golden[256];
	struct pgd_profile *p;
	struct pgd_edges *e = NULL;
	struct pgd_err err = { 0 };
	char *got = NULL, *want;
	size_t glen = 0, wlen;
	FILE *f;

	snprintf(path, sizeof(path), REGRESS "%s.pprof", name);
	snprintf(golden, sizeof(golden), GOLDEN "%s.preprofile", name);
	p = open_ok(path);
	assert_int_equal(pgd_edges__build(&p, 1, PGD_ATTR_COMPILER, &e, &err), 0);
	f = open_memstream(&got, &glen);
	assert_non_null(f);
	assert_int_equal(pgd_edges__write_preprofile(e, f, &err), 0);
	assert_int_equal(fclose(f), 0);
	want = slurp(golden, &wlen);
	if (glen != wlen || memcmp(got, want, glen))
		fail_msg("%s: edges differ from go tool preprofile (%zu vs %zu bytes)", name, glen, wlen);
	free(got);
	free(want);
	pgd_edges__free(e);
	pgd_profile__close(p);
}

/*
 * Item 1: 4 000 inlined lines in one location, 100 samples. The old
 * per-sample linear scans took about 2 s here (a 20 000-line stack took
 * over a second per sample); the result must still be Go's. Timing is
 * measured by `make bench`, not asserted here.
 */
static void test_deep_inlining(void **state)
{
	(void)state;
	expect_go_edges("deep-inline");
	/* A real Go program, PGO-built so that its chains are inlined. */
	expect_go_edges("deep-go");
}

/* Item 6: sums of untrusted values are checked, not wrapped as Go does. */
static void test_overflow(void **state)
{
	struct pgd_profile *p[1];
	struct pgd_edges *e = NULL;
	struct pgd_err err = { 0 };

	(void)state;
	expect_fail(REGRESS "overflow-values.pprof", NULL, PGD_EINPUT, "sum of sample values", "2^56",
		    NULL);
	expect_fail(REGRESS "overflow-weights.preprofile", NULL, PGD_EINPUT, "edge weights", "2^56",
		    NULL);
	/* line - start_line: the profile opens, the edges stage refuses it. */
	p[0] = open_ok(REGRESS "overflow-offset.pprof");
	assert_int_equal(pgd_edges__build(p, 1, PGD_ATTR_COMPILER, &e, &err), PGD_EINPUT);
	assert_null(e);
	assert_string_equal(err.file, REGRESS "overflow-offset.pprof");
	assert_non_null(strstr(err.msg, "overflows"));
	err.msg[0] = '\0';
	assert_int_equal(pgd_edges__build(p, 1, PGD_ATTR_STACK, &e, &err), PGD_EINPUT);
	assert_non_null(strstr(err.msg, "overflows"));
	pgd_profile__close(p[0]);
}

/* Item 6/7: names that would split a line or collide are refused, naming the function. */
static void test_unsafe_names(void **state)
{
	(void)state;
	expect_fail(REGRESS "name-newline.pprof", NULL, PGD_EINPUT, "function 0", "line break", NULL);
	expect_fail(REGRESS "name-nul.pprof", NULL, PGD_EINPUT, "function 0", "NUL", NULL);
	expect_fail(REGRESS "name-nul.preprofile", NULL, PGD_EINPUT, "line 2", "NUL", NULL);
	/* Odd but one-line names decode, and edges stays byte-identical to Go. */
	expect_go_edges("name-escape");
	expect_go_edges("name-mention");
	expect_go_edges("name-badutf8");
}

static long peak_rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* Items 2/3: the inflate stops at the cap, so a bomb costs the cap, not its size. */
static void test_bomb(void **state)
{
	struct pgd_limits lim = { .sz = sizeof(lim), .max_decoded_bytes = 4 << 20 };
	long before = peak_rss_kb();

	(void)state;
	expect_fail(REGRESS "bomb-64m.pprof.gz", &lim, PGD_ELIMIT, "max_decoded_bytes", "4194304",
		    NULL);
	/* 64 MiB inflated would raise the peak by 64 MiB; the cap keeps it near 4 MiB. */
	assert_true(peak_rss_kb() - before < 24 * 1024);
	/* pgd_check_opts__init leaves limits NULL: the library's defaults. */
	{
		struct pgd_check_opts o;

		pgd_check_opts__init(&o);
		assert_null(o.limits);
	}
}

static void on_alarm(int sig)
{
	(void)sig;
	_exit(3);   /* a blocked open is the bug: fail loudly, never hang the suite */
}

/* Item 4: a FIFO is refused at once; "-" reads standard input up to the cap. */
static void test_fifo_and_stdin(void **state)
{
	char dir[] = "/tmp/pgd-hostile-XXXXXX", fifo[64];
	struct pgd_binary *b = NULL;
	struct pgd_profile *p = NULL;
	struct pgd_err err = { 0 };
	struct pgd_limits lim = { .sz = sizeof(lim), .max_file_bytes = 1000 };
	int saved, fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	signal(SIGALRM, on_alarm);
	alarm(10);
	expect_fail(fifo, NULL, PGD_EINPUT, "FIFO", "not a regular file", NULL);
	assert_int_equal(pgd_binary__open(fifo, NULL, &b, &err), PGD_EINPUT);
	assert_non_null(strstr(err.msg, "FIFO"));
	expect_fail("/dev/zero", NULL, PGD_EINPUT, "character device", NULL);
	alarm(0);
	unlink(fifo);
	rmdir(dir);

	/* stdin: a profile, then a stream longer than the cap (stopped, not read to the end). */
	saved = dup(STDIN_FILENO);
	fd = open("testdata/profiles/base.pprof", O_RDONLY);
	assert_true(fd >= 0 && saved >= 0);
	dup2(fd, STDIN_FILENO);
	close(fd);
	assert_int_equal(pgd_profile__open("-", NULL, &p, &err), 0);
	assert_string_equal(pgd_profile__path(p), "<stdin>");
	assert_int_equal(pgd_profile__sample_count(p), 31826);
	pgd_profile__close(p);
	fd = open("/dev/zero", O_RDONLY);
	dup2(fd, STDIN_FILENO);
	close(fd);
	assert_int_equal(pgd_profile__open("-", &lim, &p, &err), PGD_ELIMIT);
	assert_non_null(strstr(err.msg, "max_file_bytes"));
	dup2(saved, STDIN_FILENO);
	close(saved);
}

/* The in-memory entry point reads what a file would give. */
static void test_open_mem(void **state)
{
	struct pgd_profile *p = NULL;
	struct pgd_limits lim = { .sz = sizeof(lim), .max_file_bytes = 100 };
	struct pgd_err err = { 0 };
	size_t len;
	char *data = slurp("testdata/profiles/base.pprof", &len);

	(void)state;
	assert_int_equal(pgd_profile__open_mem(data, len, "mem.pprof", NULL, &p, &err), 0);
	assert_string_equal(pgd_profile__path(p), "mem.pprof");
	assert_int_equal(pgd_profile__sample_count(p), 31826);
	pgd_profile__close(p);
	assert_int_equal(pgd_profile__open_mem(data, len, "mem.pprof", &lim, &p, &err), PGD_ELIMIT);
	assert_int_equal(pgd_profile__open_mem("", 0, NULL, NULL, &p, &err), PGD_EINPUT);
	assert_non_null(strstr(err.msg, "empty"));
	free(data);
}

static int emit_hello(void *ctx, FILE *f, struct pgd_err *err)
{
	(void)err;
	return fputs(ctx, f) < 0 ? PGD_EIO : 0;
}

static mode_t mode_of(const char *path)
{
	struct stat st;

	assert_int_equal(stat(path, &st), 0);
	return st.st_mode;
}

/* Item 4 (outputs): modes kept, symlinks followed, devices written in place. */
static void test_write_output(void **state)
{
	char dir[] = "/tmp/pgd-out-XXXXXX", file[64], link[64], fresh[64];
	struct pgd_err err = { 0 };
	struct stat st;
	mode_t old;
	size_t len;
	char *s;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(file, sizeof(file), "%s/report", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	snprintf(fresh, sizeof(fresh), "%s/new", dir);
	/* An existing report keeps its mode. */
	assert_int_equal(pgd_write_output(file, emit_hello, "one\n", &err), 0);
	assert_int_equal(chmod(file, 0640), 0);
	assert_int_equal(pgd_write_output(file, emit_hello, "two\n", &err), 0);
	assert_int_equal(mode_of(file) & 07777, 0640);
	s = slurp(file, &len);
	assert_string_equal(s, "two\n");
	free(s);
	/* A new file follows the umask (0666 & ~umask), not mkstemp's 0600. */
	old = umask(027);
	assert_int_equal(pgd_write_output(fresh, emit_hello, "x", &err), 0);
	umask(old);
	assert_int_equal(mode_of(fresh) & 07777, 0640);
	/* A symlink stays a link; its target is replaced. */
	assert_int_equal(symlink("report", link), 0);
	assert_int_equal(pgd_write_output(link, emit_hello, "three\n", &err), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	s = slurp(file, &len);
	assert_string_equal(s, "three\n");
	free(s);
	/*
	 * A character device is written, never replaced: a private one where
	 * we may make it (root, as in CI), so a regression cannot take the
	 * system's /dev/null with it.
	 */
	{
		char dev[PATH_MAX];
		const char *target = "/dev/null";

		snprintf(dev, sizeof(dev), "%s/null", dir);
		if (geteuid() == 0 && mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == 0)
			target = dev;
		assert_int_equal(pgd_write_output(target, emit_hello, "x", &err), 0);
		assert_true(S_ISCHR(mode_of(target)));
		if (target == dev)
			unlink(dev);
	}
	/* A directory is refused, and a failed write leaves no temporary file. */
	assert_int_equal(pgd_write_output(dir, emit_hello, "x", &err), PGD_EIO);
	assert_non_null(strstr(err.msg, "directory"));
	unlink(file);
	unlink(link);
	unlink(fresh);
	assert_int_equal(rmdir(dir), 0);
}

/* Items 7/8: the sanitising rules. */
static void test_sanitize(void **state)
{
	static const char bad[] = "a\xff" "b\xed\xa0\x80" "c\xc0\xaf" "\xe2\x82\xac";
	char buf[256];
	struct pgd_err err = { 0 };
	size_t len;
	char *s;

	(void)state;
	pgd_escape_line(buf, sizeof(buf), "a\nb\x1b[2J\x07\xc2\x9b\xff\xc3\xa9");
	assert_string_equal(buf, "a\\nb\\x1b[2J\\x07\\xc2\\x9b\\xff\xc3\xa9");
	/* Every library message is one line, whatever a dependency passed in. */
	pgd_err_set(&err, PGD_EINPUT, "f", "libdwarf: %s", "DW_DLE_X\nsecond line\x1b]0;t\x07");
	assert_null(strchr(err.msg, '\n'));
	assert_null(strchr(err.msg, '\x1b'));
	assert_non_null(strstr(err.msg, "DW_DLE_X\\nsecond line"));
	/* JSON, SARIF and markdown: invalid UTF-8 (and surrogates, overlongs) become U+FFFD. */
	s = pgd_utf8_repair(bad, sizeof(bad) - 1, &len);
	assert_string_equal(s, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
			       "c\xef\xbf\xbd\xef\xbf\xbd" "\xe2\x82\xac");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bomb),
		cmocka_unit_test(test_deep_inlining),
		cmocka_unit_test(test_overflow),
		cmocka_unit_test(test_unsafe_names),
		cmocka_unit_test(test_fifo_and_stdin),
		cmocka_unit_test(test_open_mem),
		cmocka_unit_test(test_write_output),
		cmocka_unit_test(test_sanitize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
