/* SPDX-License-Identifier: MIT */
/*
 * moat: put a Linux program into a sandbox described by a policy file.
 *
 * Conventions that hold for every function below:
 *  - A function returns 0 on success or a negative errno value on failure.
 *  - Functions that take a `struct moat_error *` fill it on failure when the
 *    pointer is not NULL: the errno, the place in a policy file when there is
 *    one, and a message a person can read.
 *  - The library never prints, never exits and keeps no global mutable state.
 *  - Threads: a loaded `moat_policy` and a compiled `moat_filter` are never
 *    changed after they are made, so any number of threads may use one at
 *    once through the functions that take it `const` (compile, spawn,
 *    enter, decide, eval, listing); freeing it must wait for all of them.
 *    A `moat_supervisor` may be given sandboxes (moat_supervisor_add(),
 *    moat_spawn()) from any thread while its own thread serves; every other
 *    call on it, and every call on a `moat_child`, from one thread at a
 *    time, except moat_child_refusal_count() and moat_child_refusal(),
 *    which any thread may call at any time. moat_enter() changes the whole
 *    process: call it before starting threads (docs/api.md "Threading").
 *  - Handles are opaque and freed by their own `_free` function, which
 *    accepts NULL.
 *
 * The full reference is docs/api.md and the man pages in docs/man/.
 */
#ifndef MOAT_H
#define MOAT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(MOAT_BUILDING_LIBRARY)
#define MOAT_API __attribute__((visibility("default")))
#else
#define MOAT_API
#endif

/*
 * The _INIT macros of the versioned options structs: the version set, every
 * other field zero (designated, so that -Wextra sees no missing field).
 */
/* clang-format off */
#if defined(__cplusplus)
#define MOAT_OPTIONS_INIT_(options_version) {options_version}
#else
#define MOAT_OPTIONS_INIT_(options_version) {.version = (options_version)}
#endif
/* clang-format on */

/* A result that must not be ignored: a sandbox that failed to apply is no sandbox. */
#if defined(__GNUC__) || defined(__clang__)
#define MOAT_MUST_CHECK __attribute__((warn_unused_result))
#else
#define MOAT_MUST_CHECK
#endif

#define MOAT_VERSION_MAJOR  0
#define MOAT_VERSION_MINOR  1
#define MOAT_VERSION_PATCH  0
#define MOAT_VERSION_STRING "0.1.0"

/*
 * The version of the library that is running, "MAJOR.MINOR.PATCH".
 * Errors: none (it reports no error).
 */
MOAT_API const char *moat_version(void);

/*
 * What went wrong. `file` is empty and `line`/`column` are 0 when the error
 * has no place in a policy file.
 *
 * How it grows without a new soname: its size never changes. New fields
 * take their room from `reserved`, at the end, and the library clears the
 * whole struct before it fills one, so a field this library does not know
 * (or one a newer header added) reads as zero.
 */
struct moat_error {
	int code; /* the negative errno the function returned */
	unsigned line;
	unsigned column;
	char file[1024];
	char message[1024];
	/*
	 * moat_spawn(): the set-up step that failed inside the new process
	 * ("namespaces", "landlock", "seccomp", ...; docs/sandbox.md), "exec"
	 * when the program itself could not be executed; empty otherwise.
	 */
	char step[32];
	unsigned char reserved[256]; /* room for later fields; zero */
};

/* ---------------------------------------------------------------------------
 * Policies
 */

/*
 * What a seccomp filter does with a system call, most restrictive first (the
 * order in which the kernel ranks the actions of stacked filters).
 */
enum moat_action_kind {
	MOAT_ACTION_KILL_PROCESS,
	MOAT_ACTION_KILL_THREAD,
	MOAT_ACTION_TRAP,
	MOAT_ACTION_ERRNO,
	MOAT_ACTION_NOTIFY,
	MOAT_ACTION_LOG,
	MOAT_ACTION_ALLOW,
};

struct moat_action {
	enum moat_action_kind kind;
	int errno_value; /* for MOAT_ACTION_ERRNO, 0..4095 */
};

/* A policy that was read, checked and resolved; see docs/policy-language.md. */
typedef struct moat_policy moat_policy;

enum moat_severity {
	MOAT_SEVERITY_ERROR,
	MOAT_SEVERITY_WARNING,
	MOAT_SEVERITY_NOTE,
};

/* A place in a policy file. Lines and columns count from 1. */
struct moat_location {
	const char *file;
	unsigned line;
	unsigned column;
};

/*
 * One diagnostic, as a compiler would print it:
 *
 *   In file included from main.policy:2:1:
 *   base.policy:4:7: error: unknown group '@nonesuch'
 *
 * `included_from` lists the include statements that led to `location`,
 * innermost first. The pointers are valid only during the callback.
 */
struct moat_diagnostic {
	enum moat_severity severity;
	struct moat_location location;
	const char *message;
	const struct moat_location *included_from;
	size_t included_from_count;
};

typedef void moat_diagnostic_fn(const struct moat_diagnostic *diagnostic, void *context);

/*
 * Writes `diagnostic` into `buffer` as compilers print them, one line per
 * include that led there, then `FILE:LINE:COL: error: MESSAGE` (or just
 * `FILE:` when it has no line), each line ending in a newline. Returns the
 * length of the whole text, as snprintf(3) does: a result of `size` or more
 * means it was cut short.
 *
 * Errors: none (it reports no error).
 */
MOAT_API int moat_diagnostic_format(const struct moat_diagnostic *diagnostic, char *buffer,
                                    size_t size);

/*
 * How to load a policy. Initialise with MOAT_LOAD_OPTIONS_INIT or
 * moat_load_options_init() (or pass NULL) for the defaults.
 */
