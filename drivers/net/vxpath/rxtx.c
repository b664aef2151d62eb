/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The datapath: Rx and Tx burst functions over split or packed virtqueues.
 *
 * Buffers are described to the device by our virtual addresses (the memory
 * table maps them one to one). The virtio-net header (5.1.6) sits in the
 * mbuf's headroom, just before the packet data: on Rx every posted buffer
 * starts hdr_size bytes before the data offset, so the first buffer of a
 * frame receives header and data in place; on Tx the header is written into
 * the headroom when the mbuf is ours alone, else into a per-descriptor
 * header slot chained in front of the data.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_branch_prediction.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "intr.h"
#include "offload.h"
#include "rxtx.h"
#include "vxpath.h"
#include "vxpath_log.h"

/* Rx buffers posted per refill call at most (bulk mbuf allocation). */
#define RX_REFILL_BURST 64
/* Used Rx buffers taken from the ring at once, at most. */
#define RX_BURST_MAX 64
/* Rx headers prefetched ahead of the one being read, in buffers. */
#define RX_PREFETCH 4
/* Used Tx chains taken back (and their mbufs freed) at once, at most. */
#define TX_RECLAIM_BURST 64

/*
 * Ring operations for either kind of virtqueue. @packed is a constant at
 * every call site: each burst function is compiled once per ring kind, and
 * the kind is chosen once, at probe, by the burst function ethdev calls.
 */
static __rte_always_inline int
ring_add(struct vxpath_queue *q, const struct vxpath_vq_buf *bufs, uint16_t n,
	 void *cookie, const bool packed)
{
	return packed ? vxpath_vqp_add(&q->vqp, bufs, n, cookie) :
			vxpath_vq_add(&q->vq, bufs, n, cookie);
}

/* @n driver-readable buffers through the indirect table of the next id. */
static __rte_always_inline int
ring_add_indirect(struct vxpath_queue *q, void *tables,
		  const struct vxpath_vq_buf *bufs, uint16_t n, void *cookie,
		  const bool packed)
{
	size_t at;

	if (packed) {
		at = (size_t)q->vqp.free_head * VXPATH_TX_MAX_SEGS;
		return vxpath_vqp_add_indirect(&q->vqp,
				(struct vring_packed_desc *)tables + at,
				bufs, n, cookie);
	}
	at = (size_t)q->vq.free_head * VXPATH_TX_MAX_SEGS;
	return vxpath_vq_add_indirect(&q->vq, (struct vring_desc *)tables + at,
				      bufs, n, cookie);
}

/* A chain of one buffer; the caller checked that a descriptor is free. */
static __rte_always_inline void
ring_add1(struct vxpath_queue *q, uint64_t addr, uint32_t len, bool writable,
	  void *cookie, const bool packed)
{
	if (packed)
		vxpath_vqp_add1(&q->vqp, addr, len, writable, cookie);
	else
		vxpath_vq_add1(&q->vq, addr, len, writable, cookie);
}

static __rte_always_inline void
ring_publish(struct vxpath_queue *q, const bool packed)
{
	if (packed)
		vxpath_vqp_publish(&q->vqp);
	else
		vxpath_vq_publish(&q->vq);
}

static __rte_always_inline bool
ring_kick_needed(struct vxpath_queue *q, const bool packed)
{
	return packed ? vxpath_vqp_kick_needed(&q->vqp) :
			vxpath_vq_kick_needed(&q->vq);
}

/* Up to @max used chains, consumed: cookies and used lengths. */
static __rte_always_inline uint16_t
ring_get_used_burst(struct vxpath_queue *q, void **cookies, uint32_t *lens,
		    uint16_t max, const bool packed)
{
	return packed ? vxpath_vqp_get_used_burst(&q->vqp, cookies, lens, max) :
			vxpath_vq_get_used_burst(&q->vq, cookies, lens, max);
}

