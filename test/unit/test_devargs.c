/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Unit tests of the devargs parser (drivers/net/vxpath/devargs.h), written
 * against the header's contract: upstream virtio_user's names and defaults,
 * -EINVAL for an unknown key, a malformed or out-of-range value or a missing
 * path, and from vxpath_devargs_check_supported() -ENOTSUP for valid values
 * this build does not implement and -EINVAL for queues > 1 without cq=1.
 * Needs no EAL: the parser only uses rte_kvargs and rte_ether_unformat_addr.
 *
 * The -EINVAL and -ENOTSUP cases are tables; each row runs as its own cmocka
 * test named after the devargs string, so a failure names the input. Each
 * -EINVAL row must also log exactly one line, naming the devarg at fault.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <net/if.h>
#include <sys/socket.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <rte_log.h>

#include "devargs.h"
#include "vhost_worker.h"

#define NAME "net_vxpath0"
/* 256 characters: one more than NAME_MAX, too long for a namespace name. */
#define NAME_16 "abcdefghijklmnop"
#define NAME_256 NAME_16 NAME_16 NAME_16 NAME_16 NAME_16 NAME_16 NAME_16 \
	NAME_16 NAME_16 NAME_16 NAME_16 NAME_16 NAME_16 NAME_16 NAME_16 NAME_16
#define NCASES(a) (sizeof(a) / sizeof((a)[0]))

/* Parse @args into a structure first filled with garbage. */
static int parse(const char *args, struct vxpath_devargs *da)
{
	memset(da, 0xa5, sizeof(*da));
	return vxpath_devargs_parse(NAME, args, da);
}

static void test_defaults(void **state)
{
	struct vxpath_devargs da;

	(void)state;
	assert_int_equal(parse("path=/x", &da), 0);
	assert_string_equal(da.path, "/x");
	assert_string_equal(da.iface, "");
	assert_false(da.mac_given);
	assert_int_equal(da.queues, 1);
	assert_int_equal(da.cq, 0);
	assert_int_equal(da.queue_size, VXPATH_DEFAULT_QUEUE_SIZE);
	assert_int_equal(da.queue_size, 256);
	assert_int_equal(da.server, 0);
	assert_int_equal(da.mrg_rxbuf, 1);
	assert_int_equal(da.in_order, 1);
	assert_int_equal(da.packed_vq, 0);
	/* unknown unless speed= is given, as upstream's virtio_user */
	assert_int_equal(da.speed, VXPATH_DEFAULT_SPEED);
	assert_int_equal(da.speed, RTE_ETH_SPEED_NUM_UNKNOWN);
	assert_int_equal(da.vectorized, 0);
	/* vxpath's own devarg */
	assert_int_equal(da.event_idx, 1);
	/* the TAP's configuration: none, and the operator's flags */
	assert_int_equal(da.ipv4.family, 0);
	assert_int_equal(da.ipv6.family, 0);
	assert_int_equal(da.gateway4.family, 0);
	assert_int_equal(da.gateway6.family, 0);
	assert_int_equal(da.tap_up, VXPATH_TAP_UP_AUTO);
	assert_false(vxpath_devargs_tap_up(&da));
	assert_int_equal(da.vhost_worker, VXPATH_VHOST_WORKER_AUTO);
}

