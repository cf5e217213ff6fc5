#!/bin/bash
# SPDX-License-Identifier: MIT
#
# Generates lib/syscalls/table_ARCH.c for every architecture moat supports
# (x86_64, aarch64, riscv64): the syscall tables moat compiles in. Every
# table is built into every moat, so that `moat compile --arch` can build a
# filter for another architecture than the one moat runs on.
#
#   tools/gen-syscall-table.sh [OUTPUT_DIRECTORY]   (default: lib/syscalls)
#
# Inputs:
#   - libseccomp's table of each architecture (every name it resolves to a
#     native number), read through a small program built against the
#     installed libseccomp;
#   - the EXTRAS below: syscalls newer than that libseccomp, with their
#     numbers from the kernel's tables (arch/x86/entry/syscalls/syscall_64.tbl
#     for x86_64, scripts/syscall.tbl with the ABIs that
#     arch/arm64/kernel/Makefile.syscalls and arch/riscv/kernel/Makefile.syscalls
#     select for aarch64 and riscv64);
#   - PROTOTYPES below: each syscall's parameter list as the kernel declares
#     it, from which the width of every argument is derived. The widths are
#     the same on every architecture: all three are LP64, and their syscall
#     wrappers cast each 64-bit register to the declared type alike.
#
# Each row holds its name in a char array of MOAT_SYSCALL_NAME_SIZE bytes
# (lib/syscalls/table.h), not a pointer, so that the tables need no
# relocation at start-up and stay read-only.
#
# The script refuses to write a table when an extra contradicts libseccomp,
# a number is not a native one (x32 numbers are 512 and up), a syscall has
# no prototype, a prototype names a syscall of no architecture, a name does
# not fit in MOAT_SYSCALL_NAME_SIZE with its NUL, or a parameter type has no
# known width. Needs bash, a C compiler, pkg-config,
# libseccomp headers and a POSIX awk; clang-format, when present, formats the
# output.

set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
output_directory=${1:-$root/lib/syscalls}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/dump.c" <<'EOF'
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv)
{
	const struct scmp_version *version = seccomp_version();
	uint32_t arch = argc < 2                         ? 0
	                : strcmp(argv[1], "x86_64") == 0 ? SCMP_ARCH_X86_64
	                : strcmp(argv[1], "aarch64") == 0 ? SCMP_ARCH_AARCH64
	                : strcmp(argv[1], "riscv64") == 0 ? SCMP_ARCH_RISCV64
	                                                  : 0;

	if (!arch)
		return 2;
	printf("version %u.%u.%u\n", version->major, version->minor, version->micro);
	for (int number = 0; number < 1024; number++) {
		char *name = seccomp_syscall_resolve_num_arch(arch, number);

		if (name)
			printf("%d %s\n", number, name);
		free(name);
	}
	return 0;
}
EOF
# shellcheck disable=SC2046 # pkg-config prints several words on purpose
${CC:-cc} -o "$work/dump" "$work/dump.c" $(pkg-config --cflags --libs libseccomp)
for arch in x86_64 aarch64 riscv64; do
	"$work/dump" "$arch" >"$work/libseccomp-$arch.txt"
done

# Syscalls newer than Debian 12's libseccomp 2.5.4 (whose table ends with
# futex_requeue, Linux 6.7), plus the 6.5-6.7 ones that upstream 2.5.4
# releases lack. Numbers verified in arch/x86/entry/syscalls/syscall_64.tbl
# (Linux 6.18 for 335-336 and 457-469; Linux 7.0-rc7 for 470-471). A number
# libseccomp also knows must agree with it.
cat >"$work/extras-x86_64.txt" <<'EOF'
335 uretprobe
336 uprobe
451 cachestat
452 fchmodat2
453 map_shadow_stack
454 futex_wake
455 futex_wait
456 futex_requeue
457 statmount
458 listmount
459 lsm_get_self_attr
460 lsm_set_self_attr
461 lsm_list_modules
462 mseal
463 setxattrat
464 getxattrat
465 listxattrat
466 removexattrat
467 open_tree_attr
468 file_getattr
469 file_setattr
470 listns
471 rseq_slice_yield
EOF

# aarch64 and riscv64 take their numbers from scripts/syscall.tbl (Linux
# 6.11 and later; include/uapi/asm-generic/unistd.h before). Since 424 every
# architecture gives a new syscall the same number, so 457-471 are those of
# x86_64 above (checked in scripts/syscall.tbl up to 462, mseal; the later
# ones are "common" in the tables of Linux 6.18 and 7.0-rc7).
# map_shadow_stack (453) is "common" there too: libseccomp lists it, and
# arm64 and riscv kernels answer it with ENOSYS.
cat >"$work/extras-generic.txt" <<'EOF'
457 statmount
458 listmount
459 lsm_get_self_attr
460 lsm_set_self_attr
461 lsm_list_modules
462 mseal
463 setxattrat
464 getxattrat
465 listxattrat
466 removexattrat
467 open_tree_attr
468 file_getattr
469 file_setattr
470 listns
471 rseq_slice_yield
EOF
cp "$work/extras-generic.txt" "$work/extras-aarch64.txt"
# riscv64's own syscalls sit in the architecture slots 244-259 of
# scripts/syscall.tbl ("riscv" ABI): riscv_flush_icache libseccomp knows,
# riscv_hwprobe (Linux 6.4) it does not.
{
	echo "258 riscv_hwprobe"
	cat "$work/extras-generic.txt"
} >"$work/extras-riscv64.txt"

# One line per syscall: its x86_64 table name and its parameters as the
# kernel declares them ("void" for none). The width of each parameter follows
# from its type (see type_bits below); "TYPE NAME:32" overrides it where the
# kernel provably reads fewer bits than the declared type, and every override
# says where. Each block names the kernel source its prototypes were checked
# against. "syscalls.h" means the declarations in include/linux/syscalls.h
# of Linux 7.0-rc7 (older syscalls also spot-checked against the Linux 4.x
# version of that file in torvalds/linux); "SYSCALL_DEFINE" means the
# definition itself was read, which the x86_64 syscall wrappers cast each
# register to.
cat >"$work/prototypes.txt" <<'EOF'
# --- read, write and seeking: fs/read_write.c; verified: syscalls.h.
read(unsigned int fd, char __user *buf, size_t count)
write(unsigned int fd, const char __user *buf, size_t count)
lseek(unsigned int fd, off_t offset, unsigned int whence)
pread64(unsigned int fd, char __user *buf, size_t count, loff_t pos)
pwrite64(unsigned int fd, const char __user *buf, size_t count, loff_t pos)
sendfile(int out_fd, int in_fd, loff_t __user *offset, size_t count)
copy_file_range(int fd_in, loff_t __user *off_in, int fd_out, loff_t __user *off_out, size_t len, unsigned int flags)

