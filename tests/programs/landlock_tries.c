// SPDX-License-Identifier: MIT
/*
 * landlock_tries DENIED GRANTED PORT ROUNDS PAUSE_MS: for the tests of
 * Landlock refusals in `moat run --report`. Each round opens DENIED for
 * writing twice (Landlock refuses both in the tests), writes GRANTED, and
 * connects to 127.0.0.1:PORT over TCP (refused before it leaves the
 * machine); then it sleeps PAUSE_MS. Prints what each try got on stdout
 * in the first round, as `write DENIED: EACCES`.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int try_write(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

static int try_connect(unsigned port)
{
	struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), result = 0;

	if (fd < 0)
		return errno;
	address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&address, sizeof(address)) < 0)
		result = errno;
	close(fd);
	return result;
}

static void say(int round, const char *what, const char *object, int code)
{
	if (round == 0)
		printf("%s %s: %s\n", what, object, code ? strerrorname_np(code) : "ok");
}

int main(int argc, char **argv)
{
	struct timespec pause = {0};
	long rounds;

	if (argc != 6) {
		fprintf(stderr, "usage: landlock_tries DENIED GRANTED PORT ROUNDS PAUSE_MS\n");
		return 2;
	}
	rounds = strtol(argv[4], NULL, 10);
	pause.tv_nsec = strtol(argv[5], NULL, 10) % 1000 * 1000000L;
	pause.tv_sec = strtol(argv[5], NULL, 10) / 1000;
	for (int round = 0; round < rounds; round++) {
		say(round, "write", argv[1], try_write(argv[1]));
		say(round, "write", argv[1], try_write(argv[1]));
		say(round, "write", argv[2], try_write(argv[2]));
		say(round, "connect", argv[3], try_connect((unsigned)strtoul(argv[3], NULL, 10)));
		fflush(stdout);
		nanosleep(&pause, NULL);
	}
	return 0;
}
