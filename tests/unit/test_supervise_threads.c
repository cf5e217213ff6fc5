// SPDX-License-Identifier: MIT
/*
 * The supervisor served by several threads (moat_supervisor_options.threads):
 * many sandboxes at once with every notification answered, one sandbox's
 * notifications never handled by two threads at once, fail-closed when the
 * supervisor is freed while its threads serve, and dispatch() over several
 * shards.
 */
#include "test_supervise.h"

#include <pthread.h>

#define SANDBOXES         24
#define CALLS_PER_SANDBOX 20
#define OPENS_PER_SANDBOX 10
#define CALLERS           4 /* threads of one sandbox calling at once */
#define THREADS           4
#define HANDLER_SLEEP_NS  200000L

/* The [syscalls] rules beside the read grant of struct sv_read_grant. */
static const char syscall_rules[] = "notify openat getsid\n";

static struct sv_read_grant fixture_storage, *const fixture = &fixture_storage;

static int setup(void **state)
{
	(void)state;
	sv_read_grant_setup(fixture, "/tmp/moat-threads-XXXXXX", syscall_rules);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	sv_read_grant_teardown(fixture);
	return 0;
}

static moat_supervisor *supervisor_with_threads(unsigned threads)
{
	struct moat_supervisor_options options = {.version = MOAT_SUPERVISOR_OPTIONS_VERSION,
	                                          .threads = threads};

	return sv_supervisor_with(&options);
}

/* ---- the handler: who served what, and how many at once -------------------- */

struct served {
	pid_t sandboxes[SANDBOXES]; /* (atomic) written before any sandbox calls; 0: not counted */
	int in_handler[SANDBOXES];  /* per sandbox, now (atomic) */
	int most_per_sandbox;       /* the most of one sandbox ever at once (atomic) */
	int in_any;                 /* every sandbox, now (atomic) */
	int most_overall;           /* the most ever at once (atomic) */
	int answered;               /* (atomic) */
	pthread_t threads[THREADS]; /* the serving threads seen, under `lock` */
	int thread_count;
	pthread_mutex_t lock;
};

