/* SPDX-License-Identifier: MIT */
/*
 * Learning a policy from a run (docs/learning.md). Three steps, one file
 * each:
 *   observe.c  runs a program under an observing seccomp filter that sends
 *              every call to this process, which records it and lets it
 *              continue (SECCOMP_USER_NOTIF_FLAG_CONTINUE);
 *   record.c   what one notification tells: the syscall and the arguments
 *              that keep a rule tight, the paths and TCP ports it uses;
 *   write.c    observations -> IR -> policy text, through the one printer
 *              (policy/print.h); collapse.c maps paths to grants.
 * Learning is not a security boundary: the program runs unconfined, and
 * CONTINUE lets every call through as the program made it.
 */
#ifndef MOAT_LEARN_H
#define MOAT_LEARN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "moat.h"

/* How a call used a path. */
enum {
	MOAT_LEARN_READ = 1U << 0,   /* opened for reading (a file, or a directory to list) */
	MOAT_LEARN_WRITE = 1U << 1,  /* opened for writing, or truncated */
	MOAT_LEARN_CREATE = 1U << 2, /* made (file, directory, node, link) where none was */
	MOAT_LEARN_REMOVE = 1U << 3, /* unlinked, removed or renamed away */
	MOAT_LEARN_EXEC = 1U << 4,   /* executed */
};

struct moat_learn_path {
	char *path;      /* absolute, as the program named it (symbolic links not resolved) */
	unsigned access; /* MOAT_LEARN_* */
};

/* The argument values one syscall was seen with, where they matter for a rule. */
struct moat_learn_syscall {
	bool used;
	bool any_value; /* too many distinct values to list: the rule stays unconditional */
	uint64_t *values;
	size_t value_count;
};

struct moat_learn_observations {
	struct moat_learn_syscall *syscalls; /* indexed by number */
	size_t syscall_limit;
	struct moat_learn_path *paths;
	size_t path_count, path_capacity;
	uint16_t *connect_ports, *bind_ports;
	size_t connect_count, bind_count;
	bool connect_tcp, bind_tcp; /* a TCP connect or bind was seen */
	size_t notification_count;
	/* Per syscall number, filled once: its entry in record.c's path table + 1 (0: none). */
	unsigned char *path_call;
	int connect_number, bind_number;
};

int moat_learn_observations_init(struct moat_learn_observations *observations,
                                 struct moat_error *error);
void moat_learn_observations_release(struct moat_learn_observations *observations);

/* ---- record.c ------------------------------------------------------------ */

/*
 * The value that identifies syscall `number` called with `args` for a rule:
 * socket's domain and type (domain << 32 | type & 0xf), ioctl's request,
 * prctl's option, clone's flags. Returns false for syscalls whose rule is
 * unconditional.
 */
bool moat_learn_signature(int number, const uint64_t args[6], uint64_t *value);

int moat_learn_add_syscall(struct moat_learn_observations *observations, int number,
                           const uint64_t args[6]);
int moat_learn_add_path(struct moat_learn_observations *observations, const char *path,
                        unsigned access);
int moat_learn_add_port(struct moat_learn_observations *observations, bool bind, unsigned port);

/*
 * Records one notified call of thread `pid`: the syscall, and for the calls
 * that name paths or addresses, what they name, read from the thread's
 * memory while notification `id` on `listener` stays valid.
 */
int moat_learn_record(struct moat_learn_observations *observations, int listener, uint64_t id,
                      pid_t pid, int number, const uint64_t args[6]);

/* ---- observe.c ----------------------------------------------------------- */

struct moat_learn_result {
	int wait_status; /* the program's, as waitpid(2) gives it */
	int exec_error;  /* 0, or the errno with which the program could not be started */
};

/*
 * Runs `path` with `argv` (and this process's environment) in a new session
 * under the observing filter, records what it and every process it starts
 * do until it ends (what it left running is then killed, as `moat run`
 * does), and fills `result`. Returns 0, or a negative errno with `error`
 * when the observation could not be set up.
 */
int moat_learn_observe(struct moat_learn_observations *observations, const char *path,
                       char *const argv[], struct moat_learn_result *result,
                       struct moat_error *error);

/* ---- collapse.c ---------------------------------------------------------- */

/* What a grant allows, as the printed policy says it. */
enum {
	MOAT_LEARN_GRANT_READ = 1U << 0,  /* `read` */
	MOAT_LEARN_GRANT_WRITE = 1U << 1, /* `write` */
	MOAT_LEARN_GRANT_EXEC = 1U << 2,  /* `exec` */
	MOAT_LEARN_GRANT_LIST = 1U << 3,  /* `allow read-dir`: list, on a broad directory */
	MOAT_LEARN_GRANT_IOCTL = 1U << 4, /* `allow ioctl-dev?`: a device file */
};

struct moat_learn_grant {
	char *path;
	unsigned kinds; /* MOAT_LEARN_GRANT_* */
};

/* What the collapsing rule needs to know about a path on this machine. */
struct moat_learn_path_facts {
	bool exists;
	bool directory;
	bool device;
};

/*
 * True when `directory` is one the rule never grants as a whole for reads
 * (/, /usr, /etc, /tmp, $HOME, ...): `home` is $HOME, or NULL.
 */
bool moat_learn_is_broad(const char *directory, const char *home);

/*
 * The collapsing rule for one observed use, already resolved to a canonical
 * path with `facts`: writes the path to grant into `grant` (size PATH_MAX)
 * and returns the MOAT_LEARN_GRANT_* kinds, or 0 when the use needs no
 * grant. docs/learning.md states the rule with examples.
 */
unsigned moat_learn_collapse_one(const char *path, unsigned access,
                                 const struct moat_learn_path_facts *facts, const char *home,
                                 char *grant);

/*
 * Drops from `grants` (sorted by path) every kind an ancestor's grant
 * already gives, and kinds that another kind of the same path implies.
 * Returns the new count.
 */
size_t moat_learn_simplify(struct moat_learn_grant *grants, size_t count);

/*
 * Turns every observed path into grants: resolves it on this machine,
 * applies the rule, adds the ELF interpreter or #! interpreter of every
 * executed file, and simplifies. The caller frees each path and the array.
 */
int moat_learn_grants(const struct moat_learn_observations *observations, const char *home,
                      struct moat_learn_grant **grants, size_t *count, struct moat_error *error);

/* ---- write.c ------------------------------------------------------------- */

struct moat_learn_write_options {
	const char *const *includes; /* each BASE as `include` will name it */
	size_t include_count;
	const moat_policy *base; /* the BASEs merged, or NULL: add only what it lacks */
	const char *command;     /* the learned command line, for a comment; or NULL */
	const char *home;        /* $HOME, or NULL */
};

/* Writes the learned policy to `out`. */
int moat_learn_write(const struct moat_learn_observations *observations,
                     const struct moat_learn_write_options *options, FILE *out,
                     struct moat_error *error);

#endif /* MOAT_LEARN_H */
