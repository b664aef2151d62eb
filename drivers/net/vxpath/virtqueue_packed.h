/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Driver side of a packed virtqueue (virtio 1.2, section 2.8,
 * VIRTIO_F_RING_PACKED): one descriptor ring that the driver fills with
 * available descriptors and the device overwrites with used ones, the driver
 * event suppression area (written by us) and the device event suppression
 * area (written by the device), all in memory shared with the device; plus
 * the driver's private bookkeeping (free list of buffer ids, one cookie and
 * descriptor count per outstanding chain, both wrap counters).
 *
 * The API and its guarantees mirror the split ring's (virtqueue_split.h), with the
 * prefix vxpath_vqp_: a "cookie" is an opaque pointer the caller gets back
 * when the device returns the chain; struct vxpath_vq_buf describes buffers
 * and struct vxpath_vq_chain (one per buffer id) is the private bookkeeping.
 * This layer knows nothing of mbufs, sockets or ioctls.
 *
 * Everything the device writes (used descriptor flags, ids and lengths) is
 * checked before use; a violation marks the virtqueue broken and every later
 * call fails until vxpath_vqp_reset().
 *
 * Indirect descriptors: driver-readable chains only (Tx). Without
 * VIRTIO_F_IN_ORDER the
 * device may complete chains in any order but writes one used descriptor
 * per chain; with it (vxpath_vqp_set_in_order()) one used descriptor may
 * stand for a batch of chains (2.8.20).
 *
 * Vhost set-up (VHOST_SET_VRING_ADDR, VHOST_SET_VRING_BASE and their
 * vhost-user equivalents) for a packed ring:
 *   desc_user_addr  = vxpath_vqp_desc_addr()    descriptor ring
 *   avail_user_addr = vxpath_vqp_driver_addr()  driver event suppression
 *   used_user_addr  = vxpath_vqp_device_addr()  device event suppression
 *   num (base)      = vxpath_vqp_vring_base(): bits 0-14 the next descriptor
 *                     the device reads, bit 15 the Driver Ring Wrap Counter
 *                     (vxpath_vqp_avail_base()); bits 16-30 the next
 *                     descriptor the device writes as used, bit 31 the
 *                     Device Ring Wrap Counter. For a fresh or reset ring:
 *                     0x8000 in the low half (index 0, wrap counter 1,
 *                     2.8.1), 0x80008000 in all. Linux vhost reads bits
 *                     16-31 as the used index and wrap counter of a packed
 *                     ring; a back-end that reads only bits 0-15 takes the
 *                     used side to equal the available side, which also
 *                     holds for a fresh ring.
 */
#ifndef VXPATH_VIRTQUEUE_PACKED_H
#define VXPATH_VIRTQUEUE_PACKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/virtio_ring.h>

#include "virtqueue.h"

/** Largest packed virtqueue, descriptors (2.8: up to 2^15 entries). */
#define VXPATH_VQP_MAX_SIZE 32768

/** The avail and used flag bits of a descriptor (2.8.1). */
#define VXPATH_VQP_DESC_F_AVAIL ((uint16_t)(1u << VRING_PACKED_DESC_F_AVAIL))
#define VXPATH_VQP_DESC_F_USED  ((uint16_t)(1u << VRING_PACKED_DESC_F_USED))

/*
 * Marks in chains[id].next of an outstanding id. Ids are < 32768, so none
 * of these is an id.
 */
#define VXPATH_VQP_ID_PUBLISHED   0xffff /* made available to the device */
#define VXPATH_VQP_ID_UNPUBLISHED 0xfffe /* last chain of the unpublished
					  * batch */

/**
 * Driver-side state of one packed virtqueue.
 *
 * Buffer ids index @chains (struct vxpath_vq_chain, virtqueue.h), one entry
 * per id; the fields are used as in the split ring, except:
 *   cookie  caller's pointer while the id names an outstanding chain,
 *           NULL while the id is free;
 *   in_len  bytes the device may write into the chain;
 *   ndescs  descriptors (ring slots) the chain takes: next_used moves by
 *           this much when the device returns it (2.8.6);
 *   next    free id: the next id of the free list; outstanding id: private
 *           marks telling whether the chain was published yet.
 * None of this lives in shared memory: the device cannot steer the free
 * list, and ids are never read back from the descriptors we wrote.
 *
 * Under VIRTIO_F_IN_ORDER (vxpath_vqp_set_in_order()) there is no free
 * list: a chain's buffer id is the ring slot of its first descriptor. The
 * outstanding chains lie back to back from next_used on, oldest first, so
 * the id the next used descriptor must carry is next_used itself, and a
 * chain is published exactly when it lies within the avail_descs
 * descriptors from next_used: next is not used.
 */
