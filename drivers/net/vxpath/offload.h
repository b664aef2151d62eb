/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Checksum and segmentation offloads through the virtio-net header
 * (virtio 1.2, 5.1.6): on transmit, the mbuf's offload requests
 * (ol_flags, l2_len, l3_len, l4_len, tso_segsz) become a struct
 * virtio_net_hdr; on receive, a header the device wrote becomes mbuf flags.
 * Also the mappings between ethdev offload capabilities, virtio-net feature
 * bits (5.1.3) and the TAP's TUNSETOFFLOAD flags.
 *
 * Everything here is a pure function of its arguments: no device state, no
 * logging of packets at more than DEBUG level, no EAL needed. The datapath
 * (rxtx.c) calls the per-packet functions and counts their refusals.
 *
 * Header fields are little-endian (virtio 1.x; VIRTIO_F_VERSION_1 is required
 * by vxpath_virtio_net_init()) and the header is always the 12-byte
 * struct virtio_net_hdr_mrg_rxbuf (5.1.6: num_buffers is present in 1.x).
 */
#ifndef VXPATH_OFFLOAD_H
#define VXPATH_OFFLOAD_H

#include <stdint.h>

#include <linux/if_tun.h>
#include <linux/virtio_net.h>

struct rte_mbuf;

/*
 * Names from virtio 1.2 and Linux 6.2+ that Debian 12's linux-libc-dev (6.1)
 * does not define yet. The values are the specification's (5.1.3 feature
 * bits, 5.1.6 gso_type) and Linux's UAPI (if_tun.h, TUN_F_USO4/6 since 6.2).
 */
#ifndef VIRTIO_NET_F_GUEST_USO4
#define VIRTIO_NET_F_GUEST_USO4 54  /* driver can receive USOv4 */
#endif
#ifndef VIRTIO_NET_F_GUEST_USO6
#define VIRTIO_NET_F_GUEST_USO6 55  /* driver can receive USOv6 */
#endif
#ifndef VIRTIO_NET_F_HOST_USO
#define VIRTIO_NET_F_HOST_USO 56    /* device can receive USO */
#endif
#ifndef VIRTIO_NET_F_GUEST_HDRLEN
#define VIRTIO_NET_F_GUEST_HDRLEN 59 /* driver gives the exact hdr_len */
#endif
#ifndef VIRTIO_NET_HDR_GSO_UDP_L4
#define VIRTIO_NET_HDR_GSO_UDP_L4 5 /* UDP segmentation (USO), 5.1.6 */
#endif
#ifndef TUN_F_USO4
#define TUN_F_USO4 0x20             /* reader accepts USO for IPv4 */
#endif
#ifndef TUN_F_USO6
#define TUN_F_USO6 0x40             /* reader accepts USO for IPv6 */
#endif

/** One virtio-net feature bit as a mask of the 64-bit feature word. */
#define VXPATH_FEATURE(bit) (UINT64_C(1) << (bit))

