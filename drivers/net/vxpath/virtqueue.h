/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * What the driver side of both virtqueue kinds shares (virtio 1.2, 2.6):
 * the private bookkeeping of a chain (struct vxpath_vq_chain, never in
 * memory the device can write), the description of a buffer handed to the
 * ring (struct vxpath_vq_buf), the record of the first rule the device
 * broke (struct vxpath_vq_fault) and the checks both kinds make alike.
 * The split ring (2.7) is in virtqueue_split.h, the packed ring (2.8) in
 * virtqueue_packed.h; ring.h puts them behind one interface. This layer
 * knows nothing of mbufs, sockets or ioctls: a "cookie" is an opaque
 * pointer the caller gets back when the device returns the chain.
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
 * steer the driver's free list. A split chain taken off the free list
 * keeps the list's links between its descriptors: its last descriptor is
 * ndescs - 1 links after its head. Under VIRTIO_F_IN_ORDER chains take
 * descriptors in ring order and next is not used. 16 bytes, four entries
 * a cache line.
 */
struct vxpath_vq_chain {
	void *cookie;      /**< head: caller's pointer; NULL when not a head */
	uint32_t in_len;   /**< head: bytes the device may write */
	uint16_t ndescs;   /**< head: descriptors in the chain */
	uint16_t next;     /**< next descriptor in the chain or free list */
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

/**
 * Where a VIRTIO_F_IN_ORDER consumer of either ring kind stands while it
 * hands used chains back (2.7.9, 2.8.20): the chains outstanding lie back
 * to back in ring order from @slot on, oldest first, so the next one to
 * complete is known by position. A consumer copies its ring's fields in,
 * reads and checks the device's entries itself (each kind has its own
 * layout), and hands chains out with vxpath_vq_in_order_take() and
 * vxpath_vq_in_order_take_batch(), the same code for both kinds; then it
 * copies the fields back. Lives on the consumer's stack, in registers:
 * fields a kind does not use (@avail and @wrap for split rings, @used for
 * packed ones) cost nothing once inlined.
 */
struct vxpath_vq_in_order_pos {
	struct vxpath_vq_chain *chains; /**< the ring's, size entries */
	void **cookies;     /**< out: the chains' cookies, in used order */
	uint32_t *lens;     /**< out: used lengths, bytes; may be NULL */
	uint32_t size;      /**< descriptors in the ring */
	uint32_t slot;      /**< head descriptor (split) or first slot, which
			     * is its buffer id (packed), of the oldest
			     * outstanding chain */
	uint32_t num_free;  /**< descriptors in no chain */
	uint32_t avail;     /**< packed: descriptors published from slot on */
	uint32_t wrap;      /**< packed: used flag bits expected at slot */
	uint32_t wrap_bits; /**< packed: the bits wrap toggles past the
			     * ring's end; split: 0 */
	uint32_t used;      /**< split: used ring entries consumed
			     * (free-running used_idx) */
	uint32_t k;         /**< chains handed out so far */
};

/**
 * Hand out the oldest outstanding chain with used length @len (bytes):
 * its cookie into the caller's arrays, its descriptors free, the position
 * moved past them (the device skips the rest of the chain, 2.8.6), the
 * wrap counter toggled past the ring's end (2.8.1). One used ring entry
 * consumed on a split ring, where a batch's skipped chains count too
 * (2.7.9).
 */
static __rte_always_inline void
vxpath_vq_in_order_take(struct vxpath_vq_in_order_pos *p, uint32_t len)
{
	struct vxpath_vq_chain *c = &p->chains[p->slot];
	uint32_t nd = c->ndescs;

	p->cookies[p->k] = c->cookie;
	if (p->lens != NULL)
		p->lens[p->k] = len;
	p->k++;
	c->cookie = NULL;
	p->avail -= nd;
	p->num_free += nd;
	p->used++;
	p->slot += nd;
	if (p->slot >= p->size) {
		p->slot -= p->size;
		p->wrap ^= p->wrap_bits;
	}
}

/**
 * Hand out chains of a batch the consumer has checked (a used entry that
 * completes *@left chains at once, 2.7.9, 2.8.20), until *@left is 0 or
 * @n chains in all are handed out; only the batch's last chain has a used
 * length, @last_len (bytes), the others 0. What is left of the batch
 * stays in *@left for the next call.
 */
static __rte_always_inline void
vxpath_vq_in_order_take_batch(struct vxpath_vq_in_order_pos *p,
			      uint32_t *left, uint32_t n, uint32_t last_len)
{
	uint32_t m = RTE_MIN(*left, n - p->k);

	*left -= m;
	while (m-- > 0)
		vxpath_vq_in_order_take(p, 0);
	if (*left == 0 && p->lens != NULL)
		p->lens[p->k - 1] = last_len;
}

/**
 * The first rule the device broke on a virtqueue (either kind): every
 * value the device writes is checked before use, and a violation stops
 * the queue until it is reset, instead of corrupting memory.
 */
struct vxpath_vq_fault {
	bool broken;      /**< the device broke a rule; see why */
	const char *why;  /**< static text of the first violation */
	char detail[128]; /**< why with the values at fault, for the port's
			   * one error line (rxtx.c) */
};

/**
 * Record in @f that the device wrote @why (static text) about id @id with
 * length @len (bytes) on virtqueue @vq (@kind: "split" or "packed", for
 * the log), if no violation was recorded before: f->why, and f->detail
 * with the values. Logs it once at DEBUG level (the port reports it as its
 * one error line, naming the queue). Cold path of both ring kinds'
 * mark_broken.
 */
void vxpath_vq_fault_set(struct vxpath_vq_fault *f, const char *kind,
			 const void *vq, const char *why, uint32_t id,
			 uint32_t len);

#endif /* VXPATH_VIRTQUEUE_H */
