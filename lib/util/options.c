// SPDX-License-Identifier: MIT
#include "util/options.h"

#include <errno.h>

#include "util/error.h"

int moat_options_check_version(const void *options, unsigned version, unsigned known,
                               const char *what, struct moat_error *error)
{
	if (!options || (version >= 1 && version <= known))
		return 0;
	return moat_error_set(error, -EINVAL,
	                      "%s has version %u, which this library (%s) does not know; "
	                      "initialise it with its _INIT macro or _init() function",
	                      what, version, MOAT_VERSION_STRING);
}
