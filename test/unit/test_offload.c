/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Unit tests of the virtio-net header offloads (drivers/net/vxpath/offload.h),
 * written against the header's contract and virtio 1.2 5.1.6. No EAL: mbufs
 * are struct rte_mbuf in static storage with their fields set by hand.
 *
 * Besides the header fields, the Tx tests check the result end to end with a
 * model of the device written here from the specification: it completes a
 * NEEDS_CSUM checksum (5.1.6.2 item 2) and cuts a GSO frame into segments,
 * adjusting the pseudo-header sum for each segment's length as a Linux
 * back-end does; every frame it produces must then pass DPDK's own checksum
 * verification (rte_ipv4/6_udptcp_cksum_verify).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "compat.h"
#include "offload.h"

#define F(bit) VXPATH_FEATURE(VIRTIO_NET_F_ ## bit)
#define ALL_TX (F(CSUM) | F(HOST_TSO4) | F(HOST_TSO6) | F(HOST_ECN) | \
		F(HOST_USO))
#define ALL_RX (F(GUEST_CSUM) | F(GUEST_TSO4) | F(GUEST_TSO6) | \
		F(GUEST_ECN) | F(GUEST_USO4) | F(GUEST_USO6) | F(MRG_RXBUF))

#define ETH_LEN 14u
#define IP4_LEN 20u
#define IP6_LEN 40u
#define TCP_LEN 20u
#define UDP_LEN 8u
#define TCP_CWR 0x80
#define TCP_ACK 0x10
#define TCP_PSH 0x08

/* One packet of up to MAX_PKT bytes in one or two mbufs. */
#define MAX_PKT 65000u
#define SEG_ROOM (RTE_PKTMBUF_HEADROOM + MAX_PKT)

static struct rte_mbuf mb[2];
static uint8_t seg_buf[2][SEG_ROOM];
static uint8_t flat[MAX_PKT];       /* the packet as built */
static uint8_t lin[MAX_PKT];        /* the packet read back from the mbufs */
static uint8_t dev_seg[MAX_PKT];    /* one segment cut by the device model */

struct pkt_spec {
	int ipv6;
	uint8_t proto;        /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t tcp_len;     /* 20, or more with options */
	uint8_t tcp_flags;
	uint32_t payload;     /* bytes after the L4 header */
	uint32_t seg1;        /* bytes in the first mbuf; 0: all */
};

static uint32_t l3_len_of(const struct pkt_spec *s)
{
	return s->ipv6 ? IP6_LEN : IP4_LEN;
}

static uint32_t l4_len_of(const struct pkt_spec *s)
{
	return s->proto == IPPROTO_TCP ? s->tcp_len : UDP_LEN;
}

static uint8_t payload_byte(uint32_t i)
{
	return (uint8_t)(i * 7 + 3);
}

static void mbuf_init(struct rte_mbuf *m, uint8_t *buf)
{
	memset(m, 0, sizeof(*m));
	m->buf_addr = buf;
	m->buf_len = UINT16_MAX;
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->nb_segs = 1;
	rte_mbuf_refcnt_set(m, 1);
}

/*
 * Build an Ethernet/IPv4-or-6/TCP-or-UDP frame with correct IP lengths (and
 * a correct IPv4 header checksum), a zero L4 checksum and a known payload,
 * into one or two mbufs. Offload fields are the caller's.
 */
static struct rte_mbuf *build(const struct pkt_spec *s)
{
	uint32_t l3 = l3_len_of(s), l4 = l4_len_of(s);
	uint32_t len = ETH_LEN + l3 + l4 + s->payload;
	struct rte_ether_hdr *eth = (void *)flat;
	uint8_t *l4p = flat + ETH_LEN + l3;
	uint32_t i, first;

	assert_true(len <= MAX_PKT);
	memset(flat, 0, ETH_LEN + l3 + l4);
	memset(eth->dst_addr.addr_bytes, 0x02, RTE_ETHER_ADDR_LEN);
	memset(eth->src_addr.addr_bytes, 0x04, RTE_ETHER_ADDR_LEN);
	if (s->ipv6) {
		struct rte_ipv6_hdr *ip = (void *)(flat + ETH_LEN);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6);
		ip->vtc_flow = rte_cpu_to_be_32(0x60000000);
		ip->payload_len = rte_cpu_to_be_16((uint16_t)(l4 + s->payload));
		ip->proto = s->proto;
		ip->hop_limits = 64;
		VXPATH_IPV6_ADDR_BYTES(ip->src_addr)[0] = 0x20;
		VXPATH_IPV6_ADDR_BYTES(ip->src_addr)[1] = 0x01;
		VXPATH_IPV6_ADDR_BYTES(ip->src_addr)[15] = 0x01;
		VXPATH_IPV6_ADDR_BYTES(ip->dst_addr)[0] = 0xfd;
		VXPATH_IPV6_ADDR_BYTES(ip->dst_addr)[7] = 0x99;
		VXPATH_IPV6_ADDR_BYTES(ip->dst_addr)[15] = 0x02;
	} else {
		struct rte_ipv4_hdr *ip = (void *)(flat + ETH_LEN);

		eth->ether_type = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
		ip->version_ihl = 0x45;
		ip->total_length = rte_cpu_to_be_16((uint16_t)(l3 + l4 +
							      s->payload));
		ip->packet_id = rte_cpu_to_be_16(0x1234);
		ip->time_to_live = 64;
		ip->next_proto_id = s->proto;
		ip->src_addr = rte_cpu_to_be_32(0x0a000001);
		ip->dst_addr = rte_cpu_to_be_32(0xc0a8fe02);
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	if (s->proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *th = (void *)l4p;

		th->src_port = rte_cpu_to_be_16(40000);
		th->dst_port = rte_cpu_to_be_16(80);
		th->sent_seq = rte_cpu_to_be_32(0xfffff000); /* wraps */
		th->recv_ack = rte_cpu_to_be_32(1);
		th->data_off = (uint8_t)((l4 / 4) << 4);
		th->tcp_flags = s->tcp_flags;
		th->rx_win = rte_cpu_to_be_16(65535);
		for (i = TCP_LEN; i < l4; i++)
			l4p[i] = 1; /* NOP options */
	} else {
		struct rte_udp_hdr *uh = (void *)l4p;

		uh->src_port = rte_cpu_to_be_16(5000);
		uh->dst_port = rte_cpu_to_be_16(4789);
		uh->dgram_len = rte_cpu_to_be_16((uint16_t)(l4 + s->payload));
	}
	for (i = 0; i < s->payload; i++)
		l4p[l4 + i] = payload_byte(i);

	first = s->seg1 != 0 && s->seg1 < len ? s->seg1 : len;
	mbuf_init(&mb[0], seg_buf[0]);
	memcpy(rte_pktmbuf_mtod(&mb[0], void *), flat, first);
	mb[0].data_len = (uint16_t)first;
	mb[0].pkt_len = len;
	if (first < len) {
		mbuf_init(&mb[1], seg_buf[1]);
		memcpy(rte_pktmbuf_mtod(&mb[1], void *), flat + first,
		       len - first);
		mb[1].data_len = (uint16_t)(len - first);
		mb[1].pkt_len = len - first;
		mb[0].next = &mb[1];
		mb[0].nb_segs = 2;
	}
	mb[0].l2_len = ETH_LEN;
	mb[0].l3_len = l3;
	mb[0].l4_len = l4;
	return &mb[0];
}

/* Copy the packet out of its mbufs into lin[]. Return: bytes. */
static uint32_t linearize(const struct rte_mbuf *m)
{
	uint32_t n = 0;

	for (; m != NULL; m = m->next) {
		memcpy(lin + n, rte_pktmbuf_mtod(m, const void *), m->data_len);
		n += m->data_len;
	}
	return n;
}

/* Ones' complement addition folded to 16 bits. */
static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * The device's side of NEEDS_CSUM (5.1.6.2 item 2): the ones' complement
 * checksum from csum_start to the end, stored at csum_start + csum_offset.
 */
static void device_complete(uint8_t *pkt, uint32_t len, uint16_t start,
			    uint16_t off)
{
	uint16_t c;

	assert_true((uint32_t)start + off + 2 <= len);
	c = (uint16_t)~rte_raw_cksum(pkt + start, len - start);
	memcpy(pkt + start + off, &c, sizeof(c));
}

/* DPDK's verdict on the L4 checksum of a frame built by build(). */
static int l4_cksum_ok(const uint8_t *pkt, int ipv6)
{
	if (ipv6)
		return rte_ipv6_udptcp_cksum_verify((const void *)(pkt + ETH_LEN),
				pkt + ETH_LEN + IP6_LEN) == 0;
	return rte_ipv4_udptcp_cksum_verify((const void *)(pkt + ETH_LEN),
			pkt + ETH_LEN + IP4_LEN) == 0;
}

static int ip4_cksum_ok(const uint8_t *pkt)
{
	return rte_raw_cksum(pkt + ETH_LEN, IP4_LEN) == 0xffff;
}

/*
 * A device segmenting a GSO frame (5.1.6.2 item 3) the way Linux does:
 * hdr_len bytes of headers copied to each segment, gso_size bytes of
 * payload each, IP and UDP lengths, TCP sequence numbers and flags fixed,
 * and the pseudo-header sum in the checksum field adjusted from the whole
 * L4 length to the segment's before the checksum is completed. Each segment
 * must verify. Return: the number of segments.
 */
