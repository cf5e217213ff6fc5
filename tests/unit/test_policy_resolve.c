// SPDX-License-Identifier: MIT
/* The resolver: what a policy means once includes, groups and overrides are applied. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/ir.h"
#include "policy_support.h"
#include "syscalls/syscalls.h"

static char directory[] = "/tmp/moat-resolve-XXXXXX";

static int make_directory(void **state)
{
	(void)state;
	return mkdtemp(directory) ? 0 : -1;
}

static int remove_directory(void **state)
{
	char command[128];

	(void)state;
	snprintf(command, sizeof(command), "rm -rf %s", directory);
	return system(command);
}

static void write_file(const char *name, const char *text)
{
	char path[256];
	FILE *file;

	snprintf(path, sizeof(path), "%s/%s", directory, name);
	file = fopen(path, "w");
	assert_non_null(file);
	fputs(text, file);
	fclose(file);
}

static moat_policy *load_files(const char *const *names, size_t count,
                               struct test_diagnostics *diagnostics)
{
	char paths[4][256];
	const char *pointers[4];
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .policy_path = directory};

	for (size_t i = 0; i < count; i++) {
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", directory, names[i]);
		pointers[i] = paths[i];
	}
	return test_load_paths(pointers, count, options, diagnostics);
}

static moat_policy *valid(const char *text)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy = test_load(text, &diagnostics);

	if (!policy)
		fail_msg("refused:\n%s\n%s", text, diagnostics.text);
	return policy;
}

static void refused(const char *text, unsigned line, unsigned column, const char *fragment)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy = test_load(text, &diagnostics);

	if (policy || diagnostics.error.line != line || diagnostics.error.column != column ||
	    !strstr(diagnostics.error.message, fragment))
		fail_msg("expected %u:%u '%s' for:\n%s\ngot:\n%s", line, column, fragment, text,
		         diagnostics.text);
	moat_policy_free(policy);
}

static const struct moat_syscall_rules *rules_of(const moat_policy *policy, const char *name)
{
	return moat_policy_find_syscall(policy, moat_syscall_number(name));
}

static void assert_unconditional(const moat_policy *policy, const char *name,
                                 enum moat_action_kind kind, int errno_value)
{
	const struct moat_syscall_rules *rules = rules_of(policy, name);

	if (!rules || !rules->unconditional)
		fail_msg("%s has no unconditional rule", name);
	assert_int_equal(rules->unconditional->action.kind, kind);
	if (kind == MOAT_ACTION_ERRNO)
		assert_int_equal(rules->unconditional->action.errno_value, errno_value);
}

/* ---- the contract's examples ----------------------------------------- */

static moat_policy *load_example(const char *name, struct test_diagnostics *diagnostics)
{
	char path[512];
	const char *paths[1] = {path};
	moat_policy *policy = NULL;

	snprintf(path, sizeof(path), "%s/spec/%s", getenv("MOAT_TEST_DATA"), name);
	memset(diagnostics, 0, sizeof(*diagnostics));
	if (moat_policy_load(&policy, paths, 1, NULL, &diagnostics->error) < 0)
		return NULL;
	return policy;
}

static void contract_examples(void **state)
{
	static const struct {
		const char *file;
		unsigned line;
		unsigned column; /* 0: any column */
	} errors[] = {
	        {"conflict.policy", 5, 0},       {"unknown-group.policy", 3, 7},
	        {"unknown-right.policy", 3, 17}, {"dangling-operator.policy", 3, 0},
	        {"wrong-version.policy", 1, 6},
	};
	struct test_diagnostics diagnostics;
	moat_policy *policy;

	(void)state;
	policy = load_example("parser.policy", &diagnostics);
	assert_non_null(policy);
	moat_policy_free(policy);
	policy = load_example("layered.policy", &diagnostics);
	assert_non_null(policy);
	assert_unconditional(policy, "openat", MOAT_ACTION_ERRNO, EPERM);
	assert_int_equal(rules_of(policy, "openat")->conditional_count, 1);
	assert_unconditional(policy, "socket", MOAT_ACTION_KILL_PROCESS, 0);
	assert_unconditional(policy, "clone3", MOAT_ACTION_ERRNO, ENOSYS);
	assert_int_equal(policy->syscalls.default_action.kind, MOAT_ACTION_KILL_PROCESS);
	moat_policy_free(policy);
	for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++) {
		policy = load_example(errors[i].file, &diagnostics);
		assert_null(policy);
		assert_int_equal(diagnostics.error.line, errors[i].line);
		if (errors[i].column)
			assert_int_equal(diagnostics.error.column, errors[i].column);
	}
}

static void conflict_names_the_earlier_rule(void **state)
{
	struct test_diagnostics diagnostics;

	(void)state;
	assert_null(test_load("moat 1\n[syscalls]\ndefault kill\nallow read close\nkill close\n",
	                      &diagnostics));
	assert_non_null(strstr(diagnostics.text,
	                       "test.policy:5:6: error: conflicting rules for close in one file"));
	assert_non_null(strstr(diagnostics.text, "test.policy:4:12: note:"));
}

/* ---- [syscalls] semantics -------------------------------------------- */

static void defaults_and_clone3(void **state)
{
	moat_policy *policy = valid("moat 1\n[syscalls]\nallow read\n");

	(void)state;
	assert_true(policy->syscalls.present);
	assert_int_equal(policy->syscalls.default_action.kind, MOAT_ACTION_KILL_PROCESS);
	assert_unconditional(policy, "clone3", MOAT_ACTION_ERRNO, ENOSYS);
	assert_false(policy->syscalls.has_notify);
	moat_policy_free(policy);

	policy = valid("moat 1\n[syscalls]\ndefault errno EACCES\nallow clone3\nnotify connect\n");
	assert_int_equal(policy->syscalls.default_action.kind, MOAT_ACTION_ERRNO);
	assert_int_equal(policy->syscalls.default_action.errno_value, EACCES);
	assert_unconditional(policy, "clone3", MOAT_ACTION_ALLOW, 0);
	assert_true(policy->syscalls.has_notify);
	moat_policy_free(policy);

	policy = valid("moat 1\n[filesystem]\nread /usr\n");
	assert_false(policy->syscalls.present);
	assert_int_equal(policy->syscalls.count, 0);
	moat_policy_free(policy);
}

