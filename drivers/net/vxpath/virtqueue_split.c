/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Driver side of the split virtqueue (virtio 1.2, 2.7): layout of the three
 * parts in shared memory, the private free list of descriptors, making
 * chains available (2.7.13) and taking back used ones (2.7.14), with every
 * value the device wrote checked before it is used.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>

#include "virtqueue_split.h"
#include "compat.h"
#include "vxpath_log.h"

/*
 * Also called by the tests only (declared in test/common/virtqueue_test.h,
 * not in the driver's headers).
 */
uint16_t vxpath_vq_used_count(struct vxpath_vq *vq);
void *vxpath_vq_peek_used(struct vxpath_vq *vq, uint16_t offset,
			  uint32_t *len);
int vxpath_vq_get_used(struct vxpath_vq *vq, void **cookie, uint32_t *len);

/* Offsets of the three parts inside the ring memory, in bytes. */
static size_t
avail_offset(uint16_t size)
{
	return RTE_ALIGN_CEIL(sizeof(struct vring_desc) * size, VXPATH_VQ_ALIGN);
}

static size_t
used_offset(uint16_t size)
{
	/* flags, idx, ring[size], used_event */
	size_t avail_bytes = sizeof(uint16_t) * (3 + (size_t)size);

	return RTE_ALIGN_CEIL(avail_offset(size) + avail_bytes, VXPATH_VQ_ALIGN);
}

size_t
vxpath_vq_mem_size(uint16_t size)
{
	/* flags, idx, ring[size], avail_event */
	size_t used_bytes = sizeof(uint16_t) * 2 +
			    sizeof(struct vring_used_elem) * size +
			    sizeof(uint16_t);

	return RTE_ALIGN_CEIL(used_offset(size) + used_bytes, VXPATH_VQ_ALIGN);
}

static void vq_suppress_interrupts(struct vxpath_vq *vq);

void
vxpath_vq_reset(struct vxpath_vq *vq)
{
	uint16_t i;

	memset(vq->desc, 0, vxpath_vq_mem_size(vq->size));
	memset(vq->chains, 0, sizeof(*vq->chains) * vq->size);
	for (i = 0; i < vq->size; i++)
		vq->chains[i].next = (uint16_t)(i + 1);
	vq->avail_idx = 0;
	vq->used_idx = 0;
	vq->num_free = vq->size;
	vq->free_head = 0;
	vq->inflight = 0;
	vq->kicked_idx = 0;
	vq->inorder_left = 0;
	vq->any_writable = false;
	vq->inorder_len = 0;
	vq->fault.broken = false;
	vq->fault.why = NULL;
	vq->fault.detail[0] = '\0';
	vq_suppress_interrupts(vq);
}

/*
 * The driver polls: it asks for no used-buffer notification (2.7.7). With
 * event index the flags must be 0 and used_event (at the end of the
 * available ring, 2.7.6) says it instead: one behind the used index.
 */
static void
vq_suppress_interrupts(struct vxpath_vq *vq)
{
	if (vq->event_idx) {
		vq->avail->flags = 0;
		vq->avail->ring[vq->size] =
			rte_cpu_to_le_16((uint16_t)(vq->used_idx - 1));
	} else {
		vq->avail->flags = rte_cpu_to_le_16(VRING_AVAIL_F_NO_INTERRUPT);
	}
}

void
vxpath_vq_set_event_idx(struct vxpath_vq *vq, bool on)
{
	vq->event_idx = on;
	vq_suppress_interrupts(vq);
}

void
vxpath_vq_set_in_order(struct vxpath_vq *vq, bool on)
{
	vq->in_order = on;
}

int
vxpath_vq_init(struct vxpath_vq *vq, void *mem, uint16_t size,
	       struct vxpath_vq_chain *chains)
{
	if (size == 0 || !rte_is_power_of_2(size) || size > 32768 ||
	    mem == NULL || chains == NULL)
		return -EINVAL;
	memset(vq, 0, sizeof(*vq));
	vq->size = size;
	vq->desc = mem;
	vq->avail = (struct vring_avail *)((char *)mem + avail_offset(size));
	vq->used = (struct vring_used *)((char *)mem + used_offset(size));
	vq->chains = chains;
	vxpath_vq_reset(vq);
	return 0;
}

