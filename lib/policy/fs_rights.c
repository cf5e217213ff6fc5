// SPDX-License-Identifier: MIT
/* The [filesystem] rights by name, and their names. */
#include "policy/fs_rights.h"

#include <string.h>

#include "policy/ir.h"

static const struct {
	const char *name;
	uint64_t access;
} rights[] = {
        {"execute", MOAT_FS_EXECUTE},
        {"write-file", MOAT_FS_WRITE_FILE},
        {"read-file", MOAT_FS_READ_FILE},
        {"read-dir", MOAT_FS_READ_DIR},
        {"remove-dir", MOAT_FS_REMOVE_DIR},
        {"remove-file", MOAT_FS_REMOVE_FILE},
        {"make-char", MOAT_FS_MAKE_CHAR},
        {"make-dir", MOAT_FS_MAKE_DIR},
        {"make-reg", MOAT_FS_MAKE_REG},
        {"make-sock", MOAT_FS_MAKE_SOCK},
        {"make-fifo", MOAT_FS_MAKE_FIFO},
        {"make-block", MOAT_FS_MAKE_BLOCK},
        {"make-sym", MOAT_FS_MAKE_SYM},
        {"refer", MOAT_FS_REFER},
        {"truncate", MOAT_FS_TRUNCATE},
        {"ioctl-dev", MOAT_FS_IOCTL_DEV},
        /* The shorthands of the section's own statements, usable in a list too. */
        {"read", MOAT_FS_READ},
        {"write", MOAT_FS_WRITE},
        {"exec", MOAT_FS_EXEC},
};

bool moat_policy_fs_right_by_name(const char *name, size_t length, uint64_t *access)
{
	for (size_t i = 0; i < sizeof(rights) / sizeof(rights[0]); i++) {
		if (strlen(rights[i].name) == length && !strncmp(rights[i].name, name, length)) {
			*access = rights[i].access;
			return true;
		}
	}
	return false;
}

const char *moat_policy_fs_right_name(uint64_t right)
{
	for (size_t i = 0; i < sizeof(rights) / sizeof(rights[0]); i++) {
		if (rights[i].access == right)
			return rights[i].name;
	}
	return NULL;
}