# --- vectored I/O: fs/read_write.c; verified: syscalls.h and the
# SYSCALL_DEFINEs. The fd is declared unsigned long, but do_readv(),
# do_writev(), do_preadv() and do_pwritev() pass it to fdget_pos(int) or
# fdget(unsigned int): the kernel reads only its low 32 bits.
readv(unsigned long fd:32, const struct iovec __user *vec, unsigned long vlen)
writev(unsigned long fd:32, const struct iovec __user *vec, unsigned long vlen)
preadv(unsigned long fd:32, const struct iovec __user *vec, unsigned long vlen, unsigned long pos_l, unsigned long pos_h)
pwritev(unsigned long fd:32, const struct iovec __user *vec, unsigned long vlen, unsigned long pos_l, unsigned long pos_h)
preadv2(unsigned long fd:32, const struct iovec __user *vec, unsigned long vlen, unsigned long pos_l, unsigned long pos_h, rwf_t flags)
pwritev2(unsigned long fd:32, const struct iovec __user *vec, unsigned long vlen, unsigned long pos_l, unsigned long pos_h, rwf_t flags)

# --- opening, closing, descriptors: fs/open.c, fs/file.c, fs/fcntl.c,
# fs/ioctl.c, fs/locks.c, fs/pipe.c, fs/fhandle.c; verified: syscalls.h.
open(const char __user *filename, int flags, umode_t mode)
openat(int dfd, const char __user *filename, int flags, umode_t mode)
openat2(int dfd, const char __user *filename, struct open_how __user *how, size_t size)
creat(const char __user *pathname, umode_t mode)
close(unsigned int fd)
close_range(unsigned int fd, unsigned int max_fd, unsigned int flags)
dup(unsigned int fildes)
dup2(unsigned int oldfd, unsigned int newfd)
dup3(unsigned int oldfd, unsigned int newfd, int flags)
fcntl(unsigned int fd, unsigned int cmd, unsigned long arg)
ioctl(unsigned int fd, unsigned int cmd, unsigned long arg)
flock(unsigned int fd, unsigned int cmd)
pipe(int __user *fildes)
pipe2(int __user *fildes, int flags)
name_to_handle_at(int dfd, const char __user *name, struct file_handle __user *handle, void __user *mnt_id, int flag)
open_by_handle_at(int mountdirfd, struct file_handle __user *handle, int flags)

# --- paths, attributes, directories: fs/namei.c, fs/open.c, fs/stat.c,
# fs/statfs.c, fs/readdir.c, fs/utimes.c, fs/d_path.c, fs/file_attr.c;
# verified: syscalls.h (stat, lstat and fstat enter sys_newstat,
# sys_newlstat and sys_newfstat).
stat(const char __user *filename, struct stat __user *statbuf)
fstat(unsigned int fd, struct stat __user *statbuf)
lstat(const char __user *filename, struct stat __user *statbuf)
newfstatat(int dfd, const char __user *filename, struct stat __user *statbuf, int flag)
statx(int dfd, const char __user *path, unsigned flags, unsigned mask, struct statx __user *buffer)
statfs(const char __user *path, struct statfs __user *buf)
fstatfs(unsigned int fd, struct statfs __user *buf)
ustat(unsigned dev, struct ustat __user *ubuf)
access(const char __user *filename, int mode)
faccessat(int dfd, const char __user *filename, int mode)
faccessat2(int dfd, const char __user *filename, int mode, int flags)
truncate(const char __user *path, long length)
ftruncate(unsigned int fd, off_t length)
fallocate(int fd, int mode, loff_t offset, loff_t len)
getdents(unsigned int fd, struct linux_dirent __user *dirent, unsigned int count)
getdents64(unsigned int fd, struct linux_dirent64 __user *dirent, unsigned int count)
getcwd(char __user *buf, unsigned long size)
chdir(const char __user *filename)
fchdir(unsigned int fd)
chroot(const char __user *filename)
rename(const char __user *oldname, const char __user *newname)
renameat(int olddfd, const char __user *oldname, int newdfd, const char __user *newname)
renameat2(int olddfd, const char __user *oldname, int newdfd, const char __user *newname, unsigned int flags)
mkdir(const char __user *pathname, umode_t mode)
mkdirat(int dfd, const char __user *pathname, umode_t mode)
rmdir(const char __user *pathname)
link(const char __user *oldname, const char __user *newname)
linkat(int olddfd, const char __user *oldname, int newdfd, const char __user *newname, int flags)
unlink(const char __user *pathname)
unlinkat(int dfd, const char __user *pathname, int flag)
symlink(const char __user *old, const char __user *new)
symlinkat(const char __user *oldname, int newdfd, const char __user *newname)
readlink(const char __user *path, char __user *buf, int bufsiz)
readlinkat(int dfd, const char __user *path, char __user *buf, int bufsiz)
mknod(const char __user *filename, umode_t mode, unsigned dev)
mknodat(int dfd, const char __user *filename, umode_t mode, unsigned dev)
chmod(const char __user *filename, umode_t mode)
fchmod(unsigned int fd, umode_t mode)
fchmodat(int dfd, const char __user *filename, umode_t mode)
fchmodat2(int dfd, const char __user *filename, umode_t mode, unsigned int flags)
chown(const char __user *filename, uid_t user, gid_t group)
fchown(unsigned int fd, uid_t user, gid_t group)
lchown(const char __user *filename, uid_t user, gid_t group)
fchownat(int dfd, const char __user *filename, uid_t user, gid_t group, int flag)
umask(int mask)
utime(char __user *filename, struct utimbuf __user *times)
utimes(char __user *filename, struct __kernel_old_timeval __user *utimes)
futimesat(int dfd, const char __user *filename, struct __kernel_old_timeval __user *utimes)
utimensat(int dfd, const char __user *filename, struct __kernel_timespec __user *utimes, int flags)
file_getattr(int dfd, const char __user *filename, struct file_attr __user *attr, size_t usize, unsigned int at_flags)
file_setattr(int dfd, const char __user *filename, struct file_attr __user *attr, size_t usize, unsigned int at_flags)

