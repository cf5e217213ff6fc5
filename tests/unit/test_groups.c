// SPDX-License-Identifier: MIT
/*
 * The built-in syscall groups (lib/policy/groups.c): the table's own rules
 * (names, members, no clone3, @default-deny kept apart), what the member
 * conditions let through (evaluated here on the policy parser's syntax tree
 * with the constants table, at the argument widths the kernel reads), the
 * groups through the resolver and the code generator, ordinary programs
 * running under them, and docs/groups.md against the table.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy/ast.h"
#include "policy/constants.h"
#include "policy/diagnostics.h"
#include "policy/groups.h"
#include "policy/ir.h"
#include "policy/lexer.h"
#include "policy/parser.h"
#include "policy/source.h"
#include "seccomp/codegen.h"
#include "syscalls/syscalls.h"
#include "util/arena.h"
#include "policy_support.h"

#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U /* Linux 6.3 */
#endif
#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

/* The groups the policy language contract requires. */
static const char *const required_groups[] = {
        "stdio", "rpath", "wpath", "cpath", "dpath",     "fattr",
        "flock", "inet",  "unix",  "dns",   "sendfd",    "recvfd",
        "tty",   "proc",  "exec",  "id",    "prot_exec", "default-deny",
};

#define ARRAY_LENGTH(array) (sizeof(array) / sizeof((array)[0]))

/* ---- evaluating member conditions ------------------------------------- */

/* One system call as a filter sees it. */
struct call {
	const char *syscall;
	uint64_t args[6];
};

#define CALL(name, ...) ((struct call){name, {__VA_ARGS__}})

/*
 * Parses `condition` as the `if` of a rule for `syscall` with the policy
 * parser, so a condition the grammar rejects (or only partly reads) fails.
 */
static const struct moat_ast_condition *parse_condition(struct moat_arena *arena,
                                                        const char *syscall, const char *condition)
{
	char text[4096];
	struct moat_source *source = NULL;
	struct moat_token_list tokens;
	struct moat_diagnostics diagnostics;
	struct moat_ast_file file;
	int length = snprintf(text, sizeof(text), "moat 1\n[syscalls]\nallow %s if %s\n", syscall,
	                      condition);

	assert_true(length > 0 && (size_t)length < sizeof(text));
	moat_diagnostics_init(&diagnostics, NULL, NULL);
	assert_int_equal(moat_source_from_text(&source, arena, "groups", text, (size_t)length), 0);
	if (moat_lex(&tokens, arena, source, &diagnostics) != 0 ||
	    moat_parse(&file, arena, &tokens, source, &diagnostics) != 0)
		fail_msg("the condition of %s does not parse: %s", syscall, condition);
	moat_token_list_release(&tokens);
	for (size_t i = 0; i < file.count; i++) {
		if (file.statements[i].kind == MOAT_AST_SYSCALL_RULE) {
			assert_non_null(file.statements[i].condition);
			return file.statements[i].condition;
		}
	}
	fail_msg("no rule parsed from: %s", text);
	return NULL;
}

/* A number as the policy language writes it (decimal, 0x, 0o) or a constant. */
static uint64_t term_value(const struct moat_ast_word *word)
{
	const char *text = word->text;
	uint64_t value;
	char *end;
	int base = 10;

	if (text[0] < '0' || text[0] > '9') {
		if (!moat_constant_value(text, &value))
			fail_msg("unknown constant '%s'", text);
		return value;
	}
	if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
		base = 16;
		text += 2;
	} else if (text[0] == '0' && (text[1] == 'o' || text[1] == 'O')) {
		base = 8;
		text += 2;
	}
	errno = 0;
	value = strtoull(text, &end, base);
	if (errno != 0 || end == text || *end != '\0')
		fail_msg("bad number '%s'", word->text);
	return value;
}

static uint64_t value_of(const struct moat_ast_value *value)
{
	uint64_t result = 0;

	for (size_t i = 0; i < value->count; i++)
		result |= term_value(&value->terms[i]);
	return result;
}

static uint64_t width_mask(unsigned bits)
{
	return bits >= 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
}

/* Compares only the bits the kernel reads, as the filter must. */
static bool comparison_holds(int number, const struct moat_ast_comparison *comparison,
                             const uint64_t *args)
{
	uint64_t width = width_mask(moat_syscall_argument_bits(number, comparison->arg));
	uint64_t mask = (comparison->has_mask ? value_of(&comparison->mask) : UINT64_MAX) & width;
	uint64_t arg = args[comparison->arg] & mask;
	uint64_t value;

	if (comparison->op == MOAT_COMPARE_IN) {
		for (size_t i = 0; i < comparison->set_count; i++)
			if (arg == (value_of(&comparison->set[i]) & width))
				return true;
		return false;
	}
	value = value_of(&comparison->value) & width;
	switch (comparison->op) {
	case MOAT_COMPARE_EQ:
		return arg == value;
	case MOAT_COMPARE_NE:
		return arg != value;
	case MOAT_COMPARE_LT:
		return arg < value;
	case MOAT_COMPARE_LE:
		return arg <= value;
	case MOAT_COMPARE_GT:
		return arg > value;
	case MOAT_COMPARE_GE:
		return arg >= value;
	case MOAT_COMPARE_IN:
		break;
	}
	fail_msg("unknown comparison %d", (int)comparison->op);
	return false;
}

static bool condition_holds(int number, const struct moat_ast_condition *condition,
                            const uint64_t *args)
{
	for (size_t i = 0; i < condition->count; i++) {
		const struct moat_ast_conjunction *conjunction = &condition->conjunctions[i];
		bool all = true;

		for (size_t j = 0; j < conjunction->count && all; j++)
			all = comparison_holds(number, &conjunction->comparisons[j], args);
		if (all)
			return true;
	}
	return false;
}

static const struct moat_group_member *find_member(const struct moat_group *group,
                                                   const char *syscall)
{
	for (size_t i = 0; i < group->member_count; i++)
		if (strcmp(group->members[i].syscall, syscall) == 0)
			return &group->members[i];
	return NULL;
}

static const struct moat_group *group_named(const char *name)
{
	const struct moat_group *group = moat_group_find(name);

	if (!group)
		fail_msg("no group '@%s'", name);
	return group;
}

/* What `allow @group` lets through for `call`. */
static bool group_allows(const struct moat_group *group, const struct call *call)
{
	const struct moat_group_member *member = find_member(group, call->syscall);
	struct moat_arena arena = {0};
	int number = moat_syscall_number(call->syscall);
	bool allowed;

	assert_true(number >= 0);
	if (!member)
		return false;
	if (!member->condition)
		return true;
	allowed = condition_holds(
	        number, parse_condition(&arena, member->syscall, member->condition), call->args);
	moat_arena_release(&arena);
	return allowed;
}

