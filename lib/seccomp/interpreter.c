// SPDX-License-Identifier: MIT
#include "seccomp/interpreter.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "seccomp/codegen.h"

/* The instructions seccomp_check_filter() lets through. */
static bool allowed(uint16_t code)
{
	switch (code) {
	case BPF_LD | BPF_W | BPF_ABS:
	case BPF_LD | BPF_W | BPF_LEN:
	case BPF_LDX | BPF_W | BPF_LEN:
	case BPF_RET | BPF_K:
	case BPF_RET | BPF_A:
	case BPF_ALU | BPF_ADD | BPF_K:
	case BPF_ALU | BPF_ADD | BPF_X:
	case BPF_ALU | BPF_SUB | BPF_K:
	case BPF_ALU | BPF_SUB | BPF_X:
	case BPF_ALU | BPF_MUL | BPF_K:
	case BPF_ALU | BPF_MUL | BPF_X:
	case BPF_ALU | BPF_DIV | BPF_K:
	case BPF_ALU | BPF_DIV | BPF_X:
	case BPF_ALU | BPF_AND | BPF_K:
	case BPF_ALU | BPF_AND | BPF_X:
	case BPF_ALU | BPF_OR | BPF_K:
	case BPF_ALU | BPF_OR | BPF_X:
	case BPF_ALU | BPF_XOR | BPF_K:
	case BPF_ALU | BPF_XOR | BPF_X:
	case BPF_ALU | BPF_LSH | BPF_K:
	case BPF_ALU | BPF_LSH | BPF_X:
	case BPF_ALU | BPF_RSH | BPF_K:
	case BPF_ALU | BPF_RSH | BPF_X:
	case BPF_ALU | BPF_NEG:
	case BPF_LD | BPF_IMM:
	case BPF_LDX | BPF_IMM:
	case BPF_MISC | BPF_TAX:
	case BPF_MISC | BPF_TXA:
	case BPF_LD | BPF_MEM:
	case BPF_LDX | BPF_MEM:
	case BPF_ST:
	case BPF_STX:
	case BPF_JMP | BPF_JA:
	case BPF_JMP | BPF_JEQ | BPF_K:
	case BPF_JMP | BPF_JEQ | BPF_X:
	case BPF_JMP | BPF_JGE | BPF_K:
	case BPF_JMP | BPF_JGE | BPF_X:
	case BPF_JMP | BPF_JGT | BPF_K:
	case BPF_JMP | BPF_JGT | BPF_X:
	case BPF_JMP | BPF_JSET | BPF_K:
	case BPF_JMP | BPF_JSET | BPF_X:
		return true;
	}
	return false;
}

static bool is_conditional_jump(uint16_t code)
{
	return BPF_CLASS(code) == BPF_JMP && BPF_OP(code) != BPF_JA;
}

static bool uses_memory(uint16_t code)
{
	return code == (BPF_LD | BPF_MEM) || code == (BPF_LDX | BPF_MEM) || code == BPF_ST ||
	       code == BPF_STX;
}

/* One instruction on its own: operands and jump targets in range. */
static int check_instruction(const struct sock_filter *program, size_t length, size_t pc)
{
	const struct sock_filter *insn = &program[pc];

	if (!allowed(insn->code))
		return -EINVAL;
	if (insn->code == (BPF_LD | BPF_W | BPF_ABS) &&
	    (insn->k >= sizeof(struct seccomp_data) || insn->k & 3))
		return -EINVAL;
	if (insn->code == (BPF_ALU | BPF_DIV | BPF_K) && insn->k == 0)
		return -EINVAL;
	if ((insn->code == (BPF_ALU | BPF_LSH | BPF_K) ||
	     insn->code == (BPF_ALU | BPF_RSH | BPF_K)) &&
	    insn->k >= 32)
		return -EINVAL;
	if (uses_memory(insn->code) && insn->k >= BPF_MEMWORDS)
		return -EINVAL;
	if (insn->code == (BPF_JMP | BPF_JA) && insn->k >= length - pc - 1)
		return -EINVAL;
	if (is_conditional_jump(insn->code) &&
	    (pc + insn->jt + 1 >= length || pc + insn->jf + 1 >= length))
		return -EINVAL;
	return 0;
}

/*
 * Scratch memory must be written before it is read on every path; like the
 * kernel, a jump target keeps only what all jumps to it had written.
 */
static int check_memory(const struct sock_filter *program, size_t length)
{
	uint16_t masks[MOAT_SECCOMP_MAX_INSTRUCTIONS];
	uint16_t valid = 0;

	memset(masks, 0xff, length * sizeof(masks[0]));
	for (size_t pc = 0; pc < length; pc++) {
		const struct sock_filter *insn = &program[pc];

		valid &= masks[pc];
		if (insn->code == BPF_ST || insn->code == BPF_STX) {
			valid |= (uint16_t)(1U << insn->k);
		} else if (insn->code == (BPF_LD | BPF_MEM) || insn->code == (BPF_LDX | BPF_MEM)) {
			if (!(valid & (1U << insn->k)))
				return -EINVAL;
		} else if (insn->code == (BPF_JMP | BPF_JA)) {
			masks[pc + 1 + insn->k] &= valid;
			valid = UINT16_MAX;
		} else if (is_conditional_jump(insn->code)) {
			masks[pc + 1 + insn->jt] &= valid;
			masks[pc + 1 + insn->jf] &= valid;
			valid = UINT16_MAX;
		}
	}
	return 0;
}

