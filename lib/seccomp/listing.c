// SPDX-License-Identifier: MIT
#include "seccomp/listing.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/constants.h"
#include "seccomp/action.h"
#include "syscalls/syscalls.h"

struct text {
	char *data;
	size_t length;
	size_t capacity;
	bool failed;
};

static void append(struct text *text, const char *format, ...)
        __attribute__((format(printf, 2, 3)));

static void append(struct text *text, const char *format, ...)
{
	va_list arguments;
	int needed;

	if (text->failed)
		return;
	va_start(arguments, format);
	needed = vsnprintf(NULL, 0, format, arguments);
	va_end(arguments);
	if (needed < 0) {
		text->failed = true;
		return;
	}
	if (text->length + (size_t)needed + 1 > text->capacity) {
		size_t capacity = (text->capacity ? text->capacity * 2 : 4096) + (size_t)needed;
		char *data = realloc(text->data, capacity);

		if (!data) {
			text->failed = true;
			return;
		}
		text->data = data;
		text->capacity = capacity;
	}
	va_start(arguments, format);
	vsnprintf(text->data + text->length, text->capacity - text->length, format, arguments);
	va_end(arguments);
	text->length += (size_t)needed;
}

static const char *architecture_name(uint32_t architecture)
{
	switch (architecture) {
	case AUDIT_ARCH_X86_64:
		return "x86_64";
	case AUDIT_ARCH_I386:
		return "i386";
	case AUDIT_ARCH_AARCH64:
		return "aarch64";
	case AUDIT_ARCH_ARM:
		return "arm";
	case AUDIT_ARCH_RISCV64:
		return "riscv64";
	}
	return NULL;
}

/* The second ABI a kernel of this architecture may run, which the arch check stops. */
static const char *compat_abi(uint32_t architecture)
{
	switch (architecture) {
	case AUDIT_ARCH_X86_64:
		return "i386 through int 0x80, ...";
	case AUDIT_ARCH_AARCH64:
		return "an AArch32 task, ...";
	case AUDIT_ARCH_RISCV64:
		return "an rv32 task, ...";
	}
	return "...";
}

/* The AUDIT_ARCH_* constant's name, as the arch check compares with it. */
static const char *architecture_constant(uint32_t architecture)
{
	switch (architecture) {
	case AUDIT_ARCH_X86_64:
		return "AUDIT_ARCH_X86_64";
	case AUDIT_ARCH_I386:
		return "AUDIT_ARCH_I386";
	case AUDIT_ARCH_AARCH64:
		return "AUDIT_ARCH_AARCH64";
	case AUDIT_ARCH_ARM:
		return "AUDIT_ARCH_ARM";
	case AUDIT_ARCH_RISCV64:
		return "AUDIT_ARCH_RISCV64";
	}
	return NULL;
}

/* "allow", "errno EACCES", "kill", ...; a value moat never returns in hex. */
static void describe_return(char *buffer, size_t size, uint32_t value)
{
	struct moat_action action;
	const char *name;

	moat_seccomp_decode(value, &action);
	if (moat_seccomp_return_value(&action) != value) {
		snprintf(buffer, size, "0x%08x", value);
		return;
	}
	if (action.kind != MOAT_ACTION_ERRNO) {
		snprintf(buffer, size, "%s", moat_seccomp_action_keyword(action.kind));
		return;
	}
	name = moat_errno_name(action.errno_value);
	if (name)
		snprintf(buffer, size, "errno %s", name);
	else
		snprintf(buffer, size, "errno %d", action.errno_value);
}

static void describe_load(char *buffer, size_t size, uint32_t offset)
{
	size_t args = offsetof(struct seccomp_data, args);
	size_t pointer = offsetof(struct seccomp_data, instruction_pointer);
	bool high_first = __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__;
	const char *half = ((offset % 8) != 0) != high_first ? "hi" : "lo";

	if (offset == offsetof(struct seccomp_data, nr))
		snprintf(buffer, size, "nr");
	else if (offset == offsetof(struct seccomp_data, arch))
		snprintf(buffer, size, "arch");
	else if (offset >= args && offset < args + 48)
		snprintf(buffer, size, "arg%zu.%s", (offset - args) / 8, half);
	else if (offset >= pointer && offset < pointer + 8)
		snprintf(buffer, size, "instruction_pointer.%s", half);
	else
		snprintf(buffer, size, "[%u]", offset);
}

/* The name of syscall `number` on the program's architecture, or NULL. */
static const char *syscall_name(const struct moat_seccomp_program *program, uint32_t number)
{
	const struct moat_arch *arch = program->arch ? program->arch : moat_arch_native();

	return number < 0x40000000U ? moat_arch_syscall_name(arch, (int)number) : NULL;
}

