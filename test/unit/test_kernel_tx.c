/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Unit tests of vxpath-gateway's kernel Tx (app/vxpath-gateway/kernel_tx.h)
 * against its contract, with frames built here as a twin hands them over
 * (a chain of mbufs, RTE_MBUF_F_RX_LRO with the kernel's MSS in tso_segsz,
 * RTE_MBUF_F_RX_L4_CKSUM_NONE with the pseudo-header sum in the L4
 * checksum) and what leaves read back byte by byte:
 * - a TCP/IPv6 frame of 64000 bytes of payload cut here, a TCP/IPv4 one
 *   cut by rte_gso: segments within the MTU, IP lengths, IPv4 IDs one
 *   apart, TCP sequence numbers one MSS apart, FIN and PSH on the last
 *   segment only and CWR on the first only (RFC 9293 3.1, RFC 3168
 *   6.1.2, as the kernel's own GSO does), IPv4 header and TCP checksums
 *   verified with a one's-complement sum of this file's own (RFC 1071),
 *   the payload put back together equal to what was sent;
 * - the same frames left whole for a NIC with TSO: RTE_MBUF_F_TX_TCP_SEG,
 *   tso_segsz, l2/l3/l4_len, the pseudo-header sum without the length;
 *   counted sent, or Tx full, in packets on the wire (its segments);
 * - partial checksums of small TCP and UDP packets, IPv4 and IPv6,
 *   completed;
 * - a small MSS of the kernel's (536, and 88, the least Linux sends):
 *   more segments than GW_KTX_MAX_SEGS, all of them made and checked as
 *   above, over IPv4 and IPv6;
 * - frames dropped (malformed, oversize), a Tx queue that takes no more
 *   (within a batch of GW_KTX_MAX_SEGS segments and across batches) and
 *   a pool that runs dry in the middle of a frame, each counted by
 *   reason; no mbuf leaked in any test.
 * The NIC is a ring port (librte_net_ring) whose Tx ring the tests read.
 * EAL runs without hugepages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <rte_byteorder.h>
#include <rte_eal.h>
#include <rte_eth_ring.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_ring.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "gw.h"
#include "kernel_tx.h"

#define MTU		1500	/* the NIC port's, bytes of L3 */
#define BIG_PAYLOAD	64000	/* TCP payload of a kernel frame, bytes */
#define TCP_HLEN	32	/* TCP header with NOP, NOP, timestamps */
#define CHUNK		2000	/* bytes of frame per twin mbuf */
#define MAX_FRAME	(RTE_ETHER_HDR_LEN + 40 + TCP_HLEN + BIG_PAYLOAD)
#define NB_MBUFS	4095
#define TX_RING		1024	/* slots of the NIC's Tx ring */
#define MIN_MSS		88	/* Linux's TCP_MIN_SND_MSS, bytes */
/* Most segments of one big frame: at the smallest MSS. */
#define MAX_CUT		((BIG_PAYLOAD + MIN_MSS - 1) / MIN_MSS)
#define SEQ0		0xfffff000u	/* wraps within the frame */
#define IP_ID0		0xfff0	/* wraps too */

/* TCP flags of the big frames: all that segmentation treats apart. */
#define BIG_FLAGS	(RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG | \
			 RTE_TCP_FIN_FLAG | RTE_TCP_CWR_FLAG | \
			 RTE_TCP_ECE_FLAG)

/* Tx offload requests that must not be left on a packet sent as it is. */
#define TX_OFFLOADS	(RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_L4_MASK | \
			 RTE_MBUF_F_TX_IP_CKSUM)

static struct rte_mempool *pool;
static struct rte_ring *tx_ring;	/* what the NIC port sent */
static struct gw_port port;
static struct gw_counters cnt;
static unsigned int avail_before;	/* mbufs free in the pool at setup */

/* The frame last built, flat, and what the tests read back. */
static uint8_t ref[MAX_FRAME];
static uint8_t out[MAX_FRAME];

static const uint8_t src6[16] = { 0xfd, 0x01, [15] = 2 };
static const uint8_t dst6[16] = { 0xfd, 0x02, [15] = 2 };

/* Byte @i of every payload: not periodic over 256, so a chunk taken from
 * the wrong offset does not match. */
static uint8_t
pattern(uint32_t i)
{
	return (uint8_t)((i * 7) ^ (i >> 8) ^ (i >> 16));
}

/* One's-complement sum of @len bytes as big-endian 16-bit words, added to
 * @sum (RFC 1071); a trailing odd byte is the high half of a word. */