static unsigned int device_segment(const uint8_t *pkt, uint32_t len,
				   const struct virtio_net_hdr *h, int ipv6,
				   uint8_t proto)
{
	uint16_t hdr_len = rte_le_to_cpu_16(h->hdr_len);
	uint16_t mss = rte_le_to_cpu_16(h->gso_size);
	uint16_t start = rte_le_to_cpu_16(h->csum_start);
	uint16_t off = rte_le_to_cpu_16(h->csum_offset);
	uint32_t l4_total = len - start;
	uint32_t pos, chunk, seg_len, i;
	uint16_t field, v;
	unsigned int n = 0;

	memcpy(&field, pkt + start + off, sizeof(field));
	for (pos = hdr_len; pos < len; pos += chunk, n++) {
		chunk = len - pos < mss ? len - pos : mss;
		seg_len = hdr_len + chunk;
		memcpy(dev_seg, pkt, hdr_len);
		memcpy(dev_seg + hdr_len, pkt + pos, chunk);
		if (ipv6) {
			struct rte_ipv6_hdr *ip = (void *)(dev_seg + ETH_LEN);

			ip->payload_len = rte_cpu_to_be_16((uint16_t)(seg_len -
						ETH_LEN - IP6_LEN));
		} else {
			struct rte_ipv4_hdr *ip = (void *)(dev_seg + ETH_LEN);

			ip->total_length = rte_cpu_to_be_16((uint16_t)(seg_len -
						ETH_LEN));
			ip->packet_id = rte_cpu_to_be_16((uint16_t)
				(rte_be_to_cpu_16(ip->packet_id) + n));
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
		if (proto == IPPROTO_TCP) {
			struct rte_tcp_hdr *th = (void *)(dev_seg + start);

			th->sent_seq = rte_cpu_to_be_32(
				rte_be_to_cpu_32(th->sent_seq) + (pos - hdr_len));
			if (n > 0)
				th->tcp_flags &= (uint8_t)~TCP_CWR;
			if (pos + chunk < len)
				th->tcp_flags &= (uint8_t)~TCP_PSH;
		} else {
			struct rte_udp_hdr *uh = (void *)(dev_seg + start);

			uh->dgram_len = rte_cpu_to_be_16((uint16_t)(seg_len -
								     start));
		}
		/* sum - old length + new length, in network byte order */
		v = fold((uint32_t)field +
			 (uint16_t)~rte_cpu_to_be_16((uint16_t)l4_total) +
			 rte_cpu_to_be_16((uint16_t)(seg_len - start)));
		memcpy(dev_seg + start + off, &v, sizeof(v));
		device_complete(dev_seg, seg_len, start, off);
		if (!l4_cksum_ok(dev_seg, ipv6)) {
			print_error("segment %u (%u payload bytes at %u) fails "
				    "its L4 checksum\n", n, chunk,
				    pos - hdr_len);
			fail();
		}
		if (!ipv6)
			assert_true(ip4_cksum_ok(dev_seg));
		for (i = 0; i < chunk; i++)
			assert_int_equal(dev_seg[hdr_len + i],
					 payload_byte(pos - hdr_len + i));
	}
	return n;
}

/* Fill with a header pre-set to garbage, to see every byte is written. */
static int fill(struct virtio_net_hdr_mrg_rxbuf *h, struct rte_mbuf *m,
		uint64_t features)
{
	memset(h, 0xa5, sizeof(*h));
	return vxpath_tx_hdr_fill(h, m, features);
}

static void assert_hdr_zero(const struct virtio_net_hdr_mrg_rxbuf *h)
{
	static const struct virtio_net_hdr_mrg_rxbuf zero;

	assert_memory_equal(h, &zero, sizeof(zero));
}

/*
 * Tx.
 */

/* No offload asked: all-zero header (5.1.6.2 item 1), packet untouched. */
static void test_tx_no_offload(void **state)
{
	static const uint64_t flag_sets[] = {
		0,
		RTE_MBUF_F_TX_IPV4,
		RTE_MBUF_F_TX_IPV6,
		RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6, /* nothing asked */
	};
	struct pkt_spec s = { .proto = IPPROTO_TCP, .tcp_len = TCP_LEN,
			      .payload = 100 };
	struct virtio_net_hdr_mrg_rxbuf h;
	struct rte_mbuf *m;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(flag_sets); i++) {
		m = build(&s);
		m->ol_flags = flag_sets[i];
		m->l2_len = m->l3_len = m->l4_len = 0; /* not looked at */
		assert_int_equal(fill(&h, m, ALL_TX), 0);
		assert_hdr_zero(&h);
		assert_int_equal(linearize(m), m->pkt_len);
		assert_memory_equal(lin, flat, m->pkt_len);
		/* no features at all: still fine */
		assert_int_equal(fill(&h, m, 0), 0);
		assert_hdr_zero(&h);
	}
}

struct csum_case {
	int ipv6;
	uint8_t proto;
	uint16_t tcp_len;
	int give_l4_len;     /* set l4_len, else 0 */
	int ip_cksum;
	uint32_t seg1;
};

/*
 * L4 checksum offload: NEEDS_CSUM, csum_start/offset, hdr_len; after
 * vxpath_tx_prepare() wrote the pseudo-header, the device's checksum
 * verifies. The fill itself writes nothing but the IPv4 checksum.
 */
static void test_tx_csum(void **state)
{
	static const struct csum_case cases[] = {
		{ 0, IPPROTO_TCP, 20, 1, 0, 0 },
		{ 0, IPPROTO_TCP, 20, 0, 0, 0 },
		{ 0, IPPROTO_TCP, 32, 1, 0, 0 },
		{ 0, IPPROTO_TCP, 20, 1, 1, 0 },
		{ 0, IPPROTO_UDP, 0, 1, 0, 0 },
		{ 0, IPPROTO_UDP, 0, 0, 1, 0 },
		{ 1, IPPROTO_TCP, 20, 1, 0, 0 },
		{ 1, IPPROTO_TCP, 32, 0, 0, 0 },
		{ 1, IPPROTO_UDP, 0, 1, 0, 0 },
		{ 1, IPPROTO_UDP, 0, 0, 0, 0 },
		/* payload in a second segment */
		{ 0, IPPROTO_TCP, 20, 1, 1, ETH_LEN + IP4_LEN + TCP_LEN },
		{ 1, IPPROTO_UDP, 0, 1, 0, ETH_LEN + IP6_LEN + UDP_LEN + 3 },
	};
	struct virtio_net_hdr_mrg_rxbuf h;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct csum_case *c = &cases[i];
		struct pkt_spec s = { .ipv6 = c->ipv6, .proto = c->proto,
				      .tcp_len = c->tcp_len ? c->tcp_len :
							      TCP_LEN,
				      .tcp_flags = TCP_ACK, .payload = 333,
				      .seg1 = c->seg1 };
		struct rte_mbuf *m = build(&s);
		uint32_t l4_start = ETH_LEN + l3_len_of(&s);
		uint32_t len;

		print_message("case %u: IPv%d %s l4 %u%s%s%s\n", i,
			      c->ipv6 ? 6 : 4,
			      c->proto == IPPROTO_TCP ? "TCP" : "UDP",
			      l4_len_of(&s), c->give_l4_len ? "" : " (l4_len 0)",
			      c->ip_cksum ? " +IP_CKSUM" : "",
			      c->seg1 ? " two segments" : "");
		m->ol_flags = (c->ipv6 ? RTE_MBUF_F_TX_IPV6 :
					 RTE_MBUF_F_TX_IPV4) |
			(c->proto == IPPROTO_TCP ? RTE_MBUF_F_TX_TCP_CKSUM :
						   RTE_MBUF_F_TX_UDP_CKSUM) |
			(c->ip_cksum ? RTE_MBUF_F_TX_IP_CKSUM : 0);
		if (!c->give_l4_len)
			m->l4_len = 0;
		if (c->ip_cksum) {
			/* a stale value the software checksum replaces */
			((struct rte_ipv4_hdr *)(rte_pktmbuf_mtod(m, uint8_t *)
				+ ETH_LEN))->hdr_checksum = 0xbeef;
		}
		assert_int_equal(vxpath_tx_prepare(ALL_TX, &m, 1), 1);
		/* the pseudo-header is there now: the fill keeps it */
		len = linearize(m);
		memcpy(flat, lin, len);
		assert_int_equal(fill(&h, m, F(CSUM)), 0);
		assert_int_equal(h.hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		assert_int_equal(h.hdr.gso_type, VIRTIO_NET_HDR_GSO_NONE);
		assert_int_equal(rte_le_to_cpu_16(h.hdr.gso_size), 0);
		assert_int_equal(rte_le_to_cpu_16(h.hdr.csum_start), l4_start);
		assert_int_equal(rte_le_to_cpu_16(h.hdr.csum_offset),
				 c->proto == IPPROTO_TCP ? 16 : 6);
		/* headers: l4_len, or the minimum L4 header without it */
		assert_int_equal(rte_le_to_cpu_16(h.hdr.hdr_len),
				 l4_start + (c->give_l4_len ? l4_len_of(&s) :
					     c->proto == IPPROTO_TCP ? 20 : 8));
		assert_int_equal(h.num_buffers, 0);
		assert_int_equal(linearize(m), len);
		if (c->ip_cksum) {
			assert_true(ip4_cksum_ok(lin));
			/* only the IPv4 checksum changed */
			memcpy(flat + ETH_LEN + 10, lin + ETH_LEN + 10, 2);
		}
		assert_memory_equal(lin, flat, len);
		device_complete(lin, len, l4_start,
				c->proto == IPPROTO_TCP ? 16 : 6);
		assert_true(l4_cksum_ok(lin, c->ipv6));
	}
}

/* The IPv4 header checksum alone: computed in software, header all zero. */
static void test_tx_ip_cksum_only(void **state)
{
	struct pkt_spec s = { .proto = IPPROTO_UDP, .payload = 64 };
	struct virtio_net_hdr_mrg_rxbuf h;
	struct rte_mbuf *m;
	struct rte_ipv4_hdr *ip;

	(void)state;
	m = build(&s);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, ETH_LEN);
	ip->hdr_checksum = 0x1111;
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	m->l4_len = 0;
	/* no feature bit needed: there is no virtio offload for it */
	assert_int_equal(fill(&h, m, 0), 0);
	assert_hdr_zero(&h);
	linearize(m);
	assert_true(ip4_cksum_ok(lin));
	/* twice gives the same */
	assert_int_equal(fill(&h, m, 0), 0);
	linearize(m);
	assert_true(ip4_cksum_ok(lin));

	/* IPv4 options: the IHL says 24 bytes, l3_len agrees */
	s.payload = 10;
	m = build(&s);
	ip = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, ETH_LEN);
	/* move the L4 header and payload 4 bytes on to make room */
	memmove((uint8_t *)ip + 24, (uint8_t *)ip + 20, UDP_LEN + 10);
	memset((uint8_t *)ip + 20, 1, 4); /* NOP options */
	ip->version_ihl = 0x46;
	ip->total_length = rte_cpu_to_be_16(24 + UDP_LEN + 10);
	m->data_len += 4;
	m->pkt_len += 4;
	m->l3_len = 24;
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM;
	assert_int_equal(fill(&h, m, 0), 0);
	assert_int_equal(rte_raw_cksum(ip, 24), 0xffff);
}

