/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Unit tests of transmit coalescing (drivers/net/vxpath/coalesce.h), written
 * against the header's contract and virtio 1.2 5.1.6.2. No EAL: the mbufs
 * are struct rte_mbuf in static storage with their fields set by hand; the
 * merge is DPDK's own GRO library (rte_gro_reassemble_burst()), and the
 * virtio-net header of a merged frame comes from vxpath_tx_hdr_fill()
 * (offload.c), as on the Tx path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netinet/in.h>

#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_gro.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "coalesce.h"
#include "offload.h"

#define F(bit) VXPATH_FEATURE(VIRTIO_NET_F_ ## bit)
#define TX_FEATURES (F(CSUM) | F(HOST_TSO4) | F(HOST_TSO6))

#define ETH_LEN 14u
#define IP4_LEN 20u
#define IP6_LEN 40u
#define TCP_LEN 20u
#define MSS 1448u
#define NPKT 16
#define ROOM (RTE_PKTMBUF_HEADROOM + 2048)

static struct rte_mbuf mb[NPKT];
static uint8_t buf[NPKT][ROOM];

struct seg {
	int ipv6;
	uint16_t sport;       /* the flow: source port */
	uint32_t seq;
	uint8_t flags;        /* TCP flags */
	uint16_t payload;     /* bytes of TCP payload */
	uint8_t proto;        /* IPPROTO_TCP (0: TCP) or IPPROTO_UDP */
	uint16_t ip4_opt;     /* bytes of IPv4 options (multiple of 4) */
	uint16_t pad;         /* Ethernet padding after the IP packet */
};

/* Payload byte i of the flow with source port @sport at sequence @seq. */
static uint8_t
payload_byte(uint16_t sport, uint32_t seq)
{
	return (uint8_t)(seq * 7u + sport);
}

/* Build packet @i from @s into mb[i] (one segment, refcnt 1). */
static struct rte_mbuf *
build(int i, const struct seg *s)
{
	struct rte_mbuf *m = &mb[i];
	uint8_t proto = s->proto ? s->proto : IPPROTO_TCP;
	uint32_t l3 = s->ipv6 ? IP6_LEN : IP4_LEN + s->ip4_opt;
	uint32_t l4 = proto == IPPROTO_TCP ? TCP_LEN : sizeof(struct rte_udp_hdr);
	uint32_t len = ETH_LEN + l3 + l4 + s->payload, k;
	struct rte_ether_hdr *eth;
	uint8_t *p;

	memset(m, 0, sizeof(*m));
	memset(buf[i], 0, sizeof(buf[i]));
	m->buf_addr = buf[i];
	m->buf_len = ROOM;
	m->data_off = RTE_PKTMBUF_HEADROOM;
	m->nb_segs = 1;
	m->data_len = (uint16_t)(len + s->pad);
	m->pkt_len = len + s->pad;
	rte_mbuf_refcnt_set(m, 1);
	p = rte_pktmbuf_mtod(m, uint8_t *);
	eth = (struct rte_ether_hdr *)p;
	memset(&eth->dst_addr, 0x02, RTE_ETHER_ADDR_LEN);
	memset(&eth->src_addr, 0x04, RTE_ETHER_ADDR_LEN);
	eth->ether_type = rte_cpu_to_be_16(s->ipv6 ? RTE_ETHER_TYPE_IPV6 :
					   RTE_ETHER_TYPE_IPV4);
	if (s->ipv6) {
		struct rte_ipv6_hdr *ip6 = (void *)(p + ETH_LEN);

		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28);
		ip6->payload_len = rte_cpu_to_be_16(l4 + s->payload);
		ip6->proto = proto;
		ip6->hop_limits = 64;
		/* uint8_t[16] before DPDK 24.11, struct rte_ipv6_addr since */
		uint8_t *src = (uint8_t *)&ip6->src_addr;
		uint8_t *dst = (uint8_t *)&ip6->dst_addr;

		memset(src, 0xfd, 16);
		memset(dst, 0xfd, 16);
		src[15] = 2;
		dst[15] = 1;
	} else {
		struct rte_ipv4_hdr *ip4 = (void *)(p + ETH_LEN);

		ip4->version_ihl = 0x40 | (l3 / 4);
		ip4->total_length = rte_cpu_to_be_16(l3 + l4 + s->payload);
		ip4->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		ip4->time_to_live = 64;
		ip4->next_proto_id = proto;
		ip4->src_addr = rte_cpu_to_be_32(0xc0000202);
		ip4->dst_addr = rte_cpu_to_be_32(0xc0000201);
		ip4->hdr_checksum = rte_ipv4_cksum(ip4);
	}
	if (proto == IPPROTO_TCP) {
		struct rte_tcp_hdr *th = (void *)(p + ETH_LEN + l3);

		th->src_port = rte_cpu_to_be_16(s->sport);
		th->dst_port = rte_cpu_to_be_16(5001);
		th->sent_seq = rte_cpu_to_be_32(s->seq);
		th->recv_ack = rte_cpu_to_be_32(1);
		th->data_off = (TCP_LEN / 4) << 4;
		th->tcp_flags = s->flags ? s->flags : RTE_TCP_ACK_FLAG;
		th->rx_win = rte_cpu_to_be_16(512);
	} else {
		struct rte_udp_hdr *uh = (void *)(p + ETH_LEN + l3);

		uh->src_port = rte_cpu_to_be_16(s->sport);
		uh->dst_port = rte_cpu_to_be_16(53);
		uh->dgram_len = rte_cpu_to_be_16(l4 + s->payload);
	}
	for (k = 0; k < s->payload; k++)
		p[ETH_LEN + l3 + l4 + k] = payload_byte(s->sport, s->seq + k);
	return m;
}

