// SPDX-License-Identifier: MIT
/*
 * [syscalls] as an OCI or Docker seccomp profile.
 *
 * moat decides a syscall by its first matching rule; runc hands a profile to
 * libseccomp, which decides otherwise: a rule without arguments overrides
 * every rule with arguments for that syscall, the first such rule wins, the
 * order between overlapping rules with arguments follows the tree libseccomp
 * builds (not the order written), the arguments of one rule are ANDed unless
 * two compare the same argument (runc then ORs them, one rule each), every
 * comparison reads all 64 bits, and a rule whose action is the default is
 * dropped. So each syscall's rules are rewritten until libseccomp's reading,
 * whatever order it picks, is never more permissive than moat's:
 *
 *  - comparisons are translated by oci_conditions.c, exactly where it can;
 *    a rule it can only write to match more calls is left out when its
 *    action is the weakest the syscall has, else it matches more and takes
 *    the strictest action the syscall can get;
 *  - a later rule overlapping an earlier, stricter one takes its action;
 *  - a rule without condition beside rules with one keeps only what OCI
 *    can say safely (see choose_shape());
 *  - `notify` becomes ERRNO ENOSYS, what the kernel answers without a
 *    supervisor.
 *
 * Each change is reported as a warning at the statement it concerns. The
 * profile lists the native architecture only: libseccomp kills calls of
 * every other one, as moat does.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export/oci_conditions.h"
#include "moat.h"
#include "oci/names.h"
#include "policy/ir.h"
#include "util/error.h"

struct oci_rule {
	struct moat_action action;
	struct moat_oci_arg args[MOAT_OCI_ARGUMENTS];
	unsigned count;
	const struct moat_syscall_rule *source; /* NULL for the default */
};

/* The rules of one syscall while they are rewritten. */
struct rule_list {
	struct oci_rule *rules;
	size_t count;
	size_t capacity;
};

/* Everything written, grouped by action and arguments. */
struct entry {
	struct oci_rule rule;
	const char **names;
	size_t name_count;
	size_t order; /* first appearance, for a stable sort */
};

struct exporter {
	const struct moat_syscalls_section *section;
	struct moat_action default_action;
	moat_diagnostic_fn *diagnostics;
	void *context;
	struct entry *entries;
	size_t entry_count;
	bool out_of_memory;
};

static void warn(struct exporter *exporter, const struct moat_location *location,
                 const char *format, ...) __attribute__((format(printf, 3, 4)));

static void warn(struct exporter *exporter, const struct moat_location *location,
                 const char *format, ...)
{
	char message[512];
	va_list arguments;
	struct moat_diagnostic diagnostic = {.severity = MOAT_SEVERITY_WARNING};

	if (!exporter->diagnostics)
		return;
	va_start(arguments, format);
	vsnprintf(message, sizeof(message), format, arguments);
	va_end(arguments);
	if (location)
		diagnostic.location = *location;
	diagnostic.message = message;
	exporter->diagnostics(&diagnostic, exporter->context);
}

static bool same_action(const struct moat_action *a, const struct moat_action *b)
{
	return a->kind == b->kind &&
	       (a->kind != MOAT_ACTION_ERRNO || a->errno_value == b->errno_value);
}

/* True when `a` refuses at least as hard as `b` (the kernel's ranking of actions). */
static bool at_least_as_strict(const struct moat_action *a, const struct moat_action *b)
{
	return a->kind <= b->kind;
}

static const struct moat_action *stricter(const struct moat_action *a, const struct moat_action *b)
{
	return at_least_as_strict(a, b) ? a : b;
}

/* What the kernel answers a notified call when no supervisor listens. */
static struct moat_action without_notify(struct moat_action action)
{
	return action.kind == MOAT_ACTION_NOTIFY ? (struct moat_action){MOAT_ACTION_ERRNO, ENOSYS}
	                                         : action;
}