struct gso_case {
	int ipv6;
	uint8_t proto;
	uint16_t tcp_len;
	uint32_t payload;
	uint16_t mss;
	uint32_t seg1;
	uint8_t tcp_flags;
	uint64_t features;
	uint8_t want_gso;     /* expected gso_type */
	unsigned int want_segs;
};

/*
 * TSO and USO: gso_type, gso_size, exact hdr_len, NEEDS_CSUM, the
 * pseudo-header with the whole L4 length written into the packet (whatever
 * was there), USO's UDP length, and the device model's segments verify.
 */
static void test_tx_gso(void **state)
{
	const uint64_t all = ALL_TX;
	const uint64_t no_ecn = ALL_TX & ~F(HOST_ECN);
	const struct gso_case cases[] = {
		{ 0, IPPROTO_TCP, 20, 4000, 1448, 0, TCP_ACK | TCP_PSH, all,
		  VIRTIO_NET_HDR_GSO_TCPV4, 3 },
		{ 0, IPPROTO_TCP, 32, 1448 * 4, 1448, 0, TCP_ACK, all,
		  VIRTIO_NET_HDR_GSO_TCPV4, 4 },
		{ 1, IPPROTO_TCP, 20, 9000, 1440, 0, TCP_ACK, all,
		  VIRTIO_NET_HDR_GSO_TCPV6, 7 },
		{ 1, IPPROTO_TCP, 32, 60000, 8948, 0, TCP_ACK, all,
		  VIRTIO_NET_HDR_GSO_TCPV6, 7 },
		/* headers alone in the first mbuf, payload in the second */
		{ 0, IPPROTO_TCP, 20, 30000, 1000, ETH_LEN + IP4_LEN + 20,
		  TCP_ACK, all, VIRTIO_NET_HDR_GSO_TCPV4, 30 },
		/* CWR: the ECN bit with HOST_ECN, plain TSO without */
		{ 0, IPPROTO_TCP, 20, 3000, 1000, 0, TCP_ACK | TCP_CWR, all,
		  VIRTIO_NET_HDR_GSO_TCPV4 | VIRTIO_NET_HDR_GSO_ECN, 3 },
		{ 1, IPPROTO_TCP, 20, 3000, 1000, 0, TCP_ACK | TCP_CWR, all,
		  VIRTIO_NET_HDR_GSO_TCPV6 | VIRTIO_NET_HDR_GSO_ECN, 3 },
		{ 0, IPPROTO_TCP, 20, 3000, 1000, 0, TCP_ACK | TCP_CWR, no_ecn,
		  VIRTIO_NET_HDR_GSO_TCPV4, 3 },
		/* only the feature of this IP version is needed */
		{ 0, IPPROTO_TCP, 20, 3000, 1000, 0, TCP_ACK,
		  F(CSUM) | F(HOST_TSO4), VIRTIO_NET_HDR_GSO_TCPV4, 3 },
		{ 1, IPPROTO_TCP, 20, 3000, 1000, 0, TCP_ACK,
		  F(CSUM) | F(HOST_TSO6), VIRTIO_NET_HDR_GSO_TCPV6, 3 },
		/* USO */
		{ 0, IPPROTO_UDP, 0, 5000, 1400, 0, 0, all,
		  VIRTIO_NET_HDR_GSO_UDP_L4, 4 },
		{ 1, IPPROTO_UDP, 0, 64000, 1232, ETH_LEN + IP6_LEN + 8, 0,
		  F(CSUM) | F(HOST_USO), VIRTIO_NET_HDR_GSO_UDP_L4, 52 },
		{ 0, IPPROTO_UDP, 0, 1401, 1400, 0, 0, all,
		  VIRTIO_NET_HDR_GSO_UDP_L4, 2 },
		/* the payload fits in one segment: no GSO, NEEDS_CSUM only */
		{ 0, IPPROTO_TCP, 20, 1448, 1448, 0, TCP_ACK | TCP_CWR, all,
		  VIRTIO_NET_HDR_GSO_NONE, 1 },
		{ 1, IPPROTO_TCP, 20, 0, 1448, 0, TCP_ACK, all,
		  VIRTIO_NET_HDR_GSO_NONE, 1 },
		{ 0, IPPROTO_UDP, 0, 1400, 1400, 0, 0, all,
		  VIRTIO_NET_HDR_GSO_NONE, 1 },
		{ 1, IPPROTO_UDP, 0, 10, 1400, 0, 0, all,
		  VIRTIO_NET_HDR_GSO_NONE, 1 },
	};
	struct virtio_net_hdr_mrg_rxbuf h, h2;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct gso_case *c = &cases[i];
		struct pkt_spec s = { .ipv6 = c->ipv6, .proto = c->proto,
				      .tcp_len = c->tcp_len ? c->tcp_len :
							      TCP_LEN,
				      .tcp_flags = c->tcp_flags,
				      .payload = c->payload, .seg1 = c->seg1 };
		struct rte_mbuf *m = build(&s);
		uint32_t l4_start = ETH_LEN + l3_len_of(&s);
		uint16_t off = c->proto == IPPROTO_TCP ? 16 : 6;
		uint32_t len;
		uint16_t field;

		print_message("case %u: IPv%d %s payload %u mss %u\n", i,
			      c->ipv6 ? 6 : 4,
			      c->proto == IPPROTO_TCP ? "TSO" : "USO",
			      c->payload, c->mss);
		m->ol_flags = (c->ipv6 ? RTE_MBUF_F_TX_IPV6 :
				       RTE_MBUF_F_TX_IPV4 |
				       RTE_MBUF_F_TX_IP_CKSUM) |
			(c->proto == IPPROTO_TCP ? RTE_MBUF_F_TX_TCP_SEG :
						   RTE_MBUF_F_TX_UDP_SEG);
		m->tso_segsz = c->mss;
		/* garbage where the pseudo-header goes, and in the UDP
		 * length: the fill writes both
		 */
		memset(rte_pktmbuf_mtod_offset(m, uint8_t *, l4_start + off),
		       0x5a, 2);
		if (c->proto == IPPROTO_UDP)
			memset(rte_pktmbuf_mtod_offset(m, uint8_t *,
						       l4_start + 4), 0, 2);
		assert_int_equal(fill(&h, m, c->features), 0);
		assert_int_equal(h.hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		assert_int_equal(h.hdr.gso_type, c->want_gso);
		assert_int_equal(rte_le_to_cpu_16(h.hdr.csum_start), l4_start);
		assert_int_equal(rte_le_to_cpu_16(h.hdr.csum_offset), off);
		assert_int_equal(rte_le_to_cpu_16(h.hdr.hdr_len),
				 l4_start + l4_len_of(&s));
		assert_int_equal(rte_le_to_cpu_16(h.hdr.gso_size),
				 c->want_gso == VIRTIO_NET_HDR_GSO_NONE ? 0 :
				 c->mss);
		assert_int_equal(h.num_buffers, 0);

		len = linearize(m);
		/* the field holds the standard pseudo-header sum (with the
		 * length), as DPDK computes it from the (right) IP header
		 */
		memcpy(&field, lin + l4_start + off, 2);
		if (c->ipv6)
			assert_int_equal(field, rte_ipv6_phdr_cksum(
				(const void *)(lin + ETH_LEN), 0));
		else
			assert_int_equal(field, rte_ipv4_phdr_cksum(
				(const void *)(lin + ETH_LEN), 0));
		/* only the checksum fields changed (the UDP length is
		 * back to what build() had)
		 */
		memcpy(flat + l4_start + off, lin + l4_start + off, 2);
		if (!c->ipv6)
			memcpy(flat + ETH_LEN + 10, lin + ETH_LEN + 10, 2);
		assert_memory_equal(lin, flat, len);
		if (!c->ipv6)
			assert_true(ip4_cksum_ok(lin));

		/* idempotent: a second fill gives the same bytes */
		assert_int_equal(fill(&h2, m, c->features), 0);
		assert_memory_equal(&h, &h2, sizeof(h));
		linearize(m);
		assert_memory_equal(lin, flat, len);

		if (c->want_gso == VIRTIO_NET_HDR_GSO_NONE) {
			device_complete(lin, len, l4_start, off);
			assert_true(l4_cksum_ok(lin, c->ipv6));
		} else {
			assert_int_equal(device_segment(lin, len, &h.hdr,
						c->ipv6, c->proto),
					 c->want_segs);
		}
	}
}

/*
 * Every combination of the offload request flags, with every feature: the
 * verdict follows rte_mbuf_core.h's rules, and an accepted request gives the
 * header those flags describe.
 */
