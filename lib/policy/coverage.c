// SPDX-License-Identifier: MIT
/*
 * What conditions imply, on the bits the kernel reads from each argument:
 * a condition that can never hold, and earlier rules that decide every case
 * of a later one (so the later one can never apply).
 *
 * A policy comes from whoever wrote it, so nothing here compares every pair
 * of anything. Each conjunction is put in a canonical form: its comparisons
 * narrowed to the argument's width, sorted, repeats dropped. Contradictions
 * are then found one (argument, mask) run at a time, and whether one
 * conjunction's comparisons are all among another's is a binary search per
 * comparison. Earlier conjunctions are indexed by one of their comparisons
 * (the one shared by the fewest others when added), so a later case looks
 * only at conjunctions that could be implied by it. What that lookup still
 * does is counted against MOAT_COVERAGE_WORK_LIMIT; passing it is an error,
 * never a skipped check.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "policy/resolve.h"
#include "syscalls/syscalls.h"

/* A comparison narrowed to what the kernel reads: (arg & mask) OP value. */
struct fact {
	unsigned arg;
	enum moat_compare_op op;
	uint64_t mask;
	uint64_t value; /* 0 for MOAT_COMPARE_IN */
	uint64_t width; /* the bits the kernel reads; set values are narrowed with it */
	const uint64_t *set;
	size_t set_count;
	uint64_t hash;
};

/* One conjunction in canonical form. */
struct canonical {
	struct fact *facts; /* sorted by compare_facts, no repeats */
	size_t count;
	bool never;
	bool always;
	uint64_t hash;
};

struct moat_cases {
	struct canonical *cases;
	size_t count;
	bool never; /* every case is */
};

/* An earlier conjunction, listed under its key comparison. */
struct entry {
	const struct canonical *conjunction;
	size_t rule;
	struct entry *next; /* a later rule under the same key */
};

struct key {
	const struct fact *fact;
	size_t count;
	struct entry *first;
	struct entry *last;
};

/* A rule added with a condition, to find the same rule written again. */
struct written {
	const struct moat_condition *condition;
	struct moat_action action;
	size_t rule;
};

/* Open addressing on a 64-bit hash; items are compared by the caller. */
struct slot {
	uint64_t hash;
	void *item;
};

struct table {
	struct slot *slots;
	size_t capacity; /* a power of two, or 0 */
	size_t count;
};

struct moat_coverage {
	struct moat_resolver *resolver;
	struct moat_arena arena;
	const struct moat_arch *arch; /* the policy's */
	int number;
	struct table keys;         /* struct key, by fact */
	struct table conjunctions; /* struct canonical, each indexed once */
	struct table written;      /* struct written, by condition as written and action */
	size_t rules;              /* added so far */
	size_t first_conditional;  /* decides a case that can never hold */
	size_t first_always;       /* a conjunction that can hold and always does */
	size_t first_always_any;   /* any conjunction that always holds */
};

/* ---- hashing ---------------------------------------------------------- */

static uint64_t mix(uint64_t hash, uint64_t value)
{
	hash ^= value + 0x9e3779b97f4a7c15ULL + (hash << 6) + (hash >> 2);
	hash ^= hash >> 31;
	hash *= 0xbf58476d1ce4e5b9ULL;
	return hash ^ (hash >> 29);
}

static bool table_grow(struct moat_arena *arena, struct table *table)
{
	size_t capacity = table->capacity ? 2 * table->capacity : 64;
	struct slot *slots = moat_arena_array(arena, capacity, sizeof(*slots));

	if (!slots)
		return false;
	for (size_t i = 0; i < table->capacity; i++) {
		size_t at = table->slots[i].hash & (capacity - 1);

		if (!table->slots[i].item)
			continue;
		while (slots[at].item)
			at = (at + 1) & (capacity - 1);
		slots[at] = table->slots[i];
	}
	table->slots = slots;
	table->capacity = capacity;
	return true;
}

static bool table_insert(struct moat_arena *arena, struct table *table, uint64_t hash, void *item)
{
	size_t at;

	if (2 * (table->count + 1) > table->capacity && !table_grow(arena, table))
		return false;
	at = hash & (table->capacity - 1);
	while (table->slots[at].item)
		at = (at + 1) & (table->capacity - 1);
	table->slots[at] = (struct slot){hash, item};
	table->count++;
	return true;
}

/* Visits the items stored under `hash`, then returns NULL; start with *at = SIZE_MAX. */
static void *table_next(const struct table *table, uint64_t hash, size_t *at)
{
	if (!table->capacity)
		return NULL;
	*at = *at == SIZE_MAX ? hash & (table->capacity - 1) : (*at + 1) & (table->capacity - 1);
	for (; table->slots[*at].item; *at = (*at + 1) & (table->capacity - 1)) {
		if (table->slots[*at].hash == hash)
			return table->slots[*at].item;
	}
	return NULL;
}

