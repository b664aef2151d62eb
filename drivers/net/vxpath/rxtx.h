/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Receive and transmit queues of a vxpath port and their burst functions:
 * mbufs in and out of split or packed virtqueues, with the virtio-net
 * header (virtio 1.2, 5.1.6) in each mbuf's headroom.
 */
#ifndef VXPATH_RXTX_H
#define VXPATH_RXTX_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/virtio_net.h>
#include <rte_ethdev.h>
#include <rte_mbuf.h>
#include <rte_mempool.h>
#include <rte_spinlock.h>

#include "ring.h"

struct vxpath_dev;

/**
 * Bytes of the virtio-net header on every buffer chain: vxpath requires
 * VIRTIO_F_VERSION_1, whose header always has num_buffers (5.1.6), so the
 * datapath takes the size as a constant.
 */
#define VXPATH_NET_HDR_SIZE sizeof(struct virtio_net_hdr_mrg_rxbuf)

/**
 * Features under which the device may set a received header's flags or
 * gso_type (5.1.6.4.1); without any of them both are 0, and the Rx path
 * reads neither unless the back-end is known to set flags anyway
 * (struct vxpath_vhost_ops, rx_hdr_flags_always).
 */
#define VXPATH_RX_HDR_FEATURES ((1ULL << VIRTIO_NET_F_GUEST_CSUM) |	\
				(1ULL << VIRTIO_NET_F_GUEST_TSO4) |	\
				(1ULL << VIRTIO_NET_F_GUEST_TSO6) |	\
				(1ULL << VIRTIO_NET_F_GUEST_ECN) |	\
				(1ULL << VIRTIO_NET_F_GUEST_UFO) |	\
				(1ULL << VIRTIO_NET_F_GUEST_USO4) |	\
				(1ULL << VIRTIO_NET_F_GUEST_USO6) |	\
				(1ULL << VIRTIO_NET_F_RSC_EXT))

/** Most descriptors one transmitted packet may take (header + segments). */
#define VXPATH_TX_MAX_SEGS 64

/** Frame size bins of the per-queue xstats, as upstream's virtio PMD. */
enum vxpath_size_bin {
	VXPATH_BIN_UNDERSIZE,  /**< < 64 bytes */
	VXPATH_BIN_64,
	VXPATH_BIN_65_127,
	VXPATH_BIN_128_255,
	VXPATH_BIN_256_511,
	VXPATH_BIN_512_1023,
	VXPATH_BIN_1024_1518,
	VXPATH_BIN_1519_MAX,
	VXPATH_NB_SIZE_BINS
};

/**
 * Per-queue counters. Packets and bytes count frames as the application
 * sees them (bytes exclude the virtio-net header); with tx_coalesce=1, Tx
 * packets and bytes are the application's packets (those it handed over,
 * before merging), errors too, while the size bins count the frames as
 * they went onto the ring (a merged frame in size_1519_max). All come from lengths
 * and ring state: the datapath reads no byte of a frame (only the
 * virtio-net header, on Rx), so a frame's lines stay where the device or
 * the application left them. Upstream's multicast and broadcast counters,
 * which need each frame's destination address, are not kept: in a loop
 * where the application does not touch the frames, reading that address
 * cost a cache line transfer per packet on each side (see the performance
 * guide).
 */
struct vxpath_queue_stats {
	uint64_t packets;
	uint64_t bytes;
	uint64_t errors;     /**< Rx: bad frames dropped; Tx: packets dropped */
	uint64_t size_bins[VXPATH_NB_SIZE_BINS]; /**< frames by length */
	uint64_t kicks;      /**< notifications written to the kick eventfd */
	uint64_t interrupts; /**< notifications read from the call eventfd */
	/** Rx: buffers a refill could not post for want of mbufs, counted
	 * once per refill (the port's rx_nombuf is the sum over its queues:
	 * each lcore writes only its own queue's counter).
	 */
	uint64_t nombuf;
	/** Rx: frames the device's receive filter dropped (MAC address or
	 * VLAN id not in its tables, promiscuous mode off: ctrl.h).
	 */
	uint64_t filtered;
	/** Tx with tx_coalesce=1: frames sent that were merged from two or
	 * more of the application's packets (coalesce.h).
	 */
	uint64_t coalesced_frames;
	/** Tx with tx_coalesce=1: the application's packets that went into
	 * those frames.
	 */
	uint64_t coalesced_segments;
};