int
vxpath_vq_add(struct vxpath_vq *vq, const struct vxpath_vq_buf *bufs,
	      uint16_t n, void *cookie)
{
	uint16_t mask = vq->size - 1;
	uint16_t head, idx, i;
	uint32_t in_len = 0;

	if (unlikely(vq->fault.broken))
		return -EIO;
	if (unlikely(n == 0 || cookie == NULL))
		return -EINVAL;
	if (unlikely(n > vq->num_free))
		return -ENOSPC;
	/* 2.7.4: device-readable descriptors come before writable ones. */
	for (i = 1; i < n; i++)
		if (bufs[i - 1].writable && !bufs[i].writable)
			return -EINVAL;

	head = idx = vq->free_head;
	for (i = 0; i < n; i++) {
		struct vring_desc *d = &vq->desc[idx];
		uint16_t flags = 0;

		if (bufs[i].writable) {
			flags |= VRING_DESC_F_WRITE;
			in_len += bufs[i].len;
		}
		/* IN_ORDER: the next descriptor in ring order, wrapping. */
		idx = vq->in_order ? (uint16_t)(idx + 1) & mask :
				     vq->chains[idx].next;
		if (i + 1 < n) {
			flags |= VRING_DESC_F_NEXT;
			d->next = rte_cpu_to_le_16(idx);
		}
		d->addr = rte_cpu_to_le_64(bufs[i].addr);
		d->len = rte_cpu_to_le_32(bufs[i].len);
		d->flags = rte_cpu_to_le_16(flags);
	}
	vq->free_head = idx;
	vq->num_free -= n;
	vq->chains[head].cookie = cookie;
	vq->chains[head].in_len = in_len;
	if (in_len != 0)
		vq->any_writable = true;
	vq->chains[head].ndescs = n;
	if (vq->avail->ring[vq->avail_idx & mask] != rte_cpu_to_le_16(head))
		vq->avail->ring[vq->avail_idx & mask] = rte_cpu_to_le_16(head);
	vq->avail_idx++;
	vq->inflight++;
	return head;
}

int
vxpath_vq_add_indirect(struct vxpath_vq *vq, struct vring_desc *table,
		       const struct vxpath_vq_buf *bufs, uint16_t n,
		       void *cookie)
{
	struct vxpath_vq_buf ring_buf;
	uint16_t i;
	int head;

	if (unlikely(vq->fault.broken))
		return -EIO;
	if (unlikely(vxpath_vq_indirect_args_check(table, bufs, n, vq->size,
						   cookie) < 0))
		return -EINVAL;
	/* 2.7.5.3: the table is a chain of its own, indexes from 0. */
	for (i = 0; i < n; i++) {
		table[i].addr = rte_cpu_to_le_64(bufs[i].addr);
		table[i].len = rte_cpu_to_le_32(bufs[i].len);
		table[i].flags = rte_cpu_to_le_16(i + 1 < n ?
						  VRING_DESC_F_NEXT : 0);
		table[i].next = rte_cpu_to_le_16(i + 1 < n ? i + 1 : 0);
	}
	ring_buf.addr = (uint64_t)(uintptr_t)table;
	ring_buf.len = (uint32_t)n * sizeof(*table);
	ring_buf.writable = false;
	head = vxpath_vq_add(vq, &ring_buf, 1, cookie);
	if (head < 0)
		return head;
	/* Still unpublished: the device cannot see the descriptor yet.
	 * 2.7.5.3.1: INDIRECT without NEXT (a chain of one).
	 */
	vq->desc[head].flags = rte_cpu_to_le_16(VRING_DESC_F_INDIRECT);
	return head;
}

void
vxpath_vq_publish(struct vxpath_vq *vq)
{
	/* Release: the descriptors and avail->ring entries written above are
	 * visible to the device before the index that hands them over.
	 */
	__atomic_store_n(&vq->avail->idx, rte_cpu_to_le_16(vq->avail_idx),
			 __ATOMIC_RELEASE);
}

bool
vxpath_vq_kick_needed(struct vxpath_vq *vq)
{
	uint16_t flags, event, old, new;

	/* Full barrier: our avail->idx store must be visible before we read
	 * the device's flags or avail_event, or the device may go idle having
	 * seen neither the new index nor a kick (2.7.10).
	 */
	rte_smp_mb();
	if (vq->event_idx) {
		/* avail_event follows the used ring's entries (2.7.8). */
		const uint16_t *avail_event =
			(const uint16_t *)&vq->used->ring[vq->size];

		event = rte_le_to_cpu_16(__atomic_load_n(avail_event,
							 __ATOMIC_RELAXED));
		old = vq->kicked_idx;
		new = vq->avail_idx;
		vq->kicked_idx = new;
		/* Kick iff event is in [old, new): the device asked to be
		 * told when the entry at 'event' became available.
		 */
		return (uint16_t)(new - event - 1) < (uint16_t)(new - old);
	}
	flags = rte_le_to_cpu_16(__atomic_load_n(&vq->used->flags,
						 __ATOMIC_RELAXED));
	return !(flags & VRING_USED_F_NO_NOTIFY);
}