/* ipv4=, ipv6=, gateway4=, gateway6=: network order, prefix, format. */
static void test_tap_addresses(void **state)
{
	static const uint8_t v4[4] = { 10, 0, 0, 1 };
	static const uint8_t gw4[4] = { 10, 0, 0, 254 };
	static const uint8_t v6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0,
					0, 0, 0, 0, 0, 0, 0, 1 };
	char buf[VXPATH_IPADDR_STRLEN];
	struct vxpath_devargs da;

	(void)state;
	assert_int_equal(parse("path=/x,ipv4=10.0.0.1/24,ipv6=fd00::1/64,"
			       "gateway4=10.0.0.254,gateway6=fe80::1", &da), 0);
	assert_int_equal(vxpath_devargs_check_supported(NAME, &da), 0);
	assert_int_equal(da.ipv4.family, AF_INET);
	assert_int_equal(da.ipv4.prefixlen, 24);
	assert_memory_equal(da.ipv4.addr, v4, 4);
	assert_int_equal(da.ipv6.family, AF_INET6);
	assert_int_equal(da.ipv6.prefixlen, 64);
	assert_memory_equal(da.ipv6.addr, v6, 16);
	assert_int_equal(da.gateway4.family, AF_INET);
	assert_int_equal(da.gateway4.prefixlen, 0);
	assert_memory_equal(da.gateway4.addr, gw4, 4);
	assert_int_equal(da.gateway6.family, AF_INET6);
	assert_string_equal(vxpath_ipaddr_format(&da.ipv4, buf), "10.0.0.1/24");
	assert_string_equal(vxpath_ipaddr_format(&da.ipv6, buf), "fd00::1/64");
	assert_string_equal(vxpath_ipaddr_format(&da.gateway4, buf),
			    "10.0.0.254");
	assert_string_equal(vxpath_ipaddr_format(&da.gateway6, buf), "fe80::1");
	/* an address brings the TAP up by default */
	assert_int_equal(da.tap_up, VXPATH_TAP_UP_AUTO);
	assert_true(vxpath_devargs_tap_up(&da));

	assert_int_equal(parse("path=/x,ipv6=2001:db8::5/128", &da), 0);
	assert_true(vxpath_devargs_tap_up(&da));
	assert_int_equal(parse("path=/x,ipv4=192.168.1.1/32,tap_up=0", &da), 0);
	assert_int_equal(vxpath_devargs_check_supported(NAME, &da), 0);
	assert_false(vxpath_devargs_tap_up(&da));
	assert_int_equal(parse("path=/x,tap_up=1", &da), 0);
	assert_true(vxpath_devargs_tap_up(&da));
	/* a gateway within ipv6='s prefix, not link-local */
	assert_int_equal(parse("path=/x,ipv6=fd00:1::2/48,"
			       "gateway6=fd00:1:0:ffff::1", &da), 0);
	assert_int_equal(vxpath_devargs_check_supported(NAME, &da), 0);
	assert_int_equal(parse("path=/x,ipv4=10.1.2.3/9,gateway4=10.127.0.1",
			       &da), 0);
	assert_int_equal(vxpath_devargs_check_supported(NAME, &da), 0);
	assert_int_equal(vxpath_ipaddr_format(&da.ipv6, buf)[0], '\0');
}

/* netns=: kept as given, a name or an absolute path; "" by default.
 * bridge=: an interface name. metric=: a 32-bit number.
 */
static void test_netns(void **state)
{
	struct vxpath_devargs da;
	char args[512];

	(void)state;
	assert_int_equal(parse("path=/dev/vhost-net", &da), 0);
	assert_string_equal(da.netns, "");
	assert_int_equal(parse("path=/dev/vhost-net,netns=blue", &da), 0);
	assert_string_equal(da.netns, "blue");
	assert_false(vxpath_devargs_tap_up(&da));
	assert_int_equal(parse("path=/dev/vhost-net,netns=/proc/1/ns/net",
			       &da), 0);
	assert_string_equal(da.netns, "/proc/1/ns/net");
	/* NAME_MAX characters: the longest name. */
	snprintf(args, sizeof(args), "path=/x,netns=%.255s", NAME_256);
	assert_int_equal(parse(args, &da), 0);
	assert_int_equal(strlen(da.netns), NAME_MAX);
	/* bridge=: a name of up to IFNAMSIZ - 1 characters, "" by default */
	assert_int_equal(parse("path=/x", &da), 0);
	assert_string_equal(da.bridge, "");
	assert_int_equal(parse("path=/x,bridge=abcdefghijklmno", &da), 0);
	assert_string_equal(da.bridge, "abcdefghijklmno");
	assert_string_equal(da.iface, "");
	/* metric=: 0 and not given by default */
	assert_int_equal(parse("path=/x", &da), 0);
	assert_int_equal(da.metric, 0);
	assert_false(da.metric_given);
	assert_int_equal(parse("path=/x,metric=0", &da), 0);
	assert_int_equal(da.metric, 0);
	assert_true(da.metric_given);
	assert_int_equal(parse("path=/x,metric=4294967295", &da), 0);
	assert_int_equal(da.metric, UINT32_MAX);
	/* tap_attach=: 0 by default; 1 needs iface=NAME */
	assert_int_equal(parse("path=/x", &da), 0);
	assert_int_equal(da.tap_attach, 0);
	assert_int_equal(parse("path=/dev/vhost-net,iface=pers0,tap_attach=1",
			       &da), 0);
	assert_int_equal(da.tap_attach, 1);
	assert_string_equal(da.iface, "pers0");
	assert_int_equal(vxpath_devargs_check_supported(NAME, &da), 0);
	assert_int_equal(parse("path=/x,tap_attach=0", &da), 0);
	assert_int_equal(da.tap_attach, 0);
	assert_int_equal(vxpath_devargs_check_no_tap(NAME, &da, "the vhost-user socket /x"), 0);
}

