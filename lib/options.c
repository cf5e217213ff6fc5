// SPDX-License-Identifier: MIT
/* The _init() functions of the versioned options structs (util/options.h). */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "moat.h"

int moat_load_options_init(struct moat_load_options *options, unsigned int version)
{
	/* A caller built against version 1 has a struct that ends before the last layer. */
	size_t size = version == 1 ? offsetof(struct moat_load_options, last_layer_name)
	                           : sizeof(*options);

	if (!options || version < 1 || version > MOAT_LOAD_OPTIONS_VERSION)
		return -EINVAL;
	memset(options, 0, size);
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

int moat_learn_options_init(struct moat_learn_options *options, unsigned int version)
{
	if (!options || version != MOAT_LEARN_OPTIONS_VERSION)
		return -EINVAL;
	memset(options, 0, sizeof(*options));
	options->version = version;
	return 0;
}
