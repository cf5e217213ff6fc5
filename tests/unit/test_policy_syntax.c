// SPDX-License-Identifier: MIT
/* The lexer and parser, seen through the diagnostics a user gets. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "policy/ir.h"
#include "policy_support.h"

/* Loads `text`, expects failure, and checks the first error's place and wording. */
static void expect_error(const char *text, unsigned line, unsigned column, const char *fragment)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy = test_load(text, &diagnostics);

	if (policy)
		fail_msg("policy was accepted:\n%s", text);
	if (diagnostics.error.line != line || diagnostics.error.column != column ||
	    !strstr(diagnostics.error.message, fragment))
		fail_msg("expected error at %u:%u containing '%s', got:\n%s", line, column,
		         fragment, diagnostics.text);
	assert_int_equal(diagnostics.error.code, -22);
	assert_string_equal(diagnostics.error.file, "test.policy");
}

static moat_policy *expect_valid(const char *text)
{
	struct test_diagnostics diagnostics;
	moat_policy *policy = test_load(text, &diagnostics);

	if (!policy)
		fail_msg("policy was refused:\n%s\n%s", text, diagnostics.text);
	return policy;
}

static void version_is_required_first(void **state)
{
	(void)state;
	expect_error("[syscalls]\nallow read\n", 1, 1, "must begin with `moat 1`");
	expect_error("# only a comment\n", 1, 1, "empty policy");
	expect_error("moat 2\n[syscalls]\nallow read\n", 1, 6, "unknown policy format '2'");
	expect_error("moat 1\nmoat 1\n", 2, 1, "must be the first statement");
	expect_error("moat\n", 1, 1, "use `moat 1`");
}

static void comments_continuations_and_strings(void **state)
{
	moat_policy *policy;

	(void)state;
	policy = expect_valid("moat 1 # the format\n"
	                      "[syscalls]   # section\n"
	                      "allow read \\\n"
	                      "      write\t\\  \n"
	                      "      close\n"
	                      "[filesystem]\n"
	                      "read \"/usr\" \"/etc\"\n"
	                      "[process]\n"
	                      "env set \"GREETING=say \\\"hi\\\" \\\\o/\"\n");
	assert_int_equal(policy->syscalls.count, 4); /* read write close, and clone3 */
	assert_int_equal(policy->filesystem.count, 2);
	assert_string_equal(policy->filesystem.rules[1].path, "/etc");
	assert_int_equal(policy->process.environment_set_count, 1);
	assert_string_equal(policy->process.environment_set[0], "GREETING=say \"hi\" \\o/");
	moat_policy_free(policy);
	expect_error("moat 1\n[filesystem]\nread \"/usr\n", 3, 6, "without a closing");
	expect_error("moat 1\n[filesystem]\nread \"/u\\sr\"\n", 3, 9, "unknown escape");
	expect_error("moat 1\n[syscalls]\nallow read \\ write\n", 3, 12, "stray '\\'");
	expect_error("moat 1\n[syscalls]\nallow re$d\n", 3, 9, "unexpected '$'");
	expect_error("moat 1\n[syscalls]\nallow \xc3\xa9t\xc3\xa9\n", 3, 7,
	             "unexpected '\xc3\xa9'");
}

static void what_strings_may_hold(void **state)
{
	static const char nul_policy[] = "moat 1\n[process]\ncwd \"/tmp\0/x\"\n";
	struct test_diagnostics diagnostics;
	moat_policy *policy;

	(void)state;
	/* UTF-8 is whole in a quoted string. */
	policy = expect_valid("moat 1\n[process]\nenv set \"A=\xc3\xa9t\xc3\xa9\"\n"
	                      "cwd \"/tmp/\xe6\x97\xa5\xe6\x9c\xac\"\n");
	assert_string_equal(policy->process.environment_set[0], "A=\xc3\xa9t\xc3\xa9");
	assert_string_equal(policy->process.cwd, "/tmp/\xe6\x97\xa5\xe6\x9c\xac");
	moat_policy_free(policy);
	expect_error("moat 1\n[process]\ncwd \"/tmp/\xc3\"\n", 3, 11, "not valid UTF-8");
	expect_error("moat 1\n[process]\ncwd \"/a/${HOME\"\n", 3, 9, "'${' without a closing '}'");
	expect_error("moat 1\n\x01\n", 2, 1, "unexpected 'control character'");
	/* A NUL byte does not cut a string short: it is refused. */
	memset(&diagnostics, 0, sizeof(diagnostics));
	assert_int_equal(moat_policy_load_string(&policy, "test.policy", nul_policy,
	                                         sizeof(nul_policy) - 1, NULL, &diagnostics.error),
	                 -EINVAL);
	assert_int_equal(diagnostics.error.line, 3);
	assert_non_null(strstr(diagnostics.error.message, "NUL byte"));
}

static void sections_and_statements(void **state)
{
	(void)state;
	expect_error("moat 1\n[sycalls]\nallow read\n", 2, 1, "unknown section [sycalls]");
	expect_error("moat 1\nallow read\n", 2, 1, "outside a section");
	expect_error("moat 1\n[filesystem]\nreed /usr\n", 3, 1,
	             "unknown statement 'reed' in [filesystem]");
	expect_error("moat 1\n[limits]\nnofile\n", 3, 1, "use `nofile COUNT [HARD]`");
	expect_error("moat 1\n[namespaces]\nhostname a b\n", 3, 12, "use `hostname NAME`");
	expect_error("moat 1\n[syscalls] read\n", 2, 12, "after the section header");
}