struct vxpath_vqp {
	struct vring_packed_desc *desc;         /**< descriptor ring (2.8.13) */
	struct vring_packed_desc_event *driver; /**< driver event suppression
						 * (2.8.14), we write it */
	struct vring_packed_desc_event *device; /**< device event suppression,
						 * the device writes it */
	uint16_t size;         /**< descriptors, any value 1..32768 */
	uint16_t next_avail;   /**< ring slot of the next descriptor to add */
	uint16_t next_used;    /**< ring slot of the next used descriptor */
	uint16_t num_free;     /**< descriptors (ring slots) in no chain */
	uint16_t free_head;    /**< first free buffer id; size when none */
	uint16_t inflight;     /**< chains added, not yet used */
	uint16_t avail_descs;  /**< descriptors published, not yet taken back
				* (from next_used on, in ring order) */
	uint16_t batch_slot;   /**< ring slot of the first descriptor added
				* since the last publish (the published end) */
	uint16_t batch_flags;  /**< its flags, stored at publish */
	uint16_t batch_descs;  /**< descriptors added since the last publish */
	uint16_t batch_chains; /**< chains added since the last publish */
	uint16_t batch_first;  /**< buffer id of the batch's first chain */
	uint16_t batch_last;   /**< buffer id of the batch's last chain */
	uint16_t kick_descs;   /**< descriptors published since the last
				* vxpath_vqp_kick_needed(), at most size */
	bool avail_wrap;       /**< Driver Ring Wrap Counter (2.8.1) */
	bool used_wrap;        /**< Device Ring Wrap Counter expected at
				* next_used */
	bool batch_wrap;       /**< Driver Ring Wrap Counter at batch_slot */
	uint16_t inorder_left; /**< IN_ORDER: chains of the batch being
				* consumed still to hand out, from next_used
				* on (its last one included) */
	uint32_t inorder_len;  /**< IN_ORDER: used length of its last chain */
	bool event_idx;        /**< VIRTIO_RING_F_EVENT_IDX negotiated */
	bool in_order;         /**< VIRTIO_F_IN_ORDER negotiated */
	bool any_writable;     /**< a device-writable chain was added since
				* the last reset */
	struct vxpath_vq_fault fault; /**< the first rule the device broke */
	struct vxpath_vq_chain *chains; /**< size entries, caller-provided */
};

/**
 * Bytes of shared memory a packed virtqueue of @size descriptors needs:
 * descriptor ring (16 bytes a descriptor), driver event suppression and
 * device event suppression (4 bytes each), each part aligned to
 * VXPATH_VQ_ALIGN (more than the 16 and 4 bytes 2.8.10.1 asks for; the two
 * event areas sit in cache lines of their own).
 */
size_t vxpath_vqp_mem_size(uint16_t size);

/**
 * Lay out a packed virtqueue in @mem (vxpath_vqp_mem_size(@size) bytes,
 * aligned to VXPATH_VQ_ALIGN, owned by the caller and shared with the
 * device) and reset it to empty. @chains must hold @size entries, owned by
 * the caller. @event_idx: VIRTIO_RING_F_EVENT_IDX was negotiated, so the
 * device may ask for notifications at one descriptor
 * (VRING_PACKED_EVENT_FLAG_DESC). The driver event suppression flags are
 * set to VRING_PACKED_EVENT_FLAG_DISABLE: the driver polls.
 * Return: 0; -EINVAL if @size is not in [1, 32768] (any value there, not
 * only powers of two, 2.8.10.1), @mem or @chains is NULL, or @mem is not
 * aligned to VXPATH_VQ_ALIGN.
 */
int vxpath_vqp_init(struct vxpath_vqp *vq, void *mem, uint16_t size,
		    struct vxpath_vq_chain *chains, bool event_idx);

/**
 * Record whether VIRTIO_RING_F_EVENT_IDX was negotiated (the @event_idx of
 * vxpath_vqp_init()), for a queue set up before feature negotiation ended;
 * mirrors vxpath_vq_set_event_idx(). Used buffer notifications stay
 * suppressed (VRING_PACKED_EVENT_FLAG_DISABLE, valid with or without it).
 */
void vxpath_vqp_set_event_idx(struct vxpath_vqp *vq, bool on);

