/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The gateway's classifier: what a frame received on a NIC port is, read
 * from its Ethernet, IPv4 or IPv6 headers alone (no table lookups): a
 * candidate for the fast path, a frame the kernel must see (punt, with a
 * reason), or a frame to drop (with a reason). It reads only the bytes it
 * was given, every length checked before the read, so that a truncated or
 * malformed frame can never make it read out of bounds
 * (test/fuzz/fuzz_gateway_classify.c runs it under ASan). Also the
 * incremental checksum update of RFC 1624 that the fast path's TTL and
 * hop-limit decrement needs.
 *
 * No EAL, no mbufs: plain bytes in, a verdict out, so that the fuzz target
 * and the unit tests link this file alone.
 */
#ifndef VXPATH_GW_CLASSIFY_H
#define VXPATH_GW_CLASSIFY_H

#include <stdint.h>

#include <rte_ether.h>

/* What to do with a frame. */
enum gw_action {
	GW_FWD4,	/* IPv4, for the fast path: route and neighbour lookups */
	GW_FWD6,	/* IPv6, the same */
	GW_PUNT,	/* to the ingress port's twin, the kernel */
	GW_DROP,	/* freed, counted */
};

/*
 * Why a frame goes to the kernel. The classifier gives the first eight;
 * the fast path adds the last four after its table lookups.
 */
enum gw_punt_reason {
	GW_PUNT_NON_IP,		/* not IPv4/IPv6/ARP: LLDP, LACP, VLAN-tagged */
	GW_PUNT_ARP,		/* ARP */
	GW_PUNT_ND,		/* IPv6 neighbour discovery (ICMPv6 133-137) */
	GW_PUNT_MULTICAST,	/* group MAC or IP multicast/broadcast */
	GW_PUNT_LINK_LOCAL,	/* 169.254/16, fe80::/10: never forwarded */
	GW_PUNT_TTL,		/* TTL or hop limit <= 1 */
	GW_PUNT_OPTIONS,	/* IPv4 options, IPv6 hop-by-hop header */
	GW_PUNT_SPLIT,		/* headers not in the first segment */
	GW_PUNT_LOCAL,		/* to one of the kernel's own addresses */
	GW_PUNT_NO_ROUTE,	/* no route in the fast path's tables */
	GW_PUNT_KERNEL_ROUTE,	/* a route the kernel keeps: unreachable,
				 * blackhole, via a non-twin interface, ECMP */
	GW_PUNT_NO_NEIGH,	/* next hop's MAC not known yet */
	GW_PUNT_MTU,		/* larger than the egress port's MTU */
	GW_PUNT_MAX,
};

/* Why a frame is dropped. */
enum gw_drop_reason {
	GW_DROP_MALFORMED,	/* short frame, bad version/IHL, lengths past
				 * the frame */
	GW_DROP_OTHER_HOST,	/* unicast to a MAC that is not the port's */
	GW_DROP_TWIN_FULL,	/* the twin's Tx queue took no more */
	GW_DROP_TX_FULL,	/* the NIC port's Tx queue took no more */
	GW_DROP_OVERSIZE,	/* from the kernel, too large for the NIC */
	GW_DROP_NO_MBUF,	/* from the kernel, no mbuf left to cut it */
	GW_DROP_MAX,
};

/* Names of the reasons, for the telemetry and the summary. */
extern const char *const gw_punt_names[GW_PUNT_MAX];
extern const char *const gw_drop_names[GW_DROP_MAX];

/* Offset of the L3 header in a frame the classifier accepts (bytes). */
#define GW_L3_OFFSET RTE_ETHER_HDR_LEN

/*
 * gw_classify() - classify one frame received on a NIC port.
 * @frame:	the frame's first bytes, from its Ethernet header on
 * @seg_len:	how many bytes @frame holds (the first segment's data
 *		length), bytes
 * @pkt_len:	the whole frame's length (all segments), bytes, >= @seg_len
 * @mac:	the receiving port's MAC address
 * @reason:	set to an enum gw_punt_reason for GW_PUNT, an enum
 *		gw_drop_reason for GW_DROP; untouched otherwise
 *
 * Reads at most @seg_len bytes of @frame, nothing else. On GW_FWD4 and
 * GW_FWD6 the IP header at @frame + GW_L3_OFFSET has been checked: version,
 * header length (IPv4: 20 bytes, no options), total or payload length
 * within @pkt_len, TTL or hop limit above 1, a unicast, non-link-local
 * destination; the caller may read and rewrite it.
 *
 * Return: an enum gw_action.
 */
int gw_classify(const uint8_t *frame, uint32_t seg_len, uint32_t pkt_len,
		const struct rte_ether_addr *mac, uint8_t *reason);

/*
 * gw_csum_update16() - a 16-bit Internet checksum after one 16-bit word of
 * the data it covers changed from @old to @new, without summing the data
 * again (RFC 1624, eqn. 3: HC' = ~(~HC + ~m + m')).
 * @csum:	the checksum field as stored (network byte order)
 * @old:	the word before the change (network byte order)
 * @new:	the word after it (network byte order)
 *
 * Return: the new checksum field (network byte order).
 */
uint16_t gw_csum_update16(uint16_t csum, uint16_t old, uint16_t new);

#endif /* VXPATH_GW_CLASSIFY_H */