/* `notify` needs a listener that an OCI runtime does not give moat's supervisor. */
static struct moat_action exportable(struct exporter *exporter, struct moat_action action,
                                     const struct moat_location *location)
{
	if (action.kind != MOAT_ACTION_NOTIFY)
		return action;
	warn(exporter, location,
	     "notify needs moat's supervisor, which an OCI runtime does not run: exported as "
	     "errno ENOSYS, the kernel's answer when no supervisor listens");
	return without_notify(action);
}

static bool push_rule(struct exporter *exporter, struct rule_list *list,
                      const struct oci_rule *rule)
{
	if (list->count == list->capacity) {
		size_t capacity = list->capacity ? 2 * list->capacity : 8;
		struct oci_rule *grown = realloc(list->rules, capacity * sizeof(*grown));

		if (!grown) {
			exporter->out_of_memory = true;
			return false;
		}
		list->rules = grown;
		list->capacity = capacity;
	}
	list->rules[list->count++] = *rule;
	return true;
}

/* ---- one conjunction ------------------------------------------------ */

/* The cross product of the arguments' alternatives, one OCI rule each. */
static void expand(struct exporter *exporter, struct rule_list *list,
                   const struct moat_oci_choice *choices, unsigned arg, struct oci_rule *rule)
{
	if (arg == MOAT_OCI_ARGUMENTS) {
		push_rule(exporter, list, rule);
		return;
	}
	if (choices[arg].count == 0) {
		expand(exporter, list, choices, arg + 1, rule);
		return;
	}
	for (size_t i = 0; i < choices[arg].count; i++) {
		rule->args[rule->count++] = choices[arg].args[i];
		expand(exporter, list, choices, arg + 1, rule);
		rule->count--;
	}
}

/*
 * The OCI rules of one conjunction, or none when they would match more
 * calls than it does and `narrow` is set. Returns how they fit.
 */
static enum moat_oci_fit add_conjunction(struct exporter *exporter, struct rule_list *list,
                                         int number, const struct moat_conjunction *conjunction,
                                         const struct oci_rule *model, bool narrow)
{
	struct moat_oci_choice *choices = calloc(MOAT_OCI_ARGUMENTS, sizeof(*choices));
	struct oci_rule rule = *model;
	enum moat_oci_fit fit;
	size_t product = 1;

	if (!choices) {
		exporter->out_of_memory = true;
		return MOAT_OCI_NEVER;
	}
	fit = moat_oci_translate(conjunction, number, choices);
	/* Too many rules: the argument with the most alternatives is left out. */
	for (unsigned arg = 0; arg < MOAT_OCI_ARGUMENTS; arg++)
		product *= choices[arg].count ? choices[arg].count : 1;
	while (fit != MOAT_OCI_NEVER && product > MOAT_OCI_MAX_ALTERNATIVES) {
		unsigned widest = 0;

		for (unsigned arg = 1; arg < MOAT_OCI_ARGUMENTS; arg++)
			widest = choices[arg].count > choices[widest].count ? arg : widest;
		product /= choices[widest].count;
		choices[widest].count = 0;
		fit = MOAT_OCI_WIDER;
	}
	if (fit == MOAT_OCI_EXACT || (fit == MOAT_OCI_WIDER && !narrow))
		expand(exporter, list, choices, 0, &rule);
	free(choices);
	return fit;
}

/* ---- one syscall ------------------------------------------------------ */

/* Of the action kept so far and the next one, the one to keep. */
typedef struct moat_action pick_action(struct moat_action kept, struct moat_action candidate);

/* The stricter; of two as strict, the one kept. */
static struct moat_action pick_stricter(struct moat_action kept, struct moat_action candidate)
{
	return *stricter(&kept, &candidate);
}

/* The less strict; of two as strict, the next one. */
static struct moat_action pick_weaker(struct moat_action kept, struct moat_action candidate)
{
	return at_least_as_strict(&kept, &candidate) ? candidate : kept;
}

/*
 * The action `pick` keeps of all that a call of this syscall can get under
 * the policy: the strictest with pick_stricter, the weakest with pick_weaker.
 */
