/* SPDX-License-Identifier: MIT */
/*
 * Where a value stands in JSON text. json-c keeps no positions, so an error
 * about a value found through json-c is located by walking the text again
 * along the value's path.
 */
#ifndef MOAT_IMPORT_JSON_LOCATE_H
#define MOAT_IMPORT_JSON_LOCATE_H

#include <stddef.h>

/*
 * The line and column (from 1) of the value at `path` (`$.syscalls[3].op`:
 * member names and array indices from the root) in `text`; of the last
 * value that could be reached when the path goes further than the text.
 */
void moat_json_locate(const char *text, size_t length, const char *path, unsigned *line,
                      unsigned *column);

/* The line and column (from 1) of byte `offset` of `text`. */
void moat_json_position(const char *text, size_t offset, unsigned *line, unsigned *column);

#endif /* MOAT_IMPORT_JSON_LOCATE_H */