/* The TAP's devargs with a vhost-user socket: one line naming the first. */
static void test_no_tap(void **state)
{
	static const char *const rows[][2] = {
		{ "path=/x,iface=t0", "devarg iface=t0: only for" },
		{ "path=/x,ipv4=10.0.0.1/8", "devarg ipv4=10.0.0.1/8: only for" },
		{ "path=/x,ipv6=fd00::1/64", "devarg ipv6=fd00::1/64: only for" },
		{ "path=/x,gateway6=fe80::1", "devarg gateway6=fe80::1: only for" },
		{ "path=/x,tap_up=0", "devarg tap_up=0: only for" },
		{ "path=/x,netns=blue", "devarg netns=blue: only for" },
		{ "path=/x,netns=/proc/1/ns/net",
		  "devarg netns=/proc/1/ns/net: only for" },
		{ "path=/x,bridge=br0", "devarg bridge=br0: only for" },
		{ "path=/x,metric=0", "devarg metric=0: only for" },
		{ "path=/x,vhost_worker=kthread",
		  "devarg vhost_worker=kthread: only for" },
		{ "path=/x,vhost_worker=task",
		  "devarg vhost_worker=task: only for" },
		{ "path=/x,tx_coalesce=1", "devarg tx_coalesce=1: only for" },
		/* tap_attach=1 is named before the iface= it needs */
		{ "path=/x,iface=t0,tap_attach=1",
		  "devarg tap_attach=1: only for" },
	};
	struct vxpath_devargs da;
	char line[1024];
	unsigned int i;

	(void)state;
	assert_int_equal(parse("path=/x,mac=02:00:00:00:00:01", &da), 0);
	assert_int_equal(vxpath_devargs_check_no_tap(NAME, &da, "the vhost-user socket /x"), 0);
	/* vhost_worker=auto is every back-end's default */
	assert_int_equal(parse("path=/x,vhost_worker=auto", &da), 0);
	assert_int_equal(vxpath_devargs_check_no_tap(NAME, &da, "the vhost-user socket /x"), 0);
	for (i = 0; i < NCASES(rows); i++) {
		FILE *log = tmpfile();

		assert_non_null(log);
		assert_int_equal(parse(rows[i][0], &da), 0);
		assert_int_equal(rte_openlog_stream(log), 0);
		assert_int_equal(vxpath_devargs_check_no_tap(NAME, &da, "the vhost-user socket /x"),
				 -EINVAL);
		rte_openlog_stream(NULL);
		rewind(log);
		assert_non_null(fgets(line, sizeof(line), log));
		if (strstr(line, rows[i][1]) == NULL)
			fail_msg("%s: %s", rows[i][0], line);
		assert_null(fgets(line, sizeof(line), log));
		fclose(log);
	}
}

static void test_all_keys(void **state)
{
	static const struct rte_ether_addr want_mac = {
		.addr_bytes = { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 },
	};
	struct vxpath_devargs da;

	(void)state;
	assert_int_equal(parse("path=/x,mac=02:00:00:00:00:01,cq=1,"
			       "queue_size=1024,queues=4,iface=tap5,server=1,"
			       "mrg_rxbuf=0,in_order=0,packed_vq=1,"
			       "speed=25000,vectorized=1", &da), 0);
	assert_string_equal(da.path, "/x");
	assert_true(da.mac_given);
	assert_memory_equal(da.mac.addr_bytes, want_mac.addr_bytes,
			    RTE_ETHER_ADDR_LEN);
	assert_int_equal(da.cq, 1);
	assert_int_equal(da.queue_size, 1024);
	assert_int_equal(da.queues, 4);
	assert_string_equal(da.iface, "tap5");
	assert_int_equal(da.server, 1);
	assert_int_equal(da.mrg_rxbuf, 0);
	assert_int_equal(da.in_order, 0);
	assert_int_equal(da.packed_vq, 1);
	assert_int_equal(da.speed, 25000);
	assert_int_equal(da.vectorized, 1);
}

