// SPDX-License-Identifier: MIT
/*
 * An OCI or Docker seccomp profile as a moat policy, read as runc reads it
 * (libcontainer/seccomp) for the native architecture, with the entries'
 * `includes`/`excludes` decided as Podman and Docker decide them for a
 * container (containers-common pkg/seccomp):
 *
 *  - an entry applies when the native architecture (Go's name, `amd64`) is
 *    in `includes.arches` (if given) and not in `excludes.arches`, every
 *    capability of `includes.caps` and none of `excludes.caps` is in the
 *    container's set, and the kernel is at least `includes.minKernel` and
 *    below `excludes.minKernel`;
 *  - a name the native architecture lacks but another has is skipped;
 *  - an entry whose action is the default is skipped (libseccomp refuses
 *    it); ERRNO without `errnoRet` is EPERM;
 *  - the comparisons of one entry are ANDed, unless two compare the same
 *    argument: runc then adds each comparison as a rule of its own (ORed).
 *
 * libseccomp then decides a syscall as follows, and so does the policy:
 * the first rule without arguments decides every call, whatever other rules
 * say; else the rules with arguments decide, the default when none matches.
 * Rules with different actions that may overlap are ordered strictest
 * first (libseccomp orders them by the shape of its tree instead), with a
 * warning. The policy is printed by the one policy printer and loaded back
 * before it is returned.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import/json_locate.h"
#include "import/other_syscalls.h"
#include "moat.h"
#include "oci/names.h"
#include "policy/ir.h"
#include "policy/print.h"
#include "syscalls/syscalls.h"
#include "util/arena.h"
#include "util/error.h"
#include "util/options.h"

#define PATH_SIZE  128
#define MAX_NATIVE 1024

/* Docker's default capability set (moby oci/caps/defaults.go), which Podman's default drops. */
static const char docker_capabilities[] =
        "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FSETID,CAP_FOWNER,CAP_MKNOD,CAP_NET_RAW,CAP_SETGID,"
        "CAP_SETUID,CAP_SETFCAP,CAP_SETPCAP,CAP_NET_BIND_SERVICE,CAP_SYS_CHROOT,CAP_KILL,"
        "CAP_AUDIT_WRITE";

/* One rule as runc adds it: an action and a conjunction (no comparisons: none). */
struct imported_rule {
	struct moat_action action;
	struct moat_conjunction conjunction;
	char path[PATH_SIZE]; /* the entry's, for warnings */
	struct imported_rule *next;
};

struct importer {
	const char *text;
	size_t length;
	const char *name;
	const struct moat_oci_import_options *options;
	const char *capabilities; /* comma-separated, with commas at both ends */
	struct moat_error *error;
	struct moat_arena arena;
	struct moat_action default_action;
	struct imported_rule *first[MAX_NATIVE]; /* by syscall number, in profile order */
	struct imported_rule *last[MAX_NATIVE];
	int result;
};

/* ---- diagnostics ----------------------------------------------------- */

