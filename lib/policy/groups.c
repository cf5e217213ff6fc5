// SPDX-License-Identifier: MIT
/*
 * The built-in syscall groups. docs/groups.md explains every member; its
 * member lists must match these tables exactly (tests/unit/test_groups.c
 * compares them), so change both together.
 *
 * Rules the tables keep, each checked by the unit test:
 *  - no group names clone3: unless a policy names it, clone3 answers ENOSYS
 *    so that libc falls back to clone, whose flags a filter can see;
 *  - no group but @default-deny grants a syscall that @default-deny holds;
 *  - no clone member lets a namespace be created, and no ioctl member lets
 *    TIOCSTI or TIOCLINUX through;
 *  - only @watch has inotify, and no group has fanotify: Landlock does not
 *    confine either, so a group that reads the filesystem must not hold them;
 *  - groups are sorted by name, and each syscall appears once per group;
 *  - every member is a syscall of some architecture moat supports: a policy
 *    resolved for one architecture keeps the members it has (no open on
 *    aarch64, no arch_prctl on riscv64, riscv_hwprobe on riscv64 alone).
 */
#include "policy/groups.h"
#include "util/text.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MEMBERS(array) array, sizeof(array) / sizeof((array)[0])

/* clone flags that create namespaces (CLONE_NEWTIME cannot reach clone). */
#define NO_NEW_NAMESPACES                                                                          \
	"arg0 & CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | "    \
	"CLONE_NEWPID | CLONE_NEWNET == 0"

/* open(2) flags of an open that creates nothing and writes nothing. */
#define READ_ONLY_OPEN(arg)                                                                        \
	arg " & O_ACCMODE == O_RDONLY && " arg " & O_CREAT == 0 && " arg " & O_TRUNC == 0"

/* An open that writes to or truncates an existing file. */
#define WRITE_OPEN(arg)                                                                            \
	arg " & O_ACCMODE != O_RDONLY && " arg " & O_CREAT == 0 && " arg                           \
	    " & O_TMPFILE != O_TMPFILE || " arg " & O_TRUNC == O_TRUNC && " arg                    \
	    " & O_CREAT == 0 && " arg " & O_TMPFILE != O_TMPFILE"

/* An open that creates a file, named (O_CREAT) or not (O_TMPFILE). */
#define CREATE_OPEN(arg) arg " & O_CREAT == O_CREAT || " arg " & O_TMPFILE == O_TMPFILE"

/* Read-only ioctls that every program may make on its descriptors. */
/*
 * TCP Fast Open connects from sendto, sendmsg and sendmmsg, which Landlock's
 * `connect tcp` rules do not see and the connect broker never hears of: the
 * groups grant sending only without it.
 */
#define NO_FAST_OPEN(flags) flags " & MSG_FASTOPEN == 0"

#define STDIO_IOCTLS "FIONREAD, FIONBIO, FIOCLEX, FIONCLEX, TCGETS, TIOCGWINSZ, TIOCGPGRP"

/*
 * IPv4 and IPv6 stream and datagram sockets of the ordinary protocols (0 is
 * the family's default: TCP for streams, UDP for datagrams).
 */
#define TCP_UDP_SOCKETS                                                                            \
	"arg0 == AF_INET && arg1 & 0xf == SOCK_STREAM && arg2 in {0, IPPROTO_TCP} || "             \
	"arg0 == AF_INET6 && arg1 & 0xf == SOCK_STREAM && arg2 in {0, IPPROTO_TCP} || "            \
	"arg0 == AF_INET && arg1 & 0xf == SOCK_DGRAM && arg2 in {0, IPPROTO_UDP} || "              \
	"arg0 == AF_INET6 && arg1 & 0xf == SOCK_DGRAM && arg2 in {0, IPPROTO_UDP}"

static const struct moat_group_member cpath_members[] = {
        {"open", CREATE_OPEN("arg1")},
        {"openat", CREATE_OPEN("arg2")},
        {"creat"},
        {"mkdir"},
        {"mkdirat"},
        {"rmdir"},
        {"unlink"},
        {"unlinkat"},
        {"rename"},
        {"renameat"},
        {"renameat2"},
        {"link"},
        {"linkat"},
        {"symlink"},
        {"symlinkat"},
};

