// SPDX-License-Identifier: MIT
/* Asking the kernel which Landlock ABI it speaks, and what each ABI brings. */
#include "landlock/landlock.h"

#include <errno.h>
#include <string.h>

#include "landlock/abi.h"

/* The newest ABI whose features moat knows. */
#define NEWEST_KNOWN_ABI 9

void moat_landlock_features_for_abi(struct moat_landlock_features *features, int abi)
{
	memset(features, 0, sizeof(*features));
	features->abi = abi;
	if (abi >= 1)
		features->fs = (LANDLOCK_ACCESS_FS_MAKE_SYM << 1) - 1;
	if (abi >= 2)
		features->fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		features->fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 4)
		features->net = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
	if (abi >= 5)
		features->fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	if (abi >= 6)
		features->scopes = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET | LANDLOCK_SCOPE_SIGNAL;
	if (abi >= 7)
		features->restrict_flags = LANDLOCK_RESTRICT_SELF_LOG_SAME_EXEC_OFF |
		                           LANDLOCK_RESTRICT_SELF_LOG_NEW_EXEC_ON |
		                           LANDLOCK_RESTRICT_SELF_LOG_SUBDOMAINS_OFF;
	if (abi >= 8)
		features->restrict_flags |= LANDLOCK_RESTRICT_SELF_TSYNC;
	if (abi >= NEWEST_KNOWN_ABI)
		features->fs |= LANDLOCK_ACCESS_FS_RESOLVE_UNIX;
}

int moat_landlock_probe(struct moat_landlock_features *features)
{
	int abi;
	int errata;

	abi = moat_landlock_sys_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	if (abi < 0) {
		int code = errno;

		moat_landlock_features_for_abi(features, 0);
		if (code == EOPNOTSUPP) {
			features->disabled = true;
			return 0;
		}
		return code == ENOSYS ? 0 : -code;
	}
	moat_landlock_features_for_abi(features, abi);
	/* Kernels before ABI 7 reject the flag (EINVAL) and report no errata. */
	errata = moat_landlock_sys_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_ERRATA);
	if (errata > 0)
		features->errata = (uint32_t)errata;
	return 0;
}
