/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Checksum and segmentation offloads through the virtio-net header (virtio
 * 1.2, 5.1.6): building the Tx header from an mbuf's offload requests,
 * checking a received header before turning it into mbuf flags, and the
 * mappings between ethdev offloads, feature bits (5.1.3) and TUNSETOFFLOAD
 * flags. The contracts are in offload.h.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_net.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#include "offload.h"
#include "vxpath_log.h"

#define F(bit) VXPATH_FEATURE(VIRTIO_NET_F_ ## bit)

/* Transmit requests virtio has no field for (5.1.6.2): refused. */
#define TX_UNSUPPORTED (RTE_MBUF_F_TX_OUTER_IPV4 | RTE_MBUF_F_TX_OUTER_IPV6 | \
	RTE_MBUF_F_TX_OUTER_IP_CKSUM | RTE_MBUF_F_TX_OUTER_UDP_CKSUM | \
	RTE_MBUF_F_TX_TUNNEL_MASK | RTE_MBUF_F_TX_VLAN | RTE_MBUF_F_TX_QINQ | \
	RTE_MBUF_F_TX_IEEE1588_TMST | RTE_MBUF_F_TX_MACSEC | \
	RTE_MBUF_F_TX_SEC_OFFLOAD)

/* Requests this file implements. */
#define TX_SEG (RTE_MBUF_F_TX_TCP_SEG | RTE_MBUF_F_TX_UDP_SEG)
#define TX_ASKED (RTE_MBUF_F_TX_IP_CKSUM | RTE_MBUF_F_TX_L4_MASK | TX_SEG)

/* Where the L4 checksum field is, from the L4 header's start (bytes). */
#define TCP_CSUM_OFFSET offsetof(struct rte_tcp_hdr, cksum)    /* 16 */
#define UDP_CSUM_OFFSET offsetof(struct rte_udp_hdr, dgram_cksum) /* 6 */
#define TCP_HDR_MIN 20u
#define UDP_HDR_LEN 8u
#define IPV4_HDR_MIN 20u
#define IPV6_HDR_LEN 40u
#define TCP_FLAG_CWR 0x80

/* What a checked Tx request asks; all lengths in bytes. */
struct tx_plan {
	uint8_t l4_proto;      /* IPPROTO_TCP, IPPROTO_UDP, or 0: no L4 csum */
	bool ipv6;
	bool ip_cksum;         /* compute the IPv4 header checksum */
	bool seg;              /* TSO or USO asked */
	uint8_t gso_type;      /* VIRTIO_NET_HDR_GSO_*, after the 1-seg check */
	uint16_t l3_off;       /* l2_len */
	uint16_t l4_off;       /* l2_len + l3_len: csum_start */
	uint16_t hdr_len;      /* l4_off + L4 header */
	uint16_t csum_offset;  /* from l4_off */
	uint16_t l4_total;     /* TSO/USO: L4 header + payload */
};

/* Only this mbuf sees its first segment's bytes: safe to write headers. */
static bool
tx_headers_writable(const struct rte_mbuf *m)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1;
}

/*
 * Check @m's offload requests against @features and its lengths; fill
 * @p. Reads the first segment's headers, writes nothing.
 * Return: 0, -ENOTSUP or -EINVAL as vxpath_tx_hdr_fill() documents.
 */
