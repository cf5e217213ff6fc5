// SPDX-License-Identifier: MIT
/*
 * [syscalls]: rules to per-syscall decision lists.
 *
 * Every rule becomes one entry per syscall it names (through a group, one
 * per member). After the last file, the entries of each syscall are put in
 * the order the contract evaluates them: conditional rules as they stand,
 * then the one unconditional rule that wins, then the default. Which
 * unconditional rule wins: within one file an explicit name beats a group,
 * and two explicit rules that disagree are an error; between files, a file
 * beats the files it includes, and otherwise the later file wins.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/constants.h"
#include "policy/groups.h"
#include "policy/lexer.h"
#include "policy/parser.h"
#include "policy/resolve.h"
#include "syscalls/syscalls.h"
#include "util/text.h"

static const struct moat_arch *arch_of(const struct moat_resolver *resolver)
{
	return resolver->policy->syscalls.arch;
}

static bool resolve_errno(struct moat_resolver *resolver, const struct moat_ast_word *word,
                          int *value)
{
	uint64_t number;

	if (word->text[0] >= '0' && word->text[0] <= '9') {
		if (!moat_resolve_number(resolver, word, word->text, false, &number))
			return false;
		if (number < 1 || number > 4095) {
			moat_resolve_error(resolver, &word->location,
			                   "errno %s is out of range (1 to 4095)", word->text);
			return false;
		}
		*value = (int)number;
		return true;
	}
	*value = moat_errno_number(word->text);
	if (*value > 0)
		return true;
	if (moat_errno_suggest(word->text))
		moat_resolve_error(resolver, &word->location,
		                   "unknown errno name '%s'; did you mean '%s'?", word->text,
		                   moat_errno_suggest(word->text));
	else
		moat_resolve_error(resolver, &word->location, "unknown errno name '%s'",
		                   word->text);
	return false;
}

static bool resolve_action(struct moat_resolver *resolver,
                           const struct moat_ast_statement *statement, struct moat_action *action)
{
	*action = statement->action;
	if (action->kind == MOAT_ACTION_ERRNO)
		return resolve_errno(resolver, &statement->errno_word, &action->errno_value);
	return true;
}

static bool actions_equal(const struct moat_action *left, const struct moat_action *right)
{
	return left->kind == right->kind &&
	       (left->kind != MOAT_ACTION_ERRNO || left->errno_value == right->errno_value);
}

static void resolve_default(struct moat_resolver *resolver,
                            const struct moat_ast_statement *statement)
{
	struct moat_syscalls_section *syscalls = &resolver->policy->syscalls;
	struct moat_action action;

	if (!resolve_action(resolver, statement, &action))
		return;
	if (moat_resolve_override(resolver, &resolver->default_origin, &statement->keyword.location,
	                          moat_resolve_statement_text(resolver, statement), "default")) {
		syscalls->default_action = action;
		syscalls->default_location = statement->keyword.location;
		syscalls->default_statement = moat_resolve_statement(resolver, statement);
	}
}

/*
 * What one policy may ask of the checks and the code generator, counted
 * after groups are expanded (a condition counts once for every member it
 * applies to, a set once per value): enough for any policy a person writes,
 * small enough that checking and compiling take well under a second.
 */
#define MAX_SYSCALL_RULES 100000
#define MAX_COMPARISONS   2000000

static size_t comparison_weight(const struct moat_condition *condition)
{
	size_t weight = 0;

	for (size_t i = 0; condition && i < condition->count; i++) {
		const struct moat_conjunction *conjunction = &condition->conjunctions[i];

		for (size_t k = 0; k < conjunction->count; k++) {
			const struct moat_comparison *comparison = &conjunction->comparisons[k];

			weight += comparison->op == MOAT_COMPARE_IN ? comparison->set_count : 1;
		}
	}
	return weight;
}

/* False, after an error at the entry, when the policy passes a limit above. */
static bool within_limits(struct moat_resolver *resolver, const struct moat_syscall_entry *entry)
{
	resolver->syscall_comparisons += comparison_weight(entry->condition);
	resolver->syscall_comparisons += comparison_weight(entry->guard);
	if (resolver->syscall_entries.count < MAX_SYSCALL_RULES &&
	    resolver->syscall_comparisons <= MAX_COMPARISONS)
		return true;
	if (resolver->syscall_limit_reported)
		return false;
	resolver->syscall_limit_reported = true;
	if (resolver->syscall_entries.count >= MAX_SYSCALL_RULES)
		moat_resolve_error(resolver, &entry->location,
		                   "the policy has more than %d syscall rules once groups are "
		                   "expanded (each member of a group counts)",
		                   MAX_SYSCALL_RULES);
	else
		moat_resolve_error(resolver, &entry->location,
		                   "the policy's conditions have more than %d comparisons once "
		                   "groups are expanded (a condition counts once per member of "
		                   "the group, a set once per value)",
		                   MAX_COMPARISONS);
	return false;
}

