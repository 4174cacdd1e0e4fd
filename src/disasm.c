// SPDX-License-Identifier: MIT
#include "disasm.h"

#include <capstone/capstone.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "pgodrift/pgodrift.h"

#define NREGS 64 /* tracked general registers, indexed by reg_slot() */

struct pgd_disasm {
	csh cs;
	uint16_t machine;
	cs_insn *insn;
	int capstone_only;            /* pgd_disasm_capstone_only: no pgd_insn_scan */
};

/* What the linear sweep knows about each general register. */
struct reg_state {
	int64_t disp[NREGS];          /* loaded from disp(base); -1 unknown */
	uint64_t page[NREGS];         /* arm64: adrp result */
	uint8_t has_page[NREGS];
	uint64_t unknown;             /* slots holding what they held before the scan began */
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

void pgd_disasm_capstone_only(struct pgd_disasm *d, int on)
{
	d->capstone_only = on;
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
			st->unknown &= ~(1ull << s);
		}
	}
}

/*
 * A load whose base is the stack or frame pointer reads the frame, never an
 * itab: the itab word is a pointer held in a general register. A method
 * value whose closure the compiler kept on the stack (cmd/compile/internal/
 * escape: a non-escaping OMETHVALUE gets a stack closure) is called as
 * `mov 0x2b0(%rsp),%r10; lea 0x2b0(%rsp),%rdx; call *%r10` (Go 1.26
 * cmd/internal/obj.linkpcln, funcpctab's valfunc = s.pctoinline), and the
 * frame offset must not pass for an itab slot. BP is Go's frame pointer on
 * amd64 (cmd/internal/obj/x86: REGFP is never allocated).
 */
static int x86_frame_or_fixed(x86_reg base)
{
	return base == X86_REG_RIP || base == X86_REG_INVALID || base == X86_REG_RSP ||
	       base == X86_REG_RBP;
}

/*
 * The register tracking's load: `mov disp(base), reg`, 8 bytes, base a
 * general register other than the frame's, no index. Returns reg's slot
 * and sets *disp; -1 for any other instruction.
 */
static int x86_tracked_load(struct pgd_disasm *d, const cs_insn *in, int64_t *disp)
{
	const cs_x86 *x = &in->detail->x86;
	const cs_x86_op *op = x->operands;

	if (in->id == X86_INS_MOV && x->op_count == 2 && op[0].type == X86_OP_REG &&
	    op[1].type == X86_OP_MEM && !x86_frame_or_fixed(op[1].mem.base) &&
	    op[1].mem.index == X86_REG_INVALID && op[1].size == 8) {
		*disp = op[1].mem.disp;
		return reg_slot(d->machine, op[0].reg);
	}
	return -1;
}

/*
 * A 64-bit register copy, `mov %src, %dst`: returns dst's slot and sets
 * *src; -1 for any other instruction. The copy carries the source's
 * tracked load: Go spills an interface's itab word and, reloading it,
 * may load the method into one register and move it to the one it calls
 * through (fmt.Fprint's w.Write, Go 1.26: `mov 0x18(%rax),%rax; ...;
 * mov %rax,%rdx; mov 0x58(%rsp),%rax; call *%rdx`).
 */
static int x86_reg_copy(struct pgd_disasm *d, const cs_insn *in, int *src)
{
	const cs_x86 *x = &in->detail->x86;
	const cs_x86_op *op = x->operands;

	if (in->id != X86_INS_MOV || x->op_count != 2 || op[0].type != X86_OP_REG || op[1].type != X86_OP_REG ||
	    op[0].size != 8 || op[1].size != 8)
		return -1;
	*src = reg_slot(d->machine, op[1].reg);
	return *src >= 0 ? reg_slot(d->machine, op[0].reg) : -1;
}

static void scan_x86(struct pgd_disasm *d, const cs_insn *in, struct reg_state *st,
		     struct pgd_insn_info *out)
{
	const cs_x86 *x = &in->detail->x86;
	const cs_x86_op *op = x->operands;
	int64_t disp;
	int ls;

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
			out->depends = s >= 0 && (st->unknown >> s & 1);
		} else if (op[0].type == X86_OP_MEM) {
			out->kind = PGD_INSN_CALL_INDIRECT;
			if (!x86_frame_or_fixed(op[0].mem.base) && op[0].mem.index == X86_REG_INVALID)
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
	{
		int src, dst = x86_reg_copy(d, in, &src);
		int64_t src_disp = dst >= 0 ? st->disp[src] : -1;
		uint64_t src_unknown = dst >= 0 ? st->unknown >> src & 1 : 0;

		clobber_written(d, in, st);
		if (dst >= 0) {
			st->disp[dst] = src_disp;
			st->unknown = (st->unknown & ~(1ull << dst)) | src_unknown << dst;
		}
	}
	if ((ls = x86_tracked_load(d, in, &disp)) >= 0)
		st->disp[ls] = disp;
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
		/* Frame loads (sp, fp x29) are never itab slots, as on amd64. */
		if (x->op_count == 2 && op[1].type == ARM64_OP_MEM && op[1].mem.base != ARM64_REG_INVALID &&
		    op[1].mem.base != ARM64_REG_SP && op[1].mem.base != ARM64_REG_X29 &&
		    op[1].mem.index == ARM64_REG_INVALID && !x->writeback)
			new_disp = op[1].mem.disp;
		break;
	default:
		break;
	}
	{
		/* `mov xd, xn` carries xn's tracked load, as x86_reg_copy's mov does */
		int copy = in->id == ARM64_INS_MOV && x->op_count == 2 && op[0].type == ARM64_OP_REG &&
			   op[1].type == ARM64_OP_REG && op[0].reg >= ARM64_REG_X0 && op[0].reg <= ARM64_REG_X28 &&
			   op[1].reg >= ARM64_REG_X0 && op[1].reg <= ARM64_REG_X28 && s0 >= 0 && s1 >= 0;
		int64_t src_disp = copy ? st->disp[s1] : -1;

		clobber_written(d, in, st);
		if (copy)
			st->disp[s0] = src_disp;
	}
	if (s0 >= 0 && new_page) {
		st->page[s0] = page;
		st->has_page[s0] = 1;
	}
	if (s0 >= 0 && new_disp >= 0)
		st->disp[s0] = new_disp;
}

