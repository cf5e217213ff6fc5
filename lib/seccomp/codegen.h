/* SPDX-License-Identifier: MIT */
/*
 * The seccomp code generator: the [syscalls] section of a policy's IR turned
 * into a classic BPF program for the section's architecture (the native one
 * unless the policy was loaded for another).
 *
 * Shape of the program:
 *   1. architecture check: any other AUDIT_ARCH returns
 *      SECCOMP_RET_KILL_PROCESS; this is what stops a second ABI with its own
 *      numbers (i386 through int 0x80 on x86_64, AArch32 tasks on aarch64,
 *      rv32 tasks on riscv64);
 *   2. a balanced binary search (`jge`) over ranges of syscall numbers, where
 *      adjacent numbers with the same constant outcome form one range; on
 *      x86_64 the x32 numbers (bit 30 set, except -1, which means "no
 *      syscall"), which pass the architecture check, are one more range that
 *      kills the process;
 *   3. for each syscall whose outcome depends on its arguments, its rules as a
 *      first-match chain: conditional rules in order, then the unconditional
 *      rule or the default.
 * A syscall whose outcome does not depend on its arguments ends in a `ret`
 * with no argument load on its path, so the kernel's action cache can skip
 * the filter for it.
 */
#ifndef MOAT_SECCOMP_CODEGEN_H
#define MOAT_SECCOMP_CODEGEN_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "moat.h"
#include "policy/ir.h"
#include "util/arena.h"

/* The kernel's limit on the length of one seccomp program (BPF_MAXINSNS). */
#define MOAT_SECCOMP_MAX_INSTRUCTIONS 4096

enum {
	MOAT_BPF_NOTE_NUMBER = 1U << 0,  /* a jump whose constant is a syscall number */
	MOAT_BPF_NOTE_FOREIGN = 1U << 1, /* the kill of the architecture check */
};

/* What the listing says about one instruction. */
struct moat_bpf_note {
	unsigned flags;                   /* MOAT_BPF_NOTE_* */
	const char *syscall;              /* the rules of this syscall start here */
	const struct moat_location *rule; /* a rule starts here */
};

/*
 * Which statement an instruction serves, the side table behind reports that
 * name the statement that decided. The BPF itself is untouched: a `ret` is
 * shared by every statement that returns the same value within reach, so
 * the table records for each test (load, jump) the rule whose condition it
 * tests; the last test run before a `ret` then says which rule led there
 * (moat_seccomp_decider()).
 */
struct moat_bpf_origin {
	const struct moat_statement *rule; /* NULL: not a test of a rule's condition */
	uint32_t value;                    /* what that rule returns */
};

/* The statement behind a syscall's outcome when no conditional rule decides. */
struct moat_seccomp_fallback {
	uint32_t number;
	const struct moat_statement *statement;
};

/* A range of syscall numbers (as the filter sees them: unsigned) and its outcome. */
struct moat_seccomp_segment {
	uint32_t first;
	uint32_t last;
	bool conditional; /* the syscall `first` has rules that read its arguments */
	uint32_t value;   /* the SECCOMP_RET_* value when not conditional */
};

struct moat_seccomp_program {
	struct sock_filter *instructions;
	struct moat_bpf_note *notes;     /* one per instruction */
	struct moat_bpf_origin *origins; /* one per instruction */
	size_t length;
	const struct moat_seccomp_fallback
	        *fallbacks; /* each syscall the policy names, by number */
	size_t fallback_count;
	const struct moat_statement *default_statement;
	const struct moat_seccomp_segment *segments; /* ascending, covering 0..UINT32_MAX */
	size_t segment_count;
	uint32_t architecture;        /* AUDIT_ARCH_* */
	const struct moat_arch *arch; /* whose numbers the program tests */
	struct moat_arena arena;      /* owns everything above */
};

/*
 * Compiles `syscalls` into `program`. Fails with -EINVAL and a located error
 * for a rule the filter cannot encode (a value wider than the argument the
 * kernel reads, an errno above 4095) or a section that needs more than
 * MOAT_SECCOMP_MAX_INSTRUCTIONS instructions; -ENOMEM when out of memory.
 * The section must be present.
 */
int moat_seccomp_generate(struct moat_seccomp_program *program,
                          const struct moat_syscalls_section *syscalls, struct moat_error *error);

void moat_seccomp_program_release(struct moat_seccomp_program *program);

#endif /* MOAT_SECCOMP_CODEGEN_H */
