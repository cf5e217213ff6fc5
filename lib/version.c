// SPDX-License-Identifier: MIT
#include "moat.h"

const char *moat_version(void)
{
	return MOAT_VERSION_STRING;
}