static __rte_always_inline void
ring_mark_broken(struct vxpath_queue *q, const char *why, uint32_t id,
		 uint32_t len, const bool packed)
{
	if (packed)
		vxpath_vqp_mark_broken(&q->vqp, why, id, len);
	else
		vxpath_vq_mark_broken(&q->vq, why, id, len);
}

static __rte_always_inline bool
ring_broken(const struct vxpath_queue *q, const bool packed)
{
	return packed ? q->vqp.broken : q->vq.broken;
}

static __rte_always_inline uint16_t
ring_num_free(const struct vxpath_queue *q, const bool packed)
{
	return packed ? q->vqp.num_free : q->vq.num_free;
}

static __rte_always_inline uint16_t
ring_size(const struct vxpath_queue *q, const bool packed)
{
	return packed ? q->vqp.size : q->vq.size;
}

/* The id the next chain added will get (both kinds hand out free_head):
 * what indexes a chain's Tx header slot.
 */
static __rte_always_inline uint16_t
ring_next_id(const struct vxpath_queue *q, const bool packed)
{
	return packed ? q->vqp.free_head : q->vq.free_head;
}

static unsigned int
ring_drain(struct vxpath_queue *q, void (*fn)(void *arg, void *cookie),
	   void *arg)
{
	return q->packed ? vxpath_vqp_drain(&q->vqp, fn, arg) :
			   vxpath_vq_drain(&q->vq, fn, arg);
}

int
vxpath_queue_alloc(struct vxpath_queue *q, uint16_t size, int socket,
		   bool packed)
{
	size_t bytes = packed ? vxpath_vqp_mem_size(size) :
				vxpath_vq_mem_size(size);
	int ret;

	q->kickfd = -1;
	q->callfd = -1;
	q->packed = packed;
	q->ring_mem = rte_zmalloc_socket("vxpath_ring", bytes, VXPATH_VQ_ALIGN,
					 socket);
	q->chains = rte_zmalloc_socket("vxpath_chains",
				       sizeof(*q->chains) * size,
				       RTE_CACHE_LINE_SIZE, socket);
	if (q->ring_mem == NULL || q->chains == NULL) {
		ret = -ENOMEM;
		goto fail;
	}
	q->kickfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	q->callfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (q->kickfd < 0 || q->callfd < 0) {
		ret = -errno;
		goto fail;
	}
	ret = packed ? vxpath_vqp_init(&q->vqp, q->ring_mem, size, q->chains,
				       false) :
		       vxpath_vq_init(&q->vq, q->ring_mem, size, q->chains);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	vxpath_queue_free(q);
	return ret;
}

void
vxpath_queue_free(struct vxpath_queue *q)
{
	if (q->kickfd >= 0)
		close(q->kickfd);
	if (q->callfd >= 0)
		close(q->callfd);
	q->kickfd = q->callfd = -1;
	rte_free(q->ring_mem);
	rte_free(q->chains);
	q->ring_mem = NULL;
	q->chains = NULL;
}

static __rte_always_inline void
queue_kick(struct vxpath_queue *q, const bool packed)
{
	uint64_t one = 1;

	if (!ring_kick_needed(q, packed))
		return;
	/* An eventfd counter only fails to take 1 near overflow, which a
	 * device that reads it never lets happen: nothing to recover.
	 */
	if (write(q->kickfd, &one, sizeof(one)) == sizeof(one))
		q->stats.kicks++;
}

/*
 * The device broke the ring (vxpath_vq_* recorded what in 'detail'):
 * report it once for the port, in one error line, and take the link down. The queue stays stopped until the port
 * is stopped and started again.
 */
static void
queue_broken(struct vxpath_queue *q)
{
	const char *why = q->packed ? q->vqp.detail : q->vq.detail;
	struct rte_eth_link link;

	if (q->broken_reported)
		return;
	q->broken_reported = true;

	VXPATH_LOG(ERR, "%s: virtqueue %u (%s queue %u) stopped: %s; link down until port restart",
		   q->dev->name, q->vq_index, (q->vq_index & 1) ? "Tx" : "Rx",
		   q->vq_index / 2, why[0] != '\0' ? why : "broken");
	memset(&link, 0, sizeof(link));
	link.link_status = RTE_ETH_LINK_DOWN;
	rte_eth_linkstatus_set(q->eth_dev, &link);
	/* The application hears of it from the interrupt thread. */
	vxpath_intr_ring_broken(q->dev);
}

