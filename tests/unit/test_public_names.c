// SPDX-License-Identifier: MIT
/*
 * The public functions the `moat` command is built on (moat.h, "Names, the
 * kernel and learning"): architectures, syscall names and numbers,
 * constants, actions as text, the last load layer, the filter for this
 * kernel, the features report and learning. Only moat.h is used here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "moat.h"

static void test_arch_known_lists_native_first(void **state)
{
	const char *first = moat_arch_known(0);
	size_t count = 0;

	(void)state;
	assert_non_null(first);
#if defined(__x86_64__)
	assert_string_equal(first, "x86_64");
#elif defined(__aarch64__)
	assert_string_equal(first, "aarch64");
#endif
	for (; moat_arch_known(count); count++) {
		for (size_t other = 0; other < count; other++)
			assert_string_not_equal(moat_arch_known(count), moat_arch_known(other));
	}
	assert_int_equal(count, 3);
	assert_null(moat_arch_known(3));
}

static void test_syscall_names_and_numbers(void **state)
{
	(void)state;
	assert_int_equal(moat_syscall_from_name("x86_64", "openat"), 257);
	assert_int_equal(moat_syscall_from_name("aarch64", "openat"), 56);
	assert_int_equal(moat_syscall_from_name(NULL, "openat"),
	                 moat_syscall_from_name(moat_arch_known(0), "openat"));
	assert_int_equal(moat_syscall_from_name("aarch64", "open"), -ENOENT);
	assert_int_equal(moat_syscall_from_name("x86_64", "nosuch"), -ENOENT);
	assert_int_equal(moat_syscall_from_name("sparc", "openat"), -EINVAL);
	assert_int_equal(moat_syscall_from_name(NULL, NULL), -EINVAL);

	assert_string_equal(moat_syscall_to_name("x86_64", 257), "openat");
	assert_string_equal(moat_syscall_to_name("riscv64", 56), "openat");
	assert_null(moat_syscall_to_name("x86_64", -1));
	assert_null(moat_syscall_to_name("sparc", 1));
}

/* Every number the iterator visits has a name, in increasing order, and it ends. */
static void test_syscall_after_visits_every_syscall(void **state)
{
	int previous = -1, number, count = 0;

	(void)state;
	while ((number = moat_syscall_after("aarch64", previous)) >= 0) {
		assert_true(number > previous);
		assert_non_null(moat_syscall_to_name("aarch64", number));
		previous = number;
		count++;
	}
	assert_int_equal(number, -ENOENT);
	assert_true(count > 250);
	assert_int_equal(moat_syscall_after("sparc", -1), -EINVAL);
}

static void test_constant_lookup_per_architecture(void **state)
{
	uint64_t x86_64 = 0, aarch64 = 0, value = 0;

	(void)state;
	assert_int_equal(moat_constant_lookup("x86_64", "O_DIRECTORY", &x86_64), 0);
	assert_int_equal(moat_constant_lookup("aarch64", "O_DIRECTORY", &aarch64), 0);
	assert_int_equal(x86_64, 0200000);
	assert_int_equal(aarch64, 040000);
	assert_int_equal(moat_constant_lookup(NULL, "AT_FDCWD", &value), 0);
	assert_int_equal(value, (uint64_t)(int64_t)-100);
	assert_int_equal(moat_constant_lookup(NULL, "O_NOSUCH", &value), -ENOENT);
	assert_int_equal(moat_constant_lookup("sparc", "O_RDONLY", &value), -EINVAL);
	assert_int_equal(moat_constant_lookup(NULL, "O_RDONLY", NULL), -EINVAL);
}

static void test_action_text_round_trip(void **state)
{
	static const char *const texts[] = {"kill", "kill-thread", "trap",         "notify",
	                                    "log",  "allow",       "errno EACCES", "errno 4000"};
	static const char *const refused[] = {"errno", "errno 4096", "errno  EACCES", "errno ENOPE",
	                                      "kil",   "ALLOW",      "allow ",        ""};
	struct moat_action action;
	char buffer[64];

	(void)state;
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		assert_int_equal(moat_action_parse(texts[i], &action), 0);
		assert_int_equal(moat_action_format(&action, buffer, sizeof(buffer)),
		                 (int)strlen(texts[i]));
		assert_string_equal(buffer, texts[i]);
	}
	assert_int_equal(moat_action_parse("errno 13", &action), 0);
	assert_int_equal(action.kind, MOAT_ACTION_ERRNO);
	assert_int_equal(action.errno_value, EACCES);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
		assert_int_equal(moat_action_parse(refused[i], &action), -EINVAL);
	action.kind = (enum moat_action_kind)99;
	assert_int_equal(moat_action_format(&action, buffer, sizeof(buffer)), -EINVAL);
}

