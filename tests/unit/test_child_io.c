// SPDX-License-Identifier: MIT
/*
 * Descriptors for a sandboxed child: fd_map gives the caller's descriptors
 * under other numbers (a swap included), keeps them through close-fds and
 * closes the sources; moat_stdio_pipes_*() connect a program's and a
 * function's standard streams. Positive control for close-fds: a
 * descriptor open in the caller and not mapped is gone in the child, and
 * present where the policy says `close-fds no`.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "policy_support.h"

static moat_policy *load_system(const char *extra)
{
	struct test_diagnostics diagnostics;
	char text[4096];
	moat_policy *policy;

	snprintf(text, sizeof(text), "moat 1\ninclude \"%s/policies/system.policy\"\n%s",
	         getenv("MOAT_SOURCE_DIR"), extra);
	policy = test_load(text, &diagnostics);
	if (!policy)
		fail_msg("policy refused:\n%s", diagnostics.text);
	return policy;
}

static int wait_code(moat_child *child)
{
	struct moat_exit result;

	assert_int_equal(moat_child_wait_timeout(child, 20000, MOAT_WAIT_KILL, &result), 0);
	assert_int_equal(result.kind, MOAT_EXIT_EXITED);
	moat_child_free(child);
	return result.code;
}

/* Reads everything from fd into buffer (NUL-terminated). */
static void read_all(int fd, char *buffer, size_t size)
{
	size_t length = 0;
	ssize_t count;

	while (length + 1 < size && (count = read(fd, buffer + length, size - length - 1)) > 0)
		length += (size_t)count;
	buffer[length] = '\0';
}

/* Echoes stdin to stdout upper-cased, writes "err" to stderr. */
static int echo_upper(void *context)
{
	char buffer[64];
	ssize_t count;

	(void)context;
	while ((count = read(0, buffer, sizeof(buffer))) > 0) {
		for (ssize_t i = 0; i < count; i++)
			buffer[i] = (char)(buffer[i] >= 'a' && buffer[i] <= 'z' ? buffer[i] - 32
			                                                        : buffer[i]);
		if (write(1, buffer, (size_t)count) != count)
			return 1;
	}
	return write(2, "err", 3) == 3 ? 0 : 1;
}

static void stdio_pipes_for_a_function_and_a_program(void **state)
{
	moat_policy *policy = load_system("");
	char *cat[] = {"/bin/cat", NULL}, output[64];
	struct moat_sandbox_options options = MOAT_SANDBOX_OPTIONS_INIT;
	struct moat_stdio_pipes pipes;
	struct moat_error error;
	moat_child *child;

	(void)state;
	assert_int_equal(
	        moat_stdio_pipes_open(&pipes, MOAT_STDIN | MOAT_STDOUT | MOAT_STDERR, &error), 0);
	assert_int_equal(pipes.map_count, 3);
	options.fd_map = pipes.map;
	options.fd_map_count = pipes.map_count;
	assert_int_equal(moat_spawn_function(&child, policy, echo_upper, NULL, &options, &error),
	                 0);
	moat_stdio_pipes_spawned(&pipes);
	assert_int_equal(pipes.child[0], -1);
	assert_int_equal(write(pipes.parent[0], "hello", 5), 5);
	close(pipes.parent[0]);
	pipes.parent[0] = -1;
	read_all(pipes.parent[1], output, sizeof(output));
	assert_string_equal(output, "HELLO");
	read_all(pipes.parent[2], output, sizeof(output));
	assert_string_equal(output, "err");
	assert_int_equal(wait_code(child), 0);
	moat_stdio_pipes_close(&pipes);

	/* A program's stdin and stdout, stderr left as the caller's. */
	assert_int_equal(moat_stdio_pipes_open(&pipes, MOAT_STDIN | MOAT_STDOUT, &error), 0);
	assert_int_equal(pipes.map_count, 2);
	assert_int_equal(pipes.parent[2], -1);
	options.fd_map_count = pipes.map_count;
	assert_int_equal(moat_spawn(&child, policy, cat[0], cat, &options, &error), 0);
	moat_stdio_pipes_spawned(&pipes);
	assert_int_equal(write(pipes.parent[0], "through cat", 11), 11);
	close(pipes.parent[0]);
	pipes.parent[0] = -1;
	read_all(pipes.parent[1], output, sizeof(output));
	assert_string_equal(output, "through cat");
	assert_int_equal(wait_code(child), 0);
	moat_stdio_pipes_close(&pipes);
	moat_stdio_pipes_close(&pipes);
	moat_policy_free(policy);
}

