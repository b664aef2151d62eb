/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The datapath: Rx and Tx burst functions over split or packed virtqueues.
 *
 * Buffers are described to the device by our virtual addresses (the memory
 * table maps them one to one). The virtio-net header (5.1.6) sits in the
 * mbuf's headroom, just before the packet data: on Rx every posted buffer
 * starts VXPATH_NET_HDR_SIZE bytes before the data offset, so the first buffer of a
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

#include "coalesce.h"
#include "intr.h"
#include "offload.h"
#include "rxtx.h"
#include "vxpath.h"
#include "vxpath_log.h"

/* Rx buffers posted per refill call at most (bulk mbuf allocation). */
#define RX_REFILL_BURST 64
/*
 * Rx buffers are posted again once this many are free (or an eighth of a
 * smaller ring): in batches, each with one index store and one
 * notification check, yet early enough that a device delivering in bursts
 * (vhost-net) seldom finds the ring empty and has to be kicked.
 */
#define RX_REFILL_THRESH 32
/* Used Rx buffers taken from the ring at once, at most. */
#define RX_BURST_MAX 64
/* Rx headers prefetched ahead of the one being read, in buffers. */
#define RX_PREFETCH 4
/* Used Tx chains taken back (and their mbufs freed) at once, at most. */
#define TX_RECLAIM_BURST 64

/*
 * @n driver-readable buffers through the indirect table of the next chain
 * id (VXPATH_TX_MAX_SEGS descriptors a chain, struct vxpath_txq). @packed
 * and @in_order are constants, as for every ring call of the burst
 * functions below (ring.h): each is compiled once per ring kind and
 * descriptor order, both fixed at probe, and the burst function ethdev
 * calls is chosen then (vxpath_burst_select()).
 */
static __rte_always_inline int
tx_add_indirect(struct vxpath_queue *q, void *tables,
		const struct vxpath_vq_buf *bufs, uint16_t n, void *cookie,
		const bool packed, const bool in_order)
{
	size_t at = (size_t)vxpath_ring_next_id(&q->ring, packed, in_order) *
		    VXPATH_TX_MAX_SEGS * sizeof(struct vring_desc);

	RTE_BUILD_BUG_ON(sizeof(struct vring_desc) !=
			 sizeof(struct vring_packed_desc));
	return vxpath_ring_add_indirect(&q->ring, (char *)tables + at, bufs, n,
					cookie, packed);
}

int
vxpath_queue_alloc(struct vxpath_queue *q, uint16_t size, int socket,
		   bool packed)
{
	size_t bytes = vxpath_ring_mem_size(size, packed);
	int ret;

	q->kickfd = -1;
	q->callfd = -1;
	q->ring.is_packed = packed;
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
	ret = vxpath_ring_init(&q->ring, packed, q->ring_mem, size, q->chains);
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

	if (!vxpath_ring_kick_needed(&q->ring, packed))
		return;
	/* An eventfd counter only fails to take 1 near overflow, which a
	 * device that reads it never lets happen: nothing to recover.
	 */
	if (write(q->kickfd, &one, sizeof(one)) == sizeof(one))
		q->stats.kicks++;
}

/*
 * The device broke the ring (its fault record says what, ring.h):
 * report it once for the port, in one error line, and take the link down. The queue stays stopped until the port
 * is stopped and started again.
 */
