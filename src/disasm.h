/* SPDX-License-Identifier: MIT */
#ifndef PGD_DISASM_H
#define PGD_DISASM_H

/*
 * Decoding just enough machine code (capstone 4) to see what a source line
 * compiled to: calls, and addresses formed in registers (lea / adrp+add),
 * which is how a PGO guard names the itab or function it compares against.
 */

#include <stddef.h>
#include <stdint.h>

#include "elf.h"

enum pgd_insn_kind {
	PGD_INSN_CALL_DIRECT = 1,
	PGD_INSN_CALL_INDIRECT = 2,
	PGD_INSN_ADDR = 3,            /* an absolute address formed: lea rip-relative, adrp+add, adr */
};

struct pgd_insn_info {
	uint64_t pc;                  /* the instruction (for adrp+add: the add) */
	uint32_t len;
	enum pgd_insn_kind kind;
	uint64_t target;              /* direct call target or formed address */
	/*
	 * Indirect calls: displacement of the load the target came from,
	 * `mov 0x18(%rax),%rdx; call *%rdx`, `call *0x18(%rax)`,
	 * `ldr x1, [x0, #24]; blr x1`; -1 when unknown.
	 */
	int64_t load_disp;
	int depends;                  /* load_disp came from before the scan's start (pgd_disasm_scan_part) */
};

struct pgd_disasm;

/* machine: PGD_EM_X86_64 or PGD_EM_AARCH64. Returns 0, PGD_EINPUT (other machines) or PGD_ENOMEM. */
int pgd_disasm_open(uint16_t machine, struct pgd_disasm **out);
void pgd_disasm_close(struct pgd_disasm *d);
/*
 * on: decode everything with capstone, as before pgd_insn_scan (the
 * reports and guards are the same; tests compare the two).
 */
void pgd_disasm_capstone_only(struct pgd_disasm *d, int on);

typedef void (*pgd_insn_fn)(void *ctx, const struct pgd_insn_info *insn);
/*
 * Decodes code (loaded at addr) linearly and reports calls and formed
 * addresses in pc order. Register tracking does not follow branches:
 * Go emits the load right before the call. Undecodable bytes are skipped.
 */
void pgd_disasm_scan(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
		     pgd_insn_fn fn, void *ctx);

/*
 * pgd_disasm_scan's calls only (direct with their target, indirect), for
 * a sweep over whole functions: amd64 skips the register tracking, so
 * load_disp is -1; arm64 is pgd_disasm_scan.
 */
void pgd_disasm_calls(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr, pgd_insn_fn fn,
		      void *ctx);

/*
 * pgd_disasm_scan of [addr, stop) only, code holding the bytes up to the
 * end of a scan that starts further back (an instruction near stop decodes
 * as it would there). Register tracking starts there instead: returns 1,
 * with some reports possibly made, when a report depends on the registers
 * before addr (amd64: a call through a register not written since; arm64:
 * always, without scanning) or an instruction does not decode, so the
 * caller scans from further back instead; 0 when the reports are exactly
 * the longer scan's at those pcs (addr must be an instruction boundary of
 * it: line-table rows are).
 */
int pgd_disasm_scan_part(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr, uint64_t stop,
			 pgd_insn_fn fn, void *ctx);

/*
 * 0 when no instruction that pgd_disasm_scan reports can start in
 * code[0, len): on amd64 a call has an E8 or FF opcode byte and a lea an
 * 8D one, within the 15 bytes an instruction may span, so when none of
 * those bytes is in code[0, len + 14) (the caller passes what it has of
 * them) the decoding can be skipped. 1 otherwise, and always on arm64.
 */
int pgd_disasm_may_report(uint16_t machine, const uint8_t *code, size_t len);