static void test_tx_flag_matrix(void **state)
{
	static const uint64_t ips[] = {
		0, RTE_MBUF_F_TX_IPV4, RTE_MBUF_F_TX_IPV6,
		RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IPV6,
	};
	static const uint64_t l4s[] = {
		RTE_MBUF_F_TX_L4_NO_CKSUM, RTE_MBUF_F_TX_TCP_CKSUM,
		RTE_MBUF_F_TX_UDP_CKSUM, RTE_MBUF_F_TX_SCTP_CKSUM,
	};
	static const uint64_t segs[] = {
		0, RTE_MBUF_F_TX_TCP_SEG, RTE_MBUF_F_TX_UDP_SEG,
		RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG,
	};
	struct virtio_net_hdr_mrg_rxbuf h;
	unsigned int a, b, c, d, n = 0;

	(void)state;
	for (a = 0; a < RTE_DIM(ips); a++)
	for (b = 0; b < 2; b++)
	for (c = 0; c < RTE_DIM(l4s); c++)
	for (d = 0; d < RTE_DIM(segs); d++) {
		uint64_t ip = ips[a], l4 = l4s[c], seg = segs[d];
		uint64_t ol = ip | (b ? RTE_MBUF_F_TX_IP_CKSUM : 0) | l4 | seg;
		int asked = b || l4 || seg;
		int v6 = ip == RTE_MBUF_F_TX_IPV6;
		int tcp = seg == RTE_MBUF_F_TX_TCP_SEG ||
			  (!seg && l4 == RTE_MBUF_F_TX_TCP_CKSUM);
		int udp = seg == RTE_MBUF_F_TX_UDP_SEG ||
			  (!seg && l4 == RTE_MBUF_F_TX_UDP_CKSUM);
		struct pkt_spec s = { .ipv6 = v6,
				      .proto = udp ? IPPROTO_UDP : IPPROTO_TCP,
				      .tcp_len = TCP_LEN, .tcp_flags = TCP_ACK,
				      .payload = 3000 };
		struct rte_mbuf *m;
		int want, got;
		uint8_t want_gso = VIRTIO_NET_HDR_GSO_NONE;

		if (!asked)
			want = 0;
		else if (l4 == RTE_MBUF_F_TX_SCTP_CKSUM)
			want = -ENOTSUP;
		else if (ip == 0 || ip == (RTE_MBUF_F_TX_IPV4 |
					   RTE_MBUF_F_TX_IPV6))
			want = -EINVAL;
		else if (b && v6)
			want = -EINVAL;
		else if (seg == (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG))
			want = -EINVAL;
		else if (seg == RTE_MBUF_F_TX_TCP_SEG &&
			 l4 == RTE_MBUF_F_TX_UDP_CKSUM)
			want = -EINVAL;
		else if (seg == RTE_MBUF_F_TX_UDP_SEG &&
			 l4 == RTE_MBUF_F_TX_TCP_CKSUM)
			want = -EINVAL;
		else
			want = 0;
		if (want == 0 && seg == RTE_MBUF_F_TX_TCP_SEG)
			want_gso = v6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
					VIRTIO_NET_HDR_GSO_TCPV4;
		else if (want == 0 && seg == RTE_MBUF_F_TX_UDP_SEG)
			want_gso = VIRTIO_NET_HDR_GSO_UDP_L4;

		m = build(&s);
		m->ol_flags = ol;
		m->tso_segsz = 1000;
		got = fill(&h, m, ALL_TX);
		if (got != want) {
			print_error("ol_flags 0x%" PRIx64 ": got %d, want %d\n",
				    ol, got, want);
			fail();
		}
		n++;
		if (want != 0 || !(tcp || udp)) {
			assert_hdr_zero(&h);
			continue;
		}
		assert_int_equal(h.hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		assert_int_equal(h.hdr.csum_offset, tcp ? 16 : 6);
		assert_int_equal(h.hdr.gso_type, want_gso);
		assert_int_equal(h.hdr.gso_size, seg ? 1000 : 0);
	}
	assert_int_equal(n, 4 * 2 * 4 * 4);
}

struct feat_case {
	const char *what;
	uint64_t ol;
	int ipv6;
	uint8_t proto;
	uint64_t features;
};

/* An offload not negotiated (or a dependency missing): -ENOTSUP. */
static void test_tx_not_negotiated(void **state)
{
	static const uint64_t v4 = RTE_MBUF_F_TX_IPV4;
	static const uint64_t v6 = RTE_MBUF_F_TX_IPV6;
	static const struct feat_case cases[] = {
		{ "TCP_CKSUM without CSUM", v4 | RTE_MBUF_F_TX_TCP_CKSUM, 0,
		  IPPROTO_TCP, ALL_TX & ~F(CSUM) },
		{ "UDP_CKSUM without CSUM", v6 | RTE_MBUF_F_TX_UDP_CKSUM, 1,
		  IPPROTO_UDP, ALL_TX & ~F(CSUM) },
		{ "TSO4 without HOST_TSO4", v4 | RTE_MBUF_F_TX_TCP_SEG, 0,
		  IPPROTO_TCP, ALL_TX & ~F(HOST_TSO4) },
		{ "TSO6 without HOST_TSO6", v6 | RTE_MBUF_F_TX_TCP_SEG, 1,
		  IPPROTO_TCP, ALL_TX & ~F(HOST_TSO6) },
		{ "TSO4 without CSUM", v4 | RTE_MBUF_F_TX_TCP_SEG, 0,
		  IPPROTO_TCP, ALL_TX & ~F(CSUM) },
		{ "USO without HOST_USO", v4 | RTE_MBUF_F_TX_UDP_SEG, 0,
		  IPPROTO_UDP, ALL_TX & ~F(HOST_USO) },
		{ "USO without CSUM", v6 | RTE_MBUF_F_TX_UDP_SEG, 1,
		  IPPROTO_UDP, ALL_TX & ~F(CSUM) },
		{ "TSO with no feature", v4 | RTE_MBUF_F_TX_TCP_SEG |
		  RTE_MBUF_F_TX_TCP_CKSUM, 0, IPPROTO_TCP, 0 },
		{ "SCTP checksum", v4 | RTE_MBUF_F_TX_SCTP_CKSUM, 0,
		  IPPROTO_TCP, ALL_TX },
		{ "VXLAN tunnel", v4 | RTE_MBUF_F_TX_TCP_CKSUM |
		  RTE_MBUF_F_TX_TUNNEL_VXLAN, 0, IPPROTO_TCP, ALL_TX },
		{ "outer IPv4 checksum", v4 | RTE_MBUF_F_TX_OUTER_IPV4 |
		  RTE_MBUF_F_TX_OUTER_IP_CKSUM, 0, IPPROTO_TCP, ALL_TX },
		{ "outer IPv6", v6 | RTE_MBUF_F_TX_OUTER_IPV6, 1, IPPROTO_TCP,
		  ALL_TX },
		{ "outer UDP checksum", RTE_MBUF_F_TX_OUTER_UDP_CKSUM, 0,
		  IPPROTO_UDP, ALL_TX },
		{ "VLAN insertion alone", RTE_MBUF_F_TX_VLAN, 0, IPPROTO_TCP,
		  ALL_TX },
		{ "QinQ insertion", RTE_MBUF_F_TX_QINQ, 0, IPPROTO_TCP,
		  ALL_TX },
		{ "security offload", RTE_MBUF_F_TX_SEC_OFFLOAD, 0,
		  IPPROTO_TCP, ALL_TX },
		{ "MACsec", RTE_MBUF_F_TX_MACSEC, 0, IPPROTO_TCP, ALL_TX },
		{ "IEEE 1588 time stamp", RTE_MBUF_F_TX_IEEE1588_TMST, 0,
		  IPPROTO_TCP, ALL_TX },
	};
	struct virtio_net_hdr_mrg_rxbuf h;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct feat_case *c = &cases[i];
		struct pkt_spec s = { .ipv6 = c->ipv6, .proto = c->proto,
				      .tcp_len = TCP_LEN, .payload = 3000 };
		struct rte_mbuf *m = build(&s);
		int ret;

		m->ol_flags = c->ol;
		m->tso_segsz = 1000;
		ret = fill(&h, m, c->features);
		if (ret != -ENOTSUP) {
			print_error("%s: got %d\n", c->what, ret);
			fail();
		}
		assert_hdr_zero(&h);
		/* nothing written into the packet */
		linearize(m);
		assert_memory_equal(lin, flat, m->pkt_len);
		/* tx_prepare stops at it with rte_errno */
		rte_errno = 0;
		assert_int_equal(vxpath_tx_prepare(c->features, &m, 1), 0);
		assert_int_equal(rte_errno, ENOTSUP);
	}
}

struct inval_case {
	const char *what;
	int ipv6;
	uint8_t proto;
	uint64_t ol;
	int l2, l3, l4;       /* -1: as built */
	int segsz;
	uint32_t seg1;
	int32_t pkt_len_add;  /* bytes added to pkt_len (fake) */
	int ihl;              /* IPv4 version_ihl to write, 0: as built */
	int doff;             /* TCP data offset (words), 0: as built */
};

