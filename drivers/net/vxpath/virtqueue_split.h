/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Driver side of a split virtqueue (virtio 1.2, section 2.7): descriptor
 * table, available ring and used ring in memory shared with the device, and
 * the driver's private bookkeeping (free descriptor chain, one cookie per
 * outstanding chain; struct vxpath_vq_chain, virtqueue.h). A "cookie" is
 * an opaque pointer the caller gets back when the device returns the chain.
 *
 * Everything the device writes (used ring ids and lengths, used->idx) is
 * checked before use; a violation marks the virtqueue broken and every later
 * call fails until vxpath_vq_reset().
 */
#ifndef VXPATH_VIRTQUEUE_SPLIT_H
#define VXPATH_VIRTQUEUE_SPLIT_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_ring.h>
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>

#include "virtqueue.h"

/**
 * Driver-side state of one split virtqueue.
 *
 * Descriptors are handed out in one of two ways, fixed when the virtqueue
 * is set up:
 *   free list (the device may use chains in any order): free_head is the
 *     first descriptor of a list linked through chains[].next;
 *   VIRTIO_F_IN_ORDER (2.7.9, vxpath_vq_set_in_order()): in ring order.
 *     A chain takes the next descriptors of the table after the previous
 *     chain's (wrapping at size); free_head is the first of them. The
 *     outstanding chains then lie back to back, oldest first, from
 *     (free_head + num_free) mod size: the oldest chain's head is the id
 *     the next used entry must name, and no list or FIFO is kept.
 */
struct vxpath_vq {
	struct vring_desc *desc;   /**< descriptor table, size entries (2.7.5) */
	struct vring_avail *avail; /**< available ring (2.7.6) */
	struct vring_used *used;   /**< used ring (2.7.8) */
	struct vxpath_vq_chain *chains; /**< size entries, caller-provided */
	uint16_t size;             /**< descriptors, power of two */
	uint16_t avail_idx;        /**< driver's free-running avail->idx */
	uint16_t used_idx;         /**< next used entry to read, free-running */
	uint16_t num_free;         /**< descriptors not in any chain */
	uint16_t free_head;        /**< next descriptor to hand out */
	uint16_t inflight;         /**< chains made available, not yet used */
	uint16_t kicked_idx;       /**< avail_idx at the last kick decision */
	uint16_t inorder_left;     /**< IN_ORDER: chains of the batch being
				    * consumed still to hand out, from the
				    * oldest on (its last one included) */
	uint32_t inorder_len;      /**< IN_ORDER: used length of its last chain */
	bool event_idx;            /**< VIRTIO_RING_F_EVENT_IDX negotiated */
	bool in_order;             /**< VIRTIO_F_IN_ORDER negotiated */
	bool any_writable;         /**< a device-writable chain was added
				    * since the last reset */
	struct vxpath_vq_fault fault; /**< the first rule the device broke */
};

/**
 * Bytes of shared memory a split virtqueue of @size descriptors needs:
 * descriptor table, available ring (with used_event) and used ring (with
 * avail_event), each aligned to VXPATH_VQ_ALIGN.
 */
size_t vxpath_vq_mem_size(uint16_t size);

/**
 * Lay out a split virtqueue in @mem (vxpath_vq_mem_size(@size) bytes, aligned
 * to VXPATH_VQ_ALIGN, owned by the caller and shared with the device) and
 * reset it to empty. @chains must hold @size entries, owned by the caller.
 * Suppresses used-buffer notifications (VRING_AVAIL_F_NO_INTERRUPT, or
 * used_event with vxpath_vq_set_event_idx()): the driver polls.
 * Return: 0; -EINVAL if @size is not a power of two in [1, 32768].
 */
int vxpath_vq_init(struct vxpath_vq *vq, void *mem, uint16_t size,
		   struct vxpath_vq_chain *chains);

