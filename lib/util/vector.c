// SPDX-License-Identifier: MIT
#include "util/vector.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void *moat_vector_push(struct moat_vector *vector, struct moat_arena *arena, size_t size)
{
	void *item;

	if (vector->count == vector->capacity) {
		size_t capacity = vector->capacity ? vector->capacity * 2 : 1;
		void *grown = capacity <= SIZE_MAX / size
		                      ? moat_arena_alloc_uninitialized(arena, capacity * size)
		                      : NULL;

		if (!grown)
			return NULL;
		if (vector->count)
			memcpy(grown, vector->items, vector->count * size);
		vector->items = grown;
		vector->capacity = capacity;
	}
	item = (char *)vector->items + size * vector->count++;
	memset(item, 0, size);
	return item;
}

void *moat_vector_push_temporary(struct moat_vector *vector, size_t size)
{
	void *item;

	if (vector->count == vector->capacity) {
		size_t capacity = vector->capacity ? vector->capacity * 2 : 64;
		void *grown = capacity <= SIZE_MAX / size ? realloc(vector->items, capacity * size)
		                                          : NULL;

		if (!grown)
			return NULL;
		vector->items = grown;
		vector->capacity = capacity;
	}
	item = (char *)vector->items + size * vector->count++;
	memset(item, 0, size);
	return item;
}

void moat_vector_release(struct moat_vector *vector)
{
	free(vector->items);
	*vector = (struct moat_vector){0};
}