static void scan_capstone(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
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

int pgd_disasm_may_report(uint16_t machine, const uint8_t *code, size_t len)
{
	if (machine != PGD_EM_X86_64)
		return 1;
	/* call rel32 (E8), call r/m (FF /2), lea (8D): scan_x86's only reports */
	for (size_t i = 0; i < len; i++) {
		if (code[i] == 0xE8 || code[i] == 0xFF || code[i] == 0x8D)
			return 1;
	}
	return 0;
}

/*
 * pgd_disasm_calls' report for the instruction at code[0, left): from the
 * scanner when it knows it, else capstone's. Returns the bytes to step
 * (capstone's one over what does not decode).
 */
static size_t calls_one(struct pgd_disasm *d, const uint8_t *code, size_t left, uint64_t pc,
			struct pgd_insn_info *info)
{
	struct pgd_scan_insn s;
	const cs_x86 *x;

	info->pc = pc;
	info->load_disp = -1;
	if (!d->capstone_only && pgd_insn_scan(d->machine, code, left, pc, &s)) {
		info->len = s.len;
		if (s.kind == PGD_SCAN_CALL || s.kind == PGD_SCAN_CALLI)
			info->kind = s.kind == PGD_SCAN_CALL ? PGD_INSN_CALL_DIRECT : PGD_INSN_CALL_INDIRECT;
		info->target = s.kind == PGD_SCAN_CALL ? s.ref : 0;
		return s.len;
	}
	if (!cs_disasm_iter(d->cs, &code, &left, &pc, d->insn))
		return 1;
	info->len = d->insn->size;
	if (d->insn->id != X86_INS_CALL || (x = &d->insn->detail->x86)->op_count != 1)
		return info->len;
	if (x->operands[0].type == X86_OP_IMM) {
		info->kind = PGD_INSN_CALL_DIRECT;
		info->target = (uint64_t)x->operands[0].imm;
	} else if (x->operands[0].type == X86_OP_REG || x->operands[0].type == X86_OP_MEM) {
		info->kind = PGD_INSN_CALL_INDIRECT;
	}
	return info->len;
}

void pgd_disasm_calls(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr, pgd_insn_fn fn,
		      void *ctx)
{
	if (d->machine != PGD_EM_X86_64) {
		pgd_disasm_scan(d, code, len, addr, fn, ctx);
		return;
	}
	/* scan_x86's calls, without the register tracking only load_disp needs */
	for (size_t off = 0; off < len;) {
		struct pgd_insn_info info = { 0 };

		off += calls_one(d, code + off, len - off, addr + off, &info);
		if (info.kind)
			fn(ctx, &info);
	}
}

/*
 * pgd_disasm_scan from addr up to the first instruction at or past stop,
 * with code holding the bytes up to the end a scan from further back
 * would decode. 1 (nothing more reported) when a report depends on what
 * the registers held before addr, or an instruction does not decode; 0
 * when the reports are exactly those the longer scan gives at these pcs.
 */
static int scan_part_capstone(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
			      uint64_t stop, pgd_insn_fn fn, void *ctx)
{
	struct reg_state st;
	const uint8_t *p = code;
	size_t left = len;
	uint64_t pc = addr;

	memset(&st, 0, sizeof(st));
	for (int i = 0; i < NREGS; i++)
		st.disp[i] = -1;
	st.unknown = ~0ull;
	while (left && pc < stop) {
		struct pgd_insn_info info = { 0 };

		if (!cs_disasm_iter(d->cs, &p, &left, &pc, d->insn))
			return 1;
		info.pc = d->insn->address;
		info.len = d->insn->size;
		info.load_disp = -1;
		scan_x86(d, d->insn, &st, &info);
		if (info.depends)
			return 1;
		if (info.kind)
			fn(ctx, &info);
	}
	return 0;
}

/*
 * Window scans, sparse (amd64). The reports need capstone only at calls
 * and leas, and a call through a register needs the register tracking's
 * state for that one register: the last instruction before the call that
 * writes it (scan_x86's clobber, then its tracked load) says everything
 * the linear sweep would hold. Boundaries come from pgd_insn_scan, and
 * from capstone where it does not know.
 */
struct sinsn {
	uint32_t off;
	uint8_t len;
	uint8_t kind;                 /* PGD_SCAN_*, or SCAN_ASK: capstone's call or lea, to be decoded again */
	uint64_t ref;
};

#define SCAN_ASK 4

struct slist {
	struct sinsn *v;
	size_t n, cap;
};

/* capstone's decode of list entry e into d->insn. */
static int s_decode(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr, const struct sinsn *e)
{
	const uint8_t *p = code + e->off;
	size_t left = len - e->off;
	uint64_t pc = addr + e->off;

	return cs_disasm_iter(d->cs, &p, &left, &pc, d->insn);
}

/*
 * The instructions of code[0, len) starting before stop. Returns 0; 1 when
 * one does not decode and part (pgd_disasm_scan_part gives up there; a
 * whole scan steps a byte, as capstone's sweep); -1 out of memory.
 */
static int slist_build(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr, uint64_t stop,
		       int part, struct slist *l)
{
	for (size_t off = 0; off < len && addr + off < stop;) {
		struct pgd_scan_insn s;
		const uint8_t *p = code + off;
		size_t left = len - off;
		uint64_t pc = addr + off;
		struct sinsn *e;

		{
			struct sinsn *q = pgd_mem_grow(l->v, l->n, &l->cap, sizeof(*q));

			if (!q)
				return -1;
			l->v = q;
		}
		e = &l->v[l->n];
		if (pgd_insn_scan(d->machine, p, left, pc, &s)) {
			e->len = (uint8_t)s.len;
			e->kind = (uint8_t)s.kind;
			e->ref = s.ref;
		} else if (cs_disasm_iter(d->cs, &p, &left, &pc, d->insn)) {
			e->len = (uint8_t)d->insn->size;
			e->kind = d->insn->id == X86_INS_CALL || d->insn->id == X86_INS_LEA ? SCAN_ASK : PGD_SCAN_OTHER;
			e->ref = 0;
		} else if (part) {
			return 1;
		} else {
			off++;
			continue;
		}
		e->off = (uint32_t)off;
		off += e->len;
		l->n++;
	}
	return 0;
}

/* Whether in writes slot s, as clobber_written sees it (nothing when capstone cannot say). */
static int x86_writes(struct pgd_disasm *d, const cs_insn *in, int s)
{
	cs_regs rd, wr;
	uint8_t nrd = 0, nwr = 0;

	if (cs_regs_access(d->cs, in, rd, &nrd, wr, &nwr) != CS_ERR_OK)
		return 0;
	for (int i = 0; i < nwr; i++) {
		if (reg_slot(d->machine, wr[i]) == s)
			return 1;
	}
	return 0;
}

/*
 * Each row as the linear sweep holds it before entry at[s] of the list:
 * a call through s resumes the walk back there, so each entry is decoded
 * at most once per register however many calls go through it (a walk back
 * to the start from every `call *%rax` of a window was quadratic).
 */
struct reg_memo {
	size_t at[NREGS];
	struct reg_state st;
};

static void reg_memo_init(struct reg_memo *m, int part)
{
	memset(m, 0, sizeof(*m));
	for (int i = 0; i < NREGS; i++)
		m->st.disp[i] = -1;
	m->st.unknown = part ? ~0ull : 0;
}

/*
 * Steps one walk back through register copies may take (hostile code can
 * chain copies without end); past them the caller takes capstone's path.
 */
#define COPY_WALK_STEPS 4096u

/*
 * Register s's row before entry k, as the linear sweep holds it (disp
 * from the last load of it or write to it, the unknown bit cleared by the
 * last write: capstone lists no written register for a load), walked back to entry stop, below which *below holds the
 * row (the memo). A copy into the register followed hands the walk to the
 * copy's source (scan_x86: a copy carries its source's row), whose row the
 * memo does not hold: from there the walk goes on to the list's start,
 * within COPY_WALK_STEPS, and a load seen before the copy keeps its disp.
 * 0, or -1 when that walk ran out of steps.
 */
static int reg_walk(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr, const struct slist *l,
		    size_t k, int s, size_t stop, const struct reg_state *below, int part, int64_t *disp,
		    uint64_t *unknown)
{
	unsigned steps = COPY_WALK_STEPS;
	int have = 0, followed = 0, t = s;

	*disp = -1;
	for (size_t i = k; i-- > (followed ? 0 : stop);) {
		int64_t dd;
		int src, w;

		if (followed && !steps--)
			return -1;
		if (!s_decode(d, code, len, addr, &l->v[i]))
			continue;
		if (x86_reg_copy(d, d->insn, &src) == t) {
			t = src;
			followed = 1;
			continue;
		}
		w = x86_writes(d, d->insn, t);
		if (!have && x86_tracked_load(d, d->insn, &dd) == t) {
			*disp = dd;
			have = 1;
		} else if (!have && w) {
			have = 1;
		}
		if (w) {
			*unknown = 0;
			return 0;
		}
	}
	if (followed) {
		*unknown = part ? 1 : 0;
	} else {
		*unknown = below->unknown >> s & 1;
		*disp = have ? *disp : below->disp[s];
	}
	return 0;
}

/* Register s's row before entry k into st, through the memo (each entry walked once per register). */
static int reg_before(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
		      const struct slist *l, size_t k, int s, int part, struct reg_memo *m, struct reg_state *st)
{
	int64_t disp;
	uint64_t unknown;

	if (reg_walk(d, code, len, addr, l, k, s, m->at[s], &m->st, part, &disp, &unknown))
		return -1;
	m->at[s] = k;
	m->st.disp[s] = disp;
	m->st.unknown = (m->st.unknown & ~(1ull << s)) | unknown << s;
	st->disp[s] = disp;
	st->unknown = (st->unknown & ~(1ull << s)) | unknown << s;
	return 0;
}

/* The slot of the register `call *%reg` calls through; -1 for any other instruction. */
static int x86_call_reg(struct pgd_disasm *d, const cs_insn *in)
{
	const cs_x86 *x = &in->detail->x86;

	if (in->id != X86_INS_CALL || x->op_count != 1 || x->operands[0].type != X86_OP_REG)
		return -1;
	return reg_slot(d->machine, x->operands[0].reg);
}

/*
 * The report of entry k (info: pc and len set); 1 when it depends on
 * registers before a partial scan, -1 when a walk through copies ran out
 * of steps (capstone's path answers instead).
 */
static int slist_report_one(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
			    const struct slist *l, size_t k, int part, struct reg_memo *m, struct pgd_insn_info *info)
{
	const struct sinsn *e = &l->v[k];
	struct reg_state st;
	int s;

	if (e->kind == PGD_SCAN_CALL || e->kind == PGD_SCAN_ADDR) {
		info->kind = e->kind == PGD_SCAN_CALL ? PGD_INSN_CALL_DIRECT : PGD_INSN_ADDR;
		info->target = e->ref;
		return 0;
	}
	if (!s_decode(d, code, len, addr, e))
		return 0;
	memset(&st, 0, sizeof(st));
	for (int i = 0; i < NREGS; i++)
		st.disp[i] = -1;
	st.unknown = part ? ~0ull : 0;
	if ((s = x86_call_reg(d, d->insn)) >= 0) {
		if (reg_before(d, code, len, addr, l, k, s, part, m, &st))
			return -1;
		if (!s_decode(d, code, len, addr, e))
			return 0;
	}
	scan_x86(d, d->insn, &st, info);
	return part && info->depends;
}

/* pgd_disasm_scan (part 0, stop past the end) or pgd_disasm_scan_part, sparse; -1: take capstone's path (out of memory). */
static int scan_sparse(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr, uint64_t stop,
		       int part, pgd_insn_fn fn, void *ctx)
{
	struct slist l = { 0 };
	struct reg_memo m;
	struct pgd_insn_info *out = NULL;
	size_t nout = 0, cap = 0;
	int ret = len > UINT32_MAX ? -1 : slist_build(d, code, len, addr, stop, part, &l);

	reg_memo_init(&m, part);

	/* reports are held until the whole sweep succeeds: a failed one hands over to capstone's */
	for (size_t k = 0; !ret && k < l.n; k++) {
		struct pgd_insn_info info = { 0 };

		if (l.v[k].kind == PGD_SCAN_OTHER)
			continue;
		info.pc = addr + l.v[k].off;
		info.len = l.v[k].len;
		info.load_disp = -1;
		ret = slist_report_one(d, code, len, addr, &l, k, part, &m, &info);
		if (!ret && info.kind) {
			struct pgd_insn_info *q = pgd_mem_grow(out, nout, &cap, sizeof(*out));

			if (!q)
				ret = -1;
			else
				(out = q)[nout++] = info;
		}
	}
	for (size_t i = 0; !ret && i < nout; i++)
		fn(ctx, &out[i]);
	free(out);
	free(l.v);
	return ret;
}

void pgd_disasm_scan(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
		     pgd_insn_fn fn, void *ctx)
{
	if (d->machine == PGD_EM_X86_64 && !d->capstone_only &&
	    scan_sparse(d, code, len, addr, UINT64_MAX, 0, fn, ctx) == 0)
		return;
	scan_capstone(d, code, len, addr, fn, ctx);
}

int pgd_disasm_scan_part(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr, uint64_t stop,
			 pgd_insn_fn fn, void *ctx)
{
	int ret;

	if (d->machine != PGD_EM_X86_64)
		return 1;     /* arm64: an add completes an adrp from anywhere before */
	ret = d->capstone_only ? -1 : scan_sparse(d, code, len, addr, stop, 1, fn, ctx);
	return ret >= 0 ? ret : scan_part_capstone(d, code, len, addr, stop, fn, ctx);
}

/* ---- guards by data flow ----------------------------------------------------- */

enum dop {
	OP_OTHER = 0,
	OP_CALL,                      /* direct call */
	OP_CALLI,                     /* indirect call: through reg a, or [b + disp] when mem */
	OP_JCC,                       /* conditional branch to target (flags: uses the flags) */
	OP_JMP,                       /* unconditional branch (target 0: indirect) */
	OP_RET,
	OP_CMP,                       /* compare a with b; one may be [base + disp] (mem 1: a, 2: b) */
	OP_ADDR,                      /* a = target (lea rip-relative, adrp+add, adr) */
	OP_MOV,                       /* a = b */
	OP_LOAD,                      /* a = [b + disp] */
	OP_STORE,                     /* [a + disp] = b */
};

struct dinsn {
	uint64_t pc;
	uint64_t target;
	int64_t disp;
	uint64_t wmask;               /* tracked registers written */
	uint8_t op;
	uint8_t wflags;               /* writes the condition flags (ZF/CF; arm64 NZCV) */
	uint8_t flags;                /* OP_JCC: tests the flags (not cbz/tbz) */
	uint8_t cond;                 /* OP_JCC: COND_EQ (je, b.eq), COND_NE (jne, b.ne), else 0 */
	uint8_t mem;                  /* OP_CMP / OP_CALLI: which operand is memory */
	int8_t a, b;                  /* register slots, -1 none */
	uint8_t page;                 /* arm64 adrp: sets register a's page to target (op stays OP_OTHER) */
	uint8_t len;                  /* bytes */
	uint8_t have;                 /* HAVE_*: how much of this entry is decoded */
};

/*
 * A sparse decode (pgd_disasm_index) lists every instruction with its pc
 * and length and, until capstone is asked, only what the scanner read:
 * target holds the branch target (0: not a branch). An arm64 add stays at
 * HAVE_REGS (wmask, page) until its source's adrp page is looked up.
 */
enum { HAVE_SCAN = 0, HAVE_REGS = 1, HAVE_ALL = 2 };

struct branch_ref {
	uint64_t target;
	size_t idx;
};

struct pgd_dcode {
	uint16_t machine;
	size_t n;
	struct dinsn *v;              /* by pc */
	size_t nbr;
	struct branch_ref *br;        /* branches by target */
	uint64_t addr;                /* the range decoded, for the lazy decodes of a sparse one */
	size_t len;
	int sparse;                   /* entries may be below HAVE_ALL */
	struct lazy *lz;              /* during pgd_dcode_guard: how to decode an entry the walk reads */
	size_t walked;                /* entries page_before stepped over, all walks */
};

/* What at() needs to decode an entry of a sparse decode on first read. */
struct lazy {
	struct pgd_disasm *d;
	struct pgd_dcode *c;
	const uint8_t *code;
	int bad;                      /* capstone disagreed with the scanner: decode all, walk again */
};

enum { COND_EQ = 1, COND_NE = 2 };

#define SLOT_SP_ARM64 31
#define TRACE_BLOCK 64                /* instructions walked back from a call to its guard */
#define TRACE_CMP 40                  /* from a branch back to the compare that set its flags */

static int sp_slot(uint16_t machine)
{
	return machine == PGD_EM_AARCH64 ? SLOT_SP_ARM64 : 7; /* x86_gpr row of rsp */
}

static int dslot(const struct pgd_disasm *d, unsigned reg)
{
	if (d->machine == PGD_EM_AARCH64 && reg == ARM64_REG_SP)
		return SLOT_SP_ARM64;
	return reg_slot(d->machine, reg);
}

static uint64_t written_mask(struct pgd_disasm *d, const cs_insn *in)
{
	cs_regs rd, wr;
	uint8_t nrd = 0, nwr = 0;
	uint64_t m = 0;

	if (cs_regs_access(d->cs, in, rd, &nrd, wr, &nwr) != CS_ERR_OK)
		return ~0ull; /* unknown: assume it clobbers everything */
	for (int i = 0; i < nwr; i++) {
		int s = dslot(d, wr[i]);

		if (s >= 0)
			m |= 1ull << s;
	}
	return m;
}

static void decode_x86(struct pgd_disasm *d, const cs_insn *in, struct dinsn *o)
{
	const cs_x86 *x = &in->detail->x86;
	const cs_x86_op *op = x->operands;
	const uint64_t zf = X86_EFLAGS_MODIFY_ZF | X86_EFLAGS_RESET_ZF | X86_EFLAGS_SET_ZF |
			    X86_EFLAGS_UNDEFINED_ZF | X86_EFLAGS_MODIFY_CF | X86_EFLAGS_RESET_CF |
			    X86_EFLAGS_SET_CF | X86_EFLAGS_UNDEFINED_CF;
#define SIMPLE_MEM(o_) ((o_).type == X86_OP_MEM && (o_).mem.base != X86_REG_RIP && \
			(o_).mem.base != X86_REG_INVALID && (o_).mem.index == X86_REG_INVALID)

	o->wflags = (x->eflags & zf) != 0;
	if (in->id == X86_INS_CALL && x->op_count == 1) {
		if (op[0].type == X86_OP_IMM) {
			o->op = OP_CALL;
			o->target = (uint64_t)op[0].imm;
		} else if (op[0].type == X86_OP_REG) {
			o->op = OP_CALLI;
			o->a = (int8_t)dslot(d, op[0].reg);
		} else if (SIMPLE_MEM(op[0])) {
			o->op = OP_CALLI;
			o->mem = 2;
			o->b = (int8_t)dslot(d, op[0].mem.base);
			o->disp = op[0].mem.disp;
		}
	} else if (in->id == X86_INS_JMP) {
		o->op = OP_JMP;
		if (x->op_count == 1 && op[0].type == X86_OP_IMM)
			o->target = (uint64_t)op[0].imm;
	} else if (cs_insn_group(d->cs, in, CS_GRP_JUMP)) {
		o->op = OP_JCC;
		o->flags = in->id != X86_INS_JRCXZ && in->id != X86_INS_JECXZ && in->id != X86_INS_JCXZ;
		o->cond = in->id == X86_INS_JE ? COND_EQ : in->id == X86_INS_JNE ? COND_NE : 0;
		if (x->op_count == 1 && op[0].type == X86_OP_IMM)
			o->target = (uint64_t)op[0].imm;
	} else if (in->id == X86_INS_RET || in->id == X86_INS_UD2 || in->id == X86_INS_INT3) {
		o->op = OP_RET;
	} else if (in->id == X86_INS_LEA && x->op_count == 2 && op[1].type == X86_OP_MEM &&
		   op[1].mem.base == X86_REG_RIP && op[1].mem.index == X86_REG_INVALID) {
		o->op = OP_ADDR;
		o->a = (int8_t)dslot(d, op[0].reg);
		o->target = in->address + in->size + (uint64_t)op[1].mem.disp;
	} else if (in->id == X86_INS_MOV && x->op_count == 2 && op[0].size == 8) {
		if (op[0].type == X86_OP_REG && op[1].type == X86_OP_REG) {
			o->op = OP_MOV;
			o->a = (int8_t)dslot(d, op[0].reg);
			o->b = (int8_t)dslot(d, op[1].reg);
		} else if (op[0].type == X86_OP_REG && SIMPLE_MEM(op[1])) {
			o->op = OP_LOAD;
			o->a = (int8_t)dslot(d, op[0].reg);
			o->b = (int8_t)dslot(d, op[1].mem.base);
			o->disp = op[1].mem.disp;
		} else if (SIMPLE_MEM(op[0]) && op[1].type == X86_OP_REG) {
			o->op = OP_STORE;
			o->a = (int8_t)dslot(d, op[0].mem.base);
			o->b = (int8_t)dslot(d, op[1].reg);
			o->disp = op[0].mem.disp;
		}
	} else if (in->id == X86_INS_CMP && x->op_count == 2 && op[0].size == 8) {
		o->op = OP_CMP;
		for (int i = 0; i < 2; i++) {
			int8_t *r = i ? &o->b : &o->a;

			if (op[i].type == X86_OP_REG) {
				*r = (int8_t)dslot(d, op[i].reg);
			} else if (SIMPLE_MEM(op[i])) {
				*r = (int8_t)dslot(d, op[i].mem.base);
				o->mem = (uint8_t)(i + 1);
				o->disp = op[i].mem.disp;
			} else {
				o->op = OP_OTHER; /* against an immediate: not a guard */
			}
		}
	}
#undef SIMPLE_MEM
}

