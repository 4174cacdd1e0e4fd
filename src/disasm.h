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
};

struct pgd_disasm;

/* machine: PGD_EM_X86_64 or PGD_EM_AARCH64. Returns 0, PGD_EINPUT (other machines) or PGD_ENOMEM. */
int pgd_disasm_open(uint16_t machine, struct pgd_disasm **out);
void pgd_disasm_close(struct pgd_disasm *d);

typedef void (*pgd_insn_fn)(void *ctx, const struct pgd_insn_info *insn);
/*
 * Decodes code (loaded at addr) linearly and reports calls and formed
 * addresses in pc order. Register tracking does not follow branches:
 * Go emits the load right before the call. Undecodable bytes are skipped.
 */
void pgd_disasm_scan(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
		     pgd_insn_fn fn, void *ctx);

#endif