struct moat_load_options {
	unsigned int version; /* MOAT_LOAD_OPTIONS_VERSION, as the _INIT macro sets it */
	/*
	 * Directories searched by `include NAME`, colon-separated, before the
	 * installed policies directory. NULL means the MOAT_POLICY_PATH
	 * environment variable.
	 */
	const char *policy_path;
	/*
	 * "NAME=VALUE" strings that `${NAME}` expands from, ending in NULL.
	 * NULL means the environment of the calling process.
	 */
	const char *const *environment;
	/* Called for every error, warning and note, in the order found. */
	moat_diagnostic_fn *on_diagnostic;
	void *diagnostic_context;
};

/* clang-format off */
#define MOAT_LOAD_OPTIONS_VERSION 1
#define MOAT_LOAD_OPTIONS_INIT    MOAT_OPTIONS_INIT_(MOAT_LOAD_OPTIONS_VERSION)
/* clang-format on */

/*
 * Sets `*options` to the defaults of options version `version` (pass
 * MOAT_LOAD_OPTIONS_VERSION). Returns 0, or -EINVAL for a version this
 * library does not know.
 *
 * Errors: -EINVAL options is NULL or version unknown.
 */
MOAT_API int moat_load_options_init(struct moat_load_options *options,
                                    unsigned int version) MOAT_MUST_CHECK;

/*
 * Reads the policy files in `paths` (merged in order, as if one file
 * included them all), checks them whole and resolves them. An entry with no
 * `/` and no `.policy` ending that is not a file in the working directory
 * is a policy name, found as `include NAME` finds it. On success
 * `*policy` owns the result. On failure nothing is returned and `error`
 * holds the first error; every diagnostic also went to `on_diagnostic`.
 * Returns -EINVAL for a policy with errors, or the errno of a file that
 * could not be read.
 *
 * Errors: -EINVAL no path, a policy with errors, or an unknown options
 *  version; -ENOENT a file or included policy is missing; -EACCES a file
 *  cannot be read; -ELOOP a path is refused by the safe opener (a symbolic
 *  link where none may be); -ENOMEM out of memory; the errno of a file that
 *  cannot be read (open(2), read(2)).
 */
MOAT_API int moat_policy_load(moat_policy **policy, const char *const *paths, size_t path_count,
                              const struct moat_load_options *options,
                              struct moat_error *error) MOAT_MUST_CHECK;

/*
 * Like moat_policy_load() for a policy held in memory. `name` is the file
 * name used in diagnostics, and the directory that quoted includes are
 * relative to.
 *
 * Errors: -EINVAL no text, a policy with errors, or an unknown options
 *  version; -ENOENT an included policy is missing; -ENOMEM out of memory.
 */
MOAT_API int moat_policy_load_string(moat_policy **policy, const char *name, const char *text,
                                     size_t length, const struct moat_load_options *options,
                                     struct moat_error *error) MOAT_MUST_CHECK;

/*
 * Like moat_policy_load(), for the architecture named `arch` ("x86_64",
 * "aarch64", "riscv64"; NULL: the native one) instead of the native one: the
 * policy's syscall names resolve to that architecture's numbers, and a filter
 * compiled from it (moat_filter_compile()) checks that architecture's
 * AUDIT_ARCH value. A syscall or group member that architecture lacks (open
 * on aarch64) is skipped; naming one explicitly is a warning, not an error.
 * Such a policy can be compiled, evaluated and listed, but moat_spawn() and
 * moat_enter() refuse it unless `arch` is the native architecture. Returns
 * -EINVAL for an unknown architecture, otherwise as moat_policy_load().
 */
MOAT_API int moat_policy_load_arch(moat_policy **policy, const char *arch, const char *const *paths,
                                   size_t path_count, const struct moat_load_options *options,
                                   struct moat_error *error) MOAT_MUST_CHECK;

/*
 * Errors: none (it reports no error).
 */
MOAT_API void moat_policy_free(moat_policy *policy);

/*
 * The number of warnings found while loading; they do not stop a policy.
 * Errors: none (it reports no error).
 */
MOAT_API size_t moat_policy_warning_count(const moat_policy *policy);

/*
 * 1 when the policy routes syscalls to a supervisor (a `notify` rule or
 * default), so that moat_spawn() needs one; 0 otherwise.
 *
 * Errors: none (it reports no error).
 */
MOAT_API int moat_policy_needs_supervisor(const moat_policy *policy);

/* ---------------------------------------------------------------------------
 * Seccomp filters
 */

/*
 * The [syscalls] section of a policy compiled to a seccomp-BPF program for
 * the native architecture (docs/seccomp.md). A filter does not refer to the
 * policy it came from: the policy may be freed first.
 */
typedef struct moat_filter moat_filter;

/*
 * Compiles the [syscalls] section of `policy`. A policy without that section
 * gives an empty filter (length 0) that allows everything. Fails with
 * -EINVAL or -E2BIG and a located `error` when a rule cannot be encoded (a
 * value wider than the argument the kernel reads, more than the kernel's
 * 4096 instructions), -ENOMEM when out of memory.
 *
 * Errors: -EINVAL a rule that cannot be encoded (located); -E2BIG more than
 *  the kernel's 4096 instructions; -ENOMEM out of memory.
 */
MOAT_API int moat_filter_compile(moat_filter **filter, const moat_policy *policy,
                                 struct moat_error *error) MOAT_MUST_CHECK;

/*
 * Errors: none (it reports no error).
 */
MOAT_API void moat_filter_free(moat_filter *filter);

/*
 * The number of instructions; 0 for a policy without [syscalls].
 * Errors: none (it reports no error).
 */
MOAT_API size_t moat_filter_length(const moat_filter *filter);

