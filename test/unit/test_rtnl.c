/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Tests of rtnl.c (and tap.c's TUNSETCARRIER) against the running kernel,
 * in a network namespace of the test's own (unshare(CLONE_NEWNET)), so that
 * nothing of the host's links or routes is touched: a TAP made there
 * through /dev/net/tun is set up and down, given addresses and default
 * routes (of two metrics), made a bridge's port and released, and its carrier is switched; `ip -j` (iproute2, run in the same
 * namespace) reads the result back. Skipped where the process may not
 * make a namespace or a TAP (not root, no tun). Needs no EAL.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_tun.h>

#include <cmocka.h>

#include "devargs.h"
#include "rtnl.h"
#include "tap.h"

#define TAP "vxrtnl0"

static int tap_fd = -1;
static unsigned int tap_index;

/* `cmd` (a shell command) in this namespace; its output, or "" */
static char *run(const char *cmd)
{
	static char out[16384];
	size_t n = 0, r;
	FILE *p = popen(cmd, "r");

	out[0] = '\0';
	if (p == NULL)
		return out;
	while (n < sizeof(out) - 1 &&
	       (r = fread(out + n, 1, sizeof(out) - 1 - n, p)) > 0)
		n += r;
	out[n] = '\0';
	pclose(p);
	return out;
}

static struct vxpath_ipaddr ip(int family, const char *text, int len)
{
	struct vxpath_ipaddr a;

	memset(&a, 0, sizeof(a));
	a.family = (uint8_t)family;
	a.prefixlen = (uint8_t)len;
	assert_int_equal(inet_pton(family, text, a.addr), 1);
	return a;
}

static short flags(void)
{
	struct ifreq ifr;
	int s = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, TAP);
	assert_int_equal(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	close(s);
	return ifr.ifr_flags;
}

/* A namespace of our own with one TAP in it; skip if we cannot. */
static int group_setup(void **state)
{
	struct ifreq ifr;

	(void)state;
	if (unshare(CLONE_NEWNET) < 0) {
		print_message("skipped: unshare(CLONE_NEWNET): %s\n",
			      strerror(errno));
		return 0;
	}
	tap_fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (tap_fd < 0) {
		print_message("skipped: /dev/net/tun: %s\n", strerror(errno));
		return 0;
	}
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, TAP);
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	if (ioctl(tap_fd, TUNSETIFF, &ifr) < 0) {
		print_message("skipped: TUNSETIFF: %s\n", strerror(errno));
		close(tap_fd);
		tap_fd = -1;
		return 0;
	}
	tap_index = if_nametoindex(TAP);
	return tap_index != 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	if (tap_fd >= 0)
		close(tap_fd);
	return 0;
}

#define NEED_TAP() do { if (tap_fd < 0) skip(); } while (0)

static void test_link_up_down(void **state)
{
	(void)state;
	NEED_TAP();
	assert_int_equal(vxpath_rtnl_link_set_up(tap_index, true), 0);
	assert_true(flags() & IFF_UP);
	assert_int_equal(vxpath_rtnl_link_set_up(tap_index, false), 0);
	assert_false(flags() & IFF_UP);
	/* the kernel's errno comes back: no such interface */
	assert_int_equal(vxpath_rtnl_link_set_up(tap_index + 1000, true),
			 -ENODEV);
}