/* What `allow @a @b ...` lets through: `names` is "a b ...". */
static bool groups_allow(const char *names, const struct call *call)
{
	char copy[256];
	char *saveptr = NULL;

	assert_true(strlen(names) < sizeof(copy));
	strcpy(copy, names);
	for (char *name = strtok_r(copy, " ", &saveptr); name; name = strtok_r(NULL, " ", &saveptr))
		if (group_allows(group_named(name), call))
			return true;
	return false;
}

/*
 * Whether the architecture the test runs on has syscall `name`. The checks
 * name x86_64's calls too (open, creat, access, readlink, fork, vfork,
 * arch_prctl), which aarch64 and riscv64 lack: there they are left out,
 * each with a note. A name no architecture knows is a mistake in the test.
 */
static bool here(const char *name)
{
	const struct moat_arch *elsewhere;

	if (moat_syscall_number(name) >= 0)
		return true;
	elsewhere = moat_arch_with_syscall(name, moat_arch_native());
	if (!elsewhere)
		fail_msg("no architecture has a syscall '%s'", name);
	print_message("%s: %s has none (%s has): its checks are left out\n", name,
	              moat_arch_name(moat_arch_native()), moat_arch_name(elsewhere));
	return false;
}

static void check_grant(const char *names, struct call call, bool expected, int line)
{
	if (!here(call.syscall))
		return;
	if (groups_allow(names, &call) != expected)
		fail_msg("line %d: @{%s} %s %s(%#llx, %#llx, %#llx, %#llx)", line, names,
		         expected ? "does not grant" : "grants", call.syscall,
		         (unsigned long long)call.args[0], (unsigned long long)call.args[1],
		         (unsigned long long)call.args[2], (unsigned long long)call.args[3]);
}

/* assert_granted("stdio rpath", CALL("openat", ...)): allow @stdio @rpath lets it through. */
#define assert_granted(names, ...)     check_grant(names, __VA_ARGS__, true, __LINE__)
#define assert_not_granted(names, ...) check_grant(names, __VA_ARGS__, false, __LINE__)

static uint64_t constant(const char *name)
{
	uint64_t value;

	if (!moat_constant_value(name, &value))
		fail_msg("unknown constant '%s'", name);
	return value;
}

/* ---- the table -------------------------------------------------------- */

static void test_required_groups_exist(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LENGTH(required_groups); i++) {
		const struct moat_group *group = group_named(required_groups[i]);

		assert_string_equal(group->name, required_groups[i]);
		assert_non_null(group->summary);
		assert_true(strlen(group->summary) > 10);
		assert_null(strchr(group->summary, '\n'));
		assert_true(group->member_count > 0);
	}
	assert_null(moat_group_find("nonesuch"));
	assert_null(moat_group_find("@stdio"));
	assert_null(moat_group_find("STDIO"));
	assert_null(moat_group_find(""));
	assert_null(moat_group_find(NULL));
}

static void test_groups_sorted_and_reachable(void **state)
{
	size_t count = moat_group_count();

	(void)state;
	assert_true(count >= ARRAY_LENGTH(required_groups));
	for (size_t i = 0; i < count; i++) {
		const struct moat_group *group = moat_group_at(i);

		assert_non_null(group);
		assert_ptr_equal(moat_group_find(group->name), group);
		if (i > 0 && strcmp(moat_group_at(i - 1)->name, group->name) >= 0)
			fail_msg("'%s' and '%s' are out of order", moat_group_at(i - 1)->name,
			         group->name);
	}
	assert_null(moat_group_at(count));
	assert_null(moat_group_at(SIZE_MAX));
}

static void test_members_unique_and_native(void **state)
{
	(void)state;
	for (size_t i = 0; i < moat_group_count(); i++) {
		const struct moat_group *group = moat_group_at(i);

		for (size_t j = 0; j < group->member_count; j++) {
			const char *syscall = group->members[j].syscall;

			if (!moat_arch_with_syscall(syscall, NULL))
				fail_msg("@%s: '%s' is a syscall of no architecture", group->name,
				         syscall);
			for (size_t k = 0; k < j; k++)
				if (strcmp(group->members[k].syscall, syscall) == 0)
					fail_msg("@%s lists '%s' twice", group->name, syscall);
		}
	}
}

/* Every comparison names an argument the syscall takes, and every value is known. */
static void check_comparisons(const char *group, const char *syscall, int number,
                              const struct moat_ast_condition *condition)
{
	for (size_t i = 0; i < condition->count; i++) {
		const struct moat_ast_conjunction *conjunction = &condition->conjunctions[i];

		for (size_t j = 0; j < conjunction->count; j++) {
			const struct moat_ast_comparison *comparison = &conjunction->comparisons[j];

			if ((int)comparison->arg >= moat_syscall_argument_count(number))
				fail_msg("@%s: %s has no arg%u", group, syscall, comparison->arg);
			if (comparison->has_mask)
				(void)value_of(&comparison->mask);
			if (comparison->op != MOAT_COMPARE_IN)
				(void)value_of(&comparison->value);
			for (size_t k = 0; k < comparison->set_count; k++)
				(void)value_of(&comparison->set[k]);
		}
	}
}

static void test_conditions_parse_and_fit(void **state)
{
	(void)state;
	for (size_t i = 0; i < moat_group_count(); i++) {
		const struct moat_group *group = moat_group_at(i);

		for (size_t j = 0; j < group->member_count; j++) {
			const struct moat_group_member *member = &group->members[j];
			int number = moat_syscall_number(member->syscall);
			const struct moat_ast_condition *condition;
			struct moat_arena arena = {0};

			if (!member->condition || number < 0)
				continue;
			condition = parse_condition(&arena, member->syscall, member->condition);
			check_comparisons(group->name, member->syscall, number, condition);
			moat_arena_release(&arena);
		}
	}
}

static void test_no_group_has_clone3(void **state)
{
	(void)state;
	for (size_t i = 0; i < moat_group_count(); i++)
		if (find_member(moat_group_at(i), "clone3"))
			fail_msg("@%s has clone3, which must answer ENOSYS unless named",
			         moat_group_at(i)->name);
}

/*
 * Landlock does not check inotify or fanotify marks: only @watch, which says
 * so, grants inotify, and no group grants fanotify.
 */
static void test_watches_only_in_watch(void **state)
{
	static const char *const watches[] = {"inotify_init",      "inotify_init1",
	                                      "inotify_add_watch", "inotify_rm_watch",
	                                      "fanotify_init",     "fanotify_mark"};

	(void)state;
	for (size_t i = 0; moat_group_at(i); i++) {
		const struct moat_group *group = moat_group_at(i);

		for (size_t k = 0; k < ARRAY_LENGTH(watches); k++) {
			bool allowed =
			        !strcmp(group->name, "watch") && !strstr(watches[k], "fanotify");

			if (!allowed && find_member(group, watches[k]))
				fail_msg("@%s has %s, which Landlock does not confine", group->name,
				         watches[k]);
		}
	}
	assert_non_null(find_member(moat_group_find("watch"), "inotify_add_watch"));
	assert_not_granted("stdio rpath prot_exec exec", CALL("inotify_add_watch", 3, 0, 0x100));
}