void
vxpath_vq_used_idx_ahead(struct vxpath_vq *vq, uint16_t idx, uint16_t n)
{
	vxpath_vq_mark_broken(vq, "used index ahead of the chains outstanding",
			      idx, 0);
	snprintf(vq->fault.detail, sizeof(vq->fault.detail),
		 "%s (used->idx %u: %u entries, %u outstanding)",
		 vq->fault.why, idx, n, vq->inflight);
}

uint16_t
vxpath_vq_used_count(struct vxpath_vq *vq)
{
	if (unlikely(vq->fault.broken))
		return 0;
	return vxpath_vq_used_ready(vq);
}

/*
 * Check the used entry @offset places past the next unread one; return its
 * cookie with *@id and *@len, or NULL (queue broken) if it is invalid.
 */
static void *
vq_check_used(struct vxpath_vq *vq, uint16_t offset, uint32_t *id,
	      uint32_t *len)
{
	const struct vring_used_elem *e;
	struct vxpath_vq_chain *c;
	uint32_t i, l;

	if (unlikely(vq->fault.broken))
		return NULL;
	e = &vq->used->ring[(uint16_t)(vq->used_idx + offset) & (vq->size - 1)];
	/* Read each field once: the device may rewrite shared memory. */
	i = rte_le_to_cpu_32(__atomic_load_n(&e->id, __ATOMIC_RELAXED));
	l = rte_le_to_cpu_32(__atomic_load_n(&e->len, __ATOMIC_RELAXED));
	if (unlikely(i >= vq->size)) {
		vxpath_vq_mark_broken(vq, "used id out of range", i, l);
		return NULL;
	}
	c = &vq->chains[i];
	if (unlikely(c->cookie == NULL)) {
		vxpath_vq_mark_broken(vq, "used id is not an outstanding chain", i, l);
		return NULL;
	}
	/* A chain returned twice before the first is consumed: look at the
	 * unconsumed entries before this one (none on the hot path, offset 0).
	 */
	while (offset-- > 0) {
		e = &vq->used->ring[(uint16_t)(vq->used_idx + offset) &
				    (vq->size - 1)];
		if (unlikely(rte_le_to_cpu_32(__atomic_load_n(&e->id,
				__ATOMIC_RELAXED)) == i)) {
			vxpath_vq_mark_broken(vq, "used id returned twice", i, l);
			return NULL;
		}
	}
	if (c->in_len == 0) {
		/* Driver-readable chain: the device wrote nothing. */
		l = 0;
	} else if (unlikely(l > c->in_len)) {
		vxpath_vq_mark_broken(vq, "used length exceeds the buffers posted",
			       i, l);
		return NULL;
	}
	*id = i;
	*len = l;
	return c->cookie;
}

/* IN_ORDER: the head of the chain after the one at @head (ring order). */
static inline uint16_t
vq_next_chain(const struct vxpath_vq *vq, uint16_t head)
{
	return (uint16_t)(head + vq->chains[head].ndescs) & (vq->size - 1);
}

uint16_t
vxpath_vq_in_order_batch(struct vxpath_vq *vq, uint16_t oldest,
			 uint16_t ready, uint32_t id, uint32_t len, bool single,
			 uint32_t *last_len)
{
	struct vxpath_vq_chain *c;
	uint16_t head = oldest, k;

	if (unlikely(id >= vq->size)) {
		vxpath_vq_mark_broken(vq, "used id out of range", id, len);
		return 0;
	}
	if (unlikely(vq->chains[id].cookie == NULL)) {
		/* Not the head of an outstanding chain: a free descriptor,
		 * a chain already consumed, or one inside a chain.
		 */
		vxpath_vq_mark_broken(vq, "used id is not an outstanding chain",
				      id, len);
		return 0;
	}
	if (single && !vq->any_writable) {
		/* A chain at every descriptor from @oldest on, all
		 * driver-readable: the batch is the distance to @id.
		 */
		k = (uint16_t)(id - oldest) & (vq->size - 1);
		if (unlikely(k >= ready)) {
			vxpath_vq_mark_broken(vq,
				"used id is not a chain in availability order (VIRTIO_F_IN_ORDER)",
				id, len);
			return 0;
		}
		*last_len = 0;
		return (uint16_t)(k + 1);
	}
	for (k = 0; k < ready; k++) {
		if (head == id)
			break;
		/* A skipped chain the device may have written into. */
		if (unlikely(vq->chains[head].in_len != 0)) {
			vxpath_vq_mark_broken(vq,
				"in-order batch skips a device-writable chain (used length unknown)",
				id, len);
			return 0;
		}
		head = vq_next_chain(vq, head);
	}
	if (unlikely(k == ready)) {
		vxpath_vq_mark_broken(vq,
			"used id is not a chain in availability order (VIRTIO_F_IN_ORDER)",
			id, len);
		return 0;
	}
	c = &vq->chains[id];
	if (c->in_len == 0) {
		len = 0;
	} else if (unlikely(len > c->in_len)) {
		vxpath_vq_mark_broken(vq, "used length exceeds the buffers posted",
				      id, len);
		return 0;
	}
	*last_len = len;
	return (uint16_t)(k + 1);
}

