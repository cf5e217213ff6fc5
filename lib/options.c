// SPDX-License-Identifier: MIT
/* The _init() functions of the versioned options structs (util/options.h). */
#include <errno.h>
#include <string.h>

#include "moat.h"

int moat_load_options_init(struct moat_load_options *options, unsigned int version)
{
	if (!options || version != MOAT_LOAD_OPTIONS_VERSION)
		return -EINVAL;
	memset(options, 0, sizeof(*options));
	options->version = version;
	return 0;
}

int moat_sandbox_options_init(struct moat_sandbox_options *options, unsigned int version)
{
	if (!options || version != MOAT_SANDBOX_OPTIONS_VERSION)
		return -EINVAL;
	memset(options, 0, sizeof(*options));
	options->version = version;
	return 0;
}

int moat_supervisor_options_init(struct moat_supervisor_options *options, unsigned int version)
{
	if (!options || version != MOAT_SUPERVISOR_OPTIONS_VERSION)
		return -EINVAL;
	memset(options, 0, sizeof(*options));
	options->version = version;
	return 0;
}
