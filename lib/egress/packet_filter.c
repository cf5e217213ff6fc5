// SPDX-License-Identifier: MIT
/*
 * Packet sockets (AF_PACKET) pass no cgroup hook: neither the address hooks
 * nor sock_create, which sees inet sockets only. With egress rules the
 * sandbox gets a small seccomp filter of its own, stacked under the
 * policy's, that refuses socket(AF_PACKET, ...) with EPERM. A foreign
 * syscall ABI (i386 on x86_64) could reach socket through socketcall,
 * whose arguments a filter cannot read: it is killed instead.
 */
#include <endian.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "egress/internal.h"
#include "syscalls/syscalls.h"
#include "util/message.h"

#ifdef __X32_SYSCALL_BIT
#define X32_SOCKET (__X32_SYSCALL_BIT | SYS_socket)
#else
#define X32_SOCKET SYS_socket
#endif

#if __BYTE_ORDER == __LITTLE_ENDIAN
#define ARG0_LOW offsetof(struct seccomp_data, args[0])
#else
#define ARG0_LOW (offsetof(struct seccomp_data, args[0]) + 4)
#endif

int moat_egress_refuse_packet_sockets(struct moat_error *error)
{
	struct sock_filter program[] = {
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, moat_native_audit_arch(), 1, 0),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_socket, 2, 0),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, X32_SOCKET, 1, 0),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG0_LOW),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_PACKET, 0, 1),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	        BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog filter = {.len = sizeof(program) / sizeof(program[0]), .filter = program};
	struct moat_message message;

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &filter) == 0)
		return 0;
	message = moat_message_begin(error, -errno);
	moat_message_put(&message, "cannot install the filter that refuses packet sockets");
	return message.code;
}
