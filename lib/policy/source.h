/* SPDX-License-Identifier: MIT */
/*
 * A policy file being read: its text, its name as diagnostics print it, and
 * where it was included from. Sources form a tree (the include tree); the
 * resolver uses it for the included-from chain of diagnostics and for
 * overrides, where a rule in a file beats a rule from a file it includes.
 */
#ifndef MOAT_POLICY_SOURCE_H
#define MOAT_POLICY_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "moat.h"

struct moat_source {
	const char *name;      /* as printed in diagnostics */
	const char *directory; /* that quoted includes are relative to */
	const char *text;
	size_t length;
	/*
	 * The file whose include reached it, NULL for a file named by the
	 * caller. The resolver moves a file included more than once to the
	 * include where it takes effect (its last) before resolving it.
	 */
	const struct moat_source *parent;
	struct moat_location included_at; /* the include statement in `parent` */
	unsigned depth;                   /* 0 for a file named by the caller */
	dev_t device;                     /* identity of the file, for cycles and include-once */
	ino_t inode;
	/*
	 * When the resolver finished the file (a post-order count of the
	 * include tree): a file finishes after everything it includes and
	 * after the files read before it, so the higher count takes
	 * precedence, as overrides want.
	 */
	unsigned precedence;
};

struct moat_arena;

/* True when `ancestor` includes `source`, directly or through other files. */
bool moat_source_is_ancestor(const struct moat_source *ancestor, const struct moat_source *source);

/*
 * Reads the policy file `path` into a new source allocated in `arena`.
 * `parent` and `included_at` are NULL for a file the caller named. Returns
 * -errno when the file cannot be read, -EISDIR or -EINVAL for something that
 * is not a regular file, -EFBIG for a file over 1 MiB.
 */
int moat_source_read(struct moat_source **source, struct moat_arena *arena, const char *path,
                     const struct moat_source *parent, const struct moat_location *included_at);

/* A source for text held in memory; `name` is used as its path. */
int moat_source_from_text(struct moat_source **source, struct moat_arena *arena, const char *name,
                          const char *text, size_t length);

#endif /* MOAT_POLICY_SOURCE_H */