static void actions_and_errno(void **state)
{
	moat_policy *policy = valid("moat 1\n[syscalls]\nkill-thread getpid\ntrap getppid\n"
	                            "log uname\nerrno 13 openat\nerrno ENOSYS mount\n");

	(void)state;
	assert_unconditional(policy, "getpid", MOAT_ACTION_KILL_THREAD, 0);
	assert_unconditional(policy, "getppid", MOAT_ACTION_TRAP, 0);
	assert_unconditional(policy, "uname", MOAT_ACTION_LOG, 0);
	assert_unconditional(policy, "openat", MOAT_ACTION_ERRNO, 13);
	assert_unconditional(policy, "mount", MOAT_ACTION_ERRNO, ENOSYS);
	moat_policy_free(policy);
	refused("moat 1\n[syscalls]\nerrno EPREM read\n", 3, 7, "unknown errno name 'EPREM'");
	refused("moat 1\n[syscalls]\nerrno 4096 read\n", 3, 7, "out of range");
	refused("moat 1\n[syscalls]\nallow reed\n", 3, 7, "did you mean 'read'");
}

static void explicit_name_beats_group_in_one_file(void **state)
{
	moat_policy *policy = valid("moat 1\n[syscalls]\nallow @stdio\nkill write\n");
	const struct moat_syscall_rules *write_rules;

	(void)state;
	write_rules = rules_of(policy, "write");
	assert_non_null(write_rules);
	assert_int_equal(write_rules->conditional_count, 0);
	assert_unconditional(policy, "write", MOAT_ACTION_KILL_PROCESS, 0);
	assert_unconditional(policy, "read", MOAT_ACTION_ALLOW, 0);
	moat_policy_free(policy);
}

static void a_condition_on_a_group_applies_to_the_members_it_fits(void **state)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy;

	(void)state;
	/* getpid takes no argument: the rule does not speak of it, and says nothing wrong. */
	policy = valid("moat 1\n[syscalls]\nallow @stdio if arg0 == 1\n");
	assert_null(rules_of(policy, "getpid"));
	assert_int_equal(rules_of(policy, "write")->conditional_count, 1);
	moat_policy_free(policy);
	refused("moat 1\n[syscalls]\nallow @id if arg0 & 1 == 2\n", 3, 7,
	        "can hold for none of the members of @id");
	/* The same group rule twice in a file: one warning, for the group. */
	policy = test_load("moat 1\n[syscalls]\nallow @stdio\nallow @stdio\n", &diagnostics);
	assert_non_null(policy);
	assert_int_equal(diagnostics.warnings, 1);
	assert_non_null(strstr(diagnostics.text, "4:7: warning: repeated rule for @stdio"));
	moat_policy_free(policy);
}

static void groups_that_disagree_are_an_error(void **state)
{
	struct test_diagnostics diagnostics;

	(void)state;
	assert_null(
	        test_load("moat 1\n[syscalls]\nallow @rpath\nerrno EPERM @wpath\n", &diagnostics));
	assert_non_null(strstr(diagnostics.text, "give"));
	assert_non_null(strstr(diagnostics.text, "different actions in one file"));
}

static void repeated_rules_warn(void **state)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy;

	(void)state;
	policy = test_load("moat 1\n[syscalls]\nallow read\nallow read\n"
	                   "allow write if arg0 == 1\nallow write if arg0 == 1\n",
	                   &diagnostics);
	assert_non_null(policy);
	assert_int_equal(diagnostics.warnings, 2);
	assert_non_null(
	        strstr(diagnostics.text, "test.policy:4:7: warning: repeated rule for read"));
	assert_non_null(
	        strstr(diagnostics.text, "test.policy:6:7: warning: repeated rule for write"));
	assert_int_equal(moat_policy_warning_count(policy), 2);
	assert_int_equal(rules_of(policy, "write")->conditional_count, 1);
	moat_policy_free(policy);
}

static void unreachable_rules_are_errors(void **state)
{
	(void)state;
	refused("moat 1\n[syscalls]\nallow read if arg0 & 1 == 2\n", 3, 7, "can never hold");
	refused("moat 1\n[syscalls]\nallow read if arg0 == 1 && arg0 == 2\n", 3, 7,
	        "can never hold");
	refused("moat 1\n[syscalls]\nallow read if arg0 < 3 && arg0 > 5\n", 3, 7, "can never hold");
	refused("moat 1\n[syscalls]\nallow read if arg0 == 1\nkill read if arg0 == 1 && arg1 == "
	        "2\n",
	        4, 6, "can never apply");
	refused("moat 1\n[syscalls]\nallow read if arg0 >= 0\nkill read\n", 4, 6,
	        "can never apply");
	refused("moat 1\n[syscalls]\nallow read if arg0 == 1\nerrno EPERM read if arg0 == 1\n", 4,
	        13, "can never apply");
}

static void arguments_are_read_at_their_width(void **state)
{
	moat_policy *policy;

	(void)state;
	/* socket's domain is an int: a value with upper bits could never match. */
	refused("moat 1\n[syscalls]\nallow socket if arg0 == 0x100000001\n", 3, 25,
	        "does not fit arg0 of socket");
	refused("moat 1\n[syscalls]\nallow socket if arg1 & 0xffff00000000 == 0\n", 3, 24,
	        "does not fit arg1 of socket");
	/* A negative constant is sign-extended and fits an int argument. */
	policy = valid("moat 1\n[syscalls]\nallow openat if arg0 == AT_FDCWD\n");
	assert_int_equal(rules_of(policy, "openat")
	                         ->conditional[0]
	                         .condition->conjunctions[0]
	                         .comparisons[0]
	                         .value,
	                 (uint64_t)(int64_t)-100);
	moat_policy_free(policy);
	/* mmap's length is 64 bits wide. */
	policy = valid("moat 1\n[syscalls]\nallow mmap if arg1 <= 0x100000000\n");
	moat_policy_free(policy);
	refused("moat 1\n[syscalls]\nallow getpid if arg0 == 0\n", 3, 17,
	        "getpid takes 0 arguments");
	refused("moat 1\n[syscalls]\nallow read if arg0 == O_RDONY\n", 3, 23,
	        "did you mean 'O_RDONLY'");
}

