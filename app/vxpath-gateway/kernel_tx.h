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
 *   MTU: by the NIC's TSO where the port offers it
 *   (RTE_ETH_TX_OFFLOAD_TCP_TSO), else by rte_gso (TCP/IPv4) or here
 *   (TCP/IPv6, which rte_gso does not cut), the segments' IPv4 header and
 *   TCP checksums computed here;
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

/* Most segments one kernel frame is cut into: 64 KiB over the smallest
 * MSS the gateway cuts for (an MTU of 1280 less 40 bytes of IPv6 header
 * and 60 of TCP), rounded up. */
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
 * Packets the NIC port does not take, and frames that cannot be made to
 * fit (oversize: a frame over the MTU that is not TCP, or that has no
 * MSS; malformed: a frame whose checksum must be completed but whose
 * headers cannot be read), are freed and counted in @cnt by reason;
 * those sent are counted in from_kernel (packets on the wire, segments
 * included), the frames cut in kernel_gso_frames and their segments in
 * kernel_gso_segments.
 */
void gw_ktx_send(const struct gw_port *p, uint16_t q, struct rte_mbuf **pkts,
		 uint16_t n, struct gw_counters *cnt);

#endif /* VXPATH_GW_KERNEL_TX_H */