/* Each key alone over the defaults: only that field moves. */
static void test_each_key(void **state)
{
	struct vxpath_devargs def, da;

	(void)state;
	assert_int_equal(parse("path=/x", &def), 0);

#define ONE(args, field, value) do { \
		assert_int_equal(parse("path=/x," args, &da), 0); \
		assert_int_equal(da.field, value); \
		da.field = def.field; \
		assert_int_equal(da.queues, def.queues); \
		assert_int_equal(da.cq, def.cq); \
		assert_int_equal(da.queue_size, def.queue_size); \
		assert_int_equal(da.server, def.server); \
		assert_int_equal(da.mrg_rxbuf, def.mrg_rxbuf); \
		assert_int_equal(da.in_order, def.in_order); \
		assert_int_equal(da.packed_vq, def.packed_vq); \
		assert_int_equal(da.speed, def.speed); \
		assert_int_equal(da.vectorized, def.vectorized); \
		assert_int_equal(da.event_idx, def.event_idx); \
		assert_false(da.mac_given); \
		assert_string_equal(da.iface, ""); \
	} while (0)

	ONE("queues=1", queues, 1);
	ONE("queues=2", queues, 2);
	ONE("queues=128", queues, VXPATH_MAX_QUEUE_PAIRS);
	ONE("cq=0", cq, 0);
	ONE("cq=1", cq, 1);
	ONE("queue_size=64", queue_size, VXPATH_MIN_QUEUE_SIZE);
	ONE("queue_size=256", queue_size, 256);
	ONE("queue_size=1024", queue_size, 1024);
	ONE("queue_size=32768", queue_size, VXPATH_MAX_QUEUE_SIZE);
	ONE("server=0", server, 0);
	ONE("server=1", server, 1);
	ONE("reconnect=0", reconnect, 0);
	ONE("reconnect=100", reconnect, 100);
	ONE("reconnect=600000", reconnect, VXPATH_MAX_RECONNECT_MS);
	ONE("mrg_rxbuf=0", mrg_rxbuf, 0);
	ONE("mrg_rxbuf=1", mrg_rxbuf, 1);
	ONE("in_order=0", in_order, 0);
	ONE("in_order=1", in_order, 1);
	ONE("packed_vq=0", packed_vq, 0);
	ONE("packed_vq=1", packed_vq, 1);
	ONE("speed=1000", speed, 1000);
	ONE("speed=100000", speed, 100000);
	ONE("vectorized=0", vectorized, 0);
	ONE("vectorized=1", vectorized, 1);
	ONE("tap_attach=0", tap_attach, 0);
	ONE("tap_attach=1", tap_attach, 1);
	ONE("vhost_worker=auto", vhost_worker, VXPATH_VHOST_WORKER_AUTO);
	ONE("vhost_worker=kthread", vhost_worker, VXPATH_VHOST_WORKER_KTHREAD);
	ONE("vhost_worker=task", vhost_worker, VXPATH_VHOST_WORKER_TASK);
	ONE("tx_coalesce=0", tx_coalesce, 0);
	ONE("tx_coalesce=1", tx_coalesce, 1);
	ONE("event_idx=0", event_idx, 0);
	ONE("event_idx=1", event_idx, 1);
#undef ONE
}

static void test_path(void **state)
{
	struct vxpath_devargs da;
	char args[PATH_MAX + 16];
	size_t n;

	(void)state;
	assert_int_equal(parse("path=/dev/vhost-net", &da), 0);
	assert_string_equal(da.path, "/dev/vhost-net");
	assert_int_equal(parse("path=/run/vxpath/sock0", &da), 0);
	assert_string_equal(da.path, "/run/vxpath/sock0");
	/* path need not come first */
	assert_int_equal(parse("queues=1,path=/y", &da), 0);
	assert_string_equal(da.path, "/y");

	/* the longest path that fits: PATH_MAX - 1 bytes */
	n = (size_t)snprintf(args, sizeof(args), "path=/");
	memset(args + n, 'p', PATH_MAX - 2);
	args[n + PATH_MAX - 2] = '\0';
	assert_int_equal(parse(args, &da), 0);
	assert_int_equal(strlen(da.path), PATH_MAX - 1);
	assert_int_equal(da.path[0], '/');
}