static void describe_number(const struct moat_seccomp_program *program, char *buffer, size_t size,
                            uint32_t number)
{
	const char *name = syscall_name(program, number);

	if (name)
		snprintf(buffer, size, "%u (%s)", number, name);
	else if (number == UINT32_MAX)
		snprintf(buffer, size, "0x%x (-1)", number);
	else if (number == 0x40000000U)
		snprintf(buffer, size, "0x%x (x32)", number);
	else if (number >= 0x40000000U)
		snprintf(buffer, size, "0x%x", number);
	else
		snprintf(buffer, size, "%u", number);
}

static void describe_constant(char *buffer, size_t size, uint32_t value)
{
	snprintf(buffer, size, value < 10 ? "%u" : "0x%x", value);
}

static const char *jump_name(uint16_t code)
{
	switch (BPF_OP(code)) {
	case BPF_JEQ:
		return "jeq";
	case BPF_JGT:
		return "jgt";
	case BPF_JGE:
		return "jge";
	case BPF_JSET:
		return "jset";
	}
	return "ja";
}

static const char *alu_name(uint16_t code)
{
	static const char *const names[] = {
	        [BPF_ADD >> 4] = "add", [BPF_SUB >> 4] = "sub", [BPF_MUL >> 4] = "mul",
	        [BPF_DIV >> 4] = "div", [BPF_OR >> 4] = "or",   [BPF_AND >> 4] = "and",
	        [BPF_LSH >> 4] = "lsh", [BPF_RSH >> 4] = "rsh", [BPF_NEG >> 4] = "neg",
	        [BPF_MOD >> 4] = "mod", [BPF_XOR >> 4] = "xor",
	};
	const char *name = names[BPF_OP(code) >> 4];

	return name ? name : "alu";
}

struct listing {
	const struct moat_seccomp_program *program;
	bool *is_target;
	int label_width;
	uint32_t last_load; /* the offset A was last loaded from, when read in order */
};

static void label_of(const struct listing *l, size_t at, char *buffer, size_t size)
{
	if (l->program->notes[at].syscall)
		snprintf(buffer, size, "%s", l->program->notes[at].syscall);
	else
		snprintf(buffer, size, "L%zu", at);
}

static void format_jump(const struct listing *l, size_t at, char *operation, char *operand,
                        size_t size)
{
	const struct sock_filter *insn = &l->program->instructions[at];
	char value[64], on_true[64], on_false[64];
	const char *architecture;

	snprintf(operation, 8, "%s", jump_name(insn->code));
	if (BPF_OP(insn->code) == BPF_JA) {
		label_of(l, at + 1 + insn->k, on_true, sizeof(on_true));
		snprintf(operand, size, "%s", on_true);
		return;
	}
	architecture = architecture_constant(insn->k);
	if (BPF_SRC(insn->code) == BPF_X)
		snprintf(value, sizeof(value), "x");
	else if (l->program->notes[at].flags & MOAT_BPF_NOTE_NUMBER)
		describe_number(l->program, value, sizeof(value), insn->k);
	else if (l->last_load == offsetof(struct seccomp_data, arch) && architecture)
		snprintf(value, sizeof(value), "%s", architecture);
	else
		describe_constant(value, sizeof(value), insn->k);
	label_of(l, at + 1 + insn->jt, on_true, sizeof(on_true));
	label_of(l, at + 1 + insn->jf, on_false, sizeof(on_false));
	snprintf(operand, size, "%s ? %s : %s", value, on_true, on_false);
}

static void format_instruction(struct listing *l, size_t at, char *operation, char *operand,
                               size_t size)
{
	const struct sock_filter *insn = &l->program->instructions[at];
	char value[64];

	operand[0] = '\0';
	switch (BPF_CLASS(insn->code)) {
	case BPF_LD:
	case BPF_LDX:
		snprintf(operation, 8, BPF_CLASS(insn->code) == BPF_LD ? "ld" : "ldx");
		if (BPF_MODE(insn->code) == BPF_ABS) {
			l->last_load = insn->k;
			describe_load(operand, size, insn->k);
		} else if (BPF_MODE(insn->code) == BPF_MEM) {
			snprintf(operand, size, "M[%u]", insn->k);
		} else if (BPF_MODE(insn->code) == BPF_LEN) {
			snprintf(operand, size, "len");
		} else {
			describe_constant(operand, size, insn->k);
		}
		break;
	case BPF_ST:
	case BPF_STX:
		snprintf(operation, 8, BPF_CLASS(insn->code) == BPF_ST ? "st" : "stx");
		snprintf(operand, size, "M[%u]", insn->k);
		break;
	case BPF_ALU:
		snprintf(operation, 8, "%s", alu_name(insn->code));
		if (BPF_OP(insn->code) != BPF_NEG) {
			describe_constant(value, sizeof(value), insn->k);
			snprintf(operand, size, "%s", BPF_SRC(insn->code) == BPF_X ? "x" : value);
		}
		break;
	case BPF_JMP:
		format_jump(l, at, operation, operand, size);
		break;
	case BPF_RET:
		snprintf(operation, 8, "ret");
		if (BPF_RVAL(insn->code) == BPF_A)
			snprintf(operand, size, "a");
		else
			describe_return(operand, size, insn->k);
		break;
	default:
		snprintf(operation, 8, "%s", BPF_MISCOP(insn->code) == BPF_TAX ? "tax" : "txa");
		break;
	}
}