/**
 * Use the event index fields (VIRTIO_RING_F_EVENT_IDX, 2.7.10) instead of
 * the flags for notification suppression; call after vxpath_vq_init() when
 * the feature is negotiated. The driver polls, so it sets used_event to
 * one behind the used index: the device, which is never more than size
 * entries ahead, crosses it only once per 65536 used entries.
 */
void vxpath_vq_set_event_idx(struct vxpath_vq *vq, bool on);

/**
 * VIRTIO_F_IN_ORDER was negotiated (2.7.9, 6.3): the device uses chains in
 * the order they were made available and may write one used ring entry
 * for a batch of them, naming the last chain of the batch, at the entry
 * matching the batch's first chain, and advance used->idx by the batch's
 * length (skipping the others' entries). The driver hands descriptors out
 * in ring order (struct vxpath_vq), so the chains outstanding are known
 * by position: a used entry naming the oldest chain completes it, one
 * naming a later chain completes every chain up to it, each handed out in
 * turn. Checks, besides those of vxpath_vq_get_used(): the entry names
 * the head of an outstanding chain at or after the oldest one and within
 * the entries used->idx covers; no chain the batch skips has
 * device-writable buffers (the entry carries the used length of the last
 * chain only, and 2.7.8 lets the driver trust no byte of a writable buffer
 * beyond the used length, so a skipped writable chain is unusable: such a
 * batch breaks the queue). Skipped chains get *len 0.
 * Call right after vxpath_vq_init() or vxpath_vq_reset(), with nothing
 * outstanding; kept across vxpath_vq_reset().
 */
void vxpath_vq_set_in_order(struct vxpath_vq *vq, bool on);

/**
 * Return the virtqueue to its state after vxpath_vq_init(): indexes 0, all
 * descriptors free, not broken. Cookies still outstanding are forgotten:
 * collect them first with vxpath_vq_drain().
 */
void vxpath_vq_reset(struct vxpath_vq *vq);

/**
 * Make a descriptor chain of @n buffers (driver-readable ones first, then
 * device-writable ones, as 2.7.4 requires) and put its head in the next
 * available ring slot. The slot becomes visible to the device only at
 * vxpath_vq_publish().
 * @cookie: non-NULL; returned by vxpath_vq_get_used() for this chain.
 * The chain counts as outstanding from here on, published or not.
 * Return: head descriptor index (>= 0); -ENOSPC if fewer than @n descriptors
 * are free; -EINVAL if @n is 0, @cookie NULL, or a driver-readable buffer
 * follows a device-writable one; -EIO if the queue is broken.
 */
int vxpath_vq_add(struct vxpath_vq *vq, const struct vxpath_vq_buf *bufs,
		  uint16_t n, void *cookie);

/**
 * Make a chain of @n driver-readable buffers available through one
 * descriptor with VRING_DESC_F_INDIRECT (VIRTIO_RING_F_INDIRECT_DESC,
 * 2.7.5.3): the buffers go into @table (@n entries of struct vring_desc,
 * caller-owned memory shared with the device, untouched by the driver
 * until the chain is used), linked by VRING_DESC_F_NEXT, and the ring
 * descriptor points at it with len = @n * 16 bytes. The chain takes one
 * ring descriptor; publish and return as for vxpath_vq_add().
 * Return: head descriptor index (>= 0); -ENOSPC if no descriptor is free;
 * -EINVAL if @n is 0 or above size, @table or @cookie NULL, or a buffer is
 * device-writable; -EIO if the queue is broken.
 */
int vxpath_vq_add_indirect(struct vxpath_vq *vq, struct vring_desc *table,
			   const struct vxpath_vq_buf *bufs, uint16_t n,
			   void *cookie);

/**
 * Store the available index for the device (release: descriptors and ring
 * entries become visible before the index).
 */
void vxpath_vq_publish(struct vxpath_vq *vq);

/**
 * After vxpath_vq_publish(): whether the device wants a notification
 * (2.7.10). Without event index: its used->flags lacks
 * VRING_USED_F_NO_NOTIFY. With it: the device's avail_event lies in the
 * range of available entries published since the last call. Full barrier
 * between the index store and the device's field load.
 */
