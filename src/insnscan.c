// SPDX-License-Identifier: MIT
/*
 * Instruction lengths and direct branch targets without capstone
 * (pgd_insn_scan, disasm.h). Capstone spends thousands of host
 * instructions per machine instruction (its printer included); the guard
 * search needs full detail only near the call it asks about, but the
 * boundaries and the branches of the whole range. This reads them from the
 * encodings and answers "unknown" for anything it does not know capstone
 * 4 decodes the same way: the caller then asks capstone about that one
 * instruction. tests/unit/test_insnscan.c holds it to capstone over every
 * function of every fixture.
 */
#include "disasm.h"

#include <string.h>

/* ---- x86-64 (Intel SDM vol. 2, ch. 2 and appendix A) ---- */

/* Formats of the one-byte opcode map, SDM vol. 2D table A-2. */
enum {
	X_ = 0,                       /* unknown: ask capstone */
	N_,                           /* opcode only */
	M_,                           /* ModRM */
	MB,                           /* ModRM, imm8 */
	MZ,                           /* ModRM, imm16/32 (operand size) */
	B_,                           /* imm8 */
	Z_,                           /* imm16/32 */
	V_,                           /* imm16/32/64 (mov r, imm: REX.W takes 8) */
	W_,                           /* imm16 (ret imm16) */
	E_,                           /* imm16, imm8 (enter) */
	O_,                           /* moffs64 (A0-A3, 64-bit address size) */
	J8,                           /* rel8 branch */
	J4,                           /* rel32 branch (jmp E9, jcc 0F 80-8F) */
	C4,                           /* call rel32 */
	G_,                           /* group: the ModRM reg field decides (x86_group) */
	S_,                           /* 0F escape */
};

static const uint8_t x86_map1[256] = {
	/*        0   1   2   3   4   5   6   7   8   9   A   B   C   D   E   F */
	/* 0 */  M_, M_, M_, M_, B_, Z_, X_, X_, M_, M_, M_, M_, B_, Z_, X_, S_,
	/* 1 */  M_, M_, M_, M_, B_, Z_, X_, X_, M_, M_, M_, M_, B_, Z_, X_, X_,
	/* 2 */  M_, M_, M_, M_, B_, Z_, X_, X_, M_, M_, M_, M_, B_, Z_, X_, X_,
	/* 3 */  M_, M_, M_, M_, B_, Z_, X_, X_, M_, M_, M_, M_, B_, Z_, X_, X_,
	/* 4 */  X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, /* REX */
	/* 5 */  N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, N_,
	/* 6 */  X_, X_, X_, G_, X_, X_, X_, X_, Z_, MZ, B_, MB, N_, N_, N_, N_,
	/* 7 */  J8, J8, J8, J8, J8, J8, J8, J8, J8, J8, J8, J8, J8, J8, J8, J8,
	/* 8 */  MB, MZ, X_, MB, M_, M_, M_, M_, M_, M_, M_, M_, X_, G_, X_, G_,
	/* 9 */  N_, N_, N_, N_, N_, N_, N_, N_, N_, N_, X_, X_, N_, N_, X_, X_,
	/* A */  O_, O_, O_, O_, N_, N_, N_, N_, B_, Z_, N_, N_, N_, N_, N_, N_,
	/* B */  B_, B_, B_, B_, B_, B_, B_, B_, V_, V_, V_, V_, V_, V_, V_, V_,
	/* C */  G_, G_, W_, N_, X_, X_, G_, G_, E_, N_, X_, X_, N_, B_, X_, X_,
	/* D */  G_, G_, G_, G_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_, X_,
	/* E */  X_, X_, X_, X_, B_, B_, B_, B_, C4, J4, X_, J8, N_, N_, N_, N_,
	/* F */  X_, X_, X_, X_, N_, N_, G_, G_, N_, N_, N_, N_, N_, N_, G_, G_,
};

/* Mandatory prefixes an 0F-map opcode is defined with (SDM table A-3's columns). */
enum { P0 = 1, P66 = 2, PF3 = 4, PF2 = 8, PALL = 15, MEM = 16, REG = 32 };

struct op2 {
	uint8_t fmt;                  /* N_, M_, MB, J4, G_ or X_ */
	uint8_t pfx;                  /* P*: the prefixes it is defined with; MEM/REG: mod restriction */
};

#define R4(f, p) { f, p }, { f, p }, { f, p }, { f, p }
#define R8(f, p) R4(f, p), R4(f, p)
#define XX { X_, 0 }

