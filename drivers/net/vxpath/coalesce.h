/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Transmit coalescing toward the kernel (devarg tx_coalesce=1, vhost-kernel
 * only): before a Tx burst goes onto the virtqueue, the TCP segments of one
 * flow are merged into one frame by DPDK's GRO library
 * (rte_gro_reassemble_burst(), RTE_GRO_TCP_IPV4 and, where the DPDK release
 * has it, RTE_GRO_TCP_IPV6), and each merged frame is marked for TCP
 * segmentation so that vxpath_tx_hdr_fill() (offload.h) gives it the
 * virtio-net header of a GSO frame (virtio 1.2, 5.1.6.2: gso_type
 * TCPV4/TCPV6, gso_size the original segment size, NEEDS_CSUM with
 * csum_start/csum_offset and the pseudo-header sum in the TCP checksum
 * field). The TAP then hands the kernel one frame instead of many.
 *
 * Only the packet headers are read and written here; no device state, no
 * EAL: the functions are unit-tested with mbufs in static storage
 * (test/unit/test_coalesce.c). rxtx.c calls vxpath_coalesce_burst() from
 * its coalescing Tx burst function.
 */
#ifndef VXPATH_COALESCE_H
#define VXPATH_COALESCE_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/if_tun.h>
#include <linux/virtio_net.h>

#include "offload.h"

struct rte_mbuf;

/**
 * Packets given to one rte_gro_reassemble_burst() call at most. A merged
 * frame is a chain of the mbufs merged (one segment each), so it has at
 * most this many segments: with a header descriptor outside the headroom
 * that is VXPATH_TX_MAX_SEGS (rxtx.h) descriptors, which the Tx burst
 * function takes. Also below RTE_GRO_MAX_BURST_ITEM_NUM, so that the GRO
 * tables never run out of room (a packet GRO has no room for would come
 * back after the merged frames, out of its flow's order).
 */
#define VXPATH_COALESCE_RUN 63

/** Virtio-net feature bits tx_coalesce=1 needs the device to offer (5.1.3). */
#define VXPATH_COALESCE_FEATURES \
	(VXPATH_FEATURE(VIRTIO_NET_F_CSUM) | \
	 VXPATH_FEATURE(VIRTIO_NET_F_HOST_TSO4) | \
	 VXPATH_FEATURE(VIRTIO_NET_F_HOST_TSO6))

/** TUN_F_* offloads tx_coalesce=1 needs the TAP to take (TUNSETOFFLOAD). */
#define VXPATH_COALESCE_TUN_FLAGS (TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)

/**
 * The GRO types (RTE_GRO_*) this build merges: RTE_GRO_TCP_IPV4 always,
 * RTE_GRO_TCP_IPV6 when the DPDK it was built against defines it (DPDK
 * 23.07 and later; not 22.11). Constant for a build.
 */
uint64_t vxpath_coalesce_gro_types(void);

/**
 * Whether packet @m may be merged, and if so its headers parsed into it.
 *
 * @m: one packet the Tx burst was handed (the driver's from then on). When
 *     this returns true, m->packet_type, l2_len, l3_len and l4_len describe
 *     its Ethernet, IP and TCP headers (rte_gro reads them); otherwise they
 *     may have been overwritten too (nothing in the Tx path reads them for
 *     a packet without offload requests; with requests the application set
 *     them, and a parse gives the same values).
 * @gro_types: vxpath_coalesce_gro_types().
 *
 * A candidate is: one segment, direct, refcnt 1 (its headers are written
 * after the merge); no offload request but RTE_MBUF_F_TX_IPV4/IPV6 (the
 * one that matches), IP_CKSUM and TCP_CKSUM; untagged Ethernet (l2_len
 * 14); IPv4 without options and not a fragment, or IPv6 without extension
 * headers when @gro_types has RTE_GRO_TCP_IPV6; the IP length field equal
 * to the frame's length (no Ethernet padding); TCP with ACK as its only
 * flag (no SYN, FIN, RST, PSH, URG, ECE, CWR: the rule of DPDK 22.11's
 * GRO, which later releases loosen; vxpath keeps it so that every release
 * takes exactly the candidates it is given) and at least one byte of
 * payload.
 * Return: true for a candidate.
 */
bool vxpath_coalesce_candidate(struct rte_mbuf *m, uint64_t gro_types);

/**
 * Turn one frame that rte_gro made of several candidates into a TCP
 * segmentation request (a pure function of the frame).
 *
 * @m: a frame out of rte_gro_reassemble_burst() whose first mbuf was a
 *     candidate (vxpath_coalesce_candidate(): l2_len, l3_len, l4_len set).
 *     A frame of one segment was not merged and is left as it is.
 *     A merged frame gets: its IP length field set to its new length
 *     (IPv4 total_length = pkt_len - l2_len, IPv6 payload_len = pkt_len -
 *     l2_len - 40) and ol_flags RTE_MBUF_F_TX_TCP_SEG with
 *     RTE_MBUF_F_TX_IPV4 and RTE_MBUF_F_TX_IP_CKSUM (IPv4; the IPv4 header
 *     checksum is recomputed by vxpath_tx_hdr_fill()) or RTE_MBUF_F_TX_IPV6,
 *     and tso_segsz = the largest TCP payload among its segments, in bytes
 *     (the original MSS: the segments were one packet each, so segment i
 *     > 0 holds exactly the payload of packet i). vxpath_tx_hdr_fill() then
 *     writes gso_type TCPV4/TCPV6, gso_size = tso_segsz, flags NEEDS_CSUM,
 *     csum_start = l2_len + l3_len, csum_offset 16, hdr_len = l2_len +
 *     l3_len + l4_len, and the pseudo-header sum into the TCP checksum
 *     field (5.1.6.2). The mbufs stay the caller's.
 * @app_bytes: set to the bytes the frame held as the application handed
 *     it over: pkt_len plus the headers rte_gro removed from each segment
 *     after the first (l2_len + l3_len + l4_len each; rte_gro merges only
 *     segments whose TCP headers have the same length).
 * Return: the application's packets the frame holds (m->nb_segs; 1 for a
 * frame left alone).
 */
uint16_t vxpath_coalesce_finish(struct rte_mbuf *m, uint32_t *app_bytes);

/**
 * Coalesce one burst of @n packets into frames, in place.
 *
 * @pkts: @n packets, handed over by the caller (they are the frames of
 *     the result: merged packets become segments of the frame they went
 *     into; nothing is freed).
 * @out: room for @n frames; filled with the resulting frames in the order
 *     they must go onto the ring. May be @pkts itself.
 * @cnt: room for @n entries: the application's packets each frame of @out
 *     holds (1 unless merged).
 * @bytes: room for @n entries: the application's bytes each frame holds
 *     (its pkt_len unless merged; vxpath_coalesce_finish()).
 * @gro_types: vxpath_coalesce_gro_types().
 *
 * Runs of consecutive candidates (at most VXPATH_COALESCE_RUN packets)
 * go through rte_gro_reassemble_burst() and vxpath_coalesce_finish();
 * every other packet ends the run before it and goes out alone, unchanged,
 * at its place. Within a run rte_gro outputs the frames flow by flow, each
 * flow's frames in the order of their first packets: packets of one flow
 * keep their order, packets of different flows in one run may not.
 * Return: the frames in @out (<= @n).
 */
uint16_t vxpath_coalesce_burst(struct rte_mbuf **pkts, uint16_t n,
			       struct rte_mbuf **out, uint16_t *cnt,
			       uint32_t *bytes, uint64_t gro_types);

#endif /* VXPATH_COALESCE_H */
