// SPDX-License-Identifier: MIT
/*
 * OCI and Docker seccomp profiles (docs/oci.md).
 *
 * Import is proved against runc's reading: the default profile of Podman
 * and CRI-O (/usr/share/containers/seccomp.json, Debian's
 * golang-github-containers-common) is imported, and the policy's filter
 * must decide every native syscall, over a set of argument values, as the
 * filter libseccomp builds from the same JSON through a runc-like reader
 * (tests/support/oci_reference.c), both run in moat's BPF interpreter. The
 * positive control imports for another capability set and must differ.
 *
 * Export is proved safe: for every shipped policy, libseccomp's filter of
 * the exported profile is never more permissive than the policy's own, call
 * by call; the positive control is a naive translation of a policy (a rule
 * without arguments beside one with) that the same check catches. Exact
 * policies export exactly, and export -> import -> export is stable.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <glob.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "moat.h"
#include "oci_reference.h"
#include "policy/ir.h"
#include "seccomp/action.h"
#include "seccomp/interpreter.h"
#include "syscalls/syscalls.h"

#define PODMAN_PROFILE "/usr/share/containers/seccomp.json"
#define HIGHEST_NUMBER 520 /* past the last x86_64 syscall: unknown numbers get the default */
#define MAX_VALUES     64

static const char all_capabilities[] =
        "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_DAC_READ_SEARCH,CAP_FOWNER,CAP_FSETID,CAP_KILL,"
        "CAP_SETGID,CAP_SETUID,CAP_SETPCAP,CAP_LINUX_IMMUTABLE,CAP_NET_BIND_SERVICE,"
        "CAP_NET_BROADCAST,CAP_NET_ADMIN,CAP_NET_RAW,CAP_IPC_LOCK,CAP_IPC_OWNER,"
        "CAP_SYS_MODULE,CAP_SYS_RAWIO,CAP_SYS_CHROOT,CAP_SYS_PTRACE,CAP_SYS_PACCT,"
        "CAP_SYS_ADMIN,CAP_SYS_BOOT,CAP_SYS_NICE,CAP_SYS_RESOURCE,CAP_SYS_TIME,"
        "CAP_SYS_TTY_CONFIG,CAP_MKNOD,CAP_LEASE,CAP_AUDIT_WRITE,CAP_AUDIT_CONTROL,"
        "CAP_SETFCAP,CAP_MAC_OVERRIDE,CAP_MAC_ADMIN,CAP_SYSLOG,CAP_WAKE_ALARM,"
        "CAP_BLOCK_SUSPEND,CAP_AUDIT_READ,CAP_PERFMON,CAP_BPF,CAP_CHECKPOINT_RESTORE";

/* ---- helpers ------------------------------------------------------------ */

struct diagnostics {
	size_t warnings;
	unsigned last_line;
	char text[16384];
};

static void collect(const struct moat_diagnostic *diagnostic, void *context)
{
	struct diagnostics *diagnostics = context;
	size_t used = strlen(diagnostics->text);

	diagnostics->warnings += diagnostic->severity == MOAT_SEVERITY_WARNING;
	diagnostics->last_line = diagnostic->location.line;
	moat_diagnostic_format(diagnostic, diagnostics->text + used,
	                       sizeof(diagnostics->text) - used);
}

static char *read_text(const char *path)
{
	FILE *file = fopen(path, "r");
	char *text = NULL;
	size_t size = 0;

	if (!file)
		return NULL;
	if (getdelim(&text, &size, '\0', file) < 0) {
		free(text);
		text = NULL;
	}
	fclose(file);
	return text;
}

static char *import_json(const char *json, const char *capabilities, struct diagnostics *seen)
{
	struct moat_oci_import_options options = {.version = MOAT_OCI_IMPORT_OPTIONS_VERSION,
	                                          .capabilities = capabilities,
	                                          .diagnostics = seen ? collect : NULL,
	                                          .context = seen};
	struct moat_error error = {0};
	char *policy = NULL;
	int rc = moat_policy_import_oci(json, strlen(json), "profile.json", &options, &policy,
	                                &error);

	if (rc < 0)
		fail_msg("import failed: %s:%u:%u: %s", error.file, error.line, error.column,
		         error.message);
	return policy;
}

