// SPDX-License-Identifier: MIT
#include "disasm.h"

#include <capstone/capstone.h>
#include <stdlib.h>
#include <string.h>

#include "pgodrift/pgodrift.h"

#define NREGS 64 /* tracked general registers, indexed by reg_slot() */

struct pgd_disasm {
	csh cs;
	uint16_t machine;
	cs_insn *insn;
};

/* What the linear sweep knows about each general register. */
struct reg_state {
	int64_t disp[NREGS];          /* loaded from disp(base); -1 unknown */
	uint64_t page[NREGS];         /* arm64: adrp result */
	uint8_t has_page[NREGS];
};

/* x86 general registers by width; a write to any alias clobbers the row. */
static const x86_reg x86_gpr[16][5] = {
	{ X86_REG_RAX, X86_REG_EAX, X86_REG_AX, X86_REG_AL, X86_REG_AH },
	{ X86_REG_RBX, X86_REG_EBX, X86_REG_BX, X86_REG_BL, X86_REG_BH },
	{ X86_REG_RCX, X86_REG_ECX, X86_REG_CX, X86_REG_CL, X86_REG_CH },
	{ X86_REG_RDX, X86_REG_EDX, X86_REG_DX, X86_REG_DL, X86_REG_DH },
	{ X86_REG_RSI, X86_REG_ESI, X86_REG_SI, X86_REG_SIL, 0 },
	{ X86_REG_RDI, X86_REG_EDI, X86_REG_DI, X86_REG_DIL, 0 },
	{ X86_REG_RBP, X86_REG_EBP, X86_REG_BP, X86_REG_BPL, 0 },
	{ X86_REG_RSP, X86_REG_ESP, X86_REG_SP, X86_REG_SPL, 0 },
	{ X86_REG_R8, X86_REG_R8D, X86_REG_R8W, X86_REG_R8B, 0 },
	{ X86_REG_R9, X86_REG_R9D, X86_REG_R9W, X86_REG_R9B, 0 },
	{ X86_REG_R10, X86_REG_R10D, X86_REG_R10W, X86_REG_R10B, 0 },
	{ X86_REG_R11, X86_REG_R11D, X86_REG_R11W, X86_REG_R11B, 0 },
	{ X86_REG_R12, X86_REG_R12D, X86_REG_R12W, X86_REG_R12B, 0 },
	{ X86_REG_R13, X86_REG_R13D, X86_REG_R13W, X86_REG_R13B, 0 },
	{ X86_REG_R14, X86_REG_R14D, X86_REG_R14W, X86_REG_R14B, 0 },
	{ X86_REG_R15, X86_REG_R15D, X86_REG_R15W, X86_REG_R15B, 0 },
};

/* Index of the register's full-width row, or -1 for registers not tracked. */
static int reg_slot(uint16_t machine, unsigned reg)
{
	if (machine == PGD_EM_AARCH64) {
		if (reg >= ARM64_REG_X0 && reg <= ARM64_REG_X28)
			return (int)(reg - ARM64_REG_X0);
		if (reg >= ARM64_REG_W0 && reg <= ARM64_REG_W28)
			return (int)(reg - ARM64_REG_W0);
		if (reg == ARM64_REG_X29 || reg == ARM64_REG_W29)
			return 29;
		if (reg == ARM64_REG_X30 || reg == ARM64_REG_W30)
			return 30;
		return -1;
	}
	for (int i = 0; i < 16; i++) {
		for (int j = 0; j < 5; j++) {
			if (x86_gpr[i][j] && (unsigned)x86_gpr[i][j] == reg)
				return i;
		}
	}
	return -1;
}

