/* SPDX-License-Identifier: MIT */
/* Capabilities newer than Debian 12's kernel headers name (Linux 5.8 and 5.9). */
#ifndef MOAT_POLICY_CAPABILITY_NUMBERS_H
#define MOAT_POLICY_CAPABILITY_NUMBERS_H

#include <linux/capability.h>

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif
#ifndef CAP_CHECKPOINT_RESTORE
#define CAP_CHECKPOINT_RESTORE 40
#endif

#endif /* MOAT_POLICY_CAPABILITY_NUMBERS_H */
