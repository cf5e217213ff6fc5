/* SPDX-License-Identifier: MIT */
/*
 * Which statement decided a call: the side table of a compiled program
 * (struct moat_bpf_origin, its fallbacks) read against how the interpreter
 * ran it. The BPF carries nothing extra; this is how reports name the rule.
 */
#ifndef MOAT_SECCOMP_DECIDER_H
#define MOAT_SECCOMP_DECIDER_H

#include <linux/seccomp.h>

#include "policy/ir.h"
#include "seccomp/codegen.h"
#include "seccomp/interpreter.h"

/*
 * The statement behind the value `program` returned for `data` on the run
 * `trace` describes: a rule, the `default`, or one of moat's own rules (the
 * architecture check, x32; line 0, text describing it). Never NULL.
 */
const struct moat_statement *moat_seccomp_decider(const struct moat_seccomp_program *program,
                                                  const struct seccomp_data *data,
                                                  const struct moat_bpf_trace *trace);

#endif /* MOAT_SECCOMP_DECIDER_H */