static void decode_arm64(struct pgd_disasm *d, const cs_insn *in, struct reg_state *st, struct dinsn *o)
{
	const cs_arm64 *x = &in->detail->arm64;
	const cs_arm64_op *op = x->operands;
	int s0 = x->op_count > 0 && op[0].type == ARM64_OP_REG ? dslot(d, op[0].reg) : -1;
	int s1 = x->op_count > 1 && op[1].type == ARM64_OP_REG ? dslot(d, op[1].reg) : -1;
	int simple_mem = x->op_count == 2 && op[1].type == ARM64_OP_MEM &&
			 op[1].mem.base != ARM64_REG_INVALID && op[1].mem.index == ARM64_REG_INVALID &&
			 !x->writeback && op[0].type == ARM64_OP_REG && op[0].reg >= ARM64_REG_X0 &&
			 op[0].reg <= ARM64_REG_X28;

	o->wflags = x->update_flags;
	switch (in->id) {
	case ARM64_INS_BL:
		o->op = OP_CALL;
		if (x->op_count == 1 && op[0].type == ARM64_OP_IMM)
			o->target = (uint64_t)op[0].imm;
		break;
	case ARM64_INS_BLR:
		o->op = OP_CALLI;
		o->a = (int8_t)s0;
		break;
	case ARM64_INS_B:
		o->op = x->cc == ARM64_CC_INVALID || x->cc == ARM64_CC_AL ? OP_JMP : OP_JCC;
		o->flags = o->op == OP_JCC;
		o->cond = x->cc == ARM64_CC_EQ ? COND_EQ : x->cc == ARM64_CC_NE ? COND_NE : 0;
		if (x->op_count >= 1 && op[x->op_count - 1].type == ARM64_OP_IMM)
			o->target = (uint64_t)op[x->op_count - 1].imm;
		break;
	case ARM64_INS_CBZ:
	case ARM64_INS_CBNZ:
	case ARM64_INS_TBZ:
	case ARM64_INS_TBNZ:
		o->op = OP_JCC;
		if (x->op_count >= 1 && op[x->op_count - 1].type == ARM64_OP_IMM)
			o->target = (uint64_t)op[x->op_count - 1].imm;
		break;
	case ARM64_INS_BR:
		o->op = OP_JMP;
		break;
	case ARM64_INS_RET:
	case ARM64_INS_BRK:
		o->op = OP_RET;
		break;
	case ARM64_INS_ADR:
		if (x->op_count == 2 && op[1].type == ARM64_OP_IMM) {
			o->op = OP_ADDR;
			o->a = (int8_t)s0;
			o->target = (uint64_t)op[1].imm;
		}
		break;
	case ARM64_INS_ADD:
		if (x->op_count == 3 && s1 >= 0 && st->has_page[s1] && op[2].type == ARM64_OP_IMM &&
		    op[2].shift.type == ARM64_SFT_INVALID) {
			o->op = OP_ADDR;
			o->a = (int8_t)s0;
			o->target = st->page[s1] + (uint64_t)op[2].imm;
		}
		break;
	case ARM64_INS_MOV:
		if (x->op_count == 2 && s0 >= 0 && s1 >= 0) {
			o->op = OP_MOV;
			o->a = (int8_t)s0;
			o->b = (int8_t)s1;
		}
		break;
	case ARM64_INS_LDR:
	case ARM64_INS_LDUR:
		if (simple_mem) {
			o->op = OP_LOAD;
			o->a = (int8_t)s0;
			o->b = (int8_t)dslot(d, op[1].mem.base);
			o->disp = op[1].mem.disp;
		}
		break;
	case ARM64_INS_STR:
	case ARM64_INS_STUR:
		if (simple_mem) {
			o->op = OP_STORE;
			o->a = (int8_t)dslot(d, op[1].mem.base);
			o->b = (int8_t)s0;
			o->disp = op[1].mem.disp;
		}
		break;
	case ARM64_INS_CMP:
		if (x->op_count == 2 && s0 >= 0 && s1 >= 0 && op[0].reg >= ARM64_REG_X0 &&
		    op[0].reg <= ARM64_REG_X28) {
			o->op = OP_CMP;
			o->a = (int8_t)s0;
			o->b = (int8_t)s1;
		}
		break;
	default:
		break;
	}
	/* adrp pages, for the add that completes the address */
	for (int i = 0; i < NREGS; i++) {
		if (o->wmask & (1ull << i))
			st->has_page[i] = 0;
	}
	if (in->id == ARM64_INS_ADRP && s0 >= 0 && x->op_count == 2 && op[1].type == ARM64_OP_IMM) {
		st->page[s0] = (uint64_t)op[1].imm;
		st->has_page[s0] = 1;
		o->page = 1;
		o->a = (int8_t)s0;
		o->target = (uint64_t)op[1].imm;
	}
}