static uint32_t
sum16(const uint8_t *p, size_t len, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* The pseudo-header sum of the L3 header at @l3 (IPv4 or IPv6, @v6) for
 * protocol @proto, with @l4_len (0: left out, as for TSO). */
static uint32_t
phdr_sum(const uint8_t *l3, bool v6, uint8_t proto, uint32_t l4_len)
{
	uint32_t s = proto + (l4_len >> 16) + (l4_len & 0xffff);

	return v6 ? sum16(l3 + 8, 32, s) : sum16(l3 + 12, 8, s);
}

/* Whether the L4 checksum of the flat packet @f is right: pseudo-header
 * and segment sum to all ones. */
static bool
l4_csum_ok(const uint8_t *f, bool v6, uint32_t l3_len, uint8_t proto,
	   uint32_t l4_len)
{
	const uint8_t *l3 = f + RTE_ETHER_HDR_LEN;

	return fold(sum16(l3 + l3_len, l4_len,
			  phdr_sum(l3, v6, proto, l4_len))) == 0xffff;
}

/* @m flat into @buf (pkt_len bytes). */
static void
flatten(const struct rte_mbuf *m, uint8_t *buf)
{
	const void *p = rte_pktmbuf_read(m, 0, m->pkt_len, buf);

	assert_non_null(p);
	if (p != buf)
		memcpy(buf, p, m->pkt_len);
}

/* A chain of mbufs holding the @len bytes of @f, CHUNK bytes (or what
 * the first leaves after @first) each, as a twin's mergeable buffers. */
static struct rte_mbuf *
chain(const uint8_t *f, uint32_t len, uint32_t first)
{
	struct rte_mbuf *head = NULL;
	uint32_t off = 0;

	while (off < len) {
		uint32_t n = RTE_MIN(off == 0 ? first : CHUNK, len - off);
		struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
		char *d;

		assert_non_null(m);
		d = rte_pktmbuf_append(m, (uint16_t)n);
		assert_non_null(d);
		memcpy(d, f + off, n);
		if (head == NULL)
			head = m;
		else
			assert_int_equal(rte_pktmbuf_chain(head, m), 0);
		off += n;
	}
	return head;
}

/* Ethernet header of every frame into @f, ethertype @type. */
static void
eth(uint8_t *f, uint16_t type)
{
	static const uint8_t macs[12] = { 0x02, 0, 0, 0, 0, 0x02,
					  0x02, 0, 0, 0, 0, 0x01 };

	memcpy(f, macs, sizeof(macs));
	f[12] = type >> 8;
	f[13] = type & 0xff;
}

/* IPv4 or IPv6 header at @l3 for @l4_len bytes of @proto; the IPv4
 * header checksum valid. Returns the header's length. */
static uint32_t
ip(uint8_t *l3, bool v6, uint8_t proto, uint32_t l4_len)
{
	if (v6) {
		struct rte_ipv6_hdr *h = (struct rte_ipv6_hdr *)l3;

		memset(h, 0, sizeof(*h));
		/* version 6, traffic class 0x2e, flow label 0x12345 */
		h->vtc_flow = rte_cpu_to_be_32(6u << 28 | 0x2eu << 20 |
					       0x12345);
		h->payload_len = rte_cpu_to_be_16((uint16_t)l4_len);
		h->proto = proto;
		h->hop_limits = 64;
		memcpy(l3 + 8, src6, 16);
		memcpy(l3 + 24, dst6, 16);
		return sizeof(*h);
	} else {
		struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)l3;

		memset(h, 0, sizeof(*h));
		h->version_ihl = 0x45;
		h->type_of_service = 0x02;	/* ECT(0) */
		h->total_length = rte_cpu_to_be_16((uint16_t)(20 + l4_len));
		h->packet_id = rte_cpu_to_be_16(IP_ID0);
		h->fragment_offset = rte_cpu_to_be_16(RTE_IPV4_HDR_DF_FLAG);
		h->time_to_live = 64;
		h->next_proto_id = proto;
		h->src_addr = rte_cpu_to_be_32(0x0a010002);
		h->dst_addr = rte_cpu_to_be_32(0x0a020002);
		h->hdr_checksum = rte_cpu_to_be_16(~fold(sum16(l3, 20, 0)) &
						   0xffff);
		return sizeof(*h);
	}
}

/*
 * A TCP frame as the kernel sends it on a twin, flat in ref[] and as a
 * chain: @payload bytes of pattern(), TCP flags @flags, timestamps
 * option, the TCP checksum holding the pseudo-header sum (a partial
 * checksum, RTE_MBUF_F_RX_L4_CKSUM_NONE); with @lro, RTE_MBUF_F_RX_LRO
 * and @kernel_mss in tso_segsz. Returns the chain; *@hlen the headers'
 * length in bytes.
 */