/* A policy file with `text`; the caller unlinks `path`. */
static void write_policy(char *path, const char *text)
{
	int fd = mkstemp(path);
	FILE *stream = fd >= 0 ? fdopen(fd, "w") : NULL;

	assert_non_null(stream);
	assert_true(fputs(text, stream) >= 0);
	assert_int_equal(fclose(stream), 0);
}

static int decide_etc(const struct moat_load_options *options, char *path)
{
	const char *paths[] = {path};
	struct moat_decision decision;
	moat_policy *policy = NULL;
	int allowed;

	assert_int_equal(moat_policy_load(&policy, paths, 1, options, NULL), 0);
	assert_int_equal(moat_decide_path(policy, "/etc", "read", &decision, NULL), 0);
	allowed = decision.allowed;
	moat_policy_free(policy);
	return allowed;
}

struct located {
	char file[256];
	unsigned line;
};

static void remember(const struct moat_diagnostic *diagnostic, void *context)
{
	struct located *located = context;

	if (diagnostic->severity == MOAT_SEVERITY_ERROR && !located->line) {
		snprintf(located->file, sizeof(located->file), "%s", diagnostic->location.file);
		located->line = diagnostic->location.line;
	}
}

/* The last layer grants what the files do not; control: without it, or with version 1, not. */
static void test_load_last_layer(void **state)
{
	static const char grant[] = "moat 1\n[filesystem]\nread /etc\n";
	static const char broken[] = "moat 1\n[filesystem]\nfrobnicate /x\n";
	char path[] = "/tmp/moat-names-XXXXXX";
	struct moat_load_options options = MOAT_LOAD_OPTIONS_INIT;
	struct located located = {0};
	moat_policy *policy = NULL;
	const char *paths[] = {path};

	(void)state;
	write_policy(path, "moat 1\n[filesystem]\nread /usr\n");
	assert_false(decide_etc(&options, path));
	options.last_layer_name = "<grants>";
	options.last_layer = grant;
	options.last_layer_length = strlen(grant);
	assert_true(decide_etc(&options, path));
	options.version = 1; /* a caller built before the field: it is not read */
	assert_false(decide_etc(&options, path));

	options.version = MOAT_LOAD_OPTIONS_VERSION;
	options.last_layer = broken;
	options.last_layer_length = strlen(broken);
	options.on_diagnostic = remember;
	options.diagnostic_context = &located;
	assert_int_equal(moat_policy_load(&policy, paths, 1, &options, NULL), -EINVAL);
	assert_string_equal(located.file, "<grants>");
	assert_int_equal(located.line, 3);
	unlink(path);
}

/* Version 1's init clears only what a version-1 struct has. */
static void test_load_options_init_version_1(void **state)
{
	struct moat_load_options options;

	(void)state;
	memset(&options, 0xa5, sizeof(options));
	assert_int_equal(moat_load_options_init(&options, 1), 0);
	assert_int_equal(options.version, 1);
	assert_null(options.policy_path);
	assert_int_equal(((const unsigned char *)&options.last_layer_length)[0], 0xa5);
	assert_int_equal(moat_load_options_init(&options, MOAT_LOAD_OPTIONS_VERSION), 0);
	assert_null(options.last_layer);
	assert_int_equal(options.last_layer_length, 0);
	assert_int_equal(moat_load_options_init(&options, MOAT_LOAD_OPTIONS_VERSION + 1), -EINVAL);
}

static moat_policy *load_text(const char *text)
{
	moat_policy *policy = NULL;

	assert_int_equal(
	        moat_policy_load_string(&policy, "t.policy", text, strlen(text), NULL, NULL), 0);
	return policy;
}

/*
 * As on a kernel of Landlock ABI 2, the filter refuses truncate(2) that no
 * rule grants, by a rule of moat's own; control: moat_filter_compile() and
 * the running kernel's ABI (which has truncate) let the policy's allow
 * decide.
 */