/* Writes "a" to fd 40 and "b" to fd 41; exit 0 when fd 50 (a source) is closed. */
static int write_swapped(void *context)
{
	(void)context;
	if (write(40, "a", 1) != 1 || write(41, "b", 1) != 1)
		return 1;
	return fcntl(50, F_GETFD) < 0 && errno == EBADF ? 0 : 2;
}

static void a_swap_and_the_sources_closed(void **state)
{
	moat_policy *policy = load_system("");
	struct moat_fd_map map[2] = {{40, 41}, {41, 40}};
	struct moat_sandbox_options options = {
	        .version = MOAT_SANDBOX_OPTIONS_VERSION, .fd_map = map, .fd_map_count = 2};
	int first[2], second[2], source;
	struct moat_error error;
	moat_child *child;
	char byte;

	(void)state;
	assert_int_equal(pipe(first), 0);
	assert_int_equal(pipe(second), 0);
	/* The caller's 40 is the first pipe, 41 the second; the child gets them crossed. */
	assert_int_equal(dup2(first[1], 40), 40);
	assert_int_equal(dup2(second[1], 41), 41);
	source = dup2(first[1], 50);
	assert_int_equal(source, 50);
	close(first[1]);
	close(second[1]);
	assert_int_equal(moat_spawn_function(&child, policy, write_swapped, NULL, &options, &error),
	                 0);
	close(40);
	close(41);
	close(50);
	assert_int_equal(wait_code(child), 0);
	assert_int_equal(read(first[0], &byte, 1), 1);
	assert_int_equal(byte, 'b');
	assert_int_equal(read(second[0], &byte, 1), 1);
	assert_int_equal(byte, 'a');
	close(first[0]);
	close(second[0]);
	moat_policy_free(policy);
}

/* Exit 0 when descriptor 50 is open in the child. */
static int fd_50_open(void *context)
{
	(void)context;
	return fcntl(50, F_GETFD) >= 0 ? 0 : 1;
}

static void close_fds_control(void **state)
{
	moat_policy *closing = load_system("");
	moat_policy *keeping = load_system("[process]\nclose-fds no\n");
	struct moat_fd_map map = {50, 50};
	struct moat_sandbox_options options = {
	        .version = MOAT_SANDBOX_OPTIONS_VERSION, .fd_map = &map, .fd_map_count = 1};
	struct moat_error error;
	moat_child *child;

	(void)state;
	assert_int_equal(dup2(2, 50), 50);
	assert_int_equal(moat_spawn_function(&child, closing, fd_50_open, NULL, NULL, &error), 0);
	assert_int_equal(wait_code(child), 1);
	assert_int_equal(moat_spawn_function(&child, closing, fd_50_open, NULL, &options, &error),
	                 0);
	assert_int_equal(wait_code(child), 0);
	/* Positive control: the check sees an open descriptor where nothing closes it. */
	assert_int_equal(moat_spawn_function(&child, keeping, fd_50_open, NULL, NULL, &error), 0);
	assert_int_equal(wait_code(child), 0);
	close(50);
	moat_policy_free(closing);
	moat_policy_free(keeping);
}

static void bad_maps(void **state)
{
	moat_policy *policy = load_system("");
	struct moat_fd_map twice[2] = {{1, 5}, {2, 5}}, closed = {77, 3}, negative = {1, -1};
	struct moat_fd_map many[65];
	struct moat_sandbox_options options = MOAT_SANDBOX_OPTIONS_INIT;
	struct moat_error error;
	moat_child *child;

	(void)state;
	options.fd_map = twice;
	options.fd_map_count = 2;
	assert_int_equal(moat_spawn_function(&child, policy, fd_50_open, NULL, &options, &error),
	                 -EINVAL);
	options.fd_map = &closed;
	options.fd_map_count = 1;
	assert_int_equal(moat_spawn_function(&child, policy, fd_50_open, NULL, &options, &error),
	                 -EBADF);
	options.fd_map = &negative;
	assert_int_equal(moat_spawn_function(&child, policy, fd_50_open, NULL, &options, &error),
	                 -EBADF);
	for (int i = 0; i < 65; i++)
		many[i] = (struct moat_fd_map){1, 100 + i};
	options.fd_map = many;
	options.fd_map_count = 65;
	assert_int_equal(moat_spawn_function(&child, policy, fd_50_open, NULL, &options, &error),
	                 -EINVAL);
	options.fd_map = NULL;
	options.fd_map_count = 1;
	assert_int_equal(moat_spawn_function(&child, policy, fd_50_open, NULL, &options, &error),
	                 -EINVAL);
	moat_policy_free(policy);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(stdio_pipes_for_a_function_and_a_program),
	        cmocka_unit_test(a_swap_and_the_sources_closed),
	        cmocka_unit_test(close_fds_control),
	        cmocka_unit_test(bad_maps),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