static bool push_entry(struct moat_resolver *resolver, const struct moat_syscall_entry *entry)
{
	struct moat_syscall_entry *slot =
	        moat_vector_push_temporary(&resolver->syscall_entries, sizeof(*slot));

	if (slot)
		*slot = *entry;
	else
		resolver->out_of_memory = true;
	return slot != NULL;
}

static bool add_entry(struct moat_resolver *resolver, const struct moat_syscall_entry *entry)
{
	return within_limits(resolver, entry) && push_entry(resolver, entry);
}

/* A group member's own condition, written in the policy language, parsed once. */
static const struct moat_ast_condition *parse_guard(struct moat_resolver *resolver,
                                                    const struct moat_group *group,
                                                    const struct moat_group_member *member)
{
	const struct moat_parsed_guard *parsed = resolver->parsed_guards.items;
	struct moat_parsed_guard *slot;
	const struct moat_ast_condition *ast;
	struct moat_token_list tokens;
	struct moat_source *source;
	char name[64];
	int result;

	for (size_t i = 0; i < resolver->parsed_guards.count; i++) {
		if (parsed[i].member == member)
			return parsed[i].condition;
	}
	snprintf(name, sizeof(name), "@%s", group->name);
	if (moat_source_from_text(&source, resolver->arena, name, member->condition,
	                          strlen(member->condition)) < 0) {
		resolver->out_of_memory = true;
		return NULL;
	}
	if (moat_lex(&tokens, resolver->arena, source, resolver->diagnostics) < 0)
		return NULL;
	result =
	        moat_parse_condition(&ast, resolver->arena, &tokens, source, resolver->diagnostics);
	moat_token_list_release(&tokens);
	if (result < 0)
		return NULL;
	slot = moat_resolve_push(resolver, &resolver->parsed_guards, sizeof(*slot));
	if (slot) {
		slot->member = member;
		slot->condition = ast;
	}
	return ast;
}

static const struct moat_condition *member_guard(struct moat_resolver *resolver,
                                                 const struct moat_group *group,
                                                 const struct moat_group_member *member, int number)
{
	const struct moat_ast_condition *ast = parse_guard(resolver, group, member);

	return ast ? moat_resolve_condition(resolver, ast, number, member->syscall) : NULL;
}

/* The highest argument a condition compares, or -1. */
static int highest_argument(const struct moat_ast_condition *condition)
{
	int highest = -1;

	for (size_t i = 0; condition && i < condition->count; i++) {
		const struct moat_ast_conjunction *conjunction = &condition->conjunctions[i];

		for (size_t k = 0; k < conjunction->count; k++) {
			if ((int)conjunction->comparisons[k].arg > highest)
				highest = (int)conjunction->comparisons[k].arg;
		}
	}
	return highest;
}

/*
 * How a syscall reads its arguments: all that resolving a condition for it
 * depends on besides the condition. Members that read them alike share one
 * resolved condition, so a long condition on a large group is resolved and
 * checked a few times, not once per member.
 */
struct argument_shape {
	int count;
	unsigned bits[6];
};

struct shared_condition {
	struct argument_shape shape;
	const struct moat_condition *condition;
	bool never;
};

static struct argument_shape shape_of(const struct moat_arch *arch, int number)
{
	struct argument_shape shape = {.count = moat_arch_argument_count(arch, number)};

	for (unsigned arg = 0; arg < 6; arg++)
		shape.bits[arg] = moat_arch_argument_bits(arch, number, arg);
	return shape;
}

static bool same_shape(const struct argument_shape *a, const struct argument_shape *b)
{
	if (a->count != b->count)
		return false;
	for (unsigned arg = 0; arg < 6; arg++) {
		if (a->bits[arg] != b->bits[arg])
			return false;
	}
	return true;
}

/* The rule's condition resolved for a member shaped like entry's syscall; NULL after an error. */
static const struct shared_condition *shared_condition(struct moat_resolver *resolver,
                                                       const struct moat_ast_statement *statement,
                                                       const struct moat_syscall_entry *entry,
                                                       struct moat_vector *shared)
{
	struct argument_shape shape = shape_of(arch_of(resolver), entry->number);
	struct shared_condition *items = shared->items, *slot;
	const struct moat_condition *condition;

