/* SPDX-License-Identifier: MIT */
/*
 * The subcommands of `moat`, one file each. Every subcommand receives its own
 * arguments (argv[0] is the subcommand's name) and returns the process exit
 * status the CLI contract gives it.
 */
#ifndef MOAT_TOOL_COMMANDS_H
#define MOAT_TOOL_COMMANDS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Exit status for a command line that could not be understood. */
#define MOAT_EXIT_USAGE 2

struct moat_command {
	const char *name;
	const char *summary; /* one line for `moat --help` */
	int (*run)(int argc, char **argv);
	void (*usage)(FILE *stream);
};

int moat_command_check(int argc, char **argv);
void moat_command_check_usage(FILE *stream);
int moat_command_compile(int argc, char **argv);
void moat_command_compile_usage(FILE *stream);
int moat_command_eval(int argc, char **argv);
void moat_command_eval_usage(FILE *stream);
int moat_command_run(int argc, char **argv);
void moat_command_run_usage(FILE *stream);
int moat_command_features(int argc, char **argv);
void moat_command_features_usage(FILE *stream);

int moat_command_learn(int argc, char **argv);
void moat_command_learn_usage(FILE *stream);

int moat_command_test(int argc, char **argv);
void moat_command_test_usage(FILE *stream);

int moat_command_export(int argc, char **argv);
void moat_command_export_usage(FILE *stream);
int moat_command_import(int argc, char **argv);
void moat_command_import_usage(FILE *stream);
int moat_command_syscalls(int argc, char **argv);
void moat_command_syscalls_usage(FILE *stream);

/* PROGRAM as execvp(3) finds it (a new string); NULL with errno set when it is nowhere. */
char *moat_command_find_program(const char *name);

/* An argument of `eval`: a number, a constant name, or several joined by '|'. */
bool moat_command_parse_argument(const char *text, uint64_t *value);

/* A syscall name, or its number; false when it is neither. */
bool moat_command_parse_syscall(const char *text, int *number);

/* The same two on architecture `arch` (numbers and constants as it has them). */
bool moat_command_parse_argument_for(const char *arch, const char *text, uint64_t *value);
bool moat_command_parse_syscall_for(const char *arch, const char *text, int *number);

/*
 * The architecture `--arch NAME` names (`name`); NULL after an error on
 * stderr naming those moat knows.
 */
const char *moat_command_arch(const char *name);

struct moat_policy;
struct moat_action;
struct moat_decision;

/* Writes an action as the policy language does (`allow`, `errno EACCES`); snprintf's result. */
int moat_command_action_text(const struct moat_action *action, char *buffer, size_t size);

/*
 * Writes who decided: `FILE:LINE:COL (STATEMENT)`, or `moat (WHAT)` for one
 * of moat's own rules; snprintf's result.
 */
int moat_command_decider_text(const struct moat_decision *decision, char *buffer, size_t size);

/*
 * Loads the policy files `paths` merged in order, printing every diagnostic
 * on stderr as `FILE:LINE:COL: error: MESSAGE` with the included-from chain.
 * Returns the policy, or NULL when it has errors or cannot be read.
 */
struct moat_policy *moat_command_load_policy(char *const *paths, size_t count);

/* The same, for architecture `arch` (moat_policy_load_arch()). */
struct moat_policy *moat_command_load_policy_for(const char *arch, char *const *paths,
                                                 size_t count);

/*
 * The same, with `last` (`length` bytes, or NULL) merged after the files as
 * if a last file named `name` held it.
 */
struct moat_policy *moat_command_load_layered(char *const *paths, size_t count, const char *name,
                                              const char *last, size_t length);

/*
 * Prints an error of compiling a loaded policy as the diagnostics are
 * printed (`FILE:LINE:COL: error: MESSAGE`), or `moat: MESSAGE` when it has
 * no place.
 */
struct moat_error;
void moat_command_print_policy_error(const struct moat_error *error);

/* Prints "moat: MESSAGE" on stderr, as every error of the command does. */
void moat_command_error(const char *format, ...) __attribute__((format(printf, 1, 2)));

/* True when argv[1] asks for help (-h or --help). */
int moat_command_wants_help(int argc, char **argv);

#endif /* MOAT_TOOL_COMMANDS_H */