# --- extended attributes: fs/xattr.c; verified: syscalls.h.
setxattr(const char __user *path, const char __user *name, const void __user *value, size_t size, int flags)
lsetxattr(const char __user *path, const char __user *name, const void __user *value, size_t size, int flags)
fsetxattr(int fd, const char __user *name, const void __user *value, size_t size, int flags)
setxattrat(int dfd, const char __user *path, unsigned int at_flags, const char __user *name, const struct xattr_args __user *args, size_t size)
getxattr(const char __user *path, const char __user *name, void __user *value, size_t size)
lgetxattr(const char __user *path, const char __user *name, void __user *value, size_t size)
fgetxattr(int fd, const char __user *name, void __user *value, size_t size)
getxattrat(int dfd, const char __user *path, unsigned int at_flags, const char __user *name, struct xattr_args __user *args, size_t size)
listxattr(const char __user *path, char __user *list, size_t size)
llistxattr(const char __user *path, char __user *list, size_t size)
flistxattr(int fd, char __user *list, size_t size)
listxattrat(int dfd, const char __user *path, unsigned int at_flags, char __user *list, size_t size)
removexattr(const char __user *path, const char __user *name)
lremovexattr(const char __user *path, const char __user *name)
fremovexattr(int fd, const char __user *name)
removexattrat(int dfd, const char __user *path, unsigned int at_flags, const char __user *name)

# --- syncing, readahead, splicing: fs/sync.c, mm/readahead.c, mm/fadvise.c,
# fs/splice.c, mm/filemap.c; verified: syscalls.h.
sync(void)
syncfs(int fd)
fsync(unsigned int fd)
fdatasync(unsigned int fd)
sync_file_range(int fd, loff_t offset, loff_t nbytes, unsigned int flags)
readahead(int fd, loff_t offset, size_t count)
fadvise64(int fd, loff_t offset, size_t len, int advice)
splice(int fd_in, loff_t __user *off_in, int fd_out, loff_t __user *off_out, size_t len, unsigned int flags)
tee(int fdin, int fdout, size_t len, unsigned int flags)
vmsplice(int fd, const struct iovec __user *iov, unsigned long nr_segs, unsigned int flags)
cachestat(unsigned int fd, struct cachestat_range __user *cstat_range, struct cachestat __user *cstat, unsigned int flags)

# --- polling and event descriptors: fs/select.c, fs/eventpoll.c,
# fs/eventfd.c, fs/signalfd.c, fs/timerfd.c, fs/notify/; verified:
# syscalls.h (fanotify_mark as its 64-bit SYSCALL_DEFINE5 in
# fs/notify/fanotify/fanotify_user.c, with a __u64 mask).
poll(struct pollfd __user *ufds, unsigned int nfds, int timeout)
ppoll(struct pollfd __user *ufds, unsigned int nfds, struct __kernel_timespec __user *tsp, const sigset_t __user *sigmask, size_t sigsetsize)
select(int n, fd_set __user *inp, fd_set __user *outp, fd_set __user *exp, struct __kernel_old_timeval __user *tvp)
pselect6(int n, fd_set __user *inp, fd_set __user *outp, fd_set __user *exp, struct __kernel_timespec __user *tsp, void __user *sig)
epoll_create(int size)
epoll_create1(int flags)
epoll_ctl(int epfd, int op, int fd, struct epoll_event __user *event)
epoll_wait(int epfd, struct epoll_event __user *events, int maxevents, int timeout)
epoll_pwait(int epfd, struct epoll_event __user *events, int maxevents, int timeout, const sigset_t __user *sigmask, size_t sigsetsize)
epoll_pwait2(int epfd, struct epoll_event __user *events, int maxevents, const struct __kernel_timespec __user *timeout, const sigset_t __user *sigmask, size_t sigsetsize)
eventfd(unsigned int count)
eventfd2(unsigned int count, int flags)
signalfd(int ufd, sigset_t __user *user_mask, size_t sizemask)
signalfd4(int ufd, sigset_t __user *user_mask, size_t sizemask, int flags)
timerfd_create(int clockid, int flags)
timerfd_settime(int ufd, int flags, const struct __kernel_itimerspec __user *utmr, struct __kernel_itimerspec __user *otmr)
timerfd_gettime(int ufd, struct __kernel_itimerspec __user *otmr)
inotify_init(void)
inotify_init1(int flags)
inotify_add_watch(int fd, const char __user *path, u32 mask)
inotify_rm_watch(int fd, __s32 wd)
fanotify_init(unsigned int flags, unsigned int event_f_flags)
fanotify_mark(int fanotify_fd, unsigned int flags, __u64 mask, int dfd, const char __user *pathname)

