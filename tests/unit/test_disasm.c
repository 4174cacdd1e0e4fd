// SPDX-License-Identifier: MIT
/*
 * Call and address decoding on machine code copied from the fixtures, with
 * what `go tool objdump -s 'main\.serve' cachesvc{,.arm64}.pgo` printed for
 * it (Go 1.23.5) as the expected answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "disasm.h"
#include "elf.h"

struct seen {
	size_t n;
	struct pgd_insn_info insn[16];
};

static void collect(void *ctx, const struct pgd_insn_info *in)
{
	struct seen *s = ctx;

	if (s->n < 16)
		s->insn[s->n++] = *in;
}

static struct seen scan(uint16_t machine, const uint8_t *code, size_t len, uint64_t addr)
{
	struct pgd_disasm *d = NULL;
	struct seen s = { 0 };

	assert_int_equal(pgd_disasm_open(machine, &d), 0);
	pgd_disasm_scan(d, code, len, addr, collect, &s);
	pgd_disasm_close(d);
	return s;
}

/*
 * serve.go:16 0x4cece8 488b7f18  MOVQ 0x18(DI), DI
 *             0x4cecec 4889d0    MOVQ DX, AX
 *             0x4cecef 4c89cb    MOVQ R9, BX
 *             0x4cecf2 4889f1    MOVQ SI, CX
 *             0x4cecf5 ffd7      CALL DI
 */
static void test_amd64_itab_call(void **state)
{
	static const uint8_t code[] = { 0x48, 0x8b, 0x7f, 0x18, 0x48, 0x89, 0xd0, 0x4c, 0x89, 0xcb,
					0x48, 0x89, 0xf1, 0xff, 0xd7 };
	struct seen s = scan(PGD_EM_X86_64, code, sizeof(code), 0x4cece8);

	(void)state;
	assert_int_equal(s.n, 1);
	assert_int_equal(s.insn[0].kind, PGD_INSN_CALL_INDIRECT);
	assert_int_equal(s.insn[0].pc, 0x4cecf5);
	assert_int_equal(s.insn[0].len, 2);
	assert_int_equal(s.insn[0].load_disp, 0x18);
}

/*
 * serve.go:21 0x4ced9f 488b0a  MOVQ 0(DX), CX
 *             0x4ceda2 ffd1    CALL CX          (a closure call: no itab slot)
 * A write to a 32-bit alias kills what was known: mov 0x18(%rdi),%rdi;
 * mov $0,%edi; call *%rdi.
 */
static void test_amd64_closure_and_clobber(void **state)
{
	static const uint8_t closure[] = { 0x48, 0x8b, 0x0a, 0xff, 0xd1 };
	static const uint8_t clobber[] = { 0x48, 0x8b, 0x7f, 0x18, 0xbf, 0x00, 0x00, 0x00, 0x00, 0xff, 0xd7 };
	struct seen s = scan(PGD_EM_X86_64, closure, sizeof(closure), 0x4ced9f);

	(void)state;
	assert_int_equal(s.n, 1);
	assert_int_equal(s.insn[0].kind, PGD_INSN_CALL_INDIRECT);
	assert_int_equal(s.insn[0].load_disp, 0);
	s = scan(PGD_EM_X86_64, clobber, sizeof(clobber), 0x1000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.insn[0].load_disp, -1);
}

/*
 * A method value whose closure lives on the stack (Go 1.26 cmd/compile,
 * cmd/internal/obj.linkpcln, funcpctab inlined, valfunc = s.pctoinline,
 * pcln.go:55; the compiler logged an indirect non-interface call):
 *   0x595349 4c8b9424b0020000 MOVQ 0x2b0(SP), R10
 *   0x595351 488b842408040000 MOVQ 0x408(SP), AX
 *   0x595359 4489e9           MOVL R13, CX
 *   0x59535c 4c89e7           MOVQ R12, DI
 *   0x59535f 31f6             XORL SI, SI
 *   0x595361 4531c0           XORL R8, R8
 *   0x595364 4531c9           XORL R9, R9
 *   0x595367 488d9424b0020000 LEAQ 0x2b0(SP), DX
 *   0x59536f 41ffd2           CALL R10
 * 0x2b0 is a frame offset, not an itab slot; nor is a load through BP, or
 * a call straight from a frame slot.
 */
static void test_amd64_stack_closure_call(void **state)
{
	static const uint8_t code[] = { 0x4c, 0x8b, 0x94, 0x24, 0xb0, 0x02, 0x00, 0x00,
					0x48, 0x8b, 0x84, 0x24, 0x08, 0x04, 0x00, 0x00,
					0x44, 0x89, 0xe9, 0x4c, 0x89, 0xe7, 0x31, 0xf6,
					0x45, 0x31, 0xc0, 0x45, 0x31, 0xc9,
					0x48, 0x8d, 0x94, 0x24, 0xb0, 0x02, 0x00, 0x00,
					0x41, 0xff, 0xd2 };
	/* mov 0x18(%rbp),%rdx; call *%rdx / call *0x18(%rsp) */
	static const uint8_t bp[] = { 0x48, 0x8b, 0x55, 0x18, 0xff, 0xd2 };
	static const uint8_t spmem[] = { 0xff, 0x54, 0x24, 0x18 };
	struct seen s = scan(PGD_EM_X86_64, code, sizeof(code), 0x595349);

	(void)state;
	assert_int_equal(s.n, 1);
	assert_int_equal(s.insn[0].kind, PGD_INSN_CALL_INDIRECT);
	assert_int_equal(s.insn[0].pc, 0x59536f);
	assert_int_equal(s.insn[0].load_disp, -1);
	s = scan(PGD_EM_X86_64, bp, sizeof(bp), 0x1000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.insn[0].load_disp, -1);
	s = scan(PGD_EM_X86_64, spmem, sizeof(spmem), 0x1000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.insn[0].kind, PGD_INSN_CALL_INDIRECT);
	assert_int_equal(s.insn[0].load_disp, -1);
}

