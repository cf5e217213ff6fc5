// SPDX-License-Identifier: MIT
/*
 * `hostname NAME`: set in the new UTS namespace, where it changes nothing
 * outside. The NIS domain name is left as the namespace copied it.
 */
#include "isolate/internal.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "util/error.h"

int moat_isolate_set_hostname(const struct moat_isolate_plan *plan, struct moat_error *error)
{
	if (!plan->hostname || !(plan->namespaces & MOAT_NAMESPACE_UTS))
		return 0;
	if (sethostname(plan->hostname, strlen(plan->hostname)) < 0)
		return moat_error_set(error, -errno, "cannot set the hostname to %s: %s",
		                      plan->hostname, moat_isolate_strerror(-errno));
	return 0;
}
