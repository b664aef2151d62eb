/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * One interface to the driver side of a virtqueue of either kind: split
 * (virtio 1.2, 2.7, virtqueue_split.h) or packed (2.8,
 * VIRTIO_F_RING_PACKED, virtqueue_packed.h). The kind is chosen once, when
 * the queue is set up (vxpath_ring_init()), from the negotiated features;
 * callers above this layer (rxtx.c, intr.c, ethdev_queue.c, virtio_net.c)
 * never reach into either kind's fields.
 *
 * The datapath's speed depends on the kind never being tested per packet:
 * the functions used by the burst functions are static inline and take the
 * kind as an argument, @packed (and, where descriptor order matters,
 * @in_order: VIRTIO_F_IN_ORDER), which each burst function of rxtx.c
 * passes as a compile-time constant, being compiled once per combination.
 * Callers off the datapath pass r->is_packed and r's in-order mode
 * (vxpath_ring_in_order()); the set-up and control functions, which take
 * the ring alone, are in ring.c.
 *
 * Cookies, buffers and errors are as the ring kinds define them: a cookie
 * is the caller's non-NULL pointer, handed back when the device returns
 * the chain; a device that breaks a rule breaks the ring (its fault
 * record, struct vxpath_vq_fault) and every later call fails until reset.
 */
#ifndef VXPATH_RING_H
#define VXPATH_RING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_common.h>

#include "virtqueue.h"
#include "virtqueue_packed.h"
#include "virtqueue_split.h"

/** The driver side of one virtqueue, of the kind chosen at set-up. */
struct vxpath_ring {
	union {
		struct vxpath_vq split;   /**< when !is_packed */
		struct vxpath_vqp packed; /**< when is_packed */
	};
	bool is_packed; /**< VIRTIO_F_RING_PACKED: which of the two it is */
};

/* --- set-up and control (ring.c): the kind is r->is_packed --- */

/**
 * Bytes of shared memory a ring of @size descriptors of the given kind
 * needs (vxpath_vq_mem_size(), vxpath_vqp_mem_size()).
 */
size_t vxpath_ring_mem_size(uint16_t size, bool packed);

/**
 * Lay out an empty ring of @size descriptors of kind @packed in @mem
 * (vxpath_ring_mem_size() bytes, aligned to VXPATH_VQ_ALIGN, owned by the
 * caller and shared with the device), with @chains (@size entries, owned
 * by the caller) for its private bookkeeping. Notifications suppressed,
 * no event index, free-list order, until the calls below say otherwise.
 * Return: 0; -EINVAL for a @size the kind does not allow (split: a power
 * of two in [1, 32768]; packed: [1, 32768]).
 */
int vxpath_ring_init(struct vxpath_ring *r, bool packed, void *mem,
		     uint16_t size, struct vxpath_vq_chain *chains);

/**
 * Back to the state after vxpath_ring_init() (event index and in-order
 * mode kept), not broken; outstanding cookies are forgotten: drain first.
 */
void vxpath_ring_reset(struct vxpath_ring *r);

/** Notification suppression by event index (VIRTIO_RING_F_EVENT_IDX). */
void vxpath_ring_set_event_idx(struct vxpath_ring *r, bool on);

/**
 * In-order use of descriptors (VIRTIO_F_IN_ORDER, 2.7.9, 2.8.20): one used
 * entry may complete a batch of chains. Call with nothing outstanding.
 */
void vxpath_ring_set_in_order(struct vxpath_ring *r, bool on);

/** Whether vxpath_ring_set_in_order() turned in-order mode on. */
bool vxpath_ring_in_order(const struct vxpath_ring *r);

/**
 * Take back every outstanding chain, calling @fn(@arg, cookie) for each
 * (the device no longer runs); the ring is then as after reset.
 * Return: cookies handed to @fn.
 */
unsigned int vxpath_ring_drain(struct vxpath_ring *r,
			       void (*fn)(void *arg, void *cookie), void *arg);

/**
 * Ask the device for used-buffer notifications again (2.7.10, 2.8.10).
 * Return: true if used entries already wait (no notification will come
 * for them); false if the device will notify the next one.
 */
bool vxpath_ring_enable_interrupts(struct vxpath_ring *r);

/** Suppress used-buffer notifications again: the driver polls. */
void vxpath_ring_disable_interrupts(struct vxpath_ring *r);

