/* SPDX-License-Identifier: MIT */
/*
 * Seeded random [syscalls] sections and arguments for property tests of the
 * seccomp code generator. The same seed gives the same policies everywhere.
 */
#ifndef MOAT_TESTS_IR_RANDOM_H
#define MOAT_TESTS_IR_RANDOM_H

#include <stddef.h>
#include <stdint.h>

#include "policy/ir.h"

/*
 * Either seeded (splitmix64 from `state`) or, for the fuzzer, drawn from
 * `bytes`: each choice then takes the next bytes of the input, so a mutated
 * input changes the policy where it changed, and an input that runs out
 * reads as zeros (no more syscalls, no more rules).
 */
struct ir_random {
	uint64_t state;
	const uint8_t *bytes; /* NULL: seeded */
	size_t size;
	size_t used;
};

void ir_random_seed(struct ir_random *random, uint64_t seed);
void ir_random_from_bytes(struct ir_random *random, const uint8_t *bytes, size_t size);
uint64_t ir_random_next(struct ir_random *random);
/* Uniform in 0..bound-1; bound > 0. */
uint64_t ir_random_below(struct ir_random *random, uint64_t bound);

/*
 * A value that tends to sit on a boundary: 0, 1, 2^31-1, 2^31, 2^32-1, 2^32,
 * 2^63, 2^64-1, sign-extended negatives, the same with the upper half set
 * or cleared, and plain random numbers.
 */
uint64_t ir_random_edge_value(struct ir_random *random);

/* Every edge value above (without the random ones), for sweeps. */
const uint64_t *ir_edge_values(size_t *count);

/* Any action, errno values included. */
struct moat_action ir_random_action(struct ir_random *random);

struct irb;

/* A random condition on the arguments of syscall `number`, as ir_random_policy() makes them. */
const struct moat_condition *ir_random_condition(struct ir_random *random, struct irb *builder,
                                                 int number);

/*
 * A random policy: a default, up to `max_syscalls` syscalls each with
 * conditional rules of up to three conjunctions of up to three comparisons
 * (all operators, masks, `in` sets, 32/16/64-bit arguments, values that fit
 * the argument) and maybe an unconditional rule. Free with irb_free().
 */
struct moat_policy *ir_random_policy(struct ir_random *random, size_t max_syscalls);

/*
 * An argument for syscall `number`'s argument `arg`: often a value one of
 * the policy's comparisons of that argument uses (exactly, off by one, or
 * with its upper half changed), else an edge value.
 */
uint64_t ir_random_argument(struct ir_random *random, const struct moat_policy *policy, int number,
                            unsigned arg);

#endif /* MOAT_TESTS_IR_RANDOM_H */