static struct moat_action picked_outcome(struct exporter *exporter,
                                         const struct moat_syscall_rules *rules, pick_action *pick)
{
	struct moat_action result = rules->unconditional
	                                    ? without_notify(rules->unconditional->action)
	                                    : exporter->default_action;

	for (size_t i = 0; i < rules->conditional_count; i++)
		result = pick(result, without_notify(rules->conditional[i].action));
	return result;
}

/*
 * The OCI rules of every conditional rule, in the policy's order. A rule
 * OCI cannot write exactly is left out when its action is the weakest the
 * syscall has (whatever else decides those calls is at least as strict);
 * else it is written to match more, with the syscall's strictest action.
 */
static void add_conditionals(struct exporter *exporter, struct rule_list *list,
                             const struct moat_syscall_rules *rules)
{
	struct moat_action strictest = picked_outcome(exporter, rules, pick_stricter);
	struct moat_action weakest = picked_outcome(exporter, rules, pick_weaker);

	for (size_t i = 0; i < rules->conditional_count; i++) {
		const struct moat_syscall_rule *rule = &rules->conditional[i];
		const struct moat_condition *condition = rule->condition;
		struct oci_rule model = {
		        .action = exportable(exporter, rule->action, &rule->location),
		        .source = rule};
		bool narrow = same_action(&model.action, &weakest);
		size_t first = list->count;
		bool wider = false;

		for (size_t j = 0; j < condition->count; j++)
			wider |= add_conjunction(exporter, list, rules->number,
			                         &condition->conjunctions[j], &model,
			                         narrow) == MOAT_OCI_WIDER;
		if (wider && narrow) {
			if (same_action(&weakest, &strictest))
				continue; /* every call gets this action anyway */
			warn(exporter, &rule->location,
			     "OCI cannot compare %s's arguments as this condition does: the calls "
			     "it "
			     "cannot single out are left to the rules after it and the default",
			     rules->name);
			continue;
		}
		if (!wider || same_action(&model.action, &strictest))
			continue;
		warn(exporter, &rule->location,
		     "OCI cannot compare %s's arguments as this condition does: the exported rule "
		     "matches more calls and takes the syscall's strictest action, %s",
		     rules->name, moat_oci_action_name(strictest.kind));
		for (size_t k = first; k < list->count; k++)
			list->rules[k].action = strictest;
	}
}

/* True when no call can match both rules: one argument is equal to different values. */
static bool disjoint(const struct oci_rule *a, const struct oci_rule *b)
{
	for (unsigned i = 0; i < a->count; i++) {
		for (unsigned j = 0; j < b->count; j++) {
			const struct moat_oci_arg *x = &a->args[i], *y = &b->args[j];
			uint64_t xm = x->op == MOAT_OCI_MASKED_EQ ? x->value : UINT64_MAX;
			uint64_t ym = y->op == MOAT_OCI_MASKED_EQ ? y->value : UINT64_MAX;
			uint64_t xv = x->op == MOAT_OCI_MASKED_EQ ? x->value_two : x->value;
			uint64_t yv = y->op == MOAT_OCI_MASKED_EQ ? y->value_two : y->value;
			bool x_equal = x->op == MOAT_OCI_EQ || x->op == MOAT_OCI_MASKED_EQ;
			bool y_equal = y->op == MOAT_OCI_EQ || y->op == MOAT_OCI_MASKED_EQ;

			if (x->index != y->index)
				continue;
			if (x_equal && y_equal && ((xv ^ yv) & xm & ym))
				return true;
			if (((x->op == MOAT_OCI_EQ && y->op == MOAT_OCI_NE) ||
			     (x->op == MOAT_OCI_NE && y->op == MOAT_OCI_EQ)) &&
			    xv == yv)
				return true;
		}
	}
	return false;
}

/*
 * libseccomp may decide an overlap of two rules either way: a later rule
 * that overlaps an earlier, stricter one (which moat's first match gives
 * the overlap to) takes the earlier one's action.
 */