/**
 * Fill the virtio-net header of one packet to transmit from its mbuf offload
 * requests (virtio 1.2, 5.1.6.2 and its driver requirements 5.1.6.2.1).
 *
 * @h: the header to fill, 12 bytes (sizeof(*h)), owned by the caller; it is
 *     written completely (num_buffers 0), also on error (then all zero).
 * @m: the packet's first mbuf. Its headers (l2_len + l3_len + l4_len bytes)
 *     must be in this first segment. The mbuf stays the caller's.
 * @features: the negotiated virtio-net feature bits.
 *
 * What each request becomes:
 * - none of the offload flags below: an all-zero header (5.1.6.2 item 1);
 * - RTE_MBUF_F_TX_TCP_CKSUM, RTE_MBUF_F_TX_UDP_CKSUM (needs VIRTIO_NET_F_CSUM):
 *   flags NEEDS_CSUM, csum_start = l2_len + l3_len (bytes from the start of
 *   the frame), csum_offset 16 (TCP) or 6 (UDP), hdr_len = the bytes of
 *   headers (l4_len, or 20 for TCP / 8 for UDP when l4_len is 0).
 *   The L4 checksum field must already hold the pseudo-header checksum
 *   (5.1.6.2.1: "the driver MUST set the packet checksum stored in the
 *   buffer to the TCP/UDP pseudo header"). This function does not write it:
 *   it relies on the application, as DPDK's convention for these flags is
 *   that the application (or rte_eth_tx_prepare(), see vxpath_tx_prepare())
 *   has put it there, exactly as rte_net_intel_cksum_prepare() does;
 * - RTE_MBUF_F_TX_TCP_SEG (TSO; needs VIRTIO_NET_F_CSUM and
 *   VIRTIO_NET_F_HOST_TSO4 or _TSO6 by RTE_MBUF_F_TX_IPV4/_IPV6):
 *   gso_type TCPV4 or TCPV6, gso_size = tso_segsz (bytes of TCP payload per
 *   segment), hdr_len = l2_len + l3_len + l4_len, plus NEEDS_CSUM as above.
 *   A TCP header with CWR set adds VIRTIO_NET_HDR_GSO_ECN when
 *   VIRTIO_NET_F_HOST_ECN is negotiated; without it the frame is still sent
 *   as plain TSO (5.1.6.2.1 says SHOULD NOT: the alternative is to drop
 *   it, and a device that does not know ECN at worst repeats CWR);
 * - RTE_MBUF_F_TX_UDP_SEG (USO; needs VIRTIO_NET_F_CSUM and
 *   VIRTIO_NET_F_HOST_USO): gso_type UDP_L4, gso_size = tso_segsz, as TSO.
 *   For TSO and USO, DPDK's pseudo-header convention (no length, see
 *   RTE_MBUF_F_TX_TCP_SEG) differs from what virtio devices expect (the
 *   pseudo-header with the whole L4 length, which they adjust per segment),
 *   so this function writes the L4 checksum field itself: the pseudo-header
 *   sum over the IP addresses, protocol and L4 length pkt_len - l2_len -
 *   l3_len (for USO also the UDP length field, with that length). Whatever
 *   the application put there is overwritten, so calling this twice for the
 *   same packet gives the same result. A TSO/USO packet whose payload fits
 *   in one segment (payload <= tso_segsz) goes as gso_type NONE with
 *   NEEDS_CSUM (a Linux back-end refuses a one-segment USO frame);
 *   IP length fields (IPv4 total_length, IPv6 payload_len) are the
 *   application's: they must describe the whole, unsegmented packet;
 * - RTE_MBUF_F_TX_IP_CKSUM (with RTE_MBUF_F_TX_IPV4): no virtio offload
 *   exists for it, so the IPv4 header checksum is computed here, in
 *   software, into the packet.
 * The packet data is written (IPv4 checksum, TSO/USO L4 checksum and UDP
 * length) only when every check passed, and only if the first mbuf is direct
 * and not shared (refcnt 1), so that no other packet sees the write.
 * VLAN insertion is not done here: RTE_MBUF_F_TX_VLAN and _QINQ are refused
 * like every other request this function cannot honour (the caller inserts
 * the tag with rte_vlan_insert(), which clears the flag, if it offers that).
 *
 * Return: 0 (header filled);
 * -ENOTSUP: a requested offload was not negotiated (CSUM, HOST_TSO4/6,
 *  HOST_USO), or it does not exist in virtio (SCTP checksum, outer/tunnel
 *  flags, VLAN/QinQ insertion, security, MACsec, IEEE 1588 time stamp), or
 *  the packet must be written and the first mbuf is indirect, has an
 *  external buffer or is shared;
 * -EINVAL: inconsistent request: not exactly one of RTE_MBUF_F_TX_IPV4/_IPV6
 *  with any offload, IP_CKSUM on IPv6, TCP_SEG with UDP_CKSUM (or UDP_SEG
 *  with TCP_CKSUM, or both SEG flags), tso_segsz 0 with TSO/USO, l3_len
 *  shorter than the IP header (20 or 40 bytes; the IPv4 IHL for IP_CKSUM),
 *  l4_len not the TCP header's data offset (TSO) or not 8 (USO), headers
 *  beyond the first segment's data_len, or an L4 length above 65535 bytes
 *  for TSO/USO.
 */
int vxpath_tx_hdr_fill(struct virtio_net_hdr_mrg_rxbuf *h, struct rte_mbuf *m,
		       uint64_t features);