/*
 * serve.go:16 0x4cecad 4c8d05f4800500  LEAQ go:itab.*main.RedisCache,main.Cache(SB), R8
 * objdump resolves it to the symbol; the address is pc + 7 + 0x580f4.
 * call *0x20(%rax) is slot 1 directly from memory.
 */
static void test_amd64_lea_and_memory_call(void **state)
{
	static const uint8_t lea[] = { 0x4c, 0x8d, 0x05, 0xf4, 0x80, 0x05, 0x00 };
	static const uint8_t mcall[] = { 0xff, 0x50, 0x20 };
	static const uint8_t direct[] = { 0xe8, 0x00, 0x01, 0x00, 0x00 };
	struct seen s = scan(PGD_EM_X86_64, lea, sizeof(lea), 0x4cecad);

	(void)state;
	assert_int_equal(s.n, 1);
	assert_int_equal(s.insn[0].kind, PGD_INSN_ADDR);
	assert_int_equal(s.insn[0].target, 0x4cecad + 7 + 0x580f4);
	s = scan(PGD_EM_X86_64, mcall, sizeof(mcall), 0x2000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.insn[0].kind, PGD_INSN_CALL_INDIRECT);
	assert_int_equal(s.insn[0].load_disp, 0x20);
	s = scan(PGD_EM_X86_64, direct, sizeof(direct), 0x3000);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.insn[0].kind, PGD_INSN_CALL_DIRECT);
	assert_int_equal(s.insn[0].target, 0x3000 + 5 + 0x100);
}

/*
 * arm64, serve.go:16:
 *   0xd9df4 d00002ea ADRP 385024(PC), R10
 *   0xd9df8 910c214a ADD $776, R10, R10      -> 0xd9000 + 385024 + 776
 *   0xd9e3c f9400c83 MOVD 24(R4), R3
 *   0xd9e40 aa0d03e0 MOVD R13, R0
 *   0xd9e44 aa0603e1 MOVD R6, R1
 *   0xd9e48 aa0703e2 MOVD R7, R2
 *   0xd9e4c d63f0060 CALL (R3)
 */
static void test_arm64_guard_and_itab_call(void **state)
{
	static const uint8_t guard[] = { 0xea, 0x02, 0x00, 0xd0, 0x4a, 0x21, 0x0c, 0x91 };
	static const uint8_t call[] = { 0x83, 0x0c, 0x40, 0xf9, 0xe0, 0x03, 0x0d, 0xaa, 0xe1, 0x03, 0x06, 0xaa,
					0xe2, 0x03, 0x07, 0xaa, 0x60, 0x00, 0x3f, 0xd6 };
	struct seen s = scan(PGD_EM_AARCH64, guard, sizeof(guard), 0xd9df4);

	(void)state;
	assert_int_equal(s.n, 1);
	assert_int_equal(s.insn[0].kind, PGD_INSN_ADDR);
	assert_int_equal(s.insn[0].pc, 0xd9df8);
	assert_int_equal(s.insn[0].target, 0xd9000 + 385024 + 776);
	s = scan(PGD_EM_AARCH64, call, sizeof(call), 0xd9e3c);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.insn[0].kind, PGD_INSN_CALL_INDIRECT);
	assert_int_equal(s.insn[0].pc, 0xd9e4c);
	assert_int_equal(s.insn[0].load_disp, 24);
}

/*
 * arm64, serve.go:21: 0xd9f0c f9400341 MOVD (R26), R1; 0xd9f10 d63f0020 CALL (R1)
 * A closure call; and undecodable words are skipped, not fatal.
 */
static void test_arm64_closure_and_garbage(void **state)
{
	static const uint8_t code[] = { 0x00, 0x00, 0x00, 0x00, 0x41, 0x03, 0x40, 0xf9, 0x20, 0x00, 0x3f, 0xd6 };
	struct seen s = scan(PGD_EM_AARCH64, code, sizeof(code), 0xd9f08);

	(void)state;
	assert_int_equal(s.n, 1);
	assert_int_equal(s.insn[0].pc, 0xd9f10);
	assert_int_equal(s.insn[0].load_disp, 0);
}

static void test_other_machine(void **state)
{
	struct pgd_disasm *d = (struct pgd_disasm *)1;

	(void)state;
	assert_int_not_equal(pgd_disasm_open(40 /* EM_ARM */, &d), 0);
	assert_null(d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amd64_itab_call),
		cmocka_unit_test(test_amd64_closure_and_clobber),
		cmocka_unit_test(test_amd64_stack_closure_call),
		cmocka_unit_test(test_amd64_lea_and_memory_call),
		cmocka_unit_test(test_arm64_guard_and_itab_call),
		cmocka_unit_test(test_arm64_closure_and_garbage),
		cmocka_unit_test(test_other_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