static int branch_cmp(const void *a, const void *b)
{
	const struct branch_ref *x = a, *y = b;

	if (x->target != y->target)
		return x->target < y->target ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void pgd_dcode_free(struct pgd_dcode *c)
{
	if (!c)
		return;
	free(c->v);
	free(c->br);
	free(c);
}

/* A cleared entry at the end of c->v, NULL when out of memory. */
static struct dinsn *dc_push(struct pgd_dcode *c, size_t *cap)
{
	struct dinsn *nv = pgd_mem_grow(c->v, c->n, cap, sizeof(*nv)), *o;

	if (!nv)
		return NULL;
	c->v = nv;
	o = &c->v[c->n++];
	memset(o, 0, sizeof(*o));
	o->a = o->b = -1;
	return o;
}

/*
 * o from capstone's d->insn. st: the adrp pages before it (arm64); NULL
 * when unknown, and then an arm64 add, whose meaning depends on them, is
 * left at HAVE_REGS (every other decode_arm64 result ignores them).
 */
static void dc_set(struct pgd_disasm *d, struct reg_state *st, struct dinsn *o)
{
	struct reg_state none;

	memset(o, 0, sizeof(*o));
	o->a = o->b = -1;
	o->pc = d->insn->address;
	o->len = (uint8_t)d->insn->size;
	o->wmask = written_mask(d, d->insn);
	o->have = HAVE_ALL;
	if (d->machine != PGD_EM_AARCH64) {
		decode_x86(d, d->insn, o);
		return;
	}
	if (!st && d->insn->id == ARM64_INS_ADD) {
		o->have = HAVE_REGS;
		return;
	}
	if (!st) {
		memset(&none, 0, sizeof(none));
		st = &none;
	}
	decode_arm64(d, d->insn, st, o);
}

/* A branch with a target, the kind the br index lists; below HAVE_ALL the scanner's word (target 0: not one). */
static int dc_is_branch(const struct dinsn *o)
{
	if (o->have != HAVE_ALL)
		return o->target != 0;
	return (o->op == OP_JCC || o->op == OP_JMP) && o->target;
}

static int build_br(struct pgd_dcode *c)
{
	free(c->br);
	c->nbr = 0;
	for (size_t i = 0; i < c->n; i++)
		c->nbr += (size_t)dc_is_branch(&c->v[i]);
	c->br = calloc(c->nbr ? c->nbr : 1, sizeof(*c->br));
	if (!c->br)
		return PGD_ENOMEM;
	c->nbr = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (dc_is_branch(&c->v[i])) {
			c->br[c->nbr].target = c->v[i].target;
			c->br[c->nbr++].idx = i;
		}
	}
	qsort(c->br, c->nbr, sizeof(*c->br), branch_cmp);
	return 0;
}