	for (size_t i = 0; i < shared->count; i++) {
		if (same_shape(&items[i].shape, &shape))
			return &items[i];
	}
	condition =
	        moat_resolve_condition(resolver, statement->condition, entry->number, entry->name);
	if (!condition)
		return NULL;
	slot = moat_resolve_push(resolver, shared, sizeof(*slot));
	if (!slot)
		return NULL;
	*slot = (struct shared_condition){shape, condition,
	                                  moat_condition_never(resolver, condition, entry->number)};
	return slot;
}

/*
 * A group member under the rule's condition: false when that rule says
 * nothing about it, since the member does not take the arguments compared
 * or the condition and the member's own can never hold together.
 */
static bool member_under_condition(struct moat_resolver *resolver,
                                   const struct moat_ast_statement *statement,
                                   struct moat_syscall_entry *entry, int highest,
                                   struct moat_vector *shared)
{
	int count = moat_arch_argument_count(arch_of(resolver), entry->number);
	const struct shared_condition *resolved;

	if (count >= 0 && highest >= count)
		return false;
	resolved = shared_condition(resolver, statement, entry, shared);
	if (!resolved)
		return false;
	entry->condition = resolved->condition;
	if (!entry->guard)
		return !resolved->never;
	entry->condition = moat_condition_and(resolver, entry->condition, entry->guard);
	entry->guard = NULL;
	return entry->condition && !moat_condition_never(resolver, entry->condition, entry->number);
}

static const struct moat_group *find_group(struct moat_resolver *resolver,
                                           const struct moat_ast_word *target)
{
	const struct moat_group *group = moat_group_find(target->text + 1);
	const char *suggestion;

	if (group)
		return group;
	suggestion = moat_group_suggest(target->text + 1);
	if (suggestion)
		moat_resolve_error(resolver, &target->location,
		                   "unknown group '%s'; did you mean '@%s'?", target->text,
		                   suggestion);
	else
		moat_resolve_error(resolver, &target->location, "unknown group '%s'", target->text);
	return NULL;
}

/* `allow @stdio` twice in one file: one warning for the group, not one per member. */
static bool repeats_group_rule(struct moat_resolver *resolver, const struct moat_group *group,
                               const struct moat_syscall_entry *entry)
{
	const struct moat_group_rule *rules = resolver->group_rules.items;
	struct moat_group_rule *slot;

	for (size_t i = 0; i < resolver->group_rules.count; i++) {
		if (rules[i].source == resolver->source && rules[i].group == group->name &&
		    actions_equal(&rules[i].action, &entry->action)) {
			moat_resolve_warning(resolver, &entry->location, "repeated rule for @%s",
			                     group->name);
			moat_resolve_report(resolver, MOAT_SEVERITY_NOTE, resolver->source,
			                    &rules[i].location, "first rule here");
			return true;
		}
	}
	slot = moat_resolve_push(resolver, &resolver->group_rules, sizeof(*slot));
	if (slot)
		*slot = (struct moat_group_rule){resolver->source, group->name, entry->action,
		                                 entry->location};
	return false;
}

static void resolve_group_target(struct moat_resolver *resolver,
                                 const struct moat_ast_statement *statement,
                                 const struct moat_ast_word *target,
                                 struct moat_syscall_entry *entry)
{
	const struct moat_group *group = find_group(resolver, target);
	int highest = highest_argument(statement->condition);
	size_t errors = resolver->diagnostics->error_count, added = 0;
	struct moat_vector shared = {0};

	if (!group || (!statement->condition && repeats_group_rule(resolver, group, entry)))
		return;
	entry->group = group->name;
	for (size_t i = 0; i < group->member_count; i++) {
		const struct moat_group_member *member = &group->members[i];

		/* Members the policy's architecture lacks (open on aarch64) are skipped. */
		entry->number = moat_arch_syscall_number(arch_of(resolver), member->syscall);
		if (entry->number < 0)
			continue;
		entry->name = member->syscall;
		entry->guard = NULL;
		entry->condition = NULL;
		if (member->condition) {
			entry->guard = member_guard(resolver, group, member, entry->number);
			if (!entry->guard)
				return;
		}
		if (statement->condition &&
		    !member_under_condition(resolver, statement, entry, highest, &shared)) {
			if (resolver->diagnostics->error_count != errors)
				return;
			continue;
		}
		if (!add_entry(resolver, entry))
			return;
		added++;
	}
	if (statement->condition && added == 0)
		moat_resolve_error(resolver, &target->location,
		                   "the condition can hold for none of the members of %s",
		                   target->text);
}

