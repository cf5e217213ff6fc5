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

/* How a run ended: which instruction decided, and which one led there. */
struct moat_bpf_trace {
	size_t executed;       /* instructions run */
	size_t return_index;   /* the `ret` (or division by zero) that ended the program */
	size_t previous_index; /* the instruction run before it; SIZE_MAX when none was */
};

/* moat_bpf_run() that also fills `trace`. */
int moat_bpf_run_traced(const struct sock_filter *program, size_t length,
                        const struct seccomp_data *data, uint32_t *value,
                        struct moat_bpf_trace *trace);

#endif /* MOAT_SECCOMP_INTERPRETER_H */