/* Every instruction of c's range decoded with capstone, in order (undecodable bytes skipped). */
static int decode_all(struct pgd_disasm *d, struct pgd_dcode *c, const uint8_t *code)
{
	struct reg_state st;
	const uint8_t *p = code;
	size_t left = c->len, cap = 0, skip = d->machine == PGD_EM_AARCH64 ? 4 : 1;
	uint64_t pc = c->addr;

	free(c->v);
	c->v = NULL;
	c->n = 0;
	memset(&st, 0, sizeof(st));
	while (left) {
		struct dinsn *o;

		if (!cs_disasm_iter(d->cs, &p, &left, &pc, d->insn)) {
			size_t n = left < skip ? left : skip;

			p += n;
			left -= n;
			pc += n;
			continue;
		}
		if (!(o = dc_push(c, &cap)))
			return PGD_ENOMEM;
		dc_set(d, &st, o);
	}
	if (build_br(c))
		return PGD_ENOMEM;
	c->sparse = 0;
	return 0;
}

static struct pgd_dcode *dc_new(struct pgd_disasm *d, size_t len, uint64_t addr)
{
	struct pgd_dcode *c = calloc(1, sizeof(*c));

	if (c) {
		c->machine = d->machine;
		c->addr = addr;
		c->len = len;
	}
	return c;
}