static void conditions_in_the_ir(void **state)
{
	moat_policy *policy = valid("moat 1\n[syscalls]\n"
	                            "allow socket if arg0 == AF_UNIX || arg0 == AF_INET && "
	                            "arg1 & 0xf == SOCK_STREAM\n"
	                            "allow ioctl if arg1 in {TCGETS, FIONREAD}\n"
	                            "allow openat if arg2 & O_WRONLY|O_RDWR == 0\n");
	const struct moat_condition *condition;

	(void)state;
	condition = rules_of(policy, "socket")->conditional[0].condition;
	assert_int_equal(condition->count, 2);
	assert_int_equal(condition->conjunctions[0].count, 1);
	assert_int_equal(condition->conjunctions[1].count, 2);
	assert_int_equal(condition->conjunctions[1].comparisons[1].arg, 1);
	assert_int_equal(condition->conjunctions[1].comparisons[1].mask, 0xf);
	assert_int_equal(condition->conjunctions[1].comparisons[1].value, 1);
	condition = rules_of(policy, "ioctl")->conditional[0].condition;
	assert_int_equal(condition->conjunctions[0].comparisons[0].op, MOAT_COMPARE_IN);
	assert_int_equal(condition->conjunctions[0].comparisons[0].set_count, 2);
	assert_int_equal(condition->conjunctions[0].comparisons[0].set[0], 0x5401);
	condition = rules_of(policy, "openat")->conditional[0].condition;
	assert_int_equal(condition->conjunctions[0].comparisons[0].mask, 3);
	moat_policy_free(policy);
}

static void default_allow_warns_about_default_deny(void **state)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy;

	(void)state;
	policy = test_load("moat 1\n[syscalls]\ndefault allow\n", &diagnostics);
	assert_non_null(policy);
	assert_non_null(strstr(diagnostics.text, "kill @default-deny"));
	moat_policy_free(policy);
	policy = test_load("moat 1\n[syscalls]\ndefault allow\nkill @default-deny\n", &diagnostics);
	assert_non_null(policy);
	assert_int_equal(diagnostics.warnings, 0);
	moat_policy_free(policy);
}

/* ---- includes and overrides ------------------------------------------ */

static void a_file_overrides_what_it_includes(void **state)
{
	static const char *const main_file[] = {"main.policy"};
	struct test_diagnostics diagnostics;
	moat_policy *policy;

	(void)state;
	write_file("base.policy",
	           "moat 1\n[syscalls]\nallow close\nkill uname\n[limits]\nnofile 10\n");
	/* The including file wins whether its rule stands before or after the include. */
	write_file("main.policy", "moat 1\n[syscalls]\nerrno EPERM close\ninclude base\n"
	                          "allow uname\n[limits]\nnofile 20\n");
	policy = load_files(main_file, 1, &diagnostics);
	assert_non_null(policy);
	assert_unconditional(policy, "close", MOAT_ACTION_ERRNO, EPERM);
	assert_unconditional(policy, "uname", MOAT_ACTION_ALLOW, 0);
	assert_int_equal(policy->limits.limits[MOAT_LIMIT_NOFILE].soft, 20);
	moat_policy_free(policy);
}

static void later_files_override_earlier_ones(void **state)
{
	static const char *const files[] = {"first.policy", "second.policy"};
	struct test_diagnostics diagnostics;
	moat_policy *policy;

	(void)state;
	write_file("first.policy", "moat 1\n[syscalls]\ndefault kill\nallow close read\n");
	write_file("second.policy", "moat 1\n[syscalls]\ndefault errno EPERM\nkill close\n");
	policy = load_files(files, 2, &diagnostics);
	assert_non_null(policy);
	assert_unconditional(policy, "close", MOAT_ACTION_KILL_PROCESS, 0);
	assert_unconditional(policy, "read", MOAT_ACTION_ALLOW, 0);
	assert_int_equal(policy->syscalls.default_action.kind, MOAT_ACTION_ERRNO);
	moat_policy_free(policy);
}

static void group_conditions_fall_through_to_earlier_files(void **state)
{
	static const char *const union_files[] = {"reads.policy", "writes.policy"};
	static const char *const override_files[] = {"reads.policy", "no-open.policy"};
	struct test_diagnostics diagnostics;
	const struct moat_syscall_rules *openat;
	moat_policy *policy;

	(void)state;
	write_file("reads.policy", "moat 1\n[syscalls]\nallow @rpath\n");
	write_file("writes.policy", "moat 1\n[syscalls]\nallow @wpath\n");
	write_file("no-open.policy", "moat 1\n[syscalls]\nerrno EACCES openat\n");
	/* Two groups' conditions add up across files... */
	policy = load_files(union_files, 2, &diagnostics);
	assert_non_null(policy);
	openat = rules_of(policy, "openat");
	assert_int_equal(openat->conditional_count, 2);
	assert_null(openat->unconditional);
	moat_policy_free(policy);
	/* ...and a later rule without a condition overrides them. */
	policy = load_files(override_files, 2, &diagnostics);
	assert_non_null(policy);
	openat = rules_of(policy, "openat");
	assert_int_equal(openat->conditional_count, 0);
	assert_unconditional(policy, "openat", MOAT_ACTION_ERRNO, EACCES);
	moat_policy_free(policy);
}

static void a_file_sets_a_value_once_whatever_includes_it(void **state)
{
	static const char *const outer[] = {"outer.policy"};
	struct test_diagnostics diagnostics;

	(void)state;
	write_file("twice.policy", "moat 1\n[limits]\nnofile 10\nnofile 20\n");
	/* The including file sets nofile first: twice.policy's own conflict still counts. */
	write_file("outer.policy", "moat 1\n[limits]\nnofile 5\ninclude \"twice.policy\"\n");
	assert_null(load_files(outer, 1, &diagnostics));
	assert_non_null(strstr(diagnostics.text, "twice.policy:4:1: error: nofile set twice"));
}

static void a_fifo_is_not_a_policy(void **state)
{
	char path[256];
	const char *paths[] = {path};
	struct moat_error error;
	moat_policy *policy;

	(void)state;
	snprintf(path, sizeof(path), "%s/fifo.policy", directory);
	assert_int_equal(mkfifo(path, 0600), 0);
	assert_int_equal(moat_policy_load(&policy, paths, 1, NULL, &error), -EINVAL);
}

static void include_errors(void **state)
{
	static const char *const cycle[] = {"cycle-a.policy"};
	static const char *const missing[] = {"missing.policy"};
	static const char *const deep[] = {"deep0.policy"};
	struct test_diagnostics diagnostics;
	char name[32], text[64];

	(void)state;
	write_file("cycle-a.policy", "moat 1\ninclude \"cycle-b.policy\"\n");
	write_file("cycle-b.policy", "moat 1\ninclude \"cycle-a.policy\"\n");
	assert_null(load_files(cycle, 1, &diagnostics));
	assert_non_null(strstr(diagnostics.error.message, "includes itself"));
	assert_int_equal(diagnostics.error.line, 2);

	write_file("missing.policy", "moat 1\n\ninclude nonesuch\n");
	assert_null(load_files(missing, 1, &diagnostics));
	assert_non_null(strstr(diagnostics.error.message, "no policy named 'nonesuch'"));
	assert_int_equal(diagnostics.error.line, 3);
	assert_int_equal(diagnostics.error.column, 9);

	for (int i = 0; i < 20; i++) {
		snprintf(name, sizeof(name), "deep%d.policy", i);
		snprintf(text, sizeof(text), "moat 1\ninclude deep%d\n", i + 1);
		write_file(name, text);
	}
	write_file("deep20.policy", "moat 1\n");
	assert_null(load_files(deep, 1, &diagnostics));
	assert_non_null(strstr(diagnostics.error.message, "nested deeper than 16"));
}

