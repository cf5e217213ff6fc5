// SPDX-License-Identifier: MIT
/*
 * `unshare net`: a new network namespace has one interface, lo, and it is
 * down. It is brought up, so that the program can talk to itself over
 * 127.0.0.1 and ::1; nothing else is configured, so nothing outside is
 * reachable.
 */
#include "isolate/internal.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/message.h"

int moat_isolate_loopback_up(struct moat_error *error)
{
	struct ifreq request;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int result = 0;

	if (fd < 0)
		return moat_message_set_reason(error, -errno,
		                               "cannot bring up the loopback interface");
	memset(&request, 0, sizeof(request));
	memcpy(request.ifr_name, "lo", sizeof("lo"));
	if (ioctl(fd, SIOCGIFFLAGS, &request) < 0)
		result = -errno;
	request.ifr_flags |= IFF_UP;
	if (result == 0 && ioctl(fd, SIOCSIFFLAGS, &request) < 0)
		result = -errno;
	close(fd);
	if (result < 0)
		return moat_message_set_reason(error, result,
		                               "cannot bring up the loopback interface");
	return 0;
}