/**
 * VIRTIO_F_IN_ORDER was negotiated (2.8.20, 6.3): the device uses chains in
 * the order they were made available and may write one used descriptor
 * for a batch of them, at next_used, with the buffer id of the batch's last
 * chain; it then skips the ring slots of the whole batch. Buffer ids are
 * ring slots (struct vxpath_vqp), so the driver knows the batch's chains by
 * position and hands out each in turn, oldest first, moving next_used past
 * it. Checks, besides
 * those of vxpath_vqp_get_used(): the id names an outstanding, published
 * chain at or after the oldest one; no chain the batch skips has
 * device-writable buffers (the used length is that of the last chain only,
 * and the driver may trust no byte of a writable buffer beyond its used
 * length, so such a batch breaks the queue). Skipped chains get *len 0.
 * Call right after vxpath_vqp_init() or vxpath_vqp_reset(), with nothing
 * outstanding; kept across vxpath_vqp_reset().
 */
void vxpath_vqp_set_in_order(struct vxpath_vqp *vq, bool on);

/**
 * Return the virtqueue to its state after vxpath_vqp_init(): descriptor
 * ring and event areas zeroed (2.8.13: the ring is zero-initialised), both
 * wrap counters 1, slots 0, all buffer ids free, not broken, notifications
 * suppressed; event_idx is kept. Cookies still outstanding are forgotten:
 * collect them first with vxpath_vqp_drain().
 */
void vxpath_vqp_reset(struct vxpath_vqp *vq);

/**
 * Write a chain of @n buffers (driver-readable ones first, then
 * device-writable ones, 2.8.17) into the next @n ring slots, in ring order,
 * with a buffer id from the private free list in every descriptor,
 * VRING_DESC_F_NEXT on all but the last, VRING_DESC_F_WRITE on writable
 * ones, and the avail/used flag bits of the Driver Ring Wrap Counter, which
 * toggles after the last slot of the ring (2.8.21.1).
 * Nothing becomes visible to the device before vxpath_vqp_publish(): the
 * flags of the first descriptor added since the last publish are withheld
 * until then, and the device reads descriptors in ring order (2.8.12), so it
 * never sees part of a chain or of the batch (2.8.6, 2.8.21).
 * @cookie: non-NULL; returned by vxpath_vqp_get_used() for this chain.
 * The chain counts as outstanding from here on, published or not.
 * Return: buffer id (>= 0, < size); -ENOSPC if fewer than @n descriptors
 * are free; -EINVAL if @n is 0, @cookie NULL, or a driver-readable buffer
 * follows a device-writable one; -EIO if the queue is broken.
 */
int vxpath_vqp_add(struct vxpath_vqp *vq, const struct vxpath_vq_buf *bufs,
		   uint16_t n, void *cookie);

/**
 * Make a chain of @n driver-readable buffers available through one ring
 * descriptor with VRING_DESC_F_INDIRECT (VIRTIO_RING_F_INDIRECT_DESC,
 * 2.8.19): the buffers go into @table (@n entries of struct
 * vring_packed_desc, caller-owned memory shared with the device, untouched
 * until the chain is used), in order, flags 0 (no VRING_DESC_F_NEXT in a
 * packed indirect table); the ring descriptor points at it with len = @n *
 * 16 bytes. The chain takes one ring slot; publish and return as for
 * vxpath_vqp_add().
 * Return: buffer id (>= 0); -ENOSPC if no slot is free; -EINVAL if @n is 0
 * or above size, @table or @cookie NULL, or a buffer is device-writable;
 * -EIO if the queue is broken.
 */
int vxpath_vqp_add_indirect(struct vxpath_vqp *vq,
			    struct vring_packed_desc *table,
			    const struct vxpath_vq_buf *bufs, uint16_t n,
			    void *cookie);

/**
 * Make every chain added since the last publish available: store the flags
 * of the batch's first descriptor with release ordering, after all the
 * other descriptors of the batch (2.8.21.1, "Updating flags"). Publishing
 * an empty batch does nothing.
 */
void vxpath_vqp_publish(struct vxpath_vqp *vq);

/**
 * After vxpath_vqp_publish(): whether the device wants an available buffer
 * notification, from its event suppression structure (2.8.14, 2.8.21.3):
 * VRING_PACKED_EVENT_FLAG_DISABLE: no; VRING_PACKED_EVENT_FLAG_DESC with
 * event_idx: yes if the descriptor at its off_wrap (offset bits 0-14, wrap
 * counter bit 15) is among those published since the previous call; every
 * other value (ENABLE, DESC without event_idx, the reserved 3, an offset
 * >= size, or a size's worth of descriptors published since the previous
 * call): yes (2.8.16 allows extra notifications). Full barrier between
 * the flags store of publish and the loads (2.8.21.3.1). Each call starts
 * a new range of published descriptors.
 */
