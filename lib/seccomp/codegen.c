// SPDX-License-Identifier: MIT
/*
 * The program is emitted backwards, last instruction first. Classic BPF only
 * jumps forward, so every jump target already exists when the jump is
 * emitted and its distance is known at once: no fix-up pass. A conditional
 * jump reaches 255 instructions; a farther target gets a copy of its `ret`
 * (when it is one) or a `ja` placed right after the jump.
 */
#include "seccomp/codegen.h"

#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "seccomp/action.h"
#include "syscalls/syscalls.h"
#include "util/error.h"

/* The farthest a conditional jump's 8-bit offset reaches. */
#define JUMP_REACH 255

/* Above this, a number is no syscall of any architecture, whatever its ABI bits. */
#define SYSCALL_NUMBER_LIMIT 0x7fffffffU

/* An instruction's index counted from the end of the program. */
typedef size_t label;

enum truth {
	DEPENDS,
	ALWAYS,
	NEVER,
};

/* One comparison, narrowed to the width at which the kernel reads the argument. */
struct test {
	unsigned arg;
	bool wide; /* all 64 bits count */
	uint64_t mask;
	enum moat_compare_op op; /* MOAT_COMPARE_IN only with two values or more */
	const uint64_t *values;  /* IN: ascending and unique */
	size_t count;
};

struct conjunction_plan {
	const struct test *tests;
	size_t count;
};

struct rule_plan {
	uint32_t value; /* what the rule returns */
	const struct moat_location *location;
	const struct moat_statement *statement;
	const struct conjunction_plan *conjunctions;
	size_t count;
};

/* One syscall's rules reduced to those that can decide. */
struct syscall_plan {
	uint32_t fallback; /* unconditional rule or default */
	const struct moat_statement *fallback_statement;
	struct rule_plan *rules;
	size_t count;
};

struct segment {
	uint32_t first;
	uint32_t last;
	bool conditional;
	uint32_t value;
	label chain;
};

struct generator {
	struct sock_filter *code; /* reverse order */
	struct moat_bpf_note *notes;
	struct moat_bpf_origin *origins;
	size_t count;
	size_t capacity;
	bool overflow; /* more than MOAT_SECCOMP_MAX_INSTRUCTIONS */
	bool out_of_memory;
	struct moat_arena *arena;  /* the program's */
	struct moat_arena scratch; /* one syscall's plan, freed once its chain is emitted */
	struct moat_arena tables;  /* outcomes and segments, freed when generation ends */
	const char *last_file;     /* the file name copied last, and its copy */
	const char *last_file_copy;
	const char *last_text; /* the statement text copied last, and its copy */
	const char *last_text_copy;
	const struct moat_statement *default_statement; /* the policy's */
	struct moat_seccomp_fallback *fallbacks;        /* in the program's arena */
	size_t fallback_count;
	const struct moat_syscall_rules *current; /* whose rules are being compiled */
	const struct moat_syscall_rules *largest; /* the longest chain so far */
	size_t largest_length;
	bool overflow_in_chain;       /* largest_length is where the limit was passed */
	const struct moat_arch *arch; /* the section's */
	struct moat_error *error;
};

/* ---- emitting --------------------------------------------------------- */

/* Doubles the room for code and side tables; labels are indices, so they stay valid. */
static bool grow(struct generator *g)
{
	size_t capacity = g->capacity ? 2 * g->capacity : 256;
	struct sock_filter *code;
	struct moat_bpf_note *notes;
	struct moat_bpf_origin *origins;

	if (capacity > MOAT_SECCOMP_MAX_INSTRUCTIONS)
		capacity = MOAT_SECCOMP_MAX_INSTRUCTIONS;
	code = realloc(g->code, capacity * sizeof(*code));
	if (code)
		g->code = code;
	notes = code ? realloc(g->notes, capacity * sizeof(*notes)) : NULL;
	if (notes)
		g->notes = notes;
	origins = notes ? realloc(g->origins, capacity * sizeof(*origins)) : NULL;
	if (origins)
		g->origins = origins;
	if (!code || !notes || !origins) {
		g->out_of_memory = true;
		return false;
	}
	g->capacity = capacity;
	return true;
}

static label emit(struct generator *g, struct sock_filter instruction)
{
	if (g->count == MOAT_SECCOMP_MAX_INSTRUCTIONS || g->out_of_memory) {
		/* The result is discarded; keep every later label valid. */
		g->overflow = g->count == MOAT_SECCOMP_MAX_INSTRUCTIONS;
		return g->count ? g->count - 1 : 0;
	}
	if (g->count == g->capacity && !grow(g))
		return g->count ? g->count - 1 : 0;
	g->code[g->count] = instruction;
	memset(&g->notes[g->count], 0, sizeof(g->notes[g->count]));
	memset(&g->origins[g->count], 0, sizeof(g->origins[g->count]));
	return g->count++;
}