# --- memory: mm/; verified: syscalls.h, and for mmap and map_shadow_stack
# their x86 SYSCALL_DEFINEs (arch/x86/kernel/sys_x86_64.c,
# arch/x86/kernel/shstk.c). mmap declares its fd unsigned long, but
# ksys_mmap_pgoff() hands it to fget(unsigned int) (or ignores it for
# MAP_ANONYMOUS): the kernel reads only its low 32 bits.
mmap(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags, unsigned long fd:32, unsigned long off)
mprotect(unsigned long start, size_t len, unsigned long prot)
pkey_mprotect(unsigned long start, size_t len, unsigned long prot, int pkey)
pkey_alloc(unsigned long flags, unsigned long init_val)
pkey_free(int pkey)
munmap(unsigned long addr, size_t len)
mremap(unsigned long addr, unsigned long old_len, unsigned long new_len, unsigned long flags, unsigned long new_addr)
remap_file_pages(unsigned long start, unsigned long size, unsigned long prot, unsigned long pgoff, unsigned long flags)
brk(unsigned long brk)
msync(unsigned long start, size_t len, int flags)
mincore(unsigned long start, size_t len, unsigned char __user *vec)
madvise(unsigned long start, size_t len, int behavior)
process_madvise(int pidfd, const struct iovec __user *vec, size_t vlen, int behavior, unsigned int flags)
process_mrelease(int pidfd, unsigned int flags)
mlock(unsigned long start, size_t len)
mlock2(unsigned long start, size_t len, int flags)
munlock(unsigned long start, size_t len)
mlockall(int flags)
munlockall(void)
mseal(unsigned long start, size_t len, unsigned long flags)
mbind(unsigned long start, unsigned long len, unsigned long mode, const unsigned long __user *nmask, unsigned long maxnode, unsigned flags)
set_mempolicy(int mode, const unsigned long __user *nmask, unsigned long maxnode)
get_mempolicy(int __user *policy, unsigned long __user *nmask, unsigned long maxnode, unsigned long addr, unsigned long flags)
set_mempolicy_home_node(unsigned long start, unsigned long len, unsigned long home_node, unsigned long flags)
migrate_pages(pid_t pid, unsigned long maxnode, const unsigned long __user *from, const unsigned long __user *to)
move_pages(pid_t pid, unsigned long nr_pages, const void __user * __user *pages, const int __user *nodes, int __user *status, int flags)
memfd_create(const char __user *uname_ptr, unsigned int flags)
memfd_secret(unsigned int flags)
userfaultfd(int flags)
map_shadow_stack(unsigned long addr, unsigned long size, unsigned int flags)
process_vm_readv(pid_t pid, const struct iovec __user *lvec, unsigned long liovcnt, const struct iovec __user *rvec, unsigned long riovcnt, unsigned long flags)
process_vm_writev(pid_t pid, const struct iovec __user *lvec, unsigned long liovcnt, const struct iovec __user *rvec, unsigned long riovcnt, unsigned long flags)

# --- processes: kernel/fork.c, kernel/exit.c, fs/exec.c, kernel/sys.c,
# kernel/pid.c, kernel/kcmp.c; verified: syscalls.h, and for clone its
# SYSCALL_DEFINE5 in kernel/fork.c (x86_64 selects none of the
# CONFIG_CLONE_BACKWARDS orders). clone declares its flags unsigned long,
# but kernel/fork.c reads lower_32_bits(clone_flags) (since Linux 5.3, and
# no clone flag ever lived above bit 31): the kernel reads only 32 bits.
clone(unsigned long clone_flags:32, unsigned long newsp, int __user *parent_tidptr, int __user *child_tidptr, unsigned long tls)
clone3(struct clone_args __user *uargs, size_t size)
fork(void)
vfork(void)
execve(const char __user *filename, const char __user *const __user *argv, const char __user *const __user *envp)
execveat(int dfd, const char __user *filename, const char __user *const __user *argv, const char __user *const __user *envp, int flags)
exit(int error_code)
exit_group(int error_code)
wait4(pid_t pid, int __user *stat_addr, int options, struct rusage __user *ru)
waitid(int which, pid_t pid, struct siginfo __user *infop, int options, struct rusage __user *ru)
set_tid_address(int __user *tidptr)
unshare(unsigned long unshare_flags)
setns(int fd, int nstype)
pidfd_open(pid_t pid, unsigned int flags)
pidfd_getfd(int pidfd, int fd, unsigned int flags)
pidfd_send_signal(int pidfd, int sig, siginfo_t __user *info, unsigned int flags)
kcmp(pid_t pid1, pid_t pid2, int type, unsigned long idx1, unsigned long idx2)
personality(unsigned int personality)
prctl(int option, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)
getpid(void)
getppid(void)
gettid(void)
getpgrp(void)
getpgid(pid_t pid)
setpgid(pid_t pid, pid_t pgid)
getsid(pid_t pid)
setsid(void)
times(struct tms __user *tbuf)
getrusage(int who, struct rusage __user *ru)
getrlimit(unsigned int resource, struct rlimit __user *rlim)
setrlimit(unsigned int resource, struct rlimit __user *rlim)
prlimit64(pid_t pid, unsigned int resource, const struct rlimit64 __user *new_rlim, struct rlimit64 __user *old_rlim)
getpriority(int which, int who)
setpriority(int which, int who, int niceval)
ioprio_set(int which, int who, int ioprio)
ioprio_get(int which, int who)
getcpu(unsigned __user *cpu, unsigned __user *node, void __user *cache)
rseq(struct rseq __user *rseq, uint32_t rseq_len, int flags, uint32_t sig)
rseq_slice_yield(void)
restart_syscall(void)

# --- ptrace: kernel/ptrace.c; verified: syscalls.h and the SYSCALL_DEFINE4.
# pid is declared long, but the kernel looks it up with
# find_get_task_by_vpid(pid_t): it reads only the low 32 bits.
ptrace(long request, long pid:32, unsigned long addr, unsigned long data)

# --- credentials: kernel/sys.c, kernel/groups.c, kernel/capability.c;
# verified: syscalls.h.
getuid(void)
geteuid(void)
getgid(void)
getegid(void)
setuid(uid_t uid)
setgid(gid_t gid)
setreuid(uid_t ruid, uid_t euid)
setregid(gid_t rgid, gid_t egid)
setresuid(uid_t ruid, uid_t euid, uid_t suid)
getresuid(uid_t __user *ruid, uid_t __user *euid, uid_t __user *suid)
setresgid(gid_t rgid, gid_t egid, gid_t sgid)
getresgid(gid_t __user *rgid, gid_t __user *egid, gid_t __user *sgid)
setfsuid(uid_t uid)
setfsgid(gid_t gid)
getgroups(int gidsetsize, gid_t __user *grouplist)
setgroups(int gidsetsize, gid_t __user *grouplist)
capget(cap_user_header_t header, cap_user_data_t dataptr)
capset(cap_user_header_t header, const cap_user_data_t data)

