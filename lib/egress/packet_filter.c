// SPDX-License-Identifier: MIT
/*
 * Packet sockets (AF_PACKET) pass no cgroup hook: neither the address hooks
 * nor sock_create, which sees inet sockets only. With egress rules the
 * sandbox gets a small seccomp filter of its own, stacked under the
 * policy's, that refuses socket(AF_PACKET, ...) with EPERM, and the old
 * spelling socket(AF_INET, SOCK_PACKET, ...), which the kernel turns into a
 * packet socket before any inet code runs. A foreign
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
#define ARG_LOW(n) offsetof(struct seccomp_data, args[n])
#else
#define ARG_LOW(n) (offsetof(struct seccomp_data, args[n]) + 4)
#endif

/* The kernel reads the type's low bits; the rest are SOCK_NONBLOCK and SOCK_CLOEXEC. */
#define SOCK_TYPE_MASK 0xf

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
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(0)),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_PACKET, 4, 0),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AF_INET, 0, 4),
	        BPF_STMT(BPF_LD | BPF_W | BPF_ABS, ARG_LOW(1)),
	        BPF_STMT(BPF_ALU | BPF_AND | BPF_K, SOCK_TYPE_MASK),
	        BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCK_PACKET, 0, 1),
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
