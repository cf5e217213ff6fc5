// SPDX-License-Identifier: MIT
/*
 * Landlock [network] rules, enforced: TCP connect and bind ports (ABI 4)
 * against listeners this test starts on 127.0.0.1, and the abstract unix
 * socket and signal scopes (ABI 6) against a socket and a process outside
 * the sandbox. Every denial has its positive control, as root and as uid
 * 65534.
 */
#include "test_landlock.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>

static struct moat_landlock_features kernel;
static int setup(void **state)
{
	(void)state;
	return moat_landlock_probe(&kernel);
}

static void expect(const struct moat_landlock_plan *plan, enum ll_user user, ll_action *action,
                   void *context, int control_result, int sandboxed_result)
{
	int control = ll_run(NULL, user, action, context);
	int sandboxed = ll_run(plan, user, action, context);

	printf("  %s: without the plan %d, with it %d (want %d, %d)\n", ll_user_name(user), control,
	       sandboxed, control_result, sandboxed_result);
	assert_int_equal(control, control_result);
	assert_int_equal(sandboxed, sandboxed_result);
}

static struct moat_landlock_plan *network_plan(const struct moat_port_list *connect_tcp,
                                               const struct moat_port_list *bind_tcp,
                                               unsigned scopes)
{
	struct moat_policy policy;

	ll_policy_init(&policy, MOAT_COMPAT_STRICT);
	policy.network.present = true;
	if (connect_tcp)
		policy.network.connect_tcp = *connect_tcp;
	if (bind_tcp)
		policy.network.bind_tcp = *bind_tcp;
	policy.network.scopes = scopes;
	return ll_plan(&policy, &kernel);
}

/* ---- TCP ------------------------------------------------------------- */

/* A port nothing listens on: bound once to learn it, then released. */
static uint16_t free_port(void)
{
	uint16_t port;
	int fd = ll_start_listener(&port);

	close(fd);
	return port;
}

/* A child action: binds `port` (a uint16_t *) on 127.0.0.1. */
static int tcp_bind(void *port)
{
	struct sockaddr_in address = ll_loopback(*(const uint16_t *)port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int yes = 1;
	int result;

	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes)) < 0)
		return LL_CHILD_UNEXPECTED;
	result = ll_result(bind(fd, (struct sockaddr *)&address, sizeof(address)));
	close(fd);
	return result;
}

static void test_tcp_connect(void **state)
{
	uint16_t allowed_port;
	uint16_t other_port;
	int allowed_listener;
	int other_listener;
	struct moat_landlock_plan *plan;
	struct moat_port_list ports = {.present = true, .ports = &allowed_port, .count = 1};
	struct moat_port_list none = {.present = true};

	(void)state;
	ll_require_abi(&kernel, 4, "TCP port rules");
	allowed_listener = ll_start_listener(&allowed_port);
	other_listener = ll_start_listener(&other_port);
	plan = network_plan(&ports, NULL, 0);
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++) {
		expect(plan, user, ll_tcp_connect, &allowed_port, 0, 0);
		expect(plan, user, ll_tcp_connect, &other_port, 0, EACCES);
		/* Only connect is handled: binding stays free. */
		expect(plan, user, tcp_bind, &(uint16_t){free_port()}, 0, 0);
		ll_drain(allowed_listener);
		ll_drain(other_listener);
	}
	moat_landlock_plan_free(plan);

	/* `connect tcp none`: no port at all. */
	plan = network_plan(&none, NULL, 0);
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++) {
		expect(plan, user, ll_tcp_connect, &allowed_port, 0, EACCES);
		ll_drain(allowed_listener);
	}
	moat_landlock_plan_free(plan);
	close(allowed_listener);
	close(other_listener);
}

static void test_tcp_bind(void **state)
{
	uint16_t allowed_port = free_port();
	struct moat_port_list ports = {.present = true, .ports = &allowed_port, .count = 1};
	struct moat_port_list none = {.present = true};
	struct moat_landlock_plan *plan;
	uint16_t other_port = free_port();
	uint16_t listener_port;
	int listener;

	(void)state;
	ll_require_abi(&kernel, 4, "TCP port rules");
	listener = ll_start_listener(&listener_port);
	plan = network_plan(NULL, &ports, 0);
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++) {
		expect(plan, user, tcp_bind, &allowed_port, 0, 0);
		expect(plan, user, tcp_bind, &other_port, 0, EACCES);
		/* Only bind is handled: connecting stays free. */
		expect(plan, user, ll_tcp_connect, &listener_port, 0, 0);
		ll_drain(listener);
	}
	moat_landlock_plan_free(plan);

	plan = network_plan(NULL, &none, 0);
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++)
		expect(plan, user, tcp_bind, &allowed_port, 0, EACCES);
	moat_landlock_plan_free(plan);
	close(listener);
}