/* ---- one comparison --------------------------------------------------- */

static struct fact make_fact(const struct moat_comparison *comparison, const struct moat_arch *arch,
                             int number)
{
	uint64_t width = moat_arch_argument_mask(arch, number, comparison->arg);
	struct fact fact = {
	        .arg = comparison->arg,
	        .op = comparison->op,
	        .mask = comparison->mask & width,
	        .width = width,
	};

	if (fact.op == MOAT_COMPARE_IN) {
		fact.set = comparison->set;
		fact.set_count = comparison->set_count;
	} else {
		fact.value = comparison->value & width;
	}
	fact.hash = mix(mix(mix(mix(fact.arg, fact.op), fact.mask), fact.value), fact.set_count);
	for (size_t i = 0; i < fact.set_count; i++)
		fact.hash = mix(fact.hash, fact.set[i] & width);
	return fact;
}

static int compare_numbers(uint64_t a, uint64_t b)
{
	return a < b ? -1 : a > b;
}

/* A total order; equal means the same comparison of the same bits (a set in the same order). */
static int compare_facts(const struct fact *a, const struct fact *b)
{
	int order =
	        a->arg != b->arg ? (a->arg < b->arg ? -1 : 1) : compare_numbers(a->mask, b->mask);

	if (!order)
		order = a->op != b->op ? (a->op < b->op ? -1 : 1)
		                       : compare_numbers(a->value, b->value);
	if (!order)
		order = compare_numbers(a->set_count, b->set_count);
	for (size_t i = 0; !order && i < a->set_count; i++)
		order = compare_numbers(a->set[i] & a->width, b->set[i] & b->width);
	return order;
}

static int order_facts(const void *a, const void *b)
{
	return compare_facts(a, b);
}

static bool set_has_reachable(const struct fact *fact)
{
	for (size_t i = 0; i < fact->set_count; i++) {
		if (((fact->set[i] & fact->width) & ~fact->mask) == 0)
			return true;
	}
	return false;
}

static bool fact_never(const struct fact *n)
{
	switch (n->op) {
	case MOAT_COMPARE_EQ:
		return (n->value & ~n->mask) != 0;
	case MOAT_COMPARE_LT:
		return n->value == 0;
	case MOAT_COMPARE_GT:
		return n->value >= n->mask;
	case MOAT_COMPARE_GE:
		return n->value > n->mask;
	case MOAT_COMPARE_IN:
		return !set_has_reachable(n);
	case MOAT_COMPARE_NE:
	case MOAT_COMPARE_LE:
		return false;
	}
	return false;
}

static bool fact_always(const struct fact *n)
{
	switch (n->op) {
	case MOAT_COMPARE_NE:
		return (n->value & ~n->mask) != 0;
	case MOAT_COMPARE_LT:
		return n->value > n->mask;
	case MOAT_COMPARE_LE:
		return n->value >= n->mask;
	case MOAT_COMPARE_GE:
		return n->value == 0;
	case MOAT_COMPARE_EQ:
		return n->mask == 0 && n->value == 0;
	case MOAT_COMPARE_GT:
	case MOAT_COMPARE_IN:
		return false;
	}
	return false;
}

/* ---- one conjunction -------------------------------------------------- */

/* The range [low, high] and the required value that comparisons on one masked argument allow. */
struct bounds {
	uint64_t low;
	uint64_t high;
	bool has_equal;
	uint64_t equal;
	bool contradiction;
};

static void tighten(struct bounds *bounds, const struct fact *n)
{
	switch (n->op) {
	case MOAT_COMPARE_EQ:
		if (bounds->has_equal && bounds->equal != n->value)
			bounds->contradiction = true;
		bounds->has_equal = true;
		bounds->equal = n->value;
		break;
	case MOAT_COMPARE_LT:
		if (n->value == 0)
			bounds->contradiction = true;
		else if (n->value - 1 < bounds->high)
			bounds->high = n->value - 1;
		break;
	case MOAT_COMPARE_LE:
		if (n->value < bounds->high)
			bounds->high = n->value;
		break;
	case MOAT_COMPARE_GT:
		if (n->value == UINT64_MAX)
			bounds->contradiction = true;
		else if (n->value + 1 > bounds->low)
			bounds->low = n->value + 1;
		break;
	case MOAT_COMPARE_GE:
		if (n->value > bounds->low)
			bounds->low = n->value;
		break;
	case MOAT_COMPARE_NE:
	case MOAT_COMPARE_IN:
		break;
	}
}