/* What pgd_disasm_scan reports for an instruction, as pgd_insn_scan reads it. */
enum pgd_scan_kind {
	PGD_SCAN_OTHER = 0,
	PGD_SCAN_CALL = 1,            /* amd64 call rel32: ref is the target */
	PGD_SCAN_CALLI = 2,           /* amd64 call r/m (FF /2) */
	PGD_SCAN_ADDR = 3,            /* amd64 lea rip-relative: ref is the address */
};

struct pgd_scan_insn {
	uint32_t len;
	uint64_t target;
	enum pgd_scan_kind kind;
	uint64_t ref;
};
/*
 * One instruction's length and, for a direct jmp/jcc (amd64) or b, b.cond,
 * cbz/cbnz, tbz/tbnz (arm64), its target (0 otherwise: calls, indirect
 * branches, everything else), read from the encoding alone (insnscan.c);
 * kind and ref say what pgd_disasm_scan reports for it (amd64; arm64
 * always PGD_SCAN_OTHER, nothing claimed). Reads nothing past left.
 * Returns 1 when capstone 4 is known to decode code[0, left) at pc to an
 * instruction of that length, and the guard decode (pgd_disasm_decode) to
 * a branch with that target exactly when target is not 0; 0 when the
 * scanner does not know for certain: ask capstone.
 */
int pgd_insn_scan(uint16_t machine, const uint8_t *code, size_t left, uint64_t pc, struct pgd_scan_insn *out);

/*
 * Guards by data flow. A PGO devirtualization (cmd/compile/internal/
 * devirtualize/pgo.go rewriteCondCall) compiles to
 *     if tmp, ok := x.(Concrete); ok { tmp.M() } else { x.M() }
 * i.e. a compare of the interface's itab word (or of a func value) with
 * the address of go:itab.Concrete,Iface (or of the function's closure
 * symbol), a conditional branch, and in the fallback block the indirect
 * call whose target is loaded from that same itab word. The compiler may
 * give the lea/cmp the line of a neighbouring statement (in Go 1.26's
 * crypto/sha256.Sum256 the itab compare for h.Sum at line 60 carries line
 * 58), so guards are tied to calls by following the values, not lines.
 */
struct pgd_dcode;

/* Decodes code (loaded at addr) once, for any number of guard questions. */
int pgd_disasm_decode(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
		      struct pgd_dcode **out);
/*
 * The same, sparse: instruction boundaries and branches from
 * pgd_insn_scan (capstone only where the scanner does not know), the
 * detail only where pgd_dcode_guard's walk reads. Guard questions give
 * pgd_disasm_decode's answers.
 */
int pgd_disasm_index(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
		     struct pgd_dcode **out);
void pgd_dcode_free(struct pgd_dcode *c);
/*
 * The guard of the indirect call at call_pc (a full decode only; for any,
 * pgd_dcode_guard): the address (itab or
 * function symbol) its target's source was compared with on a path into
 * the call's block, and the pc of the instruction that formed it. Returns
 * 1 when found, 0 when not (no guard, or the flow is not one this reads),
 * -1 on a sparse decode (pgd_disasm_index: ask pgd_dcode_guard).
 */
int pgd_dcode_call_guard(const struct pgd_dcode *c, uint64_t call_pc, uint64_t *addr, uint64_t *addr_pc);
/*
 * pgd_dcode_call_guard on a full or sparse decode, with code the range's
 * bytes again (the caller's buffer may have moved): capstone decodes each
 * entry the walk reads when it first reads it. Where capstone disagrees
 * with the scanner, the whole range is decoded instead and the walk run
 * again, so the answer is always pgd_disasm_decode's. 1 found, 0 not,
 * PGD_ENOMEM.
 */
int pgd_dcode_guard(struct pgd_disasm *d, struct pgd_dcode *c, const uint8_t *code, uint64_t call_pc,
		    uint64_t *addr, uint64_t *addr_pc);
/* 1 while c is sparse: 0 once a disagreement made pgd_dcode_guard decode it in full. */
int pgd_dcode_sparse(const struct pgd_dcode *c);

#endif