/*
 * Count one frame in the queue's stats: bytes, size bin, multicast and
 * broadcast (by destination address), as upstream's per-queue xstats.
 */
static inline void
stats_count_frame(struct vxpath_queue_stats *st, const struct rte_mbuf *m)
{
	uint32_t len = m->pkt_len;
	const struct rte_ether_addr *dst;
	unsigned int bin;

	st->bytes += len;
	if (len == 64)
		bin = VXPATH_BIN_64;
	else if (len < 64)
		bin = VXPATH_BIN_UNDERSIZE;
	else if (len > 1518)
		bin = VXPATH_BIN_1519_MAX;
	else /* 65..1518: one bin per power of two, 2 (65..127) to 6 */
		bin = 32 - __builtin_clz(len) - 5;
	st->size_bins[bin]++;
	if (likely(m->data_len >= RTE_ETHER_ADDR_LEN)) {
		dst = rte_pktmbuf_mtod(m, const struct rte_ether_addr *);
		if (unlikely(rte_is_multicast_ether_addr(dst))) {
			if (rte_is_broadcast_ether_addr(dst))
				st->broadcast++;
			else
				st->multicast++;
		}
	}
}

static void
mbuf_free_cb(void *arg __rte_unused, void *cookie)
{
	rte_pktmbuf_free(cookie);
}

/* --- Rx --- */

static __rte_always_inline void
rxq_post(struct vxpath_rxq *rxq, struct rte_mbuf *m, const bool packed)
{
	/* rte_mempool_get_bulk() hands out mbufs with refcnt 1, one segment
	 * and no next (rte_mbuf_raw_alloc()'s promise): what is left to set
	 * lives in the mbuf's first cache line. data_off, refcnt, nb_segs
	 * and port in one store; Rx has no flags, type or tag yet.
	 */
	memcpy(&m->data_off, &rxq->mbuf_rearm, sizeof(rxq->mbuf_rearm));
	m->ol_flags = 0;
	m->packet_type = 0;
	m->vlan_tci = 0;
	ring_add1(&rxq->q, (uint64_t)(uintptr_t)m->buf_addr +
		  RTE_PKTMBUF_HEADROOM - VXPATH_NET_HDR_SIZE, rxq->buf_len,
		  true, m, packed);
}

static __rte_always_inline uint16_t
rxq_refill(struct vxpath_rxq *rxq, const bool packed)
{
	struct rte_mbuf *mbufs[RX_REFILL_BURST];
	struct vxpath_queue *q = &rxq->q;
	uint16_t posted = 0, n, i;

	if (unlikely(ring_broken(q, packed)))
		return 0;
	while (ring_num_free(q, packed) > 0) {
		n = RTE_MIN(ring_num_free(q, packed), (uint16_t)RX_REFILL_BURST);
		/* Bulk allocation is all or nothing: when the pool runs low,
		 * take what is left rather than nothing.
		 */
		if (rte_mempool_get_bulk(rxq->mp, (void **)mbufs, n) != 0) {
			unsigned int left = rte_mempool_avail_count(rxq->mp);

			q->eth_dev->data->rx_mbuf_alloc_failed +=
				n - RTE_MIN(left, n);
			n = (uint16_t)RTE_MIN(left, n);
			if (n == 0 ||
			    rte_mempool_get_bulk(rxq->mp, (void **)mbufs,
						 n) != 0)
				break;
		}
		for (i = 0; i < n; i++)
			rxq_post(rxq, mbufs[i], packed);
		posted += n;
	}
	if (posted > 0) {
		ring_publish(q, packed);
		queue_kick(q, packed);
	}
	return posted;
}