int pgd_disasm_open(uint16_t machine, struct pgd_disasm **out)
{
	struct pgd_disasm *d;
	cs_arch arch;
	cs_mode mode;

	*out = NULL;
	if (machine == PGD_EM_X86_64) {
		arch = CS_ARCH_X86;
		mode = CS_MODE_64;
	} else if (machine == PGD_EM_AARCH64) {
		arch = CS_ARCH_ARM64;
		mode = CS_MODE_ARM;
	} else {
		return PGD_EINPUT;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return PGD_ENOMEM;
	d->machine = machine;
	if (cs_open(arch, mode, &d->cs) != CS_ERR_OK) {
		free(d);
		return PGD_ENOMEM;
	}
	cs_option(d->cs, CS_OPT_DETAIL, CS_OPT_ON);
	d->insn = cs_malloc(d->cs);
	if (!d->insn) {
		cs_close(&d->cs);
		free(d);
		return PGD_ENOMEM;
	}
	*out = d;
	return 0;
}

void pgd_disasm_close(struct pgd_disasm *d)
{
	if (!d)
		return;
	cs_free(d->insn, 1);
	cs_close(&d->cs);
	free(d);
}

static void clobber_written(struct pgd_disasm *d, const cs_insn *in, struct reg_state *st)
{
	cs_regs rd, wr;
	uint8_t nrd = 0, nwr = 0;

	if (cs_regs_access(d->cs, in, rd, &nrd, wr, &nwr) != CS_ERR_OK)
		return;
	for (int i = 0; i < nwr; i++) {
		int s = reg_slot(d->machine, wr[i]);

		if (s >= 0) {
			st->disp[s] = -1;
			st->has_page[s] = 0;
		}
	}
}

static void scan_x86(struct pgd_disasm *d, const cs_insn *in, struct reg_state *st,
		     struct pgd_insn_info *out)
{
	const cs_x86 *x = &in->detail->x86;
	const cs_x86_op *op = x->operands;

	switch (in->id) {
	case X86_INS_CALL:
		if (x->op_count != 1)
			break;
		if (op[0].type == X86_OP_IMM) {
			out->kind = PGD_INSN_CALL_DIRECT;
			out->target = (uint64_t)op[0].imm;
		} else if (op[0].type == X86_OP_REG) {
			int s = reg_slot(d->machine, op[0].reg);

			out->kind = PGD_INSN_CALL_INDIRECT;
			out->load_disp = s >= 0 ? st->disp[s] : -1;
		} else if (op[0].type == X86_OP_MEM) {
			out->kind = PGD_INSN_CALL_INDIRECT;
			if (op[0].mem.base != X86_REG_RIP && op[0].mem.base != X86_REG_INVALID &&
			    op[0].mem.index == X86_REG_INVALID)
				out->load_disp = op[0].mem.disp;
		}
		break;
	case X86_INS_LEA:
		if (x->op_count == 2 && op[1].type == X86_OP_MEM && op[1].mem.base == X86_REG_RIP &&
		    op[1].mem.index == X86_REG_INVALID) {
			out->kind = PGD_INSN_ADDR;
			out->target = in->address + in->size + (uint64_t)op[1].mem.disp;
		}
		break;
	default:
		break;
	}
	clobber_written(d, in, st);
	if (in->id == X86_INS_MOV && x->op_count == 2 && op[0].type == X86_OP_REG &&
	    op[1].type == X86_OP_MEM && op[1].mem.base != X86_REG_RIP &&
	    op[1].mem.base != X86_REG_INVALID && op[1].mem.index == X86_REG_INVALID &&
	    op[1].size == 8) {
		int s = reg_slot(d->machine, op[0].reg);

		if (s >= 0)
			st->disp[s] = op[1].mem.disp;
	}
}

static void scan_arm64(struct pgd_disasm *d, const cs_insn *in, struct reg_state *st,
		       struct pgd_insn_info *out)
{
	const cs_arm64 *x = &in->detail->arm64;
	const cs_arm64_op *op = x->operands;
	int s0 = x->op_count > 0 && op[0].type == ARM64_OP_REG ? reg_slot(d->machine, op[0].reg) : -1;
	int s1 = x->op_count > 1 && op[1].type == ARM64_OP_REG ? reg_slot(d->machine, op[1].reg) : -1;
	uint64_t page = 0;
	int new_page = 0;
	int64_t new_disp = -1;

	switch (in->id) {
	case ARM64_INS_BL:
		if (x->op_count == 1 && op[0].type == ARM64_OP_IMM) {
			out->kind = PGD_INSN_CALL_DIRECT;
			out->target = (uint64_t)op[0].imm;
		}
		break;
	case ARM64_INS_BLR:
		out->kind = PGD_INSN_CALL_INDIRECT;
		out->load_disp = s0 >= 0 ? st->disp[s0] : -1;
		break;
	case ARM64_INS_ADRP:
		if (x->op_count == 2 && op[1].type == ARM64_OP_IMM) {
			page = (uint64_t)op[1].imm;
			new_page = 1;
		}
		break;
	case ARM64_INS_ADR:
		if (x->op_count == 2 && op[1].type == ARM64_OP_IMM) {
			out->kind = PGD_INSN_ADDR;
			out->target = (uint64_t)op[1].imm;
		}
		break;
	case ARM64_INS_ADD:
		if (x->op_count == 3 && s1 >= 0 && st->has_page[s1] && op[2].type == ARM64_OP_IMM &&
		    op[2].shift.type == ARM64_SFT_INVALID) {
			out->kind = PGD_INSN_ADDR;
			out->target = st->page[s1] + (uint64_t)op[2].imm;
		}
		break;
	case ARM64_INS_LDR:
		if (x->op_count == 2 && op[1].type == ARM64_OP_MEM && op[1].mem.base != ARM64_REG_INVALID &&
		    op[1].mem.index == ARM64_REG_INVALID && !x->writeback)
			new_disp = op[1].mem.disp;
		break;
	default:
		break;
	}
	clobber_written(d, in, st);
	if (s0 >= 0 && new_page) {
		st->page[s0] = page;
		st->has_page[s0] = 1;
	}
	if (s0 >= 0 && new_disp >= 0)
		st->disp[s0] = new_disp;
}

void pgd_disasm_scan(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
		     pgd_insn_fn fn, void *ctx)
{
	struct reg_state st;
	const uint8_t *p = code;
	size_t left = len;
	uint64_t pc = addr;
	/* Fixed-width arm64 resyncs on 4 bytes; x86 one byte at a time. */
	size_t skip = d->machine == PGD_EM_AARCH64 ? 4 : 1;

	memset(&st, 0, sizeof(st));
	for (int i = 0; i < NREGS; i++)
		st.disp[i] = -1;
	while (left) {
		struct pgd_insn_info info = { 0 };

		if (!cs_disasm_iter(d->cs, &p, &left, &pc, d->insn)) {
			size_t n = left < skip ? left : skip;

			p += n;
			left -= n;
			pc += n;
			continue;
		}
		info.pc = d->insn->address;
		info.len = d->insn->size;
		info.load_disp = -1;
		if (d->machine == PGD_EM_AARCH64)
			scan_arm64(d, d->insn, &st, &info);
		else
			scan_x86(d, d->insn, &st, &info);
		if (info.kind)
			fn(ctx, &info);
	}
}