# --- signals: kernel/signal.c, arch/x86/kernel/signal_64.c; verified:
# syscalls.h (rt_sigreturn as its x86 SYSCALL_DEFINE0).
kill(pid_t pid, int sig)
tkill(pid_t pid, int sig)
tgkill(pid_t tgid, pid_t pid, int sig)
rt_sigaction(int sig, const struct sigaction __user *act, struct sigaction __user *oact, size_t sigsetsize)
rt_sigprocmask(int how, sigset_t __user *set, sigset_t __user *oset, size_t sigsetsize)
rt_sigpending(sigset_t __user *set, size_t sigsetsize)
rt_sigtimedwait(const sigset_t __user *uthese, siginfo_t __user *uinfo, const struct __kernel_timespec __user *uts, size_t sigsetsize)
rt_sigqueueinfo(pid_t pid, int sig, siginfo_t __user *uinfo)
rt_tgsigqueueinfo(pid_t tgid, pid_t pid, int sig, siginfo_t __user *uinfo)
rt_sigsuspend(sigset_t __user *unewset, size_t sigsetsize)
rt_sigreturn(void)
sigaltstack(const struct sigaltstack __user *uss, struct sigaltstack __user *uoss)
pause(void)

# --- scheduling: kernel/sched/; verified: syscalls.h.
sched_yield(void)
sched_setparam(pid_t pid, struct sched_param __user *param)
sched_getparam(pid_t pid, struct sched_param __user *param)
sched_setscheduler(pid_t pid, int policy, struct sched_param __user *param)
sched_getscheduler(pid_t pid)
sched_get_priority_max(int policy)
sched_get_priority_min(int policy)
sched_rr_get_interval(pid_t pid, struct __kernel_timespec __user *interval)
sched_setaffinity(pid_t pid, unsigned int len, unsigned long __user *user_mask_ptr)
sched_getaffinity(pid_t pid, unsigned int len, unsigned long __user *user_mask_ptr)
sched_setattr(pid_t pid, struct sched_attr __user *attr, unsigned int flags)
sched_getattr(pid_t pid, struct sched_attr __user *attr, unsigned int size, unsigned int flags)
membarrier(int cmd, unsigned int flags, int cpu_id)

# --- time and timers: kernel/time/; verified: syscalls.h.
time(__kernel_old_time_t __user *tloc)
gettimeofday(struct __kernel_old_timeval __user *tv, struct timezone __user *tz)
settimeofday(struct __kernel_old_timeval __user *tv, struct timezone __user *tz)
adjtimex(struct __kernel_timex __user *txc_p)
nanosleep(struct __kernel_timespec __user *rqtp, struct __kernel_timespec __user *rmtp)
alarm(unsigned int seconds)
getitimer(int which, struct __kernel_old_itimerval __user *value)
setitimer(int which, struct __kernel_old_itimerval __user *value, struct __kernel_old_itimerval __user *ovalue)
timer_create(clockid_t which_clock, struct sigevent __user *timer_event_spec, timer_t __user *created_timer_id)
timer_settime(timer_t timer_id, int flags, const struct __kernel_itimerspec __user *new_setting, struct __kernel_itimerspec __user *old_setting)
timer_gettime(timer_t timer_id, struct __kernel_itimerspec __user *setting)
timer_getoverrun(timer_t timer_id)
timer_delete(timer_t timer_id)
clock_settime(clockid_t which_clock, const struct __kernel_timespec __user *tp)
clock_gettime(clockid_t which_clock, struct __kernel_timespec __user *tp)
clock_getres(clockid_t which_clock, struct __kernel_timespec __user *tp)
clock_nanosleep(clockid_t which_clock, int flags, const struct __kernel_timespec __user *rqtp, struct __kernel_timespec __user *rmtp)
clock_adjtime(clockid_t which_clock, struct __kernel_timex __user *tx)

# --- futexes: kernel/futex/syscalls.c; verified: syscalls.h.
futex(u32 __user *uaddr, int op, u32 val, const struct __kernel_timespec __user *utime, u32 __user *uaddr2, u32 val3)
futex_waitv(struct futex_waitv __user *waiters, unsigned int nr_futexes, unsigned int flags, struct __kernel_timespec __user *timeout, clockid_t clockid)
futex_wake(void __user *uaddr, unsigned long mask, int nr, unsigned int flags)
futex_wait(void __user *uaddr, unsigned long val, unsigned long mask, unsigned int flags, struct __kernel_timespec __user *timespec, clockid_t clockid)
futex_requeue(struct futex_waitv __user *waiters, unsigned int flags, int nr_wake, int nr_requeue)
set_robust_list(struct robust_list_head __user *head, size_t len)
get_robust_list(int pid, struct robust_list_head __user * __user *head_ptr, size_t __user *len_ptr)

# --- sockets: net/socket.c; verified: syscalls.h.
socket(int family, int type, int protocol)
socketpair(int family, int type, int protocol, int __user *usockvec)
bind(int fd, struct sockaddr __user *umyaddr, int addrlen)
listen(int fd, int backlog)
accept(int fd, struct sockaddr __user *upeer_sockaddr, int __user *upeer_addrlen)
accept4(int fd, struct sockaddr __user *upeer_sockaddr, int __user *upeer_addrlen, int flags)
connect(int fd, struct sockaddr __user *uservaddr, int addrlen)
getsockname(int fd, struct sockaddr __user *usockaddr, int __user *usockaddr_len)
getpeername(int fd, struct sockaddr __user *usockaddr, int __user *usockaddr_len)
sendto(int fd, void __user *buff, size_t len, unsigned int flags, struct sockaddr __user *addr, int addr_len)
recvfrom(int fd, void __user *ubuf, size_t size, unsigned int flags, struct sockaddr __user *addr, int __user *addr_len)
setsockopt(int fd, int level, int optname, char __user *optval, int optlen)
getsockopt(int fd, int level, int optname, char __user *optval, int __user *optlen)
shutdown(int fd, int how)
sendmsg(int fd, struct user_msghdr __user *msg, unsigned flags)
recvmsg(int fd, struct user_msghdr __user *msg, unsigned flags)
sendmmsg(int fd, struct mmsghdr __user *msg, unsigned int vlen, unsigned flags)
recvmmsg(int fd, struct mmsghdr __user *msg, unsigned int vlen, unsigned flags, struct __kernel_timespec __user *timeout)