static moat_policy *load_text(const char *text)
{
	moat_policy *policy = NULL;
	struct moat_error error = {0};

	if (moat_policy_load_string(&policy, "imported.policy", text, strlen(text), NULL, &error) <
	    0)
		fail_msg("the policy does not load: line %u: %s\n%s", error.line, error.message,
		         text);
	return policy;
}

static moat_filter *compile_policy(const moat_policy *policy)
{
	moat_filter *filter = NULL;
	struct moat_error error = {0};

	if (moat_filter_compile(&filter, policy, &error) < 0)
		fail_msg("the policy does not compile: %s", error.message);
	return filter;
}

static char *export_policy(const moat_policy *policy, enum moat_oci_format format,
                           struct diagnostics *seen)
{
	char *json = NULL;
	struct moat_error error = {0};

	if (moat_policy_export_oci(policy, format, &json, seen ? collect : NULL, seen, &error) < 0)
		fail_msg("export failed: %s", error.message);
	return json;
}

struct reference {
	struct sock_filter *program;
	size_t length;
};

static struct reference reference_of(const char *json, const char *capabilities)
{
	struct reference reference;
	char why[256];

	reference.program =
	        oci_reference_compile(json, capabilities, &reference.length, why, sizeof(why));
	if (!reference.program)
		fail_msg("the reference reader refused the profile: %s", why);
	return reference;
}

static struct moat_action reference_action(const struct reference *reference, int number,
                                           const uint64_t args[6])
{
	struct seccomp_data data = {.nr = number, .arch = moat_native_audit_arch()};
	struct moat_action action;
	uint32_t value;

	memcpy(data.args, args, sizeof(data.args));
	assert_int_equal(moat_bpf_run(reference->program, reference->length, &data, &value, NULL),
	                 0);
	moat_seccomp_decode(value, &action);
	return action;
}

static struct moat_action moat_action_of(const moat_filter *filter, int number,
                                         const uint64_t args[6])
{
	struct moat_action action = {0};

	assert_int_equal(moat_filter_eval(filter, number, args, &action), 0);
	return action;
}

static bool same_action(struct moat_action a, struct moat_action b)
{
	return a.kind == b.kind && (a.kind != MOAT_ACTION_ERRNO || a.errno_value == b.errno_value);
}

/* The argument values compared: edges, and every value the rules name. */
struct values {
	uint64_t items[MAX_VALUES];
	size_t count;
};

static void add_value(struct values *values, uint64_t value)
{
	for (size_t i = 0; i < values->count; i++) {
		if (values->items[i] == value)
			return;
	}
	if (values->count < MAX_VALUES)
		values->items[values->count++] = value;
}

static struct values base_values(void)
{
	static const uint64_t edges[] = {
	        0,      1,      2,          3,          8,          9,           10,
	        16,     40,     0x40,       0x200,      0x20000,    0x20008,     0x410000,
	        0x5401, 0x5412, 0x10000000, 0x7e020000, 0xffffffff, 0x100000000, UINT64_MAX,
	};
	struct values values = {.count = 0};

	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++)
		add_value(&values, edges[i]);
	return values;
}

/* Every value and valueTwo of the profile's comparisons. */
static void add_profile_values(struct values *values, const char *json)
{
	for (const char *at = json; (at = strstr(at, "\"value")); at++) {
		const char *colon = strchr(at, ':');

		if (colon)
			add_value(values, strtoull(colon + 1, NULL, 10));
	}
}

/* Every value of the policy's comparisons. */
static void add_policy_values(struct values *values, const moat_policy *policy)
{
	const struct moat_syscalls_section *section = &policy->syscalls;

	for (size_t i = 0; i < section->count; i++) {
		for (size_t j = 0; j < section->syscalls[i].conditional_count; j++) {
			const struct moat_condition *condition =
			        section->syscalls[i].conditional[j].condition;

			for (size_t k = 0; k < condition->count; k++) {
				for (size_t c = 0; c < condition->conjunctions[k].count; c++) {
					const struct moat_comparison *comparison =
					        &condition->conjunctions[k].comparisons[c];

					add_value(values, comparison->value);
					add_value(values, comparison->value ^ comparison->mask);
					for (size_t s = 0; s < comparison->set_count; s++)
						add_value(values, comparison->set[s]);
				}
			}
		}
	}
}

