// SPDX-License-Identifier: MIT
/*
 * Filters for another architecture than the one moat runs on: the tables of
 * every architecture, a policy resolved for each (names the architecture
 * lacks are skipped with a warning), the architecture check and the x32
 * check of the filter built for it, and the constants whose values differ.
 * Nothing here needs a kernel feature: it runs under qemu-user too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/mman.h>

#include "moat.h"
#include "policy/constants.h"
#include "policy/groups.h"
#include "policy_support.h"
#include "syscalls/syscalls.h"

#ifndef AUDIT_ARCH_RISCV64
#define AUDIT_ARCH_RISCV64 0xc00000f3U
#endif

static const char *const architectures[] = {"x86_64", "aarch64", "riscv64"};

#define ARCHITECTURE_COUNT (sizeof(architectures) / sizeof(architectures[0]))

static const struct moat_arch *arch_named(const char *name)
{
	const struct moat_arch *arch = moat_arch_find(name);

	assert_non_null(arch);
	return arch;
}

static void test_find_and_native(void **state)
{
	(void)state;
	assert_int_equal(moat_arch_audit(arch_named("x86_64")), AUDIT_ARCH_X86_64);
	assert_int_equal(moat_arch_audit(arch_named("aarch64")), AUDIT_ARCH_AARCH64);
	assert_int_equal(moat_arch_audit(arch_named("riscv64")), AUDIT_ARCH_RISCV64);
	assert_null(moat_arch_find("i386"));
	assert_null(moat_arch_find("arm"));
	assert_null(moat_arch_find(NULL));
	assert_int_equal(moat_arch_audit(moat_arch_native()), moat_native_audit_arch());
#if defined(__x86_64__)
	assert_ptr_equal(moat_arch_native(), arch_named("x86_64"));
#elif defined(__aarch64__)
	assert_ptr_equal(moat_arch_native(), arch_named("aarch64"));
#elif defined(__riscv)
	assert_ptr_equal(moat_arch_native(), arch_named("riscv64"));
#endif
	/* Only x86_64 has a second ABI (x32) that shares its AUDIT_ARCH value. */
	assert_int_equal(moat_arch_foreign_number_bit(arch_named("x86_64")), 0x40000000U);
	assert_int_equal(moat_arch_foreign_number_bit(arch_named("aarch64")), 0);
	assert_int_equal(moat_arch_foreign_number_bit(arch_named("riscv64")), 0);
}

/* Numbers from the kernel's tables, for calls whose numbers differ between them. */
static void test_known_numbers(void **state)
{
	static const struct {
		const char *arch, *name;
		int number;
	} known[] = {
	        {"x86_64", "read", 0},
	        {"x86_64", "open", 2},
	        {"x86_64", "openat", 257},
	        {"x86_64", "arch_prctl", 158},
	        {"aarch64", "io_setup", 0},
	        {"aarch64", "openat", 56},
	        {"aarch64", "read", 63},
	        {"aarch64", "renameat", 38},
	        {"aarch64", "clone3", 435},
	        {"aarch64", "mseal", 462},
	        {"riscv64", "openat", 56},
	        {"riscv64", "riscv_hwprobe", 258},
	        {"riscv64", "riscv_flush_icache", 259},
	        {"riscv64", "listns", 470},
	};
	static const struct {
		const char *arch, *name;
	} absent[] = {
	        {"aarch64", "open"},          {"aarch64", "stat"},
	        {"aarch64", "fork"},          {"aarch64", "arch_prctl"},
	        {"aarch64", "riscv_hwprobe"}, {"riscv64", "open"},
	        {"riscv64", "renameat"},      {"riscv64", "arch_prctl"},
	        {"x86_64", "riscv_hwprobe"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		const struct moat_arch *arch = arch_named(known[i].arch);

		if (moat_arch_syscall_number(arch, known[i].name) != known[i].number)
			fail_msg("%s: %s is %d, expected %d", known[i].arch, known[i].name,
			         moat_arch_syscall_number(arch, known[i].name), known[i].number);
		assert_string_equal(moat_arch_syscall_name(arch, known[i].number), known[i].name);
	}
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		if (moat_arch_syscall_number(arch_named(absent[i].arch), absent[i].name) >= 0)
			fail_msg("%s has no %s", absent[i].arch, absent[i].name);
	}
}

