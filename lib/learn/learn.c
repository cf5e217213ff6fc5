// SPDX-License-Identifier: MIT
/* moat_learn(): the public face of learning, observe then write, as `moat learn` does. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "learn/learn.h"
#include "util/error.h"
#include "util/options.h"

static int set_step(struct moat_error *error, const char *step, int code)
{
	if (error)
		snprintf(error->step, sizeof(error->step), "%s", step);
	return code;
}

static int observe(struct moat_learn_observations *observations, const char *path,
                   char *const argv[], int *wait_status, struct moat_error *error)
{
	struct moat_learn_result result;
	int code = moat_learn_observe(observations, path, argv, &result, error);

	if (code < 0)
		return set_step(error, "observe", code);
	if (result.exec_error) {
		moat_error_set(error, -result.exec_error, "cannot execute %s: %s", path,
		               strerror(result.exec_error));
		return set_step(error, "exec", -result.exec_error);
	}
	*wait_status = result.wait_status;
	return 0;
}

/* The learned policy as a string, through the one writer (write.c). */
static int write_text(const struct moat_learn_observations *observations,
                      const struct moat_learn_options *options, char **text,
                      struct moat_error *error)
{
	struct moat_learn_write_options write = {
	        .includes = options ? options->includes : NULL,
	        .include_count = options ? options->include_count : 0,
	        .base = options ? options->base : NULL,
	        .command = options ? options->command : NULL,
	        .home = options ? options->home : NULL,
	};
	size_t size = 0;
	FILE *stream = open_memstream(text, &size);
	int code;

	if (!stream)
		return set_step(error, "write", moat_error_set(error, -ENOMEM, "out of memory"));
	code = moat_learn_write(observations, &write, stream, error);
	if (fclose(stream) != 0 && code == 0)
		code = moat_error_set(error, -ENOMEM, "out of memory");
	if (code < 0) {
		free(*text);
		*text = NULL;
		return set_step(error, "write", code);
	}
	return 0;
}

int moat_learn(char **text, const char *path, char *const argv[],
               const struct moat_learn_options *options, int *wait_status, struct moat_error *error)
{
	struct moat_learn_observations observations;
	int code;

	if (!text || !path || !argv || !wait_status)
		return moat_error_set(error, -EINVAL,
		                      "moat_learn needs text, path, argv and status");
	*text = NULL;
	code = moat_options_check_version(options, options ? options->version : 0,
	                                  MOAT_LEARN_OPTIONS_VERSION, "struct moat_learn_options",
	                                  error);
	if (code < 0)
		return code;
	code = moat_learn_observations_init(&observations, error);
	if (code < 0)
		return set_step(error, "observe", code);
	code = observe(&observations, path, argv, wait_status, error);
	if (code == 0)
		code = write_text(&observations, options, text, error);
	moat_learn_observations_release(&observations);
	return code;
}