/* The known syscall name closest to `name`, for "did you mean". */
static const char *suggest_syscall(const struct moat_arch *arch, const char *name)
{
	const char *best = NULL;
	size_t best_distance = 3;

	for (int n = moat_arch_syscall_next(arch, -1); n >= 0;
	     n = moat_arch_syscall_next(arch, n)) {
		const char *candidate = moat_arch_syscall_name(arch, n);
		size_t distance = moat_typo_distance(name, candidate, best_distance);

		if (distance < best_distance) {
			best = candidate;
			best_distance = distance;
		}
	}
	return best;
}

static void resolve_name_target(struct moat_resolver *resolver,
                                const struct moat_ast_statement *statement,
                                const struct moat_ast_word *target,
                                struct moat_syscall_entry *entry)
{
	const struct moat_arch *arch = arch_of(resolver), *elsewhere;
	const char *suggestion;

	entry->number = moat_arch_syscall_number(arch, target->text);
	if (entry->number < 0) {
		/* A policy written for several architectures names what each one has. */
		elsewhere = moat_arch_with_syscall(target->text, arch);
		suggestion = suggest_syscall(arch, target->text);
		if (elsewhere)
			moat_resolve_warning(resolver, &target->location,
			                     "%s has no syscall '%s' (%s has); the rule is skipped",
			                     moat_arch_name(arch), target->text,
			                     moat_arch_name(elsewhere));
		else if (suggestion)
			moat_resolve_error(resolver, &target->location,
			                   "unknown syscall '%s'; did you mean '%s'?", target->text,
			                   suggestion);
		else
			moat_resolve_error(
			        resolver, &target->location,
			        "unknown syscall '%s' on any architecture moat knows (%s)",
			        target->text, moat_arch_list());
		return;
	}
	entry->name = moat_arch_syscall_name(arch, entry->number);
	entry->group = NULL;
	entry->guard = NULL;
	entry->condition = NULL;
	if (statement->condition) {
		entry->condition = moat_resolve_condition(resolver, statement->condition,
		                                          entry->number, entry->name);
		if (!entry->condition)
			return;
	}
	add_entry(resolver, entry);
}

void moat_resolve_syscall_statement(struct moat_resolver *resolver,
                                    const struct moat_ast_statement *statement)
{
	struct moat_syscall_entry entry = {.source = resolver->source,
	                                   .sequence = resolver->sequence};

	if (statement->kind == MOAT_AST_DEFAULT) {
		resolve_default(resolver, statement);
		return;
	}
	if (!resolve_action(resolver, statement, &entry.action))
		return;
	entry.statement = moat_resolve_statement(resolver, statement);
	for (size_t i = 0; i < statement->argument_count; i++) {
		const struct moat_ast_word *target = &statement->arguments[i];

		entry.location = target->location;
		if (target->text[0] == '@')
			resolve_group_target(resolver, statement, target, &entry);
		else
			resolve_name_target(resolver, statement, target, &entry);
	}
}

/* ---- after the last file --------------------------------------------- */

/* A rule of the final list, with what reporting needs to know about it. */
struct pending_rule {
	struct moat_syscall_rule rule;
	const struct moat_source *source;
	bool implicit; /* a group member's condition standing for the group's rule */
};

/* What one file decides for a syscall with its rules that have no `if`. */
struct file_decision {
	const struct moat_syscall_entry *entry; /* the deciding entry */
	const struct moat_condition *guard;     /* NULL: unconditional */
};

/*
 * The entries grouped by syscall number, a counting sort: within a number
 * they keep the order they were made in, which is the order they stand in
 * the expanded policy, as evaluation needs.
 */
static struct moat_syscall_entry *group_by_number(struct moat_resolver *resolver,
                                                  const struct moat_syscall_entry *entries,
                                                  size_t count)
{
	struct moat_syscall_entry *grouped;
	size_t *next;
	int highest = 0;

	for (size_t i = 0; i < count; i++)
		highest = entries[i].number > highest ? entries[i].number : highest;
	next = moat_resolve_alloc(resolver, ((size_t)highest + 2) * sizeof(*next));
	grouped = moat_resolve_alloc(resolver, (count ? count : 1) * sizeof(*grouped));
	if (!next || !grouped)
		return NULL;
	for (size_t i = 0; i < count; i++)
		next[entries[i].number + 1]++;
	for (int number = 1; number <= highest + 1; number++)
		next[number] += next[number - 1];
	for (size_t i = 0; i < count; i++)
		grouped[next[entries[i].number]++] = entries[i];
	return grouped;
}