static void test_filter_for_kernel_closes_truncate(void **state)
{
	moat_policy *policy = load_text("moat 1\n[syscalls]\ndefault allow\n"
	                                "[filesystem]\nread /usr\n");
	int truncate_number = moat_syscall_from_name(NULL, "truncate");
	char *features = NULL;
	struct moat_decision decision;
	moat_filter *filter = NULL;

	(void)state;
	assert_int_equal(moat_features_text(&features, 0, NULL), 0);
	if (!strncmp(features, "landlock: not", 13) || !strncmp(features, "landlock: built", 15)) {
		free(features);
		moat_policy_free(policy);
		skip();
	}
	free(features);
	assert_int_equal(moat_filter_compile_for_kernel(&filter, policy, 2, NULL), 0);
	assert_int_equal(moat_decide_syscall(filter, truncate_number, NULL, &decision), 0);
	assert_false(decision.allowed);
	assert_int_equal(decision.action.kind, MOAT_ACTION_ERRNO);
	assert_non_null(strstr(decision.statement, "compat: no Landlock truncate"));
	moat_filter_free(filter);

	assert_int_equal(moat_filter_compile(&filter, policy, NULL), 0);
	assert_int_equal(moat_decide_syscall(filter, truncate_number, NULL, &decision), 0);
	assert_true(decision.allowed);
	moat_filter_free(filter);
	moat_policy_free(policy);
}

static void test_features_text(void **state)
{
	char *text = NULL, *limited = NULL;

	(void)state;
	assert_int_equal(moat_features_text(&text, 0, NULL), 0);
	assert_int_equal(strncmp(text, "landlock: ", 10), 0);
	assert_non_null(strstr(text, "\nseccomp actions:"));
	assert_non_null(strstr(text, "\nnamespaces:"));
	assert_non_null(strstr(text, "\nnetwork egress rules: "));
	assert_int_equal(moat_features_text(&limited, 1, NULL), 0);
	/* ABI 1 lacks truncate: reported as needing ABI 3 where Landlock exists at all. */
	if (strncmp(text, "landlock: abi", 13) == 0) {
		assert_non_null(strstr(limited, "landlock: abi 1"));
		assert_non_null(strstr(limited, "truncate: needs ABI 3"));
	}
	free(text);
	free(limited);
	assert_int_equal(moat_features_text(NULL, 0, NULL), -EINVAL);
}

static void test_learn_writes_a_policy(void **state)
{
	char *argv[] = {"true", NULL}, *text = NULL;
	struct moat_learn_options options = MOAT_LEARN_OPTIONS_INIT;
	struct moat_error error = {0};
	int status = -1;

	(void)state;
	assert_int_equal(moat_learn(&text, "/bin/true", argv, &options, &status, &error), 0);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_int_equal(strncmp(text, "moat 1", 6) == 0 || strstr(text, "\nmoat 1") != NULL, 1);
	assert_non_null(strstr(text, "[syscalls]"));
	assert_non_null(strstr(text, "exit_group"));
	free(text);

	/* A program that cannot start: step "exec", its errno, no text. */
	text = (char *)"unchanged";
	assert_int_equal(moat_learn(&text, "/nonexistent/program", argv, NULL, &status, &error),
	                 -ENOENT);
	assert_string_equal(error.step, "exec");
	assert_null(text);
	options.version = 99;
	assert_int_equal(moat_learn(&text, "/bin/true", argv, &options, &status, NULL), -EINVAL);
	assert_int_equal(moat_learn_options_init(&options, MOAT_LEARN_OPTIONS_VERSION), 0);
	assert_int_equal(moat_learn_options_init(&options, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_arch_known_lists_native_first),
	        cmocka_unit_test(test_syscall_names_and_numbers),
	        cmocka_unit_test(test_syscall_after_visits_every_syscall),
	        cmocka_unit_test(test_constant_lookup_per_architecture),
	        cmocka_unit_test(test_action_text_round_trip),
	        cmocka_unit_test(test_load_last_layer),
	        cmocka_unit_test(test_load_options_init_version_1),
	        cmocka_unit_test(test_filter_for_kernel_closes_truncate),
	        cmocka_unit_test(test_features_text),
	        cmocka_unit_test(test_learn_writes_a_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