/*
 * The program: moat_filter_length() `struct sock_filter`s, native endian.
 * Errors: none (it reports no error).
 */
MOAT_API const void *moat_filter_instructions(const moat_filter *filter);

/*
 * Sets `*text` to a readable listing of the program (labels, syscall names,
 * symbolic actions), to be released with free(). Returns 0 or -ENOMEM.
 *
 * Errors: -ENOMEM out of memory.
 */
MOAT_API int moat_filter_listing(const moat_filter *filter, char **text);

/*
 * The action the filter takes for syscall `syscall_number` of the filter's
 * architecture (the native one unless the policy was loaded with
 * moat_policy_load_arch()) called with `args` (NULL: all zero), computed by running the
 * program in a userspace BPF interpreter. Returns 0, or -EINVAL when the
 * program is not one the interpreter accepts (as the kernel would refuse
 * it); `action` is then left as it was.
 *
 * Errors: -EINVAL the interpreter refuses the program.
 */
MOAT_API int moat_filter_eval(const moat_filter *filter, int syscall_number, const uint64_t args[6],
                              struct moat_action *action);

/*
 * Runs the program over `seccomp_data`, a `struct seccomp_data` from
 * <linux/seccomp.h> (any architecture, instruction pointer, arguments), and
 * stores the SECCOMP_RET_* value it returns. Returns 0, or -EINVAL as
 * moat_filter_eval() does.
 *
 * Errors: -EINVAL the interpreter refuses the program.
 */
MOAT_API int moat_filter_run(const moat_filter *filter, const void *seccomp_data,
                             uint32_t *return_value);

/* seccomp-public-api: end */

/* ---------------------------------------------------------------------------
 * Decisions: what a policy decides for one syscall, path access or port, and
 * which statement decided, computed from the policy and its compiled filter
 * without running anything (docs/authoring.md). For unit tests of policies.
 */

/*
 * The outcome and the statement that decided it. `location` and
 * `statement` point into the filter or policy that was asked and stay valid
 * as long as it lives. `location.line` is 0 when no statement of a file
 * decided: one of moat's own rules (the architecture check, clone3's
 * ENOSYS), or a section the policy lacks; `statement` then says which.
 */
struct moat_decision {
	int allowed;               /* 1 when the call or access goes through */
	struct moat_action action; /* syscalls: the filter's action; else ALLOW or ERRNO EACCES */
	struct moat_location location; /* the deciding statement's start */
	const char *statement;         /* its text as written (`default kill`) */
};

/*
 * What `filter` does with syscall `syscall_number` of the native
 * architecture called with `args` (NULL: all zero), as moat_filter_eval()
 * computes it, and which statement decided: the rule whose condition
 * matched, the syscall's rule without a condition, the `default`, or one of
 * moat's own rules. `allowed` is 1 for `allow` and `log`. Returns 0.
 *
 * Errors: -EINVAL the interpreter refuses the program.
 */
MOAT_API int moat_decide_syscall(const moat_filter *filter, int syscall_number,
                                 const uint64_t args[6], struct moat_decision *decision);

/*
 * Whether the policy's [filesystem] section lets a sandboxed program use
 * `path` with the Landlock rights in `access`: `read`, `write`, `exec` or
 * right names (`read-file`, `ioctl-dev`, ...), comma-separated. Rules and
 * `path` are compared after resolving symbolic links on this machine; a rule
 * covers `path` when `path` is the rule's path or below it. On a path that
 * is not a directory (or does not exist yet) only the rights Landlock knows
 * for files count. Rights the running kernel's Landlock cannot restrict are
 * granted (under `compat best-effort`; under `compat strict` a kernel
 * without Landlock decides as the policy is written). Allowed: the most
 * specific rule that granted a right decided; denied: the [filesystem]
 * header. A policy without [filesystem] allows. Returns 0, or -EINVAL with
 * `error` for an unknown right name.
 *
 * Errors: -EINVAL an unknown right name; -ENOENT the path cannot be resolved.
 */
MOAT_API int moat_decide_path(const moat_policy *policy, const char *path, const char *access,
                              struct moat_decision *decision, struct moat_error *error);

enum moat_port_access {
	MOAT_PORT_CONNECT, /* `connect tcp PORT` */
	MOAT_PORT_BIND,    /* `bind tcp PORT` */
};

/*
 * Whether the policy's [network] section lets a sandboxed program connect
 * to or bind TCP port `port`: allowed by the statement that lists it, denied
 * by the first `connect tcp` (or `bind tcp`) statement, or by the last
 * `none`. Without such a statement the access is allowed, as is one the
 * running kernel's Landlock cannot restrict under `compat best-effort`.
 * Returns 0, or -EINVAL with `error` for a port above 65535.
 *
 * Errors: -EINVAL a port above 65535.
 */
MOAT_API int moat_decide_port(const moat_policy *policy, enum moat_port_access access,
                              unsigned port, struct moat_decision *decision,
                              struct moat_error *error);

/* ---------------------------------------------------------------------------
 * Sandboxes: running a program under a policy, or entering one
 */

/*
 * Options for moat_spawn() and moat_enter(). Initialise with
 * MOAT_SANDBOX_OPTIONS_INIT or moat_sandbox_options_init() (or pass NULL)
 * for the defaults.
 */