static void syscall_rule_syntax(void **state)
{
	(void)state;
	expect_error("moat 1\n[syscalls]\nallow\n", 3, 1, "needs at least one syscall");
	expect_error("moat 1\n[syscalls]\npermit read\n", 3, 1, "unknown action 'permit'");
	expect_error("moat 1\n[syscalls]\nerrno\n", 3, 1, "'errno' needs an error name");
	expect_error("moat 1\n[syscalls]\ndefault\n", 3, 1, "'default' needs an action");
	expect_error("moat 1\n[syscalls]\ndefault kill read\n", 3, 14, "after the default action");
	expect_error("moat 1\n[syscalls]\nallow read if\n", 3, 12, "'if' must be followed");
}

static void condition_syntax(void **state)
{
	moat_policy *policy;

	(void)state;
	/* The contract's example, the dangling operator, and operators written without blanks. */
	expect_error("moat 1\n[syscalls]\nallow mmap if arg2 & PROT_EXEC == 0 &&\n", 3, 37,
	             "'&&' must be followed by a comparison");
	expect_error("moat 1\n[syscalls]\nallow read if arg0 == 1 ||\n", 3, 25,
	             "'||' must be followed");
	expect_error("moat 1\n[syscalls]\nallow read if arg6 == 1\n", 3, 15,
	             "expected an argument (arg0 to arg5)");
	expect_error("moat 1\n[syscalls]\nallow read if arg0 1\n", 3, 20, "expected a comparison");
	expect_error("moat 1\n[syscalls]\nallow read if arg0 == \n", 3, 23,
	             "expected a number or a constant name");
	expect_error("moat 1\n[syscalls]\nallow ioctl if arg1 in TCGETS\n", 3, 24,
	             "expected '{' after 'in'");
	expect_error("moat 1\n[syscalls]\nallow ioctl if arg1 in {}\n", 3, 24, "empty set");
	expect_error("moat 1\n[syscalls]\nallow ioctl if arg1 in {TCGETS FIONREAD}\n", 3, 32,
	             "expected ',' or '}'");
	expect_error("moat 1\n[syscalls]\nallow read if arg0 == 1 arg1\n", 3, 25,
	             "expected '&&', '||'");
	policy = expect_valid("moat 1\n[syscalls]\n"
	                      "allow socket if arg0 == AF_UNIX || arg0 == AF_INET && "
	                      "arg1 & 0xf == SOCK_STREAM\n"
	                      "allow ioctl if arg1 in {TCGETS, FIONREAD}\n"
	                      "allow ioctl if arg1 in {TIOCGWINSZ,TIOCSWINSZ,}\n"
	                      "allow read if arg0==0||arg0<=2&&arg1!=0\n"
	                      "errno EACCES openat if arg2 & O_ACCMODE != O_RDONLY\n"
	                      "allow openat if arg2 & O_WRONLY|O_RDWR == 0\n");
	moat_policy_free(policy);
}

static void every_error_of_a_file_is_reported(void **state)
{
	struct test_diagnostics diagnostics;

	(void)state;
	assert_null(test_load("moat 1\n[syscalls]\nallow nosuchcall\n[filesystem]\nfly /usr\n"
	                      "[limits]\nnofile lots\n",
	                      &diagnostics));
	assert_int_equal(diagnostics.errors, 3);
	assert_non_null(strstr(diagnostics.text, "test.policy:3:7: error: unknown syscall"));
	assert_non_null(strstr(diagnostics.text, "test.policy:5:1: error: unknown statement"));
	assert_non_null(strstr(diagnostics.text, "test.policy:7:8: error: 'lots' is not a"));
}

static void diagnostics_as_text(void **state)
{
	struct moat_location chain[] = {{"outer.policy", 2, 1}, {"top.policy", 5, 1}};
	struct moat_diagnostic diagnostic = {
	        MOAT_SEVERITY_WARNING, {"inner.policy", 3, 7}, "repeated rule for read", chain, 2};
	static const char expected[] = "In file included from outer.policy:2:1,\n"
	                               "                 from top.policy:5:1:\n"
	                               "inner.policy:3:7: warning: repeated rule for read\n";
	char text[256], small[16];

	(void)state;
	assert_int_equal(moat_diagnostic_format(&diagnostic, text, sizeof(text)),
	                 (int)strlen(expected));
	assert_string_equal(text, expected);
	/* Cut short like snprintf: still terminated, and the full length returned. */
	assert_int_equal(moat_diagnostic_format(&diagnostic, small, sizeof(small)),
	                 (int)strlen(expected));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	diagnostic.included_from_count = 0;
	diagnostic.location.line = 0;
	diagnostic.severity = MOAT_SEVERITY_ERROR;
	moat_diagnostic_format(&diagnostic, text, sizeof(text));
	assert_string_equal(text, "inner.policy: error: repeated rule for read\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(version_is_required_first),
	        cmocka_unit_test(comments_continuations_and_strings),
	        cmocka_unit_test(what_strings_may_hold),
	        cmocka_unit_test(sections_and_statements),
	        cmocka_unit_test(syscall_rule_syntax),
	        cmocka_unit_test(condition_syntax),
	        cmocka_unit_test(every_error_of_a_file_is_reported),
	        cmocka_unit_test(diagnostics_as_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
