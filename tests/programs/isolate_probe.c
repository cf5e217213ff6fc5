// SPDX-License-Identifier: MIT
/*
 * Reports on standard output what the isolation tests look at from inside
 * a sandbox, one line per request, in the order given:
 *
 *   isolate_probe pid            "pid N ppid M"
 *   isolate_probe ids            "uid N gid M"
 *   isolate_probe hostname       "hostname NAME"
 *   isolate_probe interfaces     "interface NAME up|down" for each interface
 *   isolate_probe caps           "caps EFF PRM BND AMB" from /proc/self/status
 *   isolate_probe namespaces     "ns NAME INODE" for each of /proc/self/ns/
 *   isolate_probe root           "root ENTRY..." : the names in / (sorted)
 *   isolate_probe read PATH      "read PATH ok|ERRNO"
 *   isolate_probe write PATH     "write PATH ok|ERRNO" (creates or appends)
 *   isolate_probe escape PATH    "escape ROUTE ok|ERRNO" for each way back to
 *                                the host's PATH: proc1 (/proc/1/root), dotdot
 *                                (`..` from /), and fd N for each inherited
 *                                directory descriptor ("escape fd none" if none)
 *   isolate_probe orphan         "orphan reaped|zombie": a grandchild orphaned
 *                                and ended, then whether it is still there
 *   isolate_probe wait-signal    installs handlers, prints "ready", and on
 *                                SIGTERM, SIGHUP, SIGINT or SIGUSR1 prints
 *                                "signal N" and exits 0 (gives up after 10 s)
 *   isolate_probe sleep          prints "ready" and sleeps 30 s
 *   isolate_probe raise N        ends by signal N
 *
 * ERRNO is the symbolic name (EROFS). Exit status 0 unless a request is
 * malformed (2).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *result_of(int failed)
{
	return failed ? strerrorname_np(errno) : "ok";
}

static void report_pid(void)
{
	printf("pid %d ppid %d\n", (int)getpid(), (int)getppid());
}

static void report_ids(void)
{
	printf("uid %u gid %u\n", (unsigned)getuid(), (unsigned)getgid());
}

static void report_hostname(void)
{
	char name[256] = "";

	gethostname(name, sizeof(name) - 1);
	printf("hostname %s\n", name);
}

static void report_interfaces(void)
{
	struct if_nameindex *interfaces = if_nameindex();
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	for (struct if_nameindex *entry = interfaces; entry && entry->if_index; entry++) {
		struct ifreq request = {0};

		snprintf(request.ifr_name, sizeof(request.ifr_name), "%s", entry->if_name);
		ioctl(fd, SIOCGIFFLAGS, &request);
		printf("interface %s %s\n", entry->if_name,
		       request.ifr_flags & IFF_UP ? "up" : "down");
	}
	if (interfaces)
		if_freenameindex(interfaces);
	close(fd);
}

static void report_capabilities(void)
{
	static const char *const fields[] = {"CapEff:", "CapPrm:", "CapBnd:", "CapAmb:"};
	char line[256], values[4][32] = {"?", "?", "?", "?"};
	FILE *status = fopen("/proc/self/status", "re");

	while (status && fgets(line, sizeof(line), status))
		for (size_t i = 0; i < 4; i++)
			if (!strncmp(line, fields[i], strlen(fields[i])))
				sscanf(line + strlen(fields[i]), "%31s", values[i]);
	if (status)
		fclose(status);
	printf("caps %s %s %s %s\n", values[0], values[1], values[2], values[3]);
}

static void report_namespaces(void)
{
	static const char *const names[] = {"user", "mnt", "pid",    "net",
	                                    "ipc",  "uts", "cgroup", "time"};
	char path[64], target[64];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		ssize_t length;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		length = readlink(path, target, sizeof(target) - 1);
		target[length > 0 ? length : 0] = '\0';
		printf("ns %s %s\n", names[i], length > 0 ? target : "?");
	}
}

static int compare_names(const void *left, const void *right)
{
	return strcmp(*(char *const *)left, *(char *const *)right);
}

static void report_root(void)
{
	char *names[256];
	size_t count = 0;
	DIR *directory = opendir("/");
	struct dirent *entry;

	while (directory && (entry = readdir(directory)) && count < 256)
		if (strcmp(entry->d_name, ".") && strcmp(entry->d_name, ".."))
			names[count++] = strdup(entry->d_name);
	if (directory)
		closedir(directory);
	qsort(names, count, sizeof(names[0]), compare_names);
	printf("root");
	for (size_t i = 0; i < count; i++) {
		printf(" %s", names[i]);
		free(names[i]);
	}
	printf("\n");
}

static void report_read(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	printf("read %s %s\n", path, result_of(fd < 0));
	if (fd >= 0)
		close(fd);
}

static void report_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	int failed = fd < 0 || write(fd, "x", 1) != 1;

	printf("write %s %s\n", path, result_of(failed));
	if (fd >= 0)
		close(fd);
}

/* Each way back to the host: /proc/1/root, `..` above /, inherited directories. */
static void report_escape(const char *path)
{
	char through_proc[4096];
	struct stat status;
	bool any_fd = false;
	int fd;

	snprintf(through_proc, sizeof(through_proc), "/proc/1/root%s", path);
	fd = open(through_proc, O_RDONLY | O_CLOEXEC);
	printf("escape proc1 %s\n", result_of(fd < 0));
	if (fd >= 0)
		close(fd);
	if (chdir("/") == 0)
		for (int i = 0; i < 16; i++)
			if (chdir("..") < 0)
				break;
	fd = open(path + 1, O_RDONLY | O_CLOEXEC);
	printf("escape dotdot %s\n", result_of(fd < 0));
	if (fd >= 0)
		close(fd);
	for (int inherited = 3; inherited < 64; inherited++) {
		if (fstat(inherited, &status) < 0 || !S_ISDIR(status.st_mode))
			continue;
		any_fd = true;
		fd = openat(inherited, path + 1, O_RDONLY | O_CLOEXEC);
		printf("escape fd %d %s\n", inherited, result_of(fd < 0));
		if (fd >= 0)
			close(fd);
	}
	if (!any_fd)
		printf("escape fd none\n");
}