static struct rte_mbuf *
tcp_frame(bool v6, uint32_t payload, uint8_t flags, bool lro,
	  uint16_t kernel_mss, uint32_t *hlen)
{
	static const uint8_t opts[12] = { 1, 1, 8, 10, 0, 0, 0x12, 0x34,
					  0, 0, 0x56, 0x78 };
	uint8_t *l3 = ref + RTE_ETHER_HDR_LEN, *l4;
	struct rte_tcp_hdr *tcp;
	struct rte_mbuf *m;
	uint32_t l3_len, i;

	eth(ref, v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
	l3_len = ip(l3, v6, IPPROTO_TCP, TCP_HLEN + payload);
	l4 = l3 + l3_len;
	tcp = (struct rte_tcp_hdr *)l4;
	memset(tcp, 0, sizeof(*tcp));
	tcp->src_port = rte_cpu_to_be_16(40000);
	tcp->dst_port = rte_cpu_to_be_16(5201);
	tcp->sent_seq = rte_cpu_to_be_32(SEQ0);
	tcp->recv_ack = rte_cpu_to_be_32(0x01020304);
	tcp->data_off = (TCP_HLEN / 4) << 4;
	tcp->tcp_flags = flags;
	tcp->rx_win = rte_cpu_to_be_16(0x2000);
	memcpy(l4 + sizeof(*tcp), opts, sizeof(opts));
	for (i = 0; i < payload; i++)
		l4[TCP_HLEN + i] = pattern(i);
	tcp->cksum = rte_cpu_to_be_16(fold(phdr_sum(l3, v6, IPPROTO_TCP,
						    TCP_HLEN + payload)));
	*hlen = RTE_ETHER_HDR_LEN + l3_len + TCP_HLEN;
	/* the first mbuf holds the headers and some payload */
	m = chain(ref, *hlen + payload, 1000);
	m->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE |
		      (lro ? RTE_MBUF_F_RX_LRO : 0);
	m->tso_segsz = lro ? kernel_mss : 0;
	return m;
}

/* The packets the NIC port sent, at most @max, into @pkts. */
static unsigned int
sent(struct rte_mbuf **pkts, unsigned int max)
{
	return rte_ring_dequeue_burst(tx_ring, (void **)pkts, max, NULL);
}

static void
free_all(struct rte_mbuf **pkts, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
}

/* Every mbuf back in the pool: nothing leaked, nothing freed twice. */
static void
assert_no_leak(void)
{
	assert_int_equal(rte_ring_count(tx_ring), 0);
	assert_int_equal(rte_mempool_avail_count(pool), avail_before);
}

static void
assert_no_drop(void)
{
	unsigned int r;

	for (r = 0; r < GW_DROP_MAX; r++)
		assert_int_equal(cnt.drop[r], 0);
}

/*
 * Check @n segments @segs, the cut of the frame in ref[] (@hlen bytes of
 * headers, @payload of payload, TCP flags @flags) in segments of @mss
 * bytes of payload: each one a whole packet of its own with the headers
 * of the frame but its own lengths, IPv4 ID, sequence number, flags and
 * checksums; the payloads, one after the other, the frame's.
 */
static void
check_cut(struct rte_mbuf **segs, unsigned int n, bool v6, uint32_t hlen,
	  uint32_t payload, uint16_t mss, uint8_t flags)
{
	uint32_t l3_len = v6 ? 40 : 20, off = 0, i;

	assert_int_equal(n, (payload + mss - 1) / mss);
	for (i = 0; i < n; i++) {
		const uint8_t *rl3 = ref + RTE_ETHER_HDR_LEN;
		const uint8_t *l3 = out + RTE_ETHER_HDR_LEN;
		const struct rte_tcp_hdr *tcp =
			(const void *)(l3 + l3_len);
		const struct rte_tcp_hdr *rtcp =
			(const void *)(rl3 + l3_len);
		uint32_t len = segs[i]->pkt_len, chunk, j;
		uint8_t want = flags;

		assert_true(len <= MTU + RTE_ETHER_HDR_LEN);
		assert_true(len > hlen);
		chunk = len - hlen;
		assert_int_equal(chunk, RTE_MIN((uint32_t)mss, payload - off));
		assert_int_equal(segs[i]->ol_flags & TX_OFFLOADS, 0);
		flatten(segs[i], out);

		/* Ethernet as it was */
		assert_memory_equal(out, ref, RTE_ETHER_HDR_LEN);
		if (v6) {
			/* one mbuf each (kernel_tx.c's own cut) */
			assert_int_equal(segs[i]->nb_segs, 1);
			/* version, class, flow label as they were */
			assert_memory_equal(l3, rl3, 4);
			assert_int_equal((l3[4] << 8) | l3[5],
					 TCP_HLEN + chunk);
			/* next header, hop limit, addresses */
			assert_memory_equal(l3 + 6, rl3 + 6, 34);
		} else {
			assert_int_equal(l3[0], 0x45);
			assert_int_equal(l3[1], rl3[1]);
			assert_int_equal((l3[2] << 8) | l3[3], len -
					 RTE_ETHER_HDR_LEN);
			assert_int_equal((l3[4] << 8) | l3[5],
					 (IP_ID0 + i) & 0xffff);
			/* DF, TTL, protocol as they were */
			assert_memory_equal(l3 + 6, rl3 + 6, 4);
			assert_memory_equal(l3 + 12, rl3 + 12, 8);
			assert_int_equal(fold(sum16(l3, 20, 0)), 0xffff);
		}
		/* ports, ack, data offset, window, urgent, options */
		assert_memory_equal(&tcp->src_port, &rtcp->src_port, 4);
		assert_memory_equal(&tcp->recv_ack, &rtcp->recv_ack, 5);
		assert_memory_equal(&tcp->rx_win, &rtcp->rx_win, 2);
		assert_memory_equal(&tcp->tcp_urp, &rtcp->tcp_urp, 2);
		assert_memory_equal(tcp + 1, rtcp + 1,
				    TCP_HLEN - sizeof(*tcp));
		assert_int_equal(rte_be_to_cpu_32(tcp->sent_seq),
				 (uint32_t)(SEQ0 + off));
		if (i + 1 < n)
			want &= ~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
		if (i != 0)
			want &= ~RTE_TCP_CWR_FLAG;
		assert_int_equal(tcp->tcp_flags, want);
		assert_true(l4_csum_ok(out, v6, l3_len, IPPROTO_TCP,
				       TCP_HLEN + chunk));
		for (j = 0; j < chunk; j++)
			if (out[hlen + j] != pattern(off + j))
				fail_msg("segment %u: payload byte %u", i, j);
		off += chunk;
	}
	assert_int_equal(off, payload);
}

/* Send a frame of @payload bytes (IPv4 or IPv6, @kernel_mss with @lro)
 * through a port without TSO and check its cut in segments of @mss
 * bytes. */
static void
cut_frame(bool v6, uint32_t payload, bool lro, uint16_t kernel_mss,
	  uint16_t mss)
{
	struct rte_mbuf *m, *segs[MAX_CUT + 1];
	uint32_t hlen;
	unsigned int n;

	m = tcp_frame(v6, payload, BIG_FLAGS, lro, kernel_mss, &hlen);
	gw_ktx_send(&port, 0, &m, 1, &cnt);
	n = sent(segs, RTE_DIM(segs));
	check_cut(segs, n, v6, hlen, payload, mss, BIG_FLAGS);
	assert_int_equal(cnt.from_kernel, n);
	assert_int_equal(cnt.kernel_gso_frames, 1);
	assert_int_equal(cnt.kernel_gso_segments, n);
	assert_no_drop();
	free_all(segs, n);
	assert_no_leak();
}

/* The big frame, as cut_frame(). */
static void
cut(bool v6, bool lro, uint16_t kernel_mss, uint16_t mss)
{
	cut_frame(v6, BIG_PAYLOAD, lro, kernel_mss, mss);
}

/* TCP/IPv6, cut here: the MSS the MTU leaves (1500 - 40 - 32), which is
 * also the kernel's. 45 segments. */
static void
test_cut_ipv6(void **state)
{
	(void)state;
	cut(true, true, MTU - 40 - TCP_HLEN, MTU - 40 - TCP_HLEN);
}

/* The kernel's MSS when it is the smaller one (its peer's, say); the
 * MTU's when tso_segsz is not the kernel's (no RTE_MBUF_F_RX_LRO) or
 * larger. */
static void
test_cut_ipv6_kernel_mss(void **state)
{
	(void)state;
	cut(true, true, 1200, 1200);
	memset(&cnt, 0, sizeof(cnt));
	cut(true, false, 1200, MTU - 40 - TCP_HLEN);
	memset(&cnt, 0, sizeof(cnt));
	cut(true, true, 8000, MTU - 40 - TCP_HLEN);
}

/* TCP/IPv4, cut by rte_gso (segments of two chained mbufs), headers and
 * checksums completed by kernel_tx.c. 45 segments. */
static void
test_cut_ipv4(void **state)
{
	(void)state;
	cut(false, true, MTU - 20 - TCP_HLEN, MTU - 20 - TCP_HLEN);
	memset(&cnt, 0, sizeof(cnt));
	cut(false, true, 1000, 1000);
}

/* A small MSS of the kernel's (its peer's): more segments than
 * GW_KTX_MAX_SEGS, all of them made and sent, in order. MSS 536 (IPv4's
 * default, RFC 9293 3.7.1): 120 segments; MSS 88 (the least Linux
 * sends): 728. */
static void
test_cut_small_mss_ipv4(void **state)
{
	(void)state;
	cut(false, true, 536, 536);
	memset(&cnt, 0, sizeof(cnt));
	cut(false, true, MIN_MSS, MIN_MSS);
	/* a frame of fewer segments than GW_KTX_MAX_SEGS at MSS 88 */
	memset(&cnt, 0, sizeof(cnt));
	cut_frame(false, 3000, true, MIN_MSS, MIN_MSS);
}

static void
test_cut_small_mss_ipv6(void **state)
{
	(void)state;
	cut(true, true, 536, 536);
	memset(&cnt, 0, sizeof(cnt));
	cut(true, true, MIN_MSS, MIN_MSS);
}

/* With the NIC's TSO the frame leaves whole, asking for the cut. */
static void
tso(bool v6)
{
	uint16_t mss = MTU - (v6 ? 40 : 20) - TCP_HLEN;
	const uint8_t *l3 = out + RTE_ETHER_HDR_LEN;
	const struct rte_tcp_hdr *tcp;
	struct rte_mbuf *m, *pkts[2];
	uint32_t hlen, len;

	port.nic_tso = true;
	m = tcp_frame(v6, BIG_PAYLOAD, BIG_FLAGS, true, mss, &hlen);
	len = m->pkt_len;
	gw_ktx_send(&port, 0, &m, 1, &cnt);
	assert_int_equal(sent(pkts, RTE_DIM(pkts)), 1);
	m = pkts[0];
	assert_int_equal(m->pkt_len, len);
	assert_int_equal(m->tso_segsz, mss);
	assert_int_equal(m->l2_len, RTE_ETHER_HDR_LEN);
	assert_int_equal(m->l3_len, v6 ? 40 : 20);
	assert_int_equal(m->l4_len, TCP_HLEN);
	if (v6)
		assert_int_equal(m->ol_flags, RTE_MBUF_F_TX_TCP_SEG |
				 RTE_MBUF_F_TX_IPV6);
	else
		assert_int_equal(m->ol_flags, RTE_MBUF_F_TX_TCP_SEG |
				 RTE_MBUF_F_TX_IPV4 | RTE_MBUF_F_TX_IP_CKSUM);
	flatten(m, out);
	tcp = (const void *)(l3 + m->l3_len);
	/* the TSO contract: the pseudo-header sum without the length in
	 * the TCP checksum; the IPv4 header checksum left to the NIC */
	assert_int_equal(rte_be_to_cpu_16(tcp->cksum),
			 fold(phdr_sum(l3, v6, IPPROTO_TCP, 0)));
	if (!v6)
		assert_int_equal(((const struct rte_ipv4_hdr *)l3)
				 ->hdr_checksum, 0);
	/* everything else as the kernel sent it */
	memcpy(out + hlen - TCP_HLEN + 16, ref + hlen - TCP_HLEN + 16, 2);
	if (!v6)
		memcpy(out + RTE_ETHER_HDR_LEN + 10,
		       ref + RTE_ETHER_HDR_LEN + 10, 2);
	assert_memory_equal(out, ref, len);
	/* packets on the wire, as when the gateway cuts the frame */
	assert_int_equal(cnt.from_kernel, (BIG_PAYLOAD + mss - 1) / mss);
	assert_int_equal(cnt.kernel_gso_frames, 1);
	assert_int_equal(cnt.kernel_gso_segments,
			 (BIG_PAYLOAD + mss - 1) / mss);
	assert_no_drop();
	rte_pktmbuf_free(m);
	assert_no_leak();
}

static void
test_tso_ipv4(void **state)
{
	(void)state;
	tso(false);
}

static void
test_tso_ipv6(void **state)
{
	(void)state;
	tso(true);
}

/*
 * A small packet of @proto with @payload bytes into a chain, its L4
 * checksum field holding @partial's pseudo-header sum (@partial true,
 * RTE_MBUF_F_RX_L4_CKSUM_NONE) or 0x5a5a with the checksum declared
 * good. The frame flat in @f; returns the chain.
 */
static struct rte_mbuf *
small(uint8_t *f, bool v6, uint8_t proto, uint32_t payload, bool partial,
      uint32_t first)
{
	uint32_t l4_len = (proto == IPPROTO_TCP ? 20 : 8) + payload, l3_len;
	uint8_t *l3 = f + RTE_ETHER_HDR_LEN, *l4;
	uint16_t ck;
	struct rte_mbuf *m;
	uint32_t i;

	eth(f, v6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4);
	l3_len = ip(l3, v6, proto, l4_len);
	l4 = l3 + l3_len;
	memset(l4, 0, l4_len - payload);
	l4[0] = 0x9c;		/* ports 40000 -> 53 */
	l4[1] = 0x40;
	l4[3] = 53;
	if (proto == IPPROTO_TCP) {
		l4[12] = 5 << 4;
		l4[13] = RTE_TCP_ACK_FLAG | RTE_TCP_PSH_FLAG;
	} else {
		l4[4] = l4_len >> 8;
		l4[5] = l4_len & 0xff;
	}
	for (i = 0; i < payload; i++)
		l4[l4_len - payload + i] = pattern(i + 3);
	ck = partial ? fold(phdr_sum(l3, v6, proto, l4_len)) : 0x5a5a;
	l4[proto == IPPROTO_TCP ? 16 : 6] = ck >> 8;
	l4[proto == IPPROTO_TCP ? 17 : 7] = ck & 0xff;
	m = chain(f, RTE_ETHER_HDR_LEN + l3_len + l4_len, first);
	m->ol_flags = partial ? RTE_MBUF_F_RX_L4_CKSUM_NONE :
			RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	return m;
}

/* Partial checksums completed, TCP and UDP over both IP versions (one
 * of them in a chain of two mbufs); a packet whose checksum is not
 * partial left as it is; all sent in order, none cut. */
static void
test_partial_csum(void **state)
{
	static const struct {
		bool v6;
		uint8_t proto;
		uint32_t payload;
		bool partial;
		uint32_t first;	/* bytes in the first mbuf */
	} pk[] = {
		{ false, IPPROTO_TCP, 100, true, CHUNK },
		{ false, IPPROTO_UDP, 333, true, CHUNK },
		{ true, IPPROTO_TCP, 1000, true, 300 },
		{ true, IPPROTO_UDP, 1, true, CHUNK },
		{ false, IPPROTO_UDP, 50, false, CHUNK },
	};
	static uint8_t f[RTE_DIM(pk)][MTU + RTE_ETHER_HDR_LEN];
	struct rte_mbuf *m[RTE_DIM(pk)], *o[RTE_DIM(pk) + 1];
	uint32_t len[RTE_DIM(pk)];
	unsigned int i;

	(void)state;
	for (i = 0; i < RTE_DIM(pk); i++) {
		m[i] = small(f[i], pk[i].v6, pk[i].proto, pk[i].payload,
			     pk[i].partial, pk[i].first);
		len[i] = m[i]->pkt_len;
	}
	gw_ktx_send(&port, 0, m, RTE_DIM(pk), &cnt);
	assert_int_equal(sent(o, RTE_DIM(o)), RTE_DIM(pk));
	for (i = 0; i < RTE_DIM(pk); i++) {
		uint32_t l3_len = pk[i].v6 ? 40 : 20;
		uint32_t ck = RTE_ETHER_HDR_LEN + l3_len +
			      (pk[i].proto == IPPROTO_TCP ? 16 : 6);

		assert_int_equal(o[i]->pkt_len, len[i]);
		assert_int_equal(o[i]->ol_flags & TX_OFFLOADS, 0);
		flatten(o[i], out);
		if (pk[i].partial) {
			assert_true(l4_csum_ok(out, pk[i].v6, l3_len,
					       pk[i].proto, len[i] -
					       RTE_ETHER_HDR_LEN - l3_len));
			/* UDP: 0 means "no checksum", never computed */
			assert_false(pk[i].proto == IPPROTO_UDP &&
				     out[ck] == 0 && out[ck + 1] == 0);
		}
		/* only a partial checksum changed */
		if (pk[i].partial)
			memcpy(out + ck, f[i] + ck, 2);
		assert_memory_equal(out, f[i], len[i]);
	}
	assert_int_equal(cnt.from_kernel, RTE_DIM(pk));
	assert_int_equal(cnt.kernel_gso_frames, 0);
	assert_int_equal(cnt.kernel_gso_segments, 0);
	assert_no_drop();
	free_all(o, RTE_DIM(pk));
	assert_no_leak();
}

/*
 * Frames that cannot be sent, counted by reason and freed, between frames
 * that are sent in their order: a partial checksum whose TCP header is
 * cut short, a partial checksum behind a VLAN tag (malformed); a UDP
 * frame over the MTU, a frame over the MTU of another ethertype, a TCP
 * frame over the MTU whose TCP header is cut short (oversize).
 */
static void
test_drops(void **state)
{
	static uint8_t f[6][MTU + 200];
	struct rte_mbuf *m[8], *o[9];
	unsigned int n = 0, i;
	uint32_t good_len[2];

	(void)state;
	m[n++] = small(f[0], false, IPPROTO_TCP, 10, true, CHUNK);
	good_len[0] = m[0]->pkt_len;
	/* IPv4 TCP, 10 bytes of its 20-byte header */
	m[n] = small(f[1], false, IPPROTO_TCP, 0, true, CHUNK);
	rte_pktmbuf_trim(m[n++], 10);
	/* a VLAN tag before IPv4 */
	m[n] = small(f[2], false, IPPROTO_UDP, 20, true, CHUNK);
	rte_pktmbuf_mtod(m[n], uint8_t *)[12] = 0x81;
	n++;
	/* IPv6 UDP of 1600 bytes, no partial checksum */
	m[n++] = small(f[3], true, IPPROTO_UDP, 1600 - 62, false, 1000);
	/* 1600 bytes of a made-up ethertype */
	m[n] = small(f[4], false, IPPROTO_UDP, 1600 - 42, false, CHUNK);
	rte_pktmbuf_mtod(m[n], uint8_t *)[12] = 0x88;
	n++;
	m[n++] = small(f[5], true, IPPROTO_UDP, 7, true, CHUNK);
	good_len[1] = m[n - 1]->pkt_len;
	/* TCP over the MTU, the first mbuf ending inside the TCP header */
	{
		struct rte_mbuf *t;
		uint32_t hlen;

		t = tcp_frame(false, 3000, RTE_TCP_ACK_FLAG, true, 1448,
			      &hlen);
		rte_pktmbuf_free(t);
		t = chain(ref, hlen + 3000, hlen - 10);
		t->ol_flags = RTE_MBUF_F_RX_L4_CKSUM_NONE;
		m[n++] = t;
	}
	gw_ktx_send(&port, 0, m, (uint16_t)n, &cnt);
	assert_int_equal(sent(o, RTE_DIM(o)), 2);
	assert_int_equal(o[0]->pkt_len, good_len[0]);
	assert_int_equal(o[1]->pkt_len, good_len[1]);
	flatten(o[0], out);
	assert_memory_equal(out + 14 + 20 + 20, f[0] + 14 + 20 + 20, 10);
	flatten(o[1], out);
	assert_memory_equal(out + 14 + 40 + 8, f[5] + 14 + 40 + 8, 7);
	assert_int_equal(cnt.from_kernel, 2);
	assert_int_equal(cnt.drop[GW_DROP_MALFORMED], 2);
	assert_int_equal(cnt.drop[GW_DROP_OVERSIZE], 3);
	for (i = 0; i < GW_DROP_MAX; i++)
		if (i != GW_DROP_MALFORMED && i != GW_DROP_OVERSIZE)
			assert_int_equal(cnt.drop[i], 0);
	assert_int_equal(cnt.kernel_gso_frames, 0);
	free_all(o, 2);
	assert_no_leak();
}

/* Fill the NIC's Tx ring with mbufs of the pool but @room slots.
 * Returns how many it put in. */
static unsigned int
fill_tx_ring(unsigned int room)
{
	struct rte_mbuf *fill[TX_RING];
	unsigned int n, i;

	n = rte_ring_free_count(tx_ring) - room;
	for (i = 0; i < n; i++) {
		fill[i] = rte_pktmbuf_alloc(pool);
		assert_non_null(fill[i]);
	}
	assert_int_equal(rte_ring_enqueue_bulk(tx_ring, (void **)fill, n,
					       NULL), n);
	return n;
}

/* The big frame (@v6) cut in segments of @mss bytes where the NIC's Tx
 * ring has room for @room of them: the first @room sent, in order, the
 * rest freed (or never cut) and counted as Tx full, none leaked. */
static void
tx_full(bool v6, uint16_t mss, unsigned int room)
{
	struct rte_mbuf *m, *segs[TX_RING];
	unsigned int nb = (BIG_PAYLOAD + mss - 1) / mss, n, i;
	uint32_t hlen;

	n = fill_tx_ring(room);
	m = tcp_frame(v6, BIG_PAYLOAD, BIG_FLAGS, true, mss, &hlen);
	gw_ktx_send(&port, 0, &m, 1, &cnt);
	assert_int_equal(cnt.kernel_gso_frames, 1);
	assert_int_equal(cnt.kernel_gso_segments, nb);
	assert_int_equal(cnt.from_kernel, room);
	assert_int_equal(cnt.drop[GW_DROP_TX_FULL], nb - room);
	i = sent(segs, RTE_DIM(segs));
	assert_int_equal(i, n + room);
	/* the first @room segments, after the filling */
	check_cut(segs + n, room, v6, hlen, room * mss, mss,
		  BIG_FLAGS & ~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG));
	free_all(segs, i);
	assert_no_leak();
}