static void note_earlier(struct moat_resolver *resolver, const struct moat_syscall_entry *earlier,
                         const char *what)
{
	moat_resolve_report(resolver, MOAT_SEVERITY_NOTE, earlier->source, &earlier->location, "%s",
	                    what);
}

/* Several explicit rules without `if` for one syscall in one file. */
static void check_explicit(struct moat_resolver *resolver, const struct moat_syscall_entry *first,
                           const struct moat_syscall_entry *later)
{
	if (actions_equal(&first->action, &later->action)) {
		moat_resolve_report(resolver, MOAT_SEVERITY_WARNING, later->source,
		                    &later->location, "repeated rule for %s", later->name);
		note_earlier(resolver, first, "first rule here");
		return;
	}
	moat_resolve_report(resolver, MOAT_SEVERITY_ERROR, later->source, &later->location,
	                    "conflicting rules for %s in one file", later->name);
	note_earlier(resolver, first, "the earlier rule is here");
}

/* Groups in one file that give one syscall different actions. */
static void check_groups(struct moat_resolver *resolver, const struct moat_syscall_entry *first,
                         const struct moat_syscall_entry *later)
{
	moat_resolve_report(resolver, MOAT_SEVERITY_ERROR, later->source, &later->location,
	                    "@%s and @%s give %s different actions in one file; name %s "
	                    "explicitly to decide",
	                    first->group, later->group, later->name, later->name);
	note_earlier(resolver, first, "the other group is here");
}

/*
 * The decision of the file of entries[begin] for entries [begin, end), all of
 * one syscall and one file, none with `if`.
 */
static struct file_decision decide_in_file(struct moat_resolver *resolver,
                                           const struct moat_syscall_entry *const *entries,
                                           size_t count)
{
	struct file_decision decision = {0};
	const struct moat_syscall_entry *explicit_rule = NULL, *group_rule = NULL;

	for (size_t i = 0; i < count; i++) {
		const struct moat_syscall_entry *entry = entries[i];

		if (!entry->group) {
			if (explicit_rule)
				check_explicit(resolver, explicit_rule, entry);
			else
				explicit_rule = entry;
		} else if (!group_rule) {
			group_rule = entry;
			decision.guard = entry->guard;
		} else if (!actions_equal(&group_rule->action, &entry->action)) {
			check_groups(resolver, group_rule, entry);
		} else if (decision.guard) {
			/* The same action from several groups: any of their conditions grants it.
			 */
			decision.guard = entry->guard ? moat_condition_or(resolver, decision.guard,
			                                                  entry->guard)
			                              : NULL;
		}
	}
	if (explicit_rule) {
		decision.entry = explicit_rule;
		decision.guard = NULL;
	} else {
		decision.entry = group_rule;
	}
	return decision;
}

/* Collects the rules without `if` of one file, starting at entries[start]. */
static size_t file_entries(const struct moat_syscall_entry *entries, size_t count, size_t start,
                           const struct moat_syscall_entry **out)
{
	size_t found = 0;

	for (size_t i = start; i < count; i++) {
		if (entries[i].source == entries[start].source && !entries[i].condition)
			out[found++] = &entries[i];
	}
	return found;
}

static bool source_decided_before(const struct moat_syscall_entry *entries, size_t index)
{
	for (size_t i = 0; i < index; i++) {
		if (entries[i].source == entries[index].source && !entries[i].condition)
			return true;
	}
	return false;
}

/* moat's own rules (clone3's ENOSYS) have no file and give way to every file. */
static unsigned precedence_of(const struct file_decision *decision)
{
	return decision->entry->source ? decision->entry->source->precedence : 0;
}

static int compare_precedence(const void *left, const void *right)
{
	unsigned first = precedence_of(left), second = precedence_of(right);

	return first < second ? 1 : first > second ? -1 : 0;
}

/*
 * Each file's decision for rules without `if`, the one that takes
 * precedence first: a file before what it includes, a later file before an
 * earlier one. Returns how many files decide.
 */
static size_t decide(struct moat_resolver *resolver, const struct moat_syscall_entry *entries,
                     size_t count, const struct moat_syscall_entry **scratch,
                     struct file_decision *decisions)
{
	size_t files = 0;

	for (size_t i = 0; i < count; i++) {
		size_t found;

		if (entries[i].condition || source_decided_before(entries, i))
			continue;
		found = file_entries(entries, count, i, scratch);
		decisions[files++] = decide_in_file(resolver, scratch, found);
	}
	if (files > 1)
		qsort(decisions, files, sizeof(*decisions), compare_precedence);
	return files;
}