bool vxpath_vq_kick_needed(struct vxpath_vq *vq);

/**
 * Take back every outstanding chain, whether or not the device returned it,
 * calling @fn(@arg, cookie) for each; used at stop, when the device no
 * longer runs. Leaves the queue as after vxpath_vq_reset().
 * Return: number of cookies handed to @fn.
 */
unsigned int vxpath_vq_drain(struct vxpath_vq *vq,
			     void (*fn)(void *arg, void *cookie), void *arg);

/**
 * Mark the virtqueue broken because the device wrote @why (static text)
 * about entry @id with length @len (bytes): vxpath_vq_fault_set() on
 * vq->fault. Every later call fails until vxpath_vq_reset().
 */
static inline void
vxpath_vq_mark_broken(struct vxpath_vq *vq, const char *why, uint32_t id,
		      uint32_t len)
{
	vxpath_vq_fault_set(&vq->fault, "split", vq, why, id, len);
}

/**
 * VIRTIO_F_IN_ORDER: the used entry at the next unread place names @id,
 * with length @len, and not the oldest outstanding chain (which starts at
 * descriptor @oldest): a batch (2.7.9) or a bad entry. Checks that @id is
 * the head of an outstanding chain among the first @ready ones (the
 * entries used->idx covers), that no chain before it is device-writable,
 * and its length. @single: every outstanding chain takes one descriptor
 * (the caller's chain count equals the descriptors outstanding); with no
 * device-writable chain added since the last reset as well, the chains
 * are known by arithmetic and the check takes constant time; otherwise it
 * walks the chains. Slow path of vxpath_vq_get_used_burst_mode().
 * Return: chains the batch completes, the oldest first (>= 1), with
 * *@last_len the used length of its last chain; 0 if the entry is invalid
 * (the queue is then broken).
 */
uint16_t vxpath_vq_in_order_batch(struct vxpath_vq *vq, uint16_t oldest,
				  uint16_t ready, uint32_t id, uint32_t len,
				  bool single, uint32_t *last_len);

/**
 * The driver's side of a split virtqueue while a burst of chains is added
 * (2.7.13): the fields of struct vxpath_vq that adding changes, copied to
 * the caller's stack by vxpath_vq_prod_begin() and written back by
 * vxpath_vq_prod_end(), so that the compiler keeps them in registers
 * across the stores into shared memory (which, by type, could alias
 * them). Between begin and end only the vxpath_vq_prod_* functions may
 * add to the virtqueue; the chains added are published by
 * vxpath_vq_publish() after end.
 */
struct vxpath_vq_prod {
	struct vring_desc *desc;     /**< vq->desc */
	__le16 *avail_ring;          /**< vq->avail->ring */
	struct vxpath_vq_chain *chains; /**< vq->chains */
	/* 32-bit copies of 16-bit fields: each fits a register of its own. */
	uint32_t mask;       /**< vq->size - 1 */
	uint32_t free_head;  /**< next descriptor to hand out */
	uint32_t avail_idx;  /**< index of the next ring entry (the low 16
			      * bits are avail->idx's) */
	uint32_t num_free;   /**< descriptors free */
	bool any_writable;   /**< a device-writable chain was added */
};

/** Start adding chains to @vq through @p (struct vxpath_vq_prod). */
static __rte_always_inline void
vxpath_vq_prod_begin(const struct vxpath_vq *vq, struct vxpath_vq_prod *p)
{
	p->desc = vq->desc;
	p->avail_ring = vq->avail->ring;
	p->chains = vq->chains;
	p->mask = vq->size - 1;
	p->free_head = vq->free_head;
	p->avail_idx = vq->avail_idx;
	p->num_free = vq->num_free;
	p->any_writable = false;
}