/**
 * The three addresses of VHOST_SET_VRING_ADDR (our virtual addresses):
 * split: descriptor table, available ring, used ring; packed: descriptor
 * ring, driver event suppression, device event suppression.
 */
void vxpath_ring_vhost_addrs(const struct vxpath_ring *r, uint64_t *desc,
			     uint64_t *avail, uint64_t *used);

/**
 * Where a back-end that takes the ring over must start (the num of
 * VHOST_SET_VRING_BASE): split: the used index in the ring's memory, the
 * last the previous device published; packed: vxpath_vqp_vring_base(),
 * once the driver has taken back every used descriptor (the caller
 * reclaims Tx chains first).
 * Return: 0 and *@base; -EAGAIN for a packed ring that still holds used
 * descriptors not taken back (ask again later).
 */
int vxpath_ring_resume_base(struct vxpath_ring *r, uint32_t *base);

/* --- state, either kind: @packed constant in the datapath --- */

/** The ring's fault record: whether and why the device broke it. */
static __rte_always_inline struct vxpath_vq_fault *
vxpath_ring_fault(struct vxpath_ring *r, const bool packed)
{
	return packed ? &r->packed.fault : &r->split.fault;
}

/** Whether the device broke the ring. */
static __rte_always_inline bool
vxpath_ring_broken(const struct vxpath_ring *r, const bool packed)
{
	return packed ? r->packed.fault.broken : r->split.fault.broken;
}

/**
 * Mark the ring broken: the device wrote @why (static text) about id @id
 * with length @len (bytes). See vxpath_vq_fault_set().
 */
static __rte_always_inline void
vxpath_ring_mark_broken(struct vxpath_ring *r, const char *why, uint32_t id,
			uint32_t len, const bool packed)
{
	if (packed)
		vxpath_vqp_mark_broken(&r->packed, why, id, len);
	else
		vxpath_vq_mark_broken(&r->split, why, id, len);
}

/** Descriptors in the ring. */
static __rte_always_inline uint16_t
vxpath_ring_size(const struct vxpath_ring *r, const bool packed)
{
	return packed ? r->packed.size : r->split.size;
}

/** Descriptors (ring slots) in no chain. */
static __rte_always_inline uint16_t
vxpath_ring_num_free(const struct vxpath_ring *r, const bool packed)
{
	return packed ? r->packed.num_free : r->split.num_free;
}

/** Chains the device holds (made available, not yet used). */
static __rte_always_inline uint16_t
vxpath_ring_inflight(const struct vxpath_ring *r, const bool packed)
{
	return packed ? r->packed.inflight : r->split.inflight;
}

/* --- adding chains --- */

/**
 * Make a chain of @n buffers available (vxpath_vq_add(), vxpath_vqp_add()):
 * driver-readable ones first. Visible to the device at vxpath_ring_publish().
 * Return: the chain's id (>= 0); -ENOSPC, -EINVAL or -EIO as those say.
 */
static __rte_always_inline int
vxpath_ring_add(struct vxpath_ring *r, const struct vxpath_vq_buf *bufs,
		uint16_t n, void *cookie, const bool packed)
{
	return packed ? vxpath_vqp_add(&r->packed, bufs, n, cookie) :
			vxpath_vq_add(&r->split, bufs, n, cookie);
}

/**
 * The id the next chain added will get (the head of the free list, or
 * under VIRTIO_F_IN_ORDER on a packed ring the slot it starts at): what
 * indexes the caller's per-chain memory, such as a Tx header slot or an
 * indirect table.
 */
static __rte_always_inline uint16_t
vxpath_ring_next_id(const struct vxpath_ring *r, const bool packed,
		    const bool in_order)
{
	if (packed)
		return in_order ? r->packed.next_avail : r->packed.free_head;
	return r->split.free_head;
}

/**
 * Make @n driver-readable buffers available through one indirect
 * descriptor (VIRTIO_RING_F_INDIRECT_DESC): @table, caller-owned shared
 * memory of @n descriptors of the ring's kind (16 bytes each: struct
 * vring_desc or struct vring_packed_desc), untouched by the driver until
 * the chain is used. Return: as vxpath_ring_add().
 */