static bool push_pending(struct moat_resolver *resolver, struct moat_vector *rules,
                         const struct moat_syscall_entry *entry,
                         const struct moat_condition *condition, bool implicit)
{
	struct pending_rule *pending = moat_resolve_push(resolver, rules, sizeof(*pending));

	if (!pending)
		return false;
	pending->rule.action = entry->action;
	pending->rule.condition = condition;
	pending->rule.location = entry->location;
	pending->rule.statement = entry->statement;
	pending->source = entry->source;
	pending->implicit = implicit;
	return true;
}

static void report_unreachable(struct moat_resolver *resolver, const struct pending_rule *rule,
                               const struct pending_rule *cause, const char *name, bool repeated)
{
	if (repeated) {
		moat_resolve_report(resolver, MOAT_SEVERITY_WARNING, rule->source,
		                    &rule->rule.location, "repeated rule for %s", name);
		moat_resolve_report(resolver, MOAT_SEVERITY_NOTE, cause->source,
		                    &cause->rule.location, "first rule here");
		return;
	}
	moat_resolve_report(resolver, MOAT_SEVERITY_ERROR, rule->source, &rule->rule.location,
	                    "this rule for %s can never apply", name);
	if (cause)
		moat_resolve_report(resolver, MOAT_SEVERITY_NOTE, cause->source,
		                    &cause->rule.location,
		                    "earlier rules for %s decide every case it covers", name);
}

/*
 * The rule among the first `kept` that, with the ones before it, decides
 * every case of `cases` (NULL: every call), or NULL. Passing the work limit
 * is an error at `rule`.
 */
static const struct pending_rule *covering_rule(struct moat_resolver *resolver,
                                                struct moat_coverage *coverage,
                                                const struct pending_rule *rules,
                                                const struct pending_rule *rule,
                                                const struct moat_cases *cases)
{
	size_t cause;

	if (moat_coverage_find(coverage, cases, &cause) < 0) {
		if (resolver->coverage_work != SIZE_MAX)
			moat_resolve_report(resolver, MOAT_SEVERITY_ERROR, rule->source,
			                    &rule->rule.location,
			                    "checking whether this rule can apply takes more than "
			                    "%u comparisons with earlier rules; use fewer or "
			                    "simpler conditions",
			                    MOAT_COVERAGE_WORK_LIMIT);
		resolver->coverage_work = SIZE_MAX; /* reported once per policy */
		return NULL;
	}
	return cause == MOAT_COVERAGE_NONE ? NULL : &rules[cause];
}

/* An earlier rule with the same action and the same condition, or NULL. */
static const struct pending_rule *same_rule(struct moat_coverage *coverage,
                                            const struct pending_rule *rules,
                                            const struct pending_rule *rule)
{
	size_t repeated;

	if (!rule->rule.condition)
		return NULL;
	repeated = moat_coverage_repeat(coverage, rule->rule.condition, &rule->rule.action);
	return repeated == MOAT_COVERAGE_NONE ? NULL : &rules[repeated];
}

/*
 * Drops rules that can never apply: an error when the user wrote them, a
 * warning when they repeat an earlier rule, silently for a group's own
 * condition. Returns the new count.
 */
static size_t remove_unreachable(struct moat_resolver *resolver, struct pending_rule *rules,
                                 size_t count, int number, const char *name)
{
	struct moat_coverage *coverage = moat_coverage_create(resolver, number);
	size_t kept = 0;

	for (size_t i = 0; coverage && i < count && !resolver->out_of_memory; i++) {
		struct pending_rule *rule = &rules[i];
		const struct moat_condition *condition = rule->rule.condition;
		const struct moat_cases *cases =
		        condition ? moat_coverage_cases(coverage, condition) : NULL;
		const struct pending_rule *cause, *repeated;

		if (condition && !cases)
			break;
		if (cases && moat_cases_never(cases)) {
			if (!rule->implicit)
				moat_resolve_report(
				        resolver, MOAT_SEVERITY_ERROR, rule->source,
				        &rule->rule.location,
				        "the condition of this rule for %s can never hold", name);
			continue;
		}
		cause = covering_rule(resolver, coverage, rules, rule, cases);
		if (cause) {
			repeated = same_rule(coverage, rules, rule);
			if (!rule->implicit)
				report_unreachable(resolver, rule, repeated ? repeated : cause,
				                   name, repeated != NULL);
			continue;
		}
		moat_coverage_add(coverage, condition, cases, &rule->rule.action);
		rules[kept++] = *rule;
	}
	moat_coverage_destroy(coverage);
	return kept;
}