/** Write what @p added back into @vq. */
static __rte_always_inline void
vxpath_vq_prod_end(struct vxpath_vq *vq, const struct vxpath_vq_prod *p)
{
	/* One available ring entry a chain. */
	vq->inflight = (uint16_t)(vq->inflight + (uint16_t)(p->avail_idx -
							     vq->avail_idx));
	vq->free_head = (uint16_t)p->free_head;
	vq->avail_idx = (uint16_t)p->avail_idx;
	vq->num_free = (uint16_t)p->num_free;
	if (p->any_writable)
		vq->any_writable = true;
}

/**
 * Put chain @id in the next available ring entry through @p. The entry is
 * only stored when it changes: under VIRTIO_F_IN_ORDER with chains of one
 * descriptor it holds the same id lap after lap, and an entry left alone
 * keeps its cache line shared with the device, which reads it.
 */
static __rte_always_inline void
vxpath_vq_prod_avail(struct vxpath_vq_prod *p, uint32_t id)
{
	__le16 *e = &p->avail_ring[p->avail_idx & p->mask];

	if (*e != rte_cpu_to_le_16((uint16_t)id))
		*e = rte_cpu_to_le_16((uint16_t)id);
	p->avail_idx++;
}

/**
 * Make a chain of one buffer available through @p: the datapath's form of
 * vxpath_vq_add() (2.7.13), inline and without its argument checks.
 * @addr, @len: the buffer (our virtual address, bytes); @writable: the
 * device writes it (Rx) or reads it (Tx). @cookie: non-NULL, returned with
 * the chain by vxpath_vq_get_used_burst(). @in_order: vq->in_order, a
 * constant where the caller knows it (each burst function of rxtx.c is
 * compiled once per value): the descriptor is the next in ring order, or
 * the head of the free list. The caller guarantees a free descriptor
 * (p->num_free >= 1) and a queue not broken.
 * Return: the chain's id (its only descriptor).
 */
static __rte_always_inline uint16_t
vxpath_vq_prod_add1(struct vxpath_vq_prod *p, uint64_t addr, uint32_t len,
		    bool writable, void *cookie, const bool in_order)
{
	uint32_t id = p->free_head;
	struct vxpath_vq_chain *c = &p->chains[id];
	struct vring_desc *d = &p->desc[id];

	d->addr = rte_cpu_to_le_64(addr);
	d->len = rte_cpu_to_le_32(len);
	d->flags = rte_cpu_to_le_16(writable ? VRING_DESC_F_WRITE : 0);
	p->free_head = in_order ? (id + 1) & p->mask : c->next;
	c->cookie = cookie;
	c->in_len = writable ? len : 0;
	c->ndescs = 1;
	if (writable)
		p->any_writable = true;
	vxpath_vq_prod_avail(p, id);
	p->num_free--;
	return (uint16_t)id;
}

/**
 * The device's used->idx @idx claims @n entries, more than the chains
 * outstanding: mark the queue broken, the values in its detail (cold path of
 * vxpath_vq_used_ready()).
 */
void vxpath_vq_used_idx_ahead(struct vxpath_vq *vq, uint16_t idx, uint16_t n);

/*
 * Used entries published and not consumed (acquire on used->idx); more
 * than the chains outstanding breaks the queue (0 returned).
 */
static __rte_always_inline uint16_t
vxpath_vq_used_ready(struct vxpath_vq *vq)
{
	uint16_t idx = rte_le_to_cpu_16(__atomic_load_n(&vq->used->idx,
							 __ATOMIC_ACQUIRE));
	uint16_t n = (uint16_t)(idx - vq->used_idx);

	if (unlikely(n > vq->inflight)) {
		vxpath_vq_used_idx_ahead(vq, idx, n);
		return 0;
	}
	return n;
}

/*
 * Without VIRTIO_F_IN_ORDER: check and consume up to @n used entries
 * (the caller read @n from used->idx), each naming any outstanding chain.
 */
