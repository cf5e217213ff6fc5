// SPDX-License-Identifier: MIT
/*
 * Brokered connects, for integration/broker:
 *
 *   connect_race serve PATH full|open
 *       A Unix stream server at PATH (mode 0777, for uid 65534 too) that
 *       never accepts; `full` fills its queue first, so that a blocking
 *       connect waits and a non-blocking one fails with EAGAIN. Prints
 *       "ready", then waits until its parent exits (at most 60 seconds).
 *   connect_race race PATH SECONDS
 *       The attack on a supervisor that sets O_NONBLOCK on the sandbox's
 *       socket: one thread connects blocking sockets to PATH (a full
 *       server), another clears O_NONBLOCK on them all the time. Prints
 *       "racing" after 200 connects; exits 0 when every connect failed with
 *       EAGAIN, as the broker answers for a full server.
 *   connect_race check PORT PATH
 *       Brokered connects to 127.0.0.1:PORT and to PATH (a server with
 *       room) keep the descriptor number, close-on-exec and O_NONBLOCK of
 *       the socket, and a TCP_NODELAY set before; prints "ok".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define FAIL(...)                                                                                  \
	do {                                                                                       \
		fprintf(stderr, "connect_race: " __VA_ARGS__);                                     \
		fprintf(stderr, " (errno %d)\n", errno);                                           \
		return 1;                                                                          \
	} while (0)

static struct sockaddr_un unix_address(const char *path)
{
	struct sockaddr_un address = {.sun_family = AF_UNIX};

	snprintf(address.sun_path, sizeof(address.sun_path), "%s", path);
	return address;
}

static int serve(const char *path, bool full)
{
	struct sockaddr_un address = unix_address(path);
	int listener = socket(AF_UNIX, SOCK_STREAM, 0), filler;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || listener < 0 ||
	    bind(listener, (struct sockaddr *)&address, sizeof(address)) < 0 ||
	    chmod(path, 0777) < 0 || listen(listener, full ? 0 : 16) < 0)
		FAIL("cannot serve %s", path);
	if (full) {
		/* One connection waiting to be accepted fills a queue of 0. */
		filler = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (filler < 0 || connect(filler, (struct sockaddr *)&address, sizeof(address)) < 0)
			FAIL("cannot fill the queue of %s", path);
	}
	printf("ready\n");
	fflush(stdout);
	sleep(600);
	return 0;
}

struct race {
	struct sockaddr_un address;
	atomic_int current; /* the socket being connected, or -1 */
	atomic_bool done;
};

static void *clear_nonblocking(void *argument)
{
	struct race *race = argument;

	while (!atomic_load(&race->done)) {
		int fd = atomic_load(&race->current);

		if (fd >= 0)
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	}
	return NULL;
}

static long milliseconds_now(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec * 1000 + now.tv_nsec / 1000000;
}

static int race(const char *path, long seconds)
{
	struct race race = {.address = unix_address(path), .current = -1};
	long start = milliseconds_now(), end = start + seconds * 1000;
	long tries = 0, other = 0, last_error = 0;
	pthread_t thread;

	if (pthread_create(&thread, NULL, clear_nonblocking, &race) != 0)
		FAIL("no thread");
	/*
	 * At least `seconds`, and on a loaded machine longer, until 200
	 * connects have raced (at most a minute more): the count is what the
	 * test checks, not the speed.
	 */
	while (milliseconds_now() < end || (tries < 200 && milliseconds_now() < end + 60000)) {
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);

		atomic_store(&race.current, fd);
		if (connect(fd, (struct sockaddr *)&race.address, sizeof(race.address)) == 0 ||
		    errno != EAGAIN) {
			other++;
			last_error = errno;
		}
		atomic_store(&race.current, -1);
		close(fd);
		if (++tries == 200) {
			printf("racing\n");
			fflush(stdout);
		}
	}
	atomic_store(&race.done, true);
	pthread_join(thread, NULL);
	printf("%ld connects, %ld not EAGAIN (the last: errno %ld)\n", tries, other, last_error);
	return other == 0 && tries >= 200 ? 0 : 1;
}

/* Connects `fd` (made blocking or not) and checks it kept what it had. */
static int check_one(int fd, const struct sockaddr *address, socklen_t length, const char *what)
{
	int flags = fcntl(fd, F_GETFL), fd_flags = fcntl(fd, F_GETFD), error = 0;
	struct pollfd writable = {fd, POLLOUT, 0};
	struct sockaddr_storage peer;
	socklen_t size = sizeof(error), peer_length = sizeof(peer);

	if (connect(fd, address, length) < 0) {
		if (errno != EINPROGRESS || !(flags & O_NONBLOCK))
			FAIL("%s: connect", what);
		if (poll(&writable, 1, 5000) != 1 ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) < 0 || error)
			FAIL("%s: the connection did not complete", what);
	}
	if (getpeername(fd, (struct sockaddr *)&peer, &peer_length) < 0)
		FAIL("%s: not connected at the same descriptor", what);
	if (fcntl(fd, F_GETFL) != flags)
		FAIL("%s: file flags 0%o became 0%o", what, flags, fcntl(fd, F_GETFL));
	if (fcntl(fd, F_GETFD) != fd_flags)
		FAIL("%s: close-on-exec changed", what);
	return 0;
}

/* A socket at descriptor `number`, close-on-exec and non-blocking as asked. */
static int socket_at(int domain, int number, int type_flags)
{
	int fd = socket(domain, SOCK_STREAM | type_flags, 0);

	if (fd < 0 || dup3(fd, number, type_flags & SOCK_CLOEXEC ? O_CLOEXEC : 0) < 0)
		return -1;
	close(fd);
	if ((type_flags & SOCK_NONBLOCK) && fcntl(number, F_SETFL, O_NONBLOCK) < 0)
		return -1;
	return number;
}

static int check(int port, const char *path)
{
	struct sockaddr_in tcp = {.sin_family = AF_INET,
	                          .sin_port = htons((uint16_t)port),
	                          .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	struct sockaddr_un local = unix_address(path);
	static const int modes[] = {0, SOCK_CLOEXEC, SOCK_NONBLOCK, SOCK_NONBLOCK | SOCK_CLOEXEC};
	int one = 1, value = 0;
	socklen_t size = sizeof(value);

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		int fd = socket_at(AF_INET, 40 + (int)i, modes[i]);

		if (fd < 0 || setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) < 0)
			FAIL("no TCP socket");
		if (check_one(fd, (struct sockaddr *)&tcp, sizeof(tcp), "tcp") != 0)
			return 1;
		if (getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &value, &size) < 0 || !value)
			FAIL("TCP_NODELAY was lost");
		close(fd);
		fd = socket_at(AF_UNIX, 50 + (int)i, modes[i]);
		if (fd < 0)
			FAIL("no Unix socket");
		if (check_one(fd, (struct sockaddr *)&local, sizeof(local), "unix") != 0)
			return 1;
		close(fd);
	}
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "serve"))
		return serve(argv[2], !strcmp(argv[3], "full"));
	if (argc == 4 && !strcmp(argv[1], "race"))
		return race(argv[2], atol(argv[3]));
	if (argc == 4 && !strcmp(argv[1], "check"))
		return check(atoi(argv[2]), argv[3]);
	fprintf(stderr, "usage: connect_race serve PATH full|open | race PATH SECONDS | "
	                "check PORT PATH\n");
	return 2;
}
