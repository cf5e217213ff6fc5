// SPDX-License-Identifier: MIT
/*
 * `hostname NAME`: set in the new UTS namespace, where it changes nothing
 * outside. The NIS domain name is left as the namespace copied it.
 */
#include "isolate/internal.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "util/message.h"

int moat_isolate_set_hostname(const struct moat_isolate_plan *plan, struct moat_error *error)
{
	struct moat_message message;

	if (!plan->hostname || !(plan->namespaces & MOAT_NAMESPACE_UTS))
		return 0;
	if (sethostname(plan->hostname, strlen(plan->hostname)) == 0)
		return 0;
	message = moat_message_begin(error, -errno);
	moat_message_put(&message, "cannot set the hostname to ");
	moat_message_put(&message, plan->hostname);
	moat_message_put(&message, ": ");
	moat_message_put_reason(&message, -message.code);
	return moat_message_end(&message);
}