int pgd_disasm_decode(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
		      struct pgd_dcode **out)
{
	struct pgd_dcode *c = dc_new(d, len, addr);

	*out = NULL;
	if (!c)
		return PGD_ENOMEM;
	if (decode_all(d, c, code)) {
		pgd_dcode_free(c);
		return PGD_ENOMEM;
	}
	*out = c;
	return 0;
}

/*
 * The instruction at code[off]: from the scanner when it knows it (to be
 * decoded later, if ever), else from capstone now. Returns the bytes to
 * step (capstone's skip over what does not decode), 0 when out of memory.
 */
static size_t index_one(struct pgd_disasm *d, struct pgd_dcode *c, const uint8_t *code, size_t off,
			size_t *cap)
{
	struct pgd_scan_insn s;
	const uint8_t *p = code + off;
	size_t left = c->len - off, skip = d->machine == PGD_EM_AARCH64 ? 4 : 1;
	uint64_t pc = c->addr + off;
	struct dinsn *o;

	if (!d->capstone_only && pgd_insn_scan(d->machine, p, left, pc, &s)) {
		if (!(o = dc_push(c, cap)))
			return 0;
		o->pc = pc;
		o->len = (uint8_t)s.len;
		o->target = s.target;
		return s.len;
	}
	if (!cs_disasm_iter(d->cs, &p, &left, &pc, d->insn))
		return c->len - off < skip ? c->len - off : skip;
	if (!(o = dc_push(c, cap)))
		return 0;
	dc_set(d, NULL, o);
	return o->len;
}