/* Inconsistent requests: -EINVAL, nothing written. */
static void test_tx_inconsistent(void **state)
{
	static const uint64_t v4 = RTE_MBUF_F_TX_IPV4;
	static const uint64_t v6 = RTE_MBUF_F_TX_IPV6;
	static const uint64_t tso4 = RTE_MBUF_F_TX_IPV4 |
		RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IP_CKSUM;
	static const uint64_t uso6 = RTE_MBUF_F_TX_IPV6 |
		RTE_MBUF_F_TX_UDP_SEG;
	static const struct inval_case cases[] = {
		{ "TSO with tso_segsz 0", 0, IPPROTO_TCP, tso4,
		  -1, -1, -1, 0, 0, 0, 0, 0 },
		{ "USO with tso_segsz 0", 1, IPPROTO_UDP, uso6,
		  -1, -1, -1, 0, 0, 0, 0, 0 },
		{ "TCP_CKSUM, no IP version", 0, IPPROTO_TCP,
		  RTE_MBUF_F_TX_TCP_CKSUM, -1, -1, -1, 1000, 0, 0, 0, 0 },
		{ "TSO, both IP versions", 0, IPPROTO_TCP,
		  tso4 | RTE_MBUF_F_TX_IPV6, -1, -1, -1, 1000, 0, 0, 0, 0 },
		{ "IP_CKSUM on IPv6", 1, IPPROTO_TCP,
		  v6 | RTE_MBUF_F_TX_IP_CKSUM, -1, -1, -1, 1000, 0, 0, 0, 0 },
		/* flags that contradict each other over a packet that would
		 * pass the length checks either way
		 */
		{ "IP_CKSUM with IPV6 over an IPv4 header, l3_len 40", 0,
		  IPPROTO_UDP, v6 | RTE_MBUF_F_TX_IP_CKSUM, -1, 40, -1, 0, 0,
		  0, 0, 0 },
		{ "TCP csum, both IP versions, IPv6 packet", 1, IPPROTO_TCP,
		  v4 | v6 | RTE_MBUF_F_TX_TCP_CKSUM, -1, -1, -1, 0, 0, 0, 0,
		  0 },
		{ "TCP_SEG with UDP_CKSUM", 0, IPPROTO_TCP,
		  tso4 | RTE_MBUF_F_TX_UDP_CKSUM, -1, -1, -1, 1000, 0, 0, 0,
		  0 },
		{ "UDP_SEG with TCP_CKSUM", 1, IPPROTO_UDP,
		  uso6 | RTE_MBUF_F_TX_TCP_CKSUM, -1, -1, -1, 1000, 0, 0, 0,
		  0 },
		{ "headers beyond the first segment (TSO)", 0, IPPROTO_TCP,
		  tso4, -1, -1, -1, 1000, ETH_LEN + IP4_LEN + 19, 0, 0, 0 },
		{ "headers beyond the first segment (csum, l4_len 0)", 1,
		  IPPROTO_TCP, v6 | RTE_MBUF_F_TX_TCP_CKSUM, -1, -1, 0, 0,
		  ETH_LEN + IP6_LEN + 10, 0, 0, 0 },
		{ "UDP header beyond the first segment", 0, IPPROTO_UDP,
		  v4 | RTE_MBUF_F_TX_UDP_CKSUM, -1, -1, 0, 0,
		  ETH_LEN + IP4_LEN + 7, 0, 0, 0 },
		{ "IP header beyond the first segment", 0, IPPROTO_UDP,
		  v4 | RTE_MBUF_F_TX_IP_CKSUM, -1, -1, -1, 0,
		  ETH_LEN + 19, 0, 0, 0 },
		{ "l4_len beyond the first segment (csum)", 0, IPPROTO_TCP,
		  v4 | RTE_MBUF_F_TX_TCP_CKSUM, -1, -1, 40, 0,
		  ETH_LEN + IP4_LEN + 30, 0, 0, 0 },
		{ "l2_len beyond the first segment", 0, IPPROTO_UDP,
		  v4 | RTE_MBUF_F_TX_UDP_CKSUM, 100, -1, -1, 0,
		  ETH_LEN + IP4_LEN + 8 + 50, 0, 0, 0 },
		{ "l3_len shorter than IPv4", 0, IPPROTO_TCP,
		  v4 | RTE_MBUF_F_TX_TCP_CKSUM, -1, 19, -1, 0, 0, 0, 0, 0 },
		{ "l3_len shorter than IPv6", 1, IPPROTO_UDP,
		  v6 | RTE_MBUF_F_TX_UDP_CKSUM, -1, 39, -1, 0, 0, 0, 0, 0 },
		{ "l3_len 0 with IP_CKSUM", 0, IPPROTO_UDP,
		  v4 | RTE_MBUF_F_TX_IP_CKSUM, -1, 0, -1, 0, 0, 0, 0, 0 },
		{ "IHL beyond l3_len", 0, IPPROTO_UDP,
		  v4 | RTE_MBUF_F_TX_IP_CKSUM, -1, -1, -1, 0, 0, 0, 0x46, 0 },
		{ "IHL below 5", 0, IPPROTO_UDP,
		  v4 | RTE_MBUF_F_TX_IP_CKSUM, -1, -1, -1, 0, 0, 0, 0x44, 0 },
		{ "not IPv4 with IP_CKSUM", 0, IPPROTO_UDP,
		  v4 | RTE_MBUF_F_TX_IP_CKSUM, -1, -1, -1, 0, 0, 0, 0x65, 0 },
		{ "TSO, l4_len 0", 0, IPPROTO_TCP, tso4,
		  -1, -1, 0, 1000, 0, 0, 0, 0 },
		{ "TSO, l4_len not the data offset", 0, IPPROTO_TCP, tso4,
		  -1, -1, 24, 1000, 0, 0, 0, 0 },
		{ "TSO, data offset not l4_len", 0, IPPROTO_TCP, tso4,
		  -1, -1, -1, 1000, 0, 0, 0, 6 },
		{ "TCP csum, l4_len below 20", 0, IPPROTO_TCP,
		  v4 | RTE_MBUF_F_TX_TCP_CKSUM, -1, -1, 12, 0, 0, 0, 0, 0 },
		{ "USO, l4_len 0", 1, IPPROTO_UDP, uso6,
		  -1, -1, 0, 1000, 0, 0, 0, 0 },
		{ "USO, l4_len 20", 1, IPPROTO_UDP, uso6,
		  -1, -1, 20, 1000, 0, 0, 0, 0 },
		{ "UDP csum, l4_len 4", 0, IPPROTO_UDP,
		  v4 | RTE_MBUF_F_TX_UDP_CKSUM, -1, -1, 4, 0, 0, 0, 0, 0 },
		{ "TSO, L4 length above 65535", 0, IPPROTO_TCP, tso4,
		  -1, -1, -1, 1000, 0, 70000, 0, 0 },
		{ "USO, L4 length above 65535", 1, IPPROTO_UDP, uso6,
		  -1, -1, -1, 1000, 0, 65536 - 3008, 0, 0 },
		{ "TSO, pkt_len below the headers", 0, IPPROTO_TCP, tso4,
		  -1, -1, -1, 1000, 0, -3001, 0, 0 },
	};
	struct virtio_net_hdr_mrg_rxbuf h;
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct inval_case *c = &cases[i];
		struct pkt_spec s = { .ipv6 = c->ipv6, .proto = c->proto,
				      .tcp_len = TCP_LEN, .tcp_flags = TCP_ACK,
				      .payload = 3000, .seg1 = c->seg1 };
		struct rte_mbuf *m = build(&s);
		uint32_t len;
		int ret;

		m->ol_flags = c->ol;
		m->tso_segsz = (uint16_t)c->segsz;
		if (c->l2 >= 0)
			m->l2_len = c->l2;
		if (c->l3 >= 0)
			m->l3_len = c->l3;
		if (c->l4 >= 0)
			m->l4_len = c->l4;
		m->pkt_len = (uint32_t)((int64_t)m->pkt_len + c->pkt_len_add);
		if (c->ihl)
			rte_pktmbuf_mtod_offset(m, uint8_t *, ETH_LEN)[0] =
				(uint8_t)c->ihl;
		if (c->doff)
			rte_pktmbuf_mtod_offset(m, uint8_t *, ETH_LEN +
				l3_len_of(&s) + 12)[0] = (uint8_t)(c->doff << 4);
		/* what the packet is now, to see nothing more is written */
		len = linearize(m);
		memcpy(flat, lin, len);
		ret = fill(&h, m, ALL_TX);
		if (ret != -EINVAL) {
			print_error("%s: got %d\n", c->what, ret);
			fail();
		}
		assert_hdr_zero(&h);
		assert_int_equal(linearize(m), len);
		assert_memory_equal(lin, flat, len);
		rte_errno = 0;
		assert_int_equal(vxpath_tx_prepare(ALL_TX, &m, 1), 0);
		assert_int_equal(rte_errno, EINVAL);
	}
}

/*
 * A packet the function must write into (IPv4 checksum, TSO/USO) whose
 * first mbuf is shared, indirect or has an external buffer: -ENOTSUP.
 * Checksum offload alone writes nothing there and is accepted, but
 * tx_prepare (which writes the pseudo-header) refuses it.
 */
static void test_tx_shared_buffer(void **state)
{
	static const uint64_t kinds[] = { 0, RTE_MBUF_F_INDIRECT,
					  RTE_MBUF_F_EXTERNAL };
	static const uint64_t writes[] = {
		RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM,
		RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_SEG,
		RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_SEG,
	};
	struct pkt_spec s = { .proto = IPPROTO_TCP, .tcp_len = TCP_LEN,
			      .tcp_flags = TCP_ACK, .payload = 3000 };
	struct virtio_net_hdr_mrg_rxbuf h;
	struct rte_mbuf *m;
	unsigned int k, w;

	(void)state;
	for (k = 0; k < RTE_DIM(kinds); k++) {
		for (w = 0; w < RTE_DIM(writes); w++) {
			s.ipv6 = (writes[w] & RTE_MBUF_F_TX_IPV6) != 0;
			m = build(&s);
			m->ol_flags = writes[w] | kinds[k];
			m->tso_segsz = 1000;
			if (kinds[k] == 0)
				rte_mbuf_refcnt_set(m, 2);
			assert_int_equal(fill(&h, m, ALL_TX), -ENOTSUP);
			assert_hdr_zero(&h);
			linearize(m);
			assert_memory_equal(lin, flat, m->pkt_len);
			/* the same, not shared: fine */
			m->ol_flags &= ~kinds[k];
			rte_mbuf_refcnt_set(m, 1);
			assert_int_equal(fill(&h, m, ALL_TX), 0);
		}
		s.ipv6 = 0;
		m = build(&s);
		m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM |
			      kinds[k];
		if (kinds[k] == 0)
			rte_mbuf_refcnt_set(m, 2);
		assert_int_equal(fill(&h, m, ALL_TX), 0);
		assert_int_equal(h.hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
		rte_errno = 0;
		assert_int_equal(vxpath_tx_prepare(ALL_TX, &m, 1), 0);
		assert_int_equal(rte_errno, ENOTSUP);
	}
}

struct trunc_case {
	const char *what;
	struct pkt_spec s;
	uint64_t ol;
	int l4;               /* l4_len; -1: as built */
	uint32_t need;        /* bytes of first segment needed */
};

/*
 * The headers cut at every length in the first segment, whose data ends
 * exactly at the end of a heap buffer (so that a sanitizer build reports any
 * read past data_len): refused below the bytes needed, accepted from there.
 */
static void test_tx_first_segment_bounds(void **state)
{
	const uint64_t v4 = RTE_MBUF_F_TX_IPV4, v6 = RTE_MBUF_F_TX_IPV6;
	const struct trunc_case cases[] = {
		{ "TSO IPv4", { 0, IPPROTO_TCP, 32, TCP_ACK, 3000, 0 },
		  v4 | RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_TCP_SEG, -1,
		  ETH_LEN + IP4_LEN + 32 },
		{ "USO IPv6", { 1, IPPROTO_UDP, 0, 0, 3000, 0 },
		  v6 | RTE_MBUF_F_TX_UDP_SEG, -1, ETH_LEN + IP6_LEN + 8 },
		{ "TCP csum IPv6, l4_len 0", { 1, IPPROTO_TCP, 20, TCP_ACK,
		  100, 0 }, v6 | RTE_MBUF_F_TX_TCP_CKSUM, 0,
		  ETH_LEN + IP6_LEN + 20 },
		{ "UDP csum IPv4 + IP_CKSUM", { 0, IPPROTO_UDP, 0, 0, 100, 0 },
		  v4 | RTE_MBUF_F_TX_UDP_CKSUM | RTE_MBUF_F_TX_IP_CKSUM, -1,
		  ETH_LEN + IP4_LEN + 8 },
		{ "IP_CKSUM only", { 0, IPPROTO_UDP, 0, 0, 100, 0 },
		  v4 | RTE_MBUF_F_TX_IP_CKSUM, -1, ETH_LEN + IP4_LEN },
	};
	struct virtio_net_hdr_mrg_rxbuf h;
	unsigned int i;
	uint32_t t;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		const struct trunc_case *c = &cases[i];

		for (t = 1; t <= c->need + 1; t++) {
			struct pkt_spec s = c->s;
			struct rte_mbuf *m;
			uint8_t *exact;
			int want = t < c->need ? -EINVAL : 0;
			int got;
			uint16_t prepared;

			s.seg1 = t;
			m = build(&s);
			exact = malloc(RTE_PKTMBUF_HEADROOM + t);
			assert_non_null(exact);
			memcpy(exact + RTE_PKTMBUF_HEADROOM,
			       rte_pktmbuf_mtod(m, void *), t);
			m->buf_addr = exact;
			m->ol_flags = c->ol;
			m->tso_segsz = 1000;
			if (c->l4 >= 0)
				m->l4_len = c->l4;
			got = fill(&h, m, ALL_TX);
			rte_errno = 0;
			prepared = vxpath_tx_prepare(ALL_TX, &m, 1);
			free(exact);
			if (got != want || prepared != (want == 0 ? 1 : 0)) {
				print_error("%s, %u bytes in the first "
					    "segment: fill %d prepare %u (%d), "
					    "want %d\n", c->what, t, got,
					    prepared, rte_errno, want);
				fail();
			}
		}
	}
}