static const struct moat_group_member default_deny_members[] = {
        /* mounts and the root directory */
        {"mount"},
        {"umount2"},
        {"mount_setattr"},
        {"move_mount"},
        {"open_tree"},
        {"open_tree_attr"},
        {"fsopen"},
        {"fsconfig"},
        {"fsmount"},
        {"fspick"},
        {"pivot_root"},
        {"chroot"},
        /* namespaces */
        {"unshare"},
        {"setns"},
        /* other processes' memory and descriptors */
        {"ptrace"},
        {"process_vm_readv"},
        {"process_vm_writev"},
        {"process_madvise"},
        {"pidfd_getfd"},
        {"kcmp"},
        /* kernel attack surface and kernel state */
        {"bpf"},
        {"perf_event_open"},
        {"userfaultfd"},
        {"io_uring_setup"},
        {"io_uring_enter"},
        {"io_uring_register"},
        {"keyctl"},
        {"add_key"},
        {"request_key"},
        {"open_by_handle_at"},
        {"kexec_load"},
        {"kexec_file_load"},
        {"init_module"},
        {"finit_module"},
        {"delete_module"},
        {"personality", "arg0 != PER_LINUX && arg0 != PER_LINUX32 && arg0 != 0xffffffff"},
        {"modify_ldt"},
        {"iopl"},
        {"ioperm"},
        {"uselib"},
        {"_sysctl"},
        {"nfsservctl"},
        {"lookup_dcookie"},
        {"syslog"},
        {"lsm_set_self_attr"},
        /* the machine */
        {"reboot"},
        {"swapon"},
        {"swapoff"},
        {"acct"},
        {"quotactl"},
        {"quotactl_fd"},
        {"sethostname"},
        {"setdomainname"},
        {"vhangup"},
        {"settimeofday"},
        {"clock_settime"},
        {"clock_adjtime"},
        {"adjtimex"},
};

static const struct moat_group_member dns_members[] = {
        {"socket",
         TCP_UDP_SOCKETS " || "
                         "arg0 == AF_NETLINK && arg1 & 0xf == SOCK_RAW && arg2 == NETLINK_ROUTE"},
        {"connect"},
        {"bind"},
        {"getsockname"},
        {"setsockopt"},
        {"sendto", NO_FAST_OPEN("arg3")},
        {"sendmmsg", NO_FAST_OPEN("arg3")},
        {"recvfrom"},
        {"recvmsg"},
};

static const struct moat_group_member dpath_members[] = {
        {"mknod"},
        {"mknodat"},
};

static const struct moat_group_member exec_members[] = {
        {"execve"},
        {"execveat"},
};

static const struct moat_group_member fattr_members[] = {
        {"chmod"},        {"fchmod"},
        {"fchmodat"},     {"fchmodat2"},
        {"chown"},        {"fchown"},
        {"fchownat"},     {"lchown"},
        {"utime"},        {"utimes"},
        {"futimesat"},    {"utimensat"},
        {"setxattr"},     {"lsetxattr"},
        {"fsetxattr"},    {"setxattrat"},
        {"removexattr"},  {"lremovexattr"},
        {"fremovexattr"}, {"removexattrat"},
        {"file_setattr"}, {"ioctl", "arg1 in {FS_IOC_SETFLAGS, FS_IOC_FSSETXATTR}"},
};

static const struct moat_group_member flock_members[] = {
        {"flock"},
        {"fcntl", "arg1 in {F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW}"},
};

static const struct moat_group_member id_members[] = {
        {"setuid"},
        {"setgid"},
        {"setreuid"},
        {"setregid"},
        {"setresuid"},
        {"setresgid"},
        {"setfsuid"},
        {"setfsgid"},
        {"setgroups"},
        {"capset"},
        {"prctl", "arg0 in {PR_SET_KEEPCAPS, PR_SET_SECUREBITS, PR_CAPBSET_DROP, PR_CAP_AMBIENT}"},
};

static const struct moat_group_member inet_members[] = {
        {"socket",
         TCP_UDP_SOCKETS " || "
                         "arg0 == AF_INET && arg1 & 0xf == SOCK_DGRAM && arg2 == IPPROTO_ICMP || "
                         "arg0 == AF_INET6 && arg1 & 0xf == SOCK_DGRAM && arg2 == IPPROTO_ICMPV6"},
        {"connect"},
        {"bind"},
        {"listen"},
        {"accept"},
        {"accept4"},
        {"getsockname"},
        {"getpeername"},
        {"getsockopt"},
        {"setsockopt"},
        {"sendto", NO_FAST_OPEN("arg3")},
        {"sendmsg", NO_FAST_OPEN("arg2")},
        {"sendmmsg", NO_FAST_OPEN("arg3")},
        {"recvfrom"},
        {"recvmsg"},
        {"recvmmsg"},
        {"shutdown"},
};

