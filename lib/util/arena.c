// SPDX-License-Identifier: MIT
#include "util/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Large enough that a typical policy fits in one or two blocks. */
#define ARENA_BLOCK_SIZE 16384

struct moat_arena_block {
	struct moat_arena_block *next;
	size_t used;
	size_t capacity;
	alignas(max_align_t) unsigned char data[];
};

static size_t align_up(size_t size)
{
	size_t alignment = alignof(max_align_t);

	return (size + alignment - 1) & ~(alignment - 1);
}

static struct moat_arena_block *add_block(struct moat_arena *arena, size_t at_least)
{
	size_t capacity = at_least > ARENA_BLOCK_SIZE ? at_least : ARENA_BLOCK_SIZE;
	struct moat_arena_block *block = malloc(sizeof(*block) + capacity);

	if (!block)
		return NULL;
	block->next = arena->blocks;
	block->used = 0;
	block->capacity = capacity;
	arena->blocks = block;
	return block;
}

void *moat_arena_alloc_uninitialized(struct moat_arena *arena, size_t size)
{
	struct moat_arena_block *block = arena->blocks;
	void *memory;

	if (size > SIZE_MAX - alignof(max_align_t))
		return NULL;
	size = align_up(size ? size : 1);
	if (!block || block->capacity - block->used < size) {
		block = add_block(arena, size);
		if (!block)
			return NULL;
	}
	memory = block->data + block->used;
	block->used += size;
	return memory;
}

void *moat_arena_alloc(struct moat_arena *arena, size_t size)
{
	void *memory = moat_arena_alloc_uninitialized(arena, size);

	if (memory)
		memset(memory, 0, size);
	return memory;
}

void *moat_arena_array(struct moat_arena *arena, size_t count, size_t size)
{
	if (size && count > SIZE_MAX / size)
		return NULL;
	return moat_arena_alloc(arena, count * size);
}

void *moat_arena_copy(struct moat_arena *arena, const void *data, size_t size)
{
	void *copy = moat_arena_alloc_uninitialized(arena, size);

	if (copy && size)
		memcpy(copy, data, size);
	return copy;
}

char *moat_arena_strndup(struct moat_arena *arena, const char *text, size_t length)
{
	char *copy = moat_arena_alloc_uninitialized(arena, length + 1);

	if (copy) {
		memcpy(copy, text, length);
		copy[length] = '\0';
	}
	return copy;
}

char *moat_arena_strdup(struct moat_arena *arena, const char *text)
{
	return moat_arena_strndup(arena, text, strlen(text));
}

void moat_arena_release(struct moat_arena *arena)
{
	struct moat_arena_block *block = arena->blocks;

	while (block) {
		struct moat_arena_block *next = block->next;

		free(block);
		block = next;
	}
	arena->blocks = NULL;
}
