/* SPDX-License-Identifier: MIT */
/*
 * Building policy IR by hand in tests, without the policy language:
 *
 *   struct irb *b = irb_new(IRB_ERRNO(EPERM));
 *   irb_rule(b, SYS_read, IRB_ALLOW, NULL);
 *   irb_rule(b, SYS_openat, IRB_ALLOW,
 *            irb_when(b, irb_masked(2, O_ACCMODE, MOAT_COMPARE_EQ, O_RDONLY)));
 *   struct moat_policy *policy = irb_finish(b);
 *   ...
 *   irb_free(policy);
 *
 * Rules for one syscall keep the order they were added in; a rule without a
 * condition becomes the syscall's unconditional rule (the last one wins).
 */
#ifndef MOAT_TESTS_IR_BUILDER_H
#define MOAT_TESTS_IR_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#include "policy/ir.h"

#define IRB_ACTION(kind, value) ((struct moat_action){(kind), (value)})
#define IRB_ALLOW               IRB_ACTION(MOAT_ACTION_ALLOW, 0)
#define IRB_KILL                IRB_ACTION(MOAT_ACTION_KILL_PROCESS, 0)
#define IRB_KILL_THREAD         IRB_ACTION(MOAT_ACTION_KILL_THREAD, 0)
#define IRB_TRAP                IRB_ACTION(MOAT_ACTION_TRAP, 0)
#define IRB_LOG                 IRB_ACTION(MOAT_ACTION_LOG, 0)
#define IRB_NOTIFY              IRB_ACTION(MOAT_ACTION_NOTIFY, 0)
#define IRB_ERRNO(number)       IRB_ACTION(MOAT_ACTION_ERRNO, (number))

struct irb;

/* A builder for a policy whose [syscalls] section is present. Aborts on ENOMEM. */
struct irb *irb_new(struct moat_action default_action);

/* `argN OP value` and `argN & mask OP value`. */
struct moat_comparison irb_compare(unsigned arg, enum moat_compare_op op, uint64_t value);
struct moat_comparison irb_masked(unsigned arg, uint64_t mask, enum moat_compare_op op,
                                  uint64_t value);
/* `argN & mask in {values}`; the set is copied into the policy. */
struct moat_comparison irb_in(struct irb *builder, unsigned arg, uint64_t mask,
                              const uint64_t *values, size_t count);

/* One comparison as a whole condition. */
const struct moat_condition *irb_when(struct irb *builder, struct moat_comparison comparison);
/* A conjunction of `count` comparisons (copied). */
struct moat_conjunction irb_all(struct irb *builder, const struct moat_comparison *comparisons,
                                size_t count);
/* A disjunction of `count` conjunctions (copied). */
const struct moat_condition *irb_any(struct irb *builder,
                                     const struct moat_conjunction *conjunctions, size_t count);

/* Adds a rule for syscall `number`; `condition` NULL makes it unconditional. */
void irb_rule(struct irb *builder, int number, struct moat_action action,
              const struct moat_condition *condition);

/* The same, with the rule's place in a policy file. */
void irb_rule_at(struct irb *builder, int number, struct moat_action action,
                 const struct moat_condition *condition, struct moat_location location);

/* The policy, with its syscall table sorted by number; frees the builder. */
struct moat_policy *irb_finish(struct irb *builder);

/* Frees a policy made by irb_finish(). */
void irb_free(struct moat_policy *policy);

#endif /* MOAT_TESTS_IR_BUILDER_H */
