/* SPDX-License-Identifier: MIT */
/*
 * A bump allocator for data that lives exactly as long as its owner (a
 * policy, a plan): many small allocations, one free. Allocation failure
 * returns NULL; nothing aborts.
 */
#ifndef MOAT_UTIL_ARENA_H
#define MOAT_UTIL_ARENA_H

#include <stddef.h>

struct moat_arena_block;

struct moat_arena {
	struct moat_arena_block *blocks;
};

/* Zeroed memory aligned for any type, or NULL when out of memory. */
void *moat_arena_alloc(struct moat_arena *arena, size_t size);

/* The same without zeroing, for memory the caller fills at once. */
void *moat_arena_alloc_uninitialized(struct moat_arena *arena, size_t size);

/* `count` zeroed elements of `size` bytes, or NULL on overflow or no memory. */
void *moat_arena_array(struct moat_arena *arena, size_t count, size_t size);

void *moat_arena_copy(struct moat_arena *arena, const void *data, size_t size);
char *moat_arena_strdup(struct moat_arena *arena, const char *text);
char *moat_arena_strndup(struct moat_arena *arena, const char *text, size_t length);

/* Frees every allocation; the arena can be used again afterwards. */
void moat_arena_release(struct moat_arena *arena);

#endif /* MOAT_UTIL_ARENA_H */