int pgd_disasm_index(struct pgd_disasm *d, const uint8_t *code, size_t len, uint64_t addr,
		     struct pgd_dcode **out)
{
	struct pgd_dcode *c = dc_new(d, len, addr);
	size_t off = 0, cap = 0;

	*out = NULL;
	if (!c)
		return PGD_ENOMEM;
	c->sparse = 1;
	while (off < len) {
		size_t n = index_one(d, c, code, off, &cap);

		if (!n)
			goto oom;
		off += n;
	}
	if (build_br(c))
		goto oom;
	*out = c;
	return 0;
oom:
	pgd_dcode_free(c);
	return PGD_ENOMEM;
}

static int dc_need(struct pgd_disasm *d, struct pgd_dcode *c, const uint8_t *code, size_t i, int want);

/*
 * Steps all page_before walks of one range may take before the full decode
 * is the cheaper answer: a source is written a few instructions before its
 * add in Go's code (the arm64 fixtures' 387 guard walks step 2,180 entries
 * in all, at most 425 at once), but adds whose source nothing writes
 * (hostile code) would make each walk run back to the range's start.
 */
#define PAGE_WALK_SLACK 4096u

/*
 * The adrp page register s1 holds before v[i], as decode_all's running
 * state has it: set by the last adrp into s1, cleared by any other write.
 * Returns 1 when capstone disagrees with the scanner on the way back, or
 * when the walks have stepped over more than the range's entries and
 * PAGE_WALK_SLACK (then decode_all, linear, answers instead).
 */
static int page_before(struct pgd_disasm *d, struct pgd_dcode *c, const uint8_t *code, size_t i, int s1,
		       struct reg_state *st)
{
	/* adrp's Rd 31 is xzr, never sp (Arm ARM C6.2.11): the sp slot holds no page */
	if (s1 < 0 || s1 == SLOT_SP_ARM64)
		return 0;
	for (size_t j = i; j-- > 0;) {
		if (++c->walked > c->n + PAGE_WALK_SLACK || dc_need(d, c, code, j, HAVE_REGS))
			return 1;
		if (c->v[j].page && c->v[j].a == s1) {
			st->has_page[s1] = 1;
			st->page[s1] = c->v[j].target;
			return 0;
		}
		if (c->v[j].wmask & (1ull << s1))
			return 0;
	}
	return 0;
}

/* The source register of an arm64 add, whose adrp page decode_arm64 reads; -1 none. */
static int add_source(struct pgd_disasm *d)
{
	const cs_arm64 *x = &d->insn->detail->arm64;

	if (d->machine != PGD_EM_AARCH64 || d->insn->id != ARM64_INS_ADD || x->op_count < 2 ||
	    x->operands[1].type != ARM64_OP_REG)
		return -1;
	return dslot(d, x->operands[1].reg);
}

/* capstone's decode of v[i] into d->insn; 0 when it disagrees with the scanner's length. */
static int dc_capstone(struct pgd_disasm *d, const struct pgd_dcode *c, const uint8_t *code, size_t i)
{
	uint64_t off = c->v[i].pc - c->addr, pc = c->v[i].pc;
	const uint8_t *p = code + off;
	size_t left = c->len - off;

	return cs_disasm_iter(d->cs, &p, &left, &pc, d->insn) && d->insn->size == c->v[i].len;
}

/*
 * Decodes v[i] up to want (HAVE_REGS, HAVE_ALL). Returns 1 when capstone
 * disagrees with the scanner (length, or branch target), 0 otherwise.
 */
static int dc_need(struct pgd_disasm *d, struct pgd_dcode *c, const uint8_t *code, size_t i, int want)
{
	struct dinsn *o = &c->v[i];
	uint64_t target = o->target;
	int scanned = o->have == HAVE_SCAN, s1;
	struct reg_state st;

	if (o->have >= want)
		return 0;
	if (!dc_capstone(d, c, code, i))
		return 1;
	if (want == HAVE_ALL && (s1 = add_source(d)) >= 0) {
		memset(&st, 0, sizeof(st));
		if (page_before(d, c, code, i, s1, &st) || !dc_capstone(d, c, code, i))
			return 1;
		dc_set(d, &st, o);
	} else {
		dc_set(d, NULL, o);
	}
	return scanned && (dc_is_branch(o) ? o->target : 0) != target;
}

/*
 * v[k] as the full decode has it: the guard walk reads entries through
 * this, so a sparse decode runs capstone on exactly the instructions the
 * walk reads (and, for an arm64 add, back to its source's last write).
 */
static const struct dinsn *at(const struct pgd_dcode *c, size_t k)
{
	struct lazy *lz = c->lz;

	if (c->v[k].have != HAVE_ALL && lz && !lz->bad)
		lz->bad = dc_need(lz->d, lz->c, lz->code, k, HAVE_ALL);
	return &c->v[k];
}

/* A value's home while walking backwards: a register, or a stack slot [sp + disp]. */
struct loc {
	int reg;
	int mem;
	int64_t disp;
};

/*
 * One instruction back: where the value of *l was before in. 0 unchanged
 * or moved, -1 when in computes it some other way.
 */
static int back_step(const struct dinsn *in, struct loc *l, int sp)
{
	if (l->mem) {
		if (in->op == OP_STORE && in->a == sp && in->disp == l->disp && in->b >= 0) {
			l->mem = 0;
			l->reg = in->b;
		}
		return 0;
	}
	if (in->op == OP_CALL || in->op == OP_CALLI)
		return -1; /* Go's ABIInternal: a call clobbers every register */
	if (!(in->wmask & (1ull << l->reg)))
		return 0;
	if (in->op == OP_MOV && in->a == l->reg && in->b >= 0) {
		l->reg = in->b;
		return 0;
	}
	if (in->op == OP_LOAD && in->a == l->reg && in->b == sp) {
		l->mem = 1;
		l->reg = sp;
		l->disp = in->disp;
		return 0;
	}
	return -1;
}