bool vxpath_vqp_kick_needed(struct vxpath_vqp *vq);

/**
 * Number of used descriptors (one per chain) the device has written from
 * next_used on, in ring order, that the driver has not read: at most @max.
 * Each is checked as vxpath_vqp_get_used() checks it (acquire on its flags
 * before its id and length are read), and no two may name the same chain.
 * A descriptor whose flags do not show the expected Device Ring Wrap
 * Counter in both VRING_PACKED_DESC_F_AVAIL and _USED is not ready yet,
 * which ends the count.
 * Cost: one walk over the descriptors counted (the position of each
 * depends on the length of the chain before it), so ask for what you need.
 * Return: used descriptors (0..@max); 0 if broken (the queue is marked
 * broken if one of them is invalid).
 */
uint16_t vxpath_vqp_used_count(struct vxpath_vqp *vq, uint16_t max);

/**
 * Take back every outstanding chain, whether or not the device returned it
 * and whether or not it was published, calling @fn(@arg, cookie) for each;
 * used at stop, when the device no longer runs. Leaves the queue as after
 * vxpath_vqp_reset().
 * Return: number of cookies handed to @fn.
 */
unsigned int vxpath_vqp_drain(struct vxpath_vqp *vq,
			      void (*fn)(void *arg, void *cookie), void *arg);

/**
 * Mark the virtqueue broken because the device wrote @why (static text)
 * about buffer id @id with length @len (bytes): vxpath_vq_fault_set() on
 * vq->fault. Every later call fails until vxpath_vqp_reset().
 */
static inline void
vxpath_vqp_mark_broken(struct vxpath_vqp *vq, const char *why, uint32_t id,
		       uint32_t len)
{
	vxpath_vq_fault_set(&vq->fault, "packed", vq, why, id, len);
}

/**
 * Ask the device for used buffer notifications again, for a driver about
 * to sleep on the queue's call eventfd (2.8.10, 2.8.14, 2.8.22): with
 * event_idx, VRING_PACKED_EVENT_FLAG_DESC at next_used and the expected
 * Device Ring Wrap Counter (the device notifies when it writes that used
 * descriptor); without, VRING_PACKED_EVENT_FLAG_ENABLE. Then a full
 * barrier, and the descriptor at next_used is looked at again: one the
 * device wrote before it could see the request brings no notification, so
 * the caller must not sleep on it.
 * Return: true if a used descriptor is already waiting (the caller polls,
 * or notifies itself); false if the device will notify the next one (and
 * false on a broken queue: nothing more is taken from it).
 */
bool vxpath_vqp_enable_interrupts(struct vxpath_vqp *vq);

/**
 * Suppress used buffer notifications again, as after vxpath_vqp_init()
 * (VRING_PACKED_EVENT_FLAG_DISABLE): the driver polls. A notification the
 * device decided on before it saw this may still arrive.
 */
void vxpath_vqp_disable_interrupts(struct vxpath_vqp *vq);

/**
 * The driver's side of a packed virtqueue while chains are added (2.8.21):
 * the fields of struct vxpath_vqp that adding changes, copied to the
 * caller's stack by vxpath_vqp_prod_begin() and written back by
 * vxpath_vqp_prod_end(), so that the compiler keeps them in registers
 * across the stores into the descriptor ring (which, by type, could alias
 * them). Between begin and end only the vxpath_vqp_prod_* functions may
 * add to the virtqueue; the chains added are published by
 * vxpath_vqp_publish() after end.
 */
struct vxpath_vqp_prod {
	struct vring_packed_desc *desc;  /**< vq->desc */
	struct vxpath_vq_chain *chains;  /**< vq->chains */
	/* 32-bit copies of 16-bit fields: each fits a register of its own. */
	uint32_t size;         /**< vq->size */
	uint32_t slot;         /**< next_avail */
	uint32_t wrap_bits;    /**< avail/used flag bits of the Driver Ring
				* Wrap Counter at slot (2.8.1) */
	uint32_t free_head;    /**< first free buffer id (free list) */
	uint32_t num_free;     /**< ring slots in no chain */
	uint32_t batch_descs;  /**< descriptors of the unpublished batch */
	uint32_t batch_flags;  /**< flags of its first descriptor, withheld */
	uint32_t batch_chains; /**< chains of the unpublished batch (free
				* list only) */
	uint32_t batch_first;  /**< its first chain's id (free list) */
	uint32_t batch_last;   /**< its last chain's id (free list) */
	uint32_t added;        /**< chains added since begin */
	bool any_writable;     /**< a device-writable chain was added */
};