static __rte_always_inline int
vxpath_ring_add_indirect(struct vxpath_ring *r, void *table,
			 const struct vxpath_vq_buf *bufs, uint16_t n,
			 void *cookie, const bool packed)
{
	if (packed)
		return vxpath_vqp_add_indirect(&r->packed, table, bufs, n,
					       cookie);
	return vxpath_vq_add_indirect(&r->split, table, bufs, n, cookie);
}

/**
 * Chains being added in a burst: the producer state of the ring kind the
 * caller is compiled for (the other member is dead code), kept in
 * registers between vxpath_ring_prod_begin() and vxpath_ring_prod_end()
 * (struct vxpath_vq_prod, struct vxpath_vqp_prod). Between the two only
 * the vxpath_ring_prod_* functions add to the ring.
 */
struct vxpath_ring_prod {
	struct vxpath_vq_prod split;
	struct vxpath_vqp_prod packed;
};

/** Start adding chains to @r through @p. */
static __rte_always_inline void
vxpath_ring_prod_begin(const struct vxpath_ring *r, struct vxpath_ring_prod *p,
		       const bool packed, const bool in_order)
{
	if (packed)
		vxpath_vqp_prod_begin(&r->packed, &p->packed, in_order);
	else
		vxpath_vq_prod_begin(&r->split, &p->split);
}

/** Write what @p added back into @r; publish with vxpath_ring_publish(). */
static __rte_always_inline void
vxpath_ring_prod_end(struct vxpath_ring *r, const struct vxpath_ring_prod *p,
		     const bool packed, const bool in_order)
{
	if (packed)
		vxpath_vqp_prod_end(&r->packed, &p->packed, in_order);
	else
		vxpath_vq_prod_end(&r->split, &p->split);
}

/** Descriptors free, as adding through @p left them. */
static __rte_always_inline uint16_t
vxpath_ring_prod_num_free(const struct vxpath_ring_prod *p, const bool packed)
{
	return packed ? p->packed.num_free : p->split.num_free;
}

/** The id the next chain added through @p will get. */
static __rte_always_inline uint16_t
vxpath_ring_prod_next_id(const struct vxpath_ring_prod *p, const bool packed,
			 const bool in_order)
{
	return packed ? vxpath_vqp_prod_next_id(&p->packed, in_order) :
			p->split.free_head;
}

/**
 * A chain of one buffer (@addr, our virtual address; @len bytes; written
 * by the device if @writable) through @p, with @cookie. The caller has
 * checked that a descriptor is free and the ring not broken.
 */
static __rte_always_inline void
vxpath_ring_prod_add1(struct vxpath_ring_prod *p, uint64_t addr, uint32_t len,
		      bool writable, void *cookie, const bool packed,
		      const bool in_order)
{
	if (packed)
		vxpath_vqp_prod_add1(&p->packed, addr, len, writable, cookie,
				     in_order);
	else
		vxpath_vq_prod_add1(&p->split, addr, len, writable, cookie,
				    in_order);
}

/** Make the chains added visible to the device (release). */
static __rte_always_inline void
vxpath_ring_publish(struct vxpath_ring *r, const bool packed)
{
	if (packed)
		vxpath_vqp_publish(&r->packed);
	else
		vxpath_vq_publish(&r->split);
}

/** After a publish: whether the device wants a notification. */
static __rte_always_inline bool
vxpath_ring_kick_needed(struct vxpath_ring *r, const bool packed)
{
	return packed ? vxpath_vqp_kick_needed(&r->packed) :
			vxpath_vq_kick_needed(&r->split);
}

/* --- taking used chains back --- */

/**
 * Consume up to @max used chains, checked (vxpath_vq_get_used_burst_mode(),
 * vxpath_vqp_get_used_burst_mode()): their cookies into @cookies and the
 * bytes the device wrote into @lens (may be NULL), in used order.
 * Return: chains consumed (0..@max); on a violation the ring is marked
 * broken and the chains consumed before it are returned.
 */
static __rte_always_inline uint16_t
vxpath_ring_get_used_burst(struct vxpath_ring *r, void **cookies,
			   uint32_t *lens, uint16_t max, const bool packed,
			   const bool in_order)
{
	return packed ?
		vxpath_vqp_get_used_burst_mode(&r->packed, cookies, lens, max,
					       in_order) :
		vxpath_vq_get_used_burst_mode(&r->split, cookies, lens, max,
					      in_order);
}

#endif /* VXPATH_RING_H */