/* The jump offset from the next instruction emitted to `target`. */
static size_t distance(const struct generator *g, label target)
{
	return g->count - target - 1;
}

static bool is_return(const struct generator *g, label at)
{
	return BPF_CLASS(g->code[at].code) == BPF_RET;
}

static bool same_outcome(const struct generator *g, label a, label b)
{
	return a == b || (is_return(g, a) && is_return(g, b) &&
	                  g->code[a].code == g->code[b].code && g->code[a].k == g->code[b].k);
}

/* A stand-in for `target` right here: a copy of its `ret`, or a `ja` to it. */
static label bounce(struct generator *g, label target)
{
	if (is_return(g, target))
		return emit(g, g->code[target]);
	return emit(g, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JA, (uint32_t)distance(g, target),
	                                            0, 0));
}

/* `if (A op k) goto on_true; else goto on_false;` */
static label emit_jump(struct generator *g, uint16_t op, uint32_t k, label on_true, label on_false)
{
	if (same_outcome(g, on_true, on_false))
		return on_true;
	for (;;) {
		if (distance(g, on_true) > JUMP_REACH)
			on_true = bounce(g, on_true);
		else if (distance(g, on_false) > JUMP_REACH)
			on_false = bounce(g, on_false);
		else
			break;
	}
	return emit(g, (struct sock_filter)BPF_JUMP(BPF_JMP | op | BPF_K, k,
	                                            (uint8_t)distance(g, on_true),
	                                            (uint8_t)distance(g, on_false)));
}

/* A `ret value`: the nearest one in reach, or a new one. */
static label emit_return(struct generator *g, uint32_t value)
{
	size_t lowest = g->count > JUMP_REACH + 1 ? g->count - (JUMP_REACH + 1) : 0;

	for (size_t at = g->count; at-- > lowest;) {
		if (g->code[at].code == (BPF_RET | BPF_K) && g->code[at].k == value)
			return at;
	}
	return emit(g, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, value));
}

/*
 * Puts `A = word at offset & mask` in front of `body`, the tests emitted
 * since `before` (body is the last instruction emitted, so the load falls
 * through into it). When the tests folded to a constant target, nothing was
 * emitted and no load is needed.
 */
static label emit_load(struct generator *g, size_t before, label body, uint32_t offset,
                       uint32_t mask)
{
	if (body < before)
		return body;
	if (mask != UINT32_MAX)
		emit(g, (struct sock_filter)BPF_STMT(BPF_ALU | BPF_AND | BPF_K, mask));
	return emit(g, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offset));
}

/* ---- comparisons ------------------------------------------------------ */

static bool compare(uint64_t a, enum moat_compare_op op, const uint64_t *values, size_t count)
{
	switch (op) {
	case MOAT_COMPARE_EQ:
		return a == values[0];
	case MOAT_COMPARE_NE:
		return a != values[0];
	case MOAT_COMPARE_LT:
		return a < values[0];
	case MOAT_COMPARE_LE:
		return a <= values[0];
	case MOAT_COMPARE_GT:
		return a > values[0];
	case MOAT_COMPARE_GE:
		return a >= values[0];
	case MOAT_COMPARE_IN:
		for (size_t i = 0; i < count; i++) {
			if (a == values[i])
				return true;
		}
		return false;
	}
	return false;
}

static uint32_t argument_offset(unsigned arg, bool high)
{
	uint32_t offset = (uint32_t)(offsetof(struct seccomp_data, args) + 8 * arg);

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return high ? offset + 4 : offset;
#else
	return high ? offset : offset + 4;
#endif
}

/*
 * One 32-bit word: `(word & mask) op values`. A word whose mask is 0 reads
 * as 0, so the test is decided here and costs nothing.
 */
