/* SPDX-License-Identifier: MIT */
/*
 * The resolver: syntax trees to the IR. It reads included files, expands
 * `${NAME}`, looks up syscalls, groups, constants and rights, applies
 * overrides, finds conflicts and rules that can never apply, and fills a
 * struct moat_policy. The work is split by section over the resolve_*.c
 * files, which share the state below; nothing outside lib/policy sees it.
 */
#ifndef MOAT_POLICY_RESOLVE_H
#define MOAT_POLICY_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "policy/ast.h"
#include "policy/diagnostics.h"
#include "policy/ir.h"
#include "policy/source.h"
#include "util/vector.h"

/* Where a setting came from, to decide overrides between files. */
struct moat_origin {
	const struct moat_source *source; /* NULL while unset: the file whose value holds */
	struct moat_location location;
	struct moat_vector settings; /* struct moat_setting: every file that set it, once each */
};

/* A file that set a setting, with the value as written, to find it set twice in one file. */
struct moat_setting {
	const struct moat_source *source;
	const char *value;
	struct moat_location location;
};

struct moat_resolver {
	struct moat_policy *policy;
	struct moat_arena *arena;
	struct moat_diagnostics *diagnostics;
	const char *search_path; /* colon-separated, may be NULL */
	const char *const *environment;
	const struct moat_source *source; /* the file being resolved */
	unsigned sequence;                /* counts statements across all files, in order */
	unsigned files_finished;          /* gives each file its precedence */
	bool out_of_memory;
	size_t coverage_work;       /* against MOAT_COVERAGE_WORK_LIMIT */
	size_t syscall_comparisons; /* in syscall_entries, counted per entry */
	bool syscall_limit_reported;
	struct moat_vector files; /* struct moat_policy_file *, every file read */

	/* [syscalls] */
	struct moat_vector syscall_entries; /* struct moat_syscall_entry */
	struct moat_origin default_origin;
	struct moat_vector parsed_guards; /* struct moat_parsed_guard: each member parsed once */
	struct moat_vector group_rules;   /* struct moat_group_rule: `ACTION @group` without `if` */

	/* settings that a later or including file may override */
	struct moat_origin compat_origin;
	struct moat_origin hostname_origin;
	struct moat_origin uid_origin;
	struct moat_origin gid_origin;
	struct moat_origin cwd_origin;
	struct moat_origin environment_origin;
	struct moat_origin capabilities_origin;
	struct moat_origin new_session_origin;
	struct moat_origin close_fds_origin;
	struct moat_origin die_with_parent_origin;
	struct moat_origin limit_origins[MOAT_LIMIT_COUNT];

	/* lists that every file adds to */
	struct moat_vector path_rules;         /* struct moat_path_rule */
	struct moat_vector path_rule_sources;  /* const struct moat_source *, one per rule */
	struct moat_vector connect_ports;      /* uint16_t */
	struct moat_vector bind_ports;         /* uint16_t */
	struct moat_vector connect_statements; /* struct moat_statement, one per port */
	struct moat_vector bind_statements;
	struct moat_vector egress_rules;         /* struct moat_egress_rule */
	struct moat_vector mounts;               /* struct moat_mount */
	const struct moat_source *mounts_source; /* of the first mount, for diagnostics */
	struct moat_vector environment_keep;     /* const char * */
	struct moat_vector environment_set;      /* const char * */
	struct moat_vector broker_opens;         /* struct moat_broker_open */
	struct moat_vector broker_connects;      /* struct moat_broker_connect */
	const struct moat_source *broker_source; /* of the first broker rule */
};

/*
 * A policy file of the include graph, read and parsed once however often it
 * is included. It takes effect at one place only: its last include in the
 * expanded policy (resolve_includes.c says why).
 */
struct moat_policy_file {
	struct moat_source *source;
	struct moat_ast_file syntax;
	struct moat_policy_file *
	        *includes; /* per statement: the file its `include` names, or NULL */
	unsigned height;   /* the longest chain of includes below this file */
	bool loading;      /* being read: including it now is a cycle */
	bool placed;
	const struct moat_policy_file
	        *placed_in; /* the including file; NULL: one the caller named */
	size_t placed_at;   /* the statement index of that include, or the caller's index */
};

/* A group member's condition, parsed the first time a rule names its group. */
struct moat_parsed_guard {
	const void *member; /* the struct moat_group_member */
	const struct moat_ast_condition *condition;
};

/* A rule that names a group without `if`, to warn when a file repeats it. */
struct moat_group_rule {
	const struct moat_source *source;
	const char *group;
	struct moat_action action;
	struct moat_location location;
};