/* Values as wide as the kernel reads the argument: the upper half of an int is not compared. */
static void fit_args(int number, uint64_t args[6])
{
	for (unsigned arg = 0; arg < 6; arg++) {
		unsigned bits = moat_syscall_argument_bits(number, arg);

		if (bits < 64)
			args[arg] &= (1ULL << bits) - 1;
	}
}

struct sweep {
	size_t calls;
	size_t different;    /* the actions differ */
	size_t more_lenient; /* the reference's action is less strict than moat's */
	size_t unnamed;      /* differ on a syscall the installed libseccomp cannot name */
};

/*
 * A syscall newer than the installed libseccomp (mseal for 2.5.4): runc
 * skips its name, so the default decides it there. Stricter, not equal.
 */
static bool unknown_to_libseccomp(int number)
{
	char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, number);

	free(name);
	return name == NULL && moat_syscall_name(number) != NULL;
}

static void compare_call(const moat_filter *filter, const struct reference *reference, int number,
                         uint64_t args[6], struct sweep *sweep)
{
	struct moat_action ours, theirs;

	fit_args(number, args);
	ours = moat_action_of(filter, number, args);
	theirs = reference_action(reference, number, args);
	sweep->calls++;
	if (same_action(ours, theirs))
		return;
	sweep->more_lenient += theirs.kind > ours.kind;
	if (unknown_to_libseccomp(number)) {
		sweep->unnamed++;
		return;
	}
	if (sweep->different++ < 5)
		print_message("differ: syscall %d (%s) args %#llx %#llx %#llx: moat %s %d, "
		              "libseccomp %s %d\n",
		              number, moat_syscall_name(number) ? moat_syscall_name(number) : "?",
		              (unsigned long long)args[0], (unsigned long long)args[1],
		              (unsigned long long)args[2], moat_seccomp_action_keyword(ours.kind),
		              ours.errno_value, moat_seccomp_action_keyword(theirs.kind),
		              theirs.errno_value);
}

/* Every syscall number, each with every pair of values in the pattern a b b a b a. */
static struct sweep sweep_pairs(const moat_filter *filter, const struct reference *reference,
                                const struct values *values)
{
	struct sweep sweep = {0};

	for (int number = 0; number <= HIGHEST_NUMBER; number++) {
		for (size_t a = 0; a < values->count; a++) {
			for (size_t b = 0; b < values->count; b++) {
				uint64_t x = values->items[a], y = values->items[b];
				uint64_t args[6] = {x, y, y, x, y, x};

				compare_call(filter, reference, number, args, &sweep);
			}
		}
	}
	return sweep;
}

/*
 * The syscalls the policy names, each value in each argument alone and in
 * all six; every other number once.
 */
static struct sweep sweep_policy(const moat_policy *policy, const moat_filter *filter,
                                 const struct reference *reference, const struct values *values)
{
	struct sweep sweep = {0};

	for (int number = 0; number <= HIGHEST_NUMBER; number++) {
		uint64_t zero[6] = {0};

		compare_call(filter, reference, number, zero, &sweep);
		if (!moat_policy_find_syscall(policy, number))
			continue;
		for (size_t v = 0; v < values->count; v++) {
			uint64_t x = values->items[v], all[6] = {x, x, x, x, x, x};

			compare_call(filter, reference, number, all, &sweep);
			for (unsigned arg = 0; arg < 6; arg++) {
				uint64_t one[6] = {0};

				one[arg] = x;
				compare_call(filter, reference, number, one, &sweep);
			}
		}
	}
	return sweep;
}

static char *podman_profile(void)
{
	char *json = read_text(PODMAN_PROFILE);

	if (!json) {
		print_message("SKIP: %s is missing: install golang-github-containers-common "
		              "(scripts/install-deps.sh)\n",
		              PODMAN_PROFILE);
		skip();
	}
	return json;
}

/* The default profile imported for `capabilities`, against libseccomp reading it for
 * `reference_caps`. */