static void test_path_too_long(void **state)
{
	struct vxpath_devargs da;
	char args[PATH_MAX + 16];
	size_t n;

	(void)state;
	/* PATH_MAX bytes of path do not fit path[PATH_MAX] with its NUL */
	n = (size_t)snprintf(args, sizeof(args), "path=/");
	memset(args + n, 'p', PATH_MAX - 1);
	args[n + PATH_MAX - 1] = '\0';
	assert_int_equal(parse(args, &da), -EINVAL);
}

static void test_mac(void **state)
{
	static const uint8_t want1[] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const uint8_t want2[] = { 0x52, 0x54, 0x00, 0xab, 0xcd, 0xef };
	struct vxpath_devargs da;

	(void)state;
	assert_int_equal(parse("path=/x,mac=02:00:00:00:00:01", &da), 0);
	assert_true(da.mac_given);
	assert_memory_equal(da.mac.addr_bytes, want1, sizeof(want1));
	/* upper-case hex digits */
	assert_int_equal(parse("path=/x,mac=52:54:00:AB:CD:EF", &da), 0);
	assert_true(da.mac_given);
	assert_memory_equal(da.mac.addr_bytes, want2, sizeof(want2));
	/* a universally administered unicast address is valid too */
	assert_int_equal(parse("path=/x,mac=00:1b:21:00:00:01", &da), 0);
	assert_true(da.mac_given);
}

static void test_iface(void **state)
{
	struct vxpath_devargs da;
	char args[64], name[IFNAMSIZ];

	(void)state;
	assert_int_equal(parse("path=/dev/vhost-net,iface=tap5", &da), 0);
	assert_string_equal(da.iface, "tap5");
	/* a template is passed through as it is */
	assert_int_equal(parse("path=/dev/vhost-net,iface=vx%d", &da), 0);
	assert_string_equal(da.iface, "vx%d");
	/* IFNAMSIZ - 1 characters: the longest name that fits */
	memset(name, 'i', IFNAMSIZ - 1);
	name[IFNAMSIZ - 1] = '\0';
	snprintf(args, sizeof(args), "path=/x,iface=%s", name);
	assert_int_equal(parse(args, &da), 0);
	assert_string_equal(da.iface, name);
}

static void test_null_and_empty_args(void **state)
{
	struct vxpath_devargs da;

	(void)state;
	/* args may be NULL, but path is mandatory */
	assert_int_equal(parse(NULL, &da), -EINVAL);
	assert_int_equal(parse("", &da), -EINVAL);
}

/*
 * Rows that must give -EINVAL. Where the row has no "path=", the missing
 * path is the fault; otherwise the fault is the other key.
 */