static int loc_is(const struct dinsn *in, int which, const struct loc *l)
{
	int r = which ? in->b : in->a;
	int mem = in->mem == which + 1;

	if (r < 0 || mem != l->mem || r != l->reg)
		return 0;
	return !mem || in->disp == l->disp;
}

/* The address held by register reg just before v[j], when formed by lea/adrp+add. */
static int formed_addr(const struct pgd_dcode *c, size_t j, int reg, uint64_t *addr, uint64_t *pc)
{
	for (size_t k = j, steps = 0; k-- > 0 && steps < TRACE_CMP; steps++) {
		const struct dinsn *in = at(c, k);

		if (in->op == OP_RET)
			return 0;
		if (!(in->wmask & (1ull << reg)))
			continue;
		if (in->op == OP_ADDR && in->a == reg) {
			*addr = in->target;
			*pc = in->pc;
			return 1;
		}
		if (in->op == OP_MOV && in->a == reg && in->b >= 0) {
			reg = in->b;
			continue;
		}
		return 0;
	}
	return 0;
}

/* The branch at v[bi] tests flags a compare of l with a formed address set. */
static int branch_guard(const struct pgd_dcode *c, size_t bi, struct loc l, int sp, uint64_t *addr,
			uint64_t *pc)
{
	if (at(c, bi)->op == OP_JCC && !at(c, bi)->flags)
		return 0;
	for (size_t k = bi, steps = 0; k-- > 0 && steps < TRACE_CMP; steps++) {
		const struct dinsn *in = at(c, k);

		if (in->op == OP_RET)
			return 0;
		if (in->wflags) {
			int other;

			if (in->op != OP_CMP)
				return 0;
			if (loc_is(in, 0, &l) && in->mem != 2)
				other = in->b;
			else if (loc_is(in, 1, &l) && in->mem != 1)
				other = in->a;
			else
				return 0;
			return other >= 0 && formed_addr(c, k, other, addr, pc);
		}
		if (back_step(in, &l, sp))
			return 0;
	}
	return 0;
}

static size_t insn_at(const struct pgd_dcode *c, uint64_t pc)
{
	size_t lo = 0, hi = c->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->v[mid].pc < pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Branches to pc: tries each as the guard of l. */
static int guard_into(const struct pgd_dcode *c, uint64_t pc, const struct loc *l, int sp,
		      uint64_t *addr, uint64_t *apc)
{
	size_t lo = 0, hi = c->nbr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (c->br[mid].target < pc)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->nbr && c->br[lo].target == pc; lo++) {
		if (at(c, c->br[lo].idx)->cond == COND_EQ)
			continue; /* taken when the types match: not the fallback */
		if (branch_guard(c, c->br[lo].idx, *l, sp, addr, apc))
			return 1;
	}
	return 0;
}

static int call_guard(const struct pgd_dcode *c, uint64_t call_pc, uint64_t *addr, uint64_t *addr_pc)
{
	size_t ci = insn_at(c, call_pc);
	const struct dinsn *call;
	struct loc l = { 0 };
	int sp;

	if (ci >= c->n || c->v[ci].pc != call_pc || at(c, ci)->op != OP_CALLI)
		return 0;
	call = at(c, ci);
	sp = sp_slot(c->machine);
	if (call->mem == 2) {
		l.reg = call->b;      /* call *disp(itab) */
	} else {
		l.reg = call->a;
	}
	if (l.reg < 0 || l.reg == sp)
		return 0;
	/*
	 * The fallback runs when the compare says "not this type": reached by
	 * a branch taken on inequality, or falling through one taken on
	 * equality. A call reached only when the types match (falling
	 * through a jne, or jumped to by a je) sits behind a type assertion
	 * that panics otherwise: parseForStmt's `as.Rhs[0].(*ast.UnaryExpr)`
	 * at go/parser/parser.go:2420 dominates `as.Rhs[0].Pos()` at 2427,
	 * an itab call in Go 1.26 gofmt built without that rewrite; not a guard.
	 *
	 * Walk back through the call's block. The target was loaded from the
	 * itab word (interface call) or the closure (func value): from then on
	 * follow that word, the value a guard compares.
	 */
	for (size_t k = ci, steps = 0; k > 0 && steps < TRACE_BLOCK; steps++) {
		const struct dinsn *in = at(c, --k);

		if (guard_into(c, c->v[k + 1].pc, &l, sp, addr, addr_pc))
			return 1;
		if (in->op == OP_JCC && in->cond != COND_NE && branch_guard(c, k, l, sp, addr, addr_pc))
			return 1;
		if (in->op == OP_JMP || in->op == OP_RET)
			return 0;
		if (!l.mem && (in->wmask & (1ull << l.reg)) && in->op == OP_LOAD && in->a == l.reg &&
		    in->b != sp && in->b >= 0) {
			l.reg = in->b; /* mov 0x18(itab), target */
			continue;
		}
		if (back_step(in, &l, sp))
			return 0;
	}
	return 0;
}

int pgd_dcode_call_guard(const struct pgd_dcode *c, uint64_t call_pc, uint64_t *addr, uint64_t *addr_pc)
{
	/* a sparse decode's entries are read through pgd_dcode_guard's lazy decodes only */
	return c->sparse ? -1 : call_guard(c, call_pc, addr, addr_pc);
}

int pgd_dcode_guard(struct pgd_disasm *d, struct pgd_dcode *c, const uint8_t *code, uint64_t call_pc,
		    uint64_t *addr, uint64_t *addr_pc)
{
	struct lazy lz = { d, c, code, 0 };
	int found;

	if (!c->sparse)
		return call_guard(c, call_pc, addr, addr_pc);
	c->lz = &lz;
	found = call_guard(c, call_pc, addr, addr_pc);
	c->lz = NULL;
	if (!lz.bad)
		return found;
	if (decode_all(d, c, code))
		return PGD_ENOMEM;
	return call_guard(c, call_pc, addr, addr_pc);
}

int pgd_dcode_sparse(const struct pgd_dcode *c)
{
	return c->sparse;
}
