// SPDX-License-Identifier: MIT
/*
 * Decisions: the statement that decided a syscall (the code generator's side
 * table read against the interpreter's run), a path and a port. Where two
 * rules could decide, each test asks for arguments that match each one and
 * checks that the report names that one, not its neighbour.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/audit.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "moat.h"
#include "seccomp/decider.h"
#include "seccomp/filter.h"

static moat_policy *load(const char *text)
{
	moat_policy *policy = NULL;
	struct moat_error error = {0};
	int rc = moat_policy_load_string(&policy, "test.policy", text, strlen(text), NULL, &error);

	if (rc < 0)
		fail_msg("%s:%u:%u: %s", error.file, error.line, error.column, error.message);
	return policy;
}

static moat_filter *compile(moat_policy *policy)
{
	moat_filter *filter = NULL;

	assert_int_equal(moat_filter_compile(&filter, policy, NULL), 0);
	return filter;
}

static void expect_syscall(const moat_filter *filter, int number, uint64_t arg0,
                           enum moat_action_kind kind, unsigned line, const char *statement)
{
	const uint64_t args[6] = {arg0};
	struct moat_decision decision;

	assert_int_equal(moat_decide_syscall(filter, number, args, &decision), 0);
	assert_int_equal(decision.action.kind, kind);
	assert_int_equal(decision.location.line, line);
	assert_string_equal(decision.statement, statement);
}

/*
 * Rules that return the same value share one `ret`: the EACCES of line 4 and
 * of line 6 (the fallback) are one instruction. The report follows the path.
 */
static void test_shared_return_names_each_rule(void **state)
{
	static const char text[] = "moat 1\n"
	                           "[syscalls]\n"
	                           "default kill\n"
	                           "errno EACCES ioctl if arg0 == 1\n"
	                           "allow ioctl if arg0 == 2\n"
	                           "errno EACCES ioctl\n"
	                           "allow read write \\\n"
	                           "  getpid # a comment\n"
	                           "kill @default-deny\n";
	moat_policy *policy = load(text);
	moat_filter *filter = compile(policy);

	size_t eacces_returns = 0;

	(void)state;
	moat_policy_free(policy); /* the filter keeps its own copy of the statements */
	/* The control: one `ret` serves both lines, so the `ret` alone cannot tell them apart. */
	for (size_t i = 0; i < filter->program.length; i++) {
		const struct sock_filter *insn = &filter->program.instructions[i];

		eacces_returns +=
		        insn->code == (BPF_RET | BPF_K) && insn->k == (SECCOMP_RET_ERRNO | EACCES);
	}
	assert_int_equal(eacces_returns, 1);
	expect_syscall(filter, SYS_ioctl, 1, MOAT_ACTION_ERRNO, 4,
	               "errno EACCES ioctl if arg0 == 1");
	expect_syscall(filter, SYS_ioctl, 2, MOAT_ACTION_ALLOW, 5, "allow ioctl if arg0 == 2");
	expect_syscall(filter, SYS_ioctl, 3, MOAT_ACTION_ERRNO, 6, "errno EACCES ioctl");
	expect_syscall(filter, SYS_getpid, 0, MOAT_ACTION_ALLOW, 7, "allow read write getpid");
	expect_syscall(filter, SYS_mount, 0, MOAT_ACTION_KILL_PROCESS, 9, "kill @default-deny");
	expect_syscall(filter, SYS_socket, 0, MOAT_ACTION_KILL_PROCESS, 3, "default kill");
	moat_filter_free(filter);
}