static const char *const einval_cases[] = {
	/* missing path */
	"queues=1",
	"mac=02:00:00:00:00:01,queue_size=256",
	/* unknown key */
	"path=/x,foo=1",
	"path=/x,queue=1",
	"path=/x,Queues=1",
	"path=/x,packed=1",
	/* queue_size: power of two in [64, 32768] */
	"path=/x,queue_size=100",
	"path=/x,queue_size=257",
	"path=/x,queue_size=1000",
	"path=/x,queue_size=32",
	"path=/x,queue_size=65536",
	"path=/x,queue_size=0",
	"path=/x,queue_size=1",
	"path=/x,queue_size=4294967296",
	/* queues: [1, 128] */
	"path=/x,queues=0",
	"path=/x,queues=129",
	"path=/x,queues=4294967297",
	/* 0|1 flags */
	"path=/x,cq=2",
	"path=/x,server=2",
	"path=/x,tx_coalesce=2",
	"path=/x,tx_coalesce=yes",
	/* reconnect: milliseconds in [0, 600000] */
	"path=/x,reconnect=-1",
	"path=/x,reconnect=600001",
	"path=/x,reconnect=1s",
	"path=/x,reconnect=",
	"path=/x,mrg_rxbuf=2",
	"path=/x,in_order=2",
	"path=/x,packed_vq=2",
	"path=/x,vectorized=2",
	"path=/x,event_idx=2",
	"path=/x,mrg_rxbuf=x",
	"path=/x,cq=yes",
	"path=/x,server=true",
	/* mac: well formed, unicast, not all zero */
	"path=/x,mac=zz",
	"path=/x,mac=zz:00:00:00:00:01",
	"path=/x,mac=02:00:00:00:00",
	"path=/x,mac=02:00:00:00:00:01:02",
	"path=/x,mac=02:00:00:00:00:0g",
	"path=/x,mac=01:00:00:00:00:01",
	"path=/x,mac=ff:ff:ff:ff:ff:ff",
	"path=/x,mac=00:00:00:00:00:00",
	/* ipv4=, ipv6=: ADDR/LEN, a usable unicast address */
	"path=/x,ipv4=10.0.0.1",
	"path=/x,ipv4=10.0.0.1/33",
	"path=/x,ipv4=10.0.0.1/0",
	"path=/x,ipv4=10.0.0.1/",
	"path=/x,ipv4=10.0.0.1/24x",
	"path=/x,ipv4=10.0.0.1/-1",
	"path=/x,ipv4=10.0.0/24",
	"path=/x,ipv4=10.0.0.256/24",
	"path=/x,ipv4=fd00::1/64",
	"path=/x,ipv4=/24",
	"path=/x,ipv4=0.0.0.0/8",
	"path=/x,ipv4=127.0.0.1/8",
	"path=/x,ipv4=224.0.0.1/4",
	"path=/x,ipv4=255.255.255.255/32",
	"path=/x,ipv4=10.0.0.1/24,ipv4=10.0.0.2/24",
	"path=/x,ipv6=fd00::1",
	"path=/x,ipv6=fd00::1/129",
	"path=/x,ipv6=fd00::1/0",
	"path=/x,ipv6=fd00:::1/64",
	"path=/x,ipv6=10.0.0.1/24",
	"path=/x,ipv6=::/0",
	"path=/x,ipv6=::1/128",
	"path=/x,ipv6=ff02::1/64",
	/* gateways: an address without a prefix */
	"path=/x,gateway4=10.0.0.1/24",
	"path=/x,gateway4=10.0.0",
	"path=/x,gateway4=0.0.0.0",
	"path=/x,gateway6=fe80::1/64",
	"path=/x,gateway6=fe80::g",
	"path=/x,gateway6=ff02::2",
	"path=/x,tap_up=2",
	"path=/x,tap_up=yes",
	"path=/x,ipv4=",
	"path=/x,gateway6=",
	/* netns=: a name without '/', or an absolute path */
	"path=/x,netns=a/b",
	"path=/x,netns=./blue",
	"path=/x,netns=.",
	"path=/x,netns=..",
	"path=/x,netns=",
	"path=/x,netns=blue,netns=red",
	"path=/x,netns=" NAME_256,
	/* bridge=: an interface name, not a template */
	"path=/x,bridge=",
	"path=/x,bridge=br%d",
	"path=/x,bridge=abcdefghijklmnop",
	"path=/x,bridge=a/b",
	"path=/x,bridge=br:0",
	"path=/x,bridge=br0,bridge=br1",
	/* metric=: a 32-bit decimal number */
	"path=/x,metric=",
	"path=/x,metric=-1",
	"path=/x,metric=4294967296",
	"path=/x,metric=100x",
	"path=/x,metric=0x10",
	"path=/x,metric=1,metric=2",
	/* tap_attach=: 0 or 1 */
	"path=/x,tap_attach=",
	"path=/x,tap_attach=2",
	"path=/x,tap_attach=yes",
	"path=/x,tap_attach=1,tap_attach=1",
	/* vhost_worker=: auto, kthread or task, exactly */
	"path=/x,vhost_worker=",
	"path=/x,vhost_worker=0",
	"path=/x,vhost_worker=Kthread",
	"path=/x,vhost_worker=kthread ",
	"path=/x,vhost_worker=threads",
	"path=/x,vhost_worker=task,vhost_worker=task",
	/* iface: at most IFNAMSIZ - 1 characters */
	"path=/x,iface=abcdefghijklmnop",
	"path=/x,iface=abcdefghijklmnopqrstuvwxyz",
	/* empty values */
	"path=",
	"path=/x,queues=",
	"path=/x,queue_size=",
	"path=/x,mac=",
	"path=/x,iface=",
	"path=/x,cq=",
	"path=/x,speed=",
	/* keys without '=' */
	"path",
	"path=/x,queues",
	/* negative numbers */
	"path=/x,queues=-1",
	"path=/x,queue_size=-256",
	"path=/x,speed=-1",
	"path=/x,cq=-1",
	"path=/x,mrg_rxbuf=-0x1",
	/* trailing garbage */
	"path=/x,queues=1x",
	"path=/x,queue_size=256k",
	"path=/x,queue_size=256 ",
	"path=/x,cq=1.0",
	"path=/x,speed=100M",
	/* speed: a number that fits in 32 bits */
	"path=/x,speed=abc",
	"path=/x,speed=4294967296",
	"path=/x,speed=99999999999999999999999",
};