/* One syscall that one rule names, directly or through a group. */
struct moat_syscall_entry {
	int number;
	const char *name;
	const struct moat_source *source;
	unsigned sequence;
	struct moat_action action;
	/* The rule's own `if`, with the group member's condition folded in. */
	const struct moat_condition *condition;
	/* For a rule without `if` through a group member that has a condition. */
	const struct moat_condition *guard;
	const char *group;             /* NULL when the rule names the syscall itself */
	struct moat_location location; /* of the syscall name or @group */
	struct moat_statement statement;
};

/* ---- reporting (resolver.c) ------------------------------------------ */

void moat_resolve_error(struct moat_resolver *resolver, const struct moat_location *location,
                        const char *format, ...) __attribute__((format(printf, 3, 4)));
void moat_resolve_warning(struct moat_resolver *resolver, const struct moat_location *location,
                          const char *format, ...) __attribute__((format(printf, 3, 4)));
/* A diagnostic about a place in a file other than the one being resolved. */
void moat_resolve_report(struct moat_resolver *resolver, enum moat_severity severity,
                         const struct moat_source *source, const struct moat_location *location,
                         const char *format, ...) __attribute__((format(printf, 5, 6)));

/* Allocation helpers that note running out of memory. */
void *moat_resolve_alloc(struct moat_resolver *resolver, size_t size);
void *moat_resolve_push(struct moat_resolver *resolver, struct moat_vector *vector, size_t size);

/*
 * Decides whether a setting written at `location` in the current file takes
 * the place of the one recorded in `origin`: a file's setting beats one from
 * a file it includes, and otherwise the later one wins. `value` is the value
 * as written: the same file setting it twice is an error, or a warning when
 * the value is the same. Returns true when the caller should store the new
 * value.
 */
bool moat_resolve_override(struct moat_resolver *resolver, struct moat_origin *origin,
                           const struct moat_location *location, const char *value,
                           const char *what);

/* Whether the current file set `origin` to `value` already. */
bool moat_resolve_set_here(const struct moat_resolver *resolver, const struct moat_origin *origin,
                           const char *value);

/* The words of a statement after its keyword, joined by blanks: a value as written. */
const char *moat_resolve_statement_text(struct moat_resolver *resolver,
                                        const struct moat_ast_statement *statement);

/*
 * Where `statement` starts and its text as the file has it (the lines it
 * spans, trimmed, comments removed, continuations joined), for reports that
 * name the statement that decided.
 */
struct moat_statement moat_resolve_statement(struct moat_resolver *resolver,
                                             const struct moat_ast_statement *statement);

/* ---- the include graph (resolve_includes.c) ------------------------- */

/*
 * Reads, lexes and parses the caller's `sources` and every file they
 * include, once each (a file is known by its device and inode), reporting
 * files that cannot be read, cycles and nesting deeper than 16 files.
 * `roots[i]` gets the file of `sources[i]`, NULL when it could not be parsed.
 */
void moat_resolve_load_files(struct moat_resolver *resolver, struct moat_source *const *sources,
                             size_t count, struct moat_policy_file **roots);

/* Finds where each file takes effect: at its last include in the expanded policy. */
void moat_resolve_place_files(struct moat_policy_file *const *roots, size_t count);

/*
 * Whether `file` takes effect at statement `at` of `in`, or, with `in` NULL,
 * as the caller's file number `at`.
 */
bool moat_resolve_takes_effect_at(const struct moat_policy_file *file,
                                  const struct moat_policy_file *in, size_t at);

/* ---- words and values (values.c) ------------------------------------- */

/* The text of a word with ${NAME} expanded, or NULL after reporting an error. */
const char *moat_resolve_text(struct moat_resolver *resolver, const struct moat_ast_word *word);

/*
 * Parses a number (decimal, 0x hex, 0o octal); with `size`, a K, M or G
 * suffix multiplies by 1024, 1024^2 or 1024^3. Reports errors at `word`.
 */
bool moat_resolve_number(struct moat_resolver *resolver, const struct moat_ast_word *word,
                         const char *text, bool size, uint64_t *value);

/* `yes` or `no`. */
bool moat_resolve_yes_no(struct moat_resolver *resolver, const struct moat_ast_word *word,
                         bool *value);

/*
 * An absolute path with ${NAME} expanded. With `optional` non-NULL a leading
 * `?` is allowed and reported there. With `must_exist` a missing path that is
 * not optional is an error.
 */
const char *moat_resolve_path(struct moat_resolver *resolver, const struct moat_ast_word *word,
                              bool *optional, bool must_exist);

/* ---- one function per section; each handles one statement ------------ */

void moat_resolve_syscall_statement(struct moat_resolver *resolver,
                                    const struct moat_ast_statement *statement);
void moat_resolve_filesystem_statement(struct moat_resolver *resolver,
                                       const struct moat_ast_statement *statement);