static uint32_t
seq_of(const struct rte_mbuf *m, uint32_t l3)
{
	const struct rte_tcp_hdr *th = rte_pktmbuf_mtod_offset(m,
		const struct rte_tcp_hdr *, ETH_LEN + l3);

	return rte_be_to_cpu_32(th->sent_seq);
}

/* The TCP payload of frame @m, read across its segments, is the flow's
 * bytes from @seq on, @len of them.
 */
static void
check_payload(const struct rte_mbuf *m, uint32_t hdrs, uint16_t sport,
	      uint32_t seq, uint32_t len)
{
	const struct rte_mbuf *s;
	uint32_t off = hdrs, n = 0, k;

	for (s = m; s != NULL; s = s->next, off = 0) {
		const uint8_t *d = rte_pktmbuf_mtod(s, const uint8_t *);

		for (k = off; k < s->data_len; k++, n++)
			assert_int_equal(d[k], payload_byte(sport, seq + n));
	}
	assert_int_equal(n, len);
}

/* Eight full segments of one IPv4 flow: one GSO frame, and its header. */
static void
test_ipv4_one_flow(void **state)
{
	struct rte_mbuf *pkts[NPKT], *out[NPKT];
	struct virtio_net_hdr_mrg_rxbuf h;
	const uint32_t hdrs = ETH_LEN + IP4_LEN + TCP_LEN;
	uint16_t cnt[NPKT], n, i;
	uint32_t bytes[NPKT];
	struct rte_ipv4_hdr *ip4;
	struct rte_tcp_hdr *th;
	struct rte_mbuf *m;

	(void)state;
	for (i = 0; i < 8; i++)
		pkts[i] = build(i, &(struct seg){ .sport = 40000,
				.seq = 1000 + i * MSS, .payload = MSS });
	n = vxpath_coalesce_burst(pkts, 8, out, cnt, bytes,
				  vxpath_coalesce_gro_types());
	assert_int_equal(n, 1);
	m = out[0];
	assert_ptr_equal(m, &mb[0]);
	assert_int_equal(cnt[0], 8);
	assert_int_equal(bytes[0], 8 * (hdrs + MSS));
	assert_int_equal(m->nb_segs, 8);
	assert_int_equal(m->pkt_len, hdrs + 8 * MSS);
	assert_int_equal(m->tso_segsz, MSS);
	assert_true(m->ol_flags & RTE_MBUF_F_TX_TCP_SEG);
	assert_true(m->ol_flags & RTE_MBUF_F_TX_IPV4);
	check_payload(m, hdrs, 40000, 1000, 8 * MSS);

	/* The header vxpath_tx_hdr_fill() makes of it (5.1.6.2). */
	assert_int_equal(vxpath_tx_hdr_fill(&h, m, TX_FEATURES), 0);
	assert_int_equal(h.hdr.gso_type, VIRTIO_NET_HDR_GSO_TCPV4);
	assert_int_equal(h.hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(h.hdr.gso_size, MSS);
	assert_int_equal(h.hdr.csum_start, ETH_LEN + IP4_LEN);
	assert_int_equal(h.hdr.csum_offset,
			 offsetof(struct rte_tcp_hdr, cksum));
	assert_int_equal(h.hdr.hdr_len, hdrs);
	/* The IPv4 header: the whole frame's length, a valid checksum. */
	ip4 = rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *, ETH_LEN);
	assert_int_equal(rte_be_to_cpu_16(ip4->total_length),
			 IP4_LEN + TCP_LEN + 8 * MSS);
	assert_int_equal(rte_ipv4_cksum(ip4), 0);
	/* The TCP checksum field: the pseudo-header sum with the L4 length
	 * (5.1.6.2.1), here rte_ipv4_phdr_cksum() without the TSO flag.
	 */
	th = rte_pktmbuf_mtod_offset(m, struct rte_tcp_hdr *, ETH_LEN + IP4_LEN);
	assert_int_equal(th->cksum, rte_ipv4_phdr_cksum(ip4, 0));
}

