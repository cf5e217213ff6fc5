// SPDX-License-Identifier: MIT
/*
 * watch_probe DIR SECONDS: watches DIR with inotify and prints what it
 * learns, for tests of what Landlock does not confine. Prints
 * "open DIR: ok|ERRNO" (whether the sandbox may list DIR), then
 * "watch: ok" or "watch: ERRNO" and, once watching, "ready" (stdout is
 * line-buffered, so a test can wait for it and then act in DIR); then one line
 * "event create|open|modify|close-write NAME" per event until SECONDS pass
 * without one.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

static void say_open(const char *directory)
{
	int fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	printf("open DIR: %s\n", fd < 0 ? strerrorname_np(errno) : "ok");
	if (fd >= 0)
		close(fd);
}

static const char *event_name(uint32_t mask)
{
	if (mask & IN_CREATE)
		return "create";
	if (mask & IN_OPEN)
		return "open";
	if (mask & IN_MODIFY)
		return "modify";
	if (mask & IN_CLOSE_WRITE)
		return "close-write";
	return "other";
}

static void print_events(const char *buffer, ssize_t length)
{
	for (ssize_t at = 0; at < length;) {
		const struct inotify_event *event = (const void *)(buffer + at);

		printf("event %s %s\n", event_name(event->mask), event->len ? event->name : "");
		at += (ssize_t)(sizeof(*event) + event->len);
	}
}

int main(int argc, char **argv)
{
	char buffer[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	struct pollfd watched = {.events = POLLIN};
	int seconds;

	if (argc != 3)
		return 2;
	/* Line by line: a seccomp kill must not take what was printed with it. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	seconds = atoi(argv[2]);
	say_open(argv[1]);
	watched.fd = inotify_init1(IN_CLOEXEC);
	if (watched.fd < 0 ||
	    inotify_add_watch(watched.fd, argv[1],
	                      IN_CREATE | IN_OPEN | IN_MODIFY | IN_CLOSE_WRITE) < 0) {
		printf("watch: %s\n", strerrorname_np(errno));
		return 1;
	}
	printf("watch: ok\nready\n");
	while (poll(&watched, 1, seconds * 1000) > 0) {
		ssize_t length = read(watched.fd, buffer, sizeof(buffer));

		if (length <= 0)
			break;
		print_events(buffer, length);
	}
	return 0;
}