static void test_default_deny_kept_apart(void **state)
{
	static const char *const contract[] = {
	        "mount",
	        "umount2",
	        "mount_setattr",
	        "move_mount",
	        "open_tree",
	        "fsopen",
	        "fsconfig",
	        "fsmount",
	        "fspick",
	        "ptrace",
	        "bpf",
	        "perf_event_open",
	        "kexec_load",
	        "kexec_file_load",
	        "init_module",
	        "finit_module",
	        "delete_module",
	        "keyctl",
	        "add_key",
	        "request_key",
	        "userfaultfd",
	        "open_by_handle_at",
	        "io_uring_setup",
	        "io_uring_enter",
	        "io_uring_register",
	        "unshare",
	        "setns",
	        "pivot_root",
	        "chroot",
	        "swapon",
	        "swapoff",
	        "reboot",
	        "acct",
	        "quotactl",
	        "personality",
	        "process_vm_writev",
	};
	const struct moat_group *deny = group_named("default-deny");

	(void)state;
	for (size_t i = 0; i < ARRAY_LENGTH(contract); i++)
		if (!find_member(deny, contract[i]))
			fail_msg("@default-deny lacks %s", contract[i]);
	for (size_t i = 0; i < moat_group_count(); i++) {
		const struct moat_group *group = moat_group_at(i);

		if (group == deny)
			continue;
		for (size_t j = 0; j < group->member_count; j++)
			if (find_member(deny, group->members[j].syscall))
				fail_msg("@%s grants %s, which @default-deny holds", group->name,
				         group->members[j].syscall);
	}
}

static void test_personality(void **state)
{
	(void)state;
	/* Only the unsafe personalities are in @default-deny. */
	assert_not_granted("default-deny", CALL("personality", PER_LINUX));
	assert_not_granted("default-deny", CALL("personality", PER_LINUX32));
	assert_not_granted("default-deny", CALL("personality", 0xffffffff));
	/* The kernel reads an unsigned int: the upper half changes nothing. */
	assert_not_granted("default-deny", CALL("personality", 0xffffffffffffffff));
	assert_granted("default-deny", CALL("personality", READ_IMPLIES_EXEC));
	assert_granted("default-deny", CALL("personality", PER_LINUX | ADDR_NO_RANDOMIZE));
	assert_granted("default-deny", CALL("personality", MMAP_PAGE_ZERO));
	assert_granted("default-deny", CALL("personality", PER_LINUX32 | UNAME26));
	assert_granted("default-deny", CALL("personality", PER_BSD));
}

/* ---- what the conditions let through ---------------------------------- */

static void check_ioctl_member(const struct moat_group *group)
{
	const struct moat_group_member *member = find_member(group, "ioctl");
	const struct moat_ast_comparison *comparison;
	const struct moat_ast_condition *condition;
	struct moat_arena arena = {0};
	uint64_t forbidden[] = {constant("TIOCSTI"), constant("TIOCLINUX")};

	if (!member)
		return;
	if (!member->condition)
		fail_msg("@%s allows every ioctl", group->name);
	/* The shape the docs promise: `arg1 in {...}`, a list of commands. */
	condition = parse_condition(&arena, "ioctl", member->condition);
	assert_int_equal(condition->count, 1);
	assert_int_equal(condition->conjunctions[0].count, 1);
	comparison = &condition->conjunctions[0].comparisons[0];
	assert_int_equal(comparison->arg, 1);
	assert_false(comparison->has_mask);
	assert_int_equal(comparison->op, MOAT_COMPARE_IN);
	for (size_t i = 0; i < comparison->set_count; i++)
		for (size_t j = 0; j < ARRAY_LENGTH(forbidden); j++)
			if ((value_of(&comparison->set[i]) & 0xffffffff) == forbidden[j])
				fail_msg("@%s allows ioctl %#llx", group->name,
				         (unsigned long long)forbidden[j]);
	moat_arena_release(&arena);
	for (size_t j = 0; j < ARRAY_LENGTH(forbidden); j++) {
		struct call call = CALL("ioctl", 0, forbidden[j]);

		assert_false(group_allows(group, &call));
		/* Bits the kernel ignores cannot sneak the command in. */
		call.args[1] |= UINT64_C(0x100000000);
		assert_false(group_allows(group, &call));
	}
}

static void test_ioctl_never_tiocsti_or_tioclinux(void **state)
{
	(void)state;
	for (size_t i = 0; i < moat_group_count(); i++)
		if (moat_group_at(i) != moat_group_find("default-deny"))
			check_ioctl_member(moat_group_at(i));
	/* Positive controls: the lists do hold what terminals need. */
	assert_granted("stdio", CALL("ioctl", 1, TCGETS));
	assert_granted("stdio", CALL("ioctl", 1, TIOCGWINSZ));
	assert_granted("stdio", CALL("ioctl", 3, FIONREAD));
	assert_not_granted("stdio", CALL("ioctl", 0, TCSETS));
	assert_not_granted("stdio", CALL("ioctl", 0, TIOCSPGRP));
	assert_granted("tty", CALL("ioctl", 0, TCSETSW));
	assert_granted("tty", CALL("ioctl", 0, TIOCSPGRP));
	assert_granted("tty", CALL("ioctl", 0, TIOCSWINSZ));
	assert_granted("tty", CALL("ioctl", 3, TIOCGPTN));
	assert_not_granted("tty", CALL("ioctl", 0, TIOCSTI));
	assert_not_granted("tty", CALL("ioctl", 0, TIOCLINUX));
	assert_not_granted("tty", CALL("ioctl", 0, TIOCCONS));
	assert_not_granted("tty", CALL("ioctl", 0, TIOCSETD));
	assert_not_granted("stdio tty", CALL("ioctl", 0, TIOCSTI));
}

#define THREAD_FLAGS                                                                               \
	(CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_SYSVSEM |        \
	 CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID)
#define FORK_FLAGS  (CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD)
#define SPAWN_FLAGS (CLONE_VM | CLONE_VFORK | SIGCHLD)