/* A PSH segment in the middle stays alone and in its place. */
static void
test_order_kept(void **state)
{
	struct rte_mbuf *pkts[NPKT], *out[NPKT];
	uint16_t cnt[NPKT], n, i;
	uint32_t bytes[NPKT];

	(void)state;
	for (i = 0; i < 6; i++)
		pkts[i] = build(i, &(struct seg){ .sport = 40001,
				.seq = 1 + i * MSS, .payload = MSS,
				.flags = i == 3 ? RTE_TCP_ACK_FLAG |
				RTE_TCP_PSH_FLAG : 0 });
	/* @out may be @pkts. */
	memcpy(out, pkts, sizeof(out));
	n = vxpath_coalesce_burst(out, 6, out, cnt, bytes,
				  vxpath_coalesce_gro_types());
	assert_int_equal(n, 3);
	assert_int_equal(cnt[0], 3);
	assert_int_equal(cnt[1], 1);
	assert_int_equal(cnt[2], 2);
	assert_int_equal(seq_of(out[0], IP4_LEN), 1);
	assert_int_equal(seq_of(out[1], IP4_LEN), 1 + 3 * MSS);
	assert_int_equal(seq_of(out[2], IP4_LEN), 1 + 4 * MSS);
	/* The PSH segment went as it came: no offload asked. */
	assert_ptr_equal(out[1], &mb[3]);
	assert_int_equal(out[1]->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK, 0);
	assert_int_equal(bytes[1], out[1]->pkt_len);
	check_payload(out[2], ETH_LEN + IP4_LEN + TCP_LEN, 40001,
		      1 + 4 * MSS, 2 * MSS);
}

/* Two interleaved flows: one frame each, each in its order; a UDP packet
 * ends the run and passes unchanged; a short last segment keeps the MSS.
 */
static void
test_two_flows(void **state)
{
	struct rte_mbuf *pkts[NPKT], *out[NPKT];
	uint16_t cnt[NPKT], n, i;
	uint32_t bytes[NPKT];

	(void)state;
	for (i = 0; i < 6; i++)
		pkts[i] = build(i, &(struct seg){ .sport = 41000 + (i & 1),
				.seq = 5000 + (i / 2) * MSS,
				.payload = i >= 4 ? 100 : MSS });
	pkts[6] = build(6, &(struct seg){ .sport = 53, .proto = IPPROTO_UDP,
					 .payload = 30 });
	n = vxpath_coalesce_burst(pkts, 7, out, cnt, bytes,
				  vxpath_coalesce_gro_types());
	assert_int_equal(n, 3);
	for (i = 0; i < 2; i++) {
		assert_int_equal(cnt[i], 3);
		assert_int_equal(out[i]->tso_segsz, MSS);
		assert_int_equal(out[i]->pkt_len,
				 ETH_LEN + IP4_LEN + TCP_LEN + 2 * MSS + 100);
		check_payload(out[i], ETH_LEN + IP4_LEN + TCP_LEN,
			      rte_be_to_cpu_16(rte_pktmbuf_mtod_offset(out[i],
				struct rte_tcp_hdr *, ETH_LEN + IP4_LEN)->src_port),
			      5000, 2 * MSS + 100);
	}
	assert_ptr_equal(out[2], &mb[6]);
	assert_int_equal(cnt[2], 1);
}

