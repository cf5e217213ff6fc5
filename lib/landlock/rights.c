// SPDX-License-Identifier: MIT
/* The filesystem rights: their names in the policy language and their ABIs. */
#include "landlock/internal.h"

#include <stddef.h>

#include "landlock/abi.h"

static const struct moat_landlock_fs_right rights[] = {
        {LANDLOCK_ACCESS_FS_EXECUTE, "execute", 1, "executing files"},
        {LANDLOCK_ACCESS_FS_WRITE_FILE, "write-file", 1, "opening files for writing"},
        {LANDLOCK_ACCESS_FS_READ_FILE, "read-file", 1, "opening files for reading"},
        {LANDLOCK_ACCESS_FS_READ_DIR, "read-dir", 1, "listing directories"},
        {LANDLOCK_ACCESS_FS_REMOVE_DIR, "remove-dir", 1, "removing directories"},
        {LANDLOCK_ACCESS_FS_REMOVE_FILE, "remove-file", 1, "removing files"},
        {LANDLOCK_ACCESS_FS_MAKE_CHAR, "make-char", 1, "creating character devices"},
        {LANDLOCK_ACCESS_FS_MAKE_DIR, "make-dir", 1, "creating directories"},
        {LANDLOCK_ACCESS_FS_MAKE_REG, "make-reg", 1, "creating regular files"},
        {LANDLOCK_ACCESS_FS_MAKE_SOCK, "make-sock", 1, "creating unix sockets"},
        {LANDLOCK_ACCESS_FS_MAKE_FIFO, "make-fifo", 1, "creating named pipes"},
        {LANDLOCK_ACCESS_FS_MAKE_BLOCK, "make-block", 1, "creating block devices"},
        {LANDLOCK_ACCESS_FS_MAKE_SYM, "make-sym", 1, "creating symbolic links"},
        {LANDLOCK_ACCESS_FS_REFER, "refer", 2, "renaming and linking across directories"},
        {LANDLOCK_ACCESS_FS_TRUNCATE, "truncate", 3, "truncating files"},
        {LANDLOCK_ACCESS_FS_IOCTL_DEV, "ioctl-dev", 5, "ioctl on device files"},
        {LANDLOCK_ACCESS_FS_RESOLVE_UNIX, "resolve-unix", 9, "connecting to pathname unix sockets"},
};

const struct moat_landlock_fs_right *moat_landlock_fs_right_info(uint64_t right)
{
	for (size_t i = 0; i < sizeof(rights) / sizeof(rights[0]); i++)
		if (rights[i].bit == right)
			return &rights[i];
	return NULL;
}

const char *moat_landlock_fs_right_name(uint64_t right)
{
	const struct moat_landlock_fs_right *info = moat_landlock_fs_right_info(right);

	return info ? info->name : NULL;
}

int moat_landlock_fs_right_abi(uint64_t right)
{
	const struct moat_landlock_fs_right *info = moat_landlock_fs_right_info(right);

	return info ? info->abi : 0;
}
