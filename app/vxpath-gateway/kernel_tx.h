/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * What the kernel sends on a twin, made fit for the twin's NIC port.
 * The twins take checksum and TSO offloads from the kernel (the TAP's
 * TUN_F_CSUM, TUN_F_TSO4/6; ethdev's RTE_ETH_RX_OFFLOAD_TCP_LRO where the
 * twin offers it), so the kernel hands them TCP frames of up to 64 KiB
 * and TCP/UDP packets whose L4 checksum holds only the pseudo-header sum
 * (virtio 1.2 5.1.6.4: VIRTIO_NET_HDR_F_NEEDS_CSUM, VIRTIO_NET_HDR_GSO_*;
 * ethdev: RTE_MBUF_F_RX_L4_CKSUM_NONE, RTE_MBUF_F_RX_LRO). Before they
 * leave on the NIC:
 * - a TCP frame larger than the NIC's MTU is cut into segments of the
 *   kernel's MSS or what the MTU leaves, the smaller: by the NIC's TSO
 *   where the port offers it (RTE_ETH_TX_OFFLOAD_TCP_TSO), else by
 *   rte_gso (TCP/IPv4 of up to GW_KTX_MAX_SEGS segments) or here (TCP/IPv6,
 *   which rte_gso does not cut, and TCP/IPv4 of more segments), the
 *   segments' IPv4 header and TCP checksums computed here;
 * - a packet whose L4 checksum is not complete gets it computed here.
 */
#ifndef VXPATH_GW_KERNEL_TX_H
#define VXPATH_GW_KERNEL_TX_H

#include <stdbool.h>
#include <stdint.h>

#include <rte_mbuf.h>
#include <rte_mempool.h>

struct gw_port;
struct gw_counters;

/* Most segments of one kernel frame cut and sent at once: a frame of
 * more (a small MSS of the kernel's: 745 at Linux's least, 88 bytes) is
 * cut and sent in batches of this many. 64 KiB over the MSS of an MTU of
 * 1280 less 40 bytes of IPv6 header and 60 of TCP, rounded up: one batch
 * for a frame cut to the MTU. */
#define GW_KTX_MAX_SEGS	64

/*
 * gw_ktx_init - the mbuf pool the rte_gso segments come from (their
 * header mbufs and the indirect mbufs that point into the kernel's
 * frame). @pool stays the caller's.
 */
void gw_ktx_init(struct rte_mempool *pool);

/*
 * gw_ktx_send - send what twin @p read from the kernel (@pkts, @n
 * packets, ownership passed in) on its NIC port, Tx queue @q, in order.
 * A TCP frame over the MTU is cut in the kernel's MSS (tso_segsz, with
 * RTE_MBUF_F_RX_LRO) where it is smaller than what the MTU leaves, else
 * in the MTU's. Packets the NIC port does not take, and frames that
 * cannot be made to fit (oversize: a frame over the MTU that is not TCP
 * or whose TCP header cannot be read, a TCP/IPv6 segment larger than an
 * mbuf of the pool; malformed: a frame whose checksum must be completed
 * but whose headers cannot be read), are freed and counted in @cnt by
 * reason (tx_full, oversize, malformed); so are the segments that could
 * not be made for want of mbufs (no_mbuf). A frame of more than
 * GW_KTX_MAX_SEGS segments is cut and sent a batch at a time; once the
 * port takes no more, the segments not yet cut count as tx_full too.
 * Those sent are counted in from_kernel (packets on the wire, segments
 * included), the frames cut in kernel_gso_frames and their segments in
 * kernel_gso_segments: for a frame cut here, kernel_gso_segments =
 * from_kernel + tx_full + no_mbuf.
 */
void gw_ktx_send(const struct gw_port *p, uint16_t q, struct rte_mbuf **pkts,
		 uint16_t n, struct gw_counters *cnt);

#endif /* VXPATH_GW_KERNEL_TX_H */
