/* SPDX-License-Identifier: MIT */
/*
 * A userspace interpreter for classic BPF as seccomp runs it: the
 * instructions seccomp accepts, struct seccomp_data as the packet, A and X
 * starting at 0, and division by a zero X ending the program with 0.
 */
#ifndef MOAT_SECCOMP_INTERPRETER_H
#define MOAT_SECCOMP_INTERPRETER_H

#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Checks `program` as the kernel does before accepting a seccomp filter
 * (length 1..4096, only seccomp's instructions, jumps inside the program,
 * aligned loads inside struct seccomp_data, scratch memory written before it
 * is read, a `ret` at the end). Returns 0 or -EINVAL.
 */
int moat_bpf_check(const struct sock_filter *program, size_t length);

/*
 * Runs `program` over `data` and stores what it returns in `*value`; when
 * `executed` is not NULL it receives the number of instructions run.
 * Returns 0, or -EINVAL when the program does something the kernel would
 * have refused (a check that moat_bpf_check() makes before it runs).
 */
int moat_bpf_run(const struct sock_filter *program, size_t length, const struct seccomp_data *data,
                 uint32_t *value, size_t *executed);

#endif /* MOAT_SECCOMP_INTERPRETER_H */