/* The two-byte map (0F xx), SDM vol. 2D table A-3, the rows Go's compiler emits. */
static const struct op2 x86_map2[256] = {
	/* 00 */ XX, XX, XX, XX, XX, { N_, P0 }, XX, XX, XX, XX, XX, { N_, P0 }, XX, XX, XX, XX,
	/* 10 */ { M_, PALL }, { M_, PALL }, { M_, P0 | P66 | MEM }, { M_, P0 | P66 | MEM },
		 { M_, P0 | P66 }, { M_, P0 | P66 }, { M_, P0 | P66 | MEM }, { M_, P0 | P66 | MEM },
		 { G_, P0 | MEM }, XX, XX, XX, XX, XX, XX, { G_, P0 | P66 },
	/* 20 */ XX, XX, XX, XX, XX, XX, XX, XX,
		 { M_, P0 | P66 }, { M_, P0 | P66 }, { M_, PF3 | PF2 }, { M_, P0 | P66 | MEM },
		 { M_, PF3 | PF2 }, { M_, PF3 | PF2 }, { M_, P0 | P66 }, { M_, P0 | P66 },
	/* 30 */ XX, { N_, P0 }, XX, XX, XX, XX, XX, XX, { S_, 0 }, XX, { S_, 0 }, XX, XX, XX, XX, XX,
	/* 40 */ R8(M_, P0 | P66), R8(M_, P0 | P66),
	/* 50 */ { M_, P0 | P66 | REG }, { M_, PALL }, { M_, P0 | PF3 }, { M_, P0 | PF3 },
		 R4(M_, P0 | P66), { M_, PALL }, { M_, PALL }, { M_, PALL }, { M_, P0 | P66 | PF3 },
		 R4(M_, PALL),
	/* 60 */ R8(M_, P0 | P66), R4(M_, P0 | P66), { M_, P66 }, { M_, P66 }, { M_, P0 | P66 },
		 { M_, P0 | P66 | PF3 },
	/* 70 */ { MB, PALL }, { G_, P0 | P66 | REG }, { G_, P0 | P66 | REG }, { G_, P0 | P66 | REG },
		 { M_, P0 | P66 }, { M_, P0 | P66 }, { M_, P0 | P66 }, { N_, P0 },
		 XX, XX, XX, XX, { M_, P66 | PF2 }, { M_, P66 | PF2 }, { M_, P0 | P66 | PF3 },
		 { M_, P0 | P66 | PF3 },
	/* 80 */ R8(J4, P0), R8(J4, P0),
	/* 90 */ R8(G_, P0), R8(G_, P0),
	/* A0 */ { N_, P0 }, { N_, P0 }, { N_, P0 }, { M_, P0 | P66 }, { MB, P0 | P66 }, { M_, P0 | P66 },
		 XX, XX, { N_, P0 }, { N_, P0 }, XX, { M_, P0 | P66 }, { MB, P0 | P66 }, { M_, P0 | P66 },
		 XX, { M_, P0 | P66 },
	/* B0 */ { M_, P0 | P66 }, { M_, P0 | P66 }, XX, { M_, P0 | P66 }, XX, XX, { M_, P0 | P66 },
		 { M_, P0 | P66 }, { M_, PF3 }, XX, { G_, P0 | P66 }, { M_, P0 | P66 },
		 { M_, P0 | P66 | PF3 }, { M_, P0 | P66 | PF3 }, { M_, P0 | P66 }, { M_, P0 | P66 },
	/* C0 */ { M_, P0 | P66 }, { M_, P0 | P66 }, { MB, PALL }, { M_, P0 | MEM },
		 { MB, P0 | P66 }, { MB, P0 | P66 | REG }, { MB, P0 | P66 }, XX, R8(N_, P0),
	/* D0 */ { M_, P66 | PF2 }, R4(M_, P0 | P66), { M_, P0 | P66 }, { M_, P66 },
		 { M_, P0 | P66 | REG }, R8(M_, P0 | P66),
	/* E0 */ R4(M_, P0 | P66), { M_, P0 | P66 }, { M_, P0 | P66 }, { M_, P66 | PF3 | PF2 },
		 { M_, P0 | P66 | MEM }, R8(M_, P0 | P66),
	/* F0 */ { M_, PF2 | MEM }, R4(M_, P0 | P66), { M_, P0 | P66 }, { M_, P0 | P66 },
		 { M_, P0 | P66 | REG }, R4(M_, P0 | P66), { M_, P0 | P66 }, { M_, P0 | P66 },
		 { M_, P0 | P66 }, XX,
};

struct x86_pfx {
	unsigned n;                   /* prefix bytes, REX included */
	int p66, rep;                 /* rep: 0, 0xF2 or 0xF3 */
	int lock;
	uint8_t rex;
};

/*
 * Legacy prefixes then at most one REX right before the opcode (SDM
 * 2.1.1, 2.2.1). Returns 0 when the sequence is one capstone might read
 * otherwise: 67, ES/SS, both F2 and F3, lock with either, REX before a
 * legacy prefix.
 */
static int x86_prefixes(const uint8_t *p, size_t left, struct x86_pfx *x)
{
	memset(x, 0, sizeof(*x));
	for (; x->n < left && x->n < 14; x->n++) {
		uint8_t b = p[x->n];

		if (b == 0x66)
			x->p66 = 1;
		else if (b == 0xF0)
			x->lock = 1;
		else if (b == 0xF2 || b == 0xF3)
			x->rep = x->rep && x->rep != b ? -1 : b;
		else if (b != 0x2E && b != 0x3E && b != 0x64 && b != 0x65)
			break;
	}
	if (x->rep < 0 || (x->lock && x->rep) || x->n >= left)
		return 0;
	if ((p[x->n] & 0xF0) == 0x40) {
		x->rex = p[x->n++];
		if (x->n >= left || (p[x->n] & 0xF0) == 0x40)
			return 0;
	}
	return 1;
}