uint16_t
vxpath_rxq_refill(struct vxpath_rxq *rxq)
{
	struct rte_mbuf tmpl;

	/* The first four 16-bit fields of rearm_data as every posted mbuf
	 * gets them (RTE_MBUF_DIRECT, as the pool's are).
	 */
	memset(&tmpl, 0, sizeof(tmpl));
	tmpl.data_off = RTE_PKTMBUF_HEADROOM;
	rte_mbuf_refcnt_set(&tmpl, 1);
	tmpl.nb_segs = 1;
	tmpl.port = rxq->q.port_id;
	RTE_BUILD_BUG_ON(offsetof(struct rte_mbuf, port) + sizeof(tmpl.port) -
			 offsetof(struct rte_mbuf, data_off) !=
			 sizeof(rxq->mbuf_rearm));
	memcpy(&rxq->mbuf_rearm, &tmpl.data_off, sizeof(rxq->mbuf_rearm));
	return rxq->q.packed ? rxq_refill(rxq, true) : rxq_refill(rxq, false);
}

void
vxpath_rxq_drain(struct vxpath_rxq *rxq)
{
	if (rxq->mrg_head != NULL)
		rte_pktmbuf_free(rxq->mrg_head);
	rxq->mrg_head = rxq->mrg_tail = NULL;
	rxq->mrg_left = 0;
	ring_drain(&rxq->q, mbuf_free_cb, NULL);
	rxq->q.broken_reported = false;
}

/* The virtio-net header of a frame's first Rx buffer, just before its data. */
static __rte_always_inline struct virtio_net_hdr_mrg_rxbuf *
rx_hdr(const struct rte_mbuf *m)
{
	return (void *)((char *)m->buf_addr + RTE_PKTMBUF_HEADROOM -
			VXPATH_NET_HDR_SIZE);
}

/*
 * The device broke a frame's rules after its buffers were consumed: mark
 * the ring broken and free what was taken (@n buffers, and the frame being
 * assembled).
 */
static void
rx_frame_broken(struct vxpath_rxq *rxq, const char *why, uint32_t id,
		uint32_t len, void **bufs, uint16_t n, const bool packed)
{
	ring_mark_broken(&rxq->q, why, id, len, packed);
	rte_pktmbuf_free_bulk((struct rte_mbuf **)bufs, n);
	if (rxq->mrg_head != NULL)
		rte_pktmbuf_free(rxq->mrg_head);
	rxq->mrg_head = rxq->mrg_tail = NULL;
	rxq->mrg_left = 0;
}

/*
 * After a frame's bad num_buffers broke the ring: say so with the values
 * (not as a used entry's id and length: the entries were valid).
 */
static void __rte_noinline __rte_cold
rx_num_buffers_detail(struct vxpath_queue *q, uint16_t nbufs, uint32_t len,
		      const bool packed)
{
	char *detail = packed ? q->vqp.detail : q->vq.detail;
	size_t size = packed ? sizeof(q->vqp.detail) : sizeof(q->vq.detail);

	snprintf(detail, size,
		 "num_buffers %u of a received frame out of range (first buffer %u bytes, %u buffers held by the device)",
		 nbufs, len, vxpath_queue_inflight(q));
}

/*
 * Used Rx buffers become frames. A frame of several buffers (MRG_RXBUF,
 * num_buffers in the first one's header) may straddle two calls: the part
 * already taken waits in rxq->mrg_head.
 */