static bool store_rules(struct moat_resolver *resolver, struct moat_syscall_rules *rules,
                        const struct pending_rule *pending, size_t count)
{
	struct moat_syscall_rule *conditional =
	        moat_resolve_alloc(resolver, (count ? count : 1) * sizeof(*conditional));
	size_t conditional_count = 0;

	if (!conditional)
		return false;
	for (size_t i = 0; i < count; i++) {
		if (pending[i].rule.condition) {
			conditional[conditional_count++] = pending[i].rule;
			continue;
		}
		struct moat_syscall_rule *unconditional =
		        moat_resolve_alloc(resolver, sizeof(*unconditional));

		if (!unconditional)
			return false;
		*unconditional = pending[i].rule;
		rules->unconditional = unconditional;
	}
	rules->conditional = conditional;
	rules->conditional_count = conditional_count;
	return true;
}

/*
 * The final rules of one syscall from its entries, sorted by sequence: the
 * rules with `if` as they stand, then the files' decisions by precedence.
 * A group member's condition only limits what the group grants, so a
 * decision with one lets the cases outside it fall through to the next
 * file's decision; the first decision without a condition ends the list.
 */
/*
 * Most syscalls are named once, without a condition of any kind: their one
 * rule needs no ordering, merging or reachability check.
 */
static bool build_single_rule(struct moat_resolver *resolver, struct moat_syscall_rules *rules,
                              const struct moat_syscall_entry *entry)
{
	struct moat_syscall_rule *rule = moat_resolve_alloc(resolver, sizeof(*rule));

	if (!rule)
		return false;
	rule->action = entry->action;
	rule->location = entry->location;
	rule->statement = entry->statement;
	rules->number = entry->number;
	rules->name = entry->name;
	rules->unconditional = rule;
	return true;
}

static bool build_syscall(struct moat_resolver *resolver, struct moat_syscall_rules *rules,
                          const struct moat_syscall_entry *entries, size_t count)
{
	const struct moat_syscall_entry **scratch;
	struct file_decision *decisions;
	struct moat_vector pending = {0};
	size_t files;

	if (count == 1 && !entries[0].condition && !entries[0].guard)
		return build_single_rule(resolver, rules, &entries[0]);
	scratch = moat_resolve_alloc(resolver, count * sizeof(*scratch));
	decisions = moat_resolve_alloc(resolver, count * sizeof(*decisions));
	if (!scratch || !decisions)
		return false;
	rules->number = entries[0].number;
	rules->name = entries[0].name;
	for (size_t i = 0; i < count; i++) {
		/* A group's member is judged with the rule, not one by one. */
		if (entries[i].condition &&
		    !push_pending(resolver, &pending, &entries[i], entries[i].condition,
		                  entries[i].group != NULL))
			return false;
	}
	files = decide(resolver, entries, count, scratch, decisions);
	for (size_t i = 0; i < files; i++) {
		if (!push_pending(resolver, &pending, decisions[i].entry, decisions[i].guard,
		                  decisions[i].guard != NULL))
			return false;
		if (!decisions[i].guard)
			break;
	}
	pending.count = remove_unreachable(resolver, pending.items, pending.count, rules->number,
	                                   rules->name);
	return store_rules(resolver, rules, pending.items, pending.count);
}

/* Unless a rule names clone3, it answers ENOSYS so that libc falls back to clone. */
static void add_clone3_rule(struct moat_resolver *resolver)
{
	const struct moat_syscall_entry *entries = resolver->syscall_entries.items;
	int number = moat_arch_syscall_number(arch_of(resolver), "clone3");
	struct moat_syscall_entry entry = {
	        .number = number,
	        .name = "clone3",
	        .action = {MOAT_ACTION_ERRNO, ENOSYS},
	        .location = {"<moat: clone3 answers ENOSYS unless a rule names it>", 0, 0},
	        .statement = {{NULL, 0, 0},
	                      "clone3 answers ENOSYS unless a rule "
	                      "names it, so that libc falls back to clone"},
	};

	if (number < 0)
		return;
	for (size_t i = 0; i < resolver->syscall_entries.count; i++) {
		if (entries[i].number == number && !entries[i].group)
			return;
	}
	push_entry(resolver, &entry); /* moat's own, outside the policy's limits */
}