static void append_comment(struct text *text, const struct listing *l, size_t at)
{
	const struct moat_bpf_note *note = &l->program->notes[at];
	const char *architecture = architecture_name(l->program->architecture);

	if (note->flags & MOAT_BPF_NOTE_FOREIGN)
		append(text, "  ; not %s: another ABI (%s)",
		       architecture ? architecture : "the native architecture",
		       compat_abi(l->program->architecture));
	if (note->rule && note->rule->file)
		append(text, "  ; rule at %s:%u:%u", note->rule->file, note->rule->line,
		       note->rule->column);
	else if (note->rule)
		append(text, "  ; rule at line %u", note->rule->line);
}

/* Syscall numbers in decimal, the x32 range and -1 in hex. */
static void format_number(char *buffer, size_t size, uint32_t number)
{
	snprintf(buffer, size, number >= 0x40000000U ? "0x%x" : "%u", number);
}

static void append_range_names(struct text *text, const struct moat_seccomp_program *program,
                               const struct moat_seccomp_segment *segment)
{
	char range[64], names[96], first_text[16], last_text[16];
	const char *first = syscall_name(program, segment->first);
	const char *last = syscall_name(program, segment->last);

	format_number(first_text, sizeof(first_text), segment->first);
	format_number(last_text, sizeof(last_text), segment->last);
	if (segment->first == segment->last)
		snprintf(range, sizeof(range), "%s", first_text);
	else
		snprintf(range, sizeof(range), "%s-%s", first_text, last_text);
	if (segment->first == UINT32_MAX)
		snprintf(names, sizeof(names), "(-1: no syscall)");
	else if (segment->first == 0x40000000U)
		snprintf(names, sizeof(names), "(x32 ABI and beyond)");
	else if (segment->first == segment->last)
		snprintf(names, sizeof(names), "%s", first ? first : "(no name)");
	else
		snprintf(names, sizeof(names), "%s .. %s", first ? first : "(no name)",
		         last ? last : "(no name)");
	append(text, ";   %-23s %-36s", range, names);
}

static void append_header(struct text *text, const struct moat_seccomp_program *program)
{
	const char *architecture = architecture_name(program->architecture);
	char value[64];

	append(text, "; moat seccomp filter for %s: %zu instructions\n",
	       architecture ? architecture : "this architecture", program->length);
	append(text, "; another architecture or ABI: kill\n");
	append(text, "; syscall numbers:\n");
	for (size_t i = 0; i < program->segment_count; i++) {
		const struct moat_seccomp_segment *segment = &program->segments[i];

		append_range_names(text, program, segment);
		if (segment->conditional) {
			append(text, " rules at %s\n",
			       syscall_name(program, segment->first)
			               ? syscall_name(program, segment->first)
			               : "?");
		} else {
			describe_return(value, sizeof(value), segment->value);
			append(text, " %s\n", value);
		}
	}
	append(text, ";\n");
}

int moat_seccomp_listing(const struct moat_seccomp_program *program, char **text_out)
{
	struct text text = {0};
	struct listing l = {.program = program, .last_load = UINT32_MAX};
	char label[64], operation[8], operand[256];

	*text_out = NULL;
	l.is_target = calloc(program->length + 1, sizeof(bool));
	if (!l.is_target)
		return -ENOMEM;
	for (size_t at = 0; at < program->length; at++) {
		const struct sock_filter *insn = &program->instructions[at];

		if (BPF_CLASS(insn->code) != BPF_JMP)
			continue;
		if (BPF_OP(insn->code) == BPF_JA) {
			l.is_target[at + 1 + insn->k] = true;
		} else {
			l.is_target[at + 1 + insn->jt] = true;
			l.is_target[at + 1 + insn->jf] = true;
		}
	}
	for (size_t at = 0; at < program->length; at++) {
		int width;

		label_of(&l, at, label, sizeof(label));
		width = (int)strlen(label) + 1;
		if ((l.is_target[at] || program->notes[at].syscall) && width > l.label_width)
			l.label_width = width;
	}
	append_header(&text, program);
	for (size_t at = 0; at < program->length; at++) {
		label[0] = '\0';
		if (l.is_target[at] || program->notes[at].syscall) {
			label_of(&l, at, label, sizeof(label) - 1);
			strcat(label, ":");
		}
		format_instruction(&l, at, operation, operand, sizeof(operand));
		append(&text, "%5zu  %-*s %-4s %s", at, l.label_width, label, operation, operand);
		append_comment(&text, &l, at);
		append(&text, "\n");
	}
	free(l.is_target);
	if (text.failed) {
		free(text.data);
		return -ENOMEM;
	}
	*text_out = text.data;
	return 0;
}
