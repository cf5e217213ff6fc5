/* SPDX-License-Identifier: MIT */
/*
 * A growable array whose storage lives in an arena: for building the lists
 * of a syntax tree or IR whose final size is not known in advance.
 */
#ifndef MOAT_UTIL_VECTOR_H
#define MOAT_UTIL_VECTOR_H

#include <stddef.h>

#include "util/arena.h"

struct moat_vector {
	void *items;
	size_t count;
	size_t capacity;
};

/*
 * Appends one zeroed element of `size` bytes and returns it, or NULL when out
 * of memory. Earlier element pointers stay valid only until the next push.
 */
void *moat_vector_push(struct moat_vector *vector, struct moat_arena *arena, size_t size);

/*
 * The same for a vector that lives only while something is built: its
 * storage is on the heap, grown in place when it can, and released with
 * moat_vector_release(), so that a large temporary list does not stay in
 * the arena (or touch fresh pages at every doubling).
 */
void *moat_vector_push_temporary(struct moat_vector *vector, size_t size);
void moat_vector_release(struct moat_vector *vector);

#endif /* MOAT_UTIL_VECTOR_H */
