// SPDX-License-Identifier: MIT
/*
 * Runs a fuzz target over files without libFuzzer, so that every build's
 * test suite replays the committed corpora, the inputs of past crashes
 * included (tests/CMakeLists.txt registers one test per target):
 *   replay_TARGET DIRECTORY-OR-FILE...
 * A target reports a broken invariant by aborting, which fails the test.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

static int replay_file(const char *path)
{
	FILE *file = fopen(path, "rb");
	uint8_t *data = NULL;
	long size;

	if (!file || fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0 ||
	    fseek(file, 0, SEEK_SET) != 0 || !(data = malloc((size_t)size + 1)) ||
	    fread(data, 1, (size_t)size, file) != (size_t)size) {
		perror(path);
		if (file)
			fclose(file);
		free(data);
		return -1;
	}
	fclose(file);
	LLVMFuzzerTestOneInput(data, (size_t)size);
	free(data);
	return 0;
}

static int replay(const char *path, size_t *count)
{
	struct stat status;
	struct dirent **entries;
	int n, result = 0;

	if (stat(path, &status) != 0) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(status.st_mode)) {
		(*count)++;
		return replay_file(path);
	}
	n = scandir(path, &entries, NULL, alphasort);
	if (n < 0) {
		perror(path);
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char child[4096];

		if (entries[i]->d_name[0] != '.') {
			snprintf(child, sizeof(child), "%s/%s", path, entries[i]->d_name);
			if (replay(child, count) != 0)
				result = -1;
		}
		free(entries[i]);
	}
	free(entries);
	return result;
}

int main(int argc, char **argv)
{
	size_t count = 0;
	int result = 0;

	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (int i = 1; i < argc; i++) {
		if (replay(argv[i], &count) != 0)
			result = 1;
	}
	printf("replayed %zu inputs\n", count);
	return result != 0 || count == 0;
}