static void
queue_broken(struct vxpath_queue *q)
{
	const char *why = vxpath_ring_fault(&q->ring, q->ring.is_packed)->detail;
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
 * Count one frame of @len bytes in the queue's stats: bytes and size bin,
 * as upstream's per-queue xstats. From the length only: the datapath never
 * reads a frame's contents (see struct vxpath_queue_stats).
 */
static __rte_always_inline void
stats_count_frame(struct vxpath_queue_stats *st, uint32_t len)
{
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
}

static void
mbuf_free_cb(void *arg __rte_unused, void *cookie)
{
	rte_pktmbuf_free(cookie);
}

/* --- Rx --- */

static __rte_always_inline uint16_t
rxq_refill(struct vxpath_rxq *rxq, const bool packed, const bool in_order)
{
	/* Read once: the mbuf stores below could alias them, by type. */
	const uint64_t rearm = rxq->mbuf_rearm;
	const uint32_t buf_len = rxq->buf_len;
	struct rte_mbuf *mbufs[RX_REFILL_BURST];
	struct vxpath_queue *q = &rxq->q;
	uint16_t posted = 0, n, i;
	struct vxpath_ring_prod p;

	if (unlikely(vxpath_ring_broken(&q->ring, packed)))
		return 0;
	vxpath_ring_prod_begin(&q->ring, &p, packed, in_order);
	while (vxpath_ring_prod_num_free(&p, packed) > 0) {
		n = RTE_MIN(vxpath_ring_prod_num_free(&p, packed),
			    (uint16_t)RX_REFILL_BURST);
		/* Bulk allocation is all or nothing: when the pool runs low,
		 * take what is left rather than nothing.
		 */
		if (rte_mempool_get_bulk(rxq->mp, (void **)mbufs, n) != 0) {
			unsigned int left = rte_mempool_avail_count(rxq->mp);

			n = (uint16_t)RTE_MIN(left, n);
			if (n == 0 ||
			    rte_mempool_get_bulk(rxq->mp, (void **)mbufs,
						 n) != 0) {
				/* Once per refill: what stays unposted. */
				q->stats.nombuf +=
					vxpath_ring_prod_num_free(&p, packed);
				break;
			}
		}
		for (i = 0; i < n; i++) {
			struct rte_mbuf *m = mbufs[i];

			/* rte_mempool_get_bulk() hands out mbufs with refcnt
			 * 1, one segment and no next (rte_mbuf_raw_alloc()'s
			 * promise): what is left to set lives in the mbuf's
			 * first cache line. data_off, refcnt, nb_segs and
			 * port in one store; Rx has no flags, type or tag
			 * yet.
			 */
			memcpy(&m->data_off, &rearm, sizeof(rearm));
			m->ol_flags = 0;
			m->packet_type = 0;
			m->vlan_tci = 0;
			vxpath_ring_prod_add1(&p, (uint64_t)(uintptr_t)m->buf_addr +
				       RTE_PKTMBUF_HEADROOM - VXPATH_NET_HDR_SIZE,
				       buf_len, true, m, packed, in_order);
		}
		posted += n;
	}
	vxpath_ring_prod_end(&q->ring, &p, packed, in_order);
	if (posted > 0) {
		vxpath_ring_publish(&q->ring, packed);
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
	if (rxq->q.ring.is_packed)
		return vxpath_ring_in_order(&rxq->q.ring) ?
			rxq_refill(rxq, true, true) :
			rxq_refill(rxq, true, false);
	return vxpath_ring_in_order(&rxq->q.ring) ?
		rxq_refill(rxq, false, true) : rxq_refill(rxq, false, false);
}

/*
 * Drop the frame being assembled (MRG_RXBUF): its buffers were used by the
 * device, so they are the driver's to free whatever becomes of the ring.
 */
static void
rxq_drop_partial_frame(struct vxpath_rxq *rxq)
{
	if (rxq->mrg_head != NULL)
		rte_pktmbuf_free(rxq->mrg_head);
	rxq->mrg_head = rxq->mrg_tail = NULL;
	rxq->mrg_left = 0;
}

void
vxpath_rxq_drain(struct vxpath_rxq *rxq)
{
	rxq_drop_partial_frame(rxq);
	vxpath_ring_drain(&rxq->q.ring, mbuf_free_cb, NULL);
	rxq->q.broken_reported = false;
}

uint16_t
vxpath_rxq_abandon(struct vxpath_rxq *rxq)
{
	uint16_t n = vxpath_ring_inflight(&rxq->q.ring, rxq->q.ring.is_packed);

	rxq_drop_partial_frame(rxq);
	vxpath_ring_reset(&rxq->q.ring);
	rxq->q.broken_reported = false;
	return n;
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
	vxpath_ring_mark_broken(&rxq->q.ring, why, id, len, packed);
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
	struct vxpath_vq_fault *f = vxpath_ring_fault(&q->ring, packed);

	snprintf(f->detail, sizeof(f->detail),
		 "num_buffers %u of a received frame out of range (first buffer %u bytes, %u buffers held by the device)",
		 nbufs, len, vxpath_ring_inflight(&q->ring, packed));
}

/*
 * Used Rx buffers become frames. A frame of several buffers (MRG_RXBUF,
 * num_buffers in the first one's header) may straddle two calls: the part
 * already taken waits in rxq->mrg_head.
 */
static __rte_always_inline uint16_t
rx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts,
	 const bool packed, const bool in_order)
{
	struct vxpath_rxq *rxq = queue;
	struct vxpath_queue *q = &rxq->q;
	const uint16_t hdr = VXPATH_NET_HDR_SIZE;
	/* Read once: the mbuf stores below could alias them, by type. */
	const bool mrg_rxbuf = rxq->mrg_rxbuf;
	const uint32_t buf_len = rxq->buf_len;
	const uint64_t features = q->features;
	const bool hdr_flags = rxq->hdr_flags;
	const unsigned int filters = __atomic_load_n(&rxq->rx_filter,
						     __ATOMIC_RELAXED);
	uint16_t mrg_left = rxq->mrg_left;
	void *bufs[RX_BURST_MAX];
	uint32_t lens[RX_BURST_MAX];
	uint16_t nb_rx = 0, want, got, i;

	do {
		want = RTE_MIN((uint16_t)(nb_pkts - nb_rx),
			       (uint16_t)RX_BURST_MAX);
		got = vxpath_ring_get_used_burst(&q->ring, bufs, lens, want, packed,
					  in_order);
		for (i = 0; hdr_flags && i < RTE_MIN(got, (uint16_t)RX_PREFETCH);
		     i++)
			rte_prefetch0(rx_hdr(bufs[i]));
		for (i = 0; i < got; i++) {
			struct rte_mbuf *m = bufs[i];
			const volatile struct virtio_net_hdr *vh;
			const struct virtio_net_hdr_mrg_rxbuf *h;
			uint32_t len = lens[i], plen;
			uint16_t nbufs;

			if (hdr_flags && i + RX_PREFETCH < got)
				rte_prefetch0(rx_hdr(bufs[i + RX_PREFETCH]));
			if (likely(mrg_left == 0)) {
				/* A frame's first buffer: header, then data. */
				if (unlikely(len < hdr)) {
					rx_frame_broken(rxq,
						"used length shorter than the virtio-net header",
						0, len, &bufs[i], got - i,
						packed);
					goto out;
				}
				plen = len - hdr;
				m->data_len = (uint16_t)plen;
				m->pkt_len = plen;
				/* The device fills every buffer of a merged
				 * frame but the last (5.1.6.4.1): a first
				 * buffer it did not fill holds the whole frame,
				 * num_buffers 1, and is not read (nor, unless
				 * rxq->hdr_flags, is the rest of its header).
				 */
				if (mrg_rxbuf && len == buf_len) {
					h = rx_hdr(m);
					nbufs = rte_le_to_cpu_16(*(const volatile uint16_t *)
								 &h->num_buffers);
				} else {
					nbufs = 1;
				}
				if (unlikely(nbufs != 1)) {
					/* The rest must be among the buffers
					 * taken or still with the device, or
					 * it never ends.
					 */
					if (unlikely(nbufs == 0 || nbufs - 1u >
						     (uint32_t)(got - i - 1) +
						     vxpath_ring_inflight(&q->ring,
									  packed))) {
						rx_frame_broken(rxq,
							"num_buffers of a received frame out of range",
							nbufs, len, &bufs[i],
							got - i, packed);
						rx_num_buffers_detail(q, nbufs,
								      len,
								      packed);
						goto out;
					}
					rxq->mrg_head = rxq->mrg_tail = m;
					mrg_left = nbufs - 1;
					continue;
				}
			} else {
				/* A later buffer holds data from its first
				 * byte.
				 */
				m->data_off = RTE_PKTMBUF_HEADROOM - hdr;
				m->data_len = (uint16_t)len;
				rxq->mrg_head->pkt_len += len;
				rxq->mrg_head->nb_segs++;
				rxq->mrg_tail->next = m;
				rxq->mrg_tail = m;
				if (--mrg_left > 0)
					continue;
				m = rxq->mrg_head;
				rxq->mrg_head = rxq->mrg_tail = NULL;
				plen = m->pkt_len;
			}
			/* Offload results (5.1.6.4), only where receive
			 * offloads were negotiated or the back-end sets flags
			 * without them (rxq->hdr_flags; otherwise the device
			 * sets flags 0 and GSO_NONE, 5.1.6.4.1): a header
			 * whose flags and gso_type are 0 has none, the common
			 * case.
			 */
			vh = &rx_hdr(m)->hdr;
			if (unlikely(plen < RTE_ETHER_HDR_LEN ||
				     (hdr_flags &&
				      (vh->flags | vh->gso_type) != 0 &&
				      vxpath_rx_hdr_apply(rx_hdr(m), m,
							  features) < 0))) {
				/* A runt, or a header the device may not
				 * send: drop and count.
				 */
				q->stats.errors++;
				rte_pktmbuf_free(m);
				continue;
			}
			/* The device's receive filter, when on (ctrl.h). */
			if (unlikely(filters != 0) &&
			    !vxpath_ctrl_rx_accept(q->dev, filters, m)) {
				q->stats.filtered++;
				rte_pktmbuf_free(m);
				continue;
			}
			stats_count_frame(&q->stats, plen);
			pkts[nb_rx++] = m;
		}
	} while (got == want && nb_rx < nb_pkts);
	rxq->mrg_left = mrg_left;
	q->stats.packets += nb_rx;
	if (unlikely(vxpath_ring_broken(&q->ring, packed))) {
		queue_broken(q);
		return nb_rx;
	}
	if (vxpath_ring_num_free(&q->ring, packed) >=
	    RTE_MIN((uint16_t)RX_REFILL_THRESH,
		    (uint16_t)RTE_MAX(vxpath_ring_size(&q->ring, packed) / 8, 1)))
		rxq_refill(rxq, packed, in_order);
	return nb_rx;
out:
	/* rx_frame_broken() dropped the frame being assembled. */
	q->stats.packets += nb_rx;
	queue_broken(q);
	return nb_rx;
}

/* --- Tx --- */

/*
 * Free @n sent packets. With RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE the
 * one-segment ones go straight back to their common pool (they are direct,
 * refcnt 1, next NULL: what the pool holds), the others segment by
 * segment.
 */
static __rte_always_inline void
txq_free_mbufs(const struct vxpath_txq *txq, struct rte_mbuf **m, uint16_t n)
{
	struct rte_mempool *mp;
	uint16_t i, k = 0;

	if (!txq->fast_free) {
		rte_pktmbuf_free_bulk(m, n);
		return;
	}
	mp = m[0]->pool;
	for (i = 0; i < n; i++) {
		if (likely(m[i]->nb_segs == 1))
			m[k++] = m[i];
		else
			rte_pktmbuf_free(m[i]);
	}
	rte_mempool_put_bulk(mp, (void **)m, k);
}

/*
 * Take used chains back, oldest first, TX_RECLAIM_BURST at a time, and free
 * their mbufs in bulk, until @room descriptors are free or the device has
 * used no more (UINT16_MAX: every used chain).
 * Return: chains taken back.
 */
static __rte_always_inline uint32_t
txq_reclaim(struct vxpath_txq *txq, uint16_t room, const bool packed,
	    const bool in_order)
{
	void *done[TX_RECLAIM_BURST];
	uint32_t total = 0;
	uint16_t n;

	/* Driver-readable chains: no used length to look at. */
	do {
		n = vxpath_ring_get_used_burst(&txq->q.ring, done, NULL, TX_RECLAIM_BURST,
					packed, in_order);
		if (n > 0)
			txq_free_mbufs(txq, (struct rte_mbuf **)done, n);
		total += n;
	} while (n == TX_RECLAIM_BURST &&
		 vxpath_ring_num_free(&txq->q.ring, packed) < room);
	return total;
}

int
vxpath_tx_done_cleanup(void *queue, uint32_t free_cnt __rte_unused)
{
	struct vxpath_txq *txq = queue;
	uint32_t n;

	bool in_order = vxpath_ring_in_order(&txq->q.ring);

	if (txq->q.ring.is_packed)
		n = in_order ? txq_reclaim(txq, UINT16_MAX, true, true) :
			       txq_reclaim(txq, UINT16_MAX, true, false);
	else
		n = in_order ? txq_reclaim(txq, UINT16_MAX, false, true) :
			       txq_reclaim(txq, UINT16_MAX, false, false);
	if (vxpath_ring_broken(&txq->q.ring, txq->q.ring.is_packed)) {
		queue_broken(&txq->q);
		return -EIO;
	}
	return (int)RTE_MIN(n, (uint32_t)INT_MAX);
}

void
vxpath_txq_drain(struct vxpath_txq *txq)
{
	vxpath_ring_drain(&txq->q.ring, mbuf_free_cb, NULL);
	txq->q.broken_reported = false;
}

uint16_t
vxpath_txq_abandon(struct vxpath_txq *txq)
{
	uint16_t n = vxpath_ring_inflight(&txq->q.ring, txq->q.ring.is_packed);

	vxpath_ring_reset(&txq->q.ring);
	txq->q.broken_reported = false;
	return n;
}

/*
 * The header may go in the mbuf's headroom only if nobody else sees it:
 * a direct mbuf with refcnt 1, which RTE_ETH_TX_OFFLOAD_MBUF_FAST_FREE
 * (@fast_free) promises for every mbuf of the queue.
 */
static __rte_always_inline bool
tx_header_in_headroom(const struct rte_mbuf *m, uint16_t hdr, bool fast_free)
{
	return (fast_free ||
		(RTE_MBUF_DIRECT(m) && rte_mbuf_refcnt_read(m) == 1)) &&
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
		memset(h, 0, sizeof(*h));
		return 0;
	}
	return vxpath_tx_hdr_fill(h, m, features);
}