static void warn_default_allow(struct moat_resolver *resolver)
{
	const struct moat_syscalls_section *syscalls = &resolver->policy->syscalls;
	const struct moat_group *deny = moat_group_find("default-deny");
	size_t open = 0;

	if (syscalls->default_action.kind != MOAT_ACTION_ALLOW &&
	    syscalls->default_action.kind != MOAT_ACTION_LOG)
		return;
	for (size_t i = 0; deny && i < deny->member_count; i++) {
		int number = moat_arch_syscall_number(arch_of(resolver), deny->members[i].syscall);

		if (number >= 0 && !moat_policy_find_syscall(resolver->policy, number))
			open++;
	}
	if (open)
		moat_resolve_report(resolver, MOAT_SEVERITY_WARNING,
		                    resolver->default_origin.source, &syscalls->default_location,
		                    "the default lets %zu syscalls of @default-deny through "
		                    "(mount, ptrace, bpf, ...); add `kill @default-deny`",
		                    open);
}

/* Where the policy may send `number` to the supervisor, or NULL. */
static const struct moat_location *notify_location(const struct moat_policy *policy, int number)
{
	const struct moat_syscall_rules *rules = moat_policy_find_syscall(policy, number);

	for (size_t i = 0; rules && i < rules->conditional_count; i++) {
		if (rules->conditional[i].action.kind == MOAT_ACTION_NOTIFY)
			return &rules->conditional[i].location;
	}
	if (rules && rules->unconditional)
		return rules->unconditional->action.kind == MOAT_ACTION_NOTIFY
		               ? &rules->unconditional->location
		               : NULL;
	if (policy->syscalls.default_action.kind == MOAT_ACTION_NOTIFY)
		return &policy->syscalls.default_location;
	return NULL;
}

/*
 * The calls of moat's own child between the notify part of the filter and
 * the program (moat_syscall_handoff_calls()): a notified one would wait
 * for a supervisor that does not listen yet, while moat waits for the child.
 */
static void check_handoff_calls(struct moat_resolver *resolver)
{
	size_t count;
	const struct moat_handoff_call *calls = moat_syscall_handoff_calls(&count);

	for (size_t i = 0; i < count; i++) {
		const char *name = moat_syscall_name(calls[i].number);
		int number = moat_arch_syscall_number(arch_of(resolver), name);
		const struct moat_location *at =
		        number >= 0 ? notify_location(resolver->policy, number) : NULL;

		if (at)
			moat_resolve_report(
			        resolver, MOAT_SEVERITY_ERROR, NULL, at,
			        "`notify` cannot apply to %s: moat makes that call itself after "
			        "the `notify` rules are in force and before the supervisor listens "
			        "(to hand over the listener, exec the program or report a failed "
			        "exec); give %s another action",
			        name, name);
	}
}

static bool any_notify(const struct moat_syscalls_section *syscalls)
{
	if (syscalls->default_action.kind == MOAT_ACTION_NOTIFY)
		return true;
	for (size_t i = 0; i < syscalls->count; i++) {
		const struct moat_syscall_rules *rules = &syscalls->syscalls[i];

		for (size_t k = 0; k < rules->conditional_count; k++) {
			if (rules->conditional[k].action.kind == MOAT_ACTION_NOTIFY)
				return true;
		}
		if (rules->unconditional && rules->unconditional->action.kind == MOAT_ACTION_NOTIFY)
			return true;
	}
	return false;
}

void moat_resolve_syscalls_finish(struct moat_resolver *resolver)
{
	struct moat_syscalls_section *syscalls = &resolver->policy->syscalls;
	struct moat_syscall_entry *entries;
	struct moat_syscall_rules *table;
	size_t count, built = 0;

	if (!syscalls->present)
		return;
	if (!syscalls->default_statement.text)
		syscalls->default_statement.text = "kill when no file has a `default`";
	add_clone3_rule(resolver);
	count = resolver->syscall_entries.count;
	entries = group_by_number(resolver, resolver->syscall_entries.items, count);
	table = moat_resolve_alloc(resolver, (count ? count : 1) * sizeof(*table));
	if (!entries)
		return;
	for (size_t begin = 0, end; table && begin < count; begin = end) {
		for (end = begin; end < count && entries[end].number == entries[begin].number;)
			end++;
		if (!build_syscall(resolver, &table[built], entries + begin, end - begin))
			return;
		if (table[built].conditional_count || table[built].unconditional)
			built++;
	}
	syscalls->syscalls = table;
	syscalls->count = built;
	syscalls->has_notify = any_notify(syscalls);
	if (syscalls->has_notify)
		check_handoff_calls(resolver);
	warn_default_allow(resolver);
}