static void raise_to(int *most, int value)
{
	int seen = __atomic_load_n(most, __ATOMIC_RELAXED);

	while (value > seen && !__atomic_compare_exchange_n(most, &seen, value, false,
	                                                    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		continue;
}

static void note_thread(struct served *served)
{
	pthread_t self = pthread_self();
	bool known = false;

	pthread_mutex_lock(&served->lock);
	for (int i = 0; i < served->thread_count; i++)
		known = known || pthread_equal(served->threads[i], self);
	if (!known && served->thread_count < THREADS)
		served->threads[served->thread_count++] = self;
	pthread_mutex_unlock(&served->lock);
}

/* getsid: answers the argument back, after a pause that lets other threads overlap. */
static int counting_handler(const struct moat_notification *notification, moat_memory *memory,
                            struct moat_reply *reply, void *context)
{
	struct served *served = context;
	struct timespec pause = {0, HANDLER_SLEEP_NS};
	int index = -1;

	(void)memory;
	for (int i = 0; i < SANDBOXES; i++) {
		if (__atomic_load_n(&served->sandboxes[i], __ATOMIC_ACQUIRE) ==
		    notification->sandbox)
			index = i;
	}
	note_thread(served);
	if (index >= 0)
		raise_to(&served->most_per_sandbox,
		         __atomic_add_fetch(&served->in_handler[index], 1, __ATOMIC_SEQ_CST));
	raise_to(&served->most_overall, __atomic_add_fetch(&served->in_any, 1, __ATOMIC_SEQ_CST));
	nanosleep(&pause, NULL);
	__atomic_sub_fetch(&served->in_any, 1, __ATOMIC_SEQ_CST);
	if (index >= 0)
		__atomic_sub_fetch(&served->in_handler[index], 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&served->answered, 1, __ATOMIC_SEQ_CST);
	reply->kind = MOAT_REPLY_VALUE;
	reply->value = (int64_t)notification->args[0];
	return 0;
}

/* ---- what a sandbox runs: several threads calling at once ------------------- */

static void *caller(void *argument)
{
	intptr_t failures = 0;

	(void)argument;
	for (long i = 1; i <= CALLS_PER_SANDBOX / CALLERS; i++) {
		if (syscall(SYS_getsid, i) != i)
			failures++;
	}
	return (void *)failures;
}

static int busy_body(void *context)
{
	const int *go = context;
	pthread_t threads[CALLERS];
	char byte;

	/* Every sandbox's copy of the write end is closed, so closing the test's starts all. */
	close(go[1]);
	SV_EXPECT(read(go[0], &byte, 1) == 0);
	for (int i = 0; i < CALLERS; i++)
		SV_EXPECT(pthread_create(&threads[i], NULL, caller, NULL) == 0);
	for (int i = 0; i < OPENS_PER_SANDBOX; i++)
		SV_EXPECT(sv_reads_granted_data(fixture));
	for (int i = 0; i < CALLERS; i++) {
		void *failures;

		SV_EXPECT(pthread_join(threads[i], &failures) == 0);
		SV_EXPECT(failures == NULL);
	}
	return 0;
}

/* Starts SANDBOXES busy sandboxes that wait for the go pipe; returns when all ran. */
static void run_sandboxes(moat_supervisor *supervisor, struct served *served, bool threaded)
{
	struct moat_error error;
	int go[2];

	assert_int_equal(pipe(go), 0);
	assert_int_equal(
	        moat_supervisor_handle(supervisor, "getsid", counting_handler, served, &error), 0);
	for (int i = 0; i < SANDBOXES; i++)
		__atomic_store_n(&served->sandboxes[i],
		                 sv_start(supervisor, fixture->policy, sv_read_grant_plan(fixture),
		                          busy_body, go),
		                 __ATOMIC_RELEASE);
	/*
	 * The serving threads start once every sandbox is forked: a sandbox here
	 * is a fork of this test, whose body creates threads (and so allocates),
	 * and AddressSanitizer's allocator can be left locked in a child forked
	 * while another thread allocates. moat_spawn()'s own child allocates
	 * nothing; this is the test's body. No sandbox calls before `go`.
	 */
	if (threaded)
		assert_int_equal(moat_supervisor_start(supervisor, &error), 0);
	close(go[0]);
	close(go[1]); /* everyone starts */
	if (!threaded)
		sv_serve_all(supervisor, 60000);
	for (int i = 0; i < SANDBOXES; i++)
		assert_int_equal(sv_wait(served->sandboxes[i]), 0);
}

static void test_threads_serve_many_sandboxes(void **state)
{
	static struct served served = {.lock = PTHREAD_MUTEX_INITIALIZER};
	moat_supervisor *supervisor = supervisor_with_threads(THREADS);

	(void)state;
	run_sandboxes(supervisor, &served, true);
	moat_supervisor_free(supervisor);
	/* Every notification answered, and every sandbox's calls returned the right value. */
	assert_int_equal(served.answered, SANDBOXES * (CALLS_PER_SANDBOX / CALLERS) * CALLERS);
	/* The sandboxes were shared out: every thread served some. */
	assert_int_equal(served.thread_count, THREADS);
	/* Positive control: the counters do see handlers overlap, across sandboxes... */
	assert_true(served.most_overall >= 2);
	/* ...but never two of the same sandbox, though its threads call at once. */
	assert_int_equal(served.most_per_sandbox, 1);
}

static void test_one_thread_serves_alone(void **state)
{
	static struct served served = {.lock = PTHREAD_MUTEX_INITIALIZER};
	moat_supervisor *supervisor = supervisor_with_threads(1);

	(void)state;
	run_sandboxes(supervisor, &served, true);
	moat_supervisor_free(supervisor);
	assert_int_equal(served.answered, SANDBOXES * (CALLS_PER_SANDBOX / CALLERS) * CALLERS);
	assert_int_equal(served.thread_count, 1);
	assert_int_equal(served.most_overall, 1);
}

/* moat_supervisor_dispatch() over several shards: their epolls nest in the supervisor's. */
static void test_dispatch_over_shards(void **state)
{
	static struct served served = {.lock = PTHREAD_MUTEX_INITIALIZER};
	moat_supervisor *supervisor = supervisor_with_threads(THREADS);

	(void)state;
	run_sandboxes(supervisor, &served, false);
	assert_int_equal(moat_supervisor_dispatch(supervisor, 0), 0);
	moat_supervisor_free(supervisor);
	assert_int_equal(served.answered, SANDBOXES * (CALLS_PER_SANDBOX / CALLERS) * CALLERS);
	assert_int_equal(served.thread_count, 1); /* the caller's */
	assert_int_equal(served.most_overall, 1);
}

/* ---- fail-closed ------------------------------------------------------------ */

struct signals {
	int ready; /* the child writes 'r' when served once */
	int go;    /* the child reads a byte before trying again */
};

/* Served once; after the supervisor is gone, every notified call fails with ENOSYS. */
static int orphan_body(void *context)
{
	const struct signals *signals = context;
	char byte;

	SV_EXPECT(sv_reads_granted_data(fixture));
	SV_EXPECT(syscall(SYS_getsid, 7L) == 7);
	SV_EXPECT(write(signals->ready, "r", 1) == 1);
	SV_EXPECT(read(signals->go, &byte, 1) == 1);
	SV_EXPECT(open(fixture->data, O_RDONLY) == -1 && errno == ENOSYS);
	SV_EXPECT(syscall(SYS_getsid, 7L) == -1 && errno == ENOSYS);
	SV_EXPECT(getpid() > 0); /* calls the policy allows are not affected */
	return 0;
}

static void test_freed_while_threads_serve(void **state)
{
	static struct served served = {.lock = PTHREAD_MUTEX_INITIALIZER};
	moat_supervisor *supervisor = supervisor_with_threads(THREADS);
	struct signals signals;
	struct moat_error error;
	pid_t pids[THREADS];
	int ready[2], go[2];
	char byte;

	(void)state;
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(go), 0);
	signals = (struct signals){ready[1], go[0]};
	assert_int_equal(
	        moat_supervisor_handle(supervisor, "getsid", counting_handler, &served, &error), 0);
	assert_int_equal(moat_supervisor_start(supervisor, &error), 0);
	/* One sandbox per thread, so that every thread has a listener to close. */
	for (int i = 0; i < THREADS; i++) {
		pids[i] = sv_start(supervisor, fixture->policy, sv_read_grant_plan(fixture),
		                   orphan_body, &signals);
		__atomic_store_n(&served.sandboxes[i], pids[i], __ATOMIC_RELEASE);
	}
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(read(ready[0], &byte, 1), 1);
	moat_supervisor_free(supervisor);
	assert_int_equal(served.thread_count, THREADS);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(write(go[1], "g", 1), 1);
	for (int i = 0; i < THREADS; i++)
		assert_int_equal(sv_wait(pids[i]), 0);
	close(ready[0]);
	close(ready[1]);
	close(go[0]);
	close(go[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_threads_serve_many_sandboxes),
	        cmocka_unit_test(test_one_thread_serves_alone),
	        cmocka_unit_test(test_dispatch_over_shards),
	        cmocka_unit_test(test_freed_while_threads_serve),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