static struct sweep podman_sweep(const char *json, const char *capabilities,
                                 const char *reference_caps)
{
	char *text = import_json(json, capabilities, NULL);
	moat_policy *policy = load_text(text);
	moat_filter *filter = compile_policy(policy);
	struct reference reference = reference_of(json, reference_caps);
	struct values values = base_values();
	struct sweep sweep;

	add_profile_values(&values, json);
	sweep = sweep_pairs(filter, &reference, &values);
	free(reference.program);
	moat_filter_free(filter);
	moat_policy_free(policy);
	free(text);
	return sweep;
}

/* ---- import --------------------------------------------------------------- */

static void test_podman_profile_decides_as_libseccomp(void **state)
{
	const char *capability_sets[] = {NULL, "", all_capabilities};
	char *json = podman_profile();

	(void)state;
	for (size_t i = 0; i < sizeof(capability_sets) / sizeof(capability_sets[0]); i++) {
		struct sweep sweep = podman_sweep(json, capability_sets[i], capability_sets[i]);

		print_message("capabilities %s: %zu calls compared, %zu differ\n",
		              capability_sets[i] ? (*capability_sets[i] ? "all" : "none")
		                                 : "Docker's default",
		              sweep.calls, sweep.different);
		assert_true(sweep.calls > 100000);
		assert_int_equal(sweep.different, 0);
	}
	free(json);
}

/* Positive control: the same sweep sees the difference capabilities make. */
static void test_sweep_sees_a_different_profile(void **state)
{
	char *json = podman_profile();
	struct sweep sweep = podman_sweep(json, "", NULL);

	(void)state;
	print_message("no capabilities against Docker's default: %zu of %zu calls differ\n",
	              sweep.different, sweep.calls);
	assert_true(sweep.different > 0);
	free(json);
}

static void test_podman_profile_round_trip_is_stable(void **state)
{
	char *json = podman_profile();
	enum moat_oci_format formats[] = {MOAT_OCI_FORMAT_OCI, MOAT_OCI_FORMAT_DOCKER};

	(void)state;
	for (size_t f = 0; f < 2; f++) {
		char *text = import_json(json, NULL, NULL);
		moat_policy *policy = load_text(text);
		char *first = export_policy(policy, formats[f], NULL);
		char *again = import_json(first, NULL, NULL);
		moat_policy *reloaded = load_text(again);
		char *second = export_policy(reloaded, formats[f], NULL);

		assert_string_equal(first, second);
		free(second);
		moat_policy_free(reloaded);
		free(again);
		free(first);
		moat_policy_free(policy);
		free(text);
	}
	free(json);
}

/*
 * Without CAP_AUDIT_WRITE the profile refuses audit netlink sockets with
 * `socket` rules on arg2 (an int). libseccomp compares all 64 bits, so a
 * protocol of 9 with a bit set in the upper half passes its `arg2 != 9`
 * rule while the kernel reads 9 (the control). moat reads 32 bits: refused.
 */
static void test_upper_half_cannot_pass_an_imported_rule(void **state)
{
	char *json = podman_profile();
	char *text = import_json(json, "", NULL);
	moat_policy *policy = load_text(text);
	moat_filter *filter = compile_policy(policy);
	struct reference reference = reference_of(json, "");
	uint64_t plain[6] = {16 /* AF_NETLINK */, 3 /* SOCK_RAW */, 9 /* NETLINK_AUDIT */};
	uint64_t upper[6] = {16, 3, 0x100000009};
	int socket_number = moat_syscall_number("socket");

	(void)state;
	assert_int_equal(reference_action(&reference, socket_number, plain).kind,
	                 MOAT_ACTION_ERRNO);
	assert_int_equal(reference_action(&reference, socket_number, upper).kind,
	                 MOAT_ACTION_ALLOW);
	assert_true(same_action(moat_action_of(filter, socket_number, plain),
	                        (struct moat_action){MOAT_ACTION_ERRNO, EINVAL}));
	assert_true(same_action(moat_action_of(filter, socket_number, upper),
	                        (struct moat_action){MOAT_ACTION_ERRNO, EINVAL}));
	free(reference.program);
	moat_filter_free(filter);
	moat_policy_free(policy);
	free(text);
	free(json);
}