/* ModRM, SIB and displacement bytes at p (SDM tables 2-2, 2-3: the 3-bit fields, REX ignored). 0: truncated. */
static unsigned x86_modrm_len(const uint8_t *p, size_t left)
{
	unsigned mod, rm, n = 1;

	if (!left)
		return 0;
	mod = p[0] >> 6;
	rm = p[0] & 7;
	if (mod != 3 && rm == 4) {
		if (left < 2)
			return 0;
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4;               /* no base: disp32 */
	} else if (mod == 0 && rm == 5) {
		n += 4;                       /* RIP-relative disp32 */
	}
	n += mod == 1 ? 1 : mod == 2 ? 4 : 0;
	return n;
}

/*
 * Groups of the one-byte map by ModRM reg (SDM table A-6): the members
 * Go emits, as M_/MB/MZ; X_ for the rest (XOP, xabort/xbegin, the far
 * forms, the undocumented aliases).
 */
static int x86_group1(uint8_t op, uint8_t modrm, const struct x86_pfx *x)
{
	unsigned reg = modrm >> 3 & 7, mod = modrm >> 6;

	switch (op) {
	case 0x63: return x->rex & 8 ? M_ : X_;                     /* movsxd needs REX.W */
	case 0x8D: return mod != 3 ? M_ : X_;                       /* lea of a register: #UD */
	case 0x8F: return reg == 0 ? M_ : X_;                       /* pop r/m; else XOP */
	case 0xC0: case 0xC1: return reg != 6 ? MB : X_;            /* shifts imm8 */
	case 0xD0: case 0xD1: case 0xD2: case 0xD3: return reg != 6 ? M_ : X_;
	case 0xC6: return reg == 0 ? MB : X_;                       /* mov r/m8, imm8 */
	case 0xC7: return reg == 0 ? MZ : X_;                       /* mov r/m, imm32 */
	case 0xF6: return reg == 0 ? MB : reg == 1 ? X_ : M_;       /* test imm8; not/neg/mul/div */
	case 0xF7: return reg == 0 ? MZ : reg == 1 ? X_ : M_;
	case 0xFE: return reg <= 1 ? M_ : X_;                       /* inc/dec r/m8 */
	case 0xFF: return reg != 3 && reg != 5 && reg != 7 ? M_ : X_;
	default: return X_;
	}
}

/* 0F-map groups (SDM table A-6): prefetch, nop, psrl/psra/psll imm, setcc, bt imm. */
static int x86_group2(uint8_t op, uint8_t modrm, const struct x86_pfx *x)
{
	unsigned reg = modrm >> 3 & 7;

	switch (op) {
	case 0x18: return reg <= 3 ? M_ : X_;
	case 0x1F: return reg == 0 ? M_ : X_;
	case 0x71: case 0x72: return reg == 2 || reg == 4 || reg == 6 ? MB : X_;
	case 0x73: return reg == 2 || reg == 6 || (x->p66 && (reg == 3 || reg == 7)) ? MB : X_;
	case 0xBA: return reg >= 4 ? MB : X_;
	default: return op >= 0x90 && op <= 0x9F && reg == 0 ? M_ : X_;   /* setcc */
	}
}

/* The 0F 38 / 0F 3A rows Go's compiler and runtime use (SDM tables ), all with 66. */
static int x86_map3(int map, uint8_t op, const struct x86_pfx *x)
{
	static const uint8_t m38[] = { 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A,
				       0x0B, 0x10, 0x14, 0x15, 0x17, 0x1C, 0x1D, 0x1E, 0x20, 0x21, 0x22,
				       0x23, 0x24, 0x25, 0x28, 0x29, 0x2A, 0x2B, 0x30, 0x31, 0x32, 0x33,
				       0x34, 0x35, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F,
				       0x40, 0x41, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF };
	static const uint8_t m3a[] = { 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x14, 0x15, 0x16,
				       0x17, 0x20, 0x21, 0x22, 0x40, 0x41, 0x42, 0x44, 0x60, 0x61, 0x62,
				       0x63, 0xDF };
	const uint8_t *t = map == 0x38 ? m38 : m3a;
	size_t n = map == 0x38 ? sizeof(m38) : sizeof(m3a);

	if (map == 0x38 && (op == 0xF0 || op == 0xF1))
		return x->rep == 0xF2 && !x->p66 ? M_ : X_;   /* crc32; movbe left to capstone */
	if (map == 0x38 && op == 0xF6)
		return (x->p66 && !x->rep) || (x->rep == 0xF3 && !x->p66) ? M_ : X_;   /* adcx, adox */
	if (!x->p66 && !x->rep && ((map == 0x38 && op >= 0xC8 && op <= 0xCD) || (map == 0x3A && op == 0xCC)))
		return map == 0x38 ? M_ : MB;                 /* sha1*, sha256* */
	if (!x->p66 || x->rep)
		return X_;
	if (memchr(t, op, n))
		return map == 0x38 ? M_ : MB;
	return X_;
}

