// SPDX-License-Identifier: MIT
/*
 * moat eval POLICY SYSCALL [ARG0 ... ARG5]: the action the policy's filter
 * takes for one call, computed by the userspace BPF interpreter.
 */
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "closures.h"
#include "commands.h"
#include "moat.h"
#include "policy/constants.h"
#include "syscalls/syscalls.h"

void moat_command_eval_usage(FILE *stream)
{
	fprintf(stream,
	        "usage: moat eval [--arch NAME] [--landlock-abi N] POLICY SYSCALL [ARG0 ... "
	        "ARG5]\n\n"
	        "Prints the action POLICY's seccomp filter takes when a process of this\n"
	        "architecture (or of --arch NAME: x86_64, aarch64, riscv64) calls SYSCALL\n"
	        "with these arguments: allow, kill, kill-thread,\n"
	        "trap, log, notify or errno NAME, then the statement that decided:\n"
	        "  kill by FILE:LINE:COL (default kill)\n"
	        "or `by moat (...)` for one of moat's own rules. The compiled filter runs\n"
	        "in a userspace BPF interpreter; nothing is installed. The filter is the one\n"
	        "moat run installs on this kernel, with the rules that close what its\n"
	        "Landlock lacks (`by moat (compat: ...)`); --landlock-abi N: as on a kernel\n"
	        "with at most that Landlock ABI.\n\n"
	        "SYSCALL is a name (openat) or a number. An ARG is a number (decimal, 0x\n"
	        "hex, 0o octal, -N for a negative one), a constant of the policy language\n"
	        "(O_RDONLY, AF_INET, AT_FDCWD, ...) or constants joined by '|'. Missing\n"
	        "arguments are 0.\n\n"
	        "exit status: 0 printed, 1 invalid policy, 2 usage error.\n");
}

static bool parse_number(const char *text, uint64_t *value)
{
	bool negative = text[0] == '-';
	const char *digits = negative ? text + 1 : text;
	int base = 10;
	char *end;

	if (digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
		base = 16;
		digits += 2;
	} else if (digits[0] == '0' && (digits[1] == 'o' || digits[1] == 'O')) {
		base = 8;
		digits += 2;
	}
	if (!isxdigit((unsigned char)digits[0]))
		return false;
	errno = 0;
	*value = strtoull(digits, &end, base);
	if (errno || *end || end == digits || (negative && *value > (UINT64_C(1) << 63)))
		return false;
	if (negative)
		*value = -*value;
	return true;
}

bool moat_command_parse_argument(const char *text, uint64_t *value)
{
	return moat_command_parse_argument_for(moat_arch_native(), text, value);
}

/* A number, a constant name, or several of them joined by '|'. */
bool moat_command_parse_argument_for(const struct moat_arch *arch, const char *text,
                                     uint64_t *value)
{
	char *copy = strdup(text), *rest = copy, *part;
	bool ok = copy && *copy;

	*value = 0;
	while (ok && (part = strsep(&rest, "|"))) {
		uint64_t one;

		ok = parse_number(part, &one) || moat_constant_value_for(arch, part, &one);
		*value |= one;
	}
	free(copy);
	return ok;
}

bool moat_command_parse_syscall(const char *text, int *number)
{
	return moat_command_parse_syscall_for(moat_arch_native(), text, number);
}

bool moat_command_parse_syscall_for(const struct moat_arch *arch, const char *text, int *number)
{
	uint64_t value;

	*number = moat_arch_syscall_number(arch, text);
	if (*number >= 0)
		return true;
	/* 0..2^32-1, or a negative int such as -1 */
	if (!parse_number(text, &value) || (value > UINT32_MAX && value < -(UINT64_C(1) << 31)))
		return false;
	*number = (int)(uint32_t)value;
	return true;
}

/* `ACTION by FILE:LINE:COL (STATEMENT)`: the action first, as the contract has it. */
static void print_decision(const struct moat_decision *decision)
{
	char action[64], decider[4096];

	moat_command_action_text(&decision->action, action, sizeof(action));
	moat_command_decider_text(decision, decider, sizeof(decider));
	printf("%s by %s\n", action, decider);
}

int moat_command_eval(int argc, char **argv)
{
	struct moat_landlock_closures closures;
	const struct moat_policy *closed;
	struct moat_error error = {0};
	struct moat_decision decision;
	uint64_t args[6] = {0};
	const struct moat_arch *arch = moat_arch_native();
	moat_filter *filter = NULL;
	moat_policy *policy;
	int number, first = 1, status = 0, abi_limit = 0;

	for (; first < argc; first++) {
		const char *name;

		if (!strcmp(argv[first], "--landlock-abi") && first + 1 < argc) {
			abi_limit = atoi(argv[++first]);
			continue;
		}
		if (strncmp(argv[first], "--arch", 6) ||
		    (argv[first][6] != '=' && argv[first][6] != '\0'))
			break;
		name = argv[first][6] == '=' ? argv[first] + 7 : NULL;
		if (!name && first + 1 < argc)
			name = argv[++first];
		if (!name) {
			moat_command_error("eval: --arch needs an architecture");
			return MOAT_EXIT_USAGE;
		}
		arch = moat_command_arch(name);
		if (!arch)
			return MOAT_EXIT_USAGE;
	}
	if (first < argc && !strcmp(argv[first], "--"))
		first++;
	if (argc - first < 2 || argc - first > 8) {
		moat_command_error("eval needs a policy, a syscall and at most 6 arguments");
		moat_command_eval_usage(stderr);
		return MOAT_EXIT_USAGE;
	}
	if (!moat_command_parse_syscall_for(arch, argv[first + 1], &number)) {
		moat_command_error("eval: unknown syscall '%s' on %s", argv[first + 1],
		                   moat_arch_name(arch));
		return MOAT_EXIT_USAGE;
	}
	for (int i = first + 2; i < argc; i++) {
		if (!moat_command_parse_argument_for(arch, argv[i], &args[i - first - 2])) {
			moat_command_error("eval: '%s' is neither a number nor a known constant",
			                   argv[i]);
			return MOAT_EXIT_USAGE;
		}
	}
	policy = moat_command_load_policy_for(arch, &argv[first], 1);
	if (!policy)
		return 1;
	closed = moat_command_close_gaps(&closures, policy, abi_limit);
	if (!closed) {
		moat_policy_free(policy);
		return 1;
	}
	if (moat_filter_compile(&filter, closed, &error) < 0) {
		if (error.file[0])
			fprintf(stderr, "%s:%u:%u: error: %s\n", error.file, error.line,
			        error.column, error.message);
		else
			moat_command_error("%s", error.message);
		status = 1;
	} else if (moat_decide_syscall(filter, number, args, &decision) < 0) {
		moat_command_error("eval: the filter could not be run");
		status = 1;
	} else {
		print_decision(&decision);
	}
	moat_filter_free(filter);
	moat_landlock_closures_release(&closures);
	moat_policy_free(policy);
	return status;
}