static void included_from_chain(void **state)
{
	static const char *const top[] = {"top.policy"};
	struct test_diagnostics diagnostics;
	char expected[512];

	(void)state;
	write_file("top.policy", "moat 1\ninclude middle\n");
	write_file("middle.policy", "moat 1\n\ninclude \"leaf.policy\"\n");
	write_file("leaf.policy", "moat 1\n[syscalls]\nallow @nonesuch\n");
	assert_null(load_files(top, 1, &diagnostics));
	snprintf(expected, sizeof(expected),
	         "In file included from %s/middle.policy:3:1,\n"
	         "                 from %s/top.policy:2:1:\n"
	         "%s/leaf.policy:3:7: error: unknown group '@nonesuch'",
	         directory, directory, directory);
	if (!strstr(diagnostics.text, expected))
		fail_msg("expected:\n%s\ngot:\n%s", expected, diagnostics.text);
}

/* ---- a file included again ------------------------------------------ */

/*
 * restrict.policy closes the network and socket(); open.policy includes it
 * and opens them again. Whichever comes last in the expanded policy wins.
 */
static void write_layered_network_policies(void)
{
	write_file("restrict.policy",
	           "moat 1\ncompat best-effort\n[syscalls]\ndefault errno EPERM\n"
	           "errno EACCES socket\n[network]\nconnect tcp none\n"
	           "[limits]\nnofile 10\n[process]\nenv set LAYER=restrict\n");
	write_file("open.policy", "moat 1\ninclude \"restrict.policy\"\ncompat strict\n"
	                          "[syscalls]\ndefault kill\nallow socket\n[network]\n"
	                          "connect tcp 443\n[limits]\nnofile 20\n"
	                          "[process]\nenv set LAYER=open\n");
}

static const char *last_value_of(const moat_policy *policy, const char *prefix)
{
	const char *value = NULL;

	for (size_t i = 0; i < policy->process.environment_set_count; i++) {
		if (!strncmp(policy->process.environment_set[i], prefix, strlen(prefix)))
			value = policy->process.environment_set[i] + strlen(prefix);
	}
	return value;
}

static void assert_restricted(const moat_policy *policy)
{
	assert_true(policy->network.connect_tcp.present);
	assert_int_equal(policy->network.connect_tcp.count, 0);
	assert_unconditional(policy, "socket", MOAT_ACTION_ERRNO, EACCES);
	assert_int_equal(policy->syscalls.default_action.kind, MOAT_ACTION_ERRNO);
	assert_int_equal(policy->compat, MOAT_COMPAT_BEST_EFFORT);
	assert_int_equal(policy->limits.limits[MOAT_LIMIT_NOFILE].soft, 10);
	assert_string_equal(last_value_of(policy, "LAYER="), "restrict");
}

static void assert_opened(const moat_policy *policy)
{
	assert_int_equal(policy->network.connect_tcp.count, 1);
	assert_int_equal(policy->network.connect_tcp.ports[0], 443);
	assert_unconditional(policy, "socket", MOAT_ACTION_ALLOW, 0);
	assert_int_equal(policy->syscalls.default_action.kind, MOAT_ACTION_KILL_PROCESS);
	assert_int_equal(policy->compat, MOAT_COMPAT_STRICT);
	assert_int_equal(policy->limits.limits[MOAT_LIMIT_NOFILE].soft, 20);
	assert_string_equal(last_value_of(policy, "LAYER="), "open");
}

static void a_later_include_of_a_file_wins(void **state)
{
	static const char *const open_then_restrict[] = {"open-then-restrict.policy"};
	static const char *const restrict_then_open[] = {"restrict-then-open.policy"};
	struct test_diagnostics diagnostics;
	moat_policy *policy;

	(void)state;
	write_layered_network_policies();
	/* open.policy pulled restrict.policy in already; including it again moves it last. */
	write_file("open-then-restrict.policy",
	           "moat 1\ninclude \"open.policy\"\ninclude \"restrict.policy\"\n");
	policy = load_files(open_then_restrict, 1, &diagnostics);
	if (!policy)
		fail_msg("refused:\n%s", diagnostics.text);
	assert_restricted(policy);
	assert_int_equal(policy->warning_count, 0);
	moat_policy_free(policy);
	/* The other order: open.policy comes last and refines what it includes. */
	write_file("restrict-then-open.policy",
	           "moat 1\ninclude \"restrict.policy\"\ninclude \"open.policy\"\n");
	policy = load_files(restrict_then_open, 1, &diagnostics);
	assert_non_null(policy);
	assert_opened(policy);
	moat_policy_free(policy);
}

/* `moat run -p open -p restrict`: the caller's files merge as if one file included them. */
static void a_later_policy_file_wins_over_its_earlier_include(void **state)
{
	static const char *const open_then_restrict[] = {"open.policy", "restrict.policy"};
	static const char *const restrict_then_open[] = {"restrict.policy", "open.policy"};
	static const char *const open_twice[] = {"open.policy", "restrict.policy", "open.policy"};
	struct test_diagnostics diagnostics;
	moat_policy *policy;

	(void)state;
	write_layered_network_policies();
	policy = load_files(open_then_restrict, 2, &diagnostics);
	assert_non_null(policy);
	assert_restricted(policy);
	moat_policy_free(policy);
	policy = load_files(restrict_then_open, 2, &diagnostics);
	assert_non_null(policy);
	assert_opened(policy);
	moat_policy_free(policy);
	/* A file named twice takes effect at its last place too. */
	policy = load_files(open_twice, 3, &diagnostics);
	assert_non_null(policy);
	assert_opened(policy);
	moat_policy_free(policy);
}