/* Bytes of the immediate of format f. */
static unsigned x86_imm_len(int f, const struct x86_pfx *x)
{
	int w = x->rex & 8;

	switch (f) {
	case MB: case B_: case J8: return 1;
	case MZ: case Z_: return w || !x->p66 ? 4 : 2;
	case V_: return w ? 8 : x->p66 ? 2 : 4;
	case W_: return 2;
	case E_: return 3;
	case O_: return 8;
	case J4: case C4: return 4;
	default: return 0;
	}
}

/* Mandatory prefix of an 0F-map opcode as a P* bit; 0 when 66 and F2/F3 are both present. */
static unsigned x86_mandatory(const struct x86_pfx *x)
{
	if (x->rep)
		return x->p66 ? 0 : x->rep == 0xF3 ? PF3 : PF2;
	return x->p66 ? P66 : P0;
}

/* Format of the 0F-map instruction at p (after 0F); *nop: opcode bytes after 0F (2 for 0F 38/3A). */
static int x86_format2(const uint8_t *p, size_t left, const struct x86_pfx *x, unsigned *nop)
{
	const struct op2 *e;
	unsigned mp = x86_mandatory(x);

	if (!left)
		return X_;
	e = &x86_map2[p[0]];
	if (e->fmt == S_) {
		*nop = 2;
		return left < 2 ? X_ : x86_map3(p[0], p[1], x);
	}
	*nop = 1;
	if (e->fmt == X_ || !(e->pfx & mp) || (e->fmt != N_ && e->fmt != J4 && left < 2))
		return X_;
	if (e->fmt != N_ && e->fmt != J4) {
		unsigned mod = p[1] >> 6;

		if (((e->pfx & MEM) && mod == 3) || ((e->pfx & REG) && mod != 3))
			return X_;
	}
	return e->fmt == G_ ? x86_group2(p[0], p[1], x) : e->fmt;
}

/* Rejects what a prefix makes uncertain on the one-byte map: 66 on branches and stack ops, F2/F3 but for rep and pause. */
static int x86_prefix_ok1(uint8_t op, int f, const struct x86_pfx *x)
{
	int string = (op >= 0xA4 && op <= 0xA7) || (op >= 0xAA && op <= 0xAF);

	if (x->rep && !string && !(op == 0x90 && x->rep == 0xF3 && !x->p66))
		return 0;
	if (x->p66 && (f == J8 || f == J4 || f == C4 || f == W_ || f == E_ || (op >= 0x50 && op <= 0x5F) ||
		       op == 0x9C || op == 0x9D || op == 0xC3 || op == 0xC9 || op == 0xFF))
		return 0;
	return 1;
}

/*
 * VEX rows Go's compiler, runtime and crypto emit (SDM 2.3, the opcode
 * tables of vol. 2D with the VEX.pp/L/W each is defined with): map
 * (1: 0F, 2: 0F 38, 3: 0F 3A), opcode, pp set (bit pp: none 66 F3 F2),
 * L set, W set, and what else the encoding must hold.
 */
enum { VF_IMM = 1, VF_NOMODRM = 2, VF_MEM = 4, VF_REG = 8, VF_NOV = 16, VF_G72 = 32, VF_G73 = 64 };

struct vrow {
	uint8_t map, op, pp, l, w, flags;
};