static int fail(struct importer *importer, const char *path, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

static int fail(struct importer *importer, const char *path, const char *format, ...)
{
	char message[768];
	va_list arguments;
	struct moat_location location = {importer->name, 0, 0};

	va_start(arguments, format);
	vsnprintf(message, sizeof(message), format, arguments);
	va_end(arguments);
	moat_json_locate(importer->text, importer->length, path, &location.line, &location.column);
	importer->result =
	        moat_error_set_at(importer->error, -EINVAL, &location, "%s (at %s)", message, path);
	return importer->result;
}

static void warn(struct importer *importer, const char *path, const char *format, ...)
        __attribute__((format(printf, 3, 4)));

static void warn(struct importer *importer, const char *path, const char *format, ...)
{
	char message[768];
	size_t used;
	va_list arguments;
	struct moat_diagnostic diagnostic = {.severity = MOAT_SEVERITY_WARNING};

	if (!importer->options->diagnostics)
		return;
	va_start(arguments, format);
	vsnprintf(message, sizeof(message), format, arguments);
	va_end(arguments);
	used = strlen(message);
	snprintf(message + used, sizeof(message) - used, " (at %s)", path);
	diagnostic.location.file = importer->name;
	moat_json_locate(importer->text, importer->length, path, &diagnostic.location.line,
	                 &diagnostic.location.column);
	diagnostic.message = message;
	importer->options->diagnostics(&diagnostic, importer->options->context);
}

/* `parent` with a step appended, in `out` (which may be `parent`), cut to PATH_SIZE. */
static void append_step(char *out, const char *parent, const char *step, size_t index)
{
	size_t used = strnlen(parent, PATH_SIZE - 1);
	int written;

	memmove(out, parent, used);
	written = step ? snprintf(out + used, PATH_SIZE - used, ".%s", step)
	               : snprintf(out + used, PATH_SIZE - used, "[%zu]", index);
	if (written < 0 || (size_t)written >= PATH_SIZE - used)
		out[PATH_SIZE - 1] = '\0';
}

static void child_path(char *out, const char *parent, const char *key)
{
	append_step(out, parent, key, 0);
}

static void element_path(char *out, const char *parent, size_t index)
{
	append_step(out, parent, NULL, index);
}

/* ---- typed members ---------------------------------------------------- */

/* Member `key` of `object` when present and not null; NULL otherwise. */
static json_object *member(json_object *object, const char *key)
{
	json_object *value = NULL;

	json_object_object_get_ex(object, key, &value);
	return value;
}

static int expect(struct importer *importer, json_object *value, json_type type, const char *path,
                  const char *what)
{
	if (json_object_is_type(value, type))
		return 0;
	return fail(importer, path, "expected %s", what);
}

static int read_string(struct importer *importer, json_object *object, const char *key,
                       const char *path, const char **out)
{
	char here[PATH_SIZE];
	json_object *value = member(object, key);

	*out = NULL;
	if (!value)
		return 0;
	child_path(here, path, key);
	if (expect(importer, value, json_type_string, here, "a string"))
		return importer->result;
	*out = json_object_get_string(value);
	return 0;
}

/* An unsigned integer member up to `maximum`; `*out` keeps its value when absent. */
static int read_unsigned(struct importer *importer, json_object *object, const char *key,
                         const char *path, uint64_t maximum, uint64_t *out)
{
	char here[PATH_SIZE];
	json_object *value = member(object, key);

	if (!value)
		return 0;
	child_path(here, path, key);
	if (expect(importer, value, json_type_int, here, "an unsigned integer"))
		return importer->result;
	if (json_object_get_int64(value) < 0 && json_object_get_uint64(value) == 0)
		return fail(importer, here, "expected an unsigned integer, not a negative one");
	*out = json_object_get_uint64(value);
	if (*out > maximum)
		return fail(importer, here, "%llu is out of range (at most %llu)",
		            (unsigned long long)*out, (unsigned long long)maximum);
	return 0;
}

/* Member `key` as an array (NULL when absent or null). */
static int read_array(struct importer *importer, json_object *object, const char *key,
                      const char *path, json_object **out)
{
	char here[PATH_SIZE];

	*out = member(object, key);
	if (!*out)
		return 0;
	child_path(here, path, key);
	return expect(importer, *out, json_type_array, here, "an array");
}

/* ---- actions ---------------------------------------------------------- */

static int read_action(struct importer *importer, json_object *object, const char *path,
                       const char *action_key, const char *errno_key, struct moat_action *out)
{
	char here[PATH_SIZE];
	const char *name;
	uint64_t errno_value = EPERM;
	bool traced;

	child_path(here, path, action_key);
	if (read_string(importer, object, action_key, path, &name))
		return importer->result;
	if (!name)
		return fail(importer, here, "missing %s", action_key);
	if (!moat_oci_action_find(name, &out->kind, &traced))
		return fail(importer, here, "unknown action '%s'", name);
	if (read_unsigned(importer, object, errno_key, path, 4095, &errno_value))
		return importer->result;
	out->errno_value = out->kind == MOAT_ACTION_ERRNO ? (int)errno_value : 0;
	if (traced) {
		out->errno_value = ENOSYS;
		warn(importer, here,
		     "SCMP_ACT_TRACE needs a tracer, which moat does not run: imported as errno "
		     "ENOSYS, the kernel's answer when none is attached");
	}
	if (out->kind == MOAT_ACTION_NOTIFY)
		warn(importer, here,
		     "SCMP_ACT_NOTIFY goes to moat's supervisor, which refuses (EACCES) what no "
		     "[broker] rule grants");
	return 0;
}

static bool same_action(const struct moat_action *a, const struct moat_action *b)
{
	return a->kind == b->kind &&
	       (a->kind != MOAT_ACTION_ERRNO || a->errno_value == b->errno_value);
}

/* ---- includes and excludes ------------------------------------------- */

static bool has_capability(const struct importer *importer, const char *name)
{
	char wanted[64];
	const char *bare = strncasecmp(name, "CAP_", 4) ? name : name + 4;
	const char *at = importer->capabilities;

	snprintf(wanted, sizeof(wanted), ",CAP_%s,", bare);
	for (size_t i = 0; wanted[i]; i++)
		wanted[i] =
		        (char)(wanted[i] >= 'a' && wanted[i] <= 'z' ? wanted[i] - 32 : wanted[i]);
	return strstr(at, wanted) != NULL;
}

/* "5.8" against the kernel release; true when no release was given. */
static bool kernel_at_least(const struct importer *importer, const char *minimum)
{
	unsigned want_major = 0, want_minor = 0, have_major = 0, have_minor = 0;
	const char *release = importer->options->kernel_release;

	if (!release)
		return true;
	sscanf(minimum, "%u.%u", &want_major, &want_minor);
	sscanf(release, "%u.%u", &have_major, &have_minor);
	return have_major > want_major || (have_major == want_major && have_minor >= want_minor);
}

/* Whether `list` (an array of strings) has the native architecture, by Go's or libseccomp's name.
 */
static bool lists_native(json_object *list)
{
	for (size_t i = 0; list && i < json_object_array_length(list); i++) {
		const char *arch = json_object_get_string(json_object_array_get_idx(list, i));

		if (arch && (!strcmp(arch, moat_oci_native_goarch()) ||
		             !strcmp(arch, moat_oci_native_arch())))
			return true;
	}
	return false;
}

struct filter {
	json_object *caps;
	json_object *arches;
	const char *min_kernel;
};

static int read_filter(struct importer *importer, json_object *entry, const char *key,
                       const char *path, struct filter *out)
{
	char here[PATH_SIZE], item[PATH_SIZE];
	json_object *object = member(entry, key);

	*out = (struct filter){0};
	if (!object)
		return 0;
	child_path(here, path, key);
	if (expect(importer, object, json_type_object, here, "an object") ||
	    read_array(importer, object, "caps", here, &out->caps) ||
	    read_array(importer, object, "arches", here, &out->arches) ||
	    read_string(importer, object, "minKernel", here, &out->min_kernel))
		return importer->result;
	for (size_t i = 0; out->caps && i < json_object_array_length(out->caps); i++) {
		child_path(item, here, "caps");
		element_path(item, item, i);
		if (expect(importer, json_object_array_get_idx(out->caps, i), json_type_string,
		           item, "a capability name"))
			return importer->result;
	}
	return 0;
}

static bool included(const struct importer *importer, const struct filter *filter)
{
	if (filter->arches && json_object_array_length(filter->arches) &&
	    !lists_native(filter->arches))
		return false;
	for (size_t i = 0; filter->caps && i < json_object_array_length(filter->caps); i++) {
		if (!has_capability(importer, json_object_get_string(
		                                      json_object_array_get_idx(filter->caps, i))))
			return false;
	}
	return !filter->min_kernel || kernel_at_least(importer, filter->min_kernel);
}

static bool excluded(const struct importer *importer, const struct filter *filter)
{
	if (lists_native(filter->arches))
		return true;
	for (size_t i = 0; filter->caps && i < json_object_array_length(filter->caps); i++) {
		if (has_capability(importer, json_object_get_string(
		                                     json_object_array_get_idx(filter->caps, i))))
			return true;
	}
	return filter->min_kernel && kernel_at_least(importer, filter->min_kernel);
}

/* ---- arguments -------------------------------------------------------- */

static int read_arg(struct importer *importer, json_object *arg, const char *path,
                    struct moat_comparison *out)
{
	char here[PATH_SIZE];
	const char *op_name;
	enum moat_oci_op op;
	uint64_t index = 0, value = 0, value_two = 0;

	if (expect(importer, arg, json_type_object, path, "an object") ||
	    read_unsigned(importer, arg, "index", path, 5, &index) ||
	    read_unsigned(importer, arg, "value", path, UINT64_MAX, &value) ||
	    read_unsigned(importer, arg, "valueTwo", path, UINT64_MAX, &value_two) ||
	    read_string(importer, arg, "op", path, &op_name))
		return importer->result;
	child_path(here, path, "op");
	if (!op_name)
		return fail(importer, here, "missing op");
	if (!moat_oci_op_find(op_name, &op))
		return fail(importer, here, "unknown operator '%s'", op_name);
	*out = (struct moat_comparison){.arg = (unsigned)index, .mask = UINT64_MAX, .value = value};
	switch (op) {
	case MOAT_OCI_MASKED_EQ:
		out->mask = value;
		out->value = value_two & value;
		out->op = MOAT_COMPARE_EQ;
		break;
	case MOAT_OCI_EQ:
		out->op = MOAT_COMPARE_EQ;
		break;
	case MOAT_OCI_NE:
		out->op = MOAT_COMPARE_NE;
		break;
	case MOAT_OCI_LT:
		out->op = MOAT_COMPARE_LT;
		break;
	case MOAT_OCI_LE:
		out->op = MOAT_COMPARE_LE;
		break;
	case MOAT_OCI_GE:
		out->op = MOAT_COMPARE_GE;
		break;
	case MOAT_OCI_GT:
		out->op = MOAT_COMPARE_GT;
		break;
	}
	return 0;
}

/*
 * moat compares an argument as wide as the kernel reads it; a value beyond
 * that width is one libseccomp could match only in bits the kernel ignores.
 */
static int fit_to_width(struct importer *importer, int number, struct moat_comparison *comparison,
                        const char *path)
{
	unsigned bits = moat_syscall_argument_bits(number, comparison->arg);
	uint64_t width = bits >= 64 ? UINT64_MAX : (1ULL << bits) - 1;

	if (comparison->value & ~width & comparison->mask)
		return fail(importer, path,
		            "value 0x%llx is wider than argument %u of %s, which the kernel reads "
		            "as %u bits",
		            (unsigned long long)comparison->value, comparison->arg,
		            moat_syscall_name(number), bits);
	if ((comparison->mask & width) == width)
		comparison->mask = UINT64_MAX; /* `&` all the bits read says nothing */
	else
		comparison->mask &= width;
	return 0;
}

/* ---- syscall entries -------------------------------------------------- */

static struct imported_rule *new_rule(struct importer *importer, int number,
                                      const struct moat_action *action, const char *path)
{
	struct imported_rule *rule = moat_arena_alloc(&importer->arena, sizeof(*rule));

	if (!rule) {
		importer->result = moat_error_set(importer->error, -ENOMEM, "out of memory");
		return NULL;
	}
	rule->action = *action;
	snprintf(rule->path, sizeof(rule->path), "%s", path);
	if (importer->last[number])
		importer->last[number]->next = rule;
	else
		importer->first[number] = rule;
	importer->last[number] = rule;
	return rule;
}

static bool repeats_an_argument(const struct moat_comparison *comparisons, size_t count)
{
	for (size_t i = 0; i < count; i++) {
		for (size_t j = 0; j < i; j++) {
			if (comparisons[i].arg == comparisons[j].arg)
				return true;
		}
	}
	return false;
}

/* Adds the rules of one entry for syscall `number`, as runc adds them. */
static int add_rules(struct importer *importer, int number, const struct moat_action *action,
                     const struct moat_comparison *parsed, size_t count, const char *path)
{
	struct moat_comparison *comparisons;
	bool split = repeats_an_argument(parsed, count);
	char here[PATH_SIZE];

	comparisons =
	        moat_arena_copy(&importer->arena, parsed, (count ? count : 1) * sizeof(*parsed));
	if (!comparisons)
		return moat_error_set(importer->error, -ENOMEM, "out of memory");
	for (size_t i = 0; i < count; i++) {
		child_path(here, path, "args");
		element_path(here, here, i);
		if (fit_to_width(importer, number, &comparisons[i], here))
			return importer->result;
	}
	for (size_t i = 0; i < (split ? count : 1); i++) {
		struct imported_rule *rule = new_rule(importer, number, action, path);

		if (!rule)
			return importer->result;
		rule->conjunction.comparisons = split ? &comparisons[i] : comparisons;
		rule->conjunction.count = split ? 1 : count;
	}
	return 0;
}

/* The native number of the name at `path`; -1 for a name of another architecture. */
static int resolve_name(struct importer *importer, json_object *item, const char *path, int *number)
{
	const char *name = json_object_get_string(item);

	if (expect(importer, item, json_type_string, path, "a syscall name"))
		return importer->result;
	*number = moat_syscall_number(name);
	if (*number < 0 && !moat_import_syscall_exists_elsewhere(name))
		return fail(importer, path, "unknown syscall '%s'", name);
	return 0;
}

/* The syscall numbers of `names` (or of Docker's older `name`). */
static int read_names(struct importer *importer, json_object *entry, const char *path, int *numbers,
                      size_t *count)
{
	char here[PATH_SIZE];
	json_object *names = member(entry, "names"), *single = member(entry, "name");

	*count = 0;
	if (!names && single) {
		child_path(here, path, "name");
		*count = 1;
		return resolve_name(importer, single, here, &numbers[0]);
	}
	child_path(here, path, "names");
	if (!names)
		return fail(importer, path, "a syscall entry needs `names`");
	if (expect(importer, names, json_type_array, here, "an array of syscall names"))
		return importer->result;
	if (json_object_array_length(names) > MAX_NATIVE)
		return fail(importer, here, "more than %d names", MAX_NATIVE);
	for (size_t i = 0; i < json_object_array_length(names); i++) {
		char item[PATH_SIZE];

		element_path(item, here, i);
		if (resolve_name(importer, json_object_array_get_idx(names, i), item,
		                 &numbers[(*count)++]))
			return importer->result;
	}
	return 0;
}

static int read_entry(struct importer *importer, json_object *entry, const char *path)
{
	char here[PATH_SIZE];
	struct moat_action action;
	struct moat_comparison comparisons[16];
	struct filter includes, excludes;
	json_object *args;
	int numbers[MAX_NATIVE];
	size_t name_count, arg_count;

	if (expect(importer, entry, json_type_object, path, "a syscall entry (an object)") ||
	    read_names(importer, entry, path, numbers, &name_count) ||
	    read_action(importer, entry, path, "action", "errnoRet", &action) ||
	    read_array(importer, entry, "args", path, &args) ||
	    read_filter(importer, entry, "includes", path, &includes) ||
	    read_filter(importer, entry, "excludes", path, &excludes))
		return importer->result;
	arg_count = args ? json_object_array_length(args) : 0;
	child_path(here, path, "args");
	if (arg_count > sizeof(comparisons) / sizeof(comparisons[0]))
		return fail(importer, here, "more than %zu comparisons",
		            sizeof(comparisons) / sizeof(comparisons[0]));
	for (size_t i = 0; i < arg_count; i++) {
		char item[PATH_SIZE];

		element_path(item, here, i);
		if (read_arg(importer, json_object_array_get_idx(args, i), item, &comparisons[i]))
			return importer->result;
	}
	if (!included(importer, &includes) || excluded(importer, &excludes) ||
	    same_action(&action, &importer->default_action))
		return 0;
	for (size_t i = 0; i < name_count; i++) {
		if (numbers[i] >= 0 && numbers[i] < MAX_NATIVE &&
		    add_rules(importer, numbers[i], &action, comparisons, arg_count, path))
			return importer->result;
	}
	return 0;
}

/* ---- the profile ------------------------------------------------------ */

/* A config.json's linux.seccomp, or the profile itself. */
static json_object *find_profile(json_object *root, char *path)
{
	json_object *linux_object = member(root, "linux");
	json_object *seccomp = linux_object ? member(linux_object, "seccomp") : NULL;

	if (seccomp) {
		snprintf(path, PATH_SIZE, "$.linux.seccomp");
		return seccomp;
	}
	snprintf(path, PATH_SIZE, "$");
	return root;
}

/* The architectures besides the native one that the profile lets run. */
static void check_architectures(struct importer *importer, json_object *profile, const char *path)
{
	char here[PATH_SIZE];
	json_object *arches = member(profile, "architectures"), *map = member(profile, "archMap");
	size_t others = 0;

	for (size_t i = 0; arches && json_object_is_type(arches, json_type_array) &&
	                   i < json_object_array_length(arches);
	     i++) {
		const char *arch = json_object_get_string(json_object_array_get_idx(arches, i));

		others += arch && strcmp(arch, moat_oci_native_arch()) != 0;
	}
	for (size_t i = 0;
	     map && json_object_is_type(map, json_type_array) && i < json_object_array_length(map);
	     i++) {
		json_object *item = json_object_array_get_idx(map, i);
		json_object *arch = member(item, "architecture");
		json_object *subs = member(item, "subArchitectures");

		if (arch && !strcmp(json_object_get_string(arch), moat_oci_native_arch()) && subs &&
		    json_object_is_type(subs, json_type_array))
			others += json_object_array_length(subs);
	}
	child_path(here, path, arches ? "architectures" : "archMap");
	if (others)
		warn(importer, here,
		     "moat filters calls of the native architecture (%s) only and kills those of "
		     "the %zu other architectures this profile lets run",
		     moat_oci_native_arch(), others);
}

static int read_profile(struct importer *importer, json_object *root)
{
	char path[PATH_SIZE], here[PATH_SIZE];
	json_object *profile = find_profile(root, path), *syscalls;

	if (expect(importer, profile, json_type_object, path, "a seccomp profile (an object)") ||
	    read_action(importer, profile, path, "defaultAction", "defaultErrnoRet",
	                &importer->default_action) ||
	    read_array(importer, profile, "syscalls", path, &syscalls))
		return importer->result;
	check_architectures(importer, profile, path);
	child_path(here, path, "syscalls");
	for (size_t i = 0; syscalls && i < json_object_array_length(syscalls); i++) {
		char item[PATH_SIZE];

		element_path(item, here, i);
		if (read_entry(importer, json_object_array_get_idx(syscalls, i), item))
			return importer->result;
	}
	return 0;
}

static int parse(struct importer *importer, json_object **root)
{
	struct json_tokener *tokener = json_tokener_new();
	enum json_tokener_error status;
	size_t end;
	unsigned line, column;
	struct moat_location location = {importer->name, 0, 0};

	if (!tokener)
		return moat_error_set(importer->error, -ENOMEM, "out of memory");
	json_tokener_set_flags(tokener, JSON_TOKENER_STRICT);
	*root = json_tokener_parse_ex(tokener, importer->text, (int)importer->length);
	status = json_tokener_get_error(tokener);
	end = json_tokener_get_parse_end(tokener);
	json_tokener_free(tokener);
	while (*root && end < importer->length && strchr(" \t\r\n", importer->text[end]))
		end++;
	if (*root && end == importer->length)
		return 0;
	moat_json_position(importer->text, end, &line, &column);
	location.line = line;
	location.column = column;
	json_object_put(*root);
	*root = NULL;
	return moat_error_set_at(importer->error, -EINVAL, &location, "malformed JSON: %s (at $)",
	                         status == json_tokener_continue ? "the text ends inside a value"
	                         : status == json_tokener_success
	                                 ? "text after the profile"
	                                 : json_tokener_error_desc(status));
}

/* ---- the policy ------------------------------------------------------- */

static bool overlap_possible(const struct moat_conjunction *a, const struct moat_conjunction *b)
{
	for (size_t i = 0; i < a->count; i++) {
		for (size_t j = 0; j < b->count; j++) {
			const struct moat_comparison *x = &a->comparisons[i],
			                             *y = &b->comparisons[j];

			if (x->arg != y->arg)
				continue;
			if (x->op == MOAT_COMPARE_EQ && y->op == MOAT_COMPARE_EQ &&
			    ((x->value ^ y->value) & x->mask & y->mask))
				return false;
			if (x->mask == y->mask && x->value == y->value &&
			    ((x->op == MOAT_COMPARE_EQ && y->op == MOAT_COMPARE_NE) ||
			     (x->op == MOAT_COMPARE_NE && y->op == MOAT_COMPARE_EQ)))
				return false;
		}
	}
	return true;
}

static bool same_conjunction(const struct moat_conjunction *a, const struct moat_conjunction *b)
{
	if (a->count != b->count)
		return false;
	for (size_t i = 0; i < a->count; i++) {
		const struct moat_comparison *x = &a->comparisons[i], *y = &b->comparisons[i];

		if (x->arg != y->arg || x->op != y->op || x->mask != y->mask ||
		    x->value != y->value)
			return false;
	}
	return true;
}

static bool has_conjunction(const struct moat_condition *condition,
                            const struct moat_conjunction *conjunction)
{
	for (size_t i = 0; condition && i < condition->count; i++) {
		if (same_conjunction(&condition->conjunctions[i], conjunction))
			return true;
	}
	return false;
}

/* Strictest first; errno values in ascending order. */
static bool before(const struct moat_action *a, const struct moat_action *b)
{
	if (a->kind != b->kind)
		return a->kind < b->kind;
	return a->errno_value < b->errno_value;
}

/* The first rule without arguments, warning about the rules it overrides. */
static const struct imported_rule *
find_unconditional(struct importer *importer, const struct imported_rule *rules, const char *name)
{
	const struct imported_rule *decider = NULL;

	for (const struct imported_rule *rule = rules; rule; rule = rule->next) {
		if (!decider && rule->conjunction.count == 0)
			decider = rule;
	}
	for (const struct imported_rule *rule = rules; decider && rule; rule = rule->next) {
		if (!same_action(&rule->action, &decider->action))
			warn(importer, rule->path,
			     "libseccomp lets the rule for %s without arguments at %s decide every "
			     "call: this one never applies",
			     name, decider->path);
	}
	return decider;
}

static void warn_overlaps(struct importer *importer, const struct imported_rule *rules,
                          const char *name)
{
	for (const struct imported_rule *rule = rules; rule; rule = rule->next) {
		for (const struct imported_rule *earlier = rules; earlier != rule;
		     earlier = earlier->next) {
			if (same_action(&rule->action, &earlier->action) ||
			    !overlap_possible(&rule->conjunction, &earlier->conjunction))
				continue;
			warn(importer, rule->path,
			     "this rule for %s may overlap the one at %s, which has another "
			     "action: "
			     "moat gives the overlap to the stricter",
			     name, earlier->path);
			return;
		}
	}
}

/* One moat rule per action, strictest first, its condition the OR of that action's rules. */
static int build_conditionals(struct importer *importer, struct moat_syscall_rules *out,
                              const struct imported_rule *rules)
{
	struct moat_syscall_rule *built;
	size_t count = 0, total = 0;

	for (const struct imported_rule *rule = rules; rule; rule = rule->next)
		total++;
	built = moat_arena_array(&importer->arena, total, sizeof(*built));
	if (!built)
		return moat_error_set(importer->error, -ENOMEM, "out of memory");
	for (const struct imported_rule *rule = rules; rule; rule = rule->next) {
		size_t at = 0;

		while (at < count && !same_action(&built[at].action, &rule->action))
			at++;
		if (at == count) {
			while (at > 0 && before(&rule->action, &built[at - 1].action)) {
				built[at] = built[at - 1];
				at--;
			}
			built[at] = (struct moat_syscall_rule){.action = rule->action};
			count++;
		}
		struct moat_condition *condition = (struct moat_condition *)built[at].condition;
		size_t n = condition ? condition->count : 0;
		struct moat_conjunction *conjunctions;

		if (has_conjunction(condition, &rule->conjunction))
			continue; /* runc adds it again; libseccomp merges it */
		conjunctions = moat_arena_array(&importer->arena, n + 1, sizeof(*conjunctions));
		if (!condition)
			condition = moat_arena_alloc(&importer->arena, sizeof(*condition));
		if (!conjunctions || !condition)
			return moat_error_set(importer->error, -ENOMEM, "out of memory");
		if (n)
			memcpy(conjunctions, condition->conjunctions, n * sizeof(*conjunctions));
		conjunctions[n] = rule->conjunction;
		condition->conjunctions = conjunctions;
		condition->count = n + 1;
		built[at].condition = condition;
	}
	out->conditional = built;
	out->conditional_count = count;
	return 0;
}

static int build_syscall(struct importer *importer, int number, struct moat_syscall_rules *out)
{
	const struct imported_rule *rules = importer->first[number], *decider;
	struct moat_syscall_rule *unconditional;

	*out = (struct moat_syscall_rules){.number = number, .name = moat_syscall_name(number)};
	decider = find_unconditional(importer, rules, out->name);
	if (!decider) {
		warn_overlaps(importer, rules, out->name);
		return build_conditionals(importer, out, rules);
	}
	unconditional = moat_arena_alloc(&importer->arena, sizeof(*unconditional));
	if (!unconditional)
		return moat_error_set(importer->error, -ENOMEM, "out of memory");
	unconditional->action = decider->action;
	out->unconditional = unconditional;
	return 0;
}

/*
 * moat answers clone3 with ENOSYS unless a rule names it; libseccomp gives
 * it the default. The default is written out when the two differ.
 */
static int add_clone3_default(struct importer *importer)
{
	int number = moat_syscall_number("clone3");
	struct imported_rule *rule;

	if (number < 0 || number >= MAX_NATIVE || importer->first[number] ||
	    same_action(&importer->default_action,
	                &(struct moat_action){MOAT_ACTION_ERRNO, ENOSYS}))
		return 0;
	rule = new_rule(importer, number, &importer->default_action, "$.defaultAction");
	return rule ? 0 : importer->result;
}

static int build_section(struct importer *importer, struct moat_syscalls_section *section)
{
	struct moat_syscall_rules *syscalls;
	size_t count = 0;

	if (add_clone3_default(importer))
		return importer->result;
	for (int number = 0; number < MAX_NATIVE; number++)
		count += importer->first[number] != NULL;
	syscalls = moat_arena_array(&importer->arena, count ? count : 1, sizeof(*syscalls));
	if (!syscalls)
		return moat_error_set(importer->error, -ENOMEM, "out of memory");
	*section = (struct moat_syscalls_section){
	        .present = true, .default_action = importer->default_action, .syscalls = syscalls};
	for (int number = 0; number < MAX_NATIVE; number++) {
		if (importer->first[number] &&
		    build_syscall(importer, number, &syscalls[section->count++]))
			return importer->result;
	}
	return 0;
}

static int print_policy(struct importer *importer, const struct moat_syscalls_section *section,
                        char **policy_text)
{
	char source[300], capabilities[600];
	const char *comments[] = {source, capabilities};
	size_t size;
	FILE *out = open_memstream(policy_text, &size);
	struct moat_print_document document = {
	        .header_comments = comments, .header_comment_count = 2, .syscalls = section};
	int result;

	if (!out)
		return moat_error_set(importer->error, -ENOMEM, "out of memory");
	snprintf(source, sizeof(source), "Imported from the seccomp profile %s by moat import.",
	         importer->name);
	snprintf(capabilities, sizeof(capabilities), "Entries decided for the capabilities: %s.",
	         importer->options->capabilities ? importer->options->capabilities
	                                         : "Docker's default set");
	result = moat_policy_print(out, &document);
	if (fclose(out) || result) {
		free(*policy_text);
		*policy_text = NULL;
		return moat_error_set(importer->error, -ENOMEM, "out of memory writing the policy");
	}
	return 0;
}

/* The printed policy must load: a failure here is moat's own mistake, reported as such. */
static int check_policy(struct importer *importer, char **policy_text)
{
	moat_policy *policy = NULL;
	struct moat_error error = {0};
	int result = moat_policy_load_string(&policy, importer->name, *policy_text,
	                                     strlen(*policy_text), NULL, &error);

	moat_policy_free(policy);
	if (!result)
		return 0;
	free(*policy_text);
	*policy_text = NULL;
	return moat_error_set(importer->error, result,
	                      "moat import wrote a policy that does not load (line %u: %s)",
	                      error.line, error.message);
}

static char *normalized_capabilities(const char *list)
{
	size_t length = strlen(list);
	char *out = malloc(length + 3);

	if (!out)
		return NULL;
	snprintf(out, length + 3, ",%s,", list);
	for (char *c = out; *c; c++)
		*c = (char)(*c >= 'a' && *c <= 'z' ? *c - 32 : *c);
	return out;
}

int moat_policy_import_oci(const char *json, size_t length, const char *name,
                           const struct moat_oci_import_options *options, char **policy_text,
                           struct moat_error *error)
{
	static const struct moat_oci_import_options defaults = MOAT_OCI_IMPORT_OPTIONS_INIT;
	struct importer *importer;
	struct moat_syscalls_section section;
	json_object *root = NULL;
	int result = moat_options_check_version(options, options ? options->version : 0,
	                                        MOAT_OCI_IMPORT_OPTIONS_VERSION,
	                                        "struct moat_oci_import_options", error);

	*policy_text = NULL;
	if (result < 0)
		return result;
	importer = calloc(1, sizeof(*importer));
	if (!importer)
		return moat_error_set(error, -ENOMEM, "out of memory");
	*importer = (struct importer){.text = json,
	                              .length = length,
	                              .name = name ? name : "profile",
	                              .options = options ? options : &defaults,
	                              .error = error};
	importer->capabilities = normalized_capabilities(importer->options->capabilities
	                                                         ? importer->options->capabilities
	                                                         : docker_capabilities);
	result = importer->capabilities ? parse(importer, &root)
	                                : moat_error_set(error, -ENOMEM, "out of memory");
	if (!result)
		result = read_profile(importer, root);
	if (!result)
		result = build_section(importer, &section);
	if (!result)
		result = print_policy(importer, &section, policy_text);
	if (!result)
		result = check_policy(importer, policy_text);
	json_object_put(root);
	moat_arena_release(&importer->arena);
	free((char *)importer->capabilities);
	free(importer);
	return result;
}