static int
tx_check(const struct rte_mbuf *m, uint64_t features, struct tx_plan *p)
{
	uint64_t ol = m->ol_flags;
	uint64_t l4 = ol & RTE_MBUF_F_TX_L4_MASK;
	uint32_t l2 = m->l2_len, l3 = m->l3_len, l4_len = m->l4_len;
	uint32_t data_len = m->data_len;
	uint32_t l4_hdr;

	memset(p, 0, sizeof(*p));
	if (ol & TX_UNSUPPORTED)
		return -ENOTSUP;
	if (!(ol & TX_ASKED))
		return 0;
	if (l4 == RTE_MBUF_F_TX_SCTP_CKSUM)
		return -ENOTSUP;

	/* Which IP and L4 protocols, consistently (rte_mbuf_core.h rules). */
	if (!(ol & RTE_MBUF_F_TX_IPV4) == !(ol & RTE_MBUF_F_TX_IPV6))
		return -EINVAL;
	p->ipv6 = (ol & RTE_MBUF_F_TX_IPV6) != 0;
	p->ip_cksum = (ol & RTE_MBUF_F_TX_IP_CKSUM) != 0;
	if (p->ip_cksum && p->ipv6)
		return -EINVAL;
	if ((ol & TX_SEG) == TX_SEG)
		return -EINVAL;
	if (ol & RTE_MBUF_F_TX_TCP_SEG) {
		if (l4 != RTE_MBUF_F_TX_L4_NO_CKSUM &&
		    l4 != RTE_MBUF_F_TX_TCP_CKSUM)
			return -EINVAL;
		p->l4_proto = IPPROTO_TCP;
	} else if (ol & RTE_MBUF_F_TX_UDP_SEG) {
		if (l4 != RTE_MBUF_F_TX_L4_NO_CKSUM &&
		    l4 != RTE_MBUF_F_TX_UDP_CKSUM)
			return -EINVAL;
		p->l4_proto = IPPROTO_UDP;
	} else if (l4 == RTE_MBUF_F_TX_TCP_CKSUM) {
		p->l4_proto = IPPROTO_TCP;
	} else if (l4 == RTE_MBUF_F_TX_UDP_CKSUM) {
		p->l4_proto = IPPROTO_UDP;
	}
	p->seg = (ol & TX_SEG) != 0;

	/* Negotiated? (5.1.6.2.1: flags 0 without CSUM; each gso_type needs
	 * its HOST_ feature; TSO/USO need CSUM too, 5.1.3.1.)
	 */
	if (p->l4_proto != 0 && !(features & F(CSUM)))
		return -ENOTSUP;
	if ((ol & RTE_MBUF_F_TX_TCP_SEG) &&
	    !(features & (p->ipv6 ? F(HOST_TSO6) : F(HOST_TSO4))))
		return -ENOTSUP;
	if ((ol & RTE_MBUF_F_TX_UDP_SEG) && !(features & F(HOST_USO)))
		return -ENOTSUP;

	/* The IP header, in the first segment. */
	if (l3 < (p->ipv6 ? IPV6_HDR_LEN : IPV4_HDR_MIN) || l2 + l3 > data_len)
		return -EINVAL;
	p->l3_off = (uint16_t)l2;
	p->l4_off = (uint16_t)(l2 + l3);
	p->hdr_len = p->l4_off;
	if (p->ip_cksum) {
		const struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
						l2);
		uint32_t ihl = rte_ipv4_hdr_len(ip);

		if ((ip->version_ihl >> 4) != 4 || ihl < IPV4_HDR_MIN ||
		    ihl > l3)
			return -EINVAL;
	}

	/* The L4 header, in the first segment too. */
	if (p->l4_proto == IPPROTO_TCP) {
		if (l4_len != 0 && l4_len < TCP_HDR_MIN)
			return -EINVAL;
		if (p->seg && l4_len == 0)
			return -EINVAL;
		l4_hdr = l4_len != 0 ? l4_len : TCP_HDR_MIN;
		if (p->l4_off + l4_hdr > data_len)
			return -EINVAL;
		if (p->seg) {
			const struct rte_tcp_hdr *th =
				rte_pktmbuf_mtod_offset(m,
					const struct rte_tcp_hdr *, p->l4_off);

			/* hdr_len is exact with GUEST_HDRLEN: check it. */
			if ((uint32_t)(th->data_off >> 4) * 4 != l4_len)
				return -EINVAL;
		}
		p->csum_offset = TCP_CSUM_OFFSET;
	} else if (p->l4_proto == IPPROTO_UDP) {
		if (l4_len != 0 && l4_len != UDP_HDR_LEN)
			return -EINVAL;
		if (p->seg && l4_len == 0)
			return -EINVAL;
		l4_hdr = UDP_HDR_LEN;
		if (p->l4_off + l4_hdr > data_len)
			return -EINVAL;
		p->csum_offset = UDP_CSUM_OFFSET;
	} else {
		l4_hdr = 0;
	}
	p->hdr_len = (uint16_t)(p->l4_off + l4_hdr);

	if (p->seg) {
		uint32_t total;

		if (m->tso_segsz == 0 || m->pkt_len < p->hdr_len)
			return -EINVAL;
		total = m->pkt_len - p->l4_off;
		if (total > UINT16_MAX)
			return -EINVAL;
		p->l4_total = (uint16_t)total;
		if (total - l4_hdr <= m->tso_segsz) {
			/* One segment: a plain partially checksummed frame. */
			p->gso_type = VIRTIO_NET_HDR_GSO_NONE;
		} else if (p->l4_proto == IPPROTO_UDP) {
			p->gso_type = VIRTIO_NET_HDR_GSO_UDP_L4;
		} else {
			const struct rte_tcp_hdr *th =
				rte_pktmbuf_mtod_offset(m,
					const struct rte_tcp_hdr *, p->l4_off);

			p->gso_type = p->ipv6 ? VIRTIO_NET_HDR_GSO_TCPV6 :
						VIRTIO_NET_HDR_GSO_TCPV4;
			if ((th->tcp_flags & TCP_FLAG_CWR) &&
			    (features & F(HOST_ECN)))
				p->gso_type |= VIRTIO_NET_HDR_GSO_ECN;
		}
	}

	if ((p->ip_cksum || p->seg) && !tx_headers_writable(m))
		return -ENOTSUP;
	return 0;
}