static __rte_always_inline uint16_t
rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts,
	 const bool packed)
{
	struct vxpath_rxq *rxq = queue;
	struct vxpath_queue *q = &rxq->q;
	const uint16_t hdr = VXPATH_NET_HDR_SIZE;
	void *bufs[RX_BURST_MAX];
	uint32_t lens[RX_BURST_MAX];
	uint16_t nb_rx = 0, want, got, i;

	do {
		want = RTE_MIN((uint16_t)(nb_pkts - nb_rx),
			       (uint16_t)RX_BURST_MAX);
		got = ring_get_used_burst(q, bufs, lens, want, packed);
		for (i = 0; i < RTE_MIN(got, (uint16_t)RX_PREFETCH); i++)
			rte_prefetch0(rx_hdr(bufs[i]));
		for (i = 0; i < got; i++) {
			struct rte_mbuf *m = bufs[i];
			const volatile struct virtio_net_hdr *vh;
			const struct virtio_net_hdr_mrg_rxbuf *h;
			uint32_t len = lens[i];
			uint16_t nbufs;

			if (i + RX_PREFETCH < got)
				rte_prefetch0(rx_hdr(bufs[i + RX_PREFETCH]));
			if (rxq->mrg_left == 0) {
				/* A frame's first buffer: header, then data. */
				if (unlikely(len < hdr)) {
					rx_frame_broken(rxq,
						"used length shorter than the virtio-net header",
						0, len, &bufs[i], got - i,
						packed);
					goto out;
				}
				m->data_len = (uint16_t)(len - hdr);
				m->pkt_len = len - hdr;
				if (!rxq->mrg_rxbuf)
					goto frame;
				h = rx_hdr(m);
				nbufs = rte_le_to_cpu_16(
					*(const volatile uint16_t *)&h->num_buffers);
				if (likely(nbufs == 1))
					goto frame;
				/* The rest must be among the buffers taken or
				 * still with the device, or it never ends.
				 */
				if (unlikely(nbufs == 0 || nbufs - 1u >
					     (uint32_t)(got - i - 1) +
					     vxpath_queue_inflight(q))) {
					rx_frame_broken(rxq,
						"num_buffers of a received frame out of range",
						nbufs, len, &bufs[i], got - i,
						packed);
					rx_num_buffers_detail(q, nbufs, len,
							      packed);
					goto out;
				}
				rxq->mrg_head = rxq->mrg_tail = m;
				rxq->mrg_left = nbufs - 1;
				continue;
			}
			/* A later buffer holds data from its first byte. */
			m->data_off = RTE_PKTMBUF_HEADROOM - hdr;
			m->data_len = (uint16_t)len;
			rxq->mrg_head->pkt_len += len;
			rxq->mrg_head->nb_segs++;
			rxq->mrg_tail->next = m;
			rxq->mrg_tail = m;
			if (--rxq->mrg_left > 0)
				continue;
			m = rxq->mrg_head;
			rxq->mrg_head = rxq->mrg_tail = NULL;
frame:
			/* Offload results (5.1.6.4): a header whose flags and
			 * gso_type are 0 has none, the common case.
			 */
			vh = &rx_hdr(m)->hdr;
			if (unlikely(m->pkt_len < RTE_ETHER_HDR_LEN ||
				     ((vh->flags | vh->gso_type) != 0 &&
				      vxpath_rx_hdr_apply(rx_hdr(m), m,
							  q->features) < 0))) {
				/* A runt, or a header the device may not
				 * send: drop and count.
				 */
				q->stats.errors++;
				rte_pktmbuf_free(m);
				continue;
			}
			stats_count_frame(&q->stats, m);
			pkts[nb_rx++] = m;
		}
	} while (got == want && nb_rx < nb_pkts);
out:
	q->stats.packets += nb_rx;
	if (unlikely(ring_broken(q, packed))) {
		queue_broken(q);
		return nb_rx;
	}
	if (ring_num_free(q, packed) >= RTE_MIN((uint16_t)RX_REFILL_BURST,
						ring_size(q, packed) / 4))
		rxq_refill(rxq, packed);
	return nb_rx;
}

uint16_t
vxpath_rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_burst(queue, pkts, nb_pkts, false);
}

uint16_t
vxpath_rx_burst_packed(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return rx_burst(queue, pkts, nb_pkts, true);
}

/* Packed rings: the control path may hold the queue (vxpath_queue_resume_base). */
uint16_t
vxpath_rx_burst_packed_handoff(void *queue, struct rte_mbuf **pkts,
			       uint16_t nb_pkts)
{
	struct vxpath_queue *q = queue;
	uint16_t n;

	if (unlikely(!rte_spinlock_trylock(&q->handoff)))
		return 0;
	n = rx_burst(queue, pkts, nb_pkts, true);
	rte_spinlock_unlock(&q->handoff);
	return n;
}

