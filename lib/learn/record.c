// SPDX-License-Identifier: MIT
/*
 * What one notified call tells about the program: its syscall with the
 * arguments a tight rule compares, the paths it names (made absolute with
 * the thread's working directory or directory descriptor), and the TCP port
 * of a connect or bind. Memory is read with process_vm_readv and trusted
 * only while the notification is still valid (supervise/memory.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "learn/learn.h"
#include "supervise/supervise.h"
#include "syscalls/syscalls.h"
#include "util/error.h"

/* More distinct values than this and a rule lists none of them. */
#define MAXIMUM_VALUES 32
#define SYSCALL_LIMIT  1024

void moat_learn_observations_release(struct moat_learn_observations *observations)
{
	for (size_t i = 0; i < observations->syscall_limit; i++)
		free(observations->syscalls[i].values);
	for (size_t i = 0; i < observations->path_count; i++)
		free(observations->paths[i].path);
	free(observations->syscalls);
	free(observations->path_call);
	free(observations->paths);
	free(observations->connect_ports);
	free(observations->bind_ports);
	memset(observations, 0, sizeof(*observations));
}

static bool is_syscall(int number, const char *name)
{
	return number == moat_syscall_number(name);
}

bool moat_learn_signature(int number, const uint64_t args[6], uint64_t *value)
{
	if (is_syscall(number, "socket") || is_syscall(number, "socketpair")) {
		*value = (args[0] & 0xffffffffU) << 32 | (args[1] & 0xf);
		return true;
	}
	if (is_syscall(number, "ioctl")) {
		*value = args[1] & 0xffffffffU;
		return true;
	}
	if (is_syscall(number, "prctl")) {
		*value = args[0] & 0xffffffffU;
		return true;
	}
	if (is_syscall(number, "clone")) {
		*value = args[0];
		return true;
	}
	return false;
}

