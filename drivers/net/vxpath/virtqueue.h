/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Driver side of a split virtqueue (virtio 1.2, section 2.7): descriptor
 * table, available ring and used ring in memory shared with the device, and
 * the driver's private bookkeeping (free descriptor chain, one cookie per
 * outstanding chain). This layer knows nothing of mbufs, sockets or ioctls:
 * a "cookie" is an opaque pointer the caller gets back when the device
 * returns the chain.
 *
 * Everything the device writes (used ring ids and lengths, used->idx) is
 * checked before use; a violation marks the virtqueue broken and every later
 * call fails until vxpath_vq_reset().
 */
#ifndef VXPATH_VIRTQUEUE_H
#define VXPATH_VIRTQUEUE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_ring.h>
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>

/** Alignment of the ring memory handed to vxpath_vq_init(), bytes. */
#define VXPATH_VQ_ALIGN 64

/**
 * Private bookkeeping, one entry per descriptor. The chain fields are valid
 * in the entry of a chain's head descriptor. Links live here, not in the
 * shared descriptor table, so that a device writing into the table cannot
 * steer the driver's free list.
 */
struct vxpath_vq_chain {
	void *cookie;      /**< head: caller's pointer; NULL when not a head */
	uint32_t in_len;   /**< head: bytes the device may write */
	uint16_t ndescs;   /**< head: descriptors in the chain */
	uint16_t tail;     /**< head: last descriptor of the chain */
	uint16_t next;     /**< next descriptor in the chain or free list */
	uint16_t order;    /**< VIRTIO_F_IN_ORDER: entry i holds the id made
			    * available i places after the oldest
			    * outstanding chain's (modulo size): a FIFO of
			    * ids in availability order, by position */
};

/**
 * Hand every outstanding cookie of a chain array (@size entries, split or
 * packed) to @fn(@arg, cookie), once each. The caller resets the ring.
 * Return: number of cookies handed over.
 */
static inline unsigned int
vxpath_vq_chains_collect(const struct vxpath_vq_chain *chains, uint16_t size,
			 void (*fn)(void *arg, void *cookie), void *arg)
{
	unsigned int n = 0;
	uint16_t i;

	for (i = 0; i < size; i++) {
		if (chains[i].cookie != NULL) {
			fn(arg, chains[i].cookie);
			n++;
		}
	}
	return n;
}

/** One buffer of a chain handed to vxpath_vq_add(). */
struct vxpath_vq_buf {
	uint64_t addr;     /**< address in the shared address space (our VA) */
	uint32_t len;      /**< bytes */
	bool writable;     /**< true: device writes it (VRING_DESC_F_WRITE) */
};

/**
 * Arguments of an indirect chain (either ring kind): @n driver-readable
 * buffers, at most @size (a ring's descriptors), a table and a cookie.
 * Return: 0; -EINVAL otherwise.
 */
static inline int
vxpath_vq_indirect_args_check(const void *table,
			      const struct vxpath_vq_buf *bufs, uint16_t n,
			      uint16_t size, const void *cookie)
{
	uint16_t i;

	if (n == 0 || n > size || table == NULL || cookie == NULL)
		return -EINVAL;
	for (i = 0; i < n; i++)
		if (bufs[i].writable)
			return -EINVAL;
	return 0;
}

