// SPDX-License-Identifier: MIT
#include "util/text.h"

#include <string.h>

/* Suggestions are for names; longer strings are never close to anything. */
#define LONGEST 63

size_t moat_edit_distance(const char *left, const char *right)
{
	size_t left_length = strlen(left), right_length = strlen(right);
	size_t row[LONGEST + 2];

	if (left_length > LONGEST || right_length > LONGEST)
		return LONGEST + 1;
	for (size_t k = 0; k <= right_length; k++)
		row[k] = k;
	for (size_t i = 1; i <= left_length; i++) {
		size_t diagonal = row[0];

		row[0] = i;
		for (size_t k = 1; k <= right_length; k++) {
			size_t above = row[k];
			size_t substitute = diagonal + (left[i - 1] != right[k - 1]);
			size_t best = above + 1 < row[k - 1] + 1 ? above + 1 : row[k - 1] + 1;

			row[k] = substitute < best ? substitute : best;
			diagonal = above;
		}
	}
	return row[right_length];
}
