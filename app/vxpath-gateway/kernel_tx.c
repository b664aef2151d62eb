/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * What the kernel sends on a twin, made fit for the NIC (kernel_tx.h).
 */
#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_gso.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_memcpy.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "gw.h"
#include "kernel_tx.h"

static struct rte_mempool *ktx_pool;
static struct rte_gso_ctx gso_ctx = {
	.gso_types = RTE_ETH_TX_OFFLOAD_TCP_TSO,
};

void
gw_ktx_init(struct rte_mempool *pool)
{
	ktx_pool = pool;
	gso_ctx.direct_pool = pool;
	gso_ctx.indirect_pool = pool;
}

/* The headers of one frame: lengths in bytes, L4 protocol. */
struct ktx_hdr {
	uint16_t l2, l3, l4;
	uint8_t proto;
	bool v4;
};

/* Read the Ethernet, IP and TCP/UDP headers of @m, all in its first
 * segment. Returns 0, or -1 for anything else (a VLAN tag, an IPv6
 * extension header, an IPv4 fragment, another protocol). */
static int
ktx_parse(const struct rte_mbuf *m, struct ktx_hdr *h)
{
	const struct rte_ether_hdr *eth;
	uint32_t len = rte_pktmbuf_data_len(m);

	if (len < RTE_ETHER_HDR_LEN)
		return -1;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	h->l2 = RTE_ETHER_HDR_LEN;
	if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip;

		if (len < h->l2 + sizeof(*ip))
			return -1;
		ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
					     h->l2);
		h->l3 = rte_ipv4_hdr_len(ip);
		if ((ip->version_ihl >> 4) != 4 || h->l3 < sizeof(*ip) ||
		    (ip->fragment_offset &
		     rte_cpu_to_be_16(RTE_IPV4_HDR_OFFSET_MASK |
				      RTE_IPV4_HDR_MF_FLAG)) != 0)
			return -1;
		h->proto = ip->next_proto_id;
		h->v4 = true;
	} else if (eth->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip6;

		if (len < h->l2 + sizeof(*ip6))
			return -1;
		ip6 = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
					      h->l2);
		h->l3 = sizeof(*ip6);
		h->proto = ip6->proto;
		h->v4 = false;
	} else {
		return -1;
	}
	if (h->proto == IPPROTO_TCP) {
		const struct rte_tcp_hdr *tcp;

		if (len < (uint32_t)h->l2 + h->l3 + sizeof(*tcp))
			return -1;
		tcp = rte_pktmbuf_mtod_offset(m, const struct rte_tcp_hdr *,
					      h->l2 + h->l3);
		h->l4 = (tcp->data_off >> 4) * 4;
		if (h->l4 < sizeof(*tcp))
			return -1;
	} else if (h->proto == IPPROTO_UDP) {
		h->l4 = sizeof(struct rte_udp_hdr);
	} else {
		return -1;
	}
	return len < (uint32_t)h->l2 + h->l3 + h->l4 ? -1 : 0;
}

/* Compute the L4 checksum of @m (and its IPv4 header checksum, @ip_too)
 * in software, over the whole packet, every segment. */