# --- System V IPC and POSIX message queues: ipc/; verified: syscalls.h.
msgget(key_t key, int msgflg)
msgsnd(int msqid, struct msgbuf __user *msgp, size_t msgsz, int msgflg)
msgrcv(int msqid, struct msgbuf __user *msgp, size_t msgsz, long msgtyp, int msgflg)
msgctl(int msqid, int cmd, struct msqid_ds __user *buf)
semget(key_t key, int nsems, int semflg)
semop(int semid, struct sembuf __user *sops, unsigned nsops)
semtimedop(int semid, struct sembuf __user *sops, unsigned nsops, const struct __kernel_timespec __user *timeout)
semctl(int semid, int semnum, int cmd, unsigned long arg)
shmget(key_t key, size_t size, int flag)
shmat(int shmid, char __user *shmaddr, int shmflg)
shmdt(char __user *shmaddr)
shmctl(int shmid, int cmd, struct shmid_ds __user *buf)
mq_open(const char __user *name, int oflag, umode_t mode, struct mq_attr __user *attr)
mq_unlink(const char __user *name)
mq_timedsend(mqd_t mqdes, const char __user *msg_ptr, size_t msg_len, unsigned int msg_prio, const struct __kernel_timespec __user *abs_timeout)
mq_timedreceive(mqd_t mqdes, char __user *msg_ptr, size_t msg_len, unsigned int __user *msg_prio, const struct __kernel_timespec __user *abs_timeout)
mq_notify(mqd_t mqdes, const struct sigevent __user *notification)
mq_getsetattr(mqd_t mqdes, const struct mq_attr __user *mqstat, struct mq_attr __user *omqstat)

# --- asynchronous I/O and io_uring: fs/aio.c, io_uring/; verified:
# syscalls.h.
io_setup(unsigned nr_reqs, aio_context_t __user *ctx)
io_destroy(aio_context_t ctx)
io_submit(aio_context_t ctx_id, long nr, struct iocb __user * __user *iocbpp)
io_cancel(aio_context_t ctx_id, struct iocb __user *iocb, struct io_event __user *result)
io_getevents(aio_context_t ctx_id, long min_nr, long nr, struct io_event __user *events, struct __kernel_timespec __user *timeout)
io_pgetevents(aio_context_t ctx_id, long min_nr, long nr, struct io_event __user *events, struct __kernel_timespec __user *timeout, const struct __aio_sigset __user *sig)
io_uring_setup(u32 entries, struct io_uring_params __user *p)
io_uring_enter(unsigned int fd, u32 to_submit, u32 min_complete, u32 flags, const void __user *argp, size_t argsz)
io_uring_register(unsigned int fd, unsigned int op, void __user *arg, unsigned int nr_args)

# --- mounts and namespaces: fs/namespace.c, fs/fsopen.c, fs/nsfs.c,
# kernel/nstree.c; verified: syscalls.h (umount2 enters sys_umount).
mount(char __user *dev_name, char __user *dir_name, char __user *type, unsigned long flags, void __user *data)
umount2(char __user *name, int flags)
pivot_root(const char __user *new_root, const char __user *put_old)
open_tree(int dfd, const char __user *path, unsigned flags)
open_tree_attr(int dfd, const char __user *path, unsigned flags, struct mount_attr __user *uattr, size_t usize)
move_mount(int from_dfd, const char __user *from_path, int to_dfd, const char __user *to_path, unsigned int ms_flags)
mount_setattr(int dfd, const char __user *path, unsigned int flags, struct mount_attr __user *uattr, size_t usize)
fsopen(const char __user *fs_name, unsigned int flags)
fsconfig(int fs_fd, unsigned int cmd, const char __user *key, const void __user *value, int aux)
fsmount(int fs_fd, unsigned int flags, unsigned int ms_flags)
fspick(int dfd, const char __user *path, unsigned int flags)
statmount(const struct mnt_id_req __user *req, struct statmount __user *buf, size_t bufsize, unsigned int flags)
listmount(const struct mnt_id_req __user *req, u64 __user *mnt_ids, size_t nr_mnt_ids, unsigned int flags)
listns(const struct ns_id_req __user *req, u64 __user *ns_ids, size_t nr_ns_ids, unsigned int flags)

# --- security: kernel/seccomp.c, kernel/bpf/syscall.c, security/landlock/,
# security/lsm_syscalls.c, security/keys/, kernel/events/core.c,
# kernel/acct.c; verified: syscalls.h (landlock_add_rule's rule_type is an
# enum, read as 32 bits).
seccomp(unsigned int op, unsigned int flags, void __user *uargs)
bpf(int cmd, union bpf_attr __user *attr, unsigned int size)
perf_event_open(struct perf_event_attr __user *attr_uptr, pid_t pid, int cpu, int group_fd, unsigned long flags)
landlock_create_ruleset(const struct landlock_ruleset_attr __user *attr, size_t size, __u32 flags)
landlock_add_rule(int ruleset_fd, enum landlock_rule_type rule_type, const void __user *rule_attr, __u32 flags)
landlock_restrict_self(int ruleset_fd, __u32 flags)
lsm_get_self_attr(unsigned int attr, struct lsm_ctx __user *ctx, u32 __user *size, u32 flags)
lsm_set_self_attr(unsigned int attr, struct lsm_ctx __user *ctx, u32 size, u32 flags)
lsm_list_modules(u64 __user *ids, u32 __user *size, u32 flags)
add_key(const char __user *_type, const char __user *_description, const void __user *_payload, size_t plen, key_serial_t destringid)
request_key(const char __user *_type, const char __user *_description, const char __user *_callout_info, key_serial_t destringid)
keyctl(int cmd, unsigned long arg2, unsigned long arg3, unsigned long arg4, unsigned long arg5)
acct(const char __user *name)