/* --- Tx --- */

/* Free the mbufs of every chain the device has used, in bulk. */
static __rte_always_inline uint32_t
txq_reclaim(struct vxpath_txq *txq, const bool packed)
{
	void *done[TX_RECLAIM_BURST];
	uint32_t lens[TX_RECLAIM_BURST];
	uint32_t total = 0;
	uint16_t n;

	do {
		n = ring_get_used_burst(&txq->q, done, lens, TX_RECLAIM_BURST,
					packed);
		if (n > 0)
			rte_pktmbuf_free_bulk((struct rte_mbuf **)done, n);
		total += n;
	} while (n == TX_RECLAIM_BURST);
	return total;
}

int
vxpath_tx_done_cleanup(void *queue, uint32_t free_cnt __rte_unused)
{
	struct vxpath_txq *txq = queue;
	uint32_t n;

	n = txq->q.packed ? txq_reclaim(txq, true) : txq_reclaim(txq, false);
	if (vxpath_queue_broken(&txq->q)) {
		queue_broken(&txq->q);
		return -EIO;
	}
	return (int)RTE_MIN(n, (uint32_t)INT_MAX);
}

void
vxpath_txq_drain(struct vxpath_txq *txq)
{
	ring_drain(&txq->q, mbuf_free_cb, NULL);
	txq->q.broken_reported = false;
}

/* The header may go in the mbuf's headroom only if nobody else sees it. */
static inline bool
tx_header_in_headroom(const struct rte_mbuf *m, uint16_t hdr)
{
	return RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1 &&
	       rte_pktmbuf_headroom(m) >= hdr;
}

/*
 * The virtio-net header of a Tx packet (5.1.6.2): zero when the packet asks
 * for no offload (the common case, no call), else what the offloads need.
 * Return: 0; < 0 if the packet asks for what cannot be done.
 */
static __rte_always_inline int
tx_hdr(struct virtio_net_hdr_mrg_rxbuf *h, struct rte_mbuf *m,
       uint64_t features)
{
	if (likely(!(m->ol_flags & RTE_MBUF_F_TX_OFFLOAD_MASK))) {
		static const struct virtio_net_hdr_mrg_rxbuf zero;

		*h = zero;
		return 0;
	}
	return vxpath_tx_hdr_fill(h, m, features);
}