/* A frame cut in 45 segments where the NIC's Tx ring has room for 7
 * (IPv6, cut here), and for 7 (IPv4, rte_gso). */
static void
test_tx_full(void **state)
{
	(void)state;
	tx_full(true, 1428, 7);
	memset(&cnt, 0, sizeof(cnt));
	tx_full(false, 1448, 7);
}

/* Tx full across the batches of GW_KTX_MAX_SEGS segments: 120 segments
 * (MSS 536) where the ring takes 100 (the second batch taken in part),
 * and 40 (the first in part, the second never cut); 728 (MSS 88) where
 * it takes 700. */
static void
test_tx_full_batches(void **state)
{
	(void)state;
	tx_full(false, 536, 100);
	memset(&cnt, 0, sizeof(cnt));
	tx_full(true, 536, 100);
	memset(&cnt, 0, sizeof(cnt));
	tx_full(false, 536, 40);
	memset(&cnt, 0, sizeof(cnt));
	tx_full(true, 536, 40);
	memset(&cnt, 0, sizeof(cnt));
	tx_full(true, MIN_MSS, 700);
}

/* A frame for the NIC's TSO that the Tx ring does not take, after a
 * small packet it takes: its segments counted as Tx full, as the
 * gateway's own cut would count them; the small one as sent. */