/* Fold a 32-bit sum of 16-bit words into 16 bits, ones' complement. */
static uint16_t
csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/*
 * Write the TSO/USO pseudo-header sum, with the whole L4 length, into the
 * L4 checksum field (and the UDP length field for USO). The sum is over
 * 16-bit words as they lie in memory, so constants go in network order.
 */
static void
tx_write_pseudo_header(struct rte_mbuf *m, const struct tx_plan *p)
{
	const char *l3 = rte_pktmbuf_mtod_offset(m, const char *, p->l3_off);
	char *l4 = rte_pktmbuf_mtod_offset(m, char *, p->l4_off);
	uint32_t sum;
	uint16_t v;

	/* Source and destination addresses lie side by side in both. */
	if (p->ipv6)
		sum = rte_raw_cksum(l3 + offsetof(struct rte_ipv6_hdr,
						  src_addr), 32);
	else
		sum = rte_raw_cksum(l3 + offsetof(struct rte_ipv4_hdr,
						  src_addr), 8);
	sum += rte_cpu_to_be_16(p->l4_proto);
	sum += rte_cpu_to_be_16(p->l4_total);
	v = csum_fold(sum);
	if (p->l4_proto == IPPROTO_UDP) {
		struct rte_udp_hdr *uh = (void *)l4;

		uh->dgram_len = rte_cpu_to_be_16(p->l4_total);
		uh->dgram_cksum = v;
	} else {
		((struct rte_tcp_hdr *)(void *)l4)->cksum = v;
	}
}

int
vxpath_tx_hdr_fill(struct virtio_net_hdr_mrg_rxbuf *h, struct rte_mbuf *m,
		   uint64_t features)
{
	struct tx_plan p;
	int ret;

	memset(h, 0, sizeof(*h));
	ret = tx_check(m, features, &p);
	if (ret != 0) {
		VXPATH_LOG(DEBUG, "Tx offloads 0x%" PRIx64 " refused: %s",
			   (uint64_t)(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK),
			   strerror(-ret));
		return ret;
	}

	if (p.ip_cksum) {
		struct rte_ipv4_hdr *ip =
			rte_pktmbuf_mtod_offset(m, struct rte_ipv4_hdr *,
						p.l3_off);

		ip->hdr_checksum = 0;
		ip->hdr_checksum = rte_ipv4_cksum(ip);
	}
	if (p.seg)
		tx_write_pseudo_header(m, &p);
	if (p.l4_proto == 0)
		return 0;

	h->hdr.flags = VIRTIO_NET_HDR_F_NEEDS_CSUM;
	h->hdr.csum_start = rte_cpu_to_le_16(p.l4_off);
	h->hdr.csum_offset = rte_cpu_to_le_16(p.csum_offset);
	h->hdr.hdr_len = rte_cpu_to_le_16(p.hdr_len);
	h->hdr.gso_type = p.gso_type;
	if (p.gso_type != VIRTIO_NET_HDR_GSO_NONE)
		h->hdr.gso_size = rte_cpu_to_le_16(m->tso_segsz);
	return 0;
}

