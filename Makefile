# pgodrift: build, test, demo, bench, install.
#
#   make demo         the main job on the bundled example (installs packages)
#   make check        build and run every test (installs packages)
#   make check-asan   the same suite under ASan + UBSan
#   make bench        speed and memory against go tool preprofile
#   make bench-gen    the generated 20/60/150 MB services for bench's scaling rows (slow, once)
#   make install PREFIX=/usr/local
#
# Include paths come from pkg-config when it knows libdwarf and cJSON, else
# Debian 12's locations (a fresh machine may lack pkg-config before
# contrib/install-deps.sh has run). Every flag variable is appended to, so a
# packager's CPPFLAGS, CFLAGS, LDFLAGS and LDLIBS are kept.

PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
LIBDIR    ?= $(PREFIX)/lib
INCDIR    ?= $(PREFIX)/include
MANDIR    ?= $(PREFIX)/share/man
PKGCFGDIR ?= $(LIBDIR)/pkgconfig
DATADIR   ?= $(PREFIX)/share
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions

CC        ?= cc
BUILD     ?= build
SANITIZE  ?=
OPT       ?= -O2 -g

VERSION   := $(shell sed -n 's/^#define PGD_VERSION "\(.*\)"/\1/p' include/pgodrift/pgodrift.h)

WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers
PKG_CONFIG ?= pkg-config
DEP_CFLAGS := $(shell $(PKG_CONFIG) --cflags libdwarf 2>/dev/null || echo -I/usr/include/libdwarf) \
              $(shell $(PKG_CONFIG) --cflags libcjson 2>/dev/null || echo -I/usr/include/cjson)
CPPFLAGS  += -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Isrc -I$(BUILD)/gen $(DEP_CFLAGS)
CFLAGS    += -std=c11 $(OPT) $(WARN) -fPIC -fvisibility=hidden -pthread $(SANITIZE)
LDFLAGS   += -pthread $(SANITIZE)
LDLIBS    += -ldwarf -lelf -lcapstone -lprotobuf-c -lcjson -lz -lm