static void test_clone_never_creates_namespaces(void **state)
{
	static const char *const namespaces[] = {
	        "CLONE_NEWNS",  "CLONE_NEWUTS", "CLONE_NEWIPC",    "CLONE_NEWUSER",
	        "CLONE_NEWPID", "CLONE_NEWNET", "CLONE_NEWCGROUP",
	};
	static const uint64_t shapes[] = {THREAD_FLAGS, FORK_FLAGS, SPAWN_FLAGS, SIGCHLD, 0};

	(void)state;
	for (size_t i = 0; i < moat_group_count(); i++) {
		const struct moat_group *group = moat_group_at(i);

		for (size_t j = 0; j < ARRAY_LENGTH(namespaces); j++) {
			for (size_t k = 0; k < ARRAY_LENGTH(shapes); k++) {
				struct call call =
				        CALL("clone", shapes[k] | constant(namespaces[j]));

				if (group_allows(group, &call))
					fail_msg("@%s lets clone create a namespace (%s)",
					         group->name, namespaces[j]);
			}
		}
	}
	/* Threads are in @stdio, processes in @proc. */
	assert_granted("stdio", CALL("clone", THREAD_FLAGS));
	assert_not_granted("stdio", CALL("clone", FORK_FLAGS));
	assert_not_granted("stdio", CALL("clone", SPAWN_FLAGS));
	assert_granted("proc", CALL("clone", FORK_FLAGS));
	assert_granted("proc", CALL("clone", SPAWN_FLAGS));
	assert_granted("proc", CALL("clone", THREAD_FLAGS));
	assert_granted("proc", CALL("fork"));
	assert_not_granted("stdio", CALL("fork"));
	assert_not_granted("stdio", CALL("vfork"));
}

static void test_memory(void **state)
{
	(void)state;
	assert_granted("stdio", CALL("mmap", 0, 4096, PROT_READ | PROT_WRITE,
	                             MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0));
	assert_granted("stdio", CALL("mprotect", 0x1000, 4096, PROT_NONE));
	assert_not_granted("stdio",
	                   CALL("mmap", 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, 3, 0));
	assert_not_granted("stdio",
	                   CALL("mprotect", 0x1000, 4096, PROT_READ | PROT_WRITE | PROT_EXEC));
	/* prot is an unsigned long: PROT_EXEC cannot hide in the upper half. */
	assert_not_granted("stdio",
	                   CALL("mprotect", 0x1000, 4096, UINT64_C(0x100000000) | PROT_EXEC));
	assert_granted("prot_exec",
	               CALL("mmap", 0, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_FIXED, 3, 0));
	assert_granted("prot_exec", CALL("mprotect", 0x1000, 4096, PROT_READ | PROT_EXEC));
	/* A memfd that could be executed (and so run past Landlock) needs @prot_exec. */
	assert_not_granted("stdio", CALL("memfd_create", 0, MFD_CLOEXEC));
	assert_not_granted("stdio", CALL("memfd_create", 0, MFD_CLOEXEC | MFD_EXEC));
	assert_granted("stdio", CALL("memfd_create", 0, MFD_CLOEXEC | MFD_NOEXEC_SEAL));
	assert_granted("prot_exec", CALL("memfd_create", 0, MFD_CLOEXEC));
}

/* The open flags that decide between @rpath, @wpath and @cpath. */
static const uint64_t open_flag_bits[] = {O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_TMPFILE, O_EXCL};

static void check_open(const char *syscall, unsigned flags_arg)
{
	const size_t combinations = (size_t)1 << ARRAY_LENGTH(open_flag_bits);
	struct call call = {syscall, {0}};

#define OPEN(flags) (call.args[flags_arg] = (flags), call)
	if (flags_arg == 2)
		call.args[0] = (uint64_t)AT_FDCWD;
	assert_granted("rpath", OPEN(O_RDONLY | O_CLOEXEC));
	assert_granted("rpath", OPEN(O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_DIRECTORY));
	assert_granted("rpath", OPEN(O_PATH | O_NOFOLLOW));
	assert_granted("rpath", OPEN(O_RDONLY | O_NOCTTY));
	assert_not_granted("rpath", OPEN(O_WRONLY));
	assert_not_granted("rpath", OPEN(O_RDWR));
	assert_not_granted("rpath", OPEN(O_RDONLY | O_CREAT));
	assert_not_granted("rpath", OPEN(O_RDONLY | O_TRUNC));
	assert_not_granted("rpath", OPEN(O_TMPFILE | O_RDWR));
	/* flags is an int: a bit above it must not turn O_WRONLY into O_RDONLY. */
	assert_not_granted("rpath", OPEN(UINT64_C(0x100000000) | O_WRONLY));

	assert_granted("wpath", OPEN(O_WRONLY | O_CLOEXEC));
	assert_granted("wpath", OPEN(O_RDWR | O_NONBLOCK));
	assert_granted("wpath", OPEN(O_WRONLY | O_TRUNC | O_APPEND));
	assert_granted("wpath", OPEN(O_RDONLY | O_TRUNC));
	assert_not_granted("wpath", OPEN(O_RDONLY | O_CLOEXEC));
	assert_not_granted("wpath", OPEN(O_WRONLY | O_CREAT));
	assert_not_granted("wpath", OPEN(O_RDWR | O_TMPFILE));
	if (flags_arg == 2) {
		/* touch: the times of the file it opened set to now; not a path, not chosen times.
		 */
		assert_granted("wpath", CALL("utimensat", 0, 0, 0, 0));
		assert_not_granted("wpath", CALL("utimensat", (uint64_t)AT_FDCWD, 0x1000, 0, 0));
		assert_not_granted("wpath", CALL("utimensat", 0, 0, 0x1000, 0));
	}

	assert_granted("cpath", OPEN(O_WRONLY | O_CREAT | O_TRUNC));
	assert_granted("cpath", OPEN(O_RDWR | O_CREAT | O_EXCL));
	assert_granted("cpath", OPEN(O_RDWR | O_TMPFILE));
	assert_not_granted("cpath", OPEN(O_RDONLY));
	assert_not_granted("cpath", OPEN(O_WRONLY));

	/* The three together grant every open, as an unconditional rule would. */
	for (size_t i = 0; i < combinations; i++) {
		uint64_t flags = O_CLOEXEC;

		for (size_t bit = 0; bit < ARRAY_LENGTH(open_flag_bits); bit++)
			if (i & ((size_t)1 << bit))
				flags |= open_flag_bits[bit];
		assert_granted("rpath wpath cpath", OPEN(flags));
	}
#undef OPEN
}

static void test_open_groups(void **state)
{
	(void)state;
	check_open("openat", 2);
	if (here("open"))
		check_open("open", 1);
	assert_granted("cpath", CALL("creat", 0, 0644));
	assert_not_granted("rpath wpath", CALL("creat", 0, 0644));
	assert_not_granted("stdio rpath wpath cpath",
	                   CALL("openat2", (uint64_t)AT_FDCWD, 0, 0, 24));
}