/*
 * Count a frame the burst put on the ring: bytes and size bin of the frame
 * as it went; with @cnt (coalescing, NULL otherwise: a constant), the
 * application's packets (@cnt[i]) and bytes (@abytes[i]) it holds, added
 * to *@app_pkts and the queue's bytes, and a merged frame in the
 * coalesced_* counters.
 */
static __rte_always_inline void
tx_count_sent(struct vxpath_queue_stats *st, const struct rte_mbuf *m,
	      const uint16_t *cnt, const uint32_t *abytes, unsigned int i,
	      uint32_t *app_pkts)
{
	stats_count_frame(st, m->pkt_len);
	if (cnt == NULL)
		return;
	st->bytes += abytes[i] - m->pkt_len;
	*app_pkts += cnt[i];
	if (cnt[i] > 1) {
		st->coalesced_frames++;
		st->coalesced_segments += cnt[i];
	}
}

/*
 * The Tx burst. @cnt and @abytes are NULL (a constant, for the plain burst
 * functions) or, from tx_burst_coalesce(), per frame the application's
 * packets and bytes it holds: the queue's packets, bytes and errors count
 * those (struct vxpath_queue_stats).
 */
static __rte_always_inline uint16_t
tx_burst(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts,
	 const bool packed, const bool in_order, const uint16_t *cnt,
	 const uint32_t *abytes)
{
	struct vxpath_vq_buf bufs[VXPATH_TX_MAX_SEGS];
	struct vxpath_txq *txq = queue;
	struct vxpath_queue *q = &txq->q;
	const uint16_t hdr = VXPATH_NET_HDR_SIZE;
	const uint64_t features = q->features;
	const bool fast_free = txq->fast_free;
	unsigned int nb_tx, n, dropped = 0;
	uint32_t app_pkts = 0;
	struct vxpath_ring_prod p;
	uint16_t room;

	/* Lazily: when room runs short for this burst or below the free
	 * threshold, and then only the oldest used chains, a burst at a time
	 * until there is room. Taking back every used chain at once would
	 * empty the Tx ring into the mempool's cache (and past it, into the
	 * pool's ring): the mbufs would return to the Rx ring cold. It would
	 * also read the used entries the device is writing at that moment.
	 */
	room = RTE_MAX(txq->free_thresh, nb_pkts);
	if (vxpath_ring_num_free(&q->ring, packed) < room)
		txq_reclaim(txq, room, packed, in_order);
	if (unlikely(vxpath_ring_broken(&q->ring, packed))) {
		queue_broken(q);
		return 0;
	}
	vxpath_ring_prod_begin(&q->ring, &p, packed, in_order);
	for (nb_tx = 0; nb_tx < nb_pkts; nb_tx++) {
		struct rte_mbuf *m = pkts[nb_tx], *seg;
		struct virtio_net_hdr_mrg_rxbuf *h;
		bool in_headroom = tx_header_in_headroom(m, hdr, fast_free);
		uint16_t need;
		int ret;

		if (likely(m->nb_segs == 1 && in_headroom)) {
			/* One segment, header in its headroom: one
			 * descriptor, header and data together.
			 */
			if (unlikely(vxpath_ring_prod_num_free(&p, packed) == 0))
				break;
			h = rte_pktmbuf_mtod_offset(m, void *, -(int)hdr);
			if (unlikely(tx_hdr(h, m, features) < 0)) {
				q->stats.errors += cnt != NULL ? cnt[nb_tx] : 1;
				dropped++;
				rte_pktmbuf_free(m);
				continue;
			}
			vxpath_ring_prod_add1(&p, (uint64_t)(uintptr_t)h,
				       hdr + m->data_len, false, m, packed,
				       in_order);
			tx_count_sent(&q->stats, m, cnt, abytes, nb_tx,
				      &app_pkts);
			continue;
		}
		need = m->nb_segs + (in_headroom ? 0 : 1);
		if (unlikely(need > VXPATH_TX_MAX_SEGS ||
			     need > vxpath_ring_size(&q->ring, packed))) {
			q->stats.errors += cnt != NULL ? cnt[nb_tx] : 1;
			dropped++;
			rte_pktmbuf_free(m);
			continue;
		}
		if ((txq->indirect != NULL ? 1 : need) >
		    vxpath_ring_prod_num_free(&p, packed))
			break;

		n = 0;
		if (in_headroom) {
			h = rte_pktmbuf_mtod_offset(m, void *, -(int)hdr);
			bufs[n].addr = (uint64_t)(uintptr_t)h;
			bufs[n].len = hdr + m->data_len;
		} else {
			/* The chain's id indexes its header slot. */
			h = &txq->hdrs[vxpath_ring_prod_next_id(&p, packed, in_order)];
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
		if (unlikely(tx_hdr(h, m, features) < 0)) {
			q->stats.errors += cnt != NULL ? cnt[nb_tx] : 1;
			dropped++;
			rte_pktmbuf_free(m);
			continue;
		}
		/* Two buffers or more: one ring descriptor and an
		 * indirect table, when the device takes them. The general
		 * add works on the virtqueue itself.
		 */
		vxpath_ring_prod_end(&q->ring, &p, packed, in_order);
		ret = txq->indirect != NULL ?
			tx_add_indirect(q, txq->indirect, bufs, n, m, packed,
					  in_order) :
			vxpath_ring_add(&q->ring, bufs, n, m, packed);
		vxpath_ring_prod_begin(&q->ring, &p, packed, in_order);
		if (unlikely(ret < 0))
			break;
		/* Not yet published: the mbuf is still safe to read. */
		tx_count_sent(&q->stats, m, cnt, abytes, nb_tx, &app_pkts);
	}
	vxpath_ring_prod_end(&q->ring, &p, packed, in_order);
	/* Every packet taken was sent, but those dropped. */
	if (nb_tx > dropped) {
		vxpath_ring_publish(&q->ring, packed);
		queue_kick(q, packed);
	}
	q->stats.packets += cnt != NULL ? app_pkts : nb_tx - dropped;
	return nb_tx;
}

/*
 * Descriptors packet @m takes on the ring as it is (the Tx burst's rules):
 * one with an indirect table or for one segment with its header in the
 * headroom, else one per segment and one for a header slot. A frame merged
 * from packets takes no more than they would have taken one by one.
 */
static __rte_always_inline uint16_t
tx_descs_of(const struct vxpath_txq *txq, const struct rte_mbuf *m)
{
	bool in_headroom = tx_header_in_headroom(m, VXPATH_NET_HDR_SIZE,
						 txq->fast_free);

	if (txq->indirect != NULL || (m->nb_segs == 1 && in_headroom))
		return 1;
	return m->nb_segs + (in_headroom ? 0 : 1);
}

/* Packets given to vxpath_coalesce_burst() at once. */
#define TX_COALESCE_CHUNK 64

/*
 * The Tx burst of a port with tx_coalesce=1 (coalesce.h). Packets are
 * taken TX_COALESCE_CHUNK at a time, only as many as the ring has room for
 * sent one by one (taking used chains back first): once merged, a packet
 * cannot be handed back to the application, so every frame made must fit.
 * A frame the burst still does not take (a ring that broke meanwhile) is
 * freed and its packets counted as errors.
 * Return: packets accepted (sent or dropped); the rest stay the caller's,
 * untouched.
 */
static __rte_always_inline uint16_t
tx_burst_coalesce(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts,
		  const bool packed, const bool in_order)
{
	struct rte_mbuf *out[TX_COALESCE_CHUNK];
	uint16_t cnt[TX_COALESCE_CHUNK];
	uint32_t abytes[TX_COALESCE_CHUNK];
	struct vxpath_txq *txq = queue;
	struct vxpath_queue *q = &txq->q;
	const uint64_t gro_types = vxpath_coalesce_gro_types();
	uint16_t done = 0;

	while (done < nb_pkts) {
		uint16_t want = RTE_MIN(nb_pkts - done, TX_COALESCE_CHUNK);
		uint32_t need = 0, free_descs;
		uint16_t take, frames, sent;

		if (unlikely(vxpath_ring_broken(&q->ring, packed)))
			break;
		for (take = 0; take < want; take++)
			need += tx_descs_of(txq, pkts[done + take]);
		free_descs = vxpath_ring_num_free(&q->ring, packed);
		if (free_descs < need) {
			txq_reclaim(txq, (uint16_t)RTE_MIN(need, (uint32_t)UINT16_MAX),
				    packed, in_order);
			free_descs = vxpath_ring_num_free(&q->ring, packed);
		}
		for (take = 0, need = 0; take < want; take++) {
			need += tx_descs_of(txq, pkts[done + take]);
			if (need > free_descs)
				break;
		}
		if (take == 0)
			break;
		frames = vxpath_coalesce_burst(&pkts[done], take, out, cnt,
					       abytes, gro_types);
		sent = tx_burst(queue, out, frames, packed, in_order, cnt,
				abytes);
		for (; sent < frames; sent++) {
			q->stats.errors += cnt[sent];
			rte_pktmbuf_free(out[sent]);
		}
		done += take;
		if (take < want)
			break;
	}
	return done;
}

/*
 * The burst functions ethdev calls, one set per ring kind and descriptor
 * order. The _handoff forms are for packed rings of a port whose back-end
 * can be replaced (server=1, reconnect=): each burst holds the queue's
 * handoff lock and returns 0 while the control path holds it
 * (vxpath_queue_resume_base()).
 */
#define BURST_FUNCS(name, packed, in_order)				\
static uint16_t								\
rx_burst_##name(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)	\
{									\
	return rx_burst(queue, pkts, nb_pkts, packed, in_order);	\
}									\
static uint16_t								\
tx_burst_##name(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)	\
{									\
	return tx_burst(queue, pkts, nb_pkts, packed, in_order, NULL,	\
			NULL);						\
}									\
static uint16_t								\
tx_burst_##name##_coalesce(void *queue, struct rte_mbuf **pkts,	\
			   uint16_t nb_pkts)				\
{									\
	return tx_burst_coalesce(queue, pkts, nb_pkts, packed, in_order); \
}