struct moat_sandbox_options {
	unsigned int version; /* MOAT_SANDBOX_OPTIONS_VERSION, as the _INIT macro sets it */
	/*
	 * Who the program runs as (moat_spawn()) or the calling process
	 * becomes (moat_enter()): the MOAT_IDENTITY_* flags in `identity` say
	 * which of `uid`, `gid` and `groups` (`group_count` supplementary
	 * groups, replacing all others) apply; the rest stay as they are.
	 * Applied before the capabilities are dropped: setgroups, setresgid,
	 * setresuid. Without a new user namespace the caller needs CAP_SETUID
	 * (CAP_SETGID) unless the id is one of its own, and CAP_SETGID for
	 * groups, or the call fails with -EPERM. In a user namespace moat
	 * creates, the ids are the ones inside, mapped to the caller's own
	 * outside, and groups are refused with -EINVAL (setgroups is denied
	 * there). docs/api.md "Identity".
	 */
	unsigned identity;
	uid_t uid;
	gid_t gid;
	const gid_t *groups;
	size_t group_count;
	/*
	 * moat_spawn(): the "NAME=VALUE" strings, ending in NULL, that the
	 * program's environment is made from according to [process] `env`.
	 * NULL means the caller's environment.
	 */
	const char *const *environment;
	/*
	 * moat_spawn(): descriptors passed to the program under the same
	 * numbers (besides 0, 1 and 2); every other one is closed.
	 */
	const int *keep_fds;
	size_t keep_fd_count;
	/*
	 * Warnings found while preparing the sandbox, such as what `compat
	 * best-effort` could not enforce on this kernel.
	 */
	moat_diagnostic_fn *on_diagnostic;
	void *diagnostic_context;
	/*
	 * Act as if the kernel had at most this Landlock ABI version (0: as
	 * it is), to see how a policy fares on an older kernel.
	 */
	int landlock_abi_limit;
	/*
	 * moat_spawn(): the supervisor that serves the program's `notify`
	 * calls (moat_supervisor_new()); required when the policy has them,
	 * unused otherwise.
	 */
	struct moat_supervisor *supervisor;
	/*
	 * moat_spawn(): MOAT_REPORT_* flags, for denial reports through
	 * `supervisor` (required with them): the facts then come back from
	 * moat_child_wait_result() and moat_child_refusal(). Kills are reported
	 * only where the sandbox dies with the calling process (`die-with-parent
	 * yes` and a PID namespace, docs/authoring.md "How denial reports stay
	 * safe"); elsewhere the kernel kills as without the flag, and
	 * moat_child_reports_kills() says 0.
	 */
	unsigned report;
	/*
	 * moat_spawn() and moat_spawn_function(): descriptors of the caller
	 * given to the child under other numbers (0, 1 and 2 included), at
	 * most 64; every `child_fd` stays open whatever `close-fds` says
	 * (moat_stdio_pipes_open() fills one for the usual pipes).
	 */
	const struct moat_fd_map *fd_map;
	size_t fd_map_count;
};

/* One descriptor for the child: the caller's `parent_fd` becomes its `child_fd`. */
struct moat_fd_map {
	int parent_fd;
	int child_fd;
};

/* clang-format off */
#define MOAT_SANDBOX_OPTIONS_VERSION 1
#define MOAT_SANDBOX_OPTIONS_INIT    MOAT_OPTIONS_INIT_(MOAT_SANDBOX_OPTIONS_VERSION)
/* clang-format on */

/*
 * As moat_load_options_init(), for struct moat_sandbox_options.
 * Errors: -EINVAL options is NULL or version unknown.
 */
MOAT_API int moat_sandbox_options_init(struct moat_sandbox_options *options,
                                       unsigned int version) MOAT_MUST_CHECK;

enum {
	MOAT_IDENTITY_UID = 1U << 0,    /* run as `uid` (real, effective and saved) */
	MOAT_IDENTITY_GID = 1U << 1,    /* run as `gid` (real, effective and saved) */
	MOAT_IDENTITY_GROUPS = 1U << 2, /* with exactly `groups` as supplementary groups */
};

enum {
	/*
	 * `kill` and `kill-thread` decisions go through the supervisor, which
	 * records and kills the process (for `kill-thread` in a process of
	 * several threads, a stronger kill than the kernel's; docs/authoring.md).
	 */
	MOAT_REPORT_KILLS = 1U << 0,
	/* `errno` decisions go through it too, recorded and answered with that errno. */
	MOAT_REPORT_ERRNO = 1U << 1,
	/*
	 * moat_spawn() and moat_enter(), no supervisor needed: what the running
	 * kernel's Landlock enforces of the policy and what the seccomp filter
	 * closes in its place come to `on_diagnostic` as notes (what stays open
	 * always comes, as warnings); docs/landlock.md, "Older kernels".
	 */
	MOAT_REPORT_KERNEL = 1U << 2,
};

/* A program running in a sandbox, started by moat_spawn(). */
typedef struct moat_child moat_child;

/*
 * Starts `path` (run as execve(2) runs it: no PATH search) with `argv` in a
 * new process that applies every layer of `policy` in a fixed order
 * (docs/sandbox.md), then execs it. Everything is prepared and checked
 * before the process starts, and a step that fails inside it comes back
 * here as an error, not as an exit status. Returns 0 with `*child` set, or
 * a negative errno: -ENOENT, -EACCES or -ENOEXEC when the program cannot be
 * executed, -EOPNOTSUPP when the kernel cannot enforce the policy under
 * `compat strict`, -EINVAL for a policy that cannot be applied or one with
 * `notify` rules and no `options->supervisor`.
 *
 * With `notify` rules, the filter is installed in two parts and its listener
 * handed to the supervisor before the program starts (docs/supervisor.md).
 * With [mounts], `path` is looked up in the sandbox's new root, so the
 * program must be bound there at that path. With `unshare pid`, the new
 * process is pid 1 of the sandbox's PID namespace: a small init that forks
 * the program, forwards to it every signal it receives (moat_child_kill()),
 * reaps orphans, and ends with the program; moat_child_pid() and
 * moat_child_pidfd() then refer to that init.
 *
 * Errors: -EINVAL no program, policy or child, an unknown options version,
 *  more than 64 keep_fds, unknown identity flags, `notify` or reports without
 *  a supervisor, a policy that cannot be applied; -EPERM the policy forbids
 *  execve, an identity the caller may not take, a hard limit it may not
 *  raise, or a step the kernel refused; -ENOENT, -EACCES, -ENOEXEC the program
 *  cannot be executed; -EOPNOTSUPP the kernel cannot enforce the policy under
 *  `compat strict`; -EAGAIN, -ENOSPC, -EUSERS the system refused a resource
 *  (clone3(2), a namespace limit); -ENOMEM out of memory; -EIO the set-up ended without a
 *  report; the errno of the step that failed inside the new process
 *  (`error->step` names it).
 */
