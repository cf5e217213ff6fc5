// SPDX-License-Identifier: MIT
/*
 * moat features: what the running kernel can enforce. Every answer comes
 * from asking the kernel (a probe), not from its version number.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <grp.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "closures.h"
#include "commands.h"
#include "egress/egress.h"
#include "landlock/landlock.h"
#include "moat.h"
#include "seccomp/abi.h"

void moat_command_features_usage(FILE *stream)
{
	fprintf(stream, "usage: moat features [--landlock-abi N]\n\n"
	                "Prints what the running kernel can enforce: the Landlock ABI and its\n"
	                "rights, what a policy gets of each feature on it, seccomp actions and\n"
	                "flags, user notification, namespaces, whether an unprivileged user\n"
	                "can create a user namespace, and whether [network] egress rules work\n"
	                "for the caller. With --landlock-abi, as if the kernel had at most\n"
	                "Landlock ABI N.\n");
}

static const char *yes_no(int value)
{
	return value ? "yes" : "no";
}

/* What a policy's [filesystem] and [network] get from this ABI, feature by feature. */
static void print_policy_coverage(const struct moat_landlock_features *features)
{
	static const struct {
		const char *feature;
		int abi;
		const char *otherwise;
	} coverage[] = {
	        {"read, write, exec, make-*, remove-*", 1, "not restricted: compat strict refuses"},
	        {"refer", 2, "denied everywhere, also within write grants (EXDEV)"},
	        {"truncate", 3,
	         "seccomp refuses truncate(2), O_RDONLY|O_TRUNC and openat2 when no rule grants "
	         "truncate; open otherwise; strict refuses `allow truncate`"},
	        {"connect tcp, bind tcp", 4,
	         "`none` is held by the seccomp filter (socket refused) when the policy refuses "
	         "TCP sockets, or both are `none` and seccomp refuses them; strict refuses a port "
	         "list"},
	        {"ioctl-dev", 5,
	         "seccomp lets only harmless ioctl commands through; strict refuses `allow "
	         "ioctl-dev` and gives up `allow ioctl-dev?`"},
	        {"scope signal", 6,
	         "held by the PID namespace (moat run gives one with die-with-parent); strict "
	         "refuses it without one"},
	        {"scope abstract-unix", 6,
	         "held by the network namespace (`unshare net`), or by the seccomp filter "
	         "(socket refused) when the policy refuses unix sockets (seccomp then refuses "
	         "unix datagram pairs); strict refuses it otherwise"},
	};

	printf("  what policies get:\n");
	for (size_t i = 0; i < sizeof(coverage) / sizeof(coverage[0]); i++) {
		if (features->abi >= coverage[i].abi)
			printf("    %s: Landlock\n", coverage[i].feature);
		else
			printf("    %s: needs ABI %d; %s\n", coverage[i].feature, coverage[i].abi,
			       coverage[i].otherwise);
	}
}

static void print_landlock(int abi_limit)
{
	struct moat_landlock_features features;

	if (moat_command_kernel_features(&features, abi_limit) < 0 || features.abi == 0) {
		printf("landlock: %s\n",
		       features.disabled ? "built in but disabled at boot" : "not available");
		return;
	}
	printf("landlock: abi %d%s\n  filesystem rights:", features.abi,
	       abi_limit > 0 && abi_limit == features.abi ? " (--landlock-abi)" : "");
	for (unsigned bit = 0; bit < 64; bit++) {
		const char *name = moat_landlock_fs_right_name(1ULL << bit);

		if ((features.fs & (1ULL << bit)) && name)
			printf(" %s", name);
	}
	printf("\n  network: %s\n", features.net ? "tcp bind, tcp connect" : "no");
	printf("  scopes: %s%s\n", features.scopes & 1 ? "abstract-unix " : "",
	       features.scopes & 2 ? "signal"
	       : features.scopes   ? ""
	                           : "none");
	printf("  restrict-self flags: %#x\n", features.restrict_flags);
	print_policy_coverage(&features);
}

static int seccomp_call(unsigned operation, unsigned flags, void *argument)
{
	return (int)syscall(SYS_seccomp, operation, flags, argument);
}