static const struct vrow x86_vex_rows[] = {
	{ 1, 0x29, 1, 3, 1, VF_NOV },                   /* vmovaps store */
	{ 1, 0x58, 8, 1, 1, 0 },                        /* vaddsd */
	{ 1, 0x6F, 6, 3, 1, VF_NOV },                   /* vmovdqa, vmovdqu */
	{ 1, 0x70, 2, 3, 1, VF_NOV | VF_IMM },          /* vpshufd */
	{ 1, 0x72, 2, 3, 1, VF_IMM | VF_REG | VF_G72 }, /* vpsrld/vpsrad/vpslld imm */
	{ 1, 0x73, 2, 3, 1, VF_IMM | VF_REG | VF_G73 }, /* vpsrlq/vpsrldq/vpsllq/vpslldq imm */
	{ 1, 0x74, 2, 3, 1, 0 },                        /* vpcmpeqb */
	{ 1, 0x77, 1, 3, 1, VF_NOMODRM | VF_NOV },      /* vzeroupper, vzeroall */
	{ 1, 0x7F, 6, 3, 1, VF_NOV },                   /* vmovdqa, vmovdqu store */
	{ 1, 0x92, 2, 1, 1, VF_REG | VF_NOV },          /* kmovb k, r32 */
	{ 1, 0x93, 1, 1, 1, VF_REG | VF_NOV },          /* kmovw r32, k */
	{ 1, 0xD4, 2, 3, 1, 0 },                        /* vpaddq */
	{ 1, 0xD7, 2, 3, 1, VF_REG | VF_NOV },          /* vpmovmskb */
	{ 1, 0xDB, 2, 3, 1, 0 },                        /* vpand */
	{ 1, 0xE7, 2, 3, 1, VF_MEM | VF_NOV },          /* vmovntdq */
	{ 1, 0xEB, 2, 3, 1, 0 },                        /* vpor */
	{ 1, 0xEF, 2, 3, 1, 0 },                        /* vpxor */
	{ 1, 0xFE, 2, 3, 1, 0 },                        /* vpaddd */
	{ 2, 0x00, 2, 3, 1, 0 },                        /* vpshufb */
	{ 2, 0x17, 2, 3, 1, VF_NOV },                   /* vptest */
	{ 2, 0x78, 2, 3, 1, VF_NOV },                   /* vpbroadcastb */
	{ 2, 0xA9, 2, 1, 3, 0 },                        /* vfmadd213ss/sd */
	{ 2, 0xBD, 2, 1, 3, 0 },                        /* vfnmadd231ss/sd */
	{ 2, 0xF6, 8, 1, 3, 0 },                        /* mulx */
	{ 3, 0x02, 2, 3, 1, VF_IMM },                   /* vpblendd */
	{ 3, 0x06, 2, 2, 1, VF_IMM },                   /* vperm2f128 */
	{ 3, 0x0F, 2, 3, 1, VF_IMM },                   /* vpalignr */
	{ 3, 0x46, 2, 2, 1, VF_IMM },                   /* vperm2i128 */
	{ 3, 0xF0, 8, 1, 3, VF_IMM | VF_NOV },          /* rorx */
};

/* EVEX rows (SDM 2.6), as above; L'L 512 bits, no broadcast or zeroing (x86_vex_prefix). */
static const struct vrow x86_evex_rows[] = {
	{ 1, 0x6F, 2, 4, 2, VF_MEM | VF_NOV },          /* vmovdqa64 load */
	{ 1, 0x6F, 4, 4, 2, VF_MEM | VF_NOV },          /* vmovdqu64 load */
	{ 1, 0x7F, 4, 4, 2, VF_MEM | VF_NOV },          /* vmovdqu64 store */
	{ 1, 0xDB, 2, 4, 2, VF_REG },                   /* vpandq */
	{ 1, 0xEB, 2, 4, 2, VF_REG },                   /* vporq */
	{ 1, 0xEF, 2, 4, 2, VF_REG },                   /* vpxorq */
	{ 2, 0x8B, 2, 4, 2, VF_REG | VF_NOV },          /* vpcompressq to a register */
	{ 3, 0x19, 2, 4, 1, VF_REG | VF_NOV | VF_IMM }, /* vextractf32x4 */
	{ 3, 0x1E, 2, 4, 2, VF_REG | VF_IMM },          /* vpcmpuq */
};

/* The fields of a VEX or EVEX prefix this reads. */
struct vex {
	unsigned map, pp, l, w, nov, hdr;   /* nov: vvvv (and EVEX V') unused, as all-ones */
};

/* Decodes the VEX2 (C5), VEX3 (C4) or EVEX (62) prefix at p; 0 when truncated or a reserved field is set. */
static int x86_vex_prefix(const uint8_t *p, size_t left, struct vex *v)
{
	if (p[0] == 0xC5 && left > 1) {
		v->hdr = 2;
		v->map = 1;
		v->pp = p[1] & 3;
		v->l = p[1] >> 2 & 1;
		v->w = 0;
		v->nov = (p[1] >> 3 & 15) == 15;
	} else if (p[0] == 0xC4 && left > 2) {
		v->hdr = 3;
		v->map = p[1] & 31;
		v->pp = p[2] & 3;
		v->l = p[2] >> 2 & 1;
		v->w = p[2] >> 7;
		v->nov = (p[2] >> 3 & 15) == 15;
	} else if (p[0] == 0x62 && left > 3) {
		/* P0 bits 3:2 zero, P1 bit 2 one; no zeroing (z), no broadcast (b), L'L 512 bits */
		if ((p[1] & 0x0C) || !(p[2] & 4) || (p[3] & 0xF0) != 0x40)
			return 0;
		v->hdr = 4;
		v->map = p[1] & 3;
		v->pp = p[2] & 3;
		v->l = 2;
		v->w = p[2] >> 7;
		v->nov = (p[2] >> 3 & 15) == 15 && (p[3] & 8);
	} else {
		return 0;
	}
	return left > v->hdr;
}

/* Whether ModRM m meets row r's restrictions (register/memory forms, group members). */
static int x86_vex_modrm(const struct vrow *r, uint8_t m)
{
	unsigned mod = m >> 6, reg = m >> 3 & 7;

	if (((r->flags & VF_MEM) && mod == 3) || ((r->flags & VF_REG) && mod != 3))
		return 0;
	if ((r->flags & VF_G72) && reg != 2 && reg != 4 && reg != 6)
		return 0;
	if ((r->flags & VF_G73) && reg != 2 && reg != 3 && reg != 6 && reg != 7)
		return 0;
	return 1;
}