static label emit_word(struct generator *g, uint32_t offset, uint32_t mask, enum moat_compare_op op,
                       const uint32_t *values, size_t count, label on_true, label on_false)
{
	size_t before = g->count;
	uint32_t value = values[0];
	label body = on_false;

	if (mask == 0) {
		for (size_t i = 0; i < count; i++) {
			uint64_t wide = values[i];

			if (compare(0, op, &wide, 1))
				return on_true;
		}
		return on_false;
	}
	switch (op) {
	case MOAT_COMPARE_NE:
		body = on_true;
		on_true = on_false;
		on_false = body;
		/* fall through */
	case MOAT_COMPARE_EQ:
		if (mask != UINT32_MAX && value == 0) {
			/* `A & mask == 0` is `jset mask` with its targets swapped. */
			body = emit_jump(g, BPF_JSET, mask, on_false, on_true);
			mask = UINT32_MAX;
		} else if (mask != UINT32_MAX && value == mask && !(mask & (mask - 1))) {
			body = emit_jump(g, BPF_JSET, mask, on_true, on_false);
			mask = UINT32_MAX;
		} else {
			body = emit_jump(g, BPF_JEQ, value, on_true, on_false);
		}
		break;
	case MOAT_COMPARE_GT:
		body = emit_jump(g, BPF_JGT, value, on_true, on_false);
		break;
	case MOAT_COMPARE_GE:
		body = emit_jump(g, BPF_JGE, value, on_true, on_false);
		break;
	case MOAT_COMPARE_LT:
		body = emit_jump(g, BPF_JGE, value, on_false, on_true);
		break;
	case MOAT_COMPARE_LE:
		body = emit_jump(g, BPF_JGT, value, on_false, on_true);
		break;
	case MOAT_COMPARE_IN:
		for (size_t i = count; i-- > 0;)
			body = emit_jump(g, BPF_JEQ, values[i], on_true, body);
		break;
	}
	return emit_load(g, before, body, offset, mask);
}

static uint32_t high(uint64_t value)
{
	return (uint32_t)(value >> 32);
}

static uint32_t low(uint64_t value)
{
	return (uint32_t)value;
}

/* 64 bits: the high words equal, then the low words equal. */
static label emit_equal64(struct generator *g, const struct test *t, uint64_t value, label on_true,
                          label on_false)
{
	uint32_t low_value = low(value), high_value = high(value);
	label low_part = emit_word(g, argument_offset(t->arg, false), low(t->mask), MOAT_COMPARE_EQ,
	                           &low_value, 1, on_true, on_false);

	return emit_word(g, argument_offset(t->arg, true), high(t->mask), MOAT_COMPARE_EQ,
	                 &high_value, 1, low_part, on_false);
}

/* 64 bits: `A > value` (strict) or `A >= value`, high word first. */
static label emit_above64(struct generator *g, const struct test *t, uint64_t value, bool strict,
                          label on_true, label on_false)
{
	uint32_t low_value = low(value), high_value = high(value);
	label low_part = emit_word(g, argument_offset(t->arg, false), low(t->mask),
	                           strict ? MOAT_COMPARE_GT : MOAT_COMPARE_GE, &low_value, 1,
	                           on_true, on_false);
	size_t before = g->count;
	label body;

	if (high(t->mask) == 0)
		return high_value == 0 ? low_part : on_false;
	body = emit_jump(g, BPF_JEQ, high_value, low_part, on_false);
	body = emit_jump(g, BPF_JGT, high_value, on_true, body);
	return emit_load(g, before, body, argument_offset(t->arg, true), high(t->mask));
}

/*
 * 64 bits, one of a set: dispatch on the high word to a test of the low
 * words of the values that share it. Values are sorted, so those groups are
 * runs; a high word that matched no group cannot match another one.
 */
static label emit_in64(struct generator *g, const struct test *t, label on_true, label on_false)
{
	size_t group_count = 0;
	uint32_t *group_high = moat_arena_array(&g->scratch, t->count, sizeof(uint32_t));
	label *group_code = moat_arena_array(&g->scratch, t->count, sizeof(label));
	uint32_t *lows = moat_arena_array(&g->scratch, t->count, sizeof(uint32_t));
	size_t before;
	label body = on_false;

	if (!group_high || !group_code || !lows) {
		g->out_of_memory = true;
		return on_false;
	}
	for (size_t i = 0; i < t->count; i++)
		lows[i] = low(t->values[i]);
	for (size_t end = t->count; end > 0;) {
		size_t start = end - 1;

		while (start > 0 && high(t->values[start - 1]) == high(t->values[end - 1]))
			start--;
		group_high[group_count] = high(t->values[start]);
		group_code[group_count] =
		        emit_word(g, argument_offset(t->arg, false), low(t->mask), MOAT_COMPARE_IN,
		                  lows + start, end - start, on_true, on_false);
		group_count++;
		end = start;
	}
	if (high(t->mask) == 0)
		return group_code[0]; /* one group, high word 0 */
	before = g->count;
	for (size_t i = 0; i < group_count; i++)
		body = emit_jump(g, BPF_JEQ, group_high[i], group_code[i], body);
	return emit_load(g, before, body, argument_offset(t->arg, true), high(t->mask));
}

