// SPDX-License-Identifier: MIT
/*
 * program_stats PID: the kernel's own count of the time spent in moat's
 * egress programs while process PID lives, per program: runs and
 * nanoseconds per run. bench/egress/run.sh runs it beside a sandbox that
 * connects in a loop: wall-clock ratios on a shared VM drift by more than
 * the programs cost, while these counts are the programs' cost alone.
 *
 * BPF_ENABLE_STATS turns the counting on for as long as its descriptor is
 * open, so nothing is left changed when this ends. The programs are
 * detached when the sandbox ends, so their counts are read every 20 ms and
 * the last reading is kept. Needs CAP_SYS_ADMIN (root).
 */
#include <errno.h>
#include <linux/bpf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define MAX_PROGRAMS 16
#define NAME_PREFIX  "moat_egress"

struct reading {
	__u32 id;
	char name[BPF_OBJ_NAME_LEN];
	__u64 runs, nanoseconds;
};

static long bpf(int command, union bpf_attr *attributes)
{
	return syscall(SYS_bpf, command, attributes, sizeof(*attributes));
}

static int enable_stats(void)
{
	union bpf_attr attributes;

	memset(&attributes, 0, sizeof(attributes));
	attributes.enable_stats.type = BPF_STATS_RUN_TIME;
	return (int)bpf(BPF_ENABLE_STATS, &attributes);
}

static int program_info(__u32 id, struct bpf_prog_info *info)
{
	union bpf_attr attributes;
	int fd, result;

	memset(&attributes, 0, sizeof(attributes));
	attributes.prog_id = id;
	fd = (int)bpf(BPF_PROG_GET_FD_BY_ID, &attributes);
	if (fd < 0)
		return -1;
	memset(info, 0, sizeof(*info));
	memset(&attributes, 0, sizeof(attributes));
	attributes.info.bpf_fd = (__u32)fd;
	attributes.info.info_len = sizeof(*info);
	attributes.info.info = (__u64)(unsigned long)info;
	result = (int)bpf(BPF_OBJ_GET_INFO_BY_FD, &attributes);
	close(fd);
	return result;
}

static struct reading *slot_for(struct reading *readings, int *count, __u32 id)
{
	for (int i = 0; i < *count; i++)
		if (readings[i].id == id)
			return &readings[i];
	if (*count == MAX_PROGRAMS)
		return NULL;
	readings[*count].id = id;
	return &readings[(*count)++];
}

/* Every loaded program whose name starts with NAME_PREFIX, read once. */
static void read_programs(struct reading *readings, int *count)
{
	union bpf_attr attributes;
	struct bpf_prog_info info;

	memset(&attributes, 0, sizeof(attributes));
	while (bpf(BPF_PROG_GET_NEXT_ID, &attributes) == 0) {
		struct reading *slot;

		attributes.start_id = attributes.next_id;
		if (program_info(attributes.next_id, &info) < 0 ||
		    strncmp(info.name, NAME_PREFIX, strlen(NAME_PREFIX)) != 0)
			continue;
		slot = slot_for(readings, count, attributes.next_id);
		if (!slot)
			continue;
		memcpy(slot->name, info.name, sizeof(slot->name));
		slot->runs = info.run_cnt;
		slot->nanoseconds = info.run_time_ns;
	}
}

int main(int argc, char **argv)
{
	struct reading readings[MAX_PROGRAMS];
	struct timespec pause = {.tv_nsec = 20 * 1000 * 1000};
	pid_t watched = argc == 2 ? (pid_t)atol(argv[1]) : 0;
	int count = 0, stats = enable_stats();

	if (watched <= 0) {
		fprintf(stderr, "usage: program_stats PID\n");
		return 2;
	}
	if (stats < 0) {
		fprintf(stderr, "program_stats: BPF_ENABLE_STATS: %s\n", strerror(errno));
		return 1;
	}
	while (kill(watched, 0) == 0) {
		read_programs(readings, &count);
		nanosleep(&pause, NULL);
	}
	for (int i = 0; i < count; i++)
		if (readings[i].runs > 0)
			printf("%s %llu %.1f\n", readings[i].name,
			       (unsigned long long)readings[i].runs,
			       (double)readings[i].nanoseconds / (double)readings[i].runs);
	close(stats);
	return 0;
}