static void pause_briefly(void)
{
	struct timespec delay = {0, 10 * 1000 * 1000};

	nanosleep(&delay, NULL);
}

/*
 * A child that forks a grandchild and exits; the grandchild, once
 * reparented, tells its pid and exits. Without an init that reaps it, it
 * stays a zombie.
 */
static void report_orphan(void)
{
	int fds[2];
	pid_t child, grandchild = 0;
	char path[64];

	if (pipe(fds) < 0)
		return;
	child = fork();
	if (child == 0) {
		pid_t parent = getpid();

		if (fork() == 0) {
			pid_t self = getpid();

			while (getppid() == parent)
				pause_briefly();
			if (write(fds[1], &self, sizeof(self)) != sizeof(self))
				_exit(1);
			_exit(0);
		}
		_exit(0);
	}
	waitpid(child, NULL, 0);
	close(fds[1]);
	if (read(fds[0], &grandchild, sizeof(grandchild)) != sizeof(grandchild))
		return;
	snprintf(path, sizeof(path), "/proc/%d", (int)grandchild);
	for (int i = 0; i < 50 && access(path, F_OK) == 0; i++)
		pause_briefly();
	printf("orphan %s\n", access(path, F_OK) == 0 ? "zombie" : "reaped");
}

static void on_signal(int signal)
{
	char line[32];
	int length = snprintf(line, sizeof(line), "signal %d\n", signal);

	if (write(STDOUT_FILENO, line, (size_t)length) != length)
		_exit(1);
	_exit(0);
}

static void wait_for_signal(void)
{
	static const int signals[] = {SIGTERM, SIGHUP, SIGINT, SIGUSR1};

	for (size_t i = 0; i < sizeof(signals) / sizeof(signals[0]); i++)
		signal(signals[i], on_signal);
	printf("ready\n");
	fflush(stdout);
	for (int i = 0; i < 1000; i++)
		pause_briefly();
}

static int request(int argc, char **argv, int *i)
{
	const char *name = argv[*i];
	const char *argument = *i + 1 < argc ? argv[*i + 1] : NULL;
	static const struct {
		const char *name;
		void (*report)(void);
	} simple[] = {
	        {"pid", report_pid},
	        {"ids", report_ids},
	        {"hostname", report_hostname},
	        {"interfaces", report_interfaces},
	        {"caps", report_capabilities},
	        {"namespaces", report_namespaces},
	        {"root", report_root},
	        {"orphan", report_orphan},
	        {"wait-signal", wait_for_signal},
	};

	for (size_t k = 0; k < sizeof(simple) / sizeof(simple[0]); k++)
		if (!strcmp(name, simple[k].name)) {
			simple[k].report();
			return 0;
		}
	if (!strcmp(name, "sleep")) {
		printf("ready\n");
		fflush(stdout);
		sleep(30);
		return 0;
	}
	if (!argument)
		return 2;
	++*i;
	if (!strcmp(name, "read"))
		report_read(argument);
	else if (!strcmp(name, "write"))
		report_write(argument);
	else if (!strcmp(name, "escape"))
		report_escape(argument);
	else if (!strcmp(name, "raise"))
		raise(atoi(argument));
	else
		return 2;
	return 0;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (request(argc, argv, &i)) {
			fprintf(stderr, "%s: bad request '%s'\n", argv[0], argv[i]);
			return 2;
		}
		fflush(stdout);
	}
	return 0;
}
