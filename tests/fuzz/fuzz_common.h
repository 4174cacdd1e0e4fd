/* SPDX-License-Identifier: MIT */
#ifndef PGD_FUZZ_COMMON_H
#define PGD_FUZZ_COMMON_H

/*
 * Shared by the harnesses: the input goes into a memfd so the library reads
 * it through its ordinary path-based entry points (/proc/self/fd/N is a
 * regular file), and every report is written in every format to /dev/null.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "pgodrift/pgodrift.h"

/* Small enough that a bomb or a huge count fails fast instead of swapping. */
#define FUZZ_MAX_FILE (64u << 20)
#define FUZZ_MAX_DECODED (32u << 20)
#define FUZZ_MAX_ELEMENTS 1000000u

/* Writes data to a new memfd; fills path ("/proc/self/fd/N"); returns the fd or -1. */
int fuzz_memfd(const uint8_t *data, size_t size, char *path, size_t pathlen);
void fuzz_limits(struct pgd_limits *l);
/* Every writer, the ones this build does not know included (they fail as usage errors). */
void fuzz_write_all(const struct pgd_report *r);
/* The repository root, for fixtures the binary harness pairs with its input. */
const char *fuzz_root(void);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