/*
 * tx_prepare over a burst: prepares packets in order (pseudo-header in the
 * checksum field, IPv4 header checksum zeroed as DPDK's helper does), leaves
 * packets without requests alone, and stops at the first refused one.
 */
static void test_tx_prepare_burst(void **state)
{
	static struct rte_mbuf pm[4];
	static uint8_t pbuf[4][2048];
	struct rte_mbuf *pkts[4];
	struct pkt_spec s = { .proto = IPPROTO_UDP, .payload = 200 };
	unsigned int i;
	uint16_t field;

	(void)state;
	for (i = 0; i < 4; i++) {
		struct rte_mbuf *m = build(&s);

		mbuf_init(&pm[i], pbuf[i]);
		memcpy(rte_pktmbuf_mtod(&pm[i], void *),
		       rte_pktmbuf_mtod(m, void *), m->data_len);
		pm[i].data_len = m->data_len;
		pm[i].pkt_len = m->pkt_len;
		pm[i].l2_len = m->l2_len;
		pm[i].l3_len = m->l3_len;
		pm[i].l4_len = m->l4_len;
		pkts[i] = &pm[i];
	}
	pm[0].ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM |
			 RTE_MBUF_F_TX_IP_CKSUM;
	pm[1].ol_flags = 0;
	pm[2].ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;
	pm[3].ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_UDP_CKSUM;

	rte_errno = 0;
	assert_int_equal(vxpath_tx_prepare(F(CSUM), pkts, 4), 4);
	assert_int_equal(rte_errno, 0);
	memcpy(&field, rte_pktmbuf_mtod_offset(&pm[0], uint8_t *,
					       ETH_LEN + IP4_LEN + 6), 2);
	assert_int_equal(field, rte_ipv4_phdr_cksum(
		rte_pktmbuf_mtod_offset(&pm[0], struct rte_ipv4_hdr *,
					ETH_LEN), 0));
	assert_int_equal(rte_pktmbuf_mtod_offset(&pm[0], struct rte_ipv4_hdr *,
						 ETH_LEN)->hdr_checksum, 0);
	/* untouched */
	assert_memory_equal(rte_pktmbuf_mtod(&pm[1], void *), flat,
			    pm[1].data_len);

	/* the third refused: two prepared, rte_errno for the third */
	pm[2].ol_flags |= RTE_MBUF_F_TX_IPV6;
	assert_int_equal(vxpath_tx_prepare(F(CSUM), pkts, 4), 2);
	assert_int_equal(rte_errno, EINVAL);
	pm[2].ol_flags &= ~RTE_MBUF_F_TX_IPV6;
	assert_int_equal(vxpath_tx_prepare(0, pkts, 4), 0);
	assert_int_equal(rte_errno, ENOTSUP);
	assert_int_equal(vxpath_tx_prepare(F(CSUM), pkts, 0), 0);
}

struct capa_case {
	uint64_t features;
	uint64_t want;
};

static void test_tx_offload_capa(void **state)
{
	const uint64_t base = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
			      RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	const uint64_t csum = RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			      RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	const struct capa_case cases[] = {
		{ 0, base },
		{ ALL_RX, base },
		{ F(CSUM), base | csum },
		{ F(CSUM) | F(HOST_TSO4), base | csum },
		{ F(CSUM) | F(HOST_TSO6), base | csum },
		{ F(CSUM) | F(HOST_TSO4) | F(HOST_TSO6),
		  base | csum | RTE_ETH_TX_OFFLOAD_TCP_TSO },
		{ F(HOST_TSO4) | F(HOST_TSO6) | F(HOST_USO), base },
		{ F(CSUM) | F(HOST_USO),
		  base | csum | RTE_ETH_TX_OFFLOAD_UDP_TSO },
		{ ALL_TX, base | csum | RTE_ETH_TX_OFFLOAD_TCP_TSO |
			  RTE_ETH_TX_OFFLOAD_UDP_TSO },
		{ ~UINT64_C(0), base | csum | RTE_ETH_TX_OFFLOAD_TCP_TSO |
				RTE_ETH_TX_OFFLOAD_UDP_TSO },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		if (vxpath_tx_offload_capa(cases[i].features) !=
		    cases[i].want) {
			print_error("features 0x%" PRIx64 ": got 0x%" PRIx64
				    " want 0x%" PRIx64 "\n", cases[i].features,
				    vxpath_tx_offload_capa(cases[i].features),
				    cases[i].want);
			fail();
		}
	}
}

/*
 * Rx.
 */

struct rx_case {
	const char *what;
	uint8_t flags;
	uint8_t gso_type;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint64_t features;
	uint32_t pkt_len;
	int want;
	uint64_t want_ol;    /* L4 checksum bits and LRO */
	uint16_t want_segsz;
};

#define NEEDS VIRTIO_NET_HDR_F_NEEDS_CSUM
#define VALID VIRTIO_NET_HDR_F_DATA_VALID
#define RSC VIRTIO_NET_HDR_F_RSC_INFO
#define GOOD RTE_MBUF_F_RX_L4_CKSUM_GOOD
#define NONE RTE_MBUF_F_RX_L4_CKSUM_NONE
#define UNKNOWN RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN
#define LRO RTE_MBUF_F_RX_LRO
#define G_TCPV4 VIRTIO_NET_HDR_GSO_TCPV4
#define G_TCPV6 VIRTIO_NET_HDR_GSO_TCPV6
#define G_UDP_L4 VIRTIO_NET_HDR_GSO_UDP_L4
#define G_ECN VIRTIO_NET_HDR_GSO_ECN

static const struct rx_case rx_cases[] = {
	/* checksum states */
	{ "nothing", 0, 0, 0, 0, 0, ALL_RX, 1514, 0, UNKNOWN, 0 },
	{ "nothing, no features", 0, 0, 0, 0, 0, 0, 60, 0, UNKNOWN, 0 },
	{ "csum fields ignored without NEEDS_CSUM", 0, 0, 0, 0xffff, 0xffff,
	  ALL_RX, 60, 0, UNKNOWN, 0 },
	{ "DATA_VALID", VALID, 0, 0, 0, 0, F(GUEST_CSUM), 1514, 0, GOOD, 0 },
	{ "DATA_VALID without GUEST_CSUM", VALID, 0, 0, 0, 0, 0, 1514, 0,
	  GOOD, 0 },
	{ "NEEDS_CSUM TCPv4", NEEDS, 0, 0, 34, 16, F(GUEST_CSUM), 1514, 0,
	  NONE, 0 },
	{ "NEEDS_CSUM UDPv6", NEEDS, 0, 0, 54, 6, F(GUEST_CSUM), 62, 0,
	  NONE, 0 },
	{ "NEEDS_CSUM and DATA_VALID", NEEDS | VALID, 0, 0, 34, 16,
	  F(GUEST_CSUM), 1514, 0, NONE, 0 },
	{ "NEEDS_CSUM without GUEST_CSUM", NEEDS, 0, 0, 34, 16,
	  ALL_RX & ~F(GUEST_CSUM), 1514, -EINVAL, 0, 0 },
	{ "unknown flag bits ignored", 0xf8 | VALID, 0, 0, 0, 0, ALL_RX, 100,
	  0, GOOD, 0 },
	{ "unknown flag bits with NEEDS_CSUM", 0xf8 | NEEDS, 0, 0, 34, 16,
	  ALL_RX, 100, 0, NONE, 0 },
	/* csum_start/csum_offset from a hostile device */
	{ "csum field ends at pkt_len", NEEDS, 0, 0, 34, 16, F(GUEST_CSUM),
	  52, 0, NONE, 0 },
	{ "csum field one byte past", NEEDS, 0, 0, 34, 16, F(GUEST_CSUM),
	  51, -EINVAL, 0, 0 },
	{ "csum_start at pkt_len", NEEDS, 0, 0, 60, 0, F(GUEST_CSUM), 60,
	  -EINVAL, 0, 0 },
	{ "csum_start beyond pkt_len", NEEDS, 0, 0, 1000, 0, F(GUEST_CSUM),
	  60, -EINVAL, 0, 0 },
	{ "csum_offset beyond pkt_len", NEEDS, 0, 0, 0, 60, F(GUEST_CSUM),
	  60, -EINVAL, 0, 0 },
	{ "both 0xffff (no 16-bit wrap)", NEEDS, 0, 0, 0xffff, 0xffff,
	  F(GUEST_CSUM), 65535, -EINVAL, 0, 0 },
	{ "start + offset wraps 16 bits", NEEDS, 0, 0, 0xfff0, 0x0020,
	  F(GUEST_CSUM), 100, -EINVAL, 0, 0 },
	{ "empty packet", NEEDS, 0, 0, 0, 0, F(GUEST_CSUM), 0, -EINVAL, 0,
	  0 },
	{ "field at 0 in a 2-byte packet", NEEDS, 0, 0, 0, 0, F(GUEST_CSUM),
	  2, 0, NONE, 0 },
	/* RSC_INFO */
	{ "RSC_INFO without RSC_EXT", RSC | VALID, 0, 0, 0, 0, ALL_RX, 100,
	  -EINVAL, 0, 0 },
	{ "RSC_INFO with RSC_EXT: counts not checked", RSC | NEEDS, G_TCPV4,
	  1448, 5000, 3, ALL_RX | F(RSC_EXT), 100, 0, NONE | LRO, 1448 },
	/* GSO */
	{ "TCPV4", NEEDS, G_TCPV4, 1448, 34, 16, ALL_RX, 30000, 0,
	  NONE | LRO, 1448 },
	{ "TCPV6", NEEDS, G_TCPV6, 1428, 54, 16, ALL_RX, 30000, 0,
	  NONE | LRO, 1428 },
	{ "TCPV4 with ECN", NEEDS, G_TCPV4 | G_ECN, 1448, 34, 16, ALL_RX,
	  30000, 0, NONE | LRO, 1448 },
	{ "TCPV6 with ECN", NEEDS, G_TCPV6 | G_ECN, 1448, 54, 16, ALL_RX,
	  30000, 0, NONE | LRO, 1448 },
	{ "UDP_L4 with USO4", NEEDS, G_UDP_L4, 1400, 34, 6,
	  F(GUEST_CSUM) | F(GUEST_USO4), 9000, 0, NONE | LRO, 1400 },
	{ "UDP_L4 with USO6", NEEDS, G_UDP_L4, 1400, 54, 6,
	  F(GUEST_CSUM) | F(GUEST_USO6), 9000, 0, NONE | LRO, 1400 },
	{ "GSO with NEEDS_CSUM and DATA_VALID", NEEDS | VALID, G_TCPV4, 1000,
	  34, 16, ALL_RX, 9000, 0, NONE | LRO, 1000 },
	{ "GSO with a hostile csum_start", NEEDS, G_TCPV4, 1448, 9000, 16,
	  ALL_RX, 9000, -EINVAL, 0, 0 },
	{ "TCPV4 without GUEST_TSO4", NEEDS, G_TCPV4, 1448, 34, 16,
	  ALL_RX & ~F(GUEST_TSO4), 9000, -EINVAL, 0, 0 },
	{ "TCPV6 without GUEST_TSO6", NEEDS, G_TCPV6, 1448, 54, 16,
	  ALL_RX & ~F(GUEST_TSO6), 9000, -EINVAL, 0, 0 },
	{ "UDP_L4 without USO", NEEDS, G_UDP_L4, 1448, 34, 6,
	  ALL_RX & ~(F(GUEST_USO4) | F(GUEST_USO6)), 9000, -EINVAL, 0, 0 },
	{ "UFO even with GUEST_UFO", NEEDS, VIRTIO_NET_HDR_GSO_UDP, 1448, 34,
	  6, ALL_RX | F(GUEST_UFO), 9000, -EINVAL, 0, 0 },
	{ "gso_type 2 (unknown)", NEEDS, 2, 1448, 34, 16, ~UINT64_C(0),
	  9000, -EINVAL, 0, 0 },
	{ "gso_type 6 (unknown)", NEEDS, 6, 1448, 34, 16, ~UINT64_C(0),
	  9000, -EINVAL, 0, 0 },
	{ "gso_type 0x7f (unknown)", NEEDS, 0x7f, 1448, 34, 16,
	  ~UINT64_C(0), 9000, -EINVAL, 0, 0 },
	{ "gso_type 0xff (unknown)", NEEDS, 0xff, 1448, 34, 16,
	  ~UINT64_C(0), 9000, -EINVAL, 0, 0 },
	{ "ECN without GUEST_ECN", NEEDS, G_TCPV4 | G_ECN, 1448, 34, 16,
	  ALL_RX & ~F(GUEST_ECN), 9000, -EINVAL, 0, 0 },
	{ "ECN alone (no GSO)", NEEDS, G_ECN, 0, 34, 16, ALL_RX, 9000,
	  -EINVAL, 0, 0 },
	{ "ECN on UDP_L4", NEEDS, G_UDP_L4 | G_ECN, 1400, 34, 6, ALL_RX,
	  9000, -EINVAL, 0, 0 },
	{ "GSO without NEEDS_CSUM", 0, G_TCPV4, 1448, 0, 0, ALL_RX, 9000,
	  -EINVAL, 0, 0 },
	{ "GSO with DATA_VALID only", VALID, G_TCPV4, 1448, 0, 0, ALL_RX,
	  9000, -EINVAL, 0, 0 },
	{ "GSO with gso_size 0", NEEDS, G_TCPV4, 0, 34, 16, ALL_RX, 9000,
	  -EINVAL, 0, 0 },
	{ "GSO, no feature at all", NEEDS, G_TCPV4, 1448, 34, 16, 0, 9000,
	  -EINVAL, 0, 0 },
};