LIB_SRCS  := $(sort $(wildcard src/*.c))
CLI_SRCS  := $(sort $(wildcard src/cli/*.c))
GEN_SRCS  := $(BUILD)/gen/profile.pb-c.c
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/gen/profile.pb-c.o
CLI_OBJS  := $(CLI_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

LIBA      := $(BUILD)/libpgodrift.a
LIBSO     := $(BUILD)/libpgodrift.so
CLI       := $(BUILD)/pgodrift

# Committed fixture binaries are xz archives; tests read them unpacked here.
FIXTURE_XZ    := $(sort $(wildcard testdata/bin/*.tar.xz testdata/field/*.tar.xz))
FIXTURE_STAMP := $(BUILD)/testdata/bin/.unpacked

.PHONY: all deps demo check check-asan test test-asan unit cli-tests bench bench-gen install uninstall clean fixtures
.DELETE_ON_ERROR:
# Keep intermediate objects: no "rm" lines after the test summary, faster reruns.
.SECONDARY:

all: $(CLI) $(LIBA) $(LIBSO)

deps:
	@sh contrib/install-deps.sh

# One run makes both files (a grouped target), so `make -j` never runs protoc-c twice.
$(BUILD)/gen/profile.pb-c.c $(BUILD)/gen/profile.pb-c.h &: proto/profile.proto
	@mkdir -p $(BUILD)/gen
	@# The package gains pgd. so the generated symbols are pgd__perftools__profiles__*.
	sed 's/^package perftools\.profiles;/package pgd.perftools.profiles;/' proto/profile.proto >$(BUILD)/gen/profile.proto
	protoc-c --proto_path=$(BUILD)/gen --c_out=$(BUILD)/gen $(BUILD)/gen/profile.proto

$(BUILD)/gen/profile.pb-c.o: $(BUILD)/gen/profile.pb-c.c
	$(CC) $(CPPFLAGS) -std=c11 $(OPT) -fPIC -fvisibility=hidden $(SANITIZE) -w -c -o $@ $<

# Every object may include the generated header.
$(BUILD)/src/%.o: src/%.c $(BUILD)/gen/profile.pb-c.h
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIBA): $(LIB_OBJS)
	@rm -f $@
	ar rcs $@ $^

# The version script lists the exported pgd_* names under one version node,
# so a later release can add nodes without breaking binaries linked today.
$(LIBSO): $(LIB_OBJS) libpgodrift.map
	$(CC) -shared -Wl,-soname,libpgodrift.so.0 -Wl,--version-script=libpgodrift.map \
		$(LDFLAGS) -o $@ $(LIB_OBJS) $(LDLIBS)

$(CLI): $(CLI_OBJS) $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJS) $(LIBA) $(LDLIBS)

$(BUILD)/tests/test_%: $(BUILD)/tests/unit/test_%.o $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBA) $(LDLIBS) -lcmocka

$(FIXTURE_STAMP): $(FIXTURE_XZ) contrib/make-zdebug-fixture.sh
	@mkdir -p $(@D)
	@for a in $(FIXTURE_XZ); do echo "unpacking $$a"; xz -dc $$a | tar -x -C $(@D) || exit 1; done
	sh contrib/make-zdebug-fixture.sh $(@D)/cachesvc.nopgo $(@D)/cachesvc.zdebug
	@touch $@

fixtures: $(FIXTURE_STAMP)

unit: $(UNIT_BINS) fixtures

# The suite: unit tests (cmocka) then CLI tests against golden files.
# tests/run.sh prints one closing "N passed, N failed, N skipped" line.
test: all unit
	@BUILD=$(BUILD) sh tests/run.sh

# `make check` is the one command CI runs: the suite, then the same suite
# under AddressSanitizer and UndefinedBehaviorSanitizer.
check: deps
	@$(MAKE) --no-print-directory test
	@$(MAKE) --no-print-directory test-asan

check-asan: deps
	@$(MAKE) --no-print-directory test-asan

test-asan:
	@$(MAKE) --no-print-directory BUILD=build-asan OPT="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=address,undefined -fno-sanitize-recover=all" test

demo: deps
	@$(MAKE) --no-print-directory all fixtures
	@echo '$$ pgodrift check --binary $(BUILD)/testdata/bin/cachesvc.pgo --base testdata/profiles/base.pprof --fresh testdata/profiles/fresh-even.pprof --format text'
	@$(CLI) check --binary $(BUILD)/testdata/bin/cachesvc.pgo \
		--base testdata/profiles/base.pprof \
		--fresh testdata/profiles/fresh-even.pprof --format text; \
	status=$$?; echo "(exit status $$status: 0 clean, 1 findings, 2 bad input, 3 inconclusive)"; [ $$status -le 1 ]

$(BUILD)/bench-stats: $(BUILD)/tests/bench/stats.o $(LIBA)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBA) $(LDLIBS)

bench: deps
	@$(MAKE) --no-print-directory all fixtures $(BUILD)/bench-stats
	@BUILD=$(BUILD) sh contrib/bench.sh $(CLI)

# Go toolchain needed; ~40 minutes on 2 cores; see contrib/gen-big-program.sh.
bench-gen:
	@BUILD=$(BUILD) sh contrib/gen-big-program.sh

install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR)/pgodrift \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(PKGCFGDIR)
	install -m 755 $(CLI) $(DESTDIR)$(BINDIR)/pgodrift
	install -m 644 $(LIBA) $(DESTDIR)$(LIBDIR)/libpgodrift.a
	install -m 755 $(LIBSO) $(DESTDIR)$(LIBDIR)/libpgodrift.so.0
	ln -sf libpgodrift.so.0 $(DESTDIR)$(LIBDIR)/libpgodrift.so
	install -m 644 include/pgodrift/*.h $(DESTDIR)$(INCDIR)/pgodrift/
	install -m 644 man/pgodrift.1 $(DESTDIR)$(MANDIR)/man1/pgodrift.1
	sed -e 's|@PREFIX@|$(PREFIX)|; s|@LIBDIR@|$(LIBDIR)|; s|@INCDIR@|$(INCDIR)|; s|@VERSION@|$(VERSION)|' \
		contrib/pgodrift.pc.in > $(DESTDIR)$(PKGCFGDIR)/pgodrift.pc
	@# Shell completion generated from the option tables; the CI recipes' scripts.
	install -d $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(DATADIR)/pgodrift/ci
	$(CLI) completion bash > $(DESTDIR)$(BASHCOMPDIR)/pgodrift
	$(CLI) completion zsh > $(DESTDIR)$(ZSHCOMPDIR)/_pgodrift
	install -m 644 contrib/ci/*.sh $(DESTDIR)$(DATADIR)/pgodrift/ci/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/pgodrift $(DESTDIR)$(LIBDIR)/libpgodrift.a \
		$(DESTDIR)$(LIBDIR)/libpgodrift.so $(DESTDIR)$(LIBDIR)/libpgodrift.so.0 \
		$(DESTDIR)$(MANDIR)/man1/pgodrift.1 $(DESTDIR)$(PKGCFGDIR)/pgodrift.pc
	rm -rf $(DESTDIR)$(INCDIR)/pgodrift $(DESTDIR)$(DATADIR)/pgodrift
	rm -f $(DESTDIR)$(BASHCOMPDIR)/pgodrift $(DESTDIR)$(ZSHCOMPDIR)/_pgodrift

clean:
	rm -rf build build-asan

-include $(LIB_OBJS:.o=.d) $(CLI_OBJS:.o=.d) $(UNIT_BINS:$(BUILD)/tests/%=$(BUILD)/tests/unit/%.d)
# The fuzz harnesses and the bench helper depend on the headers too.
-include $(wildcard $(BUILD)/tests/fuzz/*.d $(BUILD)/tests/bench/*.d)

# ---- fuzzing (tests/fuzz, issue #13) ----------------------------------------
#
# Each harness body (tests/fuzz/fuzz_*.c) links two ways: with libFuzzer
# (`make fuzz`, clang) and with tests/fuzz/replay.c, a small driver that
# replays files, so `make check` runs the seed corpus and the regression
# inputs with the default compiler, plain and under ASan/UBSan
# (tests/cli/test_fuzz_smoke.sh).
FUZZ_TARGETS  := profile binary
FUZZ_REPLAY   := $(FUZZ_TARGETS:%=$(BUILD)/fuzz/replay_%)
FUZZ_SECONDS  ?= 180
FUZZ_BUILD    ?= build-fuzz
.PHONY: fuzz fuzz-bins

$(BUILD)/fuzz/replay_%: $(BUILD)/tests/fuzz/replay.o $(BUILD)/tests/fuzz/fuzz_%.o \
		$(BUILD)/tests/fuzz/fuzz_common.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/fuzz/fuzz_%: $(BUILD)/tests/fuzz/fuzz_%.o $(BUILD)/tests/fuzz/fuzz_common.o $(LIBA)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer -o $@ $^ $(LDLIBS)

unit: $(FUZZ_REPLAY)

fuzz-bins: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/fuzz_%) fixtures

# Needs clang with libFuzzer (Debian: clang, libclang-rt-14-dev). Runs each
# harness FUZZ_SECONDS from the fixtures; new crashes land in $(FUZZ_BUILD)/.
fuzz:
	@sh contrib/install-deps.sh --fuzz
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang OPT="-O1 -g -fno-omit-frame-pointer" \
		SANITIZE="-fsanitize=address,undefined -fsanitize=fuzzer-no-link -fno-sanitize-recover=all" \
		fuzz-bins
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# The real-program precision harness (issue 10): gofmt, cmd/link, cmd/compile
# built with and without PGO, judged against cmd/compile's -d=pgodebug=3 log.
# Needs a Go toolchain (GO=...) and tens of CPU-minutes on first run; results
# are cached under FIELD_DIR. Not part of `make check`.
.PHONY: field
field: $(CLI)
	PGODRIFT=$(abspath $(CLI)) bash contrib/field-check.sh