/**
 * Start adding chains to @vq through @p (struct vxpath_vqp_prod).
 * @in_order: vq->in_order (a constant where the caller knows it: the free
 * list's fields are then left alone).
 */
static __rte_always_inline void
vxpath_vqp_prod_begin(const struct vxpath_vqp *vq, struct vxpath_vqp_prod *p,
		      const bool in_order)
{
	p->desc = vq->desc;
	p->chains = vq->chains;
	p->size = vq->size;
	p->slot = vq->next_avail;
	p->wrap_bits = vq->avail_wrap ? VXPATH_VQP_DESC_F_AVAIL :
					VXPATH_VQP_DESC_F_USED;
	p->num_free = vq->num_free;
	p->batch_descs = vq->batch_descs;
	p->batch_flags = vq->batch_flags;
	p->added = 0;
	p->any_writable = false;
	/* Dead under IN_ORDER, where end does not write them back. */
	p->free_head = vq->free_head;
	p->batch_chains = vq->batch_chains;
	p->batch_first = vq->batch_first;
	p->batch_last = vq->batch_last;
	RTE_SET_USED(in_order);
}

/** Write what @p added back into @vq (@in_order as for begin). */
static __rte_always_inline void
vxpath_vqp_prod_end(struct vxpath_vqp *vq, const struct vxpath_vqp_prod *p,
		    const bool in_order)
{
	vq->next_avail = (uint16_t)p->slot;
	vq->avail_wrap = (p->wrap_bits & VXPATH_VQP_DESC_F_AVAIL) != 0;
	vq->num_free = (uint16_t)p->num_free;
	vq->batch_descs = (uint16_t)p->batch_descs;
	vq->batch_flags = (uint16_t)p->batch_flags;
	vq->inflight = (uint16_t)(vq->inflight + p->added);
	if (p->any_writable)
		vq->any_writable = true;
	if (!in_order) {
		vq->free_head = (uint16_t)p->free_head;
		vq->batch_chains = (uint16_t)p->batch_chains;
		vq->batch_first = (uint16_t)p->batch_first;
		vq->batch_last = (uint16_t)p->batch_last;
	}
}

/**
 * Book-keeping of a chain just written to the ring with buffer id @id (off
 * the free list, or its first slot under IN_ORDER), its descriptors by
 * vxpath_vqp_prod_desc(): its cookie, its @in_len device-writable bytes
 * and @ndescs ring slots; without IN_ORDER, its link at the end of the
 * unpublished batch (vxpath_vqp_publish() marks the batch's chains
 * published). @in_order: vq->in_order (a constant where the caller knows
 * it).
 */
static __rte_always_inline void
vxpath_vqp_prod_chain_added(struct vxpath_vqp_prod *p, uint32_t id,
			    void *cookie, uint32_t in_len, uint32_t ndescs,
			    const bool in_order)
{
	struct vxpath_vq_chain *c = &p->chains[id];

	c->cookie = cookie;
	c->in_len = in_len;
	c->ndescs = (uint16_t)ndescs;
	if (in_len != 0)
		p->any_writable = true;
	if (!in_order) {
		if (p->batch_chains == 0)
			p->batch_first = id;
		else
			p->chains[p->batch_last].next = (uint16_t)id;
		p->batch_last = id;
		c->next = VXPATH_VQP_ID_UNPUBLISHED;
		p->batch_chains++;
	}
	p->num_free -= ndescs;
	p->added++;
}

/**
 * Write one descriptor of a chain at p->slot (2.8.21.1) and move on, the
 * wrap counter toggling past the ring's last slot (2.8.1): @flags gets the
 * avail/used bits of the Driver Ring Wrap Counter; the first descriptor of
 * an unpublished batch keeps its flags back (p->batch_flags) until
 * vxpath_vqp_publish(), the others are stored now, behind it.
 */
