// SPDX-License-Identifier: MIT
/*
 * moat_features_text(): what the running kernel can enforce, the report
 * `moat features` prints. Every answer comes from asking the kernel (a
 * probe), not from its version number.
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

#include "egress/egress.h"
#include "landlock/landlock.h"
#include "moat.h"
#include "seccomp/abi.h"
#include "util/error.h"

static const char *yes_no(int value)
{
	return value ? "yes" : "no";
}

/* What a policy's [filesystem] and [network] get from this ABI, feature by feature. */
static void print_policy_coverage(FILE *out, const struct moat_landlock_features *features)
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

	fprintf(out, "  what policies get:\n");
	for (size_t i = 0; i < sizeof(coverage) / sizeof(coverage[0]); i++) {
		if (features->abi >= coverage[i].abi)
			fprintf(out, "    %s: Landlock\n", coverage[i].feature);
		else
			fprintf(out, "    %s: needs ABI %d; %s\n", coverage[i].feature,
			        coverage[i].abi, coverage[i].otherwise);
	}
}

static void print_landlock(FILE *out, int abi_limit)
{
	struct moat_landlock_features features = {0};

	if (moat_landlock_probe(&features) < 0 || features.abi == 0) {
		fprintf(out, "landlock: %s\n",
		        features.disabled ? "built in but disabled at boot" : "not available");
		return;
	}
	/* As moat_sandbox_options' limit: never more than the kernel really has. */
	if (abi_limit > 0 && abi_limit < features.abi)
		moat_landlock_features_for_abi(&features, abi_limit);
	fprintf(out, "landlock: abi %d%s\n  filesystem rights:", features.abi,
	        abi_limit > 0 && abi_limit == features.abi ? " (--landlock-abi)" : "");
	for (unsigned bit = 0; bit < 64; bit++) {
		const char *name = moat_landlock_fs_right_name(1ULL << bit);

		if ((features.fs & (1ULL << bit)) && name)
			fprintf(out, " %s", name);
	}
	fprintf(out, "\n  network: %s\n", features.net ? "tcp bind, tcp connect" : "no");
	fprintf(out, "  scopes: %s%s\n", features.scopes & 1 ? "abstract-unix " : "",
	        features.scopes & 2 ? "signal"
	        : features.scopes   ? ""
	                            : "none");
	fprintf(out, "  restrict-self flags: %#x\n", features.restrict_flags);
	print_policy_coverage(out, &features);
}

static int seccomp_call(unsigned operation, unsigned flags, void *argument)
{
	return (int)syscall(SYS_seccomp, operation, flags, argument);
}

static void print_seccomp_actions(FILE *out)
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

	fprintf(out, "seccomp actions:");
	for (size_t i = 0; i < sizeof(actions) / sizeof(actions[0]); i++) {
		unsigned action = actions[i].action;

		if (seccomp_call(SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0)
			fprintf(out, " %s", actions[i].name);
	}
	fprintf(out, "\n");
}

/* A filter flag the kernel knows fails with EFAULT on a NULL program, one it does not with EINVAL.
 */
static void print_seccomp_flags(FILE *out)
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

	fprintf(out, "seccomp filter flags:");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (seccomp_call(SECCOMP_SET_MODE_FILTER, (unsigned)flags[i].flag, NULL) < 0 &&
		    errno == EFAULT)
			fprintf(out, " %s", flags[i].name);
	}
	fprintf(out, "\n");
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

static void print_user_notify(FILE *out)
{
	unsigned short sizes[3];
	int sync = probe_sync_wake_up();

	fprintf(out, "user notification: %s",
	        yes_no(seccomp_call(SECCOMP_GET_NOTIF_SIZES, 0, sizes) == 0));
	fprintf(out, " (synchronous wake-up: %s)\n", sync == 0 ? "yes" : "no");
}

static void print_namespaces(FILE *out)
{
	static const char *const names[] = {"user", "mnt", "pid",    "net",
	                                    "ipc",  "uts", "cgroup", "time"};
	static const char *const shown[] = {"user", "mount", "pid",    "net",
	                                    "ipc",  "uts",   "cgroup", "time"};
	char path[64];
	struct stat status;

	fprintf(out, "namespaces:");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "/proc/self/ns/%s", names[i]);
		if (stat(path, &status) == 0)
			fprintf(out, " %s", shown[i]);
	}
	fprintf(out, "\n");
}

/* Tried for real: a child that is (or becomes) uid 65534 creates a user namespace. */
static void print_unprivileged(FILE *out)
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
	fprintf(out, "unprivileged user namespaces: %s\n",
	        yes_no(child > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0));
}

/* The whole set-up, tried for real: a cgroup made, the programs loaded and attached, removed. */
static void print_egress(FILE *out)
{
	struct moat_error error = {0};

	if (moat_egress_built_in(&error) < 0)
		fprintf(out, "network egress rules: not built in (%s)\n", error.message);
	else if (moat_egress_probe(&error) == 0)
		fprintf(out, "network egress rules: yes (cgroup v2, cgroup BPF programs)\n");
	else
		fprintf(out, "network egress rules: no (%s)\n", error.message);
}

int moat_features_text(char **text, int landlock_abi_limit, struct moat_error *error)
{
	size_t size = 0;
	FILE *out;
	int failed;

	if (!text)
		return moat_error_set(error, -EINVAL, "no text given");
	out = open_memstream(text, &size);
	if (!out)
		return moat_error_set(error, -ENOMEM, "out of memory");
	print_landlock(out, landlock_abi_limit);
	print_seccomp_actions(out);
	print_seccomp_flags(out);
	print_user_notify(out);
	print_namespaces(out);
	print_unprivileged(out);
	print_egress(out);
	failed = ferror(out);
	if (fclose(out) != 0 || failed) {
		free(*text);
		*text = NULL;
		return moat_error_set(error, -ENOMEM, "out of memory");
	}
	return 0;
}