static void test_rx_headers(void **state)
{
	/* bits the function must keep as they were */
	const uint64_t other = RTE_MBUF_F_RX_VLAN | RTE_MBUF_F_RX_RSS_HASH |
			       RTE_MBUF_F_RX_IP_CKSUM_GOOD;
	static struct rte_mbuf m;
	static uint8_t buf[256];
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(rx_cases); i++) {
		const struct rx_case *c = &rx_cases[i];
		struct virtio_net_hdr_mrg_rxbuf h, copy;
		int ret, stale;

		memset(&h, 0, sizeof(h));
		h.hdr.flags = c->flags;
		h.hdr.gso_type = c->gso_type;
		h.hdr.hdr_len = rte_cpu_to_le_16(0xffff); /* never used */
		h.hdr.gso_size = rte_cpu_to_le_16(c->gso_size);
		h.hdr.csum_start = rte_cpu_to_le_16(c->csum_start);
		h.hdr.csum_offset = rte_cpu_to_le_16(c->csum_offset);
		h.num_buffers = rte_cpu_to_le_16(1);
		copy = h;
		/* with stale flags of ours set, and without */
		for (stale = 0; stale < 2; stale++) {
			mbuf_init(&m, buf);
			m.pkt_len = c->pkt_len;
			m.ol_flags = other | (stale ? RTE_MBUF_F_RX_LRO |
					      RTE_MBUF_F_RX_L4_CKSUM_BAD : 0);
			m.tso_segsz = 77;
			ret = vxpath_rx_hdr_apply(&h, &m, c->features);
			if (ret != c->want) {
				print_error("%s: got %d want %d\n", c->what,
					    ret, c->want);
				fail();
			}
			assert_memory_equal(&h, &copy, sizeof(h));
			if (ret != 0) {
				/* unchanged */
				assert_int_equal(m.ol_flags, other |
					(stale ? RTE_MBUF_F_RX_LRO |
					 RTE_MBUF_F_RX_L4_CKSUM_BAD : 0));
				assert_int_equal(m.tso_segsz, 77);
				continue;
			}
			if (m.ol_flags != (other | c->want_ol)) {
				print_error("%s: ol_flags 0x%" PRIx64
					    " want 0x%" PRIx64 "\n", c->what,
					    m.ol_flags, other | c->want_ol);
				fail();
			}
			assert_int_equal(m.tso_segsz,
					 c->want_ol & LRO ? c->want_segsz : 77);
		}
	}
}

/*
 * Exhaustive over flags and gso_type bytes with every feature and a
 * plausible checksum position: the verdict depends only on the documented
 * rules.
 */
static void test_rx_all_bytes(void **state)
{
	static struct rte_mbuf m;
	static uint8_t buf[64];
	unsigned int flags, gso;

	(void)state;
	for (flags = 0; flags < 256; flags++)
	for (gso = 0; gso < 256; gso++) {
		struct virtio_net_hdr_mrg_rxbuf h = {
			.hdr = {
				.flags = (uint8_t)flags,
				.gso_type = (uint8_t)gso,
				.gso_size = rte_cpu_to_le_16(1000),
				.csum_start = rte_cpu_to_le_16(34),
				.csum_offset = rte_cpu_to_le_16(16),
			},
		};
		unsigned int base = gso & ~VIRTIO_NET_HDR_GSO_ECN;
		int needs = flags & NEEDS;
		int is_gso = gso != 0;
		int want_ok = !(flags & RSC) &&
			(base == 0 ? !(gso & G_ECN) :
			 base == G_TCPV4 || base == G_TCPV6 ||
			 (base == G_UDP_L4 && !(gso & G_ECN))) &&
			(!is_gso || needs);
		uint64_t want_ol = needs ? NONE :
				   (flags & VALID) ? GOOD : UNKNOWN;
		int ret;

		mbuf_init(&m, buf);
		m.pkt_len = 1514;
		ret = vxpath_rx_hdr_apply(&h, &m, ALL_RX);
		if (ret != (want_ok ? 0 : -EINVAL)) {
			print_error("flags 0x%02x gso_type 0x%02x: got %d\n",
				    flags, gso, ret);
			fail();
		}
		if (ret == 0)
			assert_int_equal(m.ol_flags,
					 want_ol | (is_gso ? LRO : 0));
	}
}

static void test_rx_offload_capa(void **state)
{
	const uint64_t csum = RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
			      RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	const uint64_t sc = RTE_ETH_RX_OFFLOAD_SCATTER;
	const uint64_t lro = RTE_ETH_RX_OFFLOAD_TCP_LRO;
	const struct capa_case cases[] = {
		{ 0, 0 },
		{ ALL_TX, 0 },
		{ F(MRG_RXBUF), sc },
		{ F(GUEST_CSUM), csum },
		{ F(GUEST_CSUM) | F(GUEST_TSO4), csum },
		{ F(GUEST_CSUM) | F(GUEST_TSO4) | F(MRG_RXBUF), csum | lro | sc },
		{ F(GUEST_CSUM) | F(GUEST_TSO6) | F(MRG_RXBUF), csum | lro | sc },
		{ F(GUEST_TSO4) | F(GUEST_TSO6) | F(MRG_RXBUF), sc },
		{ F(GUEST_CSUM) | F(GUEST_USO4) | F(GUEST_USO6) | F(MRG_RXBUF),
		  csum | sc },
		{ ALL_RX, csum | lro | sc },
		{ ~UINT64_C(0), csum | lro | sc },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		if (vxpath_rx_offload_capa(cases[i].features) !=
		    cases[i].want) {
			print_error("features 0x%" PRIx64 ": got 0x%" PRIx64
				    " want 0x%" PRIx64 "\n", cases[i].features,
				    vxpath_rx_offload_capa(cases[i].features),
				    cases[i].want);
			fail();
		}
	}
}

/*
 * Feature selection.
 */