static void settle_overlaps(struct exporter *exporter, struct rule_list *list, const char *name)
{
	for (size_t j = 0; j < list->count; j++) {
		for (size_t i = 0; i < j; i++) {
			struct oci_rule *earlier = &list->rules[i], *later = &list->rules[j];

			if (same_action(&earlier->action, &later->action) ||
			    !at_least_as_strict(&earlier->action, &later->action) ||
			    disjoint(earlier, later))
				continue;
			if (later->source != earlier->source)
				warn(exporter, &later->source->location,
				     "this rule for %s may overlap an earlier one with action %s, "
				     "and "
				     "libseccomp does not decide overlaps in order: exported with "
				     "that action",
				     name, moat_oci_action_name(earlier->action.kind));
			later->action = earlier->action;
		}
	}
}

/*
 * A rule without condition overrides every rule with one in libseccomp, so
 * both can stand only when the one without is the default. Otherwise the
 * syscall gets: that action everywhere, when it is the strictest; else the
 * conditional rules with the default behind them, when the default is at
 * least as strict; else its strictest action everywhere.
 */
static void choose_shape(struct exporter *exporter, struct rule_list *list,
                         const struct moat_syscall_rules *rules)
{
	const struct moat_syscall_rule *fallback = rules->unconditional;
	struct moat_action unconditional, everywhere;
	bool strictest = true, all_same = true, unconditional_left = false;

	if (!fallback)
		return;
	unconditional = exportable(exporter, fallback->action, &fallback->location);
	for (size_t i = 0; i < list->count; i++) {
		strictest &= at_least_as_strict(&unconditional, &list->rules[i].action);
		all_same &= same_action(&unconditional, &list->rules[i].action);
		unconditional_left |= list->rules[i].count == 0;
	}
	if (same_action(&unconditional, &exporter->default_action))
		return;
	if (all_same) {
		list->count = 0;
		push_rule(exporter, list,
		          &(struct oci_rule){.action = unconditional, .source = fallback});
		return;
	}
	everywhere = unconditional;
	if (!strictest && !unconditional_left &&
	    at_least_as_strict(&exporter->default_action, &unconditional)) {
		warn(exporter, &fallback->location,
		     "OCI cannot give %s a rule without condition beside rules with one: calls of "
		     "%s that no condition matches get the default action, %s",
		     rules->name, rules->name, moat_oci_action_name(exporter->default_action.kind));
		return;
	}
	for (size_t i = 0; i < list->count; i++)
		everywhere = *stricter(&everywhere, &list->rules[i].action);
	warn(exporter, &fallback->location,
	     "OCI cannot give %s a rule without condition beside rules with one: every call of "
	     "%s gets %s",
	     rules->name, rules->name, moat_oci_action_name(everywhere.kind));
	list->count = 0;
	push_rule(exporter, list, &(struct oci_rule){.action = everywhere, .source = fallback});
}

/* A broadened rule that lost every argument overrides the others, as it would in libseccomp. */
static void keep_first_unconditional(struct rule_list *list)
{
	for (size_t i = 0; i < list->count; i++) {
		if (list->rules[i].count == 0) {
			list->rules[0] = list->rules[i];
			list->count = 1;
			return;
		}
	}
}

static int compare_args(const struct moat_oci_arg *a, const struct moat_oci_arg *b)
{
	if (a->index != b->index)
		return a->index < b->index ? -1 : 1;
	if (a->op != b->op)
		return a->op < b->op ? -1 : 1;
	if (a->value != b->value)
		return a->value < b->value ? -1 : 1;
	if (a->value_two != b->value_two)
		return a->value_two < b->value_two ? -1 : 1;
	return 0;
}