static void
test_tso_tx_full(void **state)
{
	static uint8_t f[MTU];
	struct rte_mbuf *m[2], *o[TX_RING];
	unsigned int n, i;
	uint32_t hlen;

	(void)state;
	port.nic_tso = true;
	n = fill_tx_ring(1);
	m[0] = small(f, false, IPPROTO_UDP, 10, false, CHUNK);
	m[1] = tcp_frame(true, BIG_PAYLOAD, BIG_FLAGS, true, 1428, &hlen);
	gw_ktx_send(&port, 0, m, 2, &cnt);
	assert_int_equal(cnt.from_kernel, 1);
	assert_int_equal(cnt.drop[GW_DROP_TX_FULL], 45);
	assert_int_equal(cnt.kernel_gso_frames, 1);
	assert_int_equal(cnt.kernel_gso_segments, 45);
	i = sent(o, RTE_DIM(o));
	assert_int_equal(i, n + 1);
	assert_int_equal(o[n]->pkt_len, 14 + 20 + 8 + 10);
	free_all(o, i);
	assert_no_leak();
}

/* The pool runs dry in the middle of a frame (@v6, MSS 536, 120
 * segments, mbufs for 70 left): the first batch of GW_KTX_MAX_SEGS sent,
 * the segments that could not be made counted as no_mbuf; nothing
 * leaked. */