int moat_bpf_check(const struct sock_filter *program, size_t length)
{
	uint16_t last;

	if (!program || length == 0 || length > MOAT_SECCOMP_MAX_INSTRUCTIONS)
		return -EINVAL;
	for (size_t pc = 0; pc < length; pc++) {
		if (check_instruction(program, length, pc) < 0)
			return -EINVAL;
	}
	last = program[length - 1].code;
	if (last != (BPF_RET | BPF_K) && last != (BPF_RET | BPF_A))
		return -EINVAL;
	return check_memory(program, length);
}

static uint32_t load_word(const struct seccomp_data *data, uint32_t offset)
{
	uint32_t word;

	memcpy(&word, (const unsigned char *)data + offset, sizeof(word));
	return word;
}

/* A ALU operand; false for a division by zero, which ends the program with 0. */
static bool alu(uint16_t code, uint32_t *a, uint32_t operand)
{
	switch (BPF_OP(code)) {
	case BPF_ADD:
		*a += operand;
		break;
	case BPF_SUB:
		*a -= operand;
		break;
	case BPF_MUL:
		*a *= operand;
		break;
	case BPF_DIV:
		if (operand == 0)
			return false;
		*a /= operand;
		break;
	case BPF_AND:
		*a &= operand;
		break;
	case BPF_OR:
		*a |= operand;
		break;
	case BPF_XOR:
		*a ^= operand;
		break;
	case BPF_LSH:
		*a <<= operand & 31;
		break;
	case BPF_RSH:
		*a >>= operand & 31;
		break;
	case BPF_NEG:
		*a = -*a;
		break;
	}
	return true;
}

static bool jump_taken(uint16_t code, uint32_t a, uint32_t operand)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ:
		return a == operand;
	case BPF_JGT:
		return a > operand;
	case BPF_JGE:
		return a >= operand;
	case BPF_JSET:
		return (a & operand) != 0;
	}
	return false;
}

int moat_bpf_run_traced(const struct sock_filter *program, size_t length,
                        const struct seccomp_data *data, uint32_t *value,
                        struct moat_bpf_trace *trace)
{
	uint32_t a = 0, x = 0, memory[BPF_MEMWORDS] = {0};
	size_t count = 0, current = SIZE_MAX, previous = SIZE_MAX;

	for (size_t pc = 0; pc < length; pc++) {
		const struct sock_filter *insn = &program[pc];
		uint32_t operand = BPF_SRC(insn->code) == BPF_X ? x : insn->k;

		count++;
		previous = current;
		current = pc;
		if (check_instruction(program, length, pc) < 0)
			return -EINVAL;
		switch (BPF_CLASS(insn->code)) {
		case BPF_LD:
			if (BPF_MODE(insn->code) == BPF_ABS)
				a = load_word(data, insn->k);
			else if (BPF_MODE(insn->code) == BPF_LEN)
				a = sizeof(struct seccomp_data);
			else if (BPF_MODE(insn->code) == BPF_MEM)
				a = memory[insn->k];
			else
				a = insn->k;
			break;
		case BPF_LDX:
			if (BPF_MODE(insn->code) == BPF_LEN)
				x = sizeof(struct seccomp_data);
			else if (BPF_MODE(insn->code) == BPF_MEM)
				x = memory[insn->k];
			else
				x = insn->k;
			break;
		case BPF_ST:
			memory[insn->k] = a;
			break;
		case BPF_STX:
			memory[insn->k] = x;
			break;
		case BPF_ALU:
			if (!alu(insn->code, &a, operand)) {
				a = 0;
				goto done;
			}
			break;
		case BPF_JMP:
			if (BPF_OP(insn->code) == BPF_JA)
				pc += insn->k;
			else
				pc += jump_taken(insn->code, a, operand) ? insn->jt : insn->jf;
			break;
		case BPF_RET:
			a = BPF_RVAL(insn->code) == BPF_A ? a : insn->k;
			goto done;
		case BPF_MISC:
			if (BPF_MISCOP(insn->code) == BPF_TAX)
				x = a;
			else
				a = x;
			break;
		}
	}
	return -EINVAL; /* ran off the end */
done:
	*value = a;
	trace->executed = count;
	trace->return_index = current;
	trace->previous_index = previous;
	return 0;
}

int moat_bpf_run(const struct sock_filter *program, size_t length, const struct seccomp_data *data,
                 uint32_t *value, size_t *executed)
{
	struct moat_bpf_trace trace;
	int rc = moat_bpf_run_traced(program, length, data, value, &trace);

	if (rc == 0 && executed)
		*executed = trace.executed;
	return rc;
}