/**
 * The Tx prepare step (rte_eth_tx_prepare()) of a vxpath port, for the
 * driver's eth_tx_prep_t (which passes @features from its queue).
 *
 * For each packet, in order: checks its offload requests exactly as
 * vxpath_tx_hdr_fill() would (a packet this accepts is not refused at
 * transmit, and the other way round), then, for a plain
 * RTE_MBUF_F_TX_TCP_CKSUM / _UDP_CKSUM request, writes the pseudo-header
 * checksum into the packet with rte_net_intel_cksum_prepare() (which also
 * zeroes the IPv4 header checksum if RTE_MBUF_F_TX_IP_CKSUM is set;
 * vxpath_tx_hdr_fill() computes it); that write needs a direct, unshared
 * first mbuf (-ENOTSUP otherwise). TSO/USO and IPv4-checksum-only packets
 * are only checked: vxpath_tx_hdr_fill() writes what they need. Packets
 * without offload requests are left alone.
 *
 * @features: the negotiated virtio-net feature bits.
 * @pkts: @nb_pkts packets; they stay the caller's. Packet data is written.
 * Return: the number of packets prepared (the first ones). When less than
 * @nb_pkts, rte_errno is set for packet number (return value): ENOTSUP or
 * EINVAL as vxpath_tx_hdr_fill() would return (negated there).
 */
uint16_t vxpath_tx_prepare(uint64_t features, struct rte_mbuf **pkts,
			   uint16_t nb_pkts);

/**
 * Transmit offloads (RTE_ETH_TX_OFFLOAD_*) a port can offer with the
 * virtio-net feature bits @features (those offered by the device, or those
 * negotiated):
 * - TCP_CKSUM, UDP_CKSUM with VIRTIO_NET_F_CSUM;
 * - TCP_TSO with CSUM, HOST_TSO4 and HOST_TSO6 (DPDK has one flag for both
 *   IP versions, so both are needed);
 * - UDP_TSO with CSUM and HOST_USO;
 * - IPV4_CKSUM and MULTI_SEGS always (the IPv4 checksum is computed in
 *   software by vxpath_tx_hdr_fill()).
 */
uint64_t vxpath_tx_offload_capa(uint64_t features);

/**
 * Apply the virtio-net header of one received packet to its mbuf (virtio
 * 1.2, 5.1.6.4 and its requirements 5.1.6.4.1 for the device, 5.1.6.4.2 for
 * the driver). The header comes from the back-end, which may be buggy or
 * hostile: each field is read once (the back-end may still write the
 * memory) and checked before anything in @m changes.
 *
 * @h: the header as the device wrote it (12 bytes; num_buffers is the
 *     caller's business). Not modified.
 * @m: the packet's first mbuf, its pkt_len (bytes, header excluded) already
 *     set. On success, the RTE_MBUF_F_RX_L4_CKSUM_* bits and
 *     RTE_MBUF_F_RX_LRO of m->ol_flags are set (other bits are kept), and
 *     m->tso_segsz for a GSO frame. On error, @m is unchanged.
 * @features: the negotiated virtio-net feature bits.
 *
 * - flags DATA_VALID: RTE_MBUF_F_RX_L4_CKSUM_GOOD (the device validated the
 *   checksum). Honoured even without VIRTIO_NET_F_GUEST_CSUM, where the
 *   device should have sent 0 (5.1.6.4.1): Linux's TAP marks frames it has
 *   validated this way whatever the offloads, and the claim is no worse than
 *   the data itself;
 * - flags NEEDS_CSUM (needs VIRTIO_NET_F_GUEST_CSUM): the data was
 *   validated but the checksum field holds only the pseudo-header sum:
 *   RTE_MBUF_F_RX_L4_CKSUM_NONE. csum_start + csum_offset + 2 must be within
 *   pkt_len. NEEDS_CSUM wins over DATA_VALID;
 * - neither: RTE_MBUF_F_RX_L4_CKSUM_UNKNOWN;
 * - gso_type TCPV4 (needs GUEST_TSO4), TCPV6 (GUEST_TSO6), UDP_L4 (GUEST_USO4
 *   or GUEST_USO6), each with the ECN bit only for TCP and with GUEST_ECN:
 *   RTE_MBUF_F_RX_LRO, m->tso_segsz = gso_size (bytes of L4 payload per
 *   original segment). The frame must have NEEDS_CSUM and gso_size > 0
 *   (5.1.6.4.1: the device MUST set both);
 * - hdr_len is not used (5.1.6.4.2: the driver MUST NOT rely on it);
 * - other flag bits are ignored (5.1.6.4.2), except RSC_INFO: allowed only
 *   with VIRTIO_NET_F_RSC_EXT, and then csum_start/csum_offset are counts,
 *   not offsets, and are neither checked nor used.
 *
 * Return: 0; -EINVAL when the header breaks the rules above: NEEDS_CSUM
 * without GUEST_CSUM, csum_start/csum_offset out of the packet, a gso_type
 * that is unknown, not negotiated or that DPDK cannot represent (UFO,
 * VIRTIO_NET_HDR_GSO_UDP: one datagram in IP fragments), ECN on a non-TCP or
 * non-GSO type or without GUEST_ECN, a GSO frame without NEEDS_CSUM or with
 * gso_size 0, RSC_INFO without RSC_EXT. The caller drops the packet and
 * counts an error.
 */