/* What is not a candidate. */
static void
test_candidates(void **state)
{
	const uint64_t t = vxpath_coalesce_gro_types();
	struct rte_mbuf *m;

	(void)state;
	m = build(0, &(struct seg){ .sport = 1, .payload = 10 });
	assert_true(vxpath_coalesce_candidate(m, t));
	assert_int_equal(m->l2_len, ETH_LEN);
	assert_int_equal(m->l3_len, IP4_LEN);
	assert_int_equal(m->l4_len, TCP_LEN);
	/* no payload, SYN, FIN, PSH */
	assert_false(vxpath_coalesce_candidate(build(0, &(struct seg){
		.sport = 1 }), t));
	assert_false(vxpath_coalesce_candidate(build(0, &(struct seg){
		.sport = 1, .payload = 10, .flags = RTE_TCP_SYN_FLAG }), t));
	assert_false(vxpath_coalesce_candidate(build(0, &(struct seg){
		.sport = 1, .payload = 10,
		.flags = RTE_TCP_ACK_FLAG | RTE_TCP_FIN_FLAG }), t));
	/* IPv4 options, Ethernet padding, UDP */
	assert_false(vxpath_coalesce_candidate(build(0, &(struct seg){
		.sport = 1, .payload = 10, .ip4_opt = 4 }), t));
	assert_false(vxpath_coalesce_candidate(build(0, &(struct seg){
		.sport = 1, .payload = 1, .pad = 5 }), t));
	assert_false(vxpath_coalesce_candidate(build(0, &(struct seg){
		.sport = 1, .payload = 10, .proto = IPPROTO_UDP }), t));
	/* shared, or asking for an offload the merge would lose */
	m = build(0, &(struct seg){ .sport = 1, .payload = 10 });
	rte_mbuf_refcnt_set(m, 2);
	assert_false(vxpath_coalesce_candidate(m, t));
	m = build(0, &(struct seg){ .sport = 1, .payload = 10 });
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_SEG;
	assert_false(vxpath_coalesce_candidate(m, t));
	m->ol_flags = RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_TCP_CKSUM;
	assert_true(vxpath_coalesce_candidate(m, t));
	m->ol_flags = RTE_MBUF_F_TX_IPV6 | RTE_MBUF_F_TX_TCP_CKSUM;
	assert_false(vxpath_coalesce_candidate(m, t));
}

/* IPv6: one GSO_TCPV6 frame where DPDK's GRO merges TCP/IPv6, else every
 * packet unchanged.
 */