static __rte_always_inline void
vxpath_vqp_prod_desc(struct vxpath_vqp_prod *p, uint64_t addr, uint32_t len,
		     uint32_t id, uint32_t flags)
{
	struct vring_packed_desc *d = &p->desc[p->slot];

	flags |= p->wrap_bits;
	d->addr = rte_cpu_to_le_64(addr);
	d->len = rte_cpu_to_le_32(len);
	d->id = rte_cpu_to_le_16((uint16_t)id);
	if (p->batch_descs == 0) {
		/* The batch's first descriptor: its flags hand the whole
		 * batch over, at publish.
		 */
		p->batch_flags = flags;
	} else {
		/* Behind the withheld first descriptor: the device, reading
		 * in ring order (2.8.12), cannot get here before it.
		 */
		__atomic_store_n(&d->flags, rte_cpu_to_le_16((uint16_t)flags),
				 __ATOMIC_RELAXED);
	}
	p->batch_descs++;
	if (++p->slot == p->size) {
		p->slot = 0;
		p->wrap_bits ^= VXPATH_VQP_DESC_F_AVAIL |
				VXPATH_VQP_DESC_F_USED;
	}
}

/**
 * Buffer id the next chain added through @p will get: the head of the
 * free list, or under VIRTIO_F_IN_ORDER (@in_order) the slot it starts at:
 * what indexes a chain's Tx header slot and indirect table.
 */
static __rte_always_inline uint32_t
vxpath_vqp_prod_next_id(const struct vxpath_vqp_prod *p, const bool in_order)
{
	return in_order ? p->slot : p->free_head;
}

/**
 * Make a chain of one buffer available through @p: the datapath's form of
 * vxpath_vqp_add() (2.8.21), inline and without its argument checks.
 * @addr, @len: the buffer (our virtual address, bytes); @writable: the
 * device writes it (Rx) or reads it (Tx). @cookie: non-NULL, returned with
 * the chain by vxpath_vqp_get_used_burst(). @in_order: vq->in_order, a
 * constant where the caller knows it (each burst function of rxtx.c is
 * compiled once per value). The caller guarantees a free ring slot
 * (p->num_free >= 1) and a queue not broken. As every added chain, it
 * joins the unpublished batch.
 * Return: the chain's buffer id.
 */
static __rte_always_inline uint16_t
vxpath_vqp_prod_add1(struct vxpath_vqp_prod *p, uint64_t addr, uint32_t len,
		     bool writable, void *cookie, const bool in_order)
{
	uint32_t id = vxpath_vqp_prod_next_id(p, in_order);

	if (!in_order)
		p->free_head = p->chains[id].next;
	vxpath_vqp_prod_desc(p, addr, len, id,
			     writable ? VRING_DESC_F_WRITE : 0);
	vxpath_vqp_prod_chain_added(p, id, cookie, writable ? len : 0, 1,
				    in_order);
	return (uint16_t)id;
}

/**
 * VIRTIO_F_IN_ORDER: the used descriptor at @slot (next_used, with @avail
 * descriptors published from there on) has flags @flags, names buffer id
 * @id with length @len, and is not the plain completion of the oldest
 * chain: a batch (2.8.20) or a bad descriptor. Checks that @id is the slot
 * of an outstanding, published chain, that no chain before it is
 * device-writable, and its length. @single: every outstanding chain takes
 * one descriptor (the caller's chain count equals the descriptors
 * outstanding); with no device-writable chain added since the last reset
 * as well, the chains are known by arithmetic and the check takes constant
 * time (DPDK's vhost returns Tx chains so, one used descriptor a burst);
 * otherwise it walks the chains. Slow path of
 * vxpath_vqp_get_used_burst_mode().
 * Return: chains the batch completes, the oldest first (>= 1), with
 * *@last_len the used length of its last chain; 0 if the descriptor is
 * invalid (the queue is then broken).
 */
uint16_t vxpath_vqp_in_order_batch(struct vxpath_vqp *vq, uint16_t slot,
				   uint16_t avail, uint16_t flags,
				   uint16_t id, uint32_t len, bool single,
				   uint32_t *last_len);

/*
 * Without VIRTIO_F_IN_ORDER: consume up to @max used descriptors, each
 * naming any outstanding published chain.
 */