/* The rules runc makes of comparisons, capabilities, architectures and actions. */
static void test_import_reads_as_runc(void **state)
{
	static const char json[] =
	        "{\"defaultAction\": \"SCMP_ACT_ERRNO\",\n"
	        " \"architectures\": [\"SCMP_ARCH_X86_64\"],\n"
	        " \"syscalls\": [\n"
	        "  {\"names\": [\"read\", \"write\", \"arm_fadvise64_64\"], \"action\": "
	        "\"SCMP_ACT_ALLOW\"},\n"
	        "  {\"names\": [\"openat\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [\n"
	        "     {\"index\": 2, \"value\": 3, \"valueTwo\": 0, \"op\": "
	        "\"SCMP_CMP_MASKED_EQ\"}]},\n"
	        "  {\"names\": [\"kill\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [\n"
	        "     {\"index\": 1, \"value\": 9, \"op\": \"SCMP_CMP_NE\"},\n"
	        "     {\"index\": 1, \"value\": 19, \"op\": \"SCMP_CMP_NE\"}]},\n"
	        "  {\"names\": [\"lseek\"], \"action\": \"SCMP_ACT_KILL\", \"args\": [\n"
	        "     {\"index\": 2, \"value\": 4, \"op\": \"SCMP_CMP_GE\"},\n"
	        "     {\"index\": 0, \"value\": 100, \"op\": \"SCMP_CMP_GT\"}]},\n"
	        "  {\"names\": [\"chroot\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	        "   \"includes\": {\"caps\": [\"CAP_SYS_CHROOT\"]}},\n"
	        "  {\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	        "   \"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}},\n"
	        "  {\"names\": [\"iopl\"], \"action\": \"SCMP_ACT_ALLOW\",\n"
	        "   \"includes\": {\"arches\": [\"s390x\"]}},\n"
	        "  {\"names\": [\"getpid\"], \"action\": \"SCMP_ACT_TRAP\",\n"
	        "   \"excludes\": {\"arches\": [\"ppc64le\"]}},\n"
	        "  {\"names\": [\"uname\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13},\n"
	        "  {\"names\": [\"getuid\"], \"action\": \"SCMP_ACT_LOG\"}\n"
	        " ]}\n";
	char *text = import_json(json, NULL, NULL);
	moat_policy *policy = load_text(text);
	moat_filter *filter = compile_policy(policy);
	struct reference reference = reference_of(json, NULL);
	struct values values = base_values();
	struct sweep sweep;

	(void)state;
	add_value(&values, 19);
	add_value(&values, 100);
	add_value(&values, 101);
	sweep = sweep_pairs(filter, &reference, &values);
	assert_int_equal(sweep.different, 0);
	/* What the sweep compared, spelt out: */
	assert_non_null(strstr(text, "allow openat if arg2 & 0x3 == 0"));
	assert_non_null(strstr(text, "allow kill if arg1 != 9 || arg1 != 0x13"));
	assert_non_null(strstr(text, "kill-thread lseek if arg2 >= 4 && arg0 > 0x64"));
	assert_non_null(strstr(text, " chroot"));
	assert_null(strstr(text, "mount"));
	assert_null(strstr(text, "iopl"));
	assert_non_null(strstr(text, "trap getpid"));
	assert_non_null(strstr(text, "errno EACCES uname"));
	assert_non_null(strstr(text, "log getuid"));
	free(reference.program);
	moat_filter_free(filter);
	moat_policy_free(policy);
	free(text);
}

/* A bad profile: an error at its place, with the JSON path, and no policy. */
static void expect_import_error(const char *json, unsigned line, const char *message)
{
	struct moat_error error = {0};
	char *policy = (char *)"untouched";
	int rc = moat_policy_import_oci(json, strlen(json), "bad.json", NULL, &policy, &error);

	assert_int_equal(rc, -EINVAL);
	assert_null(policy);
	assert_string_equal(error.file, "bad.json");
	if (!strstr(error.message, message))
		fail_msg("expected '%s' in '%s'", message, error.message);
	assert_int_equal(error.line, line);
	assert_true(error.column > 0);
}