static int add_value(struct moat_learn_syscall *syscall, uint64_t value)
{
	uint64_t *grown;

	for (size_t i = 0; i < syscall->value_count; i++) {
		if (syscall->values[i] == value)
			return 0;
	}
	if (syscall->value_count == MAXIMUM_VALUES) {
		syscall->any_value = true;
		return 0;
	}
	grown = realloc(syscall->values, (syscall->value_count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	syscall->values = grown;
	syscall->values[syscall->value_count++] = value;
	return 0;
}

int moat_learn_add_syscall(struct moat_learn_observations *observations, int number,
                           const uint64_t args[6])
{
	struct moat_learn_syscall *syscall;
	uint64_t value;

	if (number < 0 || (size_t)number >= observations->syscall_limit)
		return 0;
	syscall = &observations->syscalls[number];
	syscall->used = true;
	if (!moat_learn_signature(number, args, &value) || syscall->any_value)
		return 0;
	return add_value(syscall, value);
}

int moat_learn_add_path(struct moat_learn_observations *observations, const char *path,
                        unsigned access)
{
	struct moat_learn_path *entry;

	/* Newest first: a program tends to use the same few paths again. */
	for (size_t i = observations->path_count; i-- > 0;) {
		if (!strcmp(observations->paths[i].path, path)) {
			observations->paths[i].access |= access;
			return 0;
		}
	}
	if (observations->path_count == observations->path_capacity) {
		size_t capacity =
		        observations->path_capacity ? 2 * observations->path_capacity : 64;
		struct moat_learn_path *grown =
		        realloc(observations->paths, capacity * sizeof(*grown));

		if (!grown)
			return -ENOMEM;
		observations->paths = grown;
		observations->path_capacity = capacity;
	}
	entry = &observations->paths[observations->path_count];
	entry->path = strdup(path);
	if (!entry->path)
		return -ENOMEM;
	entry->access = access;
	observations->path_count++;
	return 0;
}

static int add_port(uint16_t **ports, size_t *count, unsigned port)
{
	uint16_t *grown;

	for (size_t i = 0; i < *count; i++) {
		if ((*ports)[i] == port)
			return 0;
	}
	grown = realloc(*ports, (*count + 1) * sizeof(*grown));
	if (!grown)
		return -ENOMEM;
	*ports = grown;
	(*ports)[(*count)++] = (uint16_t)port;
	return 0;
}

int moat_learn_add_port(struct moat_learn_observations *observations, bool bind, unsigned port)
{
	if (bind) {
		observations->bind_tcp = true;
		return add_port(&observations->bind_ports, &observations->bind_count, port);
	}
	observations->connect_tcp = true;
	return add_port(&observations->connect_ports, &observations->connect_count, port);
}

/* ---- paths ---------------------------------------------------------------- */

enum path_kind {
	OPEN_FLAGS,   /* access from the open flags in argument `flags_arg` */
	OPEN_HOW,     /* openat2: from struct open_how at argument `flags_arg` */
	FIXED_ACCESS, /* `access` */
};

struct path_argument {
	int dirfd_arg; /* -1: relative to the working directory */
	int path_arg;
	unsigned access;
};

struct path_call {
	const char *name;
	enum path_kind kind;
	int flags_arg;
	struct path_argument paths[2];
};

#define NONE                                                                                       \
	{                                                                                          \
		-2, -2, 0                                                                          \
	}
#define CREATE MOAT_LEARN_CREATE
#define REMOVE MOAT_LEARN_REMOVE

/* The calls whose paths Landlock checks (docs/learning.md). */
static const struct path_call path_calls[] = {
        {"open", OPEN_FLAGS, 1, {{-1, 0, 0}, NONE}},
        {"openat", OPEN_FLAGS, 2, {{0, 1, 0}, NONE}},
        {"openat2", OPEN_HOW, 2, {{0, 1, 0}, NONE}},
        {"creat", FIXED_ACCESS, 0, {{-1, 0, MOAT_LEARN_WRITE}, NONE}},
        {"execve", FIXED_ACCESS, 0, {{-1, 0, MOAT_LEARN_EXEC}, NONE}},
        {"execveat", FIXED_ACCESS, 0, {{0, 1, MOAT_LEARN_EXEC}, NONE}},
        {"truncate", FIXED_ACCESS, 0, {{-1, 0, MOAT_LEARN_WRITE}, NONE}},
        {"mkdir", FIXED_ACCESS, 0, {{-1, 0, CREATE}, NONE}},
        {"mkdirat", FIXED_ACCESS, 0, {{0, 1, CREATE}, NONE}},
        {"mknod", FIXED_ACCESS, 0, {{-1, 0, CREATE}, NONE}},
        {"mknodat", FIXED_ACCESS, 0, {{0, 1, CREATE}, NONE}},
        {"unlink", FIXED_ACCESS, 0, {{-1, 0, REMOVE}, NONE}},
        {"unlinkat", FIXED_ACCESS, 0, {{0, 1, REMOVE}, NONE}},
        {"rmdir", FIXED_ACCESS, 0, {{-1, 0, REMOVE}, NONE}},
        {"rename", FIXED_ACCESS, 0, {{-1, 0, REMOVE}, {-1, 1, CREATE}}},
        {"renameat", FIXED_ACCESS, 0, {{0, 1, REMOVE}, {2, 3, CREATE}}},
        {"renameat2", FIXED_ACCESS, 0, {{0, 1, REMOVE}, {2, 3, CREATE}}},
        {"link", FIXED_ACCESS, 0, {{-1, 1, CREATE}, NONE}},
        {"linkat", FIXED_ACCESS, 0, {{2, 3, CREATE}, NONE}},
        {"symlink", FIXED_ACCESS, 0, {{-1, 1, CREATE}, NONE}},
        {"symlinkat", FIXED_ACCESS, 0, {{1, 2, CREATE}, NONE}},
};

#define PATH_CALL_COUNT (sizeof(path_calls) / sizeof(path_calls[0]))

/* Looked up once, so that a notification costs no search by name. */
int moat_learn_observations_init(struct moat_learn_observations *observations,
                                 struct moat_error *error)
{
	memset(observations, 0, sizeof(*observations));
	observations->syscalls = calloc(SYSCALL_LIMIT, sizeof(*observations->syscalls));
	observations->path_call = calloc(SYSCALL_LIMIT, 1);
	if (!observations->syscalls || !observations->path_call) {
		moat_learn_observations_release(observations);
		return moat_error_set(error, -ENOMEM, "out of memory");
	}
	observations->syscall_limit = SYSCALL_LIMIT;
	for (size_t i = 0; i < PATH_CALL_COUNT; i++) {
		int number = moat_syscall_number(path_calls[i].name);

		if (number >= 0 && number < SYSCALL_LIMIT)
			observations->path_call[number] = (unsigned char)(i + 1);
	}
	observations->connect_number = moat_syscall_number("connect");
	observations->bind_number = moat_syscall_number("bind");
	return 0;
}

static const struct path_call *find_path_call(const struct moat_learn_observations *observations,
                                              int number)
{
	if (number < 0 || (size_t)number >= observations->syscall_limit ||
	    !observations->path_call[number])
		return NULL;
	return &path_calls[observations->path_call[number] - 1];
}

/* Removes `.`, `..` and repeated slashes, by the text alone. */
static void normalize(char *path)
{
	char *out = path, *in = path;

	while (*in) {
		size_t length;

		while (*in == '/')
			in++;
		length = strcspn(in, "/");
		if (length == 0)
			break;
		if (length == 1 && in[0] == '.') {
			in += 1;
			continue;
		}
		if (length == 2 && in[0] == '.' && in[1] == '.') {
			while (out > path && *--out != '/')
				;
			in += 2;
			continue;
		}
		*out++ = '/';
		memmove(out, in, length);
		out += length;
		in += length;
	}
	if (out == path)
		*out++ = '/';
	*out = '\0';
}

/* The directory a relative path starts from: the thread's cwd or descriptor. */
static int base_directory(pid_t pid, int dirfd, char *buffer, size_t size)
{
	char link[64];
	ssize_t length;

	if (dirfd == AT_FDCWD)
		snprintf(link, sizeof(link), "/proc/%d/cwd", (int)pid);
	else
		snprintf(link, sizeof(link), "/proc/%d/fd/%d", (int)pid, dirfd);
	length = readlink(link, buffer, size - 1);
	if (length < 0)
		return -errno;
	buffer[length] = '\0';
	return buffer[0] == '/' ? 0 : -ENOENT;
}

static int read_path(struct moat_memory *memory, const uint64_t args[6],
                     const struct path_argument *argument, char *absolute)
{
	char relative[PATH_MAX], base[PATH_MAX];
	int length, result;

	length = moat_memory_read_string(memory, args[argument->path_arg], relative,
	                                 sizeof(relative));
	if (length <= 0)
		return length < 0 ? length : -ENOENT;
	if (relative[0] == '/') {
		memcpy(absolute, relative, (size_t)length + 1);
	} else {
		int dirfd = argument->dirfd_arg < 0 ? AT_FDCWD : (int)args[argument->dirfd_arg];

		result = base_directory(memory->pid, dirfd, base, sizeof(base));
		if (result < 0)
			return result;
		if (snprintf(absolute, PATH_MAX, "%s/%s", base, relative) >= PATH_MAX)
			return -ENAMETOOLONG;
	}
	normalize(absolute);
	return 0;
}

/* Before the call runs: whether O_CREAT will make the file. */
static bool missing(const char *path)
{
	struct stat status;

	return lstat(path, &status) < 0 && errno == ENOENT;
}

/* What open flags ask; a file O_CREAT makes counts as created, else as written. */
static unsigned open_access(uint64_t flags, const char *path)
{
	unsigned access = 0;

	if (flags & O_PATH)
		return 0;
	if ((flags & O_ACCMODE) != O_WRONLY)
		access |= MOAT_LEARN_READ;
	if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC))
		access |= MOAT_LEARN_WRITE;
	if ((flags & O_CREAT) && missing(path))
		access |= MOAT_LEARN_CREATE;
	return access;
}