uint16_t
vxpath_tx_prepare(uint64_t features, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	struct tx_plan p;
	uint16_t i;
	int ret;

	for (i = 0; i < nb_pkts; i++) {
		struct rte_mbuf *m = pkts[i];

		ret = tx_check(m, features, &p);
		/* Only a plain L4 checksum needs the pseudo-header now:
		 * vxpath_tx_hdr_fill() writes the IPv4 checksum and the
		 * TSO/USO pseudo-header itself.
		 */
		if (ret == 0 && (p.l4_proto == 0 || p.seg))
			continue;
		/* rte_net_intel_cksum_prepare() writes the L4 checksum. */
		if (ret == 0 && !tx_headers_writable(m))
			ret = -ENOTSUP;
		if (ret == 0)
			ret = rte_net_intel_cksum_prepare(m);
		if (ret != 0) {
			rte_errno = -ret;
			return i;
		}
	}
	return i;
}

uint64_t
vxpath_tx_offload_capa(uint64_t features)
{
	uint64_t capa = RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
			RTE_ETH_TX_OFFLOAD_MULTI_SEGS;

	if (!(features & F(CSUM)))
		return capa;
	capa |= RTE_ETH_TX_OFFLOAD_TCP_CKSUM | RTE_ETH_TX_OFFLOAD_UDP_CKSUM;
	if ((features & (F(HOST_TSO4) | F(HOST_TSO6))) ==
	    (F(HOST_TSO4) | F(HOST_TSO6)))
		capa |= RTE_ETH_TX_OFFLOAD_TCP_TSO;
	if (features & F(HOST_USO))
		capa |= RTE_ETH_TX_OFFLOAD_UDP_TSO;
	return capa;
}