static label emit_test(struct generator *g, const struct test *t, label on_true, label on_false)
{
	if (!t->wide) {
		uint32_t single;
		uint32_t *narrow =
		        t->count > 1 ? moat_arena_array(&g->scratch, t->count, sizeof(uint32_t))
		                     : &single;

		if (!narrow) {
			g->out_of_memory = true;
			return on_false;
		}
		for (size_t i = 0; i < t->count; i++)
			narrow[i] = low(t->values[i]);
		return emit_word(g, argument_offset(t->arg, false), low(t->mask), t->op, narrow,
		                 t->count, on_true, on_false);
	}
	switch (t->op) {
	case MOAT_COMPARE_EQ:
		return emit_equal64(g, t, t->values[0], on_true, on_false);
	case MOAT_COMPARE_NE:
		return emit_equal64(g, t, t->values[0], on_false, on_true);
	case MOAT_COMPARE_GT:
		return emit_above64(g, t, t->values[0], true, on_true, on_false);
	case MOAT_COMPARE_GE:
		return emit_above64(g, t, t->values[0], false, on_true, on_false);
	case MOAT_COMPARE_LE:
		return emit_above64(g, t, t->values[0], true, on_false, on_true);
	case MOAT_COMPARE_LT:
		return emit_above64(g, t, t->values[0], false, on_false, on_true);
	case MOAT_COMPARE_IN:
		return emit_in64(g, t, on_true, on_false);
	}
	return on_false;
}

/* ---- planning: rules narrowed, checked and folded --------------------- */

static int narrow_value(uint64_t value, unsigned bits, uint64_t *narrowed)
{
	uint64_t limit;

	if (bits >= 64) {
		*narrowed = value;
		return 0;
	}
	limit = (UINT64_C(1) << bits) - 1;
	/* Zero-extended, or a negative number sign-extended from `bits`. */
	if (value <= limit || ((value | limit) == UINT64_MAX && (value >> (bits - 1)) & 1)) {
		*narrowed = value & limit;
		return 0;
	}
	return -ERANGE;
}