static const struct moat_group_member proc_members[] = {
        {"fork"},
        {"vfork"},
        {"clone", NO_NEW_NAMESPACES},
        {"wait4"},
        {"waitid"},
        {"kill"},
        {"tkill"},
        {"rt_sigqueueinfo"},
        {"rt_tgsigqueueinfo"},
        {"pidfd_open"},
        {"pidfd_send_signal"},
        {"setpgid"},
        {"setsid"},
        {"setpriority"},
        {"sched_setaffinity"},
        {"sched_setparam"},
        {"sched_setscheduler"},
        {"sched_setattr"},
        {"ioprio_get"},
        {"ioprio_set"},
        {"prctl", "arg0 == PR_SET_CHILD_SUBREAPER"},
};

static const struct moat_group_member prot_exec_members[] = {
        {"mmap"}, {"mprotect"}, {"pkey_mprotect"}, {"memfd_create"}, {"riscv_flush_icache"},
};

static const struct moat_group_member recvfd_members[] = {
        {"recvmsg"},
        {"recvmmsg"},
};

static const struct moat_group_member rpath_members[] = {
        {"open", READ_ONLY_OPEN("arg1")},
        {"openat", READ_ONLY_OPEN("arg2")},
        {"stat"},
        {"lstat"},
        {"newfstatat"},
        {"statx"},
        {"statfs"},
        {"access"},
        {"faccessat"},
        {"faccessat2"},
        {"readlink"},
        {"readlinkat"},
        {"getcwd"},
        {"chdir"},
        {"fchdir"},
        {"getxattr"},
        {"lgetxattr"},
        {"fgetxattr"},
        {"getxattrat"},
        {"listxattr"},
        {"llistxattr"},
        {"flistxattr"},
        {"listxattrat"},
        {"file_getattr"},
        {"ioctl", "arg1 in {FS_IOC_GETFLAGS, FS_IOC_FSGETXATTR}"},
};

static const struct moat_group_member sendfd_members[] = {
        {"sendmsg", NO_FAST_OPEN("arg2")},
        {"sendmmsg", NO_FAST_OPEN("arg3")},
};