/* The positive control of the brief: a conditional rule and the unconditional one. */
static void test_conditional_and_unconditional(void **state)
{
	static const char text[] = "moat 1\n"
	                           "[syscalls]\n"
	                           "default allow\n"
	                           "errno EACCES socket if arg0 == AF_INET\n"
	                           "errno EPERM socket\n";
	moat_policy *policy = load(text);
	moat_filter *filter = compile(policy);

	(void)state;
	expect_syscall(filter, SYS_socket, AF_INET, MOAT_ACTION_ERRNO, 4,
	               "errno EACCES socket if arg0 == AF_INET");
	expect_syscall(filter, SYS_socket, AF_UNIX, MOAT_ACTION_ERRNO, 5, "errno EPERM socket");
	expect_syscall(filter, SYS_getpid, 0, MOAT_ACTION_ALLOW, 3, "default allow");
	moat_filter_free(filter);
	moat_policy_free(policy);
}

/* moat's own rules: line 0 and a description. */
static void test_own_rules(void **state)
{
	moat_policy *policy = load("moat 1\n[syscalls]\ndefault allow\n");
	moat_filter *filter = compile(policy);
	struct seccomp_data data = {.nr = SYS_getpid, .arch = AUDIT_ARCH_I386};
	struct moat_bpf_trace trace;
	struct moat_decision decision;
	uint32_t value;

	(void)state;
	assert_int_equal(moat_decide_syscall(filter, SYS_clone3, NULL, &decision), 0);
	assert_int_equal(decision.action.errno_value, ENOSYS);
	assert_int_equal(decision.location.line, 0);
	assert_non_null(strstr(decision.statement, "clone3"));
#if defined(__x86_64__)
	assert_int_equal(moat_decide_syscall(filter, 0x40000000 | SYS_getpid, NULL, &decision), 0);
	assert_int_equal(decision.action.kind, MOAT_ACTION_KILL_PROCESS);
	assert_string_equal(decision.statement, "an x32 call is killed");
#endif
	assert_int_equal(moat_bpf_run_traced(filter->program.instructions, filter->program.length,
	                                     &data, &value, &trace),
	                 0);
	assert_int_equal(value, SECCOMP_RET_KILL_PROCESS);
	assert_string_equal(moat_seccomp_decider(&filter->program, &data, &trace)->text,
	                    "a call from another architecture is killed");
	moat_filter_free(filter);
	moat_policy_free(policy);
}

/* ---- paths ------------------------------------------------------------- */

struct tree {
	char root[64];
	char path[256];
};

static const char *at(struct tree *tree, const char *name)
{
	snprintf(tree->path, sizeof(tree->path), "%s/%s", tree->root, name);
	return tree->path;
}

static void make_tree(struct tree *tree)
{
	strcpy(tree->root, "/tmp/moat-decide.XXXXXX");
	assert_non_null(mkdtemp(tree->root));
	assert_int_equal(mkdir(at(tree, "usr"), 0755), 0);
	assert_int_equal(mkdir(at(tree, "usr2"), 0755), 0);
	assert_int_equal(mkdir(at(tree, "usr/lib"), 0755), 0);
	assert_int_equal(mkdir(at(tree, "real"), 0755), 0);
	assert_int_equal(symlink("real", at(tree, "link")), 0);
}

static void remove_tree(struct tree *tree)
{
	char command[128];

	snprintf(command, sizeof(command), "rm -rf '%s'", tree->root);
	assert_int_equal(system(command), 0);
}

static void expect_path(moat_policy *policy, const char *path, const char *access, int allowed,
                        unsigned line)
{
	struct moat_decision decision;

	assert_int_equal(moat_decide_path(policy, path, access, &decision, NULL), 0);
	if (decision.allowed != allowed || decision.location.line != line)
		fail_msg("%s %s: allowed %d by line %u, expected %d by line %u", access, path,
		         decision.allowed, decision.location.line, allowed, line);
}

