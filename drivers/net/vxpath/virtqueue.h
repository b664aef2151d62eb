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
	char detail[128];          /**< 'why' with the values at fault, for
				    * the port's one error line (rxtx.c) */
	struct vxpath_vq_chain *chains; /**< size entries, caller-provided */
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