MOAT_API int moat_spawn(moat_child **child, const moat_policy *policy, const char *path,
                        char *const argv[], const struct moat_sandbox_options *options,
                        struct moat_error *error) MOAT_MUST_CHECK;

/*
 * The process id of the sandboxed program.
 * Errors: none (it reports no error).
 */
MOAT_API pid_t moat_child_pid(const moat_child *child);

/*
 * A pidfd for it (pidfd_open(2)), owned by the handle; poll it to see it end.
 * Errors: none (it reports no error).
 */
MOAT_API int moat_child_pidfd(const moat_child *child);

/*
 * Sends `signal` to it through its pidfd. Returns 0 or a negative errno.
 * Errors: -ESRCH the program was reaped already, or has ended; -EINVAL an
 *  invalid signal; -EPERM not allowed to signal it.
 */
MOAT_API int moat_child_kill(moat_child *child, int signal);

/*
 * Waits for the program to end and stores its wait status (as waitpid(2)
 * reports it) in `*status`. Returns 0, or a negative errno. Behind the init
 * of a PID namespace this is still the program's own status, as init
 * reported it (WIFSIGNALED for a program a signal ended); only when init
 * itself was killed (moat_child_kill() with SIGKILL) is it init's.
 *
 * Errors: -ECHILD waited for already; the errno of waitpid(2).
 */
MOAT_API int moat_child_wait(moat_child *child, int *status);

/*
 * A call the filter refused, as the supervisor saw it (MOAT_REPORT_*): the
 * syscall (native number), its six arguments, what the policy decided and
 * the statement that decided (`line` 0 for one of moat's own rules).
 */
struct moat_reported_call {
	int syscall;
	uint64_t args[6];
	struct moat_action action;
	char file[1024];
	unsigned line;
	unsigned column;
	char statement[512];
	pid_t pid;           /* the thread that made the call (the caller's PID namespace) */
	unsigned long count; /* moat_child_refusal(): how many times; else 1 */
};

/* How the program ended; more kinds may come (a time limit, ...). */
enum moat_exit_kind {
	MOAT_EXIT_EXITED,        /* `code` is its exit status */
	MOAT_EXIT_SIGNALLED,     /* `code` is the signal that ended it */
	MOAT_EXIT_FILTER_KILLED, /* the filter killed it: `call` says what and why */
	MOAT_EXIT_LIMIT,         /* a resource limit ended it: `limit`, `code` */
	MOAT_EXIT_TIMEOUT,       /* moat_child_wait_timeout() killed it at its deadline */
};

struct moat_exit {
	enum moat_exit_kind kind;
	int status; /* the wait status, as moat_child_wait() gives it */
	int code;
	/*
	 * MOAT_EXIT_LIMIT: "cpu" (SIGXCPU, or SIGKILL with the CPU time at the
	 * hard `cpu` limit), "fsize" (SIGXFSZ) or "as" (inferred; see
	 * moat_child_wait_result(3))
	 */
	const char *limit;
	/*
	 * The first call the supervisor killed in this sandbox (`count` 1), or
	 * all zero. Set for MOAT_EXIT_FILTER_KILLED, and also when the filter
	 * killed another process of the sandbox and the program ended otherwise.
	 */
	struct moat_reported_call call;
	/* The CPU time (user and system) and the peak resident memory of the sandbox. */
	uint64_t cpu_time_us;
	uint64_t max_rss_kb;
};

/*
 * moat_child_wait(), with what ended the program in `*result`. A kill is
 * MOAT_EXIT_FILTER_KILLED only when the supervisor decided it
 * (MOAT_REPORT_KILLS and moat_child_reports_kills()) and the program ended
 * by a signal; the wait status is then SIGSYS, or SIGKILL when the process
 * caught, blocked or ignored SIGSYS. A kernel kill
 * (a call from another architecture, a sandbox without kill reports) shows
 * as MOAT_EXIT_SIGNALLED with SIGSYS. Returns 0 or a
 * negative errno, as moat_child_wait().
 *
 * Errors: -ECHILD waited for already; the errno of waitpid(2).
 */
MOAT_API int moat_child_wait_result(moat_child *child, struct moat_exit *result);

/*
 * 1 when the supervisor reports this sandbox's kills; 0 when the kernel kills alone.
 * Errors: none (it reports no error).
 */
MOAT_API int moat_child_reports_kills(const moat_child *child);

/*
 * The calls the filter refused with an errno (MOAT_REPORT_ERRNO), each
 * distinct syscall, errno and deciding statement once, in the order first
 * seen, with the arguments of the first occurrence and a count:
 * moat_child_refusal_count() of them, read one at a time (any thread, any
 * time). moat_child_refusal() returns 0, or -ERANGE past the end.
 *
 * Errors: none (it reports no error).
 */
MOAT_API size_t moat_child_refusal_count(const moat_child *child);
/*
 * Errors: -ERANGE index past the end.
 */