static __rte_always_inline uint16_t
vxpath_vqp_used_burst_free_list(struct vxpath_vqp *vq, void **cookies,
				uint32_t *lens, uint16_t max)
{
	const uint16_t both = VXPATH_VQP_DESC_F_AVAIL | VXPATH_VQP_DESC_F_USED;
	struct vxpath_vq_chain *chains = vq->chains;
	const uint16_t size = vq->size;
	uint16_t next_used = vq->next_used, avail = vq->avail_descs;
	uint16_t free_head = vq->free_head, num_free = vq->num_free;
	uint16_t want = vq->used_wrap ? both : 0;
	uint16_t k;

	for (k = 0; k < max; k++) {
		const struct vring_packed_desc *d = &vq->desc[next_used];
		struct vxpath_vq_chain *c;
		const char *why;
		uint16_t flags, id;
		uint32_t len;

		/* Acquire: id and length are read after the flags. */
		flags = rte_le_to_cpu_16(__atomic_load_n(&d->flags,
							 __ATOMIC_ACQUIRE));
		if ((flags & both) != want)
			break;
		/* Read each field once: the device may rewrite them. */
		id = rte_le_to_cpu_16(__atomic_load_n(&d->id,
						      __ATOMIC_RELAXED));
		len = rte_le_to_cpu_32(__atomic_load_n(&d->len,
						       __ATOMIC_RELAXED));
		if (unlikely(avail == 0)) {
			why = "used descriptor past the ones made available";
			goto bad;
		}
		if (unlikely(id >= size)) {
			why = "used id out of range";
			goto bad;
		}
		c = &chains[id];
		if (unlikely(c->cookie == NULL)) {
			why = "used id is not an outstanding chain";
			goto bad;
		}
		if (unlikely(c->next != VXPATH_VQP_ID_PUBLISHED)) {
			why = "used id names a chain not yet made available";
			goto bad;
		}
		if (c->in_len == 0 || !(flags & VRING_DESC_F_WRITE)) {
			/* Nothing written: the length is reserved (2.8.4). */
			len = 0;
		} else if (unlikely(len > c->in_len)) {
			why = "used length exceeds the buffers posted";
			goto bad;
		}
		cookies[k] = c->cookie;
		if (lens != NULL)
			lens[k] = len;
		/* The device skips the rest of the chain (2.8.6). */
		avail -= c->ndescs;
		next_used += c->ndescs;
		if (next_used >= size) {
			next_used -= size;
			want ^= both;
		}
		c->cookie = NULL;
		c->next = free_head;
		free_head = id;
		num_free += c->ndescs;
		continue;
bad:
		vxpath_vqp_mark_broken(vq, why, id, len);
		break;
	}
	vq->next_used = next_used;
	vq->used_wrap = want != 0;
	vq->avail_descs = avail;
	vq->free_head = free_head;
	vq->num_free = num_free;
	vq->inflight -= k;
	return k;
}

/*
 * VIRTIO_F_IN_ORDER: consume up to @max used chains. The id the next used
 * descriptor must carry is next_used (struct vxpath_vqp): a descriptor
 * carrying it completes the oldest chain (one compare); any other is a
 * batch, checked once by vxpath_vqp_in_order_batch() and handed out chain
 * by chain, possibly over several calls (inorder_left), without reading
 * the ring slots it skips.
 */
static __rte_always_inline uint16_t
vxpath_vqp_used_burst_in_order(struct vxpath_vqp *vq, void **cookies,
			       uint32_t *lens, uint16_t max)
{
	const uint32_t both = VXPATH_VQP_DESC_F_AVAIL | VXPATH_VQP_DESC_F_USED;
	const struct vring_packed_desc *desc = vq->desc;
	struct vxpath_vq_in_order_pos p = {
		.chains = vq->chains, .cookies = cookies, .lens = lens,
		.size = vq->size, .slot = vq->next_used,
		.num_free = vq->num_free, .avail = vq->avail_descs,
		.wrap = vq->used_wrap ? both : 0, .wrap_bits = both,
	};
	uint32_t left = vq->inorder_left, last_len = vq->inorder_len;

	while (p.k < max) {
		if (likely(left == 0)) {
			const struct vring_packed_desc *d = &desc[p.slot];
			const struct vxpath_vq_chain *c = &p.chains[p.slot];
			uint32_t flags, id, len;

			/* Acquire: id and length are read after the flags. */
			flags = rte_le_to_cpu_16(__atomic_load_n(&d->flags,
							__ATOMIC_ACQUIRE));
			if ((flags & both) != p.wrap)
				break;
			/* Read each field once: the device may rewrite
			 * them.
			 */
			id = rte_le_to_cpu_16(__atomic_load_n(&d->id,
							      __ATOMIC_RELAXED));
			len = rte_le_to_cpu_32(__atomic_load_n(&d->len,
							       __ATOMIC_RELAXED));
			if (likely(id == p.slot && p.avail != 0)) {
				if (c->in_len == 0 ||
				    !(flags & VRING_DESC_F_WRITE)) {
					/* Nothing written: the length is
					 * reserved (2.8.4).
					 */
					len = 0;
				} else if (unlikely(len > c->in_len)) {
					vxpath_vqp_mark_broken(vq, "used length exceeds the buffers posted",
							       id, len);
					break;
				}
				vxpath_vq_in_order_take(&p, len);
				continue;
			}
			left = vxpath_vqp_in_order_batch(vq, (uint16_t)p.slot,
					(uint16_t)p.avail, (uint16_t)flags,
					(uint16_t)id, len,
					vq->inflight - p.k == p.size - p.num_free,
					&last_len);
			if (unlikely(left == 0))
				break;
		}
		/* A batch (2.8.20), checked: its chains without reading the
		 * slots it skips; only its last has a used length.
		 */
		vxpath_vq_in_order_take_batch(&p, &left, max, last_len);
	}
	vq->next_used = (uint16_t)p.slot;
	vq->used_wrap = p.wrap != 0;
	vq->avail_descs = (uint16_t)p.avail;
	vq->num_free = (uint16_t)p.num_free;
	vq->inflight = (uint16_t)(vq->inflight - p.k);
	vq->inorder_left = (uint16_t)left;
	vq->inorder_len = last_len;
	return (uint16_t)p.k;
}

