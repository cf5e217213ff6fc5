// SPDX-License-Identifier: MIT
#include "util/text.h"

#include <ctype.h>
#include <stdbool.h>
#include <string.h>

static size_t smallest(size_t a, size_t b)
{
	return a < b ? a : b;
}

static bool same_letter(char a, char b)
{
	if (a == '_')
		a = '-';
	if (b == '_')
		b = '-';
	return tolower((unsigned char)a) == tolower((unsigned char)b);
}

size_t moat_typo_distance(const char *left, const char *right, size_t limit)
{
	size_t left_length = strlen(left), right_length = strlen(right);
	/* Three rolling rows of the distance matrix: i - 2, i - 1 and i. */
	size_t rows[3][MOAT_TYPO_LENGTH_MAX + 1] = {{0}};

	if (left_length > MOAT_TYPO_LENGTH_MAX || right_length > MOAT_TYPO_LENGTH_MAX)
		return limit + 1;
	for (size_t j = 0; j <= right_length; j++)
		rows[0][j] = j;
	for (size_t i = 1; i <= left_length; i++) {
		size_t *current = rows[i % 3];
		const size_t *previous = rows[(i - 1) % 3];
		const size_t *before = rows[(i + 1) % 3];
		size_t row_best = current[0] = i;

		for (size_t j = 1; j <= right_length; j++) {
			size_t cost = same_letter(left[i - 1], right[j - 1]) ? 0 : 1;
			size_t distance = smallest(smallest(previous[j] + 1, current[j - 1] + 1),
			                           previous[j - 1] + cost);

			if (i > 1 && j > 1 && same_letter(left[i - 1], right[j - 2]) &&
			    same_letter(left[i - 2], right[j - 1]))
				distance = smallest(distance, before[j - 2] + 1);
			current[j] = distance;
			row_best = smallest(row_best, distance);
		}
		if (row_best > limit)
			return limit + 1;
	}
	return smallest(rows[left_length % 3][right_length], limit + 1);
}