# --- system administration: kernel/sys.c, kernel/reboot.c, kernel/module/,
# kernel/kexec*.c, kernel/printk/, mm/swapfile.c, fs/quota/,
# fs/filesystems.c, kernel/uid16.c; verified: syscalls.h.
uname(struct new_utsname __user *name)
sysinfo(struct sysinfo __user *info)
syslog(int type, char __user *buf, int len)
sethostname(char __user *name, int len)
setdomainname(char __user *name, int len)
reboot(int magic1, int magic2, unsigned int cmd, void __user *arg)
init_module(void __user *umod, unsigned long len, const char __user *uargs)
finit_module(int fd, const char __user *uargs, int flags)
delete_module(const char __user *name_user, unsigned int flags)
kexec_load(unsigned long entry, unsigned long nr_segments, struct kexec_segment __user *segments, unsigned long flags)
kexec_file_load(int kernel_fd, int initrd_fd, unsigned long cmdline_len, const char __user *cmdline_ptr, unsigned long flags)
swapon(const char __user *specialfile, int swap_flags)
swapoff(const char __user *specialfile)
quotactl(unsigned int cmd, const char __user *special, qid_t id, void __user *addr)
quotactl_fd(unsigned int fd, unsigned int cmd, qid_t id, void __user *addr)
sysfs(int option, unsigned long arg1, unsigned long arg2)
vhangup(void)
getrandom(char __user *buf, size_t count, unsigned int flags)

# --- x86 specific: arch/x86/kernel/process_64.c, ioport.c, ldt.c,
# uprobes.c; verified: their SYSCALL_DEFINEs.
arch_prctl(int option, unsigned long arg2)
iopl(unsigned int level)
ioperm(unsigned long from, unsigned long num, int turn_on)
modify_ldt(int func, void __user *ptr, unsigned long bytecount)
uretprobe(void)
uprobe(void)

# --- riscv64 specific: arch/riscv/kernel/sys_riscv.c and sys_hwprobe.c;
# verified: their SYSCALL_DEFINEs.
riscv_flush_icache(uintptr_t start, uintptr_t end, uintptr_t flags)
riscv_hwprobe(struct riscv_hwprobe __user *pairs, size_t pair_count, size_t cpusetsize, unsigned long __user *cpus, unsigned int flags)

# --- removed from the kernel, but implemented by kernels moat may still
# run on: uselib (fs/exec.c, absent from Linux 6.18), lookup_dcookie
# (fs/dcookies.c, gone in 6.7), _sysctl (kernel/sysctl_binary.c, gone in
# 5.5); verified: include/linux/syscalls.h of Linux 4.x.
uselib(const char __user *library)
lookup_dcookie(u64 cookie64, char __user *buf, size_t len)
_sysctl(struct __sysctl_args __user *args)

# --- table slots no x86_64 kernel implements (no entry point in
# syscall_64.tbl, or one removed before Linux 3.x): the kernel answers
# ENOSYS and reads no argument. verified: syscall_64.tbl of Linux 6.18.
create_module(void)
get_kernel_syms(void)
query_module(void)
nfsservctl(void)
getpmsg(void)
putpmsg(void)
afs_syscall(void)
tuxcall(void)
security(void)
set_thread_area(void)
get_thread_area(void)
epoll_ctl_old(void)
epoll_wait_old(void)
vserver(void)
EOF

cat >"$work/generate.awk" <<'EOF'
function fail(message) {
	print "gen-syscall-table: " message > "/dev/stderr"
	failed = 1
	exit 1
}

function trim(text) {
	sub(/^[ \t]+/, "", text)
	sub(/[ \t]+$/, "", text)
	return text
}

# The width at which the kernel reads a parameter of this declaration.
function parameter_bits(declaration,    words, count, type, i, override) {
	override = ""
	if (match(declaration, /:[0-9]+$/)) {
		override = substr(declaration, RSTART + 1) + 0
		declaration = substr(declaration, 1, RSTART - 1)
	}
	if (index(declaration, "*"))
		type = "pointer"
	else {
		gsub(/const|__user/, " ", declaration)
		count = split(declaration, words, /[ \t]+/)
		type = ""
		# Drop the parameter's name, keep the words of its type.
		for (i = 1; i <= count; i++)
			if (words[i] != "")
				type = type == "" ? words[i] : type " " words[i]
		sub(/ [A-Za-z_][A-Za-z0-9_]*$/, "", type)
	}
	if (!(type in type_bits) && type !~ /^enum /)
		fail("no width known for type '" type "' in " current)
	if (override != "") {
		if (override != 8 && override != 16 && override != 32)
			fail("override :" override " in " current)
		return override
	}
	return type ~ /^enum / ? 32 : type_bits[type]
}

# Prints the prototype as a comment, wrapped at parameters to fit in 100
# columns after a tab, so that clang-format leaves it alone.
function print_comment(head, parameters,    count, part, line, i, piece, last) {
	gsub(/__user /, "", parameters)
	gsub(/ __user/, "", parameters)
	gsub(/:8/, " (low 8 bits read)", parameters)
	gsub(/:16/, " (low 16 bits read)", parameters)
	gsub(/:32/, " (low 32 bits read)", parameters)
	count = split(parameters, part, ", ")
	line = "/* " head part[1]
	for (i = 2; i <= count; i++) {
		piece = part[i]
		last = i == count ? ") */" : ","
		if (length(line) + 2 + length(piece) + length(last) > 92) {
			printf "\t%s,\n", line > entries
			line = "   " piece
		} else
			line = line ", " piece
	}
	printf "\t%s) */\n", line > entries
}

BEGIN {
	# Pointers and everything as wide as a register.
	split("pointer|long|unsigned long|size_t|ssize_t|off_t|loff_t|u64|__u64|" \
	      "aio_context_t|cap_user_header_t|cap_user_data_t|uintptr_t", wide, "|")
	for (i in wide)
		type_bits[wide[i]] = 64
	# int-sized: the kernel's SYSCALL_DEFINE casts the register to these.
	split("int|unsigned int|unsigned|u32|__u32|__s32|uint32_t|pid_t|uid_t|gid_t|" \
	      "qid_t|key_serial_t|key_t|clockid_t|timer_t|mqd_t|rwf_t", narrow, "|")
	for (i in narrow)
		type_bits[narrow[i]] = 32
	# Short: umode_t is an unsigned short.
	split("umode_t|unsigned short|u16", short, "|")
	for (i in short)
		type_bits[short[i]] = 16
}