static void test_import_errors_are_located(void **state)
{
	(void)state;
	expect_import_error(
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [\n  {\"names\": "
	        "[\"read\"] \"action\": 1}]}",
	        3, "malformed JSON");
	expect_import_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [\n  {", 3,
	                    "malformed JSON: the text ends inside a value");
	expect_import_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [\n"
	                    "  {\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\"},\n"
	                    "  {\"names\": [\"write\"], \"action\": \"SCMP_ACT_ERRNO\",\n"
	                    "   \"args\": [{\"index\": 0, \"value\": 1,\n"
	                    "             \"op\": \"SCMP_CMP_ALMOST\"}]}]}",
	                    6, "unknown operator 'SCMP_CMP_ALMOST' (at $.syscalls[1].args[0].op)");
	expect_import_error(
	        "{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [\n"
	        "  {\"names\": [\"read\",\n \"raed\"], \"action\": \"SCMP_ACT_KILL\"}]}",
	        4, "unknown syscall 'raed' (at $.syscalls[0].names[1])");
	expect_import_error("{\"defaultAction\": \"SCMP_ACT_MAYBE\"}", 1,
	                    "unknown action 'SCMP_ACT_MAYBE' (at $.defaultAction)");
	expect_import_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [\n"
	                    "  {\"names\": [\"read\"], \"action\": \"SCMP_ACT_KILL\",\n"
	                    "   \"args\": [{\"index\": 7, \"op\": \"SCMP_CMP_EQ\"}]}]}",
	                    4, "7 is out of range (at most 5) (at $.syscalls[0].args[0].index)");
	expect_import_error("{\"defaultAction\": \"SCMP_ACT_ALLOW\",\n \"syscalls\": [\n"
	                    "  {\"names\": [\"close\"], \"action\": \"SCMP_ACT_KILL\",\n"
	                    "   \"args\": [{\"index\": 0, \"value\": 4294967296, \"op\": "
	                    "\"SCMP_CMP_EQ\"}]}]}",
	                    4, "wider than argument 0 of close");
}

/* ---- export --------------------------------------------------------------- */

/* Every shipped policy: libseccomp's reading of its profile is never more permissive. */
static void test_shipped_policies_export_safely(void **state)
{
	const char *source = getenv("MOAT_SOURCE_DIR");
	char pattern[4096];
	glob_t found;
	size_t exact = 0;

	(void)state;
	if (!source) {
		print_message("SKIP: MOAT_SOURCE_DIR is unset: run the test through ctest\n");
		skip();
	}
	snprintf(pattern, sizeof(pattern), "%s/policies/*.policy", source);
	assert_int_equal(glob(pattern, 0, NULL, &found), 0);
	assert_true(found.gl_pathc > 20);
	for (size_t i = 0; i < found.gl_pathc; i++) {
		const char *path = found.gl_pathv[i];
		moat_policy *policy = NULL;
		struct moat_error error = {0};
		struct diagnostics seen = {0};
		moat_filter *filter;
		struct reference reference;
		struct values values = base_values();
		struct sweep sweep;
		char *json;

		assert_int_equal(moat_policy_load(&policy, &path, 1, NULL, &error), 0);
		filter = compile_policy(policy);
		json = export_policy(policy, MOAT_OCI_FORMAT_OCI, &seen);
		reference = reference_of(json, NULL);
		add_policy_values(&values, policy);
		sweep = sweep_policy(policy, filter, &reference, &values);
		print_message("%s: %zu warnings, %zu calls, %zu differ (%zu more on syscalls "
		              "libseccomp cannot name), %zu more lenient\n",
		              strrchr(path, '/') + 1, seen.warnings, sweep.calls, sweep.different,
		              sweep.unnamed, sweep.more_lenient);
		assert_int_equal(sweep.more_lenient, 0);
		exact += sweep.different == 0;
		/* Without a warning the profile decides exactly as the policy. */
		if (seen.warnings == 0)
			assert_int_equal(sweep.different, 0);
		free(reference.program);
		free(json);
		moat_filter_free(filter);
		moat_policy_free(policy);
	}
	print_message("%zu of %zu shipped policies export exactly\n", exact, found.gl_pathc);
	globfree(&found);
}

/* A first-match chain OCI cannot hold: a rule without arguments beside one with. */
static const char chain_policy[] = "moat 1\n"
                                   "[syscalls]\n"
                                   "default kill\n"
                                   "allow read write close exit_group\n"
                                   "errno EACCES openat if arg2 & O_ACCMODE != O_RDONLY\n"
                                   "allow openat\n";

/* Positive control: writing that chain as it stands lets libseccomp allow O_WRONLY. */
static void test_naive_export_is_caught(void **state)
{
	static const char naive[] =
	        "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"syscalls\": [\n"
	        " {\"names\": [\"read\", \"write\", \"close\", \"exit_group\", \"openat\"], "
	        "\"action\": \"SCMP_ACT_ALLOW\"},\n"
	        " {\"names\": [\"openat\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 13, "
	        "\"args\": [\n"
	        "   {\"index\": 2, \"value\": 3, \"valueTwo\": 1, \"op\": "
	        "\"SCMP_CMP_MASKED_EQ\"}]}]}";
	struct diagnostics seen = {0};
	moat_policy *policy = load_text(chain_policy);
	moat_filter *filter = compile_policy(policy);
	struct reference wrong = reference_of(naive, NULL), right;
	struct values values = base_values();
	struct sweep sweep = sweep_policy(policy, filter, &wrong, &values);
	char *json;

	(void)state;
	assert_true(sweep.more_lenient > 0);
	json = export_policy(policy, MOAT_OCI_FORMAT_OCI, &seen);
	right = reference_of(json, NULL);
	sweep = sweep_policy(policy, filter, &right, &values);
	assert_int_equal(sweep.more_lenient, 0);
	assert_int_equal(seen.warnings, 1);
	assert_int_equal(seen.last_line, 6);
	assert_non_null(strstr(seen.text, "imported.policy:6:7: warning: OCI cannot give openat"));
	free(json);
	free(right.program);
	free(wrong.program);
	moat_filter_free(filter);
	moat_policy_free(policy);
}

/* Rules OCI can hold are written exactly, with no warning; notify is refused with one. */
static void test_export_is_exact_where_oci_can_be(void **state)
{
	static const char text[] =
	        "moat 1\n"
	        "[syscalls]\n"
	        "default errno EPERM\n"
	        "allow read write close exit_group\n"
	        "allow socket if arg0 in {AF_UNIX, AF_INET} && arg1 & 0xf == SOCK_STREAM\n"
	        "allow openat if arg2 & O_ACCMODE != O_WRONLY && arg2 & O_CREAT == 0\n"
	        "kill ptrace\n"
	        "trap mmap if arg2 & PROT_EXEC == PROT_EXEC\n"
	        "allow mmap\n"
	        "log uname\n"
	        "notify connect\n";
	struct diagnostics seen = {0};
	moat_policy *policy = load_text(text);
	moat_filter *filter = compile_policy(policy);
	char *json = export_policy(policy, MOAT_OCI_FORMAT_DOCKER, &seen);
	struct reference reference = reference_of(json, NULL);
	struct values values = base_values();
	struct sweep sweep;

	(void)state;
	add_policy_values(&values, policy);
	sweep = sweep_policy(policy, filter, &reference, &values);
	/* mmap's chain and notify are the two things OCI cannot say. */
	assert_int_equal(seen.warnings, 2);
	assert_non_null(strstr(seen.text, "imported.policy:9:7: warning: OCI cannot give mmap"));
	assert_non_null(strstr(seen.text, "imported.policy:11:8: warning: notify needs"));
	assert_int_equal(sweep.more_lenient, 0);
	assert_non_null(strstr(json, "\"archMap\""));
	assert_non_null(strstr(json, "SCMP_CMP_MASKED_EQ"));
	free(reference.program);
	free(json);
	moat_filter_free(filter);
	moat_policy_free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_podman_profile_decides_as_libseccomp),
	        cmocka_unit_test(test_sweep_sees_a_different_profile),
	        cmocka_unit_test(test_podman_profile_round_trip_is_stable),
	        cmocka_unit_test(test_upper_half_cannot_pass_an_imported_rule),
	        cmocka_unit_test(test_import_reads_as_runc),
	        cmocka_unit_test(test_import_errors_are_located),
	        cmocka_unit_test(test_shipped_policies_export_safely),
	        cmocka_unit_test(test_naive_export_is_caught),
	        cmocka_unit_test(test_export_is_exact_where_oci_can_be),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