/* The reproduction with the shipped policies: confined includes no-network. */
static void no_network_after_a_policy_on_confined(void **state)
{
	char confined[512], no_network[512], app[256], main_file[256];
	const char *app_then_no_network[] = {app, no_network};
	const char *no_network_then_app[] = {no_network, app};
	const char *main_only[] = {main_file};
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .policy_path = directory};
	struct test_diagnostics diagnostics;
	char text[1024];
	moat_policy *policy;

	(void)state;
	snprintf(confined, sizeof(confined), "%s/policies/confined.policy",
	         getenv("MOAT_SOURCE_DIR"));
	snprintf(no_network, sizeof(no_network), "%s/policies/no-network.policy",
	         getenv("MOAT_SOURCE_DIR"));
	snprintf(app, sizeof(app), "%s/app.policy", directory);
	snprintf(main_file, sizeof(main_file), "%s/main.policy", directory);
	snprintf(text, sizeof(text), "moat 1\ninclude \"%s\"\n[network]\nconnect tcp 8080\n",
	         confined);
	write_file("app.policy", text);
	snprintf(text, sizeof(text), "moat 1\ninclude \"app.policy\"\ninclude \"%s\"\n",
	         no_network);
	write_file("main.policy", text);

	policy = test_load_paths(main_only, 1, options, &diagnostics);
	if (!policy)
		fail_msg("refused:\n%s", diagnostics.text);
	assert_true(policy->network.connect_tcp.present);
	assert_int_equal(policy->network.connect_tcp.count, 0);
	assert_int_equal(policy->network.bind_tcp.count, 0);
	moat_policy_free(policy);
	policy = test_load_paths(app_then_no_network, 2, options, &diagnostics);
	assert_non_null(policy);
	assert_int_equal(policy->network.connect_tcp.count, 0);
	moat_policy_free(policy);
	/* Positive control: no-network first, then the app, whose port stays open. */
	policy = test_load_paths(no_network_then_app, 2, options, &diagnostics);
	assert_non_null(policy);
	assert_int_equal(policy->network.connect_tcp.count, 1);
	assert_int_equal(policy->network.connect_tcp.ports[0], 8080);
	moat_policy_free(policy);
}

/* Two policies sharing a base: the base counts once, at its last include. */
static void a_shared_base_counts_once_at_its_last_include(void **state)
{
	static const char *const both[] = {"left.policy", "right.policy"};
	struct test_diagnostics diagnostics;
	moat_policy *policy;

	(void)state;
	write_file("shared.policy", "moat 1\n[syscalls]\nallow close\n[limits]\nnofile 10\n"
	                            "[filesystem]\nread /usr\n[network]\nconnect tcp 22\n");
	write_file("left.policy", "moat 1\ninclude \"shared.policy\"\n[limits]\nnofile 20\n"
	                          "[network]\nconnect tcp none\n");
	write_file("right.policy", "moat 1\ninclude \"shared.policy\"\n[syscalls]\nallow read\n");
	policy = load_files(both, 2, &diagnostics);
	if (!policy)
		fail_msg("refused:\n%s", diagnostics.text);
	/* Read once: its rules are not repeated, so nothing warns. */
	assert_int_equal(policy->warning_count, 0);
	assert_int_equal(policy->filesystem.count, 1);
	/* It stands where right.policy includes it, after left.policy. */
	assert_int_equal(policy->limits.limits[MOAT_LIMIT_NOFILE].soft, 10);
	assert_int_equal(policy->network.connect_tcp.count, 1);
	assert_int_equal(policy->network.connect_tcp.ports[0], 22);
	moat_policy_free(policy);
}

static size_t occurrences(const char *text, const char *fragment)
{
	size_t count = 0;

	for (const char *at = strstr(text, fragment); at; at = strstr(at + 1, fragment))
		count++;
	return count;
}

static void a_file_included_again_is_checked_once_where_it_takes_effect(void **state)
{
	static const char *const top[] = {"again-top.policy"};
	struct test_diagnostics diagnostics;
	char expected[512];

	(void)state;
	write_file("again-bad.policy", "moat 1\n[limits]\nnofile 1\nnofile 2\n");
	write_file("again-middle.policy", "moat 1\ninclude \"again-bad.policy\"\n");
	write_file("again-top.policy",
	           "moat 1\ninclude \"again-middle.policy\"\n\ninclude \"again-bad.policy\"\n");
	assert_null(load_files(top, 1, &diagnostics));
	assert_int_equal(occurrences(diagnostics.text, "set twice"), 1);
	/* The chain names the include that took effect, not the first one read. */
	snprintf(expected, sizeof(expected),
	         "In file included from %s/again-top.policy:4:1:\n"
	         "%s/again-bad.policy:4:1: error: nofile set twice",
	         directory, directory);
	if (!strstr(diagnostics.text, expected))
		fail_msg("expected:\n%s\ngot:\n%s", expected, diagnostics.text);
}

/* A file read once through a short chain may sit deeper through another. */
static void depth_counts_through_every_include(void **state)
{
	static const char *const top[] = {"reach-top.policy"};
	struct test_diagnostics diagnostics;
	char name[32], text[64];
	moat_policy *policy;

	(void)state;
	for (int i = 1; i < 15; i++) {
		snprintf(name, sizeof(name), "chain%d.policy", i);
		snprintf(text, sizeof(text), "moat 1\ninclude \"chain%d.policy\"\n", i + 1);
		write_file(name, text);
	}
	write_file("chain15.policy", "moat 1\n");
	write_file("reach1.policy", "moat 1\ninclude \"reach2.policy\"\n");
	write_file("reach2.policy", "moat 1\ninclude \"chain1.policy\"\n");
	/* chain1..chain15 are 15 files: at depth 1 they fit, under reach1/reach2 they do not. */
	write_file("reach-top.policy",
	           "moat 1\ninclude \"chain1.policy\"\ninclude \"reach1.policy\"\n");
	assert_null(load_files(top, 1, &diagnostics));
	assert_non_null(strstr(diagnostics.error.message, "nested deeper than 16"));
	assert_int_equal(diagnostics.error.line, 2);
	assert_non_null(strstr(diagnostics.text, "reach2.policy:2:9: error"));
	/* Positive control: the same files without the detour load. */
	write_file("reach-top.policy", "moat 1\ninclude \"chain1.policy\"\n");
	policy = load_files(top, 1, &diagnostics);
	if (!policy)
		fail_msg("refused:\n%s", diagnostics.text);
	moat_policy_free(policy);
}

static void variables_expand_from_the_environment(void **state)
{
	static const char *const environment[] = {"TOP=/usr", "NAME=share", NULL};
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .environment = environment};
	struct test_diagnostics diagnostics;
	moat_policy *policy;

	(void)state;
	policy = test_load_with("moat 1\n[filesystem]\nread ${TOP}/${NAME} \"${TOP}\"\n", options,
	                        &diagnostics);
	assert_non_null(policy);
	assert_string_equal(policy->filesystem.rules[0].path, "/usr/share");
	assert_string_equal(policy->filesystem.rules[1].path, "/usr");
	moat_policy_free(policy);
	assert_null(
	        test_load_with("moat 1\n[filesystem]\nread /usr/${NOPE}\n", options, &diagnostics));
	assert_int_equal(diagnostics.error.column, 11);
	assert_non_null(strstr(diagnostics.error.message, "'NOPE' is not set"));
}

