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

#endif /* MOAT_UTIL_VECTOR_H */