/** What both queue kinds share: the virtqueue and its notification fds. */
struct vxpath_queue {
	/** Driver side of the ring: split (2.7) or packed (2.8), chosen at
	 * queue set-up from the negotiated VIRTIO_F_RING_PACKED (ring.h).
	 */
	struct vxpath_ring ring;
	struct vxpath_dev *dev;      /**< the port's device state */
	struct rte_eth_dev *eth_dev; /**< the port (link, alloc failures) */
	uint16_t port_id;            /**< the port's id, for mbuf->port */
	uint16_t queue_id;           /**< ethdev queue id */
	uint16_t vq_index;           /**< virtio-net index: 2N Rx, 2N+1 Tx */
	uint64_t features;           /**< negotiated, copied at port start */
	int kickfd;                  /**< eventfd, driver -> device; owned */
	int callfd;                  /**< eventfd, device -> driver; owned */
	bool broken_reported;        /**< the broken ring was logged */
	/** Packed rings of a port whose back-end can be replaced: held by
	 * the *_packed_handoff burst functions for one burst (a burst that
	 * finds it taken returns 0) and by the control path while it
	 * settles the ring for a new back-end (vxpath_queue_resume_base()).
	 * Unused by split rings; uncontended otherwise.
	 */
	rte_spinlock_t handoff;
	void *ring_mem;              /**< shared ring memory (rte_malloc) */
	struct vxpath_vq_chain *chains; /**< private, size entries */
	struct vxpath_queue_stats stats;
};

/** A receive queue. */
struct vxpath_rxq {
	struct vxpath_queue q;
	struct rte_mempool *mp;      /**< where Rx buffers come from */
	/** data_off, refcnt, nb_segs and port of a posted mbuf, as one
	 * 64-bit store over rearm_data (set by vxpath_rxq_refill()).
	 */
	uint64_t mbuf_rearm;
	bool mrg_rxbuf;              /**< VIRTIO_NET_F_MRG_RXBUF negotiated */
	/** Read each frame's header flags and gso_type (5.1.6.4): receive
	 * offloads were negotiated (VXPATH_RX_HDR_FEATURES), or the back-end
	 * sets flags without them (rx_hdr_flags_always). Set at port start.
	 */
	bool hdr_flags;
	/** VXPATH_RX_FILTER_* bits (ctrl.h): what the device's receive
	 * filter checks on each frame; 0, the common case, reads no byte of
	 * a frame. Written by the control path (ethdev.c) while the datapath
	 * runs, read once per burst.
	 */
	uint8_t rx_filter;
	/** A frame of several buffers (MRG_RXBUF) partly taken off the
	 * ring: its first mbuf and last so far, and buffers still to come.
	 * Owned by the queue until complete; freed at drain.
	 */
	struct rte_mbuf *mrg_head;
	struct rte_mbuf *mrg_tail;
	uint16_t mrg_left;
	uint32_t buf_len;            /**< bytes the device may write per mbuf */
};

/**
 * Default Tx free threshold, descriptors: used chains are taken back (and
 * their mbufs freed) when fewer descriptors than this are free, not at
 * every burst, so that the used ring the device writes is read in bulk;
 * then the oldest first, only until the burst has room.
 */
#define VXPATH_TX_FREE_THRESH 32

/** A transmit queue. */
struct vxpath_txq {
	struct vxpath_queue q;
	/** Take used chains back when fewer descriptors are free (1..size). */
	uint16_t free_thresh;
	/** RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE: every mbuf comes from one
	 * mempool with refcnt 1 and no external buffer (the application's
	 * promise), so one-segment packets go back with
	 * rte_mempool_put_bulk().
	 */
	bool fast_free;
	/** One header per descriptor, for mbufs whose headroom cannot take
	 * it; shared memory, size entries.
	 */
	struct virtio_net_hdr_mrg_rxbuf *hdrs;
	/** VIRTIO_RING_F_INDIRECT_DESC negotiated: one indirect table of
	 * VXPATH_TX_MAX_SEGS descriptors (16 bytes each, struct vring_desc
	 * or struct vring_packed_desc) per chain id, size tables, shared
	 * memory; a packet of two or more buffers takes one ring descriptor.
	 * NULL otherwise.
	 */
	void *indirect;
};

/**
 * Allocate a queue's ring (shared memory on @socket), its private
 * bookkeeping and its kick/call eventfds, and lay out an empty ring of
 * @size descriptors, packed (2.8) if @packed, else split (2.7). The caller has set the ids and pointers of @q.
 * Return: 0; -ENOMEM; -errno of eventfd(); -EINVAL for a bad @size.
 */
int vxpath_queue_alloc(struct vxpath_queue *q, uint16_t size, int socket,
		       bool packed);

/**
 * Where a back-end that takes queue @q over must start (the num of
 * VHOST_USER_SET_VRING_BASE / VHOST_SET_VRING_BASE, vhost-user spec "Ring
 * states"), at a port's start and when a new back-end connection replays
 * a started port. No back-end may be using the ring; the datapath may be
 * polling it.
 *   split (virtio 1.2, 2.7.8): the used index in the ring's memory, the
 *     last the previous back-end published (0 on a fresh ring). The new
 *     one takes again what is on the available ring after it: chains the
 *     old one had taken but not used are processed once more (a Tx
 *     packet may go out twice), which assumes the back-end used chains
 *     in the order they were made available, as DPDK's vhost does.
 *   packed (2.8): vxpath_vqp_vring_base(), the next used slot and its
 *     wrap counter, once the driver has taken back every used descriptor
 *     the old back-end wrote: for a Tx queue that is done here (the mbufs
 *     freed) under @q->handoff, against the burst function.
 * Return: 0 and *@base; -EAGAIN for a packed Rx queue holding received
 * packets the application has not read yet (ask again later).
 */