/**
 * Consume up to @max used chains (2.8.22): the datapath's form of
 * vxpath_vqp_get_used(), with the same checks (the descriptor's flags say
 * used in the current lap, id < size and outstanding and made available,
 * the used descriptor within those made available, len <= the
 * device-writable bytes posted; IN_ORDER batches), each descriptor read
 * once. The chains' ids and ring slots are free again on return.
 * @cookies, @lens: @max entries each, filled in used order; a chain with
 * nothing written gets length 0. The cookies return to the caller. @lens
 * may be NULL (a constant, for a caller that posts no device-writable
 * buffers). @in_order: vq->in_order, a constant where the
 * caller knows it (as for vxpath_vqp_prod_add1()).
 * Return: chains consumed (0..@max); on a violation the queue is marked
 * broken and the chains consumed before it are returned.
 */
static __rte_always_inline uint16_t
vxpath_vqp_get_used_burst_mode(struct vxpath_vqp *vq, void **cookies,
			       uint32_t *lens, uint16_t max,
			       const bool in_order)
{
	if (unlikely(vq->fault.broken))
		return 0;
	return in_order ?
		vxpath_vqp_used_burst_in_order(vq, cookies, lens, max) :
		vxpath_vqp_used_burst_free_list(vq, cookies, lens, max);
}

/** Descriptor ring address, for desc_user_addr (VHOST_SET_VRING_ADDR). */
static inline uint64_t vxpath_vqp_desc_addr(const struct vxpath_vqp *vq)
{
	return (uint64_t)(uintptr_t)vq->desc;
}

/** Driver event suppression (driver area), for avail_user_addr. */
static inline uint64_t vxpath_vqp_driver_addr(const struct vxpath_vqp *vq)
{
	return (uint64_t)(uintptr_t)vq->driver;
}

/** Device event suppression (device area), for used_user_addr. */
static inline uint64_t vxpath_vqp_device_addr(const struct vxpath_vqp *vq)
{
	return (uint64_t)(uintptr_t)vq->device;
}

/**
 * Low half of VHOST_SET_VRING_BASE's num for a packed ring: where a device
 * that has taken nothing yet starts reading, i.e. the first descriptor the
 * driver has not had back (next_used, bits 0-14) with the wrap counter it
 * was made available under (bit 15). Right also when the driver has
 * already made buffers available (Rx buffers posted before the device
 * starts): 0x8000 on a fresh or reset ring, whatever was posted since.
 */
static inline uint32_t vxpath_vqp_avail_base(const struct vxpath_vqp *vq)
{
	return (uint32_t)vq->next_used |
	       ((uint32_t)vq->used_wrap << VRING_PACKED_EVENT_F_WRAP_CTR);
}

/**
 * VHOST_SET_VRING_BASE's whole num for a packed ring: the same position in
 * bits 0-15 (where the device reads) and 16-31 (where it writes used
 * descriptors), as DPDK's vhost library and Linux vhost read them:
 * 0x80008000 on a fresh or reset ring.
 */
static inline uint32_t vxpath_vqp_vring_base(const struct vxpath_vqp *vq)
{
	uint32_t start = vxpath_vqp_avail_base(vq);

	return start | (start << 16);
}

#endif /* VXPATH_VIRTQUEUE_PACKED_H */