/*
 * Whether @line names a devarg of @args: "devarg <key>" for a key given in
 * @args (or "path", the required one), or "devargs \"<args>\"" for
 * devargs that do not parse at all.
 */
static bool names_a_devarg(const char *line, const char *args)
{
	const char *at = strstr(line, "devarg ");
	char key[64];
	size_t n;

	if (strstr(line, "devargs \"") != NULL)
		return true;
	if (at == NULL)
		return false;
	at += strlen("devarg ");
	n = strcspn(at, "=: ");
	if (n == 0 || n >= sizeof(key))
		return false;
	memcpy(key, at, n);
	key[n] = '\0';
	if (strcmp(key, "path") == 0)
		return true;
	/* The key must be one of those given, as a whole key. */
	for (at = args; (at = strstr(at, key)) != NULL; at += n)
		if ((at == args || at[-1] == ',') &&
		    (at[n] == '=' || at[n] == ',' || at[n] == '\0'))
			return true;
	return false;
}

/*
 * Each refused row: -EINVAL, and exactly one log line, which names the
 * devarg at fault (issue 4: "fails the probe with a log line naming the
 * devarg").
 */
static void test_einval(void **state)
{
	const char *args = *state;
	struct vxpath_devargs da;
	char line[1024], first[1024] = "";
	unsigned int lines = 0;
	FILE *log = tmpfile();

	assert_non_null(log);
	assert_int_equal(rte_openlog_stream(log), 0);
	assert_int_equal(parse(args, &da), -EINVAL);
	rte_openlog_stream(NULL);
	rewind(log);
	while (fgets(line, sizeof(line), log) != NULL) {
		if (lines++ == 0)
			memcpy(first, line, sizeof(first));
	}
	fclose(log);
	if (lines != 1 || !names_a_devarg(first, args))
		fail_msg("devargs \"%s\": %u log lines, the first: %s", args,
			 lines, first);
}

/* Valid one by one, not together: queues > 1 needs cq=1. */
static const char *const combination_cases[] = {
	"path=/x,queues=2",
	"path=/x,queues=128",
	"path=/x,queues=2,cq=0",
	/* reconnect is for client mode; a server accepts anyway */
	"path=/x,server=1,reconnect=100",
	/* a gateway must be reachable on the TAP, and the TAP up */
	"path=/x,gateway4=10.0.0.1",
	"path=/x,ipv4=10.0.0.1/24,gateway4=10.0.1.1",
	"path=/x,ipv4=10.0.0.1/9,gateway4=10.128.0.1",
	"path=/x,gateway6=fd00::1",
	"path=/x,ipv6=fd00::1/64,gateway6=fd00:0:0:1::1",
	"path=/x,ipv4=10.0.0.1/24,gateway4=10.0.0.2,tap_up=0",
	"path=/x,gateway6=fe80::1,tap_up=0",
	/* metric= is the default routes': none without a gateway */
	"path=/x,metric=100",
	"path=/x,ipv4=10.0.0.1/24,metric=0",
	/* tap_attach=1 needs the name of the existing TAP */
	"path=/x,tap_attach=1",
	"path=/x,tap_attach=1,iface=tap%d",
};

static void test_combination(void **state)
{
	const char *args = *state;
	struct vxpath_devargs da;

	assert_int_equal(parse(args, &da), 0);
	assert_int_equal(vxpath_devargs_check_supported(NAME, &da), -EINVAL);
}