/* Format of the VEX/EVEX instruction at p (*nop: prefix and opcode bytes); X_ unless a row above. */
static int x86_vex(const uint8_t *p, size_t left, unsigned *nop)
{
	struct vex v;
	const struct vrow *t = p[0] == 0x62 ? x86_evex_rows : x86_vex_rows;
	size_t n = p[0] == 0x62 ? sizeof(x86_evex_rows) / sizeof(*t) : sizeof(x86_vex_rows) / sizeof(*t);

	if (!x86_vex_prefix(p, left, &v))
		return X_;
	for (size_t i = 0; i < n; i++) {
		const struct vrow *r = &t[i];

		if (r->map != v.map || r->op != p[v.hdr] || !(r->pp >> v.pp & 1) || !(r->l >> v.l & 1) ||
		    !(r->w >> v.w & 1) || ((r->flags & VF_NOV) && !v.nov))
			continue;
		if (!(r->flags & VF_NOMODRM) && (left < v.hdr + 2 || !x86_vex_modrm(r, p[v.hdr + 1])))
			return X_;
		*nop = v.hdr + 1;
		return r->flags & VF_IMM ? MB : r->flags & VF_NOMODRM ? N_ : M_;
	}
	return X_;
}

/*
 * lock: the memory-destination forms the SDM's LOCK entry (vol. 2A)
 * lists, at op (nop: opcode bytes): add/or/adc/sbb/and/sub/xor r/m, reg;
 * group 1 but cmp; xchg; not/neg; inc/dec; bts/btr/btc, bt group /5-/7,
 * cmpxchg, xadd.
 */
static int x86_lockable(const uint8_t *op, unsigned nop)
{
	unsigned o = op[nop - 1], mod = op[nop] >> 6, reg = op[nop] >> 3 & 7;

	if (mod == 3)
		return 0;
	if (nop == 1)
		return (o < 0x40 && (o & 7) <= 1 && (o >> 3) != 7) || ((o == 0x80 || o == 0x81 || o == 0x83) && reg != 7) ||
		       o == 0x86 || o == 0x87 || ((o == 0xF6 || o == 0xF7) && (reg == 2 || reg == 3)) ||
		       ((o == 0xFE || o == 0xFF) && reg <= 1);
	return nop == 2 && (o == 0xAB || o == 0xB3 || o == 0xBB || o == 0xB0 || o == 0xB1 || o == 0xC0 ||
			    o == 0xC1 || (o == 0xBA && reg >= 5));
}

static uint64_t rel32(const uint8_t *p)
{
	return (uint64_t)(int64_t)(int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
					    (uint32_t)p[3] << 24);
}

/*
 * What pgd_disasm_scan reports for the one-byte-map instruction at op
 * (end: its end address): call rel32 (E8), call r/m (FF /2), lea with
 * ModRM mod 00 r/m 101, which is RIP + disp32 in 64-bit mode (SDM table
 * 2-7); no lea has an immediate, so disp32 is its last four bytes.
 */
static void x86_kind(const uint8_t *op, int f, uint64_t end, struct pgd_scan_insn *out)
{
	out->kind = PGD_SCAN_OTHER;
	out->ref = 0;
	if (f == C4) {
		out->kind = PGD_SCAN_CALL;
		out->ref = end + rel32(op + 1);
	} else if (op[0] == 0xFF && (op[1] >> 3 & 7) == 2) {
		out->kind = PGD_SCAN_CALLI;
	} else if (op[0] == 0x8D && (op[1] & 0xC7) == 0x05) {
		out->kind = PGD_SCAN_ADDR;
		out->ref = end + rel32(op + 2);
	}
}

static int scan_x86(const uint8_t *code, size_t left, uint64_t pc, struct pgd_scan_insn *out)
{
	struct x86_pfx x;
	unsigned n, nop = 1, mrm = 0, len;
	int f;

	if (!x86_prefixes(code, left, &x))
		return 0;
	n = x.n;
	f = x86_map1[code[n]];
	if (code[n] == 0xC4 || code[n] == 0xC5 || code[n] == 0x62) {
		/* no legacy prefix or REX may precede VEX/EVEX (#UD, SDM 2.3.2) */
		f = n ? X_ : x86_vex(code, left, &nop);
	} else if (f == S_) {
		f = x86_format2(code + n + 1, left - n - 1, &x, &nop);
		nop++;
		if (f == J4 && (x.p66 || x.rep))
			return 0;
	} else {
		if (f == G_ && n + 1 < left)
			f = x86_group1(code[n], code[n + 1], &x);
		if (!x86_prefix_ok1(code[n], f, &x))
			return 0;
	}
	if (f == X_ || f == G_ || f == S_)
		return 0;
	if (x.lock && (f == N_ || n + nop >= left || !x86_lockable(code + n, nop)))
		return 0;
	if (f == M_ || f == MB || f == MZ) {
		mrm = x86_modrm_len(code + n + nop, left - n - nop);
		if (!mrm)
			return 0;
	}
	len = n + nop + mrm + x86_imm_len(f, &x);
	if (len > 15 || len > left)
		return 0;             /* capstone fails there and steps one byte */
	out->len = len;
	out->target = 0;
	x86_kind(code + n, f, pc + len, out);
	if (f == J8)
		out->target = pc + len + (uint64_t)(int64_t)(int8_t)code[len - 1];
	else if (f == J4)
		out->target = pc + len + rel32(code + len - 4);
	return 1;
}