int vxpath_rx_hdr_apply(const struct virtio_net_hdr_mrg_rxbuf *h,
			struct rte_mbuf *m, uint64_t features);

/**
 * Receive offloads (RTE_ETH_RX_OFFLOAD_*) a port can offer with the
 * virtio-net feature bits @features (offered or negotiated):
 * - TCP_CKSUM, UDP_CKSUM with VIRTIO_NET_F_GUEST_CSUM;
 * - TCP_LRO with GUEST_CSUM, GUEST_TSO4 or GUEST_TSO6, and MRG_RXBUF (a
 *   GSO frame is up to 65589 bytes, 5.1.6.3: it needs merged buffers, as
 *   vxpath posts one mbuf per buffer);
 * - SCATTER with VIRTIO_NET_F_MRG_RXBUF.
 */
uint64_t vxpath_rx_offload_capa(uint64_t features);

/**
 * The virtio-net feature bits to negotiate for the offloads an application
 * asked at rte_eth_dev_configure() (txmode.offloads, rxmode.offloads),
 * including the bits they depend on (5.1.3.1: HOST_TSO4/6, HOST_USO need
 * CSUM; GUEST_TSO4/6 need GUEST_CSUM; HOST_ECN, GUEST_ECN need a TSO bit):
 * - Tx TCP_CKSUM or UDP_CKSUM: CSUM;
 * - Tx TCP_TSO: CSUM, HOST_TSO4, HOST_TSO6, HOST_ECN, GUEST_HDRLEN;
 * - Tx UDP_TSO: CSUM, HOST_USO, GUEST_HDRLEN;
 *   (GUEST_HDRLEN, despite its name, says the driver gives the exact
 *   hdr_len on GSO frames, 5.1.6.2.1: vxpath_tx_hdr_fill() does);
 * - Rx TCP_CKSUM or UDP_CKSUM: GUEST_CSUM;
 * - Rx TCP_LRO: GUEST_CSUM, GUEST_TSO4, GUEST_TSO6, GUEST_ECN.
 *   Not GUEST_USO4/6: DPDK 22.11 has no receive offload for coalesced UDP,
 *   and an application that asked for TCP LRO would take a coalesced UDP
 *   frame for one datagram. Nor GUEST_UFO (never negotiated by vxpath).
 * Other offloads (IPV4_CKSUM, MULTI_SEGS, SCATTER...) need no feature bit;
 * MRG_RXBUF comes from the mrg_rxbuf devarg.
 * The caller ANDs the result with what the device offers.
 */
uint64_t vxpath_offload_features(uint64_t tx_offloads, uint64_t rx_offloads);

/**
 * The TUNSETOFFLOAD flags (linux/if_tun.h) for a TAP behind vhost-net, from
 * the negotiated virtio-net feature bits @features.
 *
 * Direction: TUNSETOFFLOAD says what the *reader* of the TAP accepts. Frames
 * the kernel sends out through the TAP are what vhost-net writes into our
 * receive virtqueue, so the flags follow the GUEST_* features (what the
 * driver, receiving, accepts). What the driver transmits (HOST_* features)
 * is written into the TAP, and the kernel takes any virtio-net header there
 * without TUNSETOFFLOAD.
 * - GUEST_CSUM: TUN_F_CSUM; without it, 0 (the kernel refuses segmentation
 *   flags without TUN_F_CSUM);
 * - GUEST_TSO4: TUN_F_TSO4; GUEST_TSO6: TUN_F_TSO6; GUEST_ECN with either:
 *   TUN_F_TSO_ECN;
 * - GUEST_USO4 and GUEST_USO6 together: TUN_F_USO4 | TUN_F_USO6 (Linux 6.2+
 *   accepts them only as a pair; older kernels refuse them, so the caller
 *   offers GUEST_USO4/6 only when the TAP took them);
 * - never TUN_F_UFO: vxpath_rx_hdr_apply() refuses UFO frames.
 * Return: the flags, 0 for none.
 */
unsigned int vxpath_tun_offload_flags(uint64_t features);

#endif /* VXPATH_OFFLOAD_H */