static const struct moat_group_member stdio_members[] = {
        /* open descriptors */
        {"read"},
        {"write"},
        {"readv"},
        {"writev"},
        {"pread64"},
        {"pwrite64"},
        {"preadv"},
        {"pwritev"},
        {"preadv2"},
        {"pwritev2"},
        {"lseek"},
        {"sendfile"},
        {"splice"},
        {"tee"},
        {"copy_file_range"},
        {"fsync"},
        {"fdatasync"},
        {"ftruncate"},
        {"fallocate"},
        {"fadvise64"},
        {"readahead"},
        {"close"},
        {"close_range"},
        {"dup"},
        {"dup2"},
        {"dup3"},
        {"fcntl", "arg1 in {F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD, F_GETFL, F_SETFL, "
                  "F_GETPIPE_SZ, F_SETPIPE_SZ, F_ADD_SEALS, F_GET_SEALS}"},
        {"ioctl", "arg1 in {" STDIO_IOCTLS "}"},
        {"fstat"},
        {"newfstatat", "arg3 & AT_EMPTY_PATH == AT_EMPTY_PATH"},
        {"statx", "arg2 & AT_EMPTY_PATH == AT_EMPTY_PATH"},
        {"fstatfs"},
        {"getdents"},
        {"getdents64"},
        {"pipe"},
        {"pipe2"},
        {"poll"},
        {"ppoll"},
        {"select"},
        {"pselect6"},
        {"epoll_create"},
        {"epoll_create1"},
        {"epoll_ctl"},
        {"epoll_wait"},
        {"epoll_pwait"},
        {"epoll_pwait2"},
        {"eventfd"},
        {"eventfd2"},
        {"signalfd"},
        {"signalfd4"},
        {"timerfd_create"},
        {"timerfd_settime"},
        {"timerfd_gettime"},
        {"socketpair", "arg0 == AF_UNIX"},
        {"sendto", NO_FAST_OPEN("arg3")},
        {"recvfrom"},
        {"shutdown"},
        {"getsockname"},
        {"getpeername"},
        /* memory */
        {"brk"},
        {"mmap", "arg2 & PROT_EXEC == 0"},
        {"mprotect", "arg2 & PROT_EXEC == 0"},
        {"munmap"},
        {"mremap"},
        {"madvise"},
        {"msync"},
        {"mincore"},
        {"mlock"},
        {"mlock2"},
        {"munlock"},
        {"mlockall"},
        {"munlockall"},
        {"membarrier"},
        {"mseal"},
        {"map_shadow_stack"},
        {"pkey_alloc"},
        {"pkey_free"},
        {"pkey_mprotect", "arg2 & PROT_EXEC == 0"},
        {"memfd_create", "arg1 & MFD_NOEXEC_SEAL == MFD_NOEXEC_SEAL"},
        /* threads */
        {"clone", "arg0 & CLONE_THREAD == CLONE_THREAD && " NO_NEW_NAMESPACES},
        {"set_robust_list"},
        {"set_tid_address"},
        {"rseq"},
        {"arch_prctl"},
        {"riscv_hwprobe"},
        {"futex"},
        {"futex_waitv"},
        {"futex_wake"},
        {"futex_wait"},
        {"futex_requeue"},
        {"sched_yield"},
        {"tgkill"},
        {"exit"},
        {"exit_group"},
        {"restart_syscall"},
        /* signals */
        {"rt_sigaction"},
        {"rt_sigprocmask"},
        {"rt_sigreturn"},
        {"rt_sigpending"},
        {"rt_sigtimedwait"},
        {"rt_sigsuspend"},
        {"sigaltstack"},
        {"pause"},
        {"alarm"},
        {"getitimer"},
        {"setitimer"},
        {"timer_create"},
        {"timer_settime"},
        {"timer_gettime"},
        {"timer_getoverrun"},
        {"timer_delete"},
        /* time */
        {"clock_gettime"},
        {"clock_getres"},
        {"clock_nanosleep"},
        {"nanosleep"},
        {"gettimeofday"},
        {"time"},
        {"times"},
        /* the process and the system */
        {"getpid"},
        {"getppid"},
        {"gettid"},
        {"getuid"},
        {"geteuid"},
        {"getgid"},
        {"getegid"},
        {"getresuid"},
        {"getresgid"},
        {"getgroups"},
        {"getpgrp"},
        {"getpgid"},
        {"getsid"},
        {"capget"},
        {"getrlimit"},
        {"setrlimit"},
        {"prlimit64", "arg0 == 0"},
        {"getrusage"},
        {"getpriority"},
        {"sched_getaffinity"},
        {"sched_getparam"},
        {"sched_getscheduler"},
        {"sched_getattr"},
        {"sched_get_priority_max"},
        {"sched_get_priority_min"},
        {"sched_rr_get_interval"},
        {"uname"},
        {"sysinfo"},
        {"getcpu"},
        {"getrandom"},
        {"umask"},
        {"prctl", "arg0 in {PR_SET_NAME, PR_GET_NAME, PR_SET_PDEATHSIG, PR_GET_PDEATHSIG, "
                  "PR_GET_DUMPABLE, PR_GET_KEEPCAPS, PR_GET_SECUREBITS, PR_CAPBSET_READ, "
                  "PR_GET_NO_NEW_PRIVS, PR_SET_NO_NEW_PRIVS, PR_GET_SECCOMP, PR_GET_TIMERSLACK, "
                  "PR_SET_TIMERSLACK, PR_GET_THP_DISABLE, PR_SET_THP_DISABLE, "
                  "PR_GET_CHILD_SUBREAPER, PR_GET_TID_ADDRESS, PR_GET_SPECULATION_CTRL, "
                  "PR_SET_VMA, PR_GET_AUXV, PR_SET_MDWE, PR_GET_MDWE}"},
};

static const struct moat_group_member tty_members[] = {
        {"ioctl", "arg1 in {TCGETS, TCSETS, TCSETSW, TCSETSF, TCGETS2, TCSETS2, TCSETSW2, "
                  "TCSETSF2, TCSBRK, TCSBRKP, TCXONC, TCFLSH, TIOCGWINSZ, TIOCSWINSZ, "
                  "TIOCGPGRP, TIOCSPGRP, TIOCGSID, TIOCOUTQ, TIOCSCTTY, TIOCNOTTY, TIOCGPTN, "
                  "TIOCSPTLCK, TIOCGPTPEER}"},
};

static const struct moat_group_member unix_members[] = {
        {"socket", "arg0 == AF_UNIX"},
        {"socketpair", "arg0 == AF_UNIX"},
        {"connect"},
        {"bind"},
        {"listen"},
        {"accept"},
        {"accept4"},
        {"getsockname"},
        {"getpeername"},
        {"getsockopt"},
        {"setsockopt"},
        {"sendto", NO_FAST_OPEN("arg3")},
        {"recvfrom"},
        {"shutdown"},
};

/*
 * inotify apart from @rpath: Landlock does not check inotify_add_watch, so a
 * watch reaches any directory the program can look up, granted or not, and
 * tells it the names created there and when files are opened and written.
 */