static void
ktx_csum(struct rte_mbuf *m, const struct ktx_hdr *h, bool ip_too)
{
	void *l3 = rte_pktmbuf_mtod_offset(m, void *, h->l2);
	void *l4 = rte_pktmbuf_mtod_offset(m, void *, h->l2 + h->l3);
	uint16_t *ck = h->proto == IPPROTO_TCP ?
		       &((struct rte_tcp_hdr *)l4)->cksum :
		       &((struct rte_udp_hdr *)l4)->dgram_cksum;

	if (h->v4 && ip_too) {
		struct rte_ipv4_hdr *ip = l3;

		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	*ck = 0;
	*ck = h->v4 ? rte_ipv4_udptcp_cksum_mbuf(m, l3, h->l2 + h->l3) :
		      rte_ipv6_udptcp_cksum_mbuf(m, l3, h->l2 + h->l3);
	m->ol_flags = 0;
}

/* Packets @m makes on the wire: its segments when the NIC is to cut it
 * (RTE_MBUF_F_TX_TCP_SEG, ktx_tso()), else 1. */
static uint32_t
ktx_wire(const struct rte_mbuf *m)
{
	uint32_t hlen = m->l2_len + m->l3_len + m->l4_len;

	if (!(m->ol_flags & RTE_MBUF_F_TX_TCP_SEG) || m->tso_segsz == 0)
		return 1;
	return (m->pkt_len - hlen + m->tso_segsz - 1) / m->tso_segsz;
}

/* Send @n packets on @p's NIC port, in order; free what it leaves and
 * count it as Tx full. Both counters are in packets on the wire
 * (ktx_wire()), whether the NIC or the gateway cuts a frame. Returns how
 * many of @pkts the port took. */
static uint16_t
ktx_burst(const struct gw_port *p, uint16_t q, struct rte_mbuf **pkts,
	  uint16_t n, struct gw_counters *cnt)
{
	uint32_t wire = 0, left = 0;
	uint16_t sent, i;

	if (n == 0)
		return 0;
	/* Read before the burst: what the port takes is no longer ours. */
	for (i = 0; i < n; i++)
		wire += ktx_wire(pkts[i]);
	sent = rte_eth_tx_burst(p->nic, q, pkts, n);
	for (i = sent; i < n; i++) {
		left += ktx_wire(pkts[i]);
		rte_pktmbuf_free(pkts[i]);
	}
	cnt->from_kernel += wire - left;
	cnt->drop[GW_DROP_TX_FULL] += left;
	return sent;
}

/* Prepare TCP frame @m for the NIC's TSO in segments of @mss bytes of
 * payload: the offload flags, header lengths and the pseudo-header sum
 * without the length the TSO contract asks for (rte_mbuf_core.h,
 * RTE_MBUF_F_TX_TCP_SEG). */
static void
ktx_tso(struct rte_mbuf *m, const struct ktx_hdr *h, uint16_t mss)
{
	void *l3 = rte_pktmbuf_mtod_offset(m, void *, h->l2);
	struct rte_tcp_hdr *tcp = rte_pktmbuf_mtod_offset(m,
		struct rte_tcp_hdr *, h->l2 + h->l3);

	m->l2_len = h->l2;
	m->l3_len = h->l3;
	m->l4_len = h->l4;
	m->tso_segsz = mss;
	if (h->v4) {
		struct rte_ipv4_hdr *ip = l3;

		m->ol_flags = RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IPV4 |
			      RTE_MBUF_F_TX_IP_CKSUM;
		ip->hdr_checksum = 0;
		tcp->cksum = rte_ipv4_phdr_cksum(ip, m->ol_flags);
	} else {
		m->ol_flags = RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IPV6;
		tcp->cksum = rte_ipv6_phdr_cksum(l3, m->ol_flags);
	}
}

/*
 * Cut TCP frame @m, from byte @off of its payload on, into at most @max
 * segments of @mss bytes of payload in @segs, each one mbuf from the
 * pool with the headers and its part of the payload copied (the caller
 * has checked that one fits). Each segment's IPv4 total length and ID
 * (the frame's plus the segment's index, as rte_gso and the kernel's own
 * GSO number them) or IPv6 payload length, TCP sequence number and flags
 * (FIN and PSH on the last only, CWR on the first only: RFC 9293 3.1,
 * RFC 3168 6.1.2) are its own; its checksums are not computed here.
 * @off is a multiple of @mss. Returns the number of segments, or -1
 * (none left allocated) when the pool is empty.
 */
static int
ktx_cut(struct rte_mbuf *m, const struct ktx_hdr *h, uint16_t mss,
	uint32_t off, struct rte_mbuf **segs, int max)
{
	uint32_t hlen = h->l2 + h->l3 + h->l4, payload = m->pkt_len - hlen;
	const void *l3_0 = rte_pktmbuf_mtod_offset(m, const void *, h->l2);
	const struct rte_tcp_hdr *tcp0 = rte_pktmbuf_mtod_offset(m,
		const struct rte_tcp_hdr *, h->l2 + h->l3);
	uint32_t seq0 = rte_be_to_cpu_32(tcp0->sent_seq);
	uint16_t id0 = h->v4 ? rte_be_to_cpu_16(((const struct rte_ipv4_hdr *)
					       l3_0)->packet_id) : 0;
	int n = 0, i;

	for (; off < payload && n < max; off += mss, n++) {
		uint32_t chunk = RTE_MIN((uint32_t)mss, payload - off);
		struct rte_tcp_hdr *tcp;
		struct rte_mbuf *s;
		const void *src;
		char *dst;

		s = rte_pktmbuf_alloc(ktx_pool);
		if (s == NULL)
			goto fail;
		segs[n] = s;
		dst = rte_pktmbuf_append(s, (uint16_t)(hlen + chunk));
		rte_memcpy(dst, rte_pktmbuf_mtod(m, void *), hlen);
		src = rte_pktmbuf_read(m, hlen + off, chunk, dst + hlen);
		if (src != dst + hlen)
			rte_memcpy(dst + hlen, src, chunk);
		if (h->v4) {
			struct rte_ipv4_hdr *ip = (void *)(dst + h->l2);

			ip->total_length = rte_cpu_to_be_16(h->l3 + h->l4 +
							    chunk);
			ip->packet_id = rte_cpu_to_be_16((uint16_t)(id0 +
							 off / mss));
		} else {
			struct rte_ipv6_hdr *ip6 = (void *)(dst + h->l2);

			ip6->payload_len = rte_cpu_to_be_16(h->l4 + chunk);
		}
		tcp = (struct rte_tcp_hdr *)(dst + h->l2 + h->l3);
		tcp->sent_seq = rte_cpu_to_be_32(seq0 + off);
		if (off + chunk < payload)
			tcp->tcp_flags &= ~(RTE_TCP_FIN_FLAG | RTE_TCP_PSH_FLAG);
		if (off != 0)
			tcp->tcp_flags &= ~RTE_TCP_CWR_FLAG;
	}
	return n;
fail:
	for (i = 0; i < n; i++)
		rte_pktmbuf_free(segs[i]);
	return -1;
}

/*
 * Cut TCP frame @m (freed) into segments of @mss bytes of payload,
 * complete their checksums and send them, in order, at most
 * GW_KTX_MAX_SEGS at a time. rte_gso cuts TCP over IPv4 only (DPDK 22.11
 * to 25.11) and all of a frame at once: given fewer places than segments
 * it cuts none (22.11: it frees what it cut and returns -EINVAL; its API
 * promises no more than "the max number of items"). So a TCP/IPv4 frame
 * of up to GW_KTX_MAX_SEGS segments is cut by rte_gso (no copy: the
 * segments point into the frame), any other (TCP/IPv6, or a small MSS)
 * by ktx_cut(), a batch of GW_KTX_MAX_SEGS after the other. Once the
 * port leaves a segment, the rest of the frame is not cut and counted as
 * Tx full with it; when the pool runs dry, the segments not made are
 * counted as no_mbuf. A TCP/IPv6 frame whose segment does not fit one
 * mbuf of the pool is dropped whole as oversize.
 */
static void
ktx_gso(const struct gw_port *p, uint16_t q, struct rte_mbuf *m,
	const struct ktx_hdr *h, uint16_t mss, struct gw_counters *cnt)
{
	uint32_t hlen = h->l2 + h->l3 + h->l4, payload = m->pkt_len - hlen;
	uint32_t nb_segs = (payload + mss - 1) / mss, done = 0;
	struct rte_mbuf *segs[GW_KTX_MAX_SEGS];
	int ret, i;

	if (h->v4 && nb_segs <= GW_KTX_MAX_SEGS) {
		struct rte_gso_ctx ctx = gso_ctx;

		m->l2_len = h->l2;
		m->l3_len = h->l3;
		m->l4_len = h->l4;
		m->ol_flags = RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_IPV4;
		ctx.gso_size = hlen + mss;
		ret = rte_gso_segment(m, &ctx, segs, RTE_DIM(segs));
		/* The segments hold the frame's data (indirect mbufs). */
		rte_pktmbuf_free(m);
		cnt->kernel_gso_frames++;
		cnt->kernel_gso_segments += nb_segs;
		if (ret <= 0) {
			/* -ENOMEM: the only failure left for a frame
			 * ktx_parse() took, its segments fitting segs[] and
			 * gso_size >= RTE_GSO_SEG_SIZE_MIN (hlen >= 54) */
			cnt->drop[GW_DROP_NO_MBUF] += nb_segs;
			return;
		}
		for (i = 0; i < ret; i++) {
			/* rte_gso clears FIN and PSH but leaves CWR on every
			 * segment: the first only (RFC 3168 6.1.2), as
			 * ktx_cut() and the kernel's own GSO. The headers
			 * are each segment's own copy (its direct mbuf). */
			if (i != 0)
				rte_pktmbuf_mtod_offset(segs[i],
					struct rte_tcp_hdr *,
					h->l2 + h->l3)->tcp_flags &=
					~RTE_TCP_CWR_FLAG;
			ktx_csum(segs[i], h, true);
		}
		ktx_burst(p, q, segs, (uint16_t)ret, cnt);
		return;
	}
	if (hlen + mss > (uint32_t)rte_pktmbuf_data_room_size(ktx_pool) -
			 RTE_PKTMBUF_HEADROOM) {
		rte_pktmbuf_free(m);
		cnt->drop[GW_DROP_OVERSIZE]++;
		return;
	}
	cnt->kernel_gso_frames++;
	cnt->kernel_gso_segments += nb_segs;
	while (done < nb_segs) {
		ret = ktx_cut(m, h, mss, done * mss, segs, RTE_DIM(segs));
		if (ret < 0) {
			cnt->drop[GW_DROP_NO_MBUF] += nb_segs - done;
			break;
		}
		for (i = 0; i < ret; i++)
			ktx_csum(segs[i], h, true);
		done += (uint32_t)ret;
		if (ktx_burst(p, q, segs, (uint16_t)ret, cnt) < ret) {
			/* The queue is full: the rest would not go either. */
			cnt->drop[GW_DROP_TX_FULL] += nb_segs - done;
			break;
		}
	}
	rte_pktmbuf_free(m);
}

void
gw_ktx_send(const struct gw_port *p, uint16_t q, struct rte_mbuf **pkts,
	    uint16_t n, struct gw_counters *cnt)
{
	uint32_t max_len = p->mtu + RTE_ETHER_HDR_LEN;
	struct rte_mbuf *ok[GW_BURST];
	uint16_t nok = 0, i;

	for (i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		bool partial = (m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) ==
			       RTE_MBUF_F_RX_L4_CKSUM_NONE;
		bool big = m->pkt_len > max_len;
		uint32_t mss;
		struct ktx_hdr h;

		if (!partial && !big) {
			m->ol_flags = 0;
			ok[nok++] = m;
			continue;
		}
		if (ktx_parse(m, &h) != 0 ||
		    (big && h.proto != IPPROTO_TCP)) {
			cnt->drop[big ? GW_DROP_OVERSIZE :
				  GW_DROP_MALFORMED]++;
			rte_pktmbuf_free(m);
			continue;
		}
		if (!big) {
			ktx_csum(m, &h, false);
			ok[nok++] = m;
			continue;
		}
		/* The kernel's MSS (the virtio-net header's gso_size) if
		 * it is the smaller, else what the NIC's MTU leaves. */
		if (max_len <= (uint32_t)h.l2 + h.l3 + h.l4) {
			cnt->drop[GW_DROP_OVERSIZE]++;
			rte_pktmbuf_free(m);
			continue;
		}
		mss = max_len - h.l2 - h.l3 - h.l4;
		if ((m->ol_flags & RTE_MBUF_F_RX_LRO) && m->tso_segsz != 0 &&
		    m->tso_segsz < mss)
			mss = m->tso_segsz;
		if (p->nic_tso) {
			ktx_tso(m, &h, (uint16_t)mss);
			cnt->kernel_gso_frames++;
			cnt->kernel_gso_segments +=
				(m->pkt_len - h.l2 - h.l3 - h.l4 + mss - 1) /
				mss;
			ok[nok++] = m;
			continue;
		}
		/* In order: what came before it leaves first. */
		ktx_burst(p, q, ok, nok, cnt);
		nok = 0;
		ktx_gso(p, q, m, &h, (uint16_t)mss, cnt);
	}
	ktx_burst(p, q, ok, nok, cnt);
}