static void test_addresses_and_routes(void **state)
{
	struct vxpath_ipaddr v4 = ip(AF_INET, "10.9.0.1", 24);
	struct vxpath_ipaddr v6 = ip(AF_INET6, "fd00:9::1", 64);
	struct vxpath_ipaddr gw4 = ip(AF_INET, "10.9.0.254", 0);
	struct vxpath_ipaddr gw6 = ip(AF_INET6, "fe80::1", 0);
	struct vxpath_ipaddr far = ip(AF_INET, "192.0.2.1", 0);
	const char *out;

	(void)state;
	NEED_TAP();
	assert_int_equal(vxpath_rtnl_link_set_up(tap_index, true), 0);
	assert_int_equal(vxpath_rtnl_addr_add(tap_index, &v4), 0);
	assert_int_equal(vxpath_rtnl_addr_add(tap_index, &v6), 0);
	/* again, as at a second port start: NLM_F_REPLACE, no error */
	assert_int_equal(vxpath_rtnl_addr_add(tap_index, &v4), 0);
	assert_int_equal(vxpath_rtnl_addr_add(tap_index, &v6), 0);
	out = run("ip -j addr show dev " TAP);
	assert_non_null(strstr(out, "\"local\":\"10.9.0.1\",\"prefixlen\":24"));
	assert_non_null(strstr(out, "\"broadcast\":\"10.9.0.255\""));
	assert_non_null(strstr(out, "\"local\":\"fd00:9::1\",\"prefixlen\":64"));
	/* IFA_F_NODAD: usable at once, never tentative (only the kernel's
	 * own link-local address goes through duplicate address detection)
	 */
	assert_non_null(strstr(out, "\"local\":\"fd00:9::1\",\"prefixlen\":64,"
			       "\"scope\":\"global\",\"nodad\":true"));

	assert_int_equal(vxpath_rtnl_route_add_default(tap_index, &gw4, 0), 0);
	assert_int_equal(vxpath_rtnl_route_add_default(tap_index, &gw6, 0), 0);
	out = run("ip -j -4 route show default");
	assert_non_null(strstr(out, "\"gateway\":\"10.9.0.254\""));
	out = run("ip -j -6 route show default");
	assert_non_null(strstr(out, "\"gateway\":\"fe80::1\""));
	/* NLM_F_EXCL: a second default route is refused, as `ip route add` */
	assert_int_equal(vxpath_rtnl_route_add_default(tap_index, &gw4, 0),
			 -EEXIST);
	/* another metric (metric=): beside it; IPv6 made 0 its 1024 */
	assert_int_equal(vxpath_rtnl_route_add_default(tap_index, &gw4, 100),
			 0);
	assert_int_equal(vxpath_rtnl_route_add_default(tap_index, &gw6, 100),
			 0);
	out = run("ip -j -4 route show default");
	assert_non_null(strstr(out, "\"gateway\":\"10.9.0.254\",\"dev\":\""
			       TAP "\",\"protocol\":\"static\",\"metric\":100"));
	out = run("ip -j -6 route show default");
	assert_non_null(strstr(out, "\"metric\":1024"));
	assert_non_null(strstr(out, "\"metric\":100,"));
	assert_int_equal(vxpath_rtnl_route_add_default(tap_index, &gw4, 100),
			 -EEXIST);
	/* down: the kernel drops the routes; IPv4's address stays */
	assert_int_equal(vxpath_rtnl_link_set_up(tap_index, false), 0);
	out = run("ip -j -4 route show default");
	assert_null(strstr(out, "10.9.0.254"));
	out = run("ip -j -4 addr show dev " TAP);
	assert_non_null(strstr(out, "10.9.0.1"));
	/* up again: all of it can be given again */
	assert_int_equal(vxpath_rtnl_link_set_up(tap_index, true), 0);
	assert_int_equal(vxpath_rtnl_addr_add(tap_index, &v4), 0);
	assert_int_equal(vxpath_rtnl_addr_add(tap_index, &v6), 0);
	assert_int_equal(vxpath_rtnl_route_add_default(tap_index, &gw4, 0), 0);
	/* a gateway not on the TAP's prefix: the kernel says why */
	assert_int_equal(vxpath_rtnl_route_add_default(tap_index, &far, 0),
			 -ENETUNREACH);
	assert_int_equal(vxpath_rtnl_link_set_up(tap_index, false), 0);
}

static void test_carrier(void **state)
{
	const char *out = "";
	int i;

	(void)state;
	NEED_TAP();
	assert_int_equal(vxpath_rtnl_link_set_up(tap_index, true), 0);
	assert_int_equal(vxpath_tap_set_carrier(tap_fd, TAP, false), 0);
	/* IFF_RUNNING follows the carrier through the kernel's link watch,
	 * shortly after.
	 */
	for (i = 0; i < 50; i++) {
		out = run("ip -j link show dev " TAP);
		if (strstr(out, "NO-CARRIER") != NULL)
			break;
		usleep(100000);
	}
	assert_non_null(strstr(out, "NO-CARRIER"));
	assert_int_equal(vxpath_tap_set_carrier(tap_fd, TAP, true), 0);
	for (i = 0; i < 50; i++) {
		out = run("ip -j link show dev " TAP);
		if (strstr(out, "NO-CARRIER") == NULL)
			break;
		usleep(100000);
	}
	assert_null(strstr(out, "NO-CARRIER"));
	assert_true(flags() & IFF_RUNNING);
	assert_int_equal(vxpath_rtnl_link_set_up(tap_index, false), 0);
}

/* IFLA_MASTER: a port of a bridge made here, released, errors. */
static void test_bridge(void **state)
{
	unsigned int br;
	const char *out;

	(void)state;
	NEED_TAP();
	run("ip link add vxrtnlbr0 type bridge 2>/dev/null");
	br = if_nametoindex("vxrtnlbr0");
	if (br == 0) {
		print_message("skipped: no bridge (ip link add type bridge)\n");
		skip();
	}
	assert_int_equal(vxpath_rtnl_link_set_master(tap_index, br), 0);
	out = run("ip -j link show dev " TAP);
	assert_non_null(strstr(out, "\"master\":\"vxrtnlbr0\""));
	/* again: already its port, no error */
	assert_int_equal(vxpath_rtnl_link_set_master(tap_index, br), 0);
	assert_int_equal(vxpath_rtnl_link_set_master(tap_index, 0), 0);
	out = run("ip -j link show dev " TAP);
	assert_null(strstr(out, "\"master\""));
	/* released twice: nothing to do, no error */
	assert_int_equal(vxpath_rtnl_link_set_master(tap_index, 0), 0);
	/* the kernel's errno: no interface of that index (EINVAL), and
	 * loopback takes no port
	 */
	assert_int_equal(vxpath_rtnl_link_set_master(tap_index, br + 1000),
			 -EINVAL);
	assert_int_equal(vxpath_rtnl_link_set_master(tap_index,
						     if_nametoindex("lo")),
			 -EOPNOTSUPP);
	run("ip link del vxrtnlbr0");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_up_down),
		cmocka_unit_test(test_addresses_and_routes),
		cmocka_unit_test(test_carrier),
		cmocka_unit_test(test_bridge),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
