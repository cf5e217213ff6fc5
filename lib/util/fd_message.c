// SPDX-License-Identifier: MIT
#include "util/fd_message.h"

#include <string.h>

void moat_fd_message_init(struct moat_fd_message *message, int fd)
{
	struct cmsghdr *control;

	memset(message, 0, sizeof(*message));
	message->byte = 'L';
	message->data.iov_base = &message->byte;
	message->data.iov_len = 1;
	message->header.msg_iov = &message->data;
	message->header.msg_iovlen = 1;
	message->header.msg_control = message->control.space;
	message->header.msg_controllen = sizeof(message->control.space);
	control = CMSG_FIRSTHDR(&message->header);
	control->cmsg_level = SOL_SOCKET;
	control->cmsg_type = SCM_RIGHTS;
	control->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(control), &fd, sizeof(int));
}
