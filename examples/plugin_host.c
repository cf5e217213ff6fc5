// SPDX-License-Identifier: MIT
/*
 * plugin_host: runs untrusted plugins (shared objects with a function
 * `int plugin_run(const char *input)`) each in a sandbox of its own, and
 * survives whatever a plugin does: crash, loop for ever, allocate without
 * end, try to open files or sockets. For each plugin it prints one line:
 *
 *   PLUGIN: ok: OUTPUT                 the plugin returned 0; OUTPUT is what it printed
 *   PLUGIN: failed with N: STDERR      it returned N
 *   PLUGIN: crashed: signal NAME
 *   PLUGIN: killed by the filter: CALL by FILE:LINE:COL (STATEMENT)
 *   PLUGIN: killed at the cpu limit / at the as limit
 *   PLUGIN: timed out after N ms
 *
 * The plugin is loaded (dlopen) inside the sandbox, so that not even its
 * constructors run outside. The host's process stays single-threaded: the
 * supervisor that reports filter kills is served while waiting.
 *
 *   cc plugin_host.c $(pkg-config --cflags --libs moat) -o plugin_host
 *   ./plugin_host ./good.so ./crash.so
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* sigabbrev_np */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <moat.h>

#define TIMEOUT_MS 10000

/*
 * What a plugin may do: compute, print, read its own directory and the
 * system libraries (dlopen maps them); no other files, no network, no new
 * programs, 1 s of CPU, 64 MiB of address space.
 */
static const char policy_text[] = "moat 1\n"
                                  "[syscalls]\n"
                                  "default kill\n"
                                  "allow @stdio @rpath @prot_exec\n"
                                  "kill @default-deny\n"
                                  "[filesystem]\n"
                                  "exec /usr/lib ?/lib ?/lib64 ?/usr/lib64 ?/usr/local/lib\n"
                                  "exec ${PLUGIN_DIR}\n"
                                  "[limits]\n"
                                  "cpu 1\n"
                                  "as 64M\n";

typedef int plugin_run_fn(const char *input);

/* Runs in the sandbox: load the plugin, call it, return its result. */
static int run_plugin(void *context)
{
	const char *path = context;
	void *plugin = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	plugin_run_fn *run;
	int result;

	if (!plugin) {
		fprintf(stderr, "%s\n", dlerror());
		return 126;
	}
	*(void **)&run = dlsym(plugin, "plugin_run");
	if (!run) {
		fprintf(stderr, "no plugin_run in %s\n", path);
		return 126;
	}
	result = run("moat");
	fflush(stdout);
	fflush(stderr);
	return result;
}

static void read_stream(int fd, char *text, size_t size)
{
	size_t length = 0;
	ssize_t count;

	while (length + 1 < size && (count = read(fd, text + length, size - length - 1)) > 0)
		length += (size_t)count;
	text[length] = '\0';
	text[strcspn(text, "\n")] = '\0';
}

static void report(const char *name, int rc, const struct moat_exit *result, const char *output,
                   const char *errors)
{
	char call[1024];

	printf("%s: ", name);
	if (rc == -ETIMEDOUT) {
		printf("timed out after %d ms\n", TIMEOUT_MS);
		return;
	}
	switch (result->kind) {
	case MOAT_EXIT_EXITED:
		if (result->code == 0)
			printf("ok: %s\n", output);
		else
			printf("failed with %d: %s\n", result->code, errors);
		break;
	case MOAT_EXIT_SIGNALLED:
		printf("crashed: signal %s\n", sigabbrev_np(result->code));
		break;
	case MOAT_EXIT_FILTER_KILLED:
		moat_call_format(result->call.syscall, result->call.args, call, sizeof(call));
		printf("killed by the filter: %s by %s:%u:%u (%s)\n", call, result->call.file,
		       result->call.line, result->call.column, result->call.statement);
		break;
	case MOAT_EXIT_LIMIT:
		printf("killed at the %s limit (%llu ms of CPU, %llu KiB at most)\n", result->limit,
		       (unsigned long long)result->cpu_time_us / 1000,
		       (unsigned long long)result->max_rss_kb);
		break;
	case MOAT_EXIT_TIMEOUT:
		printf("timed out after %d ms\n", TIMEOUT_MS);
		break;
	}
}

/* One plugin, in a sandbox of its own; 0 when the host could run it at all. */
static int host(const char *path, moat_supervisor *supervisor)
{
	char absolute[PATH_MAX], directory[PATH_MAX + 16], output[256], errors[256];
	const char *environment[] = {directory, NULL};
	struct moat_load_options load = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                 .environment = environment};
	struct moat_sandbox_options options = {.version = MOAT_SANDBOX_OPTIONS_VERSION,
	                                       .supervisor = supervisor,
	                                       .report = MOAT_REPORT_KILLS};
	struct moat_stdio_pipes pipes;
	struct moat_exit result;
	struct moat_error error;
	moat_policy *policy;
	moat_child *child;
	int rc;

	if (!realpath(path, absolute)) {
		perror(path);
		return -1;
	}
	snprintf(directory, sizeof(directory), "PLUGIN_DIR=%s", absolute);
	dirname(directory + strlen("PLUGIN_DIR="));
	if (moat_policy_load_string(&policy, "plugin_host.policy", policy_text, strlen(policy_text),
	                            &load, &error) < 0 ||
	    moat_stdio_pipes_open(&pipes, MOAT_STDOUT | MOAT_STDERR, &error) < 0) {
		fprintf(stderr, "plugin_host: %s\n", error.message);
		return -1;
	}
	options.fd_map = pipes.map;
	options.fd_map_count = pipes.map_count;
	/* As before fork(2): what is buffered here would be written again by the copy. */
	fflush(NULL);
	rc = moat_spawn_function(&child, policy, run_plugin, absolute, &options, &error);
	moat_policy_free(policy);
	moat_stdio_pipes_spawned(&pipes);
	if (rc < 0) {
		fprintf(stderr, "plugin_host: %s: %s\n", path, error.message);
		moat_stdio_pipes_close(&pipes);
		return -1;
	}
	rc = moat_child_wait_timeout(child, TIMEOUT_MS, MOAT_WAIT_KILL, &result);
	moat_child_free(child);
	/* The sandbox has ended, every process of it: the pipes are at end of file. */
	read_stream(pipes.parent[1], output, sizeof(output));
	read_stream(pipes.parent[2], errors, sizeof(errors));
	moat_stdio_pipes_close(&pipes);
	if (rc < 0 && rc != -ETIMEDOUT) {
		fprintf(stderr, "plugin_host: %s: %s\n", path, strerror(-rc));
		return -1;
	}
	report(path, rc, &result, output, errors);
	return 0;
}

int main(int argc, char **argv)
{
	moat_supervisor *supervisor;
	struct moat_error error;
	int failed = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PLUGIN.so...\n", argv[0]);
		return 2;
	}
	/* One supervisor for the host's life; it makes this process undumpable. */
	if (moat_supervisor_new(&supervisor, NULL, &error) < 0) {
		fprintf(stderr, "plugin_host: %s\n", error.message);
		return 1;
	}
	for (int i = 1; i < argc; i++)
		failed |= host(argv[i], supervisor) < 0;
	moat_supervisor_free(supervisor);
	return failed;
}
