// SPDX-License-Identifier: MIT
/*
 * Reports on standard output what the process hygiene tests look at after
 * execve, for each request in the order given:
 *
 *   process_report caps        the Cap* lines of /proc/self/status
 *   process_report bind PORT   "bind 0" or "bind ERRNO" for TCP PORT on any address
 *   process_report env         every environment entry, one per line
 *   process_report fds         the open descriptors, "fds 0 1 2 ..."
 */
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

extern char **environ;

static int report_capabilities(void)
{
	char line[256];
	FILE *status = fopen("/proc/self/status", "re");

	if (!status)
		return 1;
	while (fgets(line, sizeof(line), status))
		if (strncmp(line, "Cap", 3) == 0)
			fputs(line, stdout);
	fclose(status);
	return 0;
}

static int report_bind(const char *port)
{
	struct sockaddr_in address = {.sin_family = AF_INET};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int result = 0;

	if (fd < 0)
		return 1;
	address.sin_port = htons((uint16_t)atoi(port));
	address.sin_addr.s_addr = htonl(INADDR_ANY);
	if (bind(fd, (struct sockaddr *)&address, sizeof(address)) < 0)
		result = errno;
	printf("bind %d\n", result);
	close(fd);
	return 0;
}

static int report_environment(void)
{
	char **entry;

	for (entry = environ; *entry; entry++)
		printf("%s\n", *entry);
	return 0;
}

static int report_descriptors(void)
{
	DIR *directory = opendir("/proc/self/fd");
	struct dirent *entry;

	if (!directory)
		return 1;
	printf("fds");
	while ((entry = readdir(directory)))
		if (entry->d_name[0] != '.' && atoi(entry->d_name) != dirfd(directory))
			printf(" %s", entry->d_name);
	printf("\n");
	closedir(directory);
	return 0;
}

int main(int argc, char **argv)
{
	int result = 0;
	int i;

	for (i = 1; i < argc && result == 0; i++) {
		if (strcmp(argv[i], "caps") == 0)
			result = report_capabilities();
		else if (strcmp(argv[i], "bind") == 0 && i + 1 < argc)
			result = report_bind(argv[++i]);
		else if (strcmp(argv[i], "env") == 0)
			result = report_environment();
		else if (strcmp(argv[i], "fds") == 0)
			result = report_descriptors();
		else
			result = 2;
	}
	if (result == 2)
		fprintf(stderr, "usage: %s [caps | bind PORT | env | fds]...\n", argv[0]);
	return result;
}