static int compare_values(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * What a test says before it sees any argument: the masked argument is at
 * most `mask` and has no bit outside it.
 */
static enum truth fold(struct test *t)
{
	uint64_t value = t->values[0], mask = t->mask;

	if (t->op == MOAT_COMPARE_IN) {
		if (t->count == 0)
			return NEVER;
		if (mask == 0)
			return ALWAYS; /* only 0 is left in the set */
		if (t->count == 1)
			t->op = MOAT_COMPARE_EQ;
		return DEPENDS;
	}
	if (mask == 0)
		return compare(0, t->op, &value, 1) ? ALWAYS : NEVER;
	switch (t->op) {
	case MOAT_COMPARE_EQ:
		return value & ~mask ? NEVER : DEPENDS;
	case MOAT_COMPARE_NE:
		return value & ~mask ? ALWAYS : DEPENDS;
	case MOAT_COMPARE_LT:
		return value == 0 ? NEVER : value > mask ? ALWAYS : DEPENDS;
	case MOAT_COMPARE_LE:
		return value >= mask ? ALWAYS : DEPENDS;
	case MOAT_COMPARE_GT:
		return value >= mask ? NEVER : DEPENDS;
	case MOAT_COMPARE_GE:
		return value == 0 ? ALWAYS : value > mask ? NEVER : DEPENDS;
	case MOAT_COMPARE_IN:
		break;
	}
	return DEPENDS;
}

/* Returns a truth, or a negative errno with the error filled. */
static int prepare_test(struct generator *g, const struct moat_comparison *c, struct test *t)
{
	int number = g->current->number;
	unsigned bits = moat_arch_argument_bits(g->arch, number, c->arg);
	bool in = c->op == MOAT_COMPARE_IN;
	const uint64_t *source = in ? c->set : &c->value;
	size_t count = in ? c->set_count : 1;
	uint64_t *values = moat_arena_array(&g->scratch, count ? count : 1, sizeof(uint64_t));
	enum truth truth;

	if (!values)
		return -ENOMEM;
	if (c->arg > 5)
		return moat_error_set_at(g->error, -EINVAL, &c->location,
		                         "arg%u does not exist: system calls take arg0 to arg5",
		                         c->arg);
	if (bits == 0 || bits > 64)
		bits = 64;
	t->arg = c->arg;
	t->mask = bits == 64 ? c->mask : c->mask & ((UINT64_C(1) << bits) - 1);
	t->op = c->op;
	t->count = 0;
	for (size_t i = 0; i < count; i++) {
		uint64_t value;

		if (narrow_value(source[i], bits, &value) < 0)
			return moat_error_set_at(
			        g->error, -EINVAL, &c->location,
			        "value %#" PRIx64 " does not fit argument arg%u of %s, which the "
			        "kernel reads as a %u-bit number; a filter comparing more bits "
			        "would differ from what the system call sees",
			        source[i], c->arg, g->current->name, bits);
		if (in && (value & ~t->mask))
			continue; /* the masked argument can never equal it */
		values[t->count++] = value;
	}
	if (in) {
		size_t unique = 0;

		qsort(values, t->count, sizeof(*values), compare_values);
		for (size_t i = 0; i < t->count; i++) {
			if (!unique || values[unique - 1] != values[i])
				values[unique++] = values[i];
		}
		t->count = unique;
	}
	t->values = values;
	truth = fold(t);
	t->wide = bits > 32 && high(t->mask) != 0;
	return (int)truth;
}

/* Returns the truth of the whole condition; `rule` gets what must be tested. */
static int plan_condition(struct generator *g, const struct moat_condition *condition,
                          struct rule_plan *rule)
{
	struct conjunction_plan *conjunctions =
	        moat_arena_array(&g->scratch, condition->count + 1, sizeof(*conjunctions));
	bool always = false;

	if (!conjunctions)
		return -ENOMEM;
	rule->conjunctions = conjunctions;
	rule->count = 0;
	for (size_t i = 0; i < condition->count; i++) {
		const struct moat_conjunction *source = &condition->conjunctions[i];
		struct test *tests =
		        moat_arena_array(&g->scratch, source->count + 1, sizeof(*tests));
		size_t count = 0;
		bool never = false;

		if (!tests)
			return -ENOMEM;
		for (size_t j = 0; j < source->count; j++) {
			int truth = prepare_test(g, &source->comparisons[j], &tests[count]);

			if (truth < 0)
				return truth;
			if (truth == NEVER)
				never = true;
			else if (truth == DEPENDS)
				count++;
		}
		if (never)
			continue;
		if (count == 0)
			always = true;
		else
			conjunctions[rule->count++] = (struct conjunction_plan){tests, count};
	}
	if (always)
		return ALWAYS;
	return rule->count ? DEPENDS : NEVER;
}

static int action_value(struct generator *g, const struct moat_action *action,
                        const struct moat_location *location, uint32_t *value)
{
	if (action->kind == MOAT_ACTION_ERRNO &&
	    (action->errno_value < 0 || action->errno_value > MOAT_SECCOMP_MAX_ERRNO))
		return moat_error_set_at(g->error, -EINVAL, location,
		                         "errno %d cannot be returned by a seccomp filter, which "
		                         "returns 0 to %d",
		                         action->errno_value, MOAT_SECCOMP_MAX_ERRNO);
	*value = moat_seccomp_return_value(action);
	return 0;
}

/*
 * The rules of one syscall that can decide: those that never apply are gone,
 * a rule that always applies ends the list as the fallback, and trailing
 * rules that return what the fallback returns are dropped. No rule left
 * means the syscall's outcome does not depend on its arguments.
 */
static int plan_syscall(struct generator *g, uint32_t default_value, struct syscall_plan *plan)
{
	const struct moat_syscall_rules *s = g->current;
	bool decided = false;
	int rc;

	plan->fallback = default_value;
	plan->fallback_statement = g->default_statement;
	plan->count = 0;
	plan->rules = moat_arena_array(&g->scratch, s->conditional_count + 1, sizeof(*plan->rules));
	if (!plan->rules)
		return -ENOMEM;
	if (s->unconditional) {
		rc = action_value(g, &s->unconditional->action, &s->unconditional->location,
		                  &plan->fallback);
		if (rc < 0)
			return rc;
		plan->fallback_statement = &s->unconditional->statement;
	}
	for (size_t i = 0; i < s->conditional_count; i++) {
		const struct moat_syscall_rule *source = &s->conditional[i];
		struct rule_plan *rule = &plan->rules[plan->count];
		int truth = ALWAYS;

		rc = action_value(g, &source->action, &source->location, &rule->value);
		if (rc < 0)
			return rc;
		rule->location = &source->location;
		rule->statement = &source->statement;
		if (source->condition)
			truth = plan_condition(g, source->condition, rule);
		if (truth < 0)
			return truth;
		if (decided || truth == NEVER)
			continue; /* still checked above: a bad rule is an error wherever it is */
		if (truth == ALWAYS) {
			plan->fallback = rule->value;
			plan->fallback_statement = rule->statement;
			decided = true;
		} else {
			plan->count++;
		}
	}
	while (plan->count > 0 && plan->rules[plan->count - 1].value == plan->fallback)
		plan->count--;
	return 0;
}

/* ---- the chains of rules ------------------------------------------------ */

/* `text` in the program's arena; consecutive copies of one string share it. */
static const char *copy_text(struct generator *g, const char *text, const char **last,
                             const char **last_copy)
{
	if (!text)
		return NULL;
	if (text != *last) {
		*last_copy = moat_arena_strdup(g->arena, text);
		*last = *last_copy ? text : NULL;
		if (!*last_copy) {
			g->out_of_memory = true;
			return NULL;
		}
	}
	return *last_copy;
}

static const struct moat_location *copy_location(struct generator *g,
                                                 const struct moat_location *location)
{
	struct moat_location *copy = moat_arena_alloc(g->arena, sizeof(*copy));

	if (!copy) {
		g->out_of_memory = true;
		return NULL;
	}
	*copy = *location;
	copy->file = copy_text(g, location->file, &g->last_file, &g->last_file_copy);
	return copy;
}

/* A statement the filter refers to after the policy is gone. */
static const struct moat_statement *copy_statement(struct generator *g,
                                                   const struct moat_statement *statement)
{
	struct moat_statement *copy = moat_arena_alloc(g->arena, sizeof(*copy));

	if (!copy) {
		g->out_of_memory = true;
		return NULL;
	}
	*copy = *statement;
	copy->location.file =
	        copy_text(g, statement->location.file, &g->last_file, &g->last_file_copy);
	copy->text = copy_text(g, statement->text ? statement->text : "", &g->last_text,
	                       &g->last_text_copy);
	return copy;
}

/* Every instruction emitted since `before` tests the condition of `rule`. */
static void mark_tests(struct generator *g, size_t before, const struct rule_plan *rule)
{
	const struct moat_statement *statement;

	if (before >= g->count)
		return;
	statement = copy_statement(g, rule->statement);
	for (size_t at = before; at < g->count; at++)
		g->origins[at] = (struct moat_bpf_origin){statement, rule->value};
}

static label emit_conjunction(struct generator *g, const struct conjunction_plan *conjunction,
                              label on_true, label on_false)
{
	label next = on_true;

	for (size_t i = conjunction->count; i-- > 0;)
		next = emit_test(g, &conjunction->tests[i], next, on_false);
	return next;
}

/* First match: each rule in order, then the fallback. */
static label emit_chain(struct generator *g, const struct syscall_plan *plan)
{
	label next = emit_return(g, plan->fallback);

	for (size_t i = plan->count; i-- > 0;) {
		const struct rule_plan *rule = &plan->rules[i];
		label on_match = emit_return(g, rule->value);
		size_t before = g->count;
		label start = next;

		for (size_t j = rule->count; j-- > 0;)
			start = emit_conjunction(g, &rule->conjunctions[j], on_match, start);
		if (start >= before && !is_return(g, start))
			g->notes[start].rule = copy_location(g, rule->location);
		mark_tests(g, before, rule);
		next = start;
	}
	return next;
}

/* ---- the search over syscall numbers ------------------------------------ */

static void add_segment(struct segment *segments, size_t *count, struct segment segment)
{
	struct segment *previous = *count ? &segments[*count - 1] : NULL;

	if (previous && !previous->conditional && !segment.conditional &&
	    previous->value == segment.value && previous->last + 1 == segment.first) {
		previous->last = segment.last;
		return;
	}
	segments[(*count)++] = segment;
}

static struct segment constant(uint32_t first, uint32_t last, uint32_t value)
{
	return (struct segment){.first = first, .last = last, .value = value};
}

/* A balanced binary search: `jge` on the first number of the upper half. */
static label emit_search(struct generator *g, const struct segment *segments, size_t count)
{
	size_t half = count / 2, before;
	label upper, lower, jump;

	if (count == 1)
		return segments[0].conditional ? segments[0].chain
		                               : emit_return(g, segments[0].value);
	upper = emit_search(g, segments + half, count - half);
	lower = emit_search(g, segments, half);
	before = g->count;
	jump = emit_jump(g, BPF_JGE, segments[half].first, upper, lower);
	if (jump >= before)
		g->notes[jump].flags |= MOAT_BPF_NOTE_NUMBER;
	return jump;
}

/* ---- the whole program ------------------------------------------------- */

static int too_long(struct generator *g)
{
	if (!g->largest)
		return moat_error_set(
		        g->error, -E2BIG,
		        "the [syscalls] section needs more than the kernel's limit of "
		        "%d BPF instructions",
		        MOAT_SECCOMP_MAX_INSTRUCTIONS);
	return moat_error_set_at(g->error, -E2BIG, &g->largest->conditional[0].location,
	                         "the [syscalls] section needs more than the kernel's limit of %d "
	                         "BPF instructions; the argument checks of %s take %s%zu of them: "
	                         "use fewer or simpler conditions",
	                         MOAT_SECCOMP_MAX_INSTRUCTIONS, g->largest->name,
	                         g->overflow_in_chain ? "more than " : "", g->largest_length);
}

/* The first number that is no syscall of `arch`'s own ABI. */
static uint32_t number_limit(const struct moat_arch *arch)
{
	uint32_t foreign_bit = moat_arch_foreign_number_bit(arch);

	return foreign_bit ? foreign_bit : SYSCALL_NUMBER_LIMIT;
}

static int check_table(struct generator *g, const struct moat_syscalls_section *syscalls)
{
	for (size_t i = 0; i < syscalls->count; i++) {
		const struct moat_syscall_rules *s = &syscalls->syscalls[i];

		if (s->number < 0 || (uint32_t)s->number >= number_limit(g->arch))
			return moat_error_set(g->error, -EINVAL,
			                      "syscall %s has number %d, outside the %s "
			                      "architecture's range",
			                      s->name ? s->name : "?", s->number,
			                      moat_arch_name(g->arch));
		if (i > 0 && s->number <= syscalls->syscalls[i - 1].number)
			return moat_error_set(g->error, -EINVAL,
			                      "the policy's syscall table is not sorted by number "
			                      "(%d after %d)",
			                      s->number, syscalls->syscalls[i - 1].number);
	}
	return 0;
}

/* Compiles every syscall's chain, highest number first; fills `outcomes`. */
static int emit_chains(struct generator *g, const struct moat_syscalls_section *syscalls,
                       uint32_t default_value, struct segment *outcomes)
{
	for (size_t i = syscalls->count; i-- > 0;) {
		struct syscall_plan plan;
		size_t before = g->count;
		label chain;
		int rc;

		g->current = &syscalls->syscalls[i];
		/* A plan is as large as the syscall's conditions: keep one at a time. */
		moat_arena_release(&g->scratch);
		rc = plan_syscall(g, default_value, &plan);
		if (rc < 0)
			return rc;
		outcomes[i] = constant((uint32_t)g->current->number, (uint32_t)g->current->number,
		                       plan.fallback);
		g->fallbacks[i] = (struct moat_seccomp_fallback){
		        (uint32_t)g->current->number, copy_statement(g, plan.fallback_statement)};
		if (plan.count == 0)
			continue;
		chain = emit_chain(g, &plan);
		if (g->out_of_memory)
			return -ENOMEM;
		if (g->overflow || g->count - before > g->largest_length) {
			g->largest = g->current;
			g->largest_length = g->count - before;
		}
		if (g->overflow) {
			g->overflow_in_chain = true;
			return too_long(g);
		}
		if (is_return(g, chain)) {
			outcomes[i].value = g->code[chain].k;
			continue;
		}
		outcomes[i].conditional = true;
		outcomes[i].chain = chain;
		g->notes[chain].syscall =
		        moat_arena_strdup(g->arena, g->current->name ? g->current->name : "?");
		if (!g->notes[chain].syscall)
			return -ENOMEM;
	}
	return 0;
}

static size_t build_segments(const struct generator *g,
                             const struct moat_syscalls_section *syscalls, uint32_t default_value,
                             const struct segment *outcomes, struct segment *segments)
{
	uint32_t foreign_bit = moat_arch_foreign_number_bit(g->arch);
	size_t count = 0;
	uint32_t next = 0;

	for (size_t i = 0; i < syscalls->count; i++) {
		if (outcomes[i].first > next)
			add_segment(segments, &count,
			            constant(next, outcomes[i].first - 1, default_value));
		add_segment(segments, &count, outcomes[i]);
		next = outcomes[i].first + 1;
	}
	if (!foreign_bit) {
		add_segment(segments, &count, constant(next, UINT32_MAX, default_value));
		return count;
	}
	/* x32 calls pass the architecture check: their numbers are killed here. */
	if (next < foreign_bit)
		add_segment(segments, &count, constant(next, foreign_bit - 1, default_value));
	add_segment(segments, &count,
	            constant(foreign_bit, UINT32_MAX - 1, SECCOMP_RET_KILL_PROCESS));
	/* -1 is "no syscall" (a tracer skipping one), not an x32 call. */
	add_segment(segments, &count, constant(UINT32_MAX, UINT32_MAX, default_value));
	return count;
}

/* The architecture check and the load of the syscall number. */
static label emit_header(struct generator *g, label search)
{
	size_t before;
	label start = search, foreign;

	if (!is_return(g, search))
		start = emit_load(g, 0, search, offsetof(struct seccomp_data, nr), UINT32_MAX);
	if (is_return(g, start) && g->code[start].k == SECCOMP_RET_KILL_PROCESS)
		return start; /* everything is killed, whatever the architecture */
	foreign = emit(g, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
	g->notes[foreign].flags |= MOAT_BPF_NOTE_FOREIGN;
	before = g->count;
	start = emit_jump(g, BPF_JEQ, moat_arch_audit(g->arch), start, foreign);
	return emit_load(g, before, start, offsetof(struct seccomp_data, arch), UINT32_MAX);
}

/* Copies the reversed code into the program, first instruction first. */
static int finish(struct generator *g, struct moat_seccomp_program *program,
                  const struct segment *segments, size_t segment_count)
{
	struct moat_seccomp_segment *public_segments;

	program->length = g->count;
	program->instructions = moat_arena_alloc_uninitialized(
	        &program->arena, (g->count ? g->count : 1) * sizeof(struct sock_filter));
	program->notes = moat_arena_alloc_uninitialized(
	        &program->arena, (g->count ? g->count : 1) * sizeof(struct moat_bpf_note));
	program->origins = moat_arena_alloc_uninitialized(
	        &program->arena, (g->count ? g->count : 1) * sizeof(struct moat_bpf_origin));
	public_segments =
	        moat_arena_array(&program->arena, segment_count, sizeof(*public_segments));
	program->default_statement = copy_statement(g, g->default_statement);
	if (!program->instructions || !program->notes || !program->origins || !public_segments ||
	    !program->default_statement)
		return -ENOMEM;
	for (size_t i = 0; i < g->count; i++) {
		program->instructions[i] = g->code[g->count - 1 - i];
		program->notes[i] = g->notes[g->count - 1 - i];
		program->origins[i] = g->origins[g->count - 1 - i];
	}
	program->fallbacks = g->fallbacks;
	program->fallback_count = g->fallback_count;
	for (size_t i = 0; i < segment_count; i++) {
		public_segments[i] = (struct moat_seccomp_segment){
		        .first = segments[i].first,
		        .last = segments[i].last,
		        .conditional = segments[i].conditional,
		        .value = segments[i].value,
		};
	}
	program->segments = public_segments;
	program->segment_count = segment_count;
	program->architecture = moat_arch_audit(g->arch);
	program->arch = g->arch;
	return 0;
}

static int generate(struct generator *g, const struct moat_syscalls_section *syscalls,
                    struct moat_seccomp_program *program)
{
	struct segment *outcomes, *segments;
	size_t segment_count;
	uint32_t default_value = SECCOMP_RET_KILL_PROCESS;
	label search;
	int rc;

	outcomes = moat_arena_array(&g->tables, syscalls->count + 1, sizeof(*outcomes));
	segments = moat_arena_array(&g->tables, 2 * syscalls->count + 4, sizeof(*segments));
	g->fallbacks = moat_arena_array(g->arena, syscalls->count + 1, sizeof(*g->fallbacks));
	g->fallback_count = syscalls->count;
	g->default_statement = &syscalls->default_statement;
	if (!outcomes || !segments || !g->fallbacks || !grow(g))
		return -ENOMEM;
	rc = action_value(g, &syscalls->default_action, &syscalls->default_location,
	                  &default_value);
	if (rc == 0)
		rc = check_table(g, syscalls);
	if (rc == 0)
		rc = emit_chains(g, syscalls, default_value, outcomes);
	if (rc < 0)
		return rc;
	segment_count = build_segments(g, syscalls, default_value, outcomes, segments);
	search = emit_search(g, segments, segment_count);
	emit_header(g, search);
	if (g->out_of_memory)
		return -ENOMEM;
	if (g->overflow)
		return too_long(g);
	return finish(g, program, segments, segment_count);
}

int moat_seccomp_generate(struct moat_seccomp_program *program,
                          const struct moat_syscalls_section *syscalls, struct moat_error *error)
{
	struct generator g = {
	        .arena = &program->arena,
	        .arch = syscalls->arch ? syscalls->arch : moat_arch_native(),
	        .error = error,
	};
	int rc;

	memset(program, 0, sizeof(*program));
	rc = generate(&g, syscalls, program);
	moat_arena_release(&g.scratch);
	moat_arena_release(&g.tables);
	free(g.code);
	free(g.notes);
	free(g.origins);
	if (rc == -ENOMEM)
		moat_error_set(error, rc, "out of memory while compiling the seccomp filter");
	if (rc < 0)
		moat_seccomp_program_release(program);
	return rc;
}

void moat_seccomp_program_release(struct moat_seccomp_program *program)
{
	moat_arena_release(&program->arena);
	memset(program, 0, sizeof(*program));
}