/*
 * Every table enumerates in order and round-trips, and a syscall shared by
 * two architectures has the same argument widths on both: the widths come
 * from one list of prototypes, and all three are LP64.
 */
static void test_tables_consistent(void **state)
{
	const struct moat_arch *x86_64 = arch_named("x86_64");

	(void)state;
	for (size_t a = 0; a < ARCHITECTURE_COUNT; a++) {
		const struct moat_arch *arch = arch_named(architectures[a]);
		int previous = -1, count = 0;

		for (int n = moat_arch_syscall_next(arch, -1); n >= 0;
		     n = moat_arch_syscall_next(arch, n)) {
			const char *name = moat_arch_syscall_name(arch, n);
			int other = moat_arch_syscall_number(x86_64, name);

			assert_true(n > previous);
			assert_int_equal(moat_arch_syscall_number(arch, name), n);
			previous = n;
			count++;
			if (other < 0)
				continue;
			assert_int_equal(moat_arch_argument_count(arch, n),
			                 moat_arch_argument_count(x86_64, other));
			for (unsigned arg = 0; arg < 6; arg++)
				assert_int_equal(moat_arch_argument_bits(arch, n, arg),
				                 moat_arch_argument_bits(x86_64, other, arg));
		}
		assert_true(count > 300);
		assert_true(previous < 512);
	}
}

static const char policy_text[] = "moat 1\n"
                                  "[syscalls]\n"
                                  "default errno EPERM\n"
                                  "allow open read close\n"
                                  "errno EACCES openat if arg2 & O_DIRECTORY != 0\n"
                                  "allow openat\n";

static moat_filter *compile_for(const char *arch, const char *text,
                                struct test_diagnostics *diagnostics)
{
	moat_policy *policy = test_load_arch(text, arch, diagnostics);
	moat_filter *filter = NULL;

	if (!policy)
		fail_msg("%s: %s", arch, diagnostics->text);
	assert_int_equal(moat_filter_compile(&filter, policy, NULL), 0);
	moat_policy_free(policy);
	return filter;
}

static uint32_t run_filter(const moat_filter *filter, uint32_t audit, int number, uint64_t arg2)
{
	struct seccomp_data data = {.nr = number, .arch = audit, .args = {0, 0, arg2}};
	uint32_t value;

	assert_int_equal(moat_filter_run(filter, &data, &value), 0);
	return value;
}

/* `open` on aarch64: a located warning, the rule skipped, the policy loaded. */
static void test_missing_syscall_warns(void **state)
{
	struct test_diagnostics diagnostics;
	moat_filter *filter;

	(void)state;
	filter = compile_for("aarch64", policy_text, &diagnostics);
	assert_int_equal(diagnostics.errors, 0);
	assert_int_equal(diagnostics.warnings, 1);
	assert_non_null(strstr(diagnostics.text, ":4:7: warning: aarch64 has no syscall 'open'"));
	moat_filter_free(filter);
	/* Positive control: x86_64 has open, so nothing is skipped there. */
	filter = compile_for("x86_64", policy_text, &diagnostics);
	assert_int_equal(diagnostics.warnings, 0);
	assert_int_equal(run_filter(filter, AUDIT_ARCH_X86_64, 2, 0), SECCOMP_RET_ALLOW);
	moat_filter_free(filter);
}

/* A name no architecture has stays an error, with a suggestion. */
static void test_unknown_everywhere_is_error(void **state)
{
	struct test_diagnostics diagnostics;

	(void)state;
	assert_null(test_load_arch("moat 1\n[syscalls]\nallow opne\n", "aarch64", &diagnostics));
	assert_int_equal(diagnostics.errors, 1);
	assert_non_null(strstr(diagnostics.text, "unknown syscall 'opne'"));
	assert_null(test_load_arch("moat 1\n[syscalls]\nallow read\n", "sparc", &diagnostics));
	assert_int_equal(diagnostics.error.code, -EINVAL);
}