static void test_stat_and_fstat(void **state)
{
	(void)state;
	/* glibc's fstat() is newfstatat(fd, "", buf, AT_EMPTY_PATH). */
	assert_granted("stdio", CALL("newfstatat", 3, 0, 0, AT_EMPTY_PATH));
	assert_granted("stdio", CALL("statx", 3, 0, AT_EMPTY_PATH, STATX_BASIC_STATS, 0));
	assert_granted("stdio", CALL("fstat", 3, 0));
	assert_not_granted("stdio", CALL("newfstatat", (uint64_t)AT_FDCWD, 0, 0, 0));
	assert_not_granted("stdio",
	                   CALL("statx", (uint64_t)AT_FDCWD, 0, AT_SYMLINK_NOFOLLOW, 0, 0));
	assert_granted("rpath", CALL("newfstatat", (uint64_t)AT_FDCWD, 0, 0, AT_SYMLINK_NOFOLLOW));
	assert_granted("rpath", CALL("statx", (uint64_t)AT_FDCWD, 0, 0, 0, 0));
}

static void test_sockets(void **state)
{
	(void)state;
	assert_granted("inet", CALL("socket", AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
	assert_granted("inet", CALL("socket", AF_INET6, SOCK_STREAM | SOCK_NONBLOCK, IPPROTO_TCP));
	assert_granted("inet", CALL("socket", AF_INET, SOCK_DGRAM, IPPROTO_UDP));
	assert_granted("inet", CALL("socket", AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
	assert_granted("inet", CALL("socket", AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6));
	assert_not_granted("inet", CALL("socket", AF_UNIX, SOCK_STREAM, 0));
	assert_not_granted("inet", CALL("socket", AF_NETLINK, SOCK_RAW, NETLINK_ROUTE));
	assert_not_granted("inet", CALL("socket", AF_PACKET, SOCK_RAW, 0));
	assert_not_granted("inet", CALL("socket", AF_INET, SOCK_RAW, IPPROTO_ICMP));
	assert_not_granted("inet", CALL("socket", AF_INET, SOCK_STREAM, IPPROTO_SCTP));
	assert_not_granted("inet", CALL("socket", AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE));
	/* socket's domain is an int: AF_UNIX cannot pass as AF_INET. */
	assert_not_granted("inet", CALL("socket", UINT64_C(0x100000000) | AF_UNIX, SOCK_STREAM, 0));

	assert_granted("unix", CALL("socket", AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
	assert_granted("unix", CALL("socketpair", AF_UNIX, SOCK_STREAM, 0, 0));
	assert_not_granted("unix", CALL("socket", AF_INET, SOCK_STREAM, 0));
	assert_not_granted("unix", CALL("socketpair", AF_INET, SOCK_STREAM, 0, 0));

	/* What glibc's getaddrinfo makes, and nothing wider. */
	assert_granted("dns",
	               CALL("socket", AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
	assert_granted("dns", CALL("socket", AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
	assert_granted("dns", CALL("socket", AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
	assert_granted("dns", CALL("sendmmsg", 3, 0, 2, MSG_NOSIGNAL));
	assert_not_granted("dns", CALL("socket", AF_NETLINK, SOCK_RAW, NETLINK_AUDIT));
	assert_not_granted("dns", CALL("socket", AF_NETLINK, SOCK_DGRAM, NETLINK_KOBJECT_UEVENT));
	assert_not_granted("dns", CALL("socket", AF_UNIX, SOCK_STREAM, 0));
	assert_not_granted("dns", CALL("socket", AF_INET, SOCK_DGRAM, IPPROTO_ICMP));
	assert_not_granted("dns", CALL("listen", 3, 16));

	/* Descriptors travel in sendmsg and recvmsg, which these groups keep out. */
	assert_not_granted("stdio unix", CALL("sendmsg", 3, 0, 0));
	assert_not_granted("stdio unix", CALL("sendmmsg", 3, 0, 0, 0));
	assert_not_granted("stdio unix", CALL("recvmsg", 3, 0, 0));
	assert_not_granted("stdio unix", CALL("recvmmsg", 3, 0, 0, 0, 0));
	assert_granted("sendfd", CALL("sendmsg", 3, 0, 0));
	assert_granted("recvfd", CALL("recvmsg", 3, 0, 0));
}

static void test_process_controls(void **state)
{
	(void)state;
	assert_granted("stdio", CALL("prctl", PR_SET_NAME));
	assert_granted("stdio", CALL("prctl", PR_SET_NO_NEW_PRIVS, 1));
	assert_granted("stdio", CALL("prctl", PR_SET_PDEATHSIG, SIGKILL));
	assert_not_granted("stdio", CALL("prctl", PR_SET_DUMPABLE, 1));
	assert_not_granted("stdio", CALL("prctl", PR_SET_PTRACER, (uint64_t)-1));
	assert_not_granted("stdio", CALL("prctl", PR_SET_MM));
	assert_not_granted("stdio", CALL("prctl", PR_SET_SECCOMP));
	assert_not_granted("stdio", CALL("prctl", PR_CAP_AMBIENT));
	assert_not_granted("stdio", CALL("prctl", PR_SET_CHILD_SUBREAPER, 1));
	assert_granted("proc", CALL("prctl", PR_SET_CHILD_SUBREAPER, 1));
	assert_granted("id", CALL("prctl", PR_CAP_AMBIENT));

	/* Limits of the process itself only. */
	assert_granted("stdio", CALL("prlimit64", 0, RLIMIT_STACK, 0, 0x1000));
	assert_granted("stdio", CALL("prlimit64", 0, RLIMIT_NOFILE, 0x1000, 0));
	assert_not_granted("stdio", CALL("prlimit64", 1, RLIMIT_NOFILE, 0x1000, 0));
	assert_not_granted("proc", CALL("prlimit64", 1, RLIMIT_NOFILE, 0x1000, 0));

	/* Signals: tgkill (raise, abort, pthread_kill) in @stdio, kill in @proc. */
	assert_granted("stdio", CALL("tgkill", 1, 1, SIGABRT));
	assert_not_granted("stdio", CALL("kill", 1, SIGKILL));
	assert_granted("proc", CALL("kill", 1, SIGKILL));

	assert_granted("exec", CALL("execve"));
	assert_granted("flock", CALL("fcntl", 3, F_OFD_SETLKW));
	assert_not_granted("stdio", CALL("fcntl", 3, F_SETLK));
	assert_not_granted("stdio", CALL("fcntl", 3, F_SETOWN));
	assert_granted("stdio", CALL("fcntl", 3, F_DUPFD_CLOEXEC));
}

/*
 * The start-up of ordinary dynamically linked programs with glibc 2.36
 * (ls, cat, sh, python3 -c 'print(1)', recorded with strace), one call of
 * each shape, as `moat run` with `allow @stdio @rpath @prot_exec @exec`
 * must let them through.
 */
static const struct call program_start_up[] = {
        CALL("execve"),
        CALL("brk", 0),
        CALL("arch_prctl", 0x1002 /* ARCH_SET_FS */, 0x7f0000000740),
        CALL("arch_prctl", 0x3001 /* ARCH_CET_STATUS, glibc built with CET */, 0x7ffd0000),
        CALL("mmap", 0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, (uint64_t)-1, 0),
        CALL("access", 0, R_OK),
        CALL("openat", (uint64_t)AT_FDCWD, 0, O_RDONLY | O_CLOEXEC),
        CALL("newfstatat", 3, 0, 0, AT_EMPTY_PATH),
        CALL("mmap", 0, 41779, PROT_READ, MAP_PRIVATE, 3, 0),
        CALL("close", 3),
        CALL("read", 3, 0, 832),
        CALL("pread64", 3, 0, 784, 64),
        CALL("mmap", 0, 1974096, PROT_READ, MAP_PRIVATE | MAP_DENYWRITE, 3, 0),
        CALL("mmap", 0x7f0000026000, 1400832, PROT_READ | PROT_EXEC,
             MAP_PRIVATE | MAP_FIXED | MAP_DENYWRITE, 3, 0x26000),
        CALL("mmap", 0x7f00001cf000, 24576, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_FIXED | MAP_DENYWRITE, 3, 0x1cf000),
        CALL("set_tid_address", 0x7f0000000a10),
        CALL("set_robust_list", 0x7f0000000a20, 24),
        CALL("rseq", 0x7f0000001060, 0x20, 0, 0x53053053),
        CALL("mprotect", 0x7f00001c9000, 16384, PROT_READ),
        CALL("prlimit64", 0, RLIMIT_STACK, 0, 0x7ffd0000),
        CALL("munmap", 0x7f00001dc000, 41779),
        CALL("getrandom", 0x7f00001d4178, 8, GRND_NONBLOCK),
        CALL("ioctl", 1, TCGETS, 0x7ffd0000),
        CALL("ioctl", 1, TIOCGWINSZ, 0x7ffd0000),
        CALL("openat", (uint64_t)AT_FDCWD, 0, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_DIRECTORY),
        CALL("getdents64", 3, 0, 32768),
        CALL("statx", (uint64_t)AT_FDCWD, 0, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, 0x2ff, 0),
        CALL("newfstatat", (uint64_t)AT_FDCWD, 0, 0, 0),
        CALL("readlink", 0, 0, 4096),
        CALL("lgetxattr", 0, 0, 0, 0),
        CALL("statfs", 0, 0),
        CALL("lseek", 3, 0, SEEK_CUR),
        CALL("fadvise64", 3, 0, 0, POSIX_FADV_SEQUENTIAL),
        CALL("fcntl", 3, F_GETFD),
        CALL("write", 1, 0, 2),
        CALL("futex", 0x7f00001d5a6c, 0x81 /* FUTEX_WAKE_PRIVATE */, 0x7fffffff),
        CALL("rt_sigaction", SIGINT, 0, 0, 8),
        CALL("rt_sigprocmask", SIG_BLOCK, 0, 0, 8),
        CALL("sigaltstack", 0, 0),
        CALL("sysinfo", 0),
        CALL("sched_getaffinity", 0, 128, 0),
        CALL("getuid"),
        CALL("geteuid"),
        CALL("getpid"),
        CALL("getppid"),
        CALL("uname", 0),
        CALL("getcwd", 0, 4096),
        CALL("clock_gettime", CLOCK_MONOTONIC, 0),
        CALL("clone", THREAD_FLAGS, 0, 0, 0, 0),
        CALL("madvise", 0, 8192, MADV_DONTNEED),
        CALL("exit_group", 0),
};

static void test_ordinary_programs_start(void **state)
{
	const struct call dynamic_loading =
	        CALL("mmap", 0x7f0000026000, 1400832, PROT_READ | PROT_EXEC,
	             MAP_PRIVATE | MAP_FIXED | MAP_DENYWRITE, 3, 0x26000);

	(void)state;
	for (size_t i = 0; i < ARRAY_LENGTH(program_start_up); i++)
		assert_granted("stdio rpath prot_exec exec", program_start_up[i]);
	/* Positive controls: the set is not simply allowing everything. */
	assert_not_granted("stdio rpath exec", dynamic_loading);
	assert_not_granted("stdio rpath prot_exec", CALL("execve"));
	assert_not_granted("stdio rpath prot_exec exec", CALL("clone3", 0, 88));
	assert_not_granted("stdio rpath prot_exec exec",
	                   CALL("openat", (uint64_t)AT_FDCWD, 0, O_WRONLY));
}

/* ---- through the resolver ----------------------------------------------- */

static moat_policy *load_clean(const char *text)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy = test_load(text, &diagnostics);

	if (!policy || diagnostics.errors > 0 || diagnostics.warnings > 0)
		fail_msg("%s\ngave:\n%s", text, diagnostics.text);
	return policy;
}

/* Every group loads on its own and all together, without a diagnostic. */
static void test_groups_load_as_policies(void **state)
{
	char text[1024];
	size_t used;
	moat_policy *policy;
	const struct moat_syscall_rules *rules;

	(void)state;
	for (size_t i = 0; i < moat_group_count(); i++) {
		snprintf(text, sizeof(text), "moat 1\n[syscalls]\nallow @%s\n",
		         moat_group_at(i)->name);
		moat_policy_free(load_clean(text));
	}
	used = (size_t)snprintf(text, sizeof(text),
	                        "moat 1\n[syscalls]\nkill @default-deny\nallow");
	for (size_t i = 0; i < moat_group_count(); i++)
		if (strcmp(moat_group_at(i)->name, "default-deny") != 0)
			used += (size_t)snprintf(text + used, sizeof(text) - used, " @%s",
			                         moat_group_at(i)->name);
	assert_true(used + 2 < sizeof(text));
	strcat(text, "\n");
	policy = load_clean(text);
	/* @stdio's mmap without PROT_EXEC and @prot_exec's mmap: any mmap. */
	rules = moat_policy_find_syscall(policy, moat_syscall_number("mmap"));
	assert_non_null(rules);
	assert_non_null(rules->unconditional);
	assert_int_equal(rules->unconditional->action.kind, MOAT_ACTION_ALLOW);
	assert_int_equal(rules->conditional_count, 0);
	/* No group names clone3: whatever the policy does with it, it is not allowed. */
	rules = moat_policy_find_syscall(policy, moat_syscall_number("clone3"));
	if (rules) {
		assert_int_equal(rules->conditional_count, 0);
		assert_true(!rules->unconditional ||
		            rules->unconditional->action.kind != MOAT_ACTION_ALLOW);
	}
	rules = moat_policy_find_syscall(policy, moat_syscall_number("ptrace"));
	assert_non_null(rules);
	assert_non_null(rules->unconditional);
	assert_int_equal(rules->unconditional->action.kind, MOAT_ACTION_KILL_PROCESS);
	moat_policy_free(policy);
}

/*
 * Runs `argv` with the environment `environment` (stdin, stdout and stderr on
 * /dev/null) under the filter that the policy `text` compiles to, and
 * returns its wait status.
 */
static int run_sandboxed(const char *text, char *const *argv, char *const *environment)
{
	struct moat_seccomp_program program = {0};
	moat_policy *policy = load_clean(text);
	struct moat_error error;
	int status = -1;
	pid_t child;

	if (moat_seccomp_generate(&program, &policy->syscalls, &error) != 0)
		fail_msg("cannot compile %s: %s", text, error.message);
	child = fork();
	assert_true(child >= 0);
	if (child == 0) {
		struct sock_fprog filter = {(unsigned short)program.length, program.instructions};
		int null = open("/dev/null", O_RDWR);

		if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0 ||
		    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
		    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) != 0)
			_exit(125);
		execve(argv[0], argv, environment);
		_exit(127);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	moat_seccomp_program_release(&program);
	moat_policy_free(policy);
	return status;
}

#define RUN_POLICY       "moat 1\n[syscalls]\ndefault kill\nallow @stdio @rpath @prot_exec @exec\n"
/* The rule docs/groups.md gives for programs that look up users or hosts. */
#define NSCD_PROBE_FAILS "errno EACCES socket if arg0 == AF_UNIX\n"

static void expect_success(const char *policy, char *const *argv, char *const *environment)
{
	int status;

	if (access(argv[0], X_OK) != 0) {
		print_message("no %s here: not tried\n", argv[0]);
		return;
	}
	status = run_sandboxed(policy, argv, environment);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("%s %s: wait status %#x under\n%s", argv[0], argv[1] ? argv[1] : "",
		         status, policy);
}

/*
 * 0 when a child of this process can install a seccomp filter, else the
 * errno that refused it: probed with a filter that allows everything.
 * qemu-user refuses (ENOSYS): it cannot apply a filter for the emulated
 * architecture to itself.
 */
static int seccomp_filter_probe(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog filter = {1, &allow};
	int status;
	pid_t child = fork();

	assert_true(child >= 0);
	if (child == 0) {
		bool installed = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
		                 syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) == 0;

		_exit(installed ? 0 : errno);
	}
	assert_int_equal(waitpid(child, &status, 0), child);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* The design requirement: ordinary programs run with these four groups. */
static void test_ordinary_programs_run(void **state)
{
	static const char policy[] = RUN_POLICY "kill @default-deny\n";
	static const char lookups[] = RUN_POLICY NSCD_PROBE_FAILS;
	static const char without_prot_exec[] = "moat 1\n[syscalls]\ndefault kill\n"
	                                        "allow @stdio @rpath @exec\n";
	char *const environment[] = {"PATH=/usr/bin:/bin", "LC_ALL=C", "HOME=/", NULL};
	char *const bare_environment[] = {"PATH=/usr/bin:/bin", NULL};
	char *const programs[][5] = {
	        {"/bin/ls", "/", NULL},
	        {"/bin/cat", "/etc/hostname", NULL},
	        {"/bin/sh", "-c", "echo hi; read line; true", NULL},
	        {"/usr/bin/env", NULL},
	        {"/usr/bin/sort", "/etc/passwd", NULL},
	        {"/usr/bin/python3", "-c", "print(1)", NULL},
	        {"/usr/bin/python3", "-c",
	         "import threading; t = threading.Thread(target=print); t.start(); t.join()", NULL},
	};
	/* These look up user names: glibc asks nscd through a unix socket first. */
	char *const lookup_programs[][5] = {
	        {"/bin/ls", "-l", "/", NULL},
	        {"/usr/bin/id", NULL},
	};
	char *const python[] = {"/usr/bin/python3", "-c", "print(1)", NULL};
	int status, refused = seccomp_filter_probe();

	(void)state;
	if (refused) {
		print_message("SKIP: no seccomp filter can be installed here (%s; qemu-user?): "
		              "the programs are not run\n",
		              strerror(refused));
		skip();
	}
	for (size_t i = 0; i < ARRAY_LENGTH(programs); i++)
		expect_success(policy, programs[i], environment);
	for (size_t i = 0; i < ARRAY_LENGTH(lookup_programs); i++)
		expect_success(lookups, lookup_programs[i], environment);
	/* Without HOME, Python looks the user up for `~`. */
	expect_success(lookups, python, bare_environment);

	/* Positive controls: the dynamic loader needs @prot_exec... */
	status = run_sandboxed(without_prot_exec, programs[0], environment);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
	/* ...and without the documented rule, the nscd probe meets `default kill`. */
	status = run_sandboxed(policy, lookup_programs[0], environment);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGSYS);
}

/* ---- suggestions ------------------------------------------------------- */

static void test_suggest(void **state)
{
	char long_name[200];

	(void)state;
	assert_string_equal(moat_group_suggest("stdoi"), "stdio");
	assert_string_equal(moat_group_suggest("stio"), "stdio");
	assert_string_equal(moat_group_suggest("STDIO"), "stdio");
	assert_string_equal(moat_group_suggest("rpth"), "rpath");
	assert_string_equal(moat_group_suggest("default_deny"), "default-deny");
	assert_string_equal(moat_group_suggest("defualt-deny"), "default-deny");
	assert_string_equal(moat_group_suggest("prot-exec"), "prot_exec");
	assert_string_equal(moat_group_suggest("inte"), "inet");
	assert_string_equal(moat_group_suggest("exe"), "exec");
	assert_string_equal(moat_group_suggest("stdio"), "stdio");
	assert_null(moat_group_suggest("nonesuch"));
	assert_null(moat_group_suggest("ip"));
	assert_null(moat_group_suggest("network"));
	assert_null(moat_group_suggest(""));
	assert_null(moat_group_suggest(NULL));
	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	assert_null(moat_group_suggest(long_name));
}

/* ---- docs/groups.md ----------------------------------------------------- */

struct doc_member {
	char group[64];
	char syscall[64];
	char condition[1024]; /* empty when none */
	unsigned line;
};

struct doc {
	char *text;
	struct doc_member *members;
	size_t count;
};

static char *read_file(const char *path)
{
	FILE *file = fopen(path, "r");
	char *text;
	long size;

	if (!file)
		return NULL;
	assert_int_equal(fseek(file, 0, SEEK_END), 0);
	size = ftell(file);
	assert_true(size > 0);
	rewind(file);
	text = malloc((size_t)size + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)size, file), (size_t)size);
	text[size] = '\0';
	fclose(file);
	return text;
}

/*
 * A member line: "- `syscall`", then " if `CONDITION`" when the member has
 * one, then optionally ": why it is there".
 */
static void parse_member_line(const char *group, const char *line, unsigned number,
                              struct doc_member *member)
{
	const char *name = line + 3;
	const char *name_end = strchr(name, '`');
	const char *rest;

	if (!name_end || (size_t)(name_end - name) >= sizeof(member->syscall))
		fail_msg("docs/groups.md:%u: bad member line", number);
	memset(member, 0, sizeof(*member));
	snprintf(member->group, sizeof(member->group), "%s", group);
	memcpy(member->syscall, name, (size_t)(name_end - name));
	member->line = number;
	rest = name_end + 1;
	if (strncmp(rest, " if `", 5) == 0) {
		const char *condition = rest + 5;
		const char *condition_end = strchr(condition, '`');

		if (!condition_end ||
		    (size_t)(condition_end - condition) >= sizeof(member->condition))
			fail_msg("docs/groups.md:%u: unterminated condition", number);
		memcpy(member->condition, condition, (size_t)(condition_end - condition));
		rest = condition_end + 1;
	}
	if (*rest != '\0' && strncmp(rest, ": ", 2) != 0)
		fail_msg(
		        "docs/groups.md:%u: expected \" if `CONDITION`\" or \": reason\" after the "
		        "name",
		        number);
}

static void read_doc(struct doc *doc)
{
	const char *source_dir = getenv("MOAT_SOURCE_DIR");
	char path[4096];
	char group[64] = "";
	unsigned number = 0;
	size_t capacity = 0;

	memset(doc, 0, sizeof(*doc));
	if (!source_dir) {
		print_message("SKIP: MOAT_SOURCE_DIR is unset: run the test through ctest\n");
		skip();
	}
	snprintf(path, sizeof(path), "%s/docs/groups.md", source_dir);
	doc->text = read_file(path);
	if (!doc->text)
		fail_msg("cannot read %s", path);
	for (char *line = doc->text, *next; line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		number++;
		if (strncmp(line, "#", 1) == 0) {
			group[0] = '\0';
			if (strncmp(line, "## @", 4) == 0)
				snprintf(group, sizeof(group), "%s", line + 4);
			continue;
		}
		if (group[0] == '\0' || strncmp(line, "- `", 3) != 0)
			continue;
		if (doc->count == capacity) {
			capacity = capacity ? 2 * capacity : 256;
			doc->members = realloc(doc->members, capacity * sizeof(*doc->members));
			assert_non_null(doc->members);
		}
		parse_member_line(group, line, number, &doc->members[doc->count++]);
	}
}

static void test_docs_match_table(void **state)
{
	struct doc doc;

	(void)state;
	read_doc(&doc);
	/* Every documented member is in the table, under its group. */
	for (size_t i = 0; i < doc.count; i++) {
		const struct doc_member *documented = &doc.members[i];
		const struct moat_group *group = moat_group_find(documented->group);
		const struct moat_group_member *member;

		if (!group)
			fail_msg("docs/groups.md:%u: no group '@%s'", documented->line,
			         documented->group);
		member = find_member(group, documented->syscall);
		if (!member)
			fail_msg("docs/groups.md:%u: @%s has no member %s", documented->line,
			         group->name, documented->syscall);
		if (strcmp(member->condition ? member->condition : "", documented->condition) != 0)
			fail_msg("docs/groups.md:%u: @%s: %s has the condition `%s`",
			         documented->line, group->name, documented->syscall,
			         member->condition ? member->condition : "(none)");
		for (size_t j = 0; j < i; j++)
			if (strcmp(doc.members[j].group, documented->group) == 0 &&
			    strcmp(doc.members[j].syscall, documented->syscall) == 0)
				fail_msg("docs/groups.md:%u: @%s lists %s twice", documented->line,
				         group->name, documented->syscall);
	}
	/* Every member of the table is documented. */
	for (size_t i = 0; i < moat_group_count(); i++) {
		const struct moat_group *group = moat_group_at(i);

		for (size_t j = 0; j < group->member_count; j++) {
			bool found = false;

			for (size_t k = 0; k < doc.count && !found; k++)
				found = strcmp(doc.members[k].group, group->name) == 0 &&
				        strcmp(doc.members[k].syscall, group->members[j].syscall) ==
				                0;
			if (!found)
				fail_msg("docs/groups.md does not list %s under @%s",
				         group->members[j].syscall, group->name);
		}
	}
	free(doc.members);
	free(doc.text);
}

static void test_docs_have_summaries(void **state)
{
	const char *source_dir = getenv("MOAT_SOURCE_DIR");
	char path[4096];
	char *text;

	(void)state;
	if (!source_dir) {
		print_message("SKIP: MOAT_SOURCE_DIR is unset: run the test through ctest\n");
		skip();
	}
	snprintf(path, sizeof(path), "%s/docs/groups.md", source_dir);
	text = read_file(path);
	assert_non_null(text);
	for (size_t i = 0; i < moat_group_count(); i++) {
		const struct moat_group *group = moat_group_at(i);
		char heading[128];
		const char *section;
		const char *end;
		const char *summary;

		snprintf(heading, sizeof(heading), "\n## @%s\n", group->name);
		section = strstr(text, heading);
		if (!section)
			fail_msg("docs/groups.md has no heading '## @%s'", group->name);
		section += strlen(heading);
		end = strstr(section, "\n## ");
		summary = strstr(section, group->summary);
		if (!summary || (end && summary > end))
			fail_msg("docs/groups.md: the section of @%s lacks its summary \"%s\"",
			         group->name, group->summary);
	}
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_required_groups_exist),
	        cmocka_unit_test(test_groups_sorted_and_reachable),
	        cmocka_unit_test(test_members_unique_and_native),
	        cmocka_unit_test(test_conditions_parse_and_fit),
	        cmocka_unit_test(test_no_group_has_clone3),
	        cmocka_unit_test(test_watches_only_in_watch),
	        cmocka_unit_test(test_default_deny_kept_apart),
	        cmocka_unit_test(test_personality),
	        cmocka_unit_test(test_ioctl_never_tiocsti_or_tioclinux),
	        cmocka_unit_test(test_clone_never_creates_namespaces),
	        cmocka_unit_test(test_memory),
	        cmocka_unit_test(test_open_groups),
	        cmocka_unit_test(test_stat_and_fstat),
	        cmocka_unit_test(test_sockets),
	        cmocka_unit_test(test_process_controls),
	        cmocka_unit_test(test_ordinary_programs_start),
	        cmocka_unit_test(test_groups_load_as_policies),
	        cmocka_unit_test(test_ordinary_programs_run),
	        cmocka_unit_test(test_suggest),
	        cmocka_unit_test(test_docs_match_table),
	        cmocka_unit_test(test_docs_have_summaries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