FNR == 1 { file++ }

file == 1 && $1 == "version" { version = $2; next }
file == 1 {
	number = $1 + 0; name = $2
	if (number < 0 || number >= 512)
		fail("libseccomp number " number " for " name " is not a native " arch " number")
	known_number[name] = number
	known_name[number] = name
	table[number] = name
	next
}

file == 2 {
	number = $1 + 0; name = $2
	if (number < 0 || number >= 512)
		fail("extra " name " has non-native number " number)
	if ((name in known_number) && known_number[name] != number)
		fail("extra " name " " number " contradicts libseccomp's " known_number[name])
	if ((number in known_name) && known_name[number] != name)
		fail("extra " name " " number " contradicts libseccomp's " known_name[number])
	if ((number in table) && table[number] != name)
		fail("two names for " number ": " table[number] " and " name)
	table[number] = name
	if (!(name in known_number))
		extra[number] = 1
	next
}

file == 3 && (/^#/ || /^[ \t]*$/) { next }
file == 3 {
	current = $0
	open_paren = index($0, "(")
	if (!open_paren || substr($0, length($0)) != ")")
		fail("malformed prototype: " $0)
	name = substr($0, 1, open_paren - 1)
	parameters = substr($0, open_paren + 1, length($0) - open_paren - 1)
	if (name in prototype)
		fail("two prototypes for " name)
	prototype[name] = parameters
	if (parameters == "void")
		count = 0
	else
		count = split(parameters, parameter, ",")
	if (count > 6)
		fail(name " takes more than 6 arguments")
	argument_count[name] = count
	bits[name] = ""
	for (i = 1; i <= 6; i++) {
		width = i <= count ? parameter_bits(trim(parameter[i])) : 64
		bits[name] = bits[name] (i > 1 ? ", " : "") width
	}
	next
}

END {
	if (failed)
		exit 1
	rows = 0
	for (number = 0; number < 512; number++) {
		if (!(number in table))
			continue
		name = table[number]
		if (length(name) >= name_size)
			fail(name " does not fit in MOAT_SYSCALL_NAME_SIZE (" name_size \
			     "): raise it in lib/syscalls/table.h")
		if (!(name in prototype))
			fail("no prototype for " name " (" number ")")
		used[name] = 1
		origin = (number in extra) ? ", not in libseccomp " version : ""
		print_comment(number origin ": " name "(", prototype[name])
		printf "\t{\"%s\", %d, %d, {%s}},\n", name, number, argument_count[name], bits[name] > entries
		printf "%s %d\n", name, rows > names
		rows++
	}
	for (name in used)
		print name > used_names
	print version > meta
}
EOF

name_size=$(sed -n 's/^#define MOAT_SYSCALL_NAME_SIZE \([0-9][0-9]*\)$/\1/p' \
	"$root/lib/syscalls/table.h")
if [ -z "$name_size" ]; then
	echo "gen-syscall-table: no MOAT_SYSCALL_NAME_SIZE in lib/syscalls/table.h" >&2
	exit 1
fi

# Writes $output_directory/table_$1.c.
generate_table() {
	local arch=$1 version
	local output="$output_directory/table_$arch.c"

	awk -v arch="$arch" -v name_size="$name_size" -v entries="$work/entries.txt" -v names="$work/names.txt" \
		-v meta="$work/meta.txt" -v used_names="$work/used-$arch.txt" \
		-f "$work/generate.awk" "$work/libseccomp-$arch.txt" "$work/extras-$arch.txt" \
		"$work/prototypes.txt"
	version=$(cat "$work/meta.txt")
	{
		cat <<EOF
// SPDX-License-Identifier: MIT
/*
 * The $arch syscall table. Generated by tools/gen-syscall-table.sh from
 * libseccomp $version's $arch table, the script's extras for newer
 * syscalls (numbers from Linux 7.0-rc7's tables) and the script's kernel
 * prototypes: do not edit, change the script and run it again.
 *
 * Each row: name, number, argument count, then the bits of each argument
 * the kernel reads (64 for arguments the syscall does not take). The
 * comment above a row is the kernel's prototype, without __user. Plain
 * data: every moat holds every architecture's table.
 */
#include "syscalls/table.h"

/* Sorted by number. */
static const struct moat_syscalls_entry rows[] = {
EOF
		cat "$work/entries.txt"
		cat <<EOF
};

/* Rows sorted by name (strcmp order). */
static const uint16_t rows_by_name[] = {
EOF
		LC_ALL=C sort -k1,1 "$work/names.txt" | awk '{ printf "\t%d, /* %s */\n", $2, $1 }'
		cat <<EOF
};

const struct moat_syscalls_table moat_syscalls_$arch = {
        .rows = rows,
        .count = sizeof(rows) / sizeof(rows[0]),
        .by_name = rows_by_name,
};
EOF
	} >"$work/table.c"

	# clang-format reflows the long prototype comments in steps: run it
	# until the file stops changing.
	if command -v clang-format >/dev/null; then
		for _ in 1 2 3 4 5; do
			clang-format --assume-filename="$root/lib/syscalls/table.c" \
				<"$work/table.c" >"$work/formatted.c"
			if cmp -s "$work/formatted.c" "$work/table.c"; then
				break
			fi
			mv "$work/formatted.c" "$work/table.c"
		done
	fi
	mv "$work/table.c" "$output"
	echo "gen-syscall-table: wrote $output ($(wc -l <"$work/names.txt") syscalls)"
	rm -f "$work/names.txt" "$work/entries.txt"
}

for arch in x86_64 aarch64 riscv64; do
	generate_table "$arch"
done

# Every prototype must belong to a syscall of some architecture.
sed -n 's/^\([a-z_0-9]*\)(.*/\1/p' "$work/prototypes.txt" | LC_ALL=C sort >"$work/prototyped.txt"
cat "$work/used-"*.txt | LC_ALL=C sort -u >"$work/used.txt"
unused=$(LC_ALL=C comm -23 "$work/prototyped.txt" "$work/used.txt")
if [ -n "$unused" ]; then
	echo "gen-syscall-table: prototypes for syscalls of no architecture:" $unused >&2
	exit 1
fi
