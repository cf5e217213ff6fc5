// SPDX-License-Identifier: MIT
#include "ir_builder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls/syscalls.h"

struct irb_entry {
	int number;
	struct moat_syscall_rule *conditional;
	size_t conditional_count;
	struct moat_syscall_rule *unconditional;
};

struct irb {
	struct moat_policy *policy;
	struct irb_entry *entries;
	size_t count;
	size_t capacity;
};

static void *checked(void *pointer)
{
	if (!pointer) {
		fprintf(stderr, "ir_builder: out of memory\n");
		abort();
	}
	return pointer;
}

static void *arena_copy(struct irb *builder, const void *data, size_t size)
{
	if (size == 0)
		return checked(moat_arena_alloc(&builder->policy->arena, 1));
	return checked(moat_arena_copy(&builder->policy->arena, data, size));
}

static const struct moat_location test_location = {"test.policy", 1, 1};

struct irb *irb_new(struct moat_action default_action)
{
	struct irb *builder = checked(calloc(1, sizeof(*builder)));

	builder->policy = checked(calloc(1, sizeof(*builder->policy)));
	builder->policy->syscalls.present = true;
	builder->policy->syscalls.default_action = default_action;
	builder->policy->syscalls.default_location = test_location;
	return builder;
}

struct moat_comparison irb_masked(unsigned arg, uint64_t mask, enum moat_compare_op op,
                                  uint64_t value)
{
	return (struct moat_comparison){
	        .arg = arg, .mask = mask, .op = op, .value = value, .location = test_location};
}

struct moat_comparison irb_compare(unsigned arg, enum moat_compare_op op, uint64_t value)
{
	return irb_masked(arg, UINT64_MAX, op, value);
}

struct moat_comparison irb_in(struct irb *builder, unsigned arg, uint64_t mask,
                              const uint64_t *values, size_t count)
{
	struct moat_comparison comparison = irb_masked(arg, mask, MOAT_COMPARE_IN, 0);

	comparison.set = arena_copy(builder, values, count * sizeof(*values));
	comparison.set_count = count;
	return comparison;
}

struct moat_conjunction irb_all(struct irb *builder, const struct moat_comparison *comparisons,
                                size_t count)
{
	return (struct moat_conjunction){
	        arena_copy(builder, comparisons, count * sizeof(*comparisons)), count};
}

const struct moat_condition *irb_any(struct irb *builder,
                                     const struct moat_conjunction *conjunctions, size_t count)
{
	struct moat_condition condition = {
	        arena_copy(builder, conjunctions, count * sizeof(*conjunctions)), count};

	return arena_copy(builder, &condition, sizeof(condition));
}

const struct moat_condition *irb_when(struct irb *builder, struct moat_comparison comparison)
{
	struct moat_conjunction conjunction = irb_all(builder, &comparison, 1);

	return irb_any(builder, &conjunction, 1);
}

static struct irb_entry *entry(struct irb *builder, int number)
{
	for (size_t i = 0; i < builder->count; i++) {
		if (builder->entries[i].number == number)
			return &builder->entries[i];
	}
	if (builder->count == builder->capacity) {
		builder->capacity = builder->capacity ? 2 * builder->capacity : 16;
		builder->entries = checked(
		        realloc(builder->entries, builder->capacity * sizeof(*builder->entries)));
	}
	builder->entries[builder->count] = (struct irb_entry){.number = number};
	return &builder->entries[builder->count++];
}

void irb_rule(struct irb *builder, int number, struct moat_action action,
              const struct moat_condition *condition)
{
	irb_rule_at(builder, number, action, condition, test_location);
}

void irb_rule_at(struct irb *builder, int number, struct moat_action action,
                 const struct moat_condition *condition, struct moat_location location)
{
	struct irb_entry *e = entry(builder, number);
	struct moat_syscall_rule rule = {action, condition, location};

	if (action.kind == MOAT_ACTION_NOTIFY)
		builder->policy->syscalls.has_notify = true;
	if (!condition) {
		e->unconditional = arena_copy(builder, &rule, sizeof(rule));
		return;
	}
	e->conditional = checked(
	        realloc(e->conditional, (e->conditional_count + 1) * sizeof(*e->conditional)));
	e->conditional[e->conditional_count++] = rule;
}

static int by_number(const void *a, const void *b)
{
	const struct irb_entry *x = a, *y = b;

	return (x->number > y->number) - (x->number < y->number);
}

struct moat_policy *irb_finish(struct irb *builder)
{
	struct moat_policy *policy = builder->policy;
	struct moat_syscall_rules *table;

	if (builder->count)
		qsort(builder->entries, builder->count, sizeof(*builder->entries), by_number);
	table = checked(moat_arena_array(&policy->arena, builder->count + 1, sizeof(*table)));
	for (size_t i = 0; i < builder->count; i++) {
		struct irb_entry *e = &builder->entries[i];
		const char *name = moat_syscall_name(e->number);
		char fallback[32];

		snprintf(fallback, sizeof(fallback), "syscall_%d", e->number);
		table[i].number = e->number;
		table[i].name = checked(moat_arena_strdup(&policy->arena, name ? name : fallback));
		table[i].conditional = arena_copy(builder, e->conditional,
		                                  e->conditional_count * sizeof(*e->conditional));
		table[i].conditional_count = e->conditional_count;
		table[i].unconditional = e->unconditional;
		free(e->conditional);
	}
	if (policy->syscalls.default_action.kind == MOAT_ACTION_NOTIFY)
		policy->syscalls.has_notify = true;
	policy->syscalls.syscalls = table;
	policy->syscalls.count = builder->count;
	free(builder->entries);
	free(builder);
	return policy;
}

void irb_free(struct moat_policy *policy)
{
	if (!policy)
		return;
	moat_arena_release(&policy->arena);
	free(policy);
}
