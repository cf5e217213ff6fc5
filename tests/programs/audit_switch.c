// SPDX-License-Identifier: MIT
/*
 * audit_switch get|on|off: prints whether kernel auditing is on (1 or 0),
 * or turns it on or off (AUDIT_SET, as `auditctl -e` does), for the tests
 * of Landlock refusals in `moat run --report`, which restore the previous
 * state when they end. Exits 2 when the kernel has no audit, 3 when it
 * refuses (no CAP_AUDIT_CONTROL), 1 on any other failure.
 */
#include <errno.h>
#include <linux/audit.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int exchange(int fd, unsigned type, const struct audit_status *status,
                    struct audit_status *answer)
{
	struct {
		struct nlmsghdr header;
		struct audit_status status;
	} request = {.header = {.nlmsg_len = NLMSG_LENGTH(status ? sizeof(*status) : 0),
	                        .nlmsg_type = (unsigned short)type,
	                        .nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK}};
	struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
	char reply[4096] __attribute__((aligned(NLMSG_ALIGNTO)));

	if (status)
		request.status = *status;
	if (sendto(fd, &request, request.header.nlmsg_len, 0, (struct sockaddr *)&kernel,
	           sizeof(kernel)) < 0)
		return -errno;
	for (int replies = 0; replies < 4; replies++) {
		ssize_t length = recv(fd, reply, sizeof(reply), 0);
		struct nlmsghdr *header = (struct nlmsghdr *)reply;

		if (length < 0)
			return -errno;
		if (!NLMSG_OK(header, (size_t)length))
			continue;
		if (header->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *failure = NLMSG_DATA(header);

			if (failure->error || !answer)
				return failure->error;
		} else if (header->nlmsg_type == AUDIT_GET && answer) {
			memcpy(answer, NLMSG_DATA(header), sizeof(*answer));
			return 0;
		}
	}
	return -EIO;
}

int main(int argc, char **argv)
{
	struct audit_status status = {0};
	struct timeval timeout = {.tv_sec = 2};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	int result;

	if (argc != 2) {
		fprintf(stderr, "usage: audit_switch get|on|off\n");
		return 1;
	}
	if (fd < 0) {
		perror("audit_switch: NETLINK_AUDIT");
		return 2;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
	if (!strcmp(argv[1], "get")) {
		result = exchange(fd, AUDIT_GET, NULL, &status);
		if (result == 0)
			printf("%u\n", status.enabled);
	} else {
		status.mask = AUDIT_STATUS_ENABLED;
		status.enabled = !strcmp(argv[1], "on");
		result = exchange(fd, AUDIT_SET, &status, NULL);
	}
	close(fd);
	if (result < 0)
		fprintf(stderr, "audit_switch %s: %s\n", argv[1], strerror(-result));
	return result == -EPERM ? 3 : result < 0 ? 1 : 0;
}