static void
no_mbuf(bool v6)
{
	static struct rte_mbuf *hold[NB_MBUFS];
	struct rte_mbuf *m, *segs[TX_RING];
	unsigned int nh = 0, n, r;
	uint32_t hlen;

	m = tcp_frame(v6, BIG_PAYLOAD, BIG_FLAGS, true, 536, &hlen);
	while (rte_mempool_avail_count(pool) > 70) {
		hold[nh] = rte_pktmbuf_alloc(pool);
		assert_non_null(hold[nh]);
		nh++;
	}
	gw_ktx_send(&port, 0, &m, 1, &cnt);
	assert_int_equal(cnt.kernel_gso_frames, 1);
	assert_int_equal(cnt.kernel_gso_segments, 120);
	assert_int_equal(cnt.from_kernel, GW_KTX_MAX_SEGS);
	assert_int_equal(cnt.drop[GW_DROP_NO_MBUF], 120 - GW_KTX_MAX_SEGS);
	for (r = 0; r < GW_DROP_MAX; r++)
		if (r != GW_DROP_NO_MBUF)
			assert_int_equal(cnt.drop[r], 0);
	n = sent(segs, RTE_DIM(segs));
	assert_int_equal(n, GW_KTX_MAX_SEGS);
	check_cut(segs, n, v6, hlen, n * 536, 536,
		  BIG_FLAGS & ~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG));
	free_all(segs, n);
	free_all(hold, nh);
	assert_no_leak();
}