/* ---- arm64 (Arm ARM, DDI 0487, C4.1 "A64 instruction set encoding") ---- */

static uint64_t sext(uint32_t v, unsigned bits)
{
	uint64_t m = 1ull << (bits - 1);

	return ((uint64_t)v ^ m) - m;
}

/* Branches (C4.1.65): b, b.cond, cbz/cbnz, tbz/tbnz with their target; bl, br, blr, ret. -1: not one of these. */
static int a64_branch(uint32_t w, uint64_t pc, uint64_t *target)
{
	if ((w & 0x7C000000) == 0x14000000) {                   /* b / bl imm26 */
		*target = w >> 31 ? 0 : pc + (sext(w & 0x3FFFFFF, 26) << 2);
		return 1;
	}
	if ((w & 0xFF000010) == 0x54000000 ||                   /* b.cond imm19 (bit 4 set: bc.cond, v8.8) */
	    (w & 0x7E000000) == 0x34000000) {                   /* cbz / cbnz imm19 */
		*target = pc + (sext(w >> 5 & 0x7FFFF, 19) << 2);
		return 1;
	}
	if ((w & 0x7E000000) == 0x36000000) {                   /* tbz / tbnz imm14 */
		*target = pc + (sext(w >> 5 & 0x3FFF, 14) << 2);
		return 1;
	}
	*target = 0;
	w &= 0xFFFFFC1F;                                        /* br, blr, ret: any Rn */
	return w == 0xD61F0000 || w == 0xD63F0000 || w == 0xD65F0000 ? 1 : -1;
}

/* DecodeBitMasks' reserved encodings (Arm ARM J1 shared/functions/bitmasks) for logical immediates. */
static int a64_bitmask_ok(uint32_t w)
{
	unsigned sf = w >> 31, n = w >> 22 & 1, imms = w >> 10 & 0x3F;
	unsigned v = n << 6 | (~imms & 0x3F), len = 0, levels;

	if (!sf && n)
		return 0;
	for (unsigned i = 0; i < 7; i++)
		if (v >> i & 1)
			len = i;
	if (!v || len < 1)
		return 0;
	levels = (1u << len) - 1;
	return (imms & levels) != levels;
}

/* Data processing, immediate (C4.1.86): adr/adrp, add/sub, logical, movz/movn/movk, bitfield. */
static int a64_dp_imm(uint32_t w)
{
	unsigned sf = w >> 31, op = w >> 23 & 0x3F;

	if ((op & 0x3E) == 0x20)                                /* 10000x: adr, adrp */
		return 1;
	if (op == 0x22)                                         /* 100010: add/sub (immediate) */
		return 1;
	if (op == 0x24)                                         /* 100100: logical (immediate) */
		return a64_bitmask_ok(w);
	if (op == 0x25)                                         /* 100101: move wide; opc 01 unallocated */
		return (w >> 29 & 3) != 1 && (sf || !(w >> 22 & 1));
	if (op == 0x26)                                         /* 100110: bitfield */
		return (w >> 29 & 3) != 3 && (w >> 22 & 1) == sf && (sf || (!(w >> 21 & 1) && !(w >> 15 & 1)));
	return 0;
}

/* Data processing, register (C4.1.88): logical and add/sub shifted/extended, csel, ccmp, madd, udiv/sdiv, shifts. */
static int a64_dp_reg(uint32_t w)
{
	unsigned sf = w >> 31, imm6hi = w >> 15 & 1;

	if ((w & 0x1F000000) == 0x0A000000)                     /* logical (shifted register) */
		return sf || !imm6hi;
	if ((w & 0x1F200000) == 0x0B000000)                     /* add/sub (shifted register) */
		return (w >> 22 & 3) != 3 && (sf || !imm6hi);
	if ((w & 0x1F200000) == 0x0B200000)                     /* add/sub (extended register) */
		return !(w >> 22 & 3) && (w >> 10 & 7) <= 4;
	if ((w & 0x1FE00000) == 0x1A800000)                     /* conditional select */
		return !(w >> 29 & 1) && !(w >> 11 & 1);
	if ((w & 0x1FE00000) == 0x1A400000)                     /* conditional compare */
		return (w >> 29 & 1) && !(w >> 10 & 1) && !(w >> 4 & 1);
	if ((w & 0x5FE00000) == 0x1AC00000) {                   /* data processing (2 source) */
		unsigned opc = w >> 10 & 0x3F;

		return !(w >> 29 & 1) && (opc == 2 || opc == 3 || (opc >= 8 && opc <= 11));
	}
	if ((w & 0x7FFF0000) == 0x5AC00000) {                   /* data processing (1 source): rbit, rev*, clz, cls */
		unsigned opc = w >> 10 & 0x3F;

		return opc <= 5 && (opc != 3 || sf);
	}
	if ((w & 0x7F000000) == 0x1B000000) {                   /* data processing (3 source), op54 00 */
		unsigned op31 = w >> 21 & 7;

		return op31 == 0 || (sf && (op31 == 1 || op31 == 5)) ||
		       (sf && (op31 == 2 || op31 == 6) && !(w >> 15 & 1));
	}
	return 0;
}