static const struct moat_group_member watch_members[] = {
        {"inotify_init"},
        {"inotify_init1"},
        {"inotify_add_watch"},
        {"inotify_rm_watch"},
};

static const struct moat_group_member wpath_members[] = {
        {"open", WRITE_OPEN("arg1")},
        {"openat", WRITE_OPEN("arg2")},
        {"truncate"},
        {"ioctl", "arg1 in {FICLONE, FICLONERANGE}"},
        {"utimensat", "arg1 == 0 && arg2 == 0"},
};

/* Sorted by name in strcmp() order: moat_group_find() searches it. */
static const struct moat_group groups[] = {
        {"cpath", "create, rename and remove files and directories", MEMBERS(cpath_members)},
        {"default-deny",
         "syscalls no sandboxed program should get: mounts, namespaces, ptrace, bpf, kernel "
         "modules, keyrings, io_uring and more",
         MEMBERS(default_deny_members)},
        {"dns", "resolve host names: UDP and TCP to name servers, the netlink query of getaddrinfo",
         MEMBERS(dns_members)},
        {"dpath", "create special files: FIFOs, sockets, device nodes", MEMBERS(dpath_members)},
        {"exec", "execute programs, including the one `moat run` starts", MEMBERS(exec_members)},
        {"fattr", "change file modes, owners, times and extended attributes",
         MEMBERS(fattr_members)},
        {"flock", "file locks: flock and fcntl record locks", MEMBERS(flock_members)},
        {"id", "change user and group ids and capabilities", MEMBERS(id_members)},
        {"inet", "IPv4 and IPv6 sockets: TCP, UDP and ICMP echo", MEMBERS(inet_members)},
        {"proc", "create and manage processes: fork, wait, signals, sessions, scheduling",
         MEMBERS(proc_members)},
        {"prot_exec", "executable memory: mmap and mprotect with PROT_EXEC, any memfd",
         MEMBERS(prot_exec_members)},
        {"recvfd", "receive messages that may carry descriptors: recvmsg, recvmmsg",
         MEMBERS(recvfd_members)},
        {"rpath", "read the filesystem: open read-only, stat, access, readlink, chdir, xattrs",
         MEMBERS(rpath_members)},
        {"sendfd", "send messages that may carry descriptors: sendmsg, sendmmsg",
         MEMBERS(sendfd_members)},
        {"stdio",
         "work on open descriptors, memory without PROT_EXEC, threads, signals, time, process "
         "information",
         MEMBERS(stdio_members)},
        {"tty", "terminal ioctls: termios, window size, foreground group, pseudo-terminals",
         MEMBERS(tty_members)},
        {"unix", "unix-domain sockets: socket, socketpair, connect, bind, listen, accept",
         MEMBERS(unix_members)},
        {"watch",
         "inotify: watch any path the program can look up, which Landlock does not confine",
         MEMBERS(watch_members)},
        {"wpath", "open existing files for writing or truncation, truncate",
         MEMBERS(wpath_members)},
};

#define GROUP_COUNT (sizeof(groups) / sizeof(groups[0]))

static int compare_group_name(const void *key, const void *element)
{
	return strcmp(key, ((const struct moat_group *)element)->name);
}

const struct moat_group *moat_group_find(const char *name)
{
	if (!name)
		return NULL;
	return bsearch(name, groups, GROUP_COUNT, sizeof(groups[0]), compare_group_name);
}

size_t moat_group_count(void)
{
	return GROUP_COUNT;
}

const struct moat_group *moat_group_at(size_t index)
{
	return index < GROUP_COUNT ? &groups[index] : NULL;
}

const char *moat_group_suggest(const char *name)
{
	const char *best = NULL;
	size_t best_distance = SIZE_MAX;
	size_t length;

	if (!name)
		return NULL;
	length = strlen(name);
	if (length > MOAT_TYPO_LENGTH_MAX)
		return NULL;
	for (size_t i = 0; i < GROUP_COUNT; i++) {
		size_t candidate_length = strlen(groups[i].name);
		/* One typo per three letters, at most two: "ip" is not "id". */
		size_t allowed = candidate_length / 3 < 2 ? candidate_length / 3 : 2;
		size_t distance;

		if (candidate_length > MOAT_TYPO_LENGTH_MAX ||
		    length + allowed < candidate_length || candidate_length + allowed < length)
			continue;
		distance = moat_typo_distance(name, groups[i].name, allowed);
		if (distance <= allowed && distance < best_distance) {
			best = groups[i].name;
			best_distance = distance;
		}
	}
	return best;
}