static __rte_always_inline uint16_t
tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts,
	 const bool packed)
{
	struct vxpath_vq_buf bufs[VXPATH_TX_MAX_SEGS];
	struct vxpath_txq *txq = queue;
	struct vxpath_queue *q = &txq->q;
	const uint16_t hdr = VXPATH_NET_HDR_SIZE;
	uint16_t nb_tx, n, sent = 0;

	/* Lazily: the device's used entries are read in bulk, when room
	 * runs short for this burst or below the free threshold.
	 */
	if (ring_num_free(q, packed) < RTE_MAX(txq->free_thresh, nb_pkts))
		txq_reclaim(txq, packed);
	if (unlikely(ring_broken(q, packed))) {
		queue_broken(q);
		return 0;
	}
	for (nb_tx = 0; nb_tx < nb_pkts; nb_tx++) {
		struct rte_mbuf *m = pkts[nb_tx], *seg;
		struct virtio_net_hdr_mrg_rxbuf *h;
		bool in_headroom = tx_header_in_headroom(m, hdr);
		uint16_t need = m->nb_segs + (in_headroom ? 0 : 1);

		if (likely(need == 1)) {
			/* One segment, header in its headroom: one
			 * descriptor, header and data together.
			 */
			if (unlikely(ring_num_free(q, packed) == 0))
				break;
			h = rte_pktmbuf_mtod_offset(m, void *, -(int)hdr);
			if (unlikely(tx_hdr(h, m, q->features) < 0)) {
				q->stats.errors++;
				rte_pktmbuf_free(m);
				continue;
			}
			ring_add1(q, (uint64_t)(uintptr_t)h, hdr + m->data_len,
				  false, m, packed);
			stats_count_frame(&q->stats, m);
			sent++;
			continue;
		}
		if (unlikely(need > VXPATH_TX_MAX_SEGS ||
			     need > ring_size(q, packed))) {
			q->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		if ((txq->indirect != NULL ? 1 : need) >
		    ring_num_free(q, packed))
			break;

		n = 0;
		if (in_headroom) {
			h = rte_pktmbuf_mtod_offset(m, void *, -(int)hdr);
			bufs[n].addr = (uint64_t)(uintptr_t)h;
			bufs[n].len = hdr + m->data_len;
		} else {
			/* The chain's id indexes its header slot. */
			h = &txq->hdrs[ring_next_id(q, packed)];
			bufs[n].addr = (uint64_t)(uintptr_t)h;
			bufs[n].len = hdr;
			bufs[++n].addr = (uint64_t)rte_pktmbuf_mtod(m, uintptr_t);
			bufs[n].len = m->data_len;
		}
		bufs[n++].writable = false;
		/* Bounded by 'need' too: nb_segs was what was checked. */
		for (seg = m->next; seg != NULL && n < need;
		     seg = seg->next, n++) {
			bufs[n].addr = (uint64_t)rte_pktmbuf_mtod(seg, uintptr_t);
			bufs[n].len = seg->data_len;
			bufs[n].writable = false;
		}
		/* Offload requests into the header (5.1.6.2); a packet asking
		 * for what was not negotiated can never be sent: drop it.
		 */
		if (unlikely(tx_hdr(h, m, q->features) < 0)) {
			q->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		/* Two buffers or more: one ring descriptor and an
		 * indirect table, when the device takes them.
		 */
		if (unlikely((txq->indirect != NULL ?
			      ring_add_indirect(q, txq->indirect, bufs, n, m,
						packed) :
			      ring_add(q, bufs, n, m, packed)) < 0))
			break;
		/* Not yet published: the mbuf is still safe to read. */
		stats_count_frame(&q->stats, m);
		sent++;
	}
	if (sent > 0) {
		ring_publish(q, packed);
		queue_kick(q, packed);
	}
	q->stats.packets += sent;
	return nb_tx;
}

uint16_t
vxpath_tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return tx_burst(queue, pkts, nb_pkts, false);
}

uint16_t
vxpath_tx_burst_packed(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	return tx_burst(queue, pkts, nb_pkts, true);
}

uint16_t
vxpath_tx_burst_packed_handoff(void *queue, struct rte_mbuf **pkts,
			       uint16_t nb_pkts)
{
	struct vxpath_queue *q = queue;
	uint16_t n;

	if (unlikely(!rte_spinlock_trylock(&q->handoff)))
		return 0;
	n = tx_burst(queue, pkts, nb_pkts, true);
	rte_spinlock_unlock(&q->handoff);
	return n;
}

int
vxpath_queue_resume_base(struct vxpath_queue *q, uint32_t *base)
{
	int ret = 0;

	if (!q->packed) {
		/* Only a device writes used->idx, and none is attached. */
		*base = rte_le_to_cpu_16(__atomic_load_n(&q->vq.used->idx,
							 __ATOMIC_ACQUIRE));
		return 0;
	}
	rte_spinlock_lock(&q->handoff);
	/* Odd virtqueue indexes are transmitqs (virtio-net 5.1.2). */
	if (q->vq_index & 1)
		txq_reclaim(container_of(q, struct vxpath_txq, q), true);
	if (vxpath_vqp_used_count(&q->vqp, 1) > 0 || q->vqp.inorder_left > 0)
		ret = -EAGAIN;
	else
		*base = vxpath_vqp_vring_base(&q->vqp);
	rte_spinlock_unlock(&q->handoff);
	return ret;
}

uint16_t
vxpath_tx_pkt_prepare(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	const struct vxpath_txq *txq = queue;

	return vxpath_tx_prepare(txq->q.features, pkts, nb_pkts);
}