/* A run of facts on one argument and mask that no value satisfies together. */
static bool contradictory(const struct fact *run, size_t count)
{
	struct bounds bounds = {0, run[0].mask, false, 0, false};

	for (size_t i = 0; i < count; i++)
		tighten(&bounds, &run[i]);
	if (bounds.contradiction || bounds.low > bounds.high)
		return true;
	if (!bounds.has_equal)
		return false;
	if (bounds.equal < bounds.low || bounds.equal > bounds.high)
		return true;
	for (size_t i = 0; i < count; i++) {
		if (run[i].op == MOAT_COMPARE_NE && run[i].value == bounds.equal)
			return true;
	}
	return false;
}

static bool canonical_never(const struct canonical *c)
{
	for (size_t i = 0; i < c->count; i++) {
		if (fact_never(&c->facts[i]))
			return true;
	}
	for (size_t begin = 0, end; begin < c->count; begin = end) {
		for (end = begin; end < c->count && c->facts[end].arg == c->facts[begin].arg &&
		                  c->facts[end].mask == c->facts[begin].mask;)
			end++;
		if (contradictory(c->facts + begin, end - begin))
			return true;
	}
	return false;
}

static bool canonical_always(const struct canonical *c)
{
	for (size_t i = 0; i < c->count; i++) {
		if (!fact_always(&c->facts[i]))
			return false;
	}
	return true;
}

static bool canonicalize(struct moat_arena *arena, const struct moat_conjunction *conjunction,
                         const struct moat_arch *arch, int number, struct canonical *c)
{
	size_t unique = 0;

	c->facts = conjunction->count <= SIZE_MAX / sizeof(*c->facts)
	                   ? moat_arena_alloc_uninitialized(
	                             arena, (conjunction->count ? conjunction->count : 1) *
	                                            sizeof(*c->facts))
	                   : NULL;
	if (!c->facts)
		return false;
	for (size_t i = 0; i < conjunction->count; i++)
		c->facts[i] = make_fact(&conjunction->comparisons[i], arch, number);
	qsort(c->facts, conjunction->count, sizeof(*c->facts), order_facts);
	for (size_t i = 0; i < conjunction->count; i++) {
		if (!unique || compare_facts(&c->facts[unique - 1], &c->facts[i]))
			c->facts[unique++] = c->facts[i];
	}
	c->count = unique;
	c->never = canonical_never(c);
	c->always = canonical_always(c);
	c->hash = mix(0, unique);
	for (size_t i = 0; i < unique; i++)
		c->hash = mix(c->hash, c->facts[i].hash);
	return true;
}

static bool same_canonical(const struct canonical *a, const struct canonical *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		if (compare_facts(&a->facts[i], &b->facts[i]))
			return false;
	}
	return true;
}

static bool contains_fact(const struct canonical *c, const struct fact *fact)
{
	size_t low = 0, high = c->count;

	while (low < high) {
		size_t middle = low + (high - low) / 2;
		int order = compare_facts(&c->facts[middle], fact);

		if (!order)
			return true;
		if (order < 0)
			low = middle + 1;
		else
			high = middle;
	}
	return false;
}

/* Every comparison of `general` is one of `specific`'s, so general holds whenever specific does. */
static bool subset(const struct canonical *general, const struct canonical *specific)
{
	for (size_t i = 0; i < general->count; i++) {
		if (!contains_fact(specific, &general->facts[i]))
			return false;
	}
	return true;
}

/* ---- conditions ------------------------------------------------------- */

static struct moat_cases *make_cases(struct moat_arena *arena,
                                     const struct moat_condition *condition,
                                     const struct moat_arch *arch, int number)
{
	struct moat_cases *cases = moat_arena_alloc(arena, sizeof(*cases));

	if (!cases)
		return NULL;
	cases->cases = moat_arena_array(arena, condition->count ? condition->count : 1,
	                                sizeof(*cases->cases));
	if (!cases->cases)
		return NULL;
	cases->count = condition->count;
	cases->never = true;
	for (size_t i = 0; i < condition->count; i++) {
		if (!canonicalize(arena, &condition->conjunctions[i], arch, number,
		                  &cases->cases[i]))
			return NULL;
		cases->never = cases->never && cases->cases[i].never;
	}
	return cases;
}