int vxpath_queue_resume_base(struct vxpath_queue *q, uint32_t *base);

/** Free what vxpath_queue_alloc() allocated; mbufs must be drained first. */
void vxpath_queue_free(struct vxpath_queue *q);

/**
 * Post Rx buffers (one mbuf each) until the ring is full or the mempool is
 * empty, then publish them and kick the device if it asks for it. Called
 * at port start: it also sets the queue's mbuf template (mbuf_rearm). The
 * buffers left unposted for want of mbufs are added to the queue's
 * stats.nombuf.
 * Return: buffers posted.
 */
uint16_t vxpath_rxq_refill(struct vxpath_rxq *rxq);

/**
 * Free every mbuf still in the ring, and a frame partly received, and
 * reset the queue as at set-up (at stop, once the back-end confirmed that
 * it stopped the ring).
 */
void vxpath_rxq_drain(struct vxpath_rxq *rxq);

/** Free every mbuf still in the ring and reset the queue (at stop). */
void vxpath_txq_drain(struct vxpath_txq *txq);

/**
 * The back-end did not confirm that it stopped the ring: leave the mbufs
 * the ring holds to it (they are never freed: the back-end may still
 * write into them), free only what the driver holds itself (a frame
 * partly received), and reset the queue as at set-up, so that a start on
 * a new back-end connection begins afresh (ring, partial frame, broken
 * ring report).
 * Return: buffers (chains) left to the back-end.
 */
uint16_t vxpath_rxq_abandon(struct vxpath_rxq *rxq);

/** As vxpath_rxq_abandon(), for a transmit queue. */
uint16_t vxpath_txq_abandon(struct vxpath_txq *txq);

/**
 * The burst functions of a port (rte_eth_rx_burst, rte_eth_tx_burst), one
 * set per ring kind (@packed: VIRTIO_F_RING_PACKED) and descriptor order
 * (@in_order: VIRTIO_F_IN_ORDER), both fixed at probe, so that neither is
 * tested per packet. @handoff: the port's back-end connection can be
 * replaced (server=1, reconnect=): on packed rings each burst then holds
 * the queue's handoff lock and returns 0 while the control path holds it
 * (vxpath_queue_resume_base()); split rings need no lock. @coalesce
 * (tx_coalesce=1, never with @handoff: vhost-kernel only): the Tx burst
 * merges TCP segments into GSO frames first (coalesce.h).
 *
 * Receive (*@rx): up to nb_pkts packets; the mbufs are handed to the
 * caller, who frees them. Multi-buffer frames (MRG_RXBUF) arrive as mbuf
 * chains. On a ring the device broke, returns 0 and brings the link down.
 * Return: packets received.
 *
 * Transmit (*@tx): up to nb_pkts packets. Mbufs accepted belong to the
 * driver until the device returns them; packets that can never be sent
 * (more than VXPATH_TX_MAX_SEGS segments, offloads not negotiated) are
 * freed and counted as errors. Return: packets accepted (sent or dropped);
 * the rest stay the caller's.
 * With @coalesce, packets the application handed over are merged into
 * fewer frames before they go on the ring: only as many are accepted as
 * would fit unmerged (a merged packet cannot be handed back), and the
 * queue's packets, bytes and errors count the application's packets, not
 * the frames (struct vxpath_queue_stats).
 */
void vxpath_burst_select(bool packed, bool in_order, bool handoff,
			 bool coalesce, eth_rx_burst_t *rx,
			 eth_tx_burst_t *tx);

/**
 * Free the mbufs of Tx chains the device has used (rte_eth_tx_done_cleanup):
 * all of them, whatever @free_cnt asks (0 means all, as ethdev defines it).
 * Return: packets whose mbufs were freed; -EIO if the ring is broken.
 */
int vxpath_tx_done_cleanup(void *txq, uint32_t free_cnt);

/**
 * Prepare packets for the Tx burst function (rte_eth_tx_prepare): checks
 * their offload requests against the queue's features and writes the
 * pseudo-header checksums the virtio-net header needs (offload.c).
 * Return: packets prepared; at the first one refused, rte_errno is set.
 */
uint16_t vxpath_tx_pkt_prepare(void *txq, struct rte_mbuf **pkts,
			       uint16_t nb_pkts);

#endif /* VXPATH_RXTX_H */