MOAT_API int moat_child_refusal(const moat_child *child, size_t index,
                                struct moat_reported_call *call);

/*
 * Writes `syscall(ARG0, ARG1, ...)` to `buffer` as a policy would name the
 * arguments: constants where one fits the syscall and argument (AF_INET,
 * SOCK_STREAM|SOCK_CLOEXEC, O_WRONLY|O_CREAT, AT_FDCWD, PROT_READ, TCGETS,
 * PR_SET_NAME, CLONE_* flags, F_GETFL, signal names, ...), wide values in
 * hex, other numbers in decimal; as many arguments as the syscall takes.
 * Returns the length as snprintf(3) does.
 *
 * Errors: none (it reports no error).
 */
MOAT_API int moat_call_format(int syscall, const uint64_t args[6], char *buffer, size_t size);

/*
 * Kills and reaps the program if it still runs, and frees the handle.
 * Errors: none (it reports no error).
 */
MOAT_API void moat_child_free(moat_child *child);

/*
 * Applies `policy` to the calling process, like pledge(2) and unveil(2):
 * resource limits, cwd, capabilities, no_new_privs, Landlock (every thread
 * where the kernel can, refused with -EBUSY when other threads exist and it
 * cannot) and the seccomp filter (every thread). What describes a new
 * process ([namespaces], [mounts], `env`, `close-fds`, `new-session`,
 * `die-with-parent`) needs moat_spawn(); a policy with namespaces is refused
 * with -EINVAL. When the policy routes syscalls to a supervisor (`notify`),
 * `*listener_fd` receives the seccomp user-notify descriptor, and
 * `listener_fd` must not be NULL. Irreversible: on failure after the first
 * step the process may be partly restricted, never less than before.
 *
 * May be called again, in a process that entered a sandbox before, to
 * narrow it in steps (pledge's rule: a process only gives up more). Each
 * layer stacks on the one before, and a call can never widen: seccomp
 * filters stack and the most restrictive action wins; Landlock domains
 * stack and an access needs every domain's grant; limits are set as the
 * later policy says, but a hard limit above the current one is refused with
 * -EPERM at its statement (the capabilities to raise it are gone); the
 * capabilities and no_new_privs, already as narrow, are left alone. The
 * earlier policy must let the later call make the system calls it needs
 * (seccomp, landlock_*, reading /proc/self/task for Landlock below ABI 8);
 * what it refuses fails with that call's errno and a message.
 *
 * Errors: -EINVAL no policy, an unknown options version or identity flags,
 *  namespaces or mounts, `notify` without listener_fd, groups in a user
 *  namespace; -EPERM an identity the caller may not take, a hard limit above
 *  the current one, a capability kept that the process lacks, or a step the
 *  kernel (or an earlier filter) refused; -EBUSY other threads exist and
 *  Landlock (below ABI 8) cannot bind them; -EOPNOTSUPP the kernel cannot
 *  enforce the policy under `compat strict`; -EACCES an earlier sandbox
 *  forbids what this step needs (reading /proc/self/task); -ENOMEM out of
 *  memory; the errno of the step that failed.
 */
MOAT_API int moat_enter(const moat_policy *policy, const struct moat_sandbox_options *options,
                        int *listener_fd, struct moat_error *error) MOAT_MUST_CHECK;

/* ---------------------------------------------------------------------------
 * Running a function in a sandbox: a plugin host's fork(2)
 */

/* The function moat_spawn_function() runs; its result is the child's exit status. */
typedef int moat_child_fn(void *context);

/*
 * Like moat_spawn(), but the sandboxed process calls `function(context)`
 * where moat_spawn() would exec, and exits with its result (_exit(2), so
 * the function flushes its own stdio). The process is set up exactly as
 * moat_spawn() sets one up (namespaces, descriptors, die-with-parent,
 * limits, Landlock, filter, supervisor hand-off) and is a copy of the
 * caller, as fork(2) makes one: no memory is shared with it. The function
 * runs under the policy's filter, so the policy must allow what it and its
 * runtime call (dlopen(3) needs openat, mmap, mprotect, read, fstat, close;
 * the exit needs exit_group). As with fork(2) in a multi-threaded program,
 * no pthread_atfork(3) handler runs: call it while no other thread can hold
 * a lock (malloc's, stdio's) the function needs. The policy need not allow
 * execve. Returns as moat_spawn() does.
 */
MOAT_API int moat_spawn_function(moat_child **child, const moat_policy *policy,
                                 moat_child_fn *function, void *context,
                                 const struct moat_sandbox_options *options,
                                 struct moat_error *error);

/* ---------------------------------------------------------------------------
 * Pipes to a child's standard streams
 */

enum {
	MOAT_STDIN = 1U << 0,
	MOAT_STDOUT = 1U << 1,
	MOAT_STDERR = 1U << 2,
};

/*
 * Pipes for a child's stdin, stdout and stderr. `parent[N]` is the caller's
 * end of stream N (write for stdin, read for the others; close-on-exec), -1
 * for a stream without a pipe; `map` and `map_count` go into
 * moat_sandbox_options.fd_map and fd_map_count.
 */
struct moat_stdio_pipes {
	int parent[3];
	int child[3];
	struct moat_fd_map map[3];
	size_t map_count;
};

/*
 * Opens a pipe for each stream in `streams` (MOAT_STDIN | MOAT_STDOUT |
 * MOAT_STDERR). Returns 0, or a negative errno with nothing left open.
 */
MOAT_API int moat_stdio_pipes_open(struct moat_stdio_pipes *pipes, unsigned streams,
                                   struct moat_error *error);

/* After moat_spawn(): closes the child's ends, so that the caller sees end of file. */
MOAT_API void moat_stdio_pipes_spawned(struct moat_stdio_pipes *pipes);

