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
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_branch_prediction.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_prefetch.h>

#include "offload.h"
#include "rxtx.h"
#include "vxpath.h"
#include "vxpath_log.h"

/* Rx buffers posted per refill call at most (bulk mbuf allocation). */
#define RX_REFILL_BURST 64

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

/* Used chains ready; a packed ring is scanned for at most @max of them. */
static __rte_always_inline uint16_t
ring_used_count(struct vxpath_queue *q, uint16_t max, const bool packed)
{
	return packed ? vxpath_vqp_used_count(&q->vqp, max) :
			vxpath_vq_used_count(&q->vq);
}

static __rte_always_inline void *
ring_peek_used(struct vxpath_queue *q, uint16_t offset, uint32_t *len,
	       const bool packed)
{
	return packed ? vxpath_vqp_peek_used(&q->vqp, offset, len) :
			vxpath_vq_peek_used(&q->vq, offset, len);
}

static __rte_always_inline int
ring_get_used(struct vxpath_queue *q, void **cookie, uint32_t *len,
	      const bool packed)
{
	return packed ? vxpath_vqp_get_used(&q->vqp, cookie, len) :
			vxpath_vq_get_used(&q->vq, cookie, len);
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

static __rte_always_inline int
rxq_post(struct vxpath_rxq *rxq, struct rte_mbuf *m, const bool packed)
{
	struct vxpath_vq_buf buf = {
		.addr = (uint64_t)(uintptr_t)m->buf_addr + RTE_PKTMBUF_HEADROOM -
			rxq->q.hdr_size,
		.len = rxq->buf_len,
		.writable = true,
	};

	return ring_add(&rxq->q, &buf, 1, m, packed);
}

static __rte_always_inline uint16_t
rxq_refill(struct vxpath_rxq *rxq, const bool packed)
{
	struct rte_mbuf *mbufs[RX_REFILL_BURST];
	struct vxpath_queue *q = &rxq->q;
	uint16_t posted = 0, n, i;

	while (ring_num_free(q, packed) > 0) {
		n = RTE_MIN(ring_num_free(q, packed), (uint16_t)RX_REFILL_BURST);
		/* Bulk allocation is all or nothing: when the pool runs low,
		 * take what is left rather than nothing.
		 */
		if (rte_pktmbuf_alloc_bulk(rxq->mp, mbufs, n) != 0) {
			unsigned int left = rte_mempool_avail_count(rxq->mp);

			q->eth_dev->data->rx_mbuf_alloc_failed +=
				n - RTE_MIN(left, n);
			n = (uint16_t)RTE_MIN(left, n);
			if (n == 0 ||
			    rte_pktmbuf_alloc_bulk(rxq->mp, mbufs, n) != 0)
				break;
		}
		for (i = 0; i < n; i++) {
			if (rxq_post(rxq, mbufs[i], packed) < 0) {
				rte_pktmbuf_free_bulk(&mbufs[i], n - i);
				posted += i;
				goto out;
			}
		}
		posted += n;
	}
out:
	if (posted > 0) {
		ring_publish(q, packed);
		queue_kick(q, packed);
	}
	return posted;
}

uint16_t
vxpath_rxq_refill(struct vxpath_rxq *rxq)
{
	return rxq->q.packed ? rxq_refill(rxq, true) : rxq_refill(rxq, false);
}

void
vxpath_rxq_drain(struct vxpath_rxq *rxq)
{
	ring_drain(&rxq->q, mbuf_free_cb, NULL);
	rxq->q.broken_reported = false;
}

/*
 * Take one frame of @nbufs used buffers off the ring; the first was checked
 * by the caller. Return the mbuf chain, or NULL if the ring broke.
 */
static __rte_always_inline struct rte_mbuf *
rx_take_frame(struct vxpath_rxq *rxq, uint16_t nbufs, const bool packed)
{
	struct rte_mbuf *head = NULL, *prev = NULL, *m;
	uint16_t hdr = rxq->q.hdr_size;
	uint32_t len;
	void *ck;
	uint16_t i;

	for (i = 0; i < nbufs; i++) {
		if (ring_get_used(&rxq->q, &ck, &len, packed) < 0)
			goto broken;
		m = ck;
		if (i == 0) {
			/* The first buffer holds the header, then data. */
			if (unlikely(len < hdr)) {
				ring_mark_broken(&rxq->q,
					"used length shorter than the virtio-net header",
					0, len, packed);
				rte_pktmbuf_free(m);
				goto broken;
			}
			m->data_off = RTE_PKTMBUF_HEADROOM;
			m->data_len = (uint16_t)(len - hdr);
			m->pkt_len = len - hdr;
			m->nb_segs = 1;
			head = m;
		} else {
			/* Later buffers hold data from their first byte. */
			m->data_off = RTE_PKTMBUF_HEADROOM - hdr;
			m->data_len = (uint16_t)len;
			head->pkt_len += len;
			head->nb_segs++;
			prev->next = m;
		}
		m->next = NULL;
		prev = m;
	}
	return head;

broken:
	if (head != NULL)
		rte_pktmbuf_free(head);
	return NULL;
}

static __rte_always_inline uint16_t
rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts,
	 const bool packed)
{
	struct vxpath_rxq *rxq = queue;
	struct vxpath_queue *q = &rxq->q;
	uint16_t hdr = q->hdr_size;
	uint16_t nb_rx = 0, ready, nbufs;

	ready = ring_used_count(q, nb_pkts, packed);
	while (nb_rx < nb_pkts && ready > 0) {
		struct virtio_net_hdr_mrg_rxbuf *h;
		struct rte_mbuf *m;
		uint32_t len;

		m = ring_peek_used(q, 0, &len, packed);
		if (unlikely(m == NULL))
			break;
		nbufs = 1;
		if (rxq->mrg_rxbuf && len >= hdr) {
			h = (void *)((char *)m->buf_addr + RTE_PKTMBUF_HEADROOM - hdr);
			nbufs = rte_le_to_cpu_16(h->num_buffers);
			/* More buffers than the device holds would never
			 * complete: a broken device, not one to wait for.
			 */
			if (unlikely(nbufs == 0 ||
				     nbufs > vxpath_queue_inflight(q))) {
				ring_mark_broken(q,
					"num_buffers of a received frame out of range",
					nbufs, len, packed);
				break;
			}
			/* The device publishes a frame's buffers together;
			 * fewer is a frame still being written: wait. (A
			 * packed ring was only scanned as far as asked.)
			 */
			if (nbufs > ready) {
				ready = ring_used_count(q, nbufs, packed);
				if (nbufs > ready)
					break;
			}
		}
		m = rx_take_frame(rxq, nbufs, packed);
		if (unlikely(m == NULL))
			break;
		ready -= nbufs;
		m->port = q->port_id;
		m->ol_flags = 0;
		m->packet_type = 0;
		m->vlan_tci = 0;
		/* The header sits just before the frame (first buffer). */
		h = (void *)((char *)m->buf_addr + RTE_PKTMBUF_HEADROOM - hdr);
		if (unlikely(m->pkt_len < RTE_ETHER_HDR_LEN ||
			     vxpath_rx_hdr_apply(h, m, q->features) < 0)) {
			/* A runt, or a header the device may not send:
			 * drop and count.
			 */
			q->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		stats_count_frame(&q->stats, m);
		pkts[nb_rx++] = m;
	}
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

/* --- Tx --- */

/* Free the mbufs of every chain the device has used. */
static __rte_always_inline void
txq_reclaim(struct vxpath_txq *txq, const bool packed)
{
	uint32_t len;
	void *ck;

	while (ring_get_used(&txq->q, &ck, &len, packed) == 0)
		rte_pktmbuf_free(ck);
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

static __rte_always_inline uint16_t
tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts,
	 const bool packed)
{
	struct vxpath_vq_buf bufs[VXPATH_TX_MAX_SEGS];
	struct vxpath_txq *txq = queue;
	struct vxpath_queue *q = &txq->q;
	uint16_t hdr = q->hdr_size;
	uint16_t nb_tx, n, sent = 0;

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

		if (unlikely(need > VXPATH_TX_MAX_SEGS ||
			     need > ring_size(q, packed))) {
			q->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		if ((txq->indirect != NULL && need >= 2 ? 1 : need) >
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
		if (unlikely(vxpath_tx_hdr_fill(h, m, q->features) < 0)) {
			q->stats.errors++;
			rte_pktmbuf_free(m);
			continue;
		}
		/* Two buffers or more: one ring descriptor and an
		 * indirect table, when the device takes them.
		 */
		if (unlikely((txq->indirect != NULL && n >= 2 ?
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
vxpath_tx_pkt_prepare(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	const struct vxpath_txq *txq = queue;

	return vxpath_tx_prepare(txq->q.features, pkts, nb_pkts);
}