static void
test_no_mbuf(void **state)
{
	(void)state;
	no_mbuf(false);
	memset(&cnt, 0, sizeof(cnt));
	no_mbuf(true);
}

/* In order: what came before a frame that is cut leaves before its
 * segments, what came after it after them. */
static void
test_order(void **state)
{
	static uint8_t f[2][MTU];
	struct rte_mbuf *m[3], *o[GW_KTX_MAX_SEGS + 3];
	uint32_t hlen;
	unsigned int n;

	(void)state;
	m[0] = small(f[0], false, IPPROTO_UDP, 11, false, CHUNK);
	m[1] = tcp_frame(true, BIG_PAYLOAD, BIG_FLAGS, true, 1428, &hlen);
	m[2] = small(f[1], true, IPPROTO_UDP, 22, true, CHUNK);
	gw_ktx_send(&port, 0, m, 3, &cnt);
	n = sent(o, RTE_DIM(o));
	assert_int_equal(n, 47);
	assert_int_equal(o[0]->pkt_len, 14 + 20 + 8 + 11);
	check_cut(o + 1, 45, true, hlen, BIG_PAYLOAD, 1428, BIG_FLAGS);
	assert_int_equal(o[46]->pkt_len, 14 + 40 + 8 + 22);
	assert_int_equal(cnt.from_kernel, 47);
	assert_no_drop();
	free_all(o, n);
	assert_no_leak();
}