static __rte_always_inline uint16_t
vxpath_vq_used_burst_free_list(struct vxpath_vq *vq, void **cookies,
			       uint32_t *lens, uint16_t n)
{
	const struct vring_used_elem *ring = vq->used->ring;
	struct vxpath_vq_chain *chains = vq->chains;
	const uint16_t mask = vq->size - 1, size = vq->size;
	uint16_t used_idx = vq->used_idx, free_head = vq->free_head;
	uint16_t num_free = vq->num_free, k, i, tail;

	for (k = 0; k < n; k++) {
		const struct vring_used_elem *e = &ring[used_idx & mask];
		struct vxpath_vq_chain *c;
		uint32_t id, len;

		/* Read each field once: the device may rewrite them. */
		id = rte_le_to_cpu_32(__atomic_load_n(&e->id,
						      __ATOMIC_RELAXED));
		len = rte_le_to_cpu_32(__atomic_load_n(&e->len,
						       __ATOMIC_RELAXED));
		if (unlikely(id >= size)) {
			vxpath_vq_mark_broken(vq, "used id out of range", id,
					      len);
			break;
		}
		c = &chains[id];
		if (unlikely(c->cookie == NULL)) {
			vxpath_vq_mark_broken(vq, "used id is not an outstanding chain",
					      id, len);
			break;
		}
		if (c->in_len == 0) {
			/* Driver-readable chain: the device wrote nothing. */
			len = 0;
		} else if (unlikely(len > c->in_len)) {
			vxpath_vq_mark_broken(vq, "used length exceeds the buffers posted",
					      id, len);
			break;
		}
		cookies[k] = c->cookie;
		if (lens != NULL)
			lens[k] = len;
		c->cookie = NULL;
		/* Its last descriptor goes on top of the free list, linked
		 * to the old head; the chain's own links stay as they are.
		 */
		tail = (uint16_t)id;
		for (i = 1; i < c->ndescs; i++)
			tail = chains[tail].next;
		chains[tail].next = free_head;
		free_head = (uint16_t)id;
		num_free += c->ndescs;
		used_idx++;
	}
	vq->used_idx = used_idx;
	vq->free_head = free_head;
	vq->num_free = num_free;
	vq->inflight -= k;
	return k;
}

/*
 * VIRTIO_F_IN_ORDER: check and consume up to @n used chains (the caller
 * read @ready >= @n from used->idx). The oldest outstanding chain is
 * known by position (struct vxpath_vq): an entry naming it completes it
 * (the common case, one compare); an entry naming a later chain is a
 * batch, checked once by vxpath_vq_in_order_batch() and handed out chain
 * by chain, possibly over several calls (inorder_left).
 */
static __rte_always_inline uint16_t
vxpath_vq_used_burst_in_order(struct vxpath_vq *vq, void **cookies,
			      uint32_t *lens, uint16_t n, uint16_t ready)
{
	const struct vring_used_elem *ring = vq->used->ring;
	const uint32_t mask = vq->size - 1;
	struct vxpath_vq_in_order_pos p = {
		.chains = vq->chains, .cookies = cookies, .lens = lens,
		.size = vq->size, .num_free = vq->num_free,
		.slot = (vq->free_head + vq->num_free) & mask,
		.used = vq->used_idx,
	};
	uint32_t left = vq->inorder_left, last_len = vq->inorder_len;

	while (p.k < n) {
		if (likely(left == 0)) {
			const struct vring_used_elem *e =
				&ring[p.used & mask];
			const struct vxpath_vq_chain *c = &p.chains[p.slot];
			uint32_t id, len;

			/* Read each field once: the device may rewrite
			 * them.
			 */
			id = rte_le_to_cpu_32(__atomic_load_n(&e->id,
							      __ATOMIC_RELAXED));
			len = rte_le_to_cpu_32(__atomic_load_n(&e->len,
							       __ATOMIC_RELAXED));
			if (likely(id == p.slot)) {
				if (c->in_len == 0) {
					len = 0;
				} else if (unlikely(len > c->in_len)) {
					vxpath_vq_mark_broken(vq, "used length exceeds the buffers posted",
							      id, len);
					break;
				}
				vxpath_vq_in_order_take(&p, len);
				continue;
			}
			left = vxpath_vq_in_order_batch(vq, (uint16_t)p.slot,
					(uint16_t)(ready - p.k), id, len,
					vq->inflight - p.k == p.size - p.num_free,
					&last_len);
			if (unlikely(left == 0))
				break;
		}
		/* A batch (2.7.9), checked: its chains one after the other;
		 * only its last has a used length.
		 */
		vxpath_vq_in_order_take_batch(&p, &left, n, last_len);
	}
	vq->used_idx = (uint16_t)p.used;
	vq->num_free = (uint16_t)p.num_free;
	vq->inflight = (uint16_t)(vq->inflight - p.k);
	vq->inorder_left = (uint16_t)left;
	vq->inorder_len = last_len;
	return (uint16_t)p.k;
}

