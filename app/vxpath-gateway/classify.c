/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The gateway's classifier and the RFC 1624 checksum update (classify.h).
 * Header layouts: IPv4 RFC 791, IPv6 RFC 8200, ICMPv6 RFC 4443, neighbour
 * discovery RFC 4861. Multi-byte fields are read with memcpy: a frame's IP
 * header need not be aligned.
 */
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>

#include "classify.h"

#define IPV4_MIN_HDR	20	/* bytes */
#define IPV6_HDR	40	/* bytes */
#define PROTO_HOPOPTS	0	/* IPv6 hop-by-hop options header */
#define PROTO_ICMPV6	58
#define ND_FIRST	133	/* router solicitation */
#define ND_LAST		137	/* redirect */

const char *const gw_punt_names[GW_PUNT_MAX] = {
	[GW_PUNT_NON_IP] = "non_ip",
	[GW_PUNT_ARP] = "arp",
	[GW_PUNT_ND] = "nd",
	[GW_PUNT_MULTICAST] = "multicast",
	[GW_PUNT_LINK_LOCAL] = "link_local",
	[GW_PUNT_TTL] = "ttl",
	[GW_PUNT_OPTIONS] = "ip_options",
	[GW_PUNT_SPLIT] = "split_headers",
	[GW_PUNT_LOCAL] = "local",
	[GW_PUNT_NO_ROUTE] = "no_route",
	[GW_PUNT_KERNEL_ROUTE] = "kernel_route",
	[GW_PUNT_NO_NEIGH] = "no_neighbour",
	[GW_PUNT_MTU] = "mtu",
};

const char *const gw_drop_names[GW_DROP_MAX] = {
	[GW_DROP_MALFORMED] = "malformed",
	[GW_DROP_OTHER_HOST] = "other_host",
	[GW_DROP_TWIN_FULL] = "twin_full",
	[GW_DROP_TX_FULL] = "tx_full",
	[GW_DROP_OVERSIZE] = "oversize",
	[GW_DROP_NO_MBUF] = "no_mbuf",
};

static inline int
punt(uint8_t *reason, enum gw_punt_reason why)
{
	*reason = why;
	return GW_PUNT;
}

static inline int
drop(uint8_t *reason, enum gw_drop_reason why)
{
	*reason = why;
	return GW_DROP;
}

/* @l3 holds at least IPV4_MIN_HDR bytes; @l3_len: bytes of the frame from
 * @l3 on, @l3_seg: of those, in the first segment. */
static int
classify_ipv4(const uint8_t *l3, uint32_t l3_seg, uint32_t l3_len,
	      uint8_t *reason)
{
	uint32_t ihl = (uint32_t)(l3[0] & 0x0f) * 4;
	uint16_t total;
	uint8_t d0, s0, s1, d1;

	if ((l3[0] >> 4) != 4 || ihl < IPV4_MIN_HDR)
		return drop(reason, GW_DROP_MALFORMED);
	memcpy(&total, l3 + 2, sizeof(total));
	total = rte_be_to_cpu_16(total);
	if (total < ihl || total > l3_len)
		return drop(reason, GW_DROP_MALFORMED);
	if (ihl > l3_seg)
		return ihl > l3_len ? drop(reason, GW_DROP_MALFORMED) :
				      punt(reason, GW_PUNT_SPLIT);
	if (ihl != IPV4_MIN_HDR)
		return punt(reason, GW_PUNT_OPTIONS);
	s0 = l3[12];
	s1 = l3[13];
	d0 = l3[16];
	d1 = l3[17];
	/* 224/4 multicast, 240/4 reserved and 255.255.255.255. */
	if (d0 >= 224)
		return punt(reason, GW_PUNT_MULTICAST);
	if ((d0 == 169 && d1 == 254) || (s0 == 169 && s1 == 254))
		return punt(reason, GW_PUNT_LINK_LOCAL);
	if (l3[8] <= 1)
		return punt(reason, GW_PUNT_TTL);
	return GW_FWD4;
}

