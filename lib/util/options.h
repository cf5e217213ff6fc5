/* SPDX-License-Identifier: MIT */
/*
 * The version every options struct carries first (MOAT_*_OPTIONS_VERSION,
 * set by its _INIT macro or _init() function). A library reads only the
 * fields the caller's version has, so a struct may grow at its end without
 * a new soname; a version it does not know is refused.
 */
#ifndef MOAT_UTIL_OPTIONS_H
#define MOAT_UTIL_OPTIONS_H

#include "moat.h"

/*
 * 0 when `options` is NULL or its `version` is between 1 and `known`;
 * else -EINVAL with a message naming `what` ("struct moat_load_options").
 */
int moat_options_check_version(const void *options, unsigned version, unsigned known,
                               const char *what, struct moat_error *error);

#endif /* MOAT_UTIL_OPTIONS_H */