bool moat_condition_never(struct moat_resolver *resolver, const struct moat_condition *condition,
                          int number)
{
	struct moat_arena scratch = {0};
	bool never = true;

	for (size_t i = 0; i < condition->count && never; i++) {
		struct canonical one_case;

		if (!canonicalize(&scratch, &condition->conjunctions[i],
		                  resolver->policy->syscalls.arch, number, &one_case)) {
			resolver->out_of_memory = true;
			never = false;
			break;
		}
		never = one_case.never;
	}
	moat_arena_release(&scratch);
	return never;
}

bool moat_cases_never(const struct moat_cases *cases)
{
	return cases->never;
}

/* ---- the index of earlier rules --------------------------------------- */

struct moat_coverage *moat_coverage_create(struct moat_resolver *resolver, int number)
{
	struct moat_coverage *coverage = calloc(1, sizeof(*coverage));

	if (!coverage) {
		resolver->out_of_memory = true;
		return NULL;
	}
	coverage->resolver = resolver;
	coverage->arch = resolver->policy->syscalls.arch;
	coverage->number = number;
	coverage->first_conditional = MOAT_COVERAGE_NONE;
	coverage->first_always = MOAT_COVERAGE_NONE;
	coverage->first_always_any = MOAT_COVERAGE_NONE;
	return coverage;
}

void moat_coverage_destroy(struct moat_coverage *coverage)
{
	if (!coverage)
		return;
	moat_arena_release(&coverage->arena);
	free(coverage);
}

const struct moat_cases *moat_coverage_cases(struct moat_coverage *coverage,
                                             const struct moat_condition *condition)
{
	const struct moat_cases *cases =
	        make_cases(&coverage->arena, condition, coverage->arch, coverage->number);

	if (!cases)
		coverage->resolver->out_of_memory = true;
	return cases;
}

static struct key *find_key(const struct moat_coverage *coverage, const struct fact *fact)
{
	size_t at = SIZE_MAX;
	struct key *key;

	while ((key = table_next(&coverage->keys, fact->hash, &at))) {
		if (!compare_facts(key->fact, fact))
			return key;
	}
	return NULL;
}

/* Charges `work` to the policy; false once the limit is passed. */
static bool charge(struct moat_coverage *coverage, size_t work)
{
	struct moat_resolver *resolver = coverage->resolver;

	if (resolver->coverage_work > MOAT_COVERAGE_WORK_LIMIT ||
	    work > MOAT_COVERAGE_WORK_LIMIT - resolver->coverage_work)
		return false;
	resolver->coverage_work += work;
	return true;
}

/* The first rule with a conjunction that can hold and that `one_case` implies. */
static int find_for_case(struct moat_coverage *coverage, const struct canonical *one_case,
                         size_t *rule)
{
	size_t best = coverage->first_always;

	if (one_case->never) {
		*rule = coverage->first_conditional;
		return 0;
	}
	if (!charge(coverage, one_case->count))
		return -E2BIG;
	for (size_t i = 0; i < one_case->count; i++) {
		const struct key *key = find_key(coverage, &one_case->facts[i]);

		for (const struct entry *e = key ? key->first : NULL; e && e->rule < best;
		     e = e->next) {
			if (!charge(coverage, e->conjunction->count))
				return -E2BIG;
			if (subset(e->conjunction, one_case)) {
				best = e->rule; /* entries under one key come in rule order */
				break;
			}
		}
	}
	*rule = best;
	return 0;
}

int moat_coverage_find(struct moat_coverage *coverage, const struct moat_cases *cases, size_t *rule)
{
	*rule = MOAT_COVERAGE_NONE;
	if (!cases) {
		*rule = coverage->first_always_any;
		return 0;
	}
	for (size_t i = 0; i < cases->count; i++) {
		int rc = find_for_case(coverage, &cases->cases[i], rule);

		if (rc < 0 || *rule == MOAT_COVERAGE_NONE)
			return rc;
	}
	return 0;
}

static uint64_t written_hash(const struct moat_condition *condition,
                             const struct moat_action *action, const struct moat_arch *arch,
                             int number)
{
	uint64_t hash = mix(mix(action->kind, (uint64_t)action->errno_value), condition->count);

	for (size_t i = 0; i < condition->count; i++) {
		const struct moat_conjunction *conjunction = &condition->conjunctions[i];

		hash = mix(hash, conjunction->count);
		for (size_t k = 0; k < conjunction->count; k++)
			hash = mix(hash,
			           make_fact(&conjunction->comparisons[k], arch, number).hash);
	}
	return hash;
}

static bool same_action(const struct moat_action *left, const struct moat_action *right)
{
	return left->kind == right->kind &&
	       (left->kind != MOAT_ACTION_ERRNO || left->errno_value == right->errno_value);
}

