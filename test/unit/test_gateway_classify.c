/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Unit tests of vxpath-gateway's classifier and checksum update
 * (app/vxpath-gateway/classify.h), against the header's contract: one
 * frame per punt and drop reason the classifier gives, the fast-path
 * candidates of both families, frames cut short at every length, and
 * the RFC 1624 update checked against a full recomputation (RFC 1071)
 * for every TTL. No EAL.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "classify.h"

static const struct rte_ether_addr mac = {
	.addr_bytes = { 0x02, 0, 0, 0, 0, 0x01 },
};

/* A frame of @len bytes: our MAC, ethertype @type, then zeros. */
static void
frame(uint8_t *f, size_t len, uint16_t type)
{
	memset(f, 0, len);
	memcpy(f, mac.addr_bytes, 6);
	f[6] = 0x02;
	f[11] = 0x02;
	f[12] = type >> 8;
	f[13] = type & 0xff;
}

/* An IPv4 UDP frame to 10.2.0.2, TTL 64, valid header checksum; 42
 * bytes (IPv4 total length 28). */
static size_t
ipv4(uint8_t *f)
{
	struct rte_ipv4_hdr *ip = (void *)(f + 14);

	frame(f, 42, RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = 0x45;
	ip->total_length = rte_cpu_to_be_16(28);
	ip->time_to_live = 64;
	ip->next_proto_id = 17;
	ip->src_addr = rte_cpu_to_be_32(0x0a010002);
	ip->dst_addr = rte_cpu_to_be_32(0x0a020002);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return 42;
}

/* An IPv6 UDP frame fd01::2 -> fd02::2, hop limit 64; 62 bytes. */
static size_t
ipv6(uint8_t *f)
{
	uint8_t *l3 = f + 14;

	frame(f, 62, RTE_ETHER_TYPE_IPV6);
	l3[0] = 0x60;
	l3[5] = 8;		/* payload length */
	l3[6] = 17;
	l3[7] = 64;
	l3[8] = 0xfd; l3[9] = 0x01; l3[23] = 2;
	l3[24] = 0xfd; l3[25] = 0x02; l3[39] = 2;
	return 62;
}

static int
classify(const uint8_t *f, size_t len, uint8_t *reason)
{
	return gw_classify(f, (uint32_t)len, (uint32_t)len, &mac, reason);
}

static void
test_forward(void **state)
{
	uint8_t f[128], r = 0xee;

	(void)state;
	assert_int_equal(classify(f, ipv4(f), &r), GW_FWD4);
	assert_int_equal(r, 0xee);	/* untouched */
	assert_int_equal(classify(f, ipv6(f), &r), GW_FWD6);
	/* Padding after the IP packet (a 60-byte minimum frame) is fine. */
	ipv4(f);
	assert_int_equal(classify(f, 60, &r), GW_FWD4);
}

static void
expect_punt(const uint8_t *f, size_t len, int why)
{
	uint8_t r = 0xee;

	assert_int_equal(classify(f, len, &r), GW_PUNT);
	assert_int_equal(r, why);
}

static void
expect_drop(const uint8_t *f, size_t len, int why)
{
	uint8_t r = 0xee;

	assert_int_equal(classify(f, len, &r), GW_DROP);
	assert_int_equal(r, why);
}

static void
test_punt_ipv4(void **state)
{
	uint8_t f[128];
	size_t n;

	(void)state;
	n = ipv4(f);
	f[14 + 8] = 1;
	expect_punt(f, n, GW_PUNT_TTL);
	n = ipv4(f);
	f[14 + 8] = 0;
	expect_punt(f, n, GW_PUNT_TTL);
	n = ipv4(f);
	f[14] = 0x46;			/* IHL 6: options */
	f[14 + 3] = 28;
	expect_punt(f, n, GW_PUNT_OPTIONS);
	n = ipv4(f);
	f[14 + 16] = 224;		/* 224.0.0.5 */
	expect_punt(f, n, GW_PUNT_MULTICAST);
	n = ipv4(f);
	memset(f + 14 + 16, 0xff, 4);	/* limited broadcast */
	expect_punt(f, n, GW_PUNT_MULTICAST);
	n = ipv4(f);
	f[14 + 16] = 169;
	f[14 + 17] = 254;
	expect_punt(f, n, GW_PUNT_LINK_LOCAL);
	n = ipv4(f);
	f[0] = 0x01;			/* group MAC */
	expect_punt(f, n, GW_PUNT_MULTICAST);
}

static void
test_punt_ipv6(void **state)
{
	uint8_t f[128];
	size_t n;

	(void)state;
	n = ipv6(f);
	f[14 + 7] = 1;
	expect_punt(f, n, GW_PUNT_TTL);
	n = ipv6(f);
	f[14 + 6] = 0;			/* hop-by-hop options */
	expect_punt(f, n, GW_PUNT_OPTIONS);
	n = ipv6(f);
	f[14 + 24] = 0xff;		/* multicast */
	expect_punt(f, n, GW_PUNT_MULTICAST);
	n = ipv6(f);
	f[14 + 24] = 0xfe;
	f[14 + 25] = 0x80;		/* fe80:: */
	expect_punt(f, n, GW_PUNT_LINK_LOCAL);
	n = ipv6(f);
	f[14 + 8] = 0xfe;
	f[14 + 9] = 0xbf;		/* fe80::/10 source */
	expect_punt(f, n, GW_PUNT_LINK_LOCAL);
	for (int type = 133; type <= 137; type++) {
		n = ipv6(f);
		f[14 + 6] = 58;		/* ICMPv6 */
		f[14 + 40] = (uint8_t)type;
		expect_punt(f, n, GW_PUNT_ND);
	}
	n = ipv6(f);
	f[14 + 6] = 58;
	f[14 + 40] = 128;		/* echo request: forwarded */
	assert_int_equal(classify(f, n, &(uint8_t){ 0 }), GW_FWD6);
}

static void
test_punt_l2(void **state)
{
	uint8_t f[64];

	(void)state;
	frame(f, 42, RTE_ETHER_TYPE_ARP);
	expect_punt(f, 42, GW_PUNT_ARP);
	memset(f, 0xff, 6);		/* broadcast ARP */
	expect_punt(f, 42, GW_PUNT_ARP);
	frame(f, 60, 0x88cc);		/* LLDP */
	expect_punt(f, 60, GW_PUNT_NON_IP);
	frame(f, 60, RTE_ETHER_TYPE_VLAN);
	expect_punt(f, 60, GW_PUNT_NON_IP);
}

static void
test_drop(void **state)
{
	uint8_t f[128];
	size_t n;

	(void)state;
	n = ipv4(f);
	f[5] = 0x77;			/* someone else's MAC */
	expect_drop(f, n, GW_DROP_OTHER_HOST);
	n = ipv4(f);
	f[14] = 0x44;			/* IHL 4 */
	expect_drop(f, n, GW_DROP_MALFORMED);
	n = ipv4(f);
	f[14] = 0x55;			/* version 5 */
	expect_drop(f, n, GW_DROP_MALFORMED);
	n = ipv4(f);
	f[14 + 3] = 29;			/* total length past the frame */
	expect_drop(f, n, GW_DROP_MALFORMED);
	n = ipv4(f);
	f[14 + 3] = 19;			/* total length below the header */
	expect_drop(f, n, GW_DROP_MALFORMED);
	n = ipv4(f);
	f[14] = 0x4f;			/* IHL 15: 60 bytes, past the frame */
	expect_drop(f, n, GW_DROP_MALFORMED);
	n = ipv6(f);
	f[14 + 5] = 9;			/* payload length past the frame */
	expect_drop(f, n, GW_DROP_MALFORMED);
	n = ipv6(f);
	f[14] = 0x40;
	expect_drop(f, n, GW_DROP_MALFORMED);
}

/* Every length short of a whole frame: never a fast-path verdict, and
 * with ASan, never a read past the length given. */
static void
test_truncated(void **state)
{
	uint8_t f[128], r;
	size_t n, len;
	int a;

	(void)state;
	n = ipv4(f);
	for (len = 0; len < 34; len++) {
		a = classify(f, len, &r);
		assert_true(a == GW_DROP || a == GW_PUNT);
	}
	n = ipv6(f);
	for (len = 0; len < 54; len++) {
		a = classify(f, len, &r);
		assert_true(a == GW_DROP || a == GW_PUNT);
	}
	(void)n;
	/* The headers across two segments: punted, not read past. */
	n = ipv4(f);
	assert_int_equal(gw_classify(f, 20, (uint32_t)n, &mac, &r), GW_PUNT);
	assert_int_equal(r, GW_PUNT_SPLIT);
}

/* RFC 1624: the updated checksum equals a full recomputation. */
static void
test_csum_update(void **state)
{
	uint8_t f[64];
	struct rte_ipv4_hdr *ip = (void *)(f + 14);
	uint16_t old, new;
	int ttl;

	(void)state;
	for (ttl = 255; ttl >= 2; ttl--) {
		ipv4(f);
		ip->time_to_live = (uint8_t)ttl;
		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
		memcpy(&old, &ip->time_to_live, 2);
		ip->time_to_live--;
		memcpy(&new, &ip->time_to_live, 2);
		ip->hdr_checksum = gw_csum_update16(ip->hdr_checksum, old, new);
		/* The header sums to 0xffff: rte_raw_cksum's complement 0. */
		assert_int_equal((uint16_t)~rte_raw_cksum(ip, 20), 0);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forward),
		cmocka_unit_test(test_punt_ipv4),
		cmocka_unit_test(test_punt_ipv6),
		cmocka_unit_test(test_punt_l2),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_csum_update),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