/* `egress ADDRESS[/PREFIX] tcp|udp PORT[-PORT]...` (resolve_egress.c) */
void moat_resolve_egress_statement(struct moat_resolver *resolver,
                                   const struct moat_ast_statement *statement);
void moat_resolve_network_statement(struct moat_resolver *resolver,
                                    const struct moat_ast_statement *statement);
void moat_resolve_namespaces_statement(struct moat_resolver *resolver,
                                       const struct moat_ast_statement *statement);
void moat_resolve_mounts_statement(struct moat_resolver *resolver,
                                   const struct moat_ast_statement *statement);
void moat_resolve_limits_statement(struct moat_resolver *resolver,
                                   const struct moat_ast_statement *statement);
void moat_resolve_process_statement(struct moat_resolver *resolver,
                                    const struct moat_ast_statement *statement);
void moat_resolve_broker_statement(struct moat_resolver *resolver,
                                   const struct moat_ast_statement *statement);

/* ---- after the last file: build the IR's tables and cross-checks ------ */

void moat_resolve_syscalls_finish(struct moat_resolver *resolver);
void moat_resolve_filesystem_finish(struct moat_resolver *resolver);
void moat_resolve_isolation_finish(struct moat_resolver *resolver);
void moat_resolve_process_finish(struct moat_resolver *resolver);
void moat_resolve_broker_finish(struct moat_resolver *resolver);
void moat_resolve_egress_finish(struct moat_resolver *resolver);

/* ---- conditions (conditions.c) ---------------------------------------- */

/*
 * Resolves a parsed condition for syscall `number`: constant names become
 * values, and every value must fit the bits the kernel reads from its
 * argument. Returns NULL after reporting an error.
 */
const struct moat_condition *moat_resolve_condition(struct moat_resolver *resolver,
                                                    const struct moat_ast_condition *condition,
                                                    int number, const char *syscall_name);

/* (a || b) && (c || d) as one condition in disjunctive form. */
const struct moat_condition *moat_condition_and(struct moat_resolver *resolver,
                                                const struct moat_condition *left,
                                                const struct moat_condition *right);

/* a || b. */
const struct moat_condition *moat_condition_or(struct moat_resolver *resolver,
                                               const struct moat_condition *left,
                                               const struct moat_condition *right);

/* ---- what conditions imply (coverage.c) ------------------------------ */

/*
 * Facts about conditions for syscall `number`, on the argument bits the
 * kernel reads. They are sound but not complete: `never` may miss cases and
 * coverage may miss an earlier rule that decides a case, never the reverse.
 * Each conjunction is analysed in a canonical form (comparisons narrowed,
 * sorted, repeats dropped), so the cost grows with n log n in its size.
 */
bool moat_condition_never(struct moat_resolver *resolver, const struct moat_condition *condition,
                          int number);

/*
 * The most work, counted in comparisons looked up, that finding covering
 * rules may do for a whole policy. Passing it is an error at the rule being
 * checked: a policy is never accepted with a check left out.
 */
#define MOAT_COVERAGE_WORK_LIMIT 50000000U

/* No rule: returned by the lookups below. */
#define MOAT_COVERAGE_NONE SIZE_MAX

/*
 * The rules of one syscall in evaluation order, indexed so that a later rule
 * finds the earlier ones that decide all its cases without comparing every
 * pair. Rules are numbered 0, 1, ... in the order they are added.
 */
struct moat_coverage;
/* A condition in canonical form, from moat_coverage_cases(). */
struct moat_cases;

struct moat_coverage *moat_coverage_create(struct moat_resolver *resolver, int number);
void moat_coverage_destroy(struct moat_coverage *coverage);

/* `condition` in canonical form, or NULL (out of memory, noted in the resolver). */
const struct moat_cases *moat_coverage_cases(struct moat_coverage *coverage,
                                             const struct moat_condition *condition);
bool moat_cases_never(const struct moat_cases *cases);

/*
 * The first added rule that decides every case of `cases` (NULL: a rule
 * without condition, which an earlier condition that always holds decides),
 * in the sense of the earlier one-pair check: per case, the first rule one of
 * whose conjunctions that can hold is implied by the case; the rule returned
 * is the one found for the last case. MOAT_COVERAGE_NONE when some case is
 * left. -E2BIG when the policy's work limit is passed.
 */
int moat_coverage_find(struct moat_coverage *coverage, const struct moat_cases *cases,
                       size_t *rule);

/* The first added rule with the same action and the same condition as written. */
size_t moat_coverage_repeat(struct moat_coverage *coverage, const struct moat_condition *condition,
                            const struct moat_action *action);

/* Adds the next rule; `cases` is NULL for a rule without condition. */
void moat_coverage_add(struct moat_coverage *coverage, const struct moat_condition *condition,
                       const struct moat_cases *cases, const struct moat_action *action);

#endif /* MOAT_POLICY_RESOLVE_H */
