/* SPDX-License-Identifier: MIT */
/*
 * The reference semantics of a [syscalls] section, evaluated straight from
 * the IR with no BPF involved: what the contract says a call gets. Tests
 * compare the generated filter against it.
 */
#ifndef MOAT_TESTS_IR_EVAL_H
#define MOAT_TESTS_IR_EVAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "policy/ir.h"

/*
 * The action for native syscall `number` (as the filter sees it: x32 numbers
 * kill, -1 gets the default) with arguments `args`. Each argument and
 * compared value is narrowed to the bits the kernel reads
 * (moat_syscall_argument_bits()); values must fit them.
 */
struct moat_action ir_eval(const struct moat_policy *policy, int number, const uint64_t args[6]);

/* Prints the rules of syscall `number` and the default, for a failing test. */
void ir_dump_rules(const struct moat_policy *policy, int number, FILE *stream);

/* True when both actions are the same (kind, and errno for errno). */
bool ir_same_action(struct moat_action a, struct moat_action b);

#endif /* MOAT_TESTS_IR_EVAL_H */