static void test_paths(void **state)
{
	struct tree tree;
	char text[1024];
	moat_policy *policy;

	(void)state;
	make_tree(&tree);
	snprintf(text, sizeof(text),
	         "moat 1\n"
	         "[filesystem]\n"
	         "read %s/usr\n"
	         "write %s/link\n"
	         "read ?%s/absent\n"
	         "exec %s/usr/lib\n",
	         tree.root, tree.root, tree.root, tree.root);
	policy = load(text);
	expect_path(policy, at(&tree, "usr"), "read", 1, 3);
	expect_path(policy, at(&tree, "usr/lib/x.so"), "read", 1, 6); /* the most specific */
	expect_path(policy, at(&tree, "usr/lib"), "execute", 1, 6);
	expect_path(policy, at(&tree, "usr/file"), "exec", 0, 2); /* denied: the section */
	expect_path(policy, at(&tree, "usr2"), "read", 0, 2);     /* not below /usr */
	expect_path(policy, at(&tree, "usr"), "write", 0, 2);
	expect_path(policy, at(&tree, "real/new"), "write", 1, 4); /* the rule's link resolved */
	expect_path(policy, at(&tree, "link/new"), "write-file", 1, 4);
	expect_path(policy, at(&tree, "absent"), "read", 0, 2); /* `?` and absent: nothing */
	expect_path(policy, at(&tree, "usr"), "read-file,read-dir", 1, 3);
	moat_policy_free(policy);

	/* Positive control: without the symlink the write is refused. */
	snprintf(text, sizeof(text), "moat 1\n[filesystem]\nwrite %s/usr2\n", tree.root);
	policy = load(text);
	expect_path(policy, at(&tree, "real/new"), "write", 0, 2);
	moat_policy_free(policy);

	policy = load("moat 1\n[limits]\nnofile 64\n");
	expect_path(policy, "/etc/hostname", "write", 1, 0); /* no [filesystem]: allowed */
	moat_policy_free(policy);
	remove_tree(&tree);
}

static void test_unknown_right(void **state)
{
	moat_policy *policy = load("moat 1\n[filesystem]\nread /usr\n");
	struct moat_decision decision;
	struct moat_error error = {0};

	(void)state;
	assert_int_equal(moat_decide_path(policy, "/usr", "read-fil", &decision, &error), -EINVAL);
	assert_non_null(strstr(error.message, "read-fil"));
	moat_policy_free(policy);
}

/* ---- ports ------------------------------------------------------------- */

static void expect_port(moat_policy *policy, enum moat_port_access access, unsigned port,
                        int allowed, unsigned line)
{
	struct moat_decision decision;

	assert_int_equal(moat_decide_port(policy, access, port, &decision, NULL), 0);
	if (decision.allowed != allowed || decision.location.line != line)
		fail_msg("port %u: allowed %d by line %u, expected %d by line %u", port,
		         decision.allowed, decision.location.line, allowed, line);
}

static void test_ports(void **state)
{
	moat_policy *policy = load("moat 1\n"
	                           "[network]\n"
	                           "connect tcp 443\n"
	                           "connect tcp 80 8080\n"
	                           "bind tcp none\n");
	struct moat_decision decision;

	(void)state;
	expect_port(policy, MOAT_PORT_CONNECT, 443, 1, 3);
	expect_port(policy, MOAT_PORT_CONNECT, 8080, 1, 4);
	expect_port(policy, MOAT_PORT_CONNECT, 22, 0, 3);
	expect_port(policy, MOAT_PORT_BIND, 443, 0, 5);
	assert_int_equal(moat_decide_port(policy, MOAT_PORT_BIND, 70000, &decision, NULL), -EINVAL);
	moat_policy_free(policy);

	policy = load("moat 1\n[network]\nconnect tcp 443\n");
	expect_port(policy, MOAT_PORT_BIND, 8080, 1, 0); /* no `bind tcp`: allowed */
	moat_policy_free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_shared_return_names_each_rule),
	        cmocka_unit_test(test_conditional_and_unconditional),
	        cmocka_unit_test(test_own_rules),
	        cmocka_unit_test(test_paths),
	        cmocka_unit_test(test_unknown_right),
	        cmocka_unit_test(test_ports),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