/* Action, then arguments: the order the profile lists them in. */
static int compare_rules(const struct oci_rule *a, const struct oci_rule *b)
{
	if ((a->count != 0) != (b->count != 0))
		return a->count ? 1 : -1;
	if (a->action.kind != b->action.kind)
		return a->action.kind < b->action.kind ? -1 : 1;
	if (a->action.kind == MOAT_ACTION_ERRNO && a->action.errno_value != b->action.errno_value)
		return a->action.errno_value < b->action.errno_value ? -1 : 1;
	if (a->count != b->count)
		return a->count < b->count ? -1 : 1;
	for (unsigned i = 0; i < a->count; i++) {
		int order = compare_args(&a->args[i], &b->args[i]);

		if (order)
			return order;
	}
	return 0;
}

static int compare_rules_qsort(const void *a, const void *b)
{
	return compare_rules(a, b);
}

static void sort_args(struct oci_rule *rule)
{
	for (unsigned i = 1; i < rule->count; i++) {
		for (unsigned j = i; j > 0 && compare_args(&rule->args[j], &rule->args[j - 1]) < 0;
		     j--) {
			struct moat_oci_arg swap = rule->args[j];

			rule->args[j] = rule->args[j - 1];
			rule->args[j - 1] = swap;
		}
	}
}

static bool add_name(struct exporter *exporter, const struct oci_rule *rule, const char *name)
{
	struct entry *entry = NULL;
	const char **names;

	for (size_t i = 0; i < exporter->entry_count && !entry; i++) {
		if (!compare_rules(&exporter->entries[i].rule, rule))
			entry = &exporter->entries[i];
	}
	if (!entry) {
		struct entry *grown =
		        realloc(exporter->entries, (exporter->entry_count + 1) * sizeof(*grown));

		if (!grown)
			return false;
		exporter->entries = grown;
		entry = &exporter->entries[exporter->entry_count];
		*entry = (struct entry){.rule = *rule, .order = exporter->entry_count};
		exporter->entry_count++;
	}
	if (entry->name_count && !strcmp(entry->names[entry->name_count - 1], name))
		return true; /* the same rule twice for one syscall */
	names = realloc(entry->names, (entry->name_count + 1) * sizeof(*names));
	if (!names)
		return false;
	entry->names = names;
	entry->names[entry->name_count++] = name;
	return true;
}

static void export_syscall(struct exporter *exporter, const struct moat_syscall_rules *rules)
{
	struct rule_list list = {0};
	size_t kept = 0;

	add_conditionals(exporter, &list, rules);
	keep_first_unconditional(&list);
	choose_shape(exporter, &list, rules);
	settle_overlaps(exporter, &list, rules->name);
	for (size_t i = 0; i < list.count; i++) {
		/* runc drops a rule whose action is the default (libseccomp refuses it). */
		if (!same_action(&list.rules[i].action, &exporter->default_action)) {
			sort_args(&list.rules[i]);
			list.rules[kept++] = list.rules[i];
		}
	}
	if (kept)
		qsort(list.rules, kept, sizeof(*list.rules), compare_rules_qsort);
	for (size_t i = 0; i < kept && !exporter->out_of_memory; i++)
		exporter->out_of_memory |= !add_name(exporter, &list.rules[i], rules->name);
	free(list.rules);
}

/* ---- JSON ------------------------------------------------------------- */