static void
test_ipv6(void **state)
{
	struct rte_mbuf *pkts[NPKT], *out[NPKT];
	struct virtio_net_hdr_mrg_rxbuf h;
	const uint32_t hdrs = ETH_LEN + IP6_LEN + TCP_LEN;
	uint16_t cnt[NPKT], n, i;
	uint32_t bytes[NPKT];

	(void)state;
	for (i = 0; i < 4; i++)
		pkts[i] = build(i, &(struct seg){ .ipv6 = 1, .sport = 42000,
				.seq = 77 + i * MSS, .payload = MSS });
	n = vxpath_coalesce_burst(pkts, 4, out, cnt, bytes,
				  vxpath_coalesce_gro_types());
#ifdef RTE_GRO_TCP_IPV6
	struct rte_ipv6_hdr *ip6;

	assert_int_equal(n, 1);
	assert_int_equal(cnt[0], 4);
	assert_int_equal(bytes[0], 4 * (hdrs + MSS));
	ip6 = rte_pktmbuf_mtod_offset(out[0], struct rte_ipv6_hdr *, ETH_LEN);
	assert_int_equal(rte_be_to_cpu_16(ip6->payload_len),
			 TCP_LEN + 4 * MSS);
	assert_int_equal(vxpath_tx_hdr_fill(&h, out[0], TX_FEATURES), 0);
	assert_int_equal(h.hdr.gso_type, VIRTIO_NET_HDR_GSO_TCPV6);
	assert_int_equal(h.hdr.flags, VIRTIO_NET_HDR_F_NEEDS_CSUM);
	assert_int_equal(h.hdr.gso_size, MSS);
	assert_int_equal(h.hdr.csum_start, ETH_LEN + IP6_LEN);
	assert_int_equal(h.hdr.csum_offset,
			 offsetof(struct rte_tcp_hdr, cksum));
	assert_int_equal(h.hdr.hdr_len, hdrs);
	check_payload(out[0], hdrs, 42000, 77, 4 * MSS);
#else
	assert_int_equal(n, 4);
	for (i = 0; i < 4; i++) {
		assert_ptr_equal(out[i], &mb[i]);
		assert_int_equal(cnt[i], 1);
		assert_int_equal(bytes[i], hdrs + MSS);
		assert_int_equal(out[i]->nb_segs, 1);
	}
	/* Unchanged: an all-zero header. */
	assert_int_equal(vxpath_tx_hdr_fill(&h, out[0], TX_FEATURES), 0);
	assert_int_equal(h.hdr.gso_type, VIRTIO_NET_HDR_GSO_NONE);
	assert_int_equal(h.hdr.flags, 0);
#endif
}

/* More than VXPATH_COALESCE_RUN segments of one flow: no frame has more
 * segments than that (the Tx burst's descriptor limit).
 */
static void
test_run_limit(void **state)
{
	static struct rte_mbuf big[VXPATH_COALESCE_RUN + 3];
	static uint8_t bigbuf[VXPATH_COALESCE_RUN + 3][RTE_PKTMBUF_HEADROOM + 128];
	struct rte_mbuf *pkts[VXPATH_COALESCE_RUN + 3];
	struct rte_mbuf *out[VXPATH_COALESCE_RUN + 3];
	uint16_t cnt[VXPATH_COALESCE_RUN + 3], n, i, total = 0;
	uint32_t bytes[VXPATH_COALESCE_RUN + 3];
	const uint16_t np = VXPATH_COALESCE_RUN + 3;

	(void)state;
	for (i = 0; i < np; i++) {
		struct rte_mbuf *m = build(0, &(struct seg){ .sport = 43000,
				.seq = 9 + i * 10u, .payload = 10 });

		big[i] = *m;
		memcpy(bigbuf[i], buf[0], sizeof(bigbuf[i]));
		big[i].buf_addr = bigbuf[i];
		big[i].buf_len = sizeof(bigbuf[i]);
		pkts[i] = &big[i];
	}
	uint32_t seq = 9;
	bool run_edge = false;

	n = vxpath_coalesce_burst(pkts, np, out, cnt, bytes,
				  vxpath_coalesce_gro_types());
	/* 22.11's GRO makes 2 frames (63 + 3); later releases cap a merged
	 * packet at fewer segments (24.11: 20), so more frames: in the
	 * flow's order either way, none across the run's edge.
	 */
	assert_true(n >= 2);
	for (i = 0; i < n; i++) {
		assert_true(out[i]->nb_segs <= VXPATH_COALESCE_RUN);
		assert_int_equal(out[i]->nb_segs, cnt[i]);
		assert_int_equal(seq_of(out[i], IP4_LEN), seq);
		if (cnt[i] > 1)
			assert_int_equal(out[i]->tso_segsz, 10);
		if (seq == 9 + VXPATH_COALESCE_RUN * 10u)
			run_edge = true;
		seq += cnt[i] * 10u;
		total += cnt[i];
	}
	assert_int_equal(total, np);
	assert_true(run_edge);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_one_flow),
		cmocka_unit_test(test_order_kept),
		cmocka_unit_test(test_two_flows),
		cmocka_unit_test(test_candidates),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_run_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