/* Closes every end still open. */
MOAT_API void moat_stdio_pipes_close(struct moat_stdio_pipes *pipes);

/* ---------------------------------------------------------------------------
 * Waiting with a deadline
 */

enum {
	/* At the deadline, kill the whole sandbox (SIGKILL) and reap it. */
	MOAT_WAIT_KILL = 1U << 0,
};

/*
 * moat_child_wait_result() that waits at most `timeout_ms` milliseconds
 * (-1: no limit). While it waits it serves the notified calls of the
 * supervisor given to moat_spawn(), unless that supervisor runs its own
 * thread. Returns 0 with `*result` set when the child ended in time;
 * -ETIMEDOUT when it did not: the child runs on, or, with MOAT_WAIT_KILL,
 * was killed and reaped and `*result` says MOAT_EXIT_TIMEOUT; or another
 * negative errno.
 */
MOAT_API int moat_child_wait_timeout(moat_child *child, int timeout_ms, unsigned flags,
                                     struct moat_exit *result);

/* ---------------------------------------------------------------------------
 * Supervisor: a trusted process that decides the calls a policy routes to it
 * (`notify`), performs what its [broker] rules grant and answers the rest
 * (docs/supervisor.md)
 */

/*
 * One supervisor serves any number of sandboxes through one epoll loop, run
 * by the host (moat_supervisor_fd() and moat_supervisor_dispatch()) or by a
 * thread of its own (moat_supervisor_start()). Creating one makes the
 * calling process non-dumpable (PR_SET_DUMPABLE 0): no core dump of the
 * supervisor, and no ptrace or /proc/PID/mem access to it by processes of
 * the same user without CAP_SYS_PTRACE.
 */
typedef struct moat_supervisor moat_supervisor;

enum {
	/*
	 * Never ask the kernel for SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, which
	 * hands the CPU straight from the sandbox to the supervisor and back.
	 * By default the supervisor uses it while one sandbox has it to itself
	 * and not while several take turns; this flag is for measuring.
	 */
	MOAT_SUPERVISOR_NO_SYNC_WAKE_UP = 1U << 0,
};

/*
 * Options of moat_supervisor_new(); initialise with
 * MOAT_SUPERVISOR_OPTIONS_INIT or moat_supervisor_options_init() (or pass
 * NULL) for the defaults.
 */
struct moat_supervisor_options {
	unsigned int version; /* MOAT_SUPERVISOR_OPTIONS_VERSION, as the _INIT macro sets it */
	unsigned flags;       /* MOAT_SUPERVISOR_* */
	/*
	 * Serving threads of moat_supervisor_start() (0: one per CPU the
	 * process may run on; at most 64). The sandboxes are shared out among
	 * them as they are added, to the one with the fewest; each sandbox is
	 * served by one thread only, so its calls are answered in the order it
	 * made them. moat_supervisor_dispatch() serves them all on the caller's
	 * thread.
	 */
	unsigned threads;
};

/* clang-format off */
#define MOAT_SUPERVISOR_OPTIONS_VERSION 1
#define MOAT_SUPERVISOR_OPTIONS_INIT    MOAT_OPTIONS_INIT_(MOAT_SUPERVISOR_OPTIONS_VERSION)
/* clang-format on */

/*
 * As moat_load_options_init(), for struct moat_supervisor_options.
 * Errors: -EINVAL options is NULL or version unknown.
 */
MOAT_API int moat_supervisor_options_init(struct moat_supervisor_options *options,
                                          unsigned int version) MOAT_MUST_CHECK;

/*
 * Creates a supervisor that serves no sandbox yet. Returns 0, or -ENOMEM,
 * or the errno of epoll_create1(2), eventfd(2) or prctl(2).
 *
 * Errors: -EINVAL an unknown options version; -ENOMEM out of memory; the
 *  errno of epoll_create1(2), eventfd(2) or prctl(2).
 */
MOAT_API int moat_supervisor_new(moat_supervisor **supervisor,
                                 const struct moat_supervisor_options *options,
                                 struct moat_error *error) MOAT_MUST_CHECK;

/*
 * Stops the supervisor's thread if it runs, closes every listener (the
 * sandboxes' notified calls then fail with ENOSYS) and frees the handle.
 * Accepts NULL.
 *
 * Errors: none (it reports no error).
 */
MOAT_API void moat_supervisor_free(moat_supervisor *supervisor);

/*
 * Serves one more sandbox: `listener_fd` is its seccomp listener (ownership
 * passes to the supervisor, also on failure), `policy` the policy whose
 * [broker] rules apply to it (NULL: none; the rules are copied and every
 * granted path is opened now, so the policy may be freed afterwards), and
 * `pid` the sandbox's process, reported to handlers as
 * moat_notification.sandbox. May be called while the supervisor's thread
 * runs. Returns 0, -ENOENT (with the rule's place) when a granted path is
 * missing, or another negative errno.
 *
 * Errors: -EBADF no listener; -ENOENT a granted path is missing (located);
 *  -ENOMEM out of memory; the errno of opening a granted path or
 *  epoll_ctl(2).
 */
MOAT_API int moat_supervisor_add(moat_supervisor *supervisor, int listener_fd,
                                 const moat_policy *policy, pid_t pid,
                                 struct moat_error *error) MOAT_MUST_CHECK;

/*
 * The supervisor's epoll descriptor, to embed in a host's event loop: when it
 * is readable, call moat_supervisor_dispatch() with timeout 0.
 *
 * Errors: none (it reports no error).
 */
MOAT_API int moat_supervisor_fd(const moat_supervisor *supervisor);