/*
 * The filter for aarch64 tests aarch64's numbers under AUDIT_ARCH_AARCH64
 * and kills every other architecture, x86_64 and AArch32 included.
 */
static void test_architecture_check(void **state)
{
	struct test_diagnostics diagnostics;
	moat_filter *filter = compile_for("aarch64", policy_text, &diagnostics);
	const uint32_t eperm = SECCOMP_RET_ERRNO | EPERM;

	(void)state;
	/* Positive control: aarch64's own calls get the policy's answers. */
	assert_int_equal(run_filter(filter, AUDIT_ARCH_AARCH64, 63, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(run_filter(filter, AUDIT_ARCH_AARCH64, 56, 0), SECCOMP_RET_ALLOW);
	assert_int_equal(run_filter(filter, AUDIT_ARCH_AARCH64, 0, 0), eperm);
	/* x86_64's read is number 0, which aarch64's filter answers EPERM: only the
	 * architecture check turns it into a kill. */
	assert_int_equal(run_filter(filter, AUDIT_ARCH_X86_64, 0, 0), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_filter(filter, AUDIT_ARCH_ARM, 63, 0), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run_filter(filter, AUDIT_ARCH_RISCV64, 63, 0), SECCOMP_RET_KILL_PROCESS);
	moat_filter_free(filter);
}

/* x32's numbers pass x86_64's architecture check: only x86_64 kills them by number. */
static void test_x32_only_on_x86_64(void **state)
{
	static const char allow_default[] =
	        "moat 1\n[syscalls]\ndefault allow\nkill @default-deny\n";
	struct test_diagnostics diagnostics;
	moat_filter *x86_64 = compile_for("x86_64", allow_default, &diagnostics);
	moat_filter *aarch64 = compile_for("aarch64", allow_default, &diagnostics);

	(void)state;
	assert_int_equal(run_filter(x86_64, AUDIT_ARCH_X86_64, 0x40000000 | 1, 0),
	                 SECCOMP_RET_KILL_PROCESS);
	/* Positive control: the same number without the x32 bit is allowed. */
	assert_int_equal(run_filter(x86_64, AUDIT_ARCH_X86_64, 1, 0), SECCOMP_RET_ALLOW);
	/* aarch64 has no second ABI under its AUDIT_ARCH value: the default decides. */
	assert_int_equal(run_filter(aarch64, AUDIT_ARCH_AARCH64, 0x40000000 | 1, 0),
	                 SECCOMP_RET_ALLOW);
	moat_filter_free(x86_64);
	moat_filter_free(aarch64);
}

/* O_DIRECTORY is 040000 on aarch64 and 0200000 elsewhere: the condition follows. */
static void test_constants_follow_arch(void **state)
{
	struct test_diagnostics diagnostics;
	moat_filter *aarch64 = compile_for("aarch64", policy_text, &diagnostics);
	moat_filter *riscv64 = compile_for("riscv64", policy_text, &diagnostics);
	const uint32_t eacces = SECCOMP_RET_ERRNO | EACCES;

	(void)state;
	assert_int_equal(run_filter(aarch64, AUDIT_ARCH_AARCH64, 56, 040000), eacces);
	assert_int_equal(run_filter(aarch64, AUDIT_ARCH_AARCH64, 56, 0200000), SECCOMP_RET_ALLOW);
	assert_int_equal(run_filter(riscv64, AUDIT_ARCH_RISCV64, 56, 0200000), eacces);
	assert_int_equal(run_filter(riscv64, AUDIT_ARCH_RISCV64, 56, 040000), SECCOMP_RET_ALLOW);
	moat_filter_free(aarch64);
	moat_filter_free(riscv64);
}

/* The native row of every architecture-dependent constant is the headers' value. */
static void test_native_constants_match_headers(void **state)
{
	static const struct {
		const char *name;
		uint64_t value;
	} native[] = {
	        {"O_DIRECTORY", O_DIRECTORY},
	        {"O_NOFOLLOW", O_NOFOLLOW},
	        {"O_DIRECT", O_DIRECT},
	        {"O_TMPFILE", O_TMPFILE},
	};
	uint64_t value;

	(void)state;
	for (size_t i = 0; i < sizeof(native) / sizeof(native[0]); i++) {
		assert_true(moat_constant_value_for(moat_arch_native(), native[i].name, &value));
		assert_int_equal(value, native[i].value);
		assert_true(moat_constant_value(native[i].name, &value));
		assert_int_equal(value, native[i].value);
	}
	assert_true(moat_constant_value_for(arch_named("x86_64"), "MAP_32BIT", &value));
	assert_int_equal(value, 0x40);
	assert_false(moat_constant_value_for(arch_named("aarch64"), "MAP_32BIT", &value));
#ifdef MAP_32BIT
	assert_int_equal(MAP_32BIT, 0x40);
#endif
}

/* A group keeps the members the architecture has; none is an error there. */
static void test_groups_per_arch(void **state)
{
	static const char text[] = "moat 1\n[syscalls]\ndefault kill\nallow @stdio @rpath\n";
	struct test_diagnostics diagnostics;
	moat_filter *riscv64 = compile_for("riscv64", text, &diagnostics);
	moat_filter *x86_64;

	(void)state;
	assert_int_equal(diagnostics.warnings, 0);
	assert_int_equal(run_filter(riscv64, AUDIT_ARCH_RISCV64, 258, 0), SECCOMP_RET_ALLOW);
	moat_filter_free(riscv64);
	x86_64 = compile_for("x86_64", text, &diagnostics);
	assert_int_equal(diagnostics.warnings, 0);
	assert_int_equal(run_filter(x86_64, AUDIT_ARCH_X86_64, 158, 0), SECCOMP_RET_ALLOW);
	/* Positive control: 258 on x86_64 is no riscv_hwprobe and stays killed. */
	assert_int_equal(run_filter(x86_64, AUDIT_ARCH_X86_64, 258, 0), SECCOMP_RET_KILL_PROCESS);
	moat_filter_free(x86_64);
	for (size_t i = 0; i < moat_group_count(); i++) {
		const struct moat_group *group = moat_group_at(i);

		for (size_t a = 0; a < ARCHITECTURE_COUNT; a++) {
			size_t present = 0;

			for (size_t m = 0; m < group->member_count; m++)
				present += moat_arch_syscall_number(arch_named(architectures[a]),
				                                    group->members[m].syscall) >= 0;
			if (present == 0)
				fail_msg("@%s has no member on %s", group->name, architectures[a]);
		}
	}
}

/* moat_policy_load_arch(NULL) is the native architecture; a foreign policy is never applied. */
static void test_foreign_policy_not_applied(void **state)
{
	static const char text[] = "moat 1\n[syscalls]\ndefault allow\n";
	const char *foreign = moat_arch_native() == arch_named("aarch64") ? "x86_64" : "aarch64";
	char *const argv[] = {"true", NULL};
	struct test_diagnostics diagnostics;
	struct moat_error error = {0};
	moat_child *child = NULL;
	moat_policy *policy = test_load_arch(text, foreign, &diagnostics);

	(void)state;
	assert_non_null(policy);
	assert_int_equal(moat_spawn(&child, policy, "/bin/true", argv, NULL, &error), -EINVAL);
	assert_null(child);
	assert_non_null(strstr(error.message, "only a policy for the native architecture"));
	moat_policy_free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_find_and_native),
	        cmocka_unit_test(test_known_numbers),
	        cmocka_unit_test(test_tables_consistent),
	        cmocka_unit_test(test_missing_syscall_warns),
	        cmocka_unit_test(test_unknown_everywhere_is_error),
	        cmocka_unit_test(test_architecture_check),
	        cmocka_unit_test(test_x32_only_on_x86_64),
	        cmocka_unit_test(test_constants_follow_arch),
	        cmocka_unit_test(test_native_constants_match_headers),
	        cmocka_unit_test(test_groups_per_arch),
	        cmocka_unit_test(test_foreign_policy_not_applied),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