#define HANDOFF_FUNCS(name)						\
static uint16_t								\
rx_burst_##name##_handoff(void *queue, struct rte_mbuf **pkts,		\
			  uint16_t nb_pkts)				\
{									\
	struct vxpath_queue *q = queue;					\
	uint16_t n;							\
									\
	if (unlikely(!rte_spinlock_trylock(&q->handoff)))		\
		return 0;						\
	n = rx_burst_##name(queue, pkts, nb_pkts);			\
	rte_spinlock_unlock(&q->handoff);				\
	return n;							\
}									\
static uint16_t								\
tx_burst_##name##_handoff(void *queue, struct rte_mbuf **pkts,		\
			  uint16_t nb_pkts)				\
{									\
	struct vxpath_queue *q = queue;					\
	uint16_t n;							\
									\
	if (unlikely(!rte_spinlock_trylock(&q->handoff)))		\
		return 0;						\
	n = tx_burst_##name(queue, pkts, nb_pkts);			\
	rte_spinlock_unlock(&q->handoff);				\
	return n;							\
}

BURST_FUNCS(split, false, false)
BURST_FUNCS(split_in_order, false, true)
BURST_FUNCS(packed, true, false)
BURST_FUNCS(packed_in_order, true, true)
HANDOFF_FUNCS(packed)
HANDOFF_FUNCS(packed_in_order)