/*
 * Waits up to `timeout_ms` (-1: no limit, 0: not at all) for notifications
 * and answers every one that is ready. Returns the number of sandboxes
 * still served (a sandbox stops being served when its last process ends),
 * or a negative errno: -EBUSY while the supervisor's own thread runs.
 *
 * Errors: -EBUSY the supervisor's own thread runs; the errno of
 *  epoll_wait(2).
 */
MOAT_API int moat_supervisor_dispatch(moat_supervisor *supervisor, int timeout_ms);

/*
 * Serves from threads of the supervisor's own (moat_supervisor_options.threads)
 * until moat_supervisor_free(). Handlers then run on those threads, several
 * at once for different sandboxes: a handler's context must be safe for
 * that. Returns 0, -EBUSY when already started, or the errno of
 * pthread_create(3).
 *
 * Errors: -EBUSY already started; the errno of pthread_create(3).
 */
MOAT_API int moat_supervisor_start(moat_supervisor *supervisor,
                                   struct moat_error *error) MOAT_MUST_CHECK;

/* A notified system call, as a handler sees it. */
struct moat_notification {
	uint64_t id;           /* the kernel's cookie for this call */
	pid_t pid;             /* the thread that made the call (supervisor's pid namespace) */
	pid_t sandbox;         /* the pid given to moat_supervisor_add() */
	int syscall;           /* native syscall number */
	uint32_t architecture; /* AUDIT_ARCH_*: the native one (others never notify) */
	uint64_t instruction_pointer;
	uint64_t args[6];
};

/*
 * Reads the memory of the thread that made a notified call. Every read is
 * followed by a check that the call is still waiting
 * (SECCOMP_IOCTL_NOTIF_ID_VALID), so the bytes came from that thread and not
 * from a process that reused its pid. The sandbox may change its memory at
 * any time: read each value once and decide on the copy.
 */
typedef struct moat_memory moat_memory;

/*
 * Reads `size` bytes at `address`. Returns 0 when all were read, -EFAULT
 * when part of the range is not readable, -ESRCH when the call is no longer
 * waiting (the thread died or was interrupted: the bytes must not be used).
 *
 * Errors: -EFAULT part of the range is not readable; -ESRCH the call is no
 *  longer waiting.
 */
MOAT_API int moat_memory_read(moat_memory *memory, uint64_t address, void *buffer, size_t size);

/*
 * Reads a NUL-terminated string at `address` into `buffer` (`size` bytes,
 * NUL included). Returns its length, -ENAMETOOLONG when no NUL comes within
 * `size` bytes, -EFAULT or -ESRCH as moat_memory_read().
 *
 * Errors: -ENAMETOOLONG no NUL within size bytes; -EFAULT part of the range
 *  is not readable; -ESRCH the call is no longer waiting.
 */
MOAT_API int moat_memory_read_string(moat_memory *memory, uint64_t address, char *buffer,
                                     size_t size);

enum moat_reply_kind {
	MOAT_REPLY_ERRNO, /* the call fails with `error` (1..4095) */
	MOAT_REPLY_VALUE, /* the call returns `value` */
	MOAT_REPLY_FD,    /* `fd` is copied into the caller, which gets its number */
};

/* A handler's answer. It starts as MOAT_REPLY_ERRNO with EACCES. */
struct moat_reply {
	enum moat_reply_kind kind;
	int64_t value;
	int error;
	int fd;            /* MOAT_REPLY_FD: the supervisor closes it after the copy */
	unsigned fd_flags; /* MOAT_REPLY_FD: 0 or O_CLOEXEC, for the caller's copy */
};

/*
 * Decides one notified call. Returns 0 with `reply` filled, or a negative
 * errno, with which the call then fails. A handler runs on the serving
 * thread and blocks every sandbox while it runs. It never lets the call
 * itself through: what the call should do, the handler does (or refuses).
 */
typedef int moat_handler_fn(const struct moat_notification *notification, moat_memory *memory,
                            struct moat_reply *reply, void *context);

/*
 * Routes notified calls of syscall `syscall` (its name, e.g. "getrandom")
 * from every sandbox to `handler`, in place of the broker. NULL `handler`
 * removes the route. Returns 0, or -EINVAL for a name the native
 * architecture does not have.
 *
 * Errors: -EINVAL a name the native architecture does not have; -ENOMEM out
 *  of memory.
 */
MOAT_API int moat_supervisor_handle(moat_supervisor *supervisor, const char *syscall,
                                    moat_handler_fn *handler, void *context,
                                    struct moat_error *error);

/*
 * Passing a listener from the sandbox to its supervisor over a Unix socket
 * (SCM_RIGHTS), for callers of moat_enter() whose supervisor runs in another
 * process. moat_listener_send() is async-signal-safe (one sendmsg(2)); it
 * does not close `listener_fd`.
 *
 * Errors: the errno of sendmsg(2) (EBADF, EPIPE, ...).
 */
MOAT_API int moat_listener_send(int socket, int listener_fd,
                                struct moat_error *error) MOAT_MUST_CHECK;

/*
 * Receives a listener sent with moat_listener_send(), close-on-exec. While
 * waiting it watches `pidfd` (the sender's, or -1): -ESRCH when the sender
 * ended without sending; -ETIMEDOUT after `timeout_ms` (-1: no limit);
 * -EPROTO when the message carries no descriptor.
 *
 * Errors: -ESRCH the sender ended without sending; -ETIMEDOUT nothing came
 *  within timeout_ms; -EPROTO the message carries no descriptor; the errno of
 *  poll(2) or recvmsg(2).
 */
MOAT_API int moat_listener_receive(int socket, int pidfd, int timeout_ms, int *listener_fd,
                                   struct moat_error *error) MOAT_MUST_CHECK;

#ifdef __cplusplus
}
#endif

#endif /* MOAT_H */