static void print_seccomp_actions(void)
{
	static const struct {
		const char *name;
		unsigned action;
	} actions[] = {
	        {"kill-process", SECCOMP_RET_KILL_PROCESS},
	        {"kill-thread", SECCOMP_RET_KILL_THREAD},
	        {"trap", SECCOMP_RET_TRAP},
	        {"errno", SECCOMP_RET_ERRNO},
	        {"notify", SECCOMP_RET_USER_NOTIF},
	        {"trace", SECCOMP_RET_TRACE},
	        {"log", SECCOMP_RET_LOG},
	        {"allow", SECCOMP_RET_ALLOW},
	};

	printf("seccomp actions:");
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		unsigned action = actions[i].action;

		if (seccomp_call(SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0)
			printf(" %s", actions[i].name);
	}
	printf("\n");
}

/* A filter flag the kernel knows fails with EFAULT on a NULL program, one it does not with EINVAL.
 */
static void print_seccomp_flags(void)
{
	static const struct {
		const char *name;
		unsigned long flag;
	} flags[] = {
	        {"tsync", SECCOMP_FILTER_FLAG_TSYNC},
	        {"log", SECCOMP_FILTER_FLAG_LOG},
	        {"spec-allow", SECCOMP_FILTER_FLAG_SPEC_ALLOW},
	        {"new-listener", SECCOMP_FILTER_FLAG_NEW_LISTENER},
	        {"tsync-esrch", SECCOMP_FILTER_FLAG_TSYNC_ESRCH},
	        /* The kernel accepts this one only together with a listener. */
	        {"wait-killable-recv",
	         SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV | SECCOMP_FILTER_FLAG_NEW_LISTENER},
	};

	printf("seccomp filter flags:");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (seccomp_call(SECCOMP_SET_MODE_FILTER, (unsigned)flags[i].flag, NULL) < 0 &&
		    errno == EFAULT)
			printf(" %s", flags[i].name);
	}
	printf("\n");
}

/*
 * Whether a listener accepts the synchronous wake-up flag (Linux 6.6): only
 * a real listener can say, so a child makes one and reports in its status.
 */
static int probe_sync_wake_up(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog program = {1, &allow};
	int status = 0;
	pid_t child = fork();

	if (child == 0) {
		int listener;

		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		listener = seccomp_call(SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
		                        &program);
		if (listener < 0)
			_exit(2);
		_exit(ioctl(listener, SECCOMP_IOCTL_NOTIF_SET_FLAGS,
		            SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP) == 0
		              ? 0
		              : 1);
	}
	if (child < 0 || waitpid(child, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void print_user_notify(void)
{
	unsigned short sizes[3];
	int sync = probe_sync_wake_up();

	printf("user notification: %s",
	       yes_no(seccomp_call(SECCOMP_GET_NOTIF_SIZES, 0, sizes) == 0));
	printf(" (synchronous wake-up: %s)\n", sync == 0 ? "yes" : "no");
}

static void print_namespaces(void)
{
	static const char *const names[] = {"user", "mnt", "pid",    "net",
	                                    "ipc",  "uts", "cgroup", "time"};
	static const char *const shown[] = {"user", "mount", "pid",    "net",
	                                    "ipc",  "uts",   "cgroup", "time"};
	char path[64];
	struct stat status;

	printf("namespaces:");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		if (stat(path, &status) == 0)
			printf(" %s", shown[i]);
	}
	printf("\n");
}

/* Tried for real: a child that is (or becomes) uid 65534 creates a user namespace. */
static void print_unprivileged(void)
{
	int status = 0;
	pid_t child = fork();

	if (child == 0) {
		if (geteuid() == 0 &&
		    (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 ||
		     setresuid(65534, 65534, 65534) < 0))
			_exit(2);
		_exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
	}
	if (child > 0)
		waitpid(child, &status, 0);
	printf("unprivileged user namespaces: %s\n",
	       yes_no(child > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

/* The whole set-up, tried for real: a cgroup made, the programs loaded and attached, removed. */
static void print_egress(void)
{
	struct moat_error error = {0};

	if (moat_egress_probe(&error) == 0)
		printf("network egress rules: yes (cgroup v2, cgroup BPF programs)\n");
	else
		printf("network egress rules: no (%s)\n", error.message);
}

int moat_command_features(int argc, char **argv)
{
	int abi_limit = 0;

	if (argc == 3 && !strcmp(argv[1], "--landlock-abi")) {
		abi_limit = atoi(argv[2]);
	} else if (argc > 1) {
		moat_command_error("features takes no arguments but --landlock-abi N");
		return MOAT_EXIT_USAGE;
	}
	print_landlock(abi_limit);
	print_seccomp_actions();
	print_seccomp_flags();
	print_user_notify();
	print_namespaces();
	print_unprivileged();
	print_egress();
	return 0;
}