static int record_paths(struct moat_learn_observations *observations, struct moat_memory *memory,
                        const struct path_call *call, const uint64_t args[6])
{
	char path[PATH_MAX];

	for (size_t i = 0; i < 2 && call->paths[i].path_arg >= 0; i++) {
		unsigned access = call->paths[i].access;
		uint64_t flags = 0;

		if (read_path(memory, args, &call->paths[i], path) < 0)
			continue;
		if (call->kind == OPEN_FLAGS)
			flags = args[call->flags_arg];
		else if (call->kind == OPEN_HOW &&
		         moat_memory_read(memory, args[call->flags_arg], &flags, sizeof(flags)) < 0)
			continue;
		if (call->kind != FIXED_ACCESS)
			access = open_access(flags, path);
		if (access && moat_learn_add_path(observations, path, access) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ---- ports ---------------------------------------------------------------- */

/* Whether descriptor `fd` of `pid` is a TCP socket, asked of a copy of it. */
static bool is_tcp_socket(pid_t pid, int fd)
{
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0), copy, type = 0, protocol = 0;
	socklen_t length = sizeof(int);

	if (pidfd < 0)
		return false;
	copy = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
	close(pidfd);
	if (copy < 0)
		return false;
	if (getsockopt(copy, SOL_SOCKET, SO_TYPE, &type, &length) < 0)
		type = 0;
	length = sizeof(int);
	if (getsockopt(copy, SOL_SOCKET, SO_PROTOCOL, &protocol, &length) < 0)
		protocol = 0;
	close(copy);
	return type == SOCK_STREAM && (protocol == IPPROTO_TCP || protocol == 0);
}

static int record_port(struct moat_learn_observations *observations, struct moat_memory *memory,
                       bool bind, const uint64_t args[6])
{
	struct sockaddr_in6 address = {0};
	size_t length = args[2] < sizeof(address) ? (size_t)args[2] : sizeof(address);
	unsigned port;

	if (length < sizeof(struct sockaddr_in) ||
	    moat_memory_read(memory, args[1], &address, length) < 0)
		return 0;
	if (address.sin6_family != AF_INET && address.sin6_family != AF_INET6)
		return 0;
	/* sin_port and sin6_port stand at the same offset. */
	port = ntohs(address.sin6_port);
	if (!is_tcp_socket(memory->pid, (int)args[0]))
		return 0;
	return moat_learn_add_port(observations, bind, port);
}

int moat_learn_record(struct moat_learn_observations *observations, int listener, uint64_t id,
                      pid_t pid, int number, const uint64_t args[6])
{
	struct moat_memory memory = {.listener = listener, .id = id, .pid = pid};
	const struct path_call *call;
	int result;

	observations->notification_count++;
	result = moat_learn_add_syscall(observations, number, args);
	if (result < 0)
		return result;
	call = find_path_call(observations, number);
	if (call)
		return record_paths(observations, &memory, call, args);
	if (number == observations->connect_number)
		return record_port(observations, &memory, false, args);
	if (number == observations->bind_number)
		return record_port(observations, &memory, true, args);
	return 0;
}