static int
setup(void **state)
{
	(void)state;
	memset(&cnt, 0, sizeof(cnt));
	port.nic_tso = false;
	avail_before = rte_mempool_avail_count(pool);
	return rte_ring_count(tx_ring) == 0 ? 0 : -1;
}

/* The NIC: a ring port over @tx_ring, one queue pair, started. */
static int
nic_port(uint16_t *port_id)
{
	struct rte_eth_conf conf = { 0 };
	struct rte_ring *rx;
	int ret;

	rx = rte_ring_create("ktx_rx", 16, (int)rte_socket_id(),
			     RING_F_SP_ENQ | RING_F_SC_DEQ);
	tx_ring = rte_ring_create("ktx_tx", TX_RING, (int)rte_socket_id(),
				  RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (rx == NULL || tx_ring == NULL)
		return -1;
	ret = rte_eth_from_rings("ktx_nic", &rx, 1, &tx_ring, 1,
				 rte_socket_id());
	if (ret < 0)
		return -1;
	*port_id = (uint16_t)ret;
	if (rte_eth_dev_configure(*port_id, 1, 1, &conf) != 0 ||
	    rte_eth_rx_queue_setup(*port_id, 0, 0, rte_socket_id(), NULL,
				   pool) != 0 ||
	    rte_eth_tx_queue_setup(*port_id, 0, 0, rte_socket_id(),
				   NULL) != 0 ||
	    rte_eth_dev_start(*port_id) != 0)
		return -1;
	return 0;
}

int
main(int argc, char **argv)
{
	static char no_huge[] = "--no-huge", no_shconf[] = "--no-shconf",
		    mem[] = "-m128", no_pci[] = "--no-pci",
		    quiet[] = "--log-level=lib.eal:error";
	char *eal[] = { argv[0], no_huge, no_shconf, mem, no_pci, quiet,
			NULL };
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_cut_ipv6, setup),
		cmocka_unit_test_setup(test_cut_ipv6_kernel_mss, setup),
		cmocka_unit_test_setup(test_cut_ipv4, setup),
		cmocka_unit_test_setup(test_tso_ipv4, setup),
		cmocka_unit_test_setup(test_tso_ipv6, setup),
		cmocka_unit_test_setup(test_tso_tx_full, setup),
		cmocka_unit_test_setup(test_partial_csum, setup),
		cmocka_unit_test_setup(test_drops, setup),
		cmocka_unit_test_setup(test_cut_small_mss_ipv4, setup),
		cmocka_unit_test_setup(test_cut_small_mss_ipv6, setup),
		cmocka_unit_test_setup(test_tx_full, setup),
		cmocka_unit_test_setup(test_tx_full_batches, setup),
		cmocka_unit_test_setup(test_no_mbuf, setup),
		cmocka_unit_test_setup(test_order, setup),
	};

	(void)argc;
	if (rte_eal_init(RTE_DIM(eal) - 1, eal) < 0)
		return 1;
	/* no mbuf cache: the pool's count is exact */
	pool = rte_pktmbuf_pool_create("ktx_pool", NB_MBUFS, 0, 0,
				       RTE_MBUF_DEFAULT_BUF_SIZE,
				       (int)rte_socket_id());
	if (pool == NULL || nic_port(&port.nic) != 0)
		return 1;
	port.mtu = MTU;
	gw_ktx_init(pool);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