/** Driver-side state of one split virtqueue. */
struct vxpath_vq {
	struct vring_desc *desc;   /**< descriptor table, size entries (2.7.5) */
	struct vring_avail *avail; /**< available ring (2.7.6) */
	struct vring_used *used;   /**< used ring (2.7.8) */
	uint16_t size;             /**< descriptors, power of two */
	uint16_t avail_idx;        /**< driver's free-running avail->idx */
	uint16_t used_idx;         /**< next used entry to read, free-running */
	uint16_t num_free;         /**< descriptors not in any chain */
	uint16_t free_head;        /**< first descriptor of the free list */
	uint16_t inflight;         /**< chains made available, not yet used */
	uint16_t kicked_idx;       /**< avail_idx at the last kick decision */
	uint16_t order_head;       /**< IN_ORDER: FIFO position (in chains[]
				    * .order) of the oldest outstanding chain */
	uint16_t inorder_left;       /**< IN_ORDER: chains of the batch being
				    * consumed still to hand out (last one
				    * included) */
	uint32_t inorder_len;        /**< IN_ORDER: used length of its last chain */
	bool event_idx;            /**< VIRTIO_RING_F_EVENT_IDX negotiated */
	bool in_order;             /**< VIRTIO_F_IN_ORDER negotiated */
	bool broken;               /**< the device broke a rule; see 'why' */
	const char *why;           /**< static text of the first violation */
	struct vxpath_vq_chain *chains; /**< size entries, caller-provided */
	char detail[128];          /**< 'why' with the values at fault, for
				    * the port's one error line (rxtx.c) */
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
 * length (skipping the others' entries). The driver then hands out every
 * chain of the batch, oldest first, from a private FIFO of ids kept in
 * availability order. Checks, besides those of vxpath_vq_get_used(): the
 * entry names an outstanding chain at or after the oldest one and within
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
 * Number of used entries the device has returned and the driver has not yet
 * read (acquire on used->idx). A device claiming more entries than chains
 * are outstanding breaks the queue.
 * Return: entries (0..size); 0 if broken.
 */
uint16_t vxpath_vq_used_count(struct vxpath_vq *vq);

/**
 * Read the used entry @offset places past the next unread one without
 * consuming it (2.7.8), checking id and length as vxpath_vq_get_used() does,
 * and that no unconsumed entry before it names the same chain.
 * Caller guarantees @offset < vxpath_vq_used_count().
 * Return: the chain's cookie with *@len = bytes written by the device;
 * NULL if the entry is invalid (the queue is then broken).
 */
void *vxpath_vq_peek_used(struct vxpath_vq *vq, uint16_t offset,
			  uint32_t *len);

/**
 * Consume the next used entry and free its chain's descriptors.
 * Checks: id < size; the chain is outstanding (not free, not returned
 * twice); for a chain with device-writable buffers, len <= their total
 * bytes. For a driver-readable-only chain, *@len is 0 whatever the device
 * wrote.
 * Return: 0 with *@cookie and *@len set; -EAGAIN if no entry is ready;
 * -EIO if the entry is invalid or the queue broken (queue marked broken).
 */
int vxpath_vq_get_used(struct vxpath_vq *vq, void **cookie, uint32_t *len);

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
 * about entry @id with length @len (bytes), kept in vq->why and, with the
 * values, vq->detail; logs it once at DEBUG level (the port reports it as
 * its one error line, naming the queue). Every later call fails until
 * vxpath_vq_reset().
 */
void vxpath_vq_mark_broken(struct vxpath_vq *vq, const char *why, uint32_t id,
			   uint32_t len);

/**
 * VIRTIO_F_IN_ORDER slow path of vxpath_vq_get_used_burst(): hand out the
 * oldest outstanding chain, opening a batch (one used entry naming a later
 * chain, 2.7.9) when none is being consumed. @ready: used entries
 * published and not consumed (vxpath_vq_used_count()), at least 1.
 * Return: 0 with *@cookie and *@len set; -EIO if the entry is invalid (the
 * queue is then broken).
 */
int vxpath_vq_get_used_in_order(struct vxpath_vq *vq, uint16_t ready,
				void **cookie, uint32_t *len);

/**
 * Make a chain of one buffer available: the datapath's form of
 * vxpath_vq_add() (2.7.13), inline and without its argument checks.
 * @addr, @len: the buffer (our virtual address, bytes); @writable: the
 * device writes it (Rx) or reads it (Tx). @cookie: non-NULL, returned with
 * the chain by vxpath_vq_get_used_burst(). The caller guarantees a free
 * descriptor (num_free >= 1) and a queue not broken. Published by
 * vxpath_vq_publish().
 * Return: the chain's id (its only descriptor).
 */
static __rte_always_inline uint16_t
vxpath_vq_add1(struct vxpath_vq *vq, uint64_t addr, uint32_t len,
	       bool writable, void *cookie)
{
	uint16_t mask = vq->size - 1;
	uint16_t id = vq->free_head;
	struct vxpath_vq_chain *c = &vq->chains[id];
	struct vring_desc *d = &vq->desc[id];

	d->addr = rte_cpu_to_le_64(addr);
	d->len = rte_cpu_to_le_32(len);
	d->flags = rte_cpu_to_le_16(writable ? VRING_DESC_F_WRITE : 0);
	vq->free_head = c->next;
	c->cookie = cookie;
	c->in_len = writable ? len : 0;
	c->ndescs = 1;
	c->tail = id;
	if (vq->in_order)
		vq->chains[(uint16_t)(vq->order_head + vq->inflight) &
			   mask].order = id;
	vq->avail->ring[vq->avail_idx & mask] = rte_cpu_to_le_16(id);
	vq->avail_idx++;
	vq->num_free--;
	vq->inflight++;
	return id;
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

/**
 * Consume up to @max used chains (2.7.14): the datapath's form of
 * vxpath_vq_get_used(), with the same checks (id < size, the chain
 * outstanding, len <= the device-writable bytes posted, IN_ORDER batches
 * as vxpath_vq_set_in_order() describes) and one read of used->idx for the
 * whole burst. The chains' descriptors are free again on return.
 * @cookies, @lens: @max entries each, filled in used order; a
 * driver-readable chain gets length 0. The cookies (buffers) return to
 * the caller.
 * Return: chains consumed (0..@max); on a violation the queue is marked
 * broken and the chains consumed before it are returned.
 */
static __rte_always_inline uint16_t
vxpath_vq_get_used_burst(struct vxpath_vq *vq, void **cookies,
			 uint32_t *lens, uint16_t max)
{
	const bool in_order = vq->in_order;
	uint16_t mask = vq->size - 1;
	uint16_t ready, n, k;

	if (unlikely(vq->broken))
		return 0;
	ready = vxpath_vq_used_ready(vq);
	n = RTE_MIN(ready, max);
	for (k = 0; k < n; k++) {
		const struct vring_used_elem *e =
			&vq->used->ring[vq->used_idx & mask];
		struct vxpath_vq_chain *c;
		uint32_t id, len;

		/* Read each field once: the device may rewrite them. */
		id = rte_le_to_cpu_32(__atomic_load_n(&e->id,
						      __ATOMIC_RELAXED));
		len = rte_le_to_cpu_32(__atomic_load_n(&e->len,
						       __ATOMIC_RELAXED));
		if (in_order && (vq->inorder_left != 0 ||
				 id != vq->chains[vq->order_head].order)) {
			/* A batch (2.7.9), or a bad entry: the slow path
			 * tells them apart.
			 */
			if (vxpath_vq_get_used_in_order(vq, ready - k,
							&cookies[k],
							&lens[k]) < 0)
				break;
			continue;
		}
		if (unlikely(id >= vq->size)) {
			vxpath_vq_mark_broken(vq, "used id out of range", id,
					      len);
			break;
		}
		c = &vq->chains[id];
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
		lens[k] = len;
		c->cookie = NULL;
		vq->chains[c->tail].next = vq->free_head;
		vq->free_head = (uint16_t)id;
		vq->num_free += c->ndescs;
		vq->inflight--;
		vq->used_idx++;
		if (in_order)
			vq->order_head = (uint16_t)((vq->order_head + 1) &
						    mask);
	}
	return k;
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

#endif /* VXPATH_VIRTQUEUE_H */