/* A number may come from the environment too: ports, limits, sizes, condition values. */
static void variables_expand_where_a_number_is_expected(void **state)
{
	static const char *const environment[] = {"PORT=8080", "FILES=64", "SIZE=16M",
	                                          "DOMAIN=2",  "WORD=ten", NULL};
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .environment = environment};
	struct test_diagnostics diagnostics;
	moat_policy *policy;

	(void)state;
	policy = test_load_with("moat 1\n[network]\nconnect tcp ${PORT}\n"
	                        "[limits]\nnofile ${FILES}\nas ${SIZE}\n"
	                        "[syscalls]\nallow socket if arg0 == ${DOMAIN}\n",
	                        options, &diagnostics);
	assert_non_null(policy);
	assert_int_equal(policy->network.connect_tcp.ports[0], 8080);
	assert_int_equal(policy->limits.limits[MOAT_LIMIT_NOFILE].soft, 64);
	assert_int_equal(policy->limits.limits[MOAT_LIMIT_AS].soft, 16 << 20);
	moat_policy_free(policy);

	assert_null(
	        test_load_with("moat 1\n[network]\nconnect tcp ${WORD}\n", options, &diagnostics));
	assert_int_equal(diagnostics.error.line, 3);
	assert_int_equal(diagnostics.error.column, 13);
	assert_non_null(
	        strstr(diagnostics.error.message, "'${WORD}' is 'ten', which is not a number"));
	assert_null(test_load_with("moat 1\n[limits]\nnofile 1${NOPE}\n", options, &diagnostics));
	assert_int_equal(diagnostics.error.column, 9);
	assert_non_null(strstr(diagnostics.error.message, "'NOPE' is not set"));
}

/* ---- the other sections ---------------------------------------------- */

static void filesystem_rules(void **state)
{
	moat_policy *policy = valid("moat 1\n[filesystem]\nread /usr\nwrite /tmp\nexec /bin\n"
	                            "allow read-file,ioctl-dev /dev/null\nread ?/nonexistent/x\n"
	                            "allow read-file, truncate /tmp\n");

	(void)state;
	assert_true(policy->filesystem.present);
	assert_int_equal(policy->filesystem.count, 6);
	assert_int_equal(policy->filesystem.rules[0].access, MOAT_FS_READ);
	assert_int_equal(policy->filesystem.rules[1].access, MOAT_FS_WRITE);
	assert_int_equal(policy->filesystem.rules[2].access, MOAT_FS_EXEC);
	assert_int_equal(policy->filesystem.rules[3].access, MOAT_FS_READ_FILE | MOAT_FS_IOCTL_DEV);
	assert_true(policy->filesystem.rules[4].optional);
	assert_string_equal(policy->filesystem.rules[4].path, "/nonexistent/x");
	assert_int_equal(policy->filesystem.rules[5].access, MOAT_FS_READ_FILE | MOAT_FS_TRUNCATE);
	moat_policy_free(policy);
	refused("moat 1\n[filesystem]\nread /nonexistent/x\n", 3, 6, "No such file");
	refused("moat 1\n[filesystem]\nread usr\n", 3, 6, "not an absolute path");
}

/* `ioctl-dev?`: an optional right, granted but not named; `?` on a shorthand or an unknown name is
 * refused. */
static void filesystem_optional_rights(void **state)
{
	moat_policy *policy = valid("moat 1\n[filesystem]\n"
	                            "allow read-file,write-file,ioctl-dev? ?/dev/tty\n"
	                            "allow truncate?,read-file, refer? /tmp\n"
	                            "allow ioctl-dev,ioctl-dev? /dev/null\n");
	const struct moat_path_rule *rules;

	(void)state;
	rules = policy->filesystem.rules;
	assert_int_equal(policy->filesystem.count, 3);
	assert_int_equal(rules[0].access,
	                 MOAT_FS_READ_FILE | MOAT_FS_WRITE_FILE | MOAT_FS_IOCTL_DEV);
	assert_int_equal(rules[0].named, MOAT_FS_READ_FILE | MOAT_FS_WRITE_FILE);
	assert_int_equal(rules[0].optional_rights, MOAT_FS_IOCTL_DEV);
	assert_true(rules[0].optional);
	assert_int_equal(rules[1].access, MOAT_FS_TRUNCATE | MOAT_FS_READ_FILE | MOAT_FS_REFER);
	assert_int_equal(rules[1].optional_rights, MOAT_FS_TRUNCATE | MOAT_FS_REFER);
	assert_int_equal(rules[1].named, MOAT_FS_READ_FILE);
	/* Named without `?` as well: needed, not optional. */
	assert_int_equal(rules[2].named, MOAT_FS_IOCTL_DEV);
	assert_int_equal(rules[2].optional_rights, 0);
	moat_policy_free(policy);
	refused("moat 1\n[filesystem]\nallow read-file,bogus? /tmp\n", 3, 17,
	        "unknown filesystem right 'bogus'");
	refused("moat 1\n[filesystem]\nallow write? /tmp\n", 3, 7,
	        "'write' is a shorthand: only a single right can be optional");
	refused("moat 1\n[filesystem]\nallow ? /tmp\n", 3, 7, "unknown filesystem right '?'");
}

static void network_rules(void **state)
{
	moat_policy *policy = valid("moat 1\n[network]\nconnect tcp 443 80\nbind tcp none\n"
	                            "scope abstract-unix signal\n");

	(void)state;
	assert_true(policy->network.connect_tcp.present);
	assert_int_equal(policy->network.connect_tcp.count, 2);
	assert_int_equal(policy->network.connect_tcp.ports[1], 80);
	assert_true(policy->network.bind_tcp.present);
	assert_int_equal(policy->network.bind_tcp.count, 0);
	assert_int_equal(policy->network.scopes, MOAT_SCOPE_ABSTRACT_UNIX | MOAT_SCOPE_SIGNAL);
	moat_policy_free(policy);
	refused("moat 1\n[network]\nconnect udp 53\n", 3, 9, "unknown protocol 'udp'");
	/* `none` drops the ports listed before it, so a later no-network policy wins. */
	policy = valid("moat 1\n[network]\nconnect tcp 443\nconnect tcp none\nbind tcp 80\n");
	assert_true(policy->network.connect_tcp.present);
	assert_int_equal(policy->network.connect_tcp.count, 0);
	assert_int_equal(policy->network.bind_tcp.count, 1);
	moat_policy_free(policy);
	refused("moat 1\n[network]\nconnect tcp 70000\n", 3, 13, "above 65535");
	refused("moat 1\n[network]\nscope files\n", 3, 7, "unknown scope");
}