/* size:opc of a load/store register form is allocated (C4.1.87's register tables); GPR forms only. */
static int a64_ldst_sizeopc(unsigned size, unsigned opc, int prfm)
{
	if (opc < 2)
		return 1;
	if (size < 2)
		return 1;                                       /* ldrsb/ldrsh */
	if (size == 2)
		return opc == 2;                                /* ldrsw */
	return prfm && opc == 2;                                /* prfm */
}

/* Loads and stores (C4.1.87): register (unsigned/unscaled/pre/post/register offset), pair, literal. */
static int a64_ldst(uint32_t w)
{
	unsigned size = w >> 30, v = w >> 26 & 1, opc = w >> 22 & 3;

	if ((w & 0x3B000000) == 0x39000000)                     /* unsigned immediate */
		return v ? opc < 2 || size == 0 : a64_ldst_sizeopc(size, opc, 1);
	if ((w & 0x3B200000) == 0x38000000 && !v) {             /* unscaled, post, pre (not unprivileged) */
		unsigned k = w >> 10 & 3;

		return k != 2 && a64_ldst_sizeopc(size, opc, 0);
	}
	if ((w & 0x3B200C00) == 0x38200800 && !v)               /* register offset: option x1x */
		return (w >> 14 & 1) && a64_ldst_sizeopc(size, opc, 0);
	if ((w & 0x3A000000) == 0x28000000 && (w >> 23 & 3)) {  /* pair: post, offset, pre */
		unsigned o = w >> 30;

		return v ? o != 3 : o == 0 || o == 2;
	}
	if ((w & 0x3B000000) == 0x18000000)                     /* literal */
		return w >> 30 != 3;
	if ((w & 0x3F200000) == 0x08000000 && (w >> 10 & 31) == 31) {
		/* exclusive/ordered, o1 0, Rt2 31: ldxr/ldaxr, stxr/stlxr (o2 0); ldar, stlr (o2 1, o0 1) */
		unsigned o2 = w >> 23 & 1, l = w >> 22 & 1, o0 = w >> 15 & 1, rs = w >> 16 & 31;

		return o2 ? o0 && rs == 31 : !l || rs == 31;
	}
	return 0;
}

/* Exception generation (svc, brk) and the AES rounds (C4.1.66, C4.1.95's crypto AES). */
static int a64_fixed(uint32_t w)
{
	return (w & 0xFFE0001F) == 0xD4000001 ||                /* svc #imm16 */
	       (w & 0xFFE0001F) == 0xD4200000 ||                /* brk #imm16 */
	       (w & 0xFFFFCC00) == 0x4E284800;                  /* aese, aesd, aesmc, aesimc (bits 13:12) */
}

static int scan_arm64(const uint8_t *code, size_t left, uint64_t pc, struct pgd_scan_insn *out)
{
	uint32_t w;
	int known;

	if (left < 4)
		return 0;
	w = (uint32_t)code[0] | (uint32_t)code[1] << 8 | (uint32_t)code[2] << 16 | (uint32_t)code[3] << 24;
	out->len = 4;
	out->kind = PGD_SCAN_OTHER;
	out->ref = 0;
	switch (w >> 25 & 0xF) {                                /* op0, C4.1 table C4-1 */
	case 0x8: case 0x9:
		known = a64_dp_imm(w);
		out->target = 0;
		break;
	case 0xA: case 0xB:
		known = a64_branch(w, pc, &out->target) > 0 || w == 0xD503201F || a64_fixed(w);   /* nop */
		break;
	case 0x7: case 0xF:
		known = a64_fixed(w);
		out->target = 0;
		break;
	case 0x4: case 0x6: case 0xC: case 0xE:
		known = a64_ldst(w);
		out->target = 0;
		break;
	case 0x5: case 0xD:
		known = a64_dp_reg(w);
		out->target = 0;
		break;
	default:
		known = 0;
		break;
	}
	return known;
}

int pgd_insn_scan(uint16_t machine, const uint8_t *code, size_t left, uint64_t pc, struct pgd_scan_insn *out)
{
	if (!left)
		return 0;
	if (machine == PGD_EM_X86_64)
		return scan_x86(code, left, pc, out);
	if (machine == PGD_EM_AARCH64)
		return scan_arm64(code, left, pc, out);
	return 0;
}