static int compare_entries(const void *left, const void *right)
{
	const struct entry *a = left, *b = right;
	int order = compare_rules(&a->rule, &b->rule);

	if ((a->rule.count != 0) != (b->rule.count != 0) ||
	    a->rule.action.kind != b->rule.action.kind)
		return order;
	return a->order < b->order ? -1 : a->order > b->order;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void add_action(json_object *object, const struct moat_action *action, const char *key,
                       const char *errno_key)
{
	json_object_object_add(object, key,
	                       json_object_new_string(moat_oci_action_name(action->kind)));
	if (action->kind == MOAT_ACTION_ERRNO)
		json_object_object_add(object, errno_key, json_object_new_int(action->errno_value));
}

static json_object *entry_json(struct entry *entry)
{
	json_object *object = json_object_new_object(), *names = json_object_new_array();

	qsort(entry->names, entry->name_count, sizeof(*entry->names), compare_names);
	for (size_t i = 0; i < entry->name_count; i++)
		json_object_array_add(names, json_object_new_string(entry->names[i]));
	json_object_object_add(object, "names", names);
	add_action(object, &entry->rule.action, "action", "errnoRet");
	if (entry->rule.count) {
		json_object *args = json_object_new_array();

		for (unsigned i = 0; i < entry->rule.count; i++) {
			const struct moat_oci_arg *arg = &entry->rule.args[i];
			json_object *item = json_object_new_object();

			json_object_object_add(item, "index", json_object_new_int((int)arg->index));
			json_object_object_add(item, "value", json_object_new_uint64(arg->value));
			json_object_object_add(item, "valueTwo",
			                       json_object_new_uint64(arg->value_two));
			json_object_object_add(item, "op",
			                       json_object_new_string(moat_oci_op_name(arg->op)));
			json_object_array_add(args, item);
		}
		json_object_object_add(object, "args", args);
	}
	return object;
}

static json_object *profile_json(struct exporter *exporter, enum moat_oci_format format)
{
	json_object *root = json_object_new_object(), *syscalls = json_object_new_array();
	json_object *arches = json_object_new_array();

	add_action(root, &exporter->default_action, "defaultAction", "defaultErrnoRet");
	if (format == MOAT_OCI_FORMAT_DOCKER) {
		json_object *arch = json_object_new_object();

		json_object_object_add(arch, "architecture",
		                       json_object_new_string(moat_oci_native_arch()));
		json_object_object_add(arch, "subArchitectures", json_object_new_array());
		json_object_array_add(arches, arch);
		json_object_object_add(root, "archMap", arches);
	} else {
		json_object_array_add(arches, json_object_new_string(moat_oci_native_arch()));
		json_object_object_add(root, "architectures", arches);
	}
	if (exporter->entry_count)
		qsort(exporter->entries, exporter->entry_count, sizeof(*exporter->entries),
		      compare_entries);
	for (size_t i = 0; i < exporter->entry_count; i++)
		json_object_array_add(syscalls, entry_json(&exporter->entries[i]));
	json_object_object_add(root, "syscalls", syscalls);
	return root;
}

static void free_entries(struct exporter *exporter)
{
	for (size_t i = 0; i < exporter->entry_count; i++)
		free(exporter->entries[i].names);
	free(exporter->entries);
}

int moat_policy_export_oci(const moat_policy *policy, enum moat_oci_format format, char **json,
                           moat_diagnostic_fn *diagnostics, void *context, struct moat_error *error)
{
	const struct moat_syscalls_section *section = &policy->syscalls;
	struct exporter exporter = {section, {MOAT_ACTION_ALLOW, 0}, diagnostics, context, NULL, 0,
	                            false};
	json_object *root;
	const char *text;
	int result = 0;

	*json = NULL;
	if (format != MOAT_OCI_FORMAT_OCI && format != MOAT_OCI_FORMAT_DOCKER)
		return moat_error_set(error, -EINVAL, "unknown profile format %d", (int)format);
	if (section->present)
		exporter.default_action =
		        exportable(&exporter, section->default_action, &section->default_location);
	else
		warn(&exporter, &(struct moat_location){"moat export", 0, 0},
		     "the policy has no [syscalls] section: the profile allows every call");
	for (size_t i = 0; section->present && i < section->count && !exporter.out_of_memory; i++)
		export_syscall(&exporter, &section->syscalls[i]);
	root = exporter.out_of_memory ? NULL : profile_json(&exporter, format);
	text = root ? json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
	                                                           JSON_C_TO_STRING_NOSLASHESCAPE)
	            : NULL;
	if (!text || asprintf(json, "%s\n", text) < 0) {
		*json = NULL;
		result = moat_error_set(error, -ENOMEM, "out of memory writing the profile");
	}
	json_object_put(root);
	free_entries(&exporter);
	return result;
}