static void namespaces_and_mounts(void **state)
{
	moat_policy *policy = valid("moat 1\n[namespaces]\nunshare all\nhostname box\nuid 0\n"
	                            "[mounts]\nbind /usr\nbind /tmp /data rw\nbind ?/nonexistent\n"
	                            "tmpfs /tmp size=64M,mode=1777\nproc /proc\ndev /dev\n"
	                            "symlink usr/lib /lib\n");
	const struct moat_mount *mounts;

	(void)state;
	assert_true(policy->namespaces.unshare_all);
	assert_true(policy->namespaces.unshare & MOAT_NAMESPACE_NET);
	assert_string_equal(policy->namespaces.hostname, "box");
	assert_true(policy->namespaces.has_uid);
	assert_int_equal(policy->namespaces.uid, 0);
	assert_int_equal(policy->mounts.count, 7);
	mounts = policy->mounts.mounts;
	assert_true(mounts[0].read_only);
	assert_string_equal(mounts[0].destination, "/usr");
	assert_false(mounts[1].read_only);
	assert_string_equal(mounts[1].destination, "/data");
	assert_true(mounts[2].optional);
	assert_int_equal(mounts[3].size, 64 << 20);
	assert_int_equal(mounts[3].mode, 01777);
	assert_int_equal(mounts[4].kind, MOAT_MOUNT_PROC);
	assert_int_equal(mounts[5].kind, MOAT_MOUNT_DEV);
	assert_int_equal(mounts[5].size, MOAT_DEV_SHM_DEFAULT);
	assert_string_equal(mounts[6].source, "usr/lib");
	moat_policy_free(policy);
	refused("moat 1\n[namespaces]\nunshare pid\n[mounts]\nproc /proc\n", 5, 1,
	        "needs `unshare mount`");
	policy = valid("moat 1\n[namespaces]\nunshare mount\n[mounts]\ndev /dev shm=128M\n");
	assert_int_equal(policy->mounts.mounts[0].size, 128 << 20);
	moat_policy_free(policy);
	refused("moat 1\n[namespaces]\nunshare mount\n[mounts]\ndev /dev shm=0\n", 5, 10,
	        "below the smallest /dev/shm");
	refused("moat 1\n[namespaces]\nunshare mount\n[mounts]\ndev /dev shm=lots\n", 5, 10,
	        "lots");
	refused("moat 1\n[namespaces]\nunshare mount\n[mounts]\ndev /dev size=1M\n", 5, 10,
	        "unknown dev option");
	refused("moat 1\n[namespaces]\nunshare mount\n[mounts]\ndev /dev shm=1M rw\n", 5, 17,
	        "dev DESTINATION [shm=SIZE]");
	refused("moat 1\n[namespaces]\nhostname box\n", 3, 10, "needs `unshare uts`");
	refused("moat 1\n[namespaces]\nunshare planets\n", 3, 9, "unknown namespace");
}

static void limits(void **state)
{
	moat_policy *policy = valid("moat 1\n[limits]\nas 512M\nnofile 32 64\ncpu 10\n"
	                            "core unlimited\n");

	(void)state;
	assert_int_equal(policy->limits.limits[MOAT_LIMIT_AS].soft, 512ULL << 20);
	assert_int_equal(policy->limits.limits[MOAT_LIMIT_AS].hard, 512ULL << 20);
	assert_int_equal(policy->limits.limits[MOAT_LIMIT_NOFILE].hard, 64);
	assert_int_equal(policy->limits.limits[MOAT_LIMIT_CORE].soft, MOAT_LIMIT_UNLIMITED);
	assert_false(policy->limits.limits[MOAT_LIMIT_STACK].present);
	moat_policy_free(policy);
	refused("moat 1\n[limits]\nnofile 64 32\n", 3, 8, "soft limit is above");
	refused("moat 1\n[limits]\ncpu 10M\n", 3, 5, "is not a number");
	refused("moat 1\n[limits]\nnofile 10\nnofile 20\n", 4, 1, "set twice in one file");
}

static void process_settings(void **state)
{
	moat_policy *policy = valid("moat 1\n[limits]\nas 1G\n");

	(void)state;
	/* The defaults hold without a [process] section. */
	assert_false(policy->process.present);
	assert_true(policy->process.new_session);
	assert_true(policy->process.close_fds);
	assert_true(policy->process.die_with_parent);
	assert_int_equal(policy->process.capabilities_keep, 0);
	assert_int_equal(policy->process.environment, MOAT_ENVIRONMENT_INHERIT);
	moat_policy_free(policy);
	policy = valid("moat 1\n[process]\nenv keep PATH HOME\nenv keep LANG\nenv set A=1 B=2\n"
	               "env set A=3\ncwd /tmp\ncapabilities keep CAP_NET_BIND_SERVICE\n"
	               "new-session no\nclose-fds yes\ndie-with-parent no\n");
	assert_int_equal(policy->process.environment, MOAT_ENVIRONMENT_KEEP);
	assert_int_equal(policy->process.environment_keep_count, 3);
	assert_int_equal(policy->process.environment_set_count, 2);
	assert_string_equal(policy->process.environment_set[0], "A=3");
	assert_string_equal(policy->process.cwd, "/tmp");
	assert_int_equal(policy->process.capabilities_keep, 1ULL << 10);
	assert_false(policy->process.new_session);
	assert_false(policy->process.die_with_parent);
	moat_policy_free(policy);
	refused("moat 1\n[process]\nnew-session maybe\n", 3, 13, "expected 'yes' or 'no'");
	refused("moat 1\n[process]\ncapabilities keep CAP_FLY\n", 3, 19, "unknown capability");
	refused("moat 1\n[process]\nno-new-privs no\n", 3, 1, "unknown statement");
}

static void broker_rules(void **state)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy = valid("moat 1\n[syscalls]\nnotify openat connect\n[broker]\n"
	                            "open read /usr\nopen write /tmp\n"
	                            "connect tcp 127.0.0.1:5432\nconnect tcp [::1]:80\n"
	                            "connect unix /run/app.sock\n");

	(void)state;
	assert_int_equal(policy->broker.open_count, 2);
	assert_true(policy->broker.opens[1].write);
	assert_int_equal(policy->broker.connect_count, 3);
	assert_int_equal(policy->broker.connects[0].family, AF_INET);
	assert_int_equal(policy->broker.connects[1].family, AF_INET6);
	assert_int_equal(policy->broker.connects[2].family, AF_UNIX);
	moat_policy_free(policy);
	refused("moat 1\n[broker]\nconnect tcp localhost:80\n", 3, 13, "expected ADDRESS:PORT");
	policy = test_load("moat 1\n[broker]\nopen read /usr\n", &diagnostics);
	assert_non_null(policy);
	assert_non_null(strstr(diagnostics.text, "[broker] rules are unused"));
	moat_policy_free(policy);
}