void
vxpath_burst_select(bool packed, bool in_order, bool handoff, bool coalesce,
		    eth_rx_burst_t *rx, eth_tx_burst_t *tx)
{
	static const struct {
		eth_rx_burst_t rx;
		eth_tx_burst_t tx;
		eth_tx_burst_t tx_coalesce;
	} table[2][2][2] = {
		/* [packed][in_order][handoff]; split rings need no lock */
		[0][0][0] = { rx_burst_split, tx_burst_split,
			      tx_burst_split_coalesce },
		[0][0][1] = { rx_burst_split, tx_burst_split, NULL },
		[0][1][0] = { rx_burst_split_in_order, tx_burst_split_in_order,
			      tx_burst_split_in_order_coalesce },
		[0][1][1] = { rx_burst_split_in_order, tx_burst_split_in_order,
			      NULL },
		[1][0][0] = { rx_burst_packed, tx_burst_packed,
			      tx_burst_packed_coalesce },
		[1][0][1] = { rx_burst_packed_handoff,
			      tx_burst_packed_handoff, NULL },
		[1][1][0] = { rx_burst_packed_in_order,
			      tx_burst_packed_in_order,
			      tx_burst_packed_in_order_coalesce },
		[1][1][1] = { rx_burst_packed_in_order_handoff,
			      tx_burst_packed_in_order_handoff, NULL },
	};

	*rx = table[packed][in_order][handoff].rx;
	*tx = table[packed][in_order][handoff].tx;
	/* Coalescing is vhost-kernel's, whose back-end is never replaced. */
	if (coalesce && table[packed][in_order][handoff].tx_coalesce != NULL)
		*tx = table[packed][in_order][handoff].tx_coalesce;
}

int
vxpath_queue_resume_base(struct vxpath_queue *q, uint32_t *base)
{
	int ret;

	if (!q->ring.is_packed)
		return vxpath_ring_resume_base(&q->ring, base);
	rte_spinlock_lock(&q->handoff);
	/* Odd virtqueue indexes are transmitqs (virtio-net 5.1.2). */
	if (q->vq_index & 1)
		txq_reclaim(container_of(q, struct vxpath_txq, q), UINT16_MAX,
			    true, vxpath_ring_in_order(&q->ring));
	ret = vxpath_ring_resume_base(&q->ring, base);
	rte_spinlock_unlock(&q->handoff);
	return ret;
}

uint16_t
vxpath_tx_pkt_prepare(void *queue, struct rte_mbuf **pkts, uint16_t nb_pkts)
{
	const struct vxpath_txq *txq = queue;

	return vxpath_tx_prepare(txq->q.features, pkts, nb_pkts);
}