/* ---- abstract unix sockets ------------------------------------------- */

static socklen_t abstract_address(struct sockaddr_un *address, const char *name)
{
	memset(address, 0, sizeof(*address));
	address->sun_family = AF_UNIX;
	/* sun_path[0] stays '\0': the abstract namespace. */
	snprintf(address->sun_path + 1, sizeof(address->sun_path) - 1, "%s", name);
	return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + strlen(name));
}

static int abstract_listener(const char *name)
{
	struct sockaddr_un address;
	socklen_t length = abstract_address(&address, name);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || bind(fd, (struct sockaddr *)&address, length) < 0 || listen(fd, 64) < 0)
		return -1;
	return fd;
}

static int abstract_connect(void *name)
{
	struct sockaddr_un address;
	socklen_t length = abstract_address(&address, name);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int result;

	if (fd < 0)
		return LL_CHILD_UNEXPECTED;
	result = ll_result(connect(fd, (struct sockaddr *)&address, length));
	close(fd);
	return result;
}

/* A listener created inside the sandbox stays reachable from it. */
static int abstract_connect_own(void *name)
{
	int listener = abstract_listener(name);
	int result;

	if (listener < 0)
		return LL_CHILD_UNEXPECTED;
	result = abstract_connect(name);
	close(listener);
	return result;
}

static void test_abstract_unix_scope(void **state)
{
	char outside_name[64];
	char inside_name[64];
	struct moat_landlock_plan *plan;
	int listener;

	(void)state;
	ll_require_abi(&kernel, 6, "the abstract unix socket scope");
	snprintf(outside_name, sizeof(outside_name), "moat-test-landlock-%d-out", (int)getpid());
	snprintf(inside_name, sizeof(inside_name), "moat-test-landlock-%d-in", (int)getpid());
	listener = abstract_listener(outside_name);
	assert_true(listener >= 0);
	plan = network_plan(NULL, NULL, MOAT_SCOPE_ABSTRACT_UNIX);
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++) {
		expect(plan, user, abstract_connect, outside_name, 0, EPERM);
		expect(plan, user, abstract_connect_own, inside_name, 0, 0);
	}
	moat_landlock_plan_free(plan);
	close(listener);
}

/* ---- signals --------------------------------------------------------- */

/* A process outside the sandbox, as `user`, that ignores SIGUSR1 and waits. */
static pid_t start_victim(enum ll_user user)
{
	int ready[2];
	char byte;
	pid_t pid;

	assert_int_equal(pipe2(ready, O_CLOEXEC), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGUSR1, SIG_IGN);
		if (ll_become(user) < 0)
			_exit(LL_CHILD_DROP_FAILED);
		close(ready[0]);
		if (write(ready[1], "x", 1) != 1)
			_exit(LL_CHILD_UNEXPECTED);
		for (;;)
			pause();
	}
	close(ready[1]);
	assert_int_equal(read(ready[0], &byte, 1), 1);
	close(ready[0]);
	return pid;
}

static void stop_victim(pid_t pid)
{
	int status;

	assert_int_equal(kill(pid, SIGKILL), 0);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
}

static int send_signal(void *pid)
{
	return ll_result(kill(*(pid_t *)pid, SIGUSR1));
}

/* A child the sandbox starts itself is inside the sandbox: it can be signalled. */
static int signal_own_child(void *unused)
{
	int status;
	pid_t pid;

	(void)unused;
	pid = fork();
	if (pid < 0)
		return LL_CHILD_UNEXPECTED;
	if (pid == 0) {
		for (;;)
			pause();
	}
	if (kill(pid, SIGKILL) < 0)
		return errno;
	if (waitpid(pid, &status, 0) != pid || !WIFSIGNALED(status))
		return LL_CHILD_UNEXPECTED;
	return 0;
}

static void test_signal_scope(void **state)
{
	struct moat_landlock_plan *plan;

	(void)state;
	ll_require_abi(&kernel, 6, "the signal scope");
	plan = network_plan(NULL, NULL, MOAT_SCOPE_SIGNAL);
	for (enum ll_user user = LL_SELF; user <= ll_last_user(); user++) {
		pid_t victim = start_victim(user);

		expect(plan, user, send_signal, &victim, 0, EPERM);
		expect(plan, user, signal_own_child, NULL, 0, 0);
		stop_victim(victim);
	}
	moat_landlock_plan_free(plan);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_tcp_connect),
	        cmocka_unit_test(test_tcp_bind),
	        cmocka_unit_test(test_abstract_unix_scope),
	        cmocka_unit_test(test_signal_scope),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
