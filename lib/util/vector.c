// SPDX-License-Identifier: MIT
#include "util/vector.h"

#include <string.h>

void *moat_vector_push(struct moat_vector *vector, struct moat_arena *arena, size_t size)
{
	if (vector->count == vector->capacity) {
		size_t capacity = vector->capacity ? vector->capacity * 2 : 8;
		void *grown = moat_arena_array(arena, capacity, size);

		if (!grown)
			return NULL;
		if (vector->count)
			memcpy(grown, vector->items, vector->count * size);
		vector->items = grown;
		vector->capacity = capacity;
	}
	return (char *)vector->items + size * vector->count++;
}