static int
classify_ipv6(const uint8_t *l3, uint32_t l3_seg, uint32_t l3_len,
	      uint8_t *reason)
{
	const uint8_t *src = l3 + 8, *dst = l3 + 24;
	uint16_t payload;
	uint8_t next = l3[6];

	if ((l3[0] >> 4) != 6)
		return drop(reason, GW_DROP_MALFORMED);
	memcpy(&payload, l3 + 4, sizeof(payload));
	payload = rte_be_to_cpu_16(payload);
	/* A payload length of 0 means a jumbogram (RFC 2675), which comes
	 * with a hop-by-hop header: the kernel's to judge. */
	if ((uint32_t)payload + IPV6_HDR > l3_len)
		return drop(reason, GW_DROP_MALFORMED);
	if (dst[0] == 0xff)
		return punt(reason, GW_PUNT_MULTICAST);
	if (next == PROTO_HOPOPTS)
		return punt(reason, GW_PUNT_OPTIONS);
	if (next == PROTO_ICMPV6) {
		if (payload < 1)
			return drop(reason, GW_DROP_MALFORMED);
		if (l3_seg < IPV6_HDR + 1)
			return punt(reason, GW_PUNT_SPLIT);
		if (l3[IPV6_HDR] >= ND_FIRST && l3[IPV6_HDR] <= ND_LAST)
			return punt(reason, GW_PUNT_ND);
	}
	if ((dst[0] == 0xfe && (dst[1] & 0xc0) == 0x80) ||
	    (src[0] == 0xfe && (src[1] & 0xc0) == 0x80))
		return punt(reason, GW_PUNT_LINK_LOCAL);
	if (l3[7] <= 1)
		return punt(reason, GW_PUNT_TTL);
	return GW_FWD6;
}

int
gw_classify(const uint8_t *frame, uint32_t seg_len, uint32_t pkt_len,
	    const struct rte_ether_addr *mac, uint8_t *reason)
{
	const struct rte_ether_addr *dst = (const void *)frame;
	uint32_t l3_seg, l3_len;
	uint16_t type;

	if (seg_len > pkt_len)
		seg_len = pkt_len;
	if (pkt_len < RTE_ETHER_HDR_LEN)
		return drop(reason, GW_DROP_MALFORMED);
	if (seg_len < RTE_ETHER_HDR_LEN)
		return punt(reason, GW_PUNT_SPLIT);
	memcpy(&type, frame + 12, sizeof(type));
	type = rte_be_to_cpu_16(type);
	if (rte_is_multicast_ether_addr(dst)) {
		/* Broadcast ARP is the common case: count it as ARP. */
		return punt(reason, type == RTE_ETHER_TYPE_ARP ?
			    GW_PUNT_ARP : GW_PUNT_MULTICAST);
	}
	if (!rte_is_same_ether_addr(dst, mac))
		return drop(reason, GW_DROP_OTHER_HOST);

	l3_seg = seg_len - GW_L3_OFFSET;
	l3_len = pkt_len - GW_L3_OFFSET;
	switch (type) {
	case RTE_ETHER_TYPE_IPV4:
		if (l3_len < IPV4_MIN_HDR)
			return drop(reason, GW_DROP_MALFORMED);
		if (l3_seg < IPV4_MIN_HDR)
			return punt(reason, GW_PUNT_SPLIT);
		return classify_ipv4(frame + GW_L3_OFFSET, l3_seg, l3_len,
				     reason);
	case RTE_ETHER_TYPE_IPV6:
		if (l3_len < IPV6_HDR)
			return drop(reason, GW_DROP_MALFORMED);
		if (l3_seg < IPV6_HDR)
			return punt(reason, GW_PUNT_SPLIT);
		return classify_ipv6(frame + GW_L3_OFFSET, l3_seg, l3_len,
				     reason);
	case RTE_ETHER_TYPE_ARP:
		return punt(reason, GW_PUNT_ARP);
	default:
		return punt(reason, GW_PUNT_NON_IP);
	}
}

uint16_t
gw_csum_update16(uint16_t csum, uint16_t old, uint16_t new)
{
	uint32_t sum;

	/* One's complement sums are the same in either byte order, so the
	 * words are added as stored. */
	sum = (uint16_t)~csum;
	sum += (uint16_t)~old;
	sum += new;
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}