static void compat_mode(void **state)
{
	moat_policy *policy = valid("moat 1\ncompat best-effort\n");

	(void)state;
	assert_int_equal(policy->compat, MOAT_COMPAT_BEST_EFFORT);
	moat_policy_free(policy);
	policy = valid("moat 1\n");
	assert_int_equal(policy->compat, MOAT_COMPAT_STRICT);
	moat_policy_free(policy);
	refused("moat 1\ncompat lenient\n", 2, 8, "unknown compat mode");
}

static void unreadable_files(void **state)
{
	const char *paths[] = {"/nonexistent/x.policy"};
	struct moat_error error;
	moat_policy *policy = NULL;

	(void)state;
	assert_int_equal(moat_policy_load(&policy, paths, 1, NULL, &error), -ENOENT);
	assert_null(policy);
	assert_int_equal(error.code, -ENOENT);
	assert_string_equal(error.file, "/nonexistent/x.policy");
	paths[0] = "/tmp";
	assert_int_equal(moat_policy_load(&policy, paths, 1, NULL, &error), -EISDIR);
	assert_int_equal(moat_policy_load(&policy, paths, 0, NULL, &error), -EINVAL);
}

/* A name with no `/` and no `.policy` is found as `include NAME` finds it. */
static void policies_by_name(void **state)
{
	const char *names[] = {"named", "nonesuch"};
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .policy_path = directory};
	struct moat_error error;
	moat_policy *policy = NULL;
	char expected[300];

	(void)state;
	write_file("named.policy", "moat 1\n[limits]\nnofile 33\n");
	assert_int_equal(moat_policy_load(&policy, names, 1, &options, &error), 0);
	assert_int_equal(policy->limits.limits[MOAT_LIMIT_NOFILE].soft, 33);
	moat_policy_free(policy);
	/* The control: without the search path the name is not found. */
	options.policy_path = "/nonexistent";
	assert_int_equal(moat_policy_load(&policy, names, 1, &options, &error), -ENOENT);
	options.policy_path = directory;
	assert_int_equal(moat_policy_load(&policy, names + 1, 1, &options, &error), -ENOENT);
	snprintf(expected, sizeof(expected), "no policy named 'nonesuch' in MOAT_POLICY_PATH (%s)",
	         directory);
	assert_non_null(strstr(error.message, expected));
	assert_string_equal(error.file, "nonesuch");
}

/*
 * Every call moat's child makes between the notify part of its filter and
 * the program is refused as a `notify` target, unconditional or not, at the
 * rule; a call outside that list (openat) is accepted, so the check is not
 * refusing every `notify`.
 */
static void handoff_calls_cannot_be_notified(void **state)
{
	size_t handoff_count;
	const struct moat_handoff_call *handoff = moat_syscall_handoff_calls(&handoff_count);
	const char *name;
	char text[256];
	size_t count = 0;

	(void)state;
	moat_policy_free(valid("moat 1\n[syscalls]\ndefault allow\nnotify openat\n"));
	for (size_t i = 0; i < handoff_count && (name = moat_syscall_name(handoff[i].number));
	     i++, count++) {
		snprintf(text, sizeof(text), "moat 1\n[syscalls]\ndefault allow\nnotify %s\n",
		         name);
		refused(text, 4, 8, "`notify` cannot apply to");
		snprintf(text, sizeof(text),
		         "moat 1\n[syscalls]\ndefault allow\nnotify %s if arg0 == 7\n", name);
		refused(text, 4, 8, name);
	}
	refused("moat 1\n[syscalls]\ndefault notify\nallow sendmsg close prctl seccomp "
	        "execve "
	        "exit_group\n",
	        3, 1, "`notify` cannot apply to write");
	assert_int_equal(count, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(contract_examples),
	        cmocka_unit_test(conflict_names_the_earlier_rule),
	        cmocka_unit_test(defaults_and_clone3),
	        cmocka_unit_test(actions_and_errno),
	        cmocka_unit_test(explicit_name_beats_group_in_one_file),
	        cmocka_unit_test(a_condition_on_a_group_applies_to_the_members_it_fits),
	        cmocka_unit_test(groups_that_disagree_are_an_error),
	        cmocka_unit_test(repeated_rules_warn),
	        cmocka_unit_test(unreachable_rules_are_errors),
	        cmocka_unit_test(arguments_are_read_at_their_width),
	        cmocka_unit_test(conditions_in_the_ir),
	        cmocka_unit_test(default_allow_warns_about_default_deny),
	        cmocka_unit_test(a_file_overrides_what_it_includes),
	        cmocka_unit_test(later_files_override_earlier_ones),
	        cmocka_unit_test(group_conditions_fall_through_to_earlier_files),
	        cmocka_unit_test(a_file_sets_a_value_once_whatever_includes_it),
	        cmocka_unit_test(a_fifo_is_not_a_policy),
	        cmocka_unit_test(include_errors),
	        cmocka_unit_test(included_from_chain),
	        cmocka_unit_test(a_later_include_of_a_file_wins),
	        cmocka_unit_test(a_later_policy_file_wins_over_its_earlier_include),
	        cmocka_unit_test(no_network_after_a_policy_on_confined),
	        cmocka_unit_test(a_shared_base_counts_once_at_its_last_include),
	        cmocka_unit_test(a_file_included_again_is_checked_once_where_it_takes_effect),
	        cmocka_unit_test(depth_counts_through_every_include),
	        cmocka_unit_test(variables_expand_from_the_environment),
	        cmocka_unit_test(variables_expand_where_a_number_is_expected),
	        cmocka_unit_test(filesystem_rules),
	        cmocka_unit_test(filesystem_optional_rights),
	        cmocka_unit_test(network_rules),
	        cmocka_unit_test(namespaces_and_mounts),
	        cmocka_unit_test(limits),
	        cmocka_unit_test(process_settings),
	        cmocka_unit_test(broker_rules),
	        cmocka_unit_test(compat_mode),
	        cmocka_unit_test(unreadable_files),
	        cmocka_unit_test(policies_by_name),
	        cmocka_unit_test(handoff_calls_cannot_be_notified),
	};

	return cmocka_run_group_tests(tests, make_directory, remove_directory);
}