/**
 * Consume up to @max used chains (2.7.14): the datapath's form of
 * vxpath_vq_get_used(), with the same checks (id < size, the chain
 * outstanding, len <= the device-writable bytes posted, IN_ORDER batches
 * as vxpath_vq_set_in_order() describes) and one read of used->idx for the
 * whole burst. The chains' descriptors are free again on return.
 * @cookies, @lens: @max entries each, filled in used order; a
 * driver-readable chain gets length 0. The cookies (buffers) return to
 * the caller. @lens may be NULL (a constant, for a caller that posts no
 * device-writable buffers). @in_order: vq->in_order, a constant where the
 * caller knows it (as for vxpath_vq_prod_add1()).
 * Return: chains consumed (0..@max); on a violation the queue is marked
 * broken and the chains consumed before it are returned.
 */
static __rte_always_inline uint16_t
vxpath_vq_get_used_burst_mode(struct vxpath_vq *vq, void **cookies,
			      uint32_t *lens, uint16_t max,
			      const bool in_order)
{
	uint16_t ready, n;

	if (unlikely(vq->fault.broken))
		return 0;
	ready = vxpath_vq_used_ready(vq);
	n = RTE_MIN(ready, max);
	if (n == 0)
		return 0;
	return in_order ?
		vxpath_vq_used_burst_in_order(vq, cookies, lens, n, ready) :
		vxpath_vq_used_burst_free_list(vq, cookies, lens, n);
}

/** Addresses of the three parts, for VHOST_SET_VRING_ADDR. */
static inline uint64_t vxpath_vq_desc_addr(const struct vxpath_vq *vq)
{
	return (uint64_t)(uintptr_t)vq->desc;
}
static inline uint64_t vxpath_vq_avail_addr(const struct vxpath_vq *vq)
{
	return (uint64_t)(uintptr_t)vq->avail;
}
static inline uint64_t vxpath_vq_used_addr(const struct vxpath_vq *vq)
{
	return (uint64_t)(uintptr_t)vq->used;
}

/**
 * Ask the device for used-buffer notifications again (virtio 1.2, 2.7.10),
 * for a driver about to sleep on the queue's call eventfd: with event
 * index, used_event becomes the driver's used index (the device notifies
 * when it writes that entry); without, VRING_AVAIL_F_NO_INTERRUPT is
 * cleared. Then a full barrier, and the used index is read again: entries
 * the device returned before it could see the request bring no
 * notification, so the caller must not sleep on them.
 * Return: true if used entries are already waiting (the caller polls, or
 * notifies itself); false if the device will notify the next one.
 */
bool vxpath_vq_enable_interrupts(struct vxpath_vq *vq);

/**
 * Suppress used-buffer notifications again, as after vxpath_vq_init():
 * the driver polls (2.7.7). A notification the device decided on before it
 * saw this may still arrive.
 */
void vxpath_vq_disable_interrupts(struct vxpath_vq *vq);

#endif /* VXPATH_VIRTQUEUE_SPLIT_H */