int
vxpath_rx_hdr_apply(const struct virtio_net_hdr_mrg_rxbuf *h,
		    struct rte_mbuf *m, uint64_t features)
{
	/* The back-end may rewrite the header under us: read each field
	 * once, through a volatile view, and only use the copies.
	 */
	const volatile struct virtio_net_hdr *vh = &h->hdr;
	uint8_t flags = vh->flags;
	uint8_t gso_type = vh->gso_type;
	uint16_t gso_size = rte_le_to_cpu_16(vh->gso_size);
	uint16_t csum_start = rte_le_to_cpu_16(vh->csum_start);
	uint16_t csum_offset = rte_le_to_cpu_16(vh->csum_offset);
	bool needs_csum = (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0;
	bool rsc_info = (flags & VIRTIO_NET_HDR_F_RSC_INFO) != 0;
	bool ecn = (gso_type & VIRTIO_NET_HDR_GSO_ECN) != 0;
	uint64_t ol;
	const char *why;

	if (rsc_info && !(features & F(RSC_EXT))) {
		why = "RSC_INFO without RSC_EXT";
		goto bad;
	}
	if (needs_csum && !(features & F(GUEST_CSUM))) {
		why = "NEEDS_CSUM without GUEST_CSUM";
		goto bad;
	}
	/* 5.1.6.4.2: csum_start/offset are used only without RSC_INFO. */
	if (needs_csum && !rsc_info &&
	    (uint32_t)csum_start + csum_offset + 2 > m->pkt_len) {
		why = "checksum field beyond the packet";
		goto bad;
	}

	switch (gso_type & ~VIRTIO_NET_HDR_GSO_ECN) {
	case VIRTIO_NET_HDR_GSO_NONE:
		if (ecn) {
			why = "ECN on a non-GSO frame";
			goto bad;
		}
		break;
	case VIRTIO_NET_HDR_GSO_TCPV4:
		if (!(features & F(GUEST_TSO4))) {
			why = "TCPV4 without GUEST_TSO4";
			goto bad;
		}
		break;
	case VIRTIO_NET_HDR_GSO_TCPV6:
		if (!(features & F(GUEST_TSO6))) {
			why = "TCPV6 without GUEST_TSO6";
			goto bad;
		}
		break;
	case VIRTIO_NET_HDR_GSO_UDP_L4:
		if (!(features & (F(GUEST_USO4) | F(GUEST_USO6))) || ecn) {
			why = "UDP_L4 not negotiated, or with ECN";
			goto bad;
		}
		break;
	default:
		/* Unknown, or UFO (GSO_UDP), which DPDK cannot represent. */
		why = "unknown or unsupported gso_type";
		goto bad;
	}
	if (ecn && !(features & F(GUEST_ECN))) {
		why = "ECN without GUEST_ECN";
		goto bad;
	}
	if (gso_type != VIRTIO_NET_HDR_GSO_NONE &&
	    (!needs_csum || gso_size == 0)) {
		why = "GSO frame without NEEDS_CSUM or gso_size";
		goto bad;
	}

	ol = m->ol_flags & ~(RTE_MBUF_F_RX_L4_CKSUM_MASK | RTE_MBUF_F_RX_LRO);
	if (needs_csum)
		ol |= RTE_MBUF_F_RX_L4_CKSUM_NONE;
	else if (flags & VIRTIO_NET_HDR_F_DATA_VALID)
		ol |= RTE_MBUF_F_RX_L4_CKSUM_GOOD;
	if (gso_type != VIRTIO_NET_HDR_GSO_NONE) {
		ol |= RTE_MBUF_F_RX_LRO;
		m->tso_segsz = gso_size;
	}
	m->ol_flags = ol;
	return 0;

bad:
	VXPATH_LOG(DEBUG, "Rx header refused (%s): flags 0x%x gso_type 0x%x"
		   " gso_size %u csum_start %u csum_offset %u pkt_len %u",
		   why, flags, gso_type, gso_size, csum_start, csum_offset,
		   m->pkt_len);
	return -EINVAL;
}

uint64_t
vxpath_rx_offload_capa(uint64_t features)
{
	uint64_t capa = 0;

	if (features & F(MRG_RXBUF))
		capa |= RTE_ETH_RX_OFFLOAD_SCATTER;
	if (!(features & F(GUEST_CSUM)))
		return capa;
	capa |= RTE_ETH_RX_OFFLOAD_TCP_CKSUM | RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	if ((features & (F(GUEST_TSO4) | F(GUEST_TSO6))) &&
	    (features & F(MRG_RXBUF)))
		capa |= RTE_ETH_RX_OFFLOAD_TCP_LRO;
	return capa;
}

uint64_t
vxpath_offload_features(uint64_t tx_offloads, uint64_t rx_offloads)
{
	uint64_t f = 0;

	if (tx_offloads & (RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			   RTE_ETH_TX_OFFLOAD_UDP_CKSUM))
		f |= F(CSUM);
	if (tx_offloads & RTE_ETH_TX_OFFLOAD_TCP_TSO)
		f |= F(CSUM) | F(HOST_TSO4) | F(HOST_TSO6) | F(HOST_ECN) |
		     F(GUEST_HDRLEN);
	if (tx_offloads & RTE_ETH_TX_OFFLOAD_UDP_TSO)
		f |= F(CSUM) | F(HOST_USO) | F(GUEST_HDRLEN);
	if (rx_offloads & (RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
			   RTE_ETH_RX_OFFLOAD_UDP_CKSUM))
		f |= F(GUEST_CSUM);
	if (rx_offloads & RTE_ETH_RX_OFFLOAD_TCP_LRO)
		f |= F(GUEST_CSUM) | F(GUEST_TSO4) | F(GUEST_TSO6) |
		     F(GUEST_ECN);
	return f;
}

unsigned int
vxpath_tun_offload_flags(uint64_t features)
{
	unsigned int flags;

	if (!(features & F(GUEST_CSUM)))
		return 0;
	flags = TUN_F_CSUM;
	if (features & F(GUEST_TSO4))
		flags |= TUN_F_TSO4;
	if (features & F(GUEST_TSO6))
		flags |= TUN_F_TSO6;
	if ((flags & (TUN_F_TSO4 | TUN_F_TSO6)) && (features & F(GUEST_ECN)))
		flags |= TUN_F_TSO_ECN;
	if ((features & (F(GUEST_USO4) | F(GUEST_USO6))) ==
	    (F(GUEST_USO4) | F(GUEST_USO6)))
		flags |= TUN_F_USO4 | TUN_F_USO6;
	return flags;
}
