// SPDX-License-Identifier: MIT
/*
 * Stands in for lib/export and lib/import in a libmoat configured with
 * -DMOAT_OCI=OFF, for a target without json-c: the public functions stay
 * (same symbols, same ABI) and say that this build cannot read or write
 * JSON profiles.
 */
#include <errno.h>
#include <stddef.h>

#include "moat.h"
#include "util/error.h"

static int without_json_c(struct moat_error *error)
{
	return moat_error_set(error, -EOPNOTSUPP,
	                      "moat was built without OCI profile support (json-c)");
}

int moat_policy_export_oci(const moat_policy *policy, enum moat_oci_format format, char **json,
                           moat_diagnostic_fn *diagnostics, void *context, struct moat_error *error)
{
	(void)policy, (void)format, (void)diagnostics, (void)context;
	*json = NULL;
	return without_json_c(error);
}

int moat_policy_import_oci(const char *json, size_t length, const char *name,
                           const struct moat_oci_import_options *options, char **policy_text,
                           struct moat_error *error)
{
	(void)json, (void)length, (void)name, (void)options;
	*policy_text = NULL;
	return without_json_c(error);
}