/* Valid devargs that this build implements. */
static const char *const supported_cases[] = {
	"path=/x",
	"path=/dev/vhost-net,iface=tap5,mac=02:00:00:00:00:01",
	"path=/x,queues=1,cq=0,server=0,packed_vq=0",
	"path=/x,cq=1",
	"path=/x,packed_vq=1",
	"path=/x,queues=2,cq=1",
	"path=/x,queues=128,cq=1",
	"path=/x,mrg_rxbuf=0",
	"path=/x,in_order=0",
	"path=/x,vectorized=1",
	"path=/x,queue_size=64",
	"path=/x,queue_size=32768",
	"path=/x,speed=100000",
	"path=/x,server=1",
	"path=/x,reconnect=1",
	"path=/x,reconnect=600000,server=0",
	"path=/dev/vhost-net,ipv4=10.0.0.1/24,ipv6=fd00::1/64,"
	"gateway4=10.0.0.2,gateway6=fd00::2,tap_up=1",
	"path=/dev/vhost-net,gateway6=fe80::1",
	"path=/dev/vhost-net,ipv4=10.0.0.1/24,tap_up=0",
	"path=/dev/vhost-net,netns=blue,ipv4=10.0.0.1/24",
	"path=/dev/vhost-net,netns=/proc/1/ns/net",
	"path=/dev/vhost-net,bridge=br0",
	"path=/dev/vhost-net,netns=blue,bridge=abcdefghijklmno",
	"path=/dev/vhost-net,ipv4=10.0.0.1/24,gateway4=10.0.0.2,"
	"metric=4294967295",
	"path=/dev/vhost-net,gateway6=fe80::1,metric=0",
	"path=/dev/vhost-net,iface=pers0,tap_attach=1",
	"path=/dev/vhost-net,iface=pers0,tap_attach=1,queues=2,cq=1,"
	"ipv4=10.0.0.1/24,netns=blue",
	"path=/dev/vhost-net,tap_attach=0",
};

static void test_supported(void **state)
{
	const char *args = *state;
	struct vxpath_devargs da;

	assert_int_equal(parse(args, &da), 0);
	assert_int_equal(vxpath_devargs_check_supported(NAME, &da), 0);
}

static void add_table(struct CMUnitTest *t, size_t *n, const char *prefix,
		      CMUnitTestFunction fn, const char *const *rows,
		      size_t nrows)
{
	size_t i;

	for (i = 0; i < nrows; i++) {
		char *name;

		if (asprintf(&name, "%s \"%s\"", prefix, rows[i]) < 0)
			abort();
		t[*n].name = name;
		t[*n].test_func = fn;
		t[*n].setup_func = NULL;
		t[*n].teardown_func = NULL;
		t[*n].initial_state = (void *)(uintptr_t)rows[i];
		(*n)++;
	}
}

int main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_all_keys),
		cmocka_unit_test(test_each_key),
		cmocka_unit_test(test_path),
		cmocka_unit_test(test_path_too_long),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_iface),
		cmocka_unit_test(test_null_and_empty_args),
		cmocka_unit_test(test_tap_addresses),
		cmocka_unit_test(test_no_tap),
		cmocka_unit_test(test_netns),
	};
	size_t max = NCASES(fixed) + NCASES(einval_cases) +
		NCASES(combination_cases) +
		NCASES(supported_cases);
	struct CMUnitTest *tests = calloc(max, sizeof(*tests));
	size_t n = 0, i;
	int rc;

	if (tests == NULL)
		return 1;
	memcpy(tests, fixed, sizeof(fixed));
	n = NCASES(fixed);
	add_table(tests, &n, "einval", test_einval, einval_cases,
		  NCASES(einval_cases));
	add_table(tests, &n, "combination", test_combination,
		  combination_cases, NCASES(combination_cases));
	add_table(tests, &n, "supported", test_supported, supported_cases,
		  NCASES(supported_cases));

	rc = _cmocka_run_group_tests("vxpath_devargs", tests, n, NULL, NULL);
	for (i = NCASES(fixed); i < n; i++)
		free((void *)(uintptr_t)tests[i].name);
	free(tests);
	return rc;
}