static void test_offload_features_table(void **state)
{
	struct {
		uint64_t tx, rx, want;
	} cases[] = {
		{ 0, 0, 0 },
		{ RTE_ETH_TX_OFFLOAD_MULTI_SEGS | RTE_ETH_TX_OFFLOAD_IPV4_CKSUM,
		  RTE_ETH_RX_OFFLOAD_SCATTER, 0 },
		{ RTE_ETH_TX_OFFLOAD_TCP_CKSUM, 0, F(CSUM) },
		{ RTE_ETH_TX_OFFLOAD_UDP_CKSUM, 0, F(CSUM) },
		{ RTE_ETH_TX_OFFLOAD_TCP_TSO, 0,
		  F(CSUM) | F(HOST_TSO4) | F(HOST_TSO6) | F(HOST_ECN) |
		  F(GUEST_HDRLEN) },
		{ RTE_ETH_TX_OFFLOAD_UDP_TSO, 0,
		  F(CSUM) | F(HOST_USO) | F(GUEST_HDRLEN) },
		{ 0, RTE_ETH_RX_OFFLOAD_TCP_CKSUM, F(GUEST_CSUM) },
		{ 0, RTE_ETH_RX_OFFLOAD_UDP_CKSUM, F(GUEST_CSUM) },
		{ 0, RTE_ETH_RX_OFFLOAD_TCP_LRO,
		  F(GUEST_CSUM) | F(GUEST_TSO4) | F(GUEST_TSO6) |
		  F(GUEST_ECN) },
		{ RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_TCP_TSO |
		  RTE_ETH_TX_OFFLOAD_UDP_TSO,
		  RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_TCP_LRO,
		  F(CSUM) | F(HOST_TSO4) | F(HOST_TSO6) | F(HOST_ECN) |
		  F(HOST_USO) | F(GUEST_HDRLEN) | F(GUEST_CSUM) |
		  F(GUEST_TSO4) | F(GUEST_TSO6) | F(GUEST_ECN) },
	};
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(cases); i++) {
		uint64_t got = vxpath_offload_features(cases[i].tx,
						       cases[i].rx);

		if (got != cases[i].want) {
			print_error("case %u: got 0x%" PRIx64 " want 0x%"
				    PRIx64 "\n", i, got, cases[i].want);
			fail();
		}
	}
}

/* 5.1.3.1: each bit's dependencies are in the set. */
static int dependencies_hold(uint64_t f)
{
	if ((f & (F(GUEST_TSO4) | F(GUEST_TSO6) | F(GUEST_UFO) |
		  F(GUEST_USO4) | F(GUEST_USO6))) && !(f & F(GUEST_CSUM)))
		return 0;
	if ((f & F(GUEST_ECN)) && !(f & (F(GUEST_TSO4) | F(GUEST_TSO6))))
		return 0;
	if ((f & (F(HOST_TSO4) | F(HOST_TSO6) | F(HOST_UFO) | F(HOST_USO))) &&
	    !(f & F(CSUM)))
		return 0;
	if ((f & F(HOST_ECN)) && !(f & (F(HOST_TSO4) | F(HOST_TSO6))))
		return 0;
	return 1;
}

/*
 * For every subset of the offloads that map to features: the dependencies
 * hold, the features give back at least the offloads asked (Tx; Rx with
 * MRG_RXBUF for LRO), and nothing of the other direction is asked.
 */
static void test_offload_features_closure(void **state)
{
	static const uint64_t tx_bits[] = {
		RTE_ETH_TX_OFFLOAD_TCP_CKSUM, RTE_ETH_TX_OFFLOAD_UDP_CKSUM,
		RTE_ETH_TX_OFFLOAD_TCP_TSO, RTE_ETH_TX_OFFLOAD_UDP_TSO,
		RTE_ETH_TX_OFFLOAD_IPV4_CKSUM, RTE_ETH_TX_OFFLOAD_MULTI_SEGS,
	};
	static const uint64_t rx_bits[] = {
		RTE_ETH_RX_OFFLOAD_TCP_CKSUM, RTE_ETH_RX_OFFLOAD_UDP_CKSUM,
		RTE_ETH_RX_OFFLOAD_TCP_LRO, RTE_ETH_RX_OFFLOAD_SCATTER,
	};
	const uint64_t host = F(CSUM) | F(HOST_TSO4) | F(HOST_TSO6) |
			      F(HOST_ECN) | F(HOST_UFO) | F(HOST_USO) |
			      F(GUEST_HDRLEN);
	unsigned int t, r, i;

	(void)state;
	for (t = 0; t < 1u << RTE_DIM(tx_bits); t++)
	for (r = 0; r < 1u << RTE_DIM(rx_bits); r++) {
		uint64_t tx = 0, rx = 0, f;

		for (i = 0; i < RTE_DIM(tx_bits); i++)
			if (t & (1u << i))
				tx |= tx_bits[i];
		for (i = 0; i < RTE_DIM(rx_bits); i++)
			if (r & (1u << i))
				rx |= rx_bits[i];
		f = vxpath_offload_features(tx, rx);
		assert_true(dependencies_hold(f));
		assert_int_equal(vxpath_tx_offload_capa(f) & tx, tx);
		assert_int_equal(vxpath_rx_offload_capa(f | F(MRG_RXBUF)) & rx,
				 rx);
		assert_int_equal(vxpath_offload_features(tx, 0) & ~host, 0);
		assert_int_equal(vxpath_offload_features(0, rx) & host, 0);
		/* never UFO, never USO on receive (see offload.h) */
		assert_int_equal(f & (F(GUEST_UFO) | F(HOST_UFO) |
				      F(GUEST_USO4) | F(GUEST_USO6)), 0);
	}
}

/*
 * TAP flags.
 */

static void test_tun_offload_flags_table(void **state)
{
	const uint64_t c = F(GUEST_CSUM);
	struct {
		uint64_t features;
		unsigned int want;
	} cases[] = {
		{ 0, 0 },
		{ ALL_TX, 0 },                      /* HOST_*: not TAP flags */
		{ c, TUN_F_CSUM },
		{ c | F(GUEST_TSO4), TUN_F_CSUM | TUN_F_TSO4 },
		{ c | F(GUEST_TSO6), TUN_F_CSUM | TUN_F_TSO6 },
		{ c | F(GUEST_TSO4) | F(GUEST_TSO6) | F(GUEST_ECN),
		  TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN },
		{ c | F(GUEST_ECN), TUN_F_CSUM },   /* ECN needs a TSO */
		{ c | F(GUEST_USO4), TUN_F_CSUM },  /* USO only as a pair */
		{ c | F(GUEST_USO6), TUN_F_CSUM },
		{ c | F(GUEST_USO4) | F(GUEST_USO6),
		  TUN_F_CSUM | TUN_F_USO4 | TUN_F_USO6 },
		{ c | F(GUEST_UFO), TUN_F_CSUM },   /* never UFO */
		{ F(GUEST_TSO4) | F(GUEST_TSO6) | F(GUEST_ECN) |
		  F(GUEST_USO4) | F(GUEST_USO6), 0 }, /* no GUEST_CSUM */
		{ ALL_RX, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
			  TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6 },
	};
	unsigned int i;

	(void)state;
	/* the values Linux's if_tun.h has */
	assert_int_equal(TUN_F_USO4, 0x20);
	assert_int_equal(TUN_F_USO6, 0x40);
	assert_int_equal(VIRTIO_NET_HDR_GSO_UDP_L4, 5);
	assert_int_equal(VIRTIO_NET_F_GUEST_USO4, 54);
	assert_int_equal(VIRTIO_NET_F_GUEST_USO6, 55);
	assert_int_equal(VIRTIO_NET_F_HOST_USO, 56);
	assert_int_equal(VIRTIO_NET_F_GUEST_HDRLEN, 59);
	for (i = 0; i < RTE_DIM(cases); i++) {
		unsigned int got = vxpath_tun_offload_flags(cases[i].features);

		if (got != cases[i].want) {
			print_error("case %u: got 0x%x want 0x%x\n", i, got,
				    cases[i].want);
			fail();
		}
	}
}

/*
 * Over every subset of the GUEST_ and HOST_ offload bits: the flags are a
 * set Linux's TUNSETOFFLOAD accepts (segmentation only with TUN_F_CSUM, ECN
 * only with a TSO flag, USO4 and USO6 together, no UFO), they depend on
 * GUEST_* bits only, and each flag matches its feature.
 */
static void test_tun_offload_flags_rules(void **state)
{
	static const unsigned int bits[] = {
		VIRTIO_NET_F_GUEST_CSUM, VIRTIO_NET_F_GUEST_TSO4,
		VIRTIO_NET_F_GUEST_TSO6, VIRTIO_NET_F_GUEST_ECN,
		VIRTIO_NET_F_GUEST_UFO, VIRTIO_NET_F_GUEST_USO4,
		VIRTIO_NET_F_GUEST_USO6,
	};
	unsigned int s, i;

	(void)state;
	for (s = 0; s < 1u << RTE_DIM(bits); s++) {
		uint64_t f = 0;
		unsigned int fl;

		for (i = 0; i < RTE_DIM(bits); i++)
			if (s & (1u << i))
				f |= VXPATH_FEATURE(bits[i]);
		fl = vxpath_tun_offload_flags(f);
		assert_int_equal(vxpath_tun_offload_flags(f | ALL_TX), fl);
		assert_int_equal(fl & ~(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 |
					TUN_F_TSO_ECN | TUN_F_USO4 |
					TUN_F_USO6), 0);
		if (fl != 0)
			assert_true(fl & TUN_F_CSUM);
		if (fl & TUN_F_TSO_ECN)
			assert_true(fl & (TUN_F_TSO4 | TUN_F_TSO6));
		assert_int_equal(!!(fl & TUN_F_USO4), !!(fl & TUN_F_USO6));
		assert_int_equal(!!(fl & TUN_F_CSUM),
				 !!(f & F(GUEST_CSUM)));
		if (f & F(GUEST_CSUM)) {
			assert_int_equal(!!(fl & TUN_F_TSO4),
					 !!(f & F(GUEST_TSO4)));
			assert_int_equal(!!(fl & TUN_F_TSO6),
					 !!(f & F(GUEST_TSO6)));
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx_no_offload),
		cmocka_unit_test(test_tx_csum),
		cmocka_unit_test(test_tx_ip_cksum_only),
		cmocka_unit_test(test_tx_gso),
		cmocka_unit_test(test_tx_flag_matrix),
		cmocka_unit_test(test_tx_not_negotiated),
		cmocka_unit_test(test_tx_inconsistent),
		cmocka_unit_test(test_tx_shared_buffer),
		cmocka_unit_test(test_tx_first_segment_bounds),
		cmocka_unit_test(test_tx_prepare_burst),
		cmocka_unit_test(test_tx_offload_capa),
		cmocka_unit_test(test_rx_headers),
		cmocka_unit_test(test_rx_all_bytes),
		cmocka_unit_test(test_rx_offload_capa),
		cmocka_unit_test(test_offload_features_table),
		cmocka_unit_test(test_offload_features_closure),
		cmocka_unit_test(test_tun_offload_flags_table),
		cmocka_unit_test(test_tun_offload_flags_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
