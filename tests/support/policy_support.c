// SPDX-License-Identifier: MIT
#include "policy_support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void collect(const struct moat_diagnostic *diagnostic, void *context)
{
	struct test_diagnostics *diagnostics = context;
	size_t used = strlen(diagnostics->text);

	moat_diagnostic_format(diagnostic, diagnostics->text + used,
	                       sizeof(diagnostics->text) - used);
	if (diagnostic->severity == MOAT_SEVERITY_ERROR)
		diagnostics->errors++;
	else if (diagnostic->severity == MOAT_SEVERITY_WARNING)
		diagnostics->warnings++;
	else
		diagnostics->notes++;
}

moat_policy *test_load_with(const char *text, struct moat_load_options options,
                            struct test_diagnostics *diagnostics)
{
	moat_policy *policy = NULL;

	memset(diagnostics, 0, sizeof(*diagnostics));
	/* Tests fill the fields they need; the version is this header's. */
	options.version = MOAT_LOAD_OPTIONS_VERSION;
	options.on_diagnostic = collect;
	options.diagnostic_context = diagnostics;
	if (moat_policy_load_string(&policy, "test.policy", text, strlen(text), &options,
	                            &diagnostics->error) < 0)
		return NULL;
	return policy;
}

moat_policy *test_load(const char *text, struct test_diagnostics *diagnostics)
{
	struct moat_load_options options = MOAT_LOAD_OPTIONS_INIT;

	return test_load_with(text, options, diagnostics);
}

moat_policy *test_load_paths(const char *const *paths, size_t count,
                             struct moat_load_options options, struct test_diagnostics *diagnostics)
{
	moat_policy *policy = NULL;

	memset(diagnostics, 0, sizeof(*diagnostics));
	options.version = MOAT_LOAD_OPTIONS_VERSION;
	options.on_diagnostic = collect;
	options.diagnostic_context = diagnostics;
	if (moat_policy_load(&policy, paths, count, &options, &diagnostics->error) < 0)
		return NULL;
	return policy;
}

moat_policy *test_load_arch(const char *text, const char *arch,
                            struct test_diagnostics *diagnostics)
{
	char path[] = "/tmp/moat-arch-XXXXXX.policy";
	const char *paths[] = {path};
	moat_policy *policy = NULL;
	struct moat_load_options options = {.version = MOAT_LOAD_OPTIONS_VERSION,
	                                    .on_diagnostic = collect,
	                                    .diagnostic_context = diagnostics};
	int fd = mkstemps(path, 7);
	size_t length = strlen(text);

	memset(diagnostics, 0, sizeof(*diagnostics));
	if (fd < 0)
		return NULL;
	if (write(fd, text, length) == (ssize_t)length &&
	    moat_policy_load_arch(&policy, arch, paths, 1, &options, &diagnostics->error) < 0)
		policy = NULL;
	close(fd);
	unlink(path);
	return policy;
}