/*
 * VIRTIO_F_IN_ORDER: cookie and used length of the chain @offset places
 * after the oldest outstanding one, checking the batches up to it as
 * vxpath_vq_get_used_burst() would (without consuming anything); NULL if
 * an entry is invalid (queue broken).
 */
static void *
vq_in_order_peek(struct vxpath_vq *vq, uint16_t offset, uint16_t ready,
		 uint32_t *len)
{
	uint16_t mask = vq->size - 1;
	uint16_t head = (uint16_t)(vq->free_head + vq->num_free) & mask;
	uint16_t pos = 0, end = vq->inorder_left, k;
	uint32_t l = vq->inorder_len;

	if (unlikely(vq->fault.broken) || offset >= ready)
		return NULL;
	/* [pos, end): the batch holding chain 'pos', whose last is 'l'. */
	for (;;) {
		for (; pos < end; pos++) {
			if (pos == offset) {
				*len = pos + 1 == end ? l : 0;
				return vq->chains[head].cookie;
			}
			head = vq_next_chain(vq, head);
		}
		{
			const struct vring_used_elem *e =
				&vq->used->ring[(uint16_t)(vq->used_idx + pos) &
						mask];
			uint32_t id = rte_le_to_cpu_32(__atomic_load_n(&e->id,
						__ATOMIC_RELAXED));
			uint32_t elen = rte_le_to_cpu_32(__atomic_load_n(&e->len,
						__ATOMIC_RELAXED));

			if (id == head) {
				k = 1;
				if (vq->chains[head].in_len == 0) {
					l = 0;
				} else if (elen > vq->chains[head].in_len) {
					vxpath_vq_mark_broken(vq, "used length exceeds the buffers posted",
							      id, elen);
					return NULL;
				} else {
					l = elen;
				}
			} else {
				k = vxpath_vq_in_order_batch(vq, head,
						(uint16_t)(ready - pos), id,
						elen, vq->inflight ==
						vq->size - vq->num_free, &l);
				if (k == 0)
					return NULL;
			}
			end = (uint16_t)(pos + k);
		}
	}
}

void *
vxpath_vq_peek_used(struct vxpath_vq *vq, uint16_t offset, uint32_t *len)
{
	uint32_t id;

	if (vq->in_order)
		return vq_in_order_peek(vq, offset, vxpath_vq_used_count(vq),
					len);
	return vq_check_used(vq, offset, &id, len);
}

int
vxpath_vq_get_used(struct vxpath_vq *vq, void **cookie, uint32_t *len)
{
	uint16_t n = vq->in_order ?
		vxpath_vq_get_used_burst_mode(vq, cookie, len, 1, true) :
		vxpath_vq_get_used_burst_mode(vq, cookie, len, 1, false);

	if (n == 1)
		return 0;
	return vq->fault.broken ? -EIO : -EAGAIN;
}

unsigned int
vxpath_vq_drain(struct vxpath_vq *vq, void (*fn)(void *arg, void *cookie),
		void *arg)
{
	unsigned int n = vxpath_vq_chains_collect(vq->chains, vq->size, fn,
						  arg);

	vxpath_vq_reset(vq);
	return n;
}

bool
vxpath_vq_enable_interrupts(struct vxpath_vq *vq)
{
	uint16_t idx;

	/* A broken queue returns nothing more: nothing to wait for. */
	if (unlikely(vq->fault.broken))
		return false;
	if (vq->event_idx)
		/* 2.7.10: notify when the entry at used_event is written. */
		__atomic_store_n(&vq->avail->ring[vq->size],
				 rte_cpu_to_le_16(vq->used_idx),
				 __ATOMIC_RELAXED);
	else
		__atomic_store_n(&vq->avail->flags, 0, __ATOMIC_RELAXED);
	/* Full barrier: the request above must be visible to the device
	 * before we read its used index, or an entry it wrote without seeing
	 * the request would be missed by both sides.
	 */
	rte_smp_mb();
	idx = rte_le_to_cpu_16(__atomic_load_n(&vq->used->idx,
					       __ATOMIC_RELAXED));
	return idx != vq->used_idx;
}

void
vxpath_vq_disable_interrupts(struct vxpath_vq *vq)
{
	vq_suppress_interrupts(vq);
}