/* The same conjunctions of the same comparisons, in the order written. */
static bool same_written(const struct moat_condition *left, const struct moat_condition *right,
                         const struct moat_arch *arch, int number)
{
	if (left->count != right->count)
		return false;
	for (size_t i = 0; i < left->count; i++) {
		const struct moat_conjunction *a = &left->conjunctions[i];
		const struct moat_conjunction *b = &right->conjunctions[i];

		if (a->count != b->count)
			return false;
		for (size_t k = 0; k < a->count; k++) {
			struct fact x = make_fact(&a->comparisons[k], arch, number);
			struct fact y = make_fact(&b->comparisons[k], arch, number);

			if (compare_facts(&x, &y))
				return false;
		}
	}
	return true;
}

size_t moat_coverage_repeat(struct moat_coverage *coverage, const struct moat_condition *condition,
                            const struct moat_action *action)
{
	uint64_t hash = written_hash(condition, action, coverage->arch, coverage->number);
	size_t at = SIZE_MAX, first = MOAT_COVERAGE_NONE;
	const struct written *earlier;

	while ((earlier = table_next(&coverage->written, hash, &at))) {
		if (earlier->rule < first && same_action(&earlier->action, action) &&
		    same_written(earlier->condition, condition, coverage->arch, coverage->number))
			first = earlier->rule;
	}
	return first;
}

/* The key under which `conjunction` is listed: its comparison with the fewest listed so far. */
static struct key *choose_key(struct moat_coverage *coverage, const struct canonical *conjunction)
{
	struct key *best = NULL;

	for (size_t i = 0; i < conjunction->count; i++) {
		struct key *key = find_key(coverage, &conjunction->facts[i]);

		if (!key) {
			key = moat_arena_alloc(&coverage->arena, sizeof(*key));
			if (!key || !table_insert(&coverage->arena, &coverage->keys,
			                          conjunction->facts[i].hash, key))
				return NULL;
			key->fact = &conjunction->facts[i];
			return key;
		}
		if (!best || key->count < best->count)
			best = key;
	}
	return best;
}

static bool listed(const struct moat_coverage *coverage, const struct canonical *conjunction)
{
	size_t at = SIZE_MAX;
	const struct canonical *other;

	while ((other = table_next(&coverage->conjunctions, conjunction->hash, &at))) {
		if (same_canonical(other, conjunction))
			return true;
	}
	return false;
}

/* An earlier rule with the same conjunction decides first, so a repeat need not be listed. */
static bool list_conjunction(struct moat_coverage *coverage, const struct canonical *conjunction)
{
	struct entry *entry;
	struct key *key;

	if (listed(coverage, conjunction))
		return true;
	key = choose_key(coverage, conjunction);
	entry = moat_arena_alloc(&coverage->arena, sizeof(*entry));
	if (!key || !entry ||
	    !table_insert(&coverage->arena, &coverage->conjunctions, conjunction->hash,
	                  (void *)conjunction))
		return false;
	*entry = (struct entry){conjunction, coverage->rules, NULL};
	if (key->last)
		key->last->next = entry;
	else
		key->first = entry;
	key->last = entry;
	key->count++;
	return true;
}

static bool add_cases(struct moat_coverage *coverage, const struct moat_cases *cases)
{
	size_t rule = coverage->rules;

	if (coverage->first_conditional == MOAT_COVERAGE_NONE)
		coverage->first_conditional = rule;
	for (size_t i = 0; i < cases->count; i++) {
		const struct canonical *conjunction = &cases->cases[i];

		if (conjunction->always && coverage->first_always_any == MOAT_COVERAGE_NONE)
			coverage->first_always_any = rule;
		if (conjunction->never)
			continue;
		if (conjunction->always) {
			if (coverage->first_always == MOAT_COVERAGE_NONE)
				coverage->first_always = rule;
		} else if (!list_conjunction(coverage, conjunction)) {
			return false;
		}
	}
	return true;
}

static bool add_written(struct moat_coverage *coverage, const struct moat_condition *condition,
                        const struct moat_action *action)
{
	struct written *written = moat_arena_alloc(&coverage->arena, sizeof(*written));

	if (!written)
		return false;
	*written = (struct written){condition, *action, coverage->rules};
	return table_insert(&coverage->arena, &coverage->written,
	                    written_hash(condition, action, coverage->arch, coverage->number),
	                    written);
}

void moat_coverage_add(struct moat_coverage *coverage, const struct moat_condition *condition,
                       const struct moat_cases *cases, const struct moat_action *action)
{
	if (condition && cases &&
	    (!add_cases(coverage, cases) || !add_written(coverage, condition, action)))
		coverage->resolver->out_of_memory = true;
	coverage->rules++;
}
