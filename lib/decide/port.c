// SPDX-License-Identifier: MIT
/* A port's decision, as Landlock decides `connect tcp` and `bind tcp`. */
#include <errno.h>
#include <string.h>

#include "decide/decide.h"
#include "landlock/abi.h"
#include "landlock/landlock.h"
#include "util/error.h"

static const struct moat_statement no_statement = {
        {NULL, 0, 0}, "no `connect tcp` or `bind tcp` statement: Landlock does not restrict it"};
static const struct moat_statement not_restricted = {
        {NULL, 0, 0}, "this kernel's Landlock does not restrict TCP ports"};

/* Whether the running kernel restricts `right`, as the policy's compat mode takes it. */
static bool restricted(const struct moat_policy *policy, uint64_t right)
{
	struct moat_landlock_features features;

	if (moat_landlock_probe(&features) == 0 && (features.net & right))
		return true;
	return policy->compat == MOAT_COMPAT_STRICT;
}

int moat_decide_port(const moat_policy *policy, enum moat_port_access access, unsigned port,
                     struct moat_decision *decision, struct moat_error *error)
{
	const struct moat_port_list *list =
	        access == MOAT_PORT_BIND ? &policy->network.bind_tcp : &policy->network.connect_tcp;
	uint64_t right = access == MOAT_PORT_BIND ? LANDLOCK_ACCESS_NET_BIND_TCP
	                                          : LANDLOCK_ACCESS_NET_CONNECT_TCP;

	memset(decision, 0, sizeof(*decision));
	if (port > 65535)
		return moat_error_set(error, -EINVAL, "port %u is above 65535", port);
	if (!policy->network.present || !list->present) {
		moat_decide_verdict(decision, true, &no_statement);
		return 0;
	}
	if (!restricted(policy, right)) {
		moat_decide_verdict(decision, true, &not_restricted);
		return 0;
	}
	for (size_t i = 0; i < list->count; i++) {
		if (list->ports[i] == port) {
			moat_decide_verdict(decision, true, &list->port_statements[i]);
			return 0;
		}
	}
	moat_decide_verdict(decision, false, &list->statement);
	return 0;
}
