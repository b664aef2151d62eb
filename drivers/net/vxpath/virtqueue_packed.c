/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Driver side of the packed virtqueue (virtio 1.2, 2.8): layout of the
 * descriptor ring and the two event suppression areas in shared memory, the
 * private free list of buffer ids, the wrap counters, making chains
 * available in batches (2.8.21), deciding on available buffer notifications
 * (2.8.14, 2.8.21.3) and taking back used descriptors (2.8.22), with every
 * value the device wrote checked before it is used.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <rte_atomic.h>
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_debug.h>

#include "virtqueue_packed.h"
#include "vxpath_log.h"

/* The avail and used flag bits of a descriptor (2.8.1). */
#define DESC_F_AVAIL VXPATH_VQP_DESC_F_AVAIL
#define DESC_F_USED  VXPATH_VQP_DESC_F_USED

/* Event suppression: the two flag bits, the offset and wrap of off_wrap. */
#define EVENT_FLAGS_MASK 0x3
#define EVENT_OFF_MASK   0x7fff

/* Marks in chains[].next and tail: virtqueue_packed.h. */
#define ID_PUBLISHED   VXPATH_VQP_ID_PUBLISHED
#define ID_UNPUBLISHED VXPATH_VQP_ID_UNPUBLISHED
#define ID_SEEN        VXPATH_VQP_ID_SEEN
#define ID_NONE        VXPATH_VQP_ID_NONE

/* Offsets of the two event areas inside the ring memory, in bytes. */
static size_t
driver_offset(uint16_t size)
{
	return RTE_ALIGN_CEIL(sizeof(struct vring_packed_desc) * (size_t)size,
			      VXPATH_VQ_ALIGN);
}

static size_t
device_offset(uint16_t size)
{
	return driver_offset(size) +
	       RTE_ALIGN_CEIL(sizeof(struct vring_packed_desc_event),
			      VXPATH_VQ_ALIGN);
}

size_t
vxpath_vqp_mem_size(uint16_t size)
{
	return device_offset(size) +
	       RTE_ALIGN_CEIL(sizeof(struct vring_packed_desc_event),
			      VXPATH_VQ_ALIGN);
}

void
vxpath_vqp_mark_broken(struct vxpath_vqp *vq, const char *why, uint32_t id,
		       uint32_t len)
{
	if (vq->broken)
		return;
	vq->broken = true;
	vq->why = why;
	snprintf(vq->detail, sizeof(vq->detail), "%s (id %u, len %u)", why,
		 id, len);
	VXPATH_LOG(DEBUG, "packed virtqueue %p broken by the device: %s",
		   (void *)vq, vq->detail);
}

/* Avail and used bits of a descriptor made available with @wrap (2.8.1). */
static inline uint16_t
avail_bits(bool wrap)
{
	return wrap ? DESC_F_AVAIL : DESC_F_USED;
}

/*
 * A used descriptor written with Device Ring Wrap Counter @wrap has both
 * bits equal to it (2.8.1). Anything else (our own available descriptor,
 * one left from the previous lap, a torn or bogus value) is not ready.
 */
static inline bool
desc_is_used(uint16_t flags, bool wrap)
{
	uint16_t want = wrap ? (DESC_F_AVAIL | DESC_F_USED) : 0;

	return (flags & (DESC_F_AVAIL | DESC_F_USED)) == want;
}

/* Move @slot on by @n descriptors, toggling @wrap past the ring's end. */
static inline void
slot_advance(const struct vxpath_vqp *vq, uint16_t *slot, bool *wrap,
	     uint16_t n)
{
	uint32_t s = (uint32_t)*slot + n;

	if (s >= vq->size) {
		s -= vq->size;
		*wrap = !*wrap;
	}
	*slot = (uint16_t)s;
}

/* Index in chains[] of the FIFO entry @pos places after the oldest. */
static inline uint16_t
order_pos(const struct vxpath_vqp *vq, uint16_t pos)
{
	uint32_t p = (uint32_t)vq->order_head + pos;

	return (uint16_t)(p >= vq->size ? p - vq->size : p);
}

/* The driver polls: it asks for no used buffer notification (2.8.10). */
static void
vqp_suppress_interrupts(struct vxpath_vqp *vq)
{
	__atomic_store_n(&vq->driver->flags,
			 rte_cpu_to_le_16(VRING_PACKED_EVENT_FLAG_DISABLE),
			 __ATOMIC_RELAXED);
}

void
vxpath_vqp_reset(struct vxpath_vqp *vq)
{
	uint16_t i;

	memset(vq->desc, 0, vxpath_vqp_mem_size(vq->size));
	memset(vq->chains, 0, sizeof(*vq->chains) * vq->size);
	for (i = 0; i < vq->size; i++)
		vq->chains[i].next = (uint16_t)(i + 1);
	vqp_suppress_interrupts(vq);
	vq->next_avail = 0;
	vq->next_used = 0;
	vq->num_free = vq->size;
	vq->free_head = 0;
	vq->inflight = 0;
	vq->avail_descs = 0;
	vq->batch_slot = 0;
	vq->batch_flags = 0;
	vq->batch_descs = 0;
	vq->batch_chains = 0;
	vq->batch_first = 0;
	vq->batch_last = 0;
	vq->kick_descs = 0;
	vq->order_head = 0;
	vq->inorder_left = 0;
	vq->inorder_len = 0;
	/* 2.8.1: both wrap counters start at 1. */
	vq->avail_wrap = true;
	vq->used_wrap = true;
	vq->batch_wrap = true;
	vq->broken = false;
	vq->why = NULL;
	vq->detail[0] = '\0';
}

void
vxpath_vqp_set_event_idx(struct vxpath_vqp *vq, bool on)
{
	vq->event_idx = on;
	vqp_suppress_interrupts(vq);
}

void
vxpath_vqp_set_in_order(struct vxpath_vqp *vq, bool on)
{
	vq->in_order = on;
}

int
vxpath_vqp_init(struct vxpath_vqp *vq, void *mem, uint16_t size,
		struct vxpath_vq_chain *chains, bool event_idx)
{
	if (size == 0 || size > VXPATH_VQP_MAX_SIZE || mem == NULL ||
	    chains == NULL || (uintptr_t)mem % VXPATH_VQ_ALIGN != 0)
		return -EINVAL;
	memset(vq, 0, sizeof(*vq));
	vq->size = size;
	vq->desc = mem;
	vq->driver = (struct vring_packed_desc_event *)
		((char *)mem + driver_offset(size));
	vq->device = (struct vring_packed_desc_event *)
		((char *)mem + device_offset(size));
	vq->chains = chains;
	vq->event_idx = event_idx;
	vxpath_vqp_reset(vq);
	return 0;
}

int
vxpath_vqp_add(struct vxpath_vqp *vq, const struct vxpath_vq_buf *bufs,
	       uint16_t n, void *cookie)
{
	struct vxpath_vq_chain *c;
	uint16_t id, slot, i;
	uint64_t in_len = 0;
	bool wrap;

	if (unlikely(vq->broken))
		return -EIO;
	if (unlikely(n == 0 || cookie == NULL))
		return -EINVAL;
	if (unlikely(n > vq->num_free))
		return -ENOSPC;
	/* 2.8.17: device-readable descriptors come before writable ones. */
	for (i = 1; i < n; i++)
		if (bufs[i - 1].writable && !bufs[i].writable)
			return -EINVAL;

	/*
	 * Every outstanding chain holds at least one descriptor, so with @n
	 * descriptors free there is a free id too.
	 */
	id = vq->free_head;
	RTE_ASSERT(id < vq->size);
	c = &vq->chains[id];
	vq->free_head = c->next;

	slot = vq->next_avail;
	wrap = vq->avail_wrap;
	for (i = 0; i < n; i++) {
		struct vring_packed_desc *d = &vq->desc[slot];
		uint16_t flags = avail_bits(wrap);

		if (bufs[i].writable) {
			flags |= VRING_DESC_F_WRITE;
			in_len += bufs[i].len;
		}
		if (i + 1 < n)
			flags |= VRING_DESC_F_NEXT;
		d->addr = rte_cpu_to_le_64(bufs[i].addr);
		d->len = rte_cpu_to_le_32(bufs[i].len);
		/* 2.8.6 asks for the id in the last descriptor; all have it. */
		d->id = rte_cpu_to_le_16(id);
		if (i == 0 && vq->batch_descs == 0) {
			/*
			 * The batch's first descriptor: its flags hand the
			 * whole batch over, at publish (2.8.21.1).
			 */
			vq->batch_flags = flags;
		} else {
			/*
			 * Behind the withheld first descriptor: the device,
			 * reading in ring order (2.8.12), cannot get here
			 * before it.
			 */
			__atomic_store_n(&d->flags, rte_cpu_to_le_16(flags),
					 __ATOMIC_RELAXED);
		}
		/* 2.8.1: the wrap counter toggles past the ring's last slot. */
		slot_advance(vq, &slot, &wrap, 1);
	}
	vq->next_avail = slot;
	vq->avail_wrap = wrap;
	vxpath_vqp_chain_added(vq, id, cookie,
			       (uint32_t)RTE_MIN(in_len, (uint64_t)UINT32_MAX),
			       n);
	return id;
}

int
vxpath_vqp_add_indirect(struct vxpath_vqp *vq, struct vring_packed_desc *table,
			const struct vxpath_vq_buf *bufs, uint16_t n,
			void *cookie)
{
	struct vxpath_vq_buf ring_buf;
	uint16_t slot, i;
	int id;

	if (unlikely(vq->broken))
		return -EIO;
	if (unlikely(vxpath_vq_indirect_args_check(table, bufs, n, vq->size,
						   cookie) < 0))
		return -EINVAL;
	/* 2.8.19: sequential entries; only VRING_DESC_F_WRITE means
	 * anything in them, and none is writable here.
	 */
	for (i = 0; i < n; i++) {
		table[i].addr = rte_cpu_to_le_64(bufs[i].addr);
		table[i].len = rte_cpu_to_le_32(bufs[i].len);
		table[i].id = 0;
		table[i].flags = 0;
	}
	ring_buf.addr = (uint64_t)(uintptr_t)table;
	ring_buf.len = (uint32_t)n * sizeof(*table);
	ring_buf.writable = false;
	slot = vq->next_avail;
	id = vxpath_vqp_add(vq, &ring_buf, 1, cookie);
	if (id < 0)
		return id;
	/*
	 * Not yet visible: either the batch's withheld first descriptor
	 * (flags stored at publish) or one behind it (2.8.21.1).
	 */
	if (vq->batch_descs == 1) {
		vq->batch_flags |= VRING_DESC_F_INDIRECT;
	} else {
		uint16_t f = rte_le_to_cpu_16(vq->desc[slot].flags);

		__atomic_store_n(&vq->desc[slot].flags,
				 rte_cpu_to_le_16(f | VRING_DESC_F_INDIRECT),
				 __ATOMIC_RELAXED);
	}
	return id;
}

void
vxpath_vqp_publish(struct vxpath_vqp *vq)
{
	uint16_t id, k;
	uint32_t kick;

	if (vq->batch_descs == 0)
		return;
	/*
	 * Release: every descriptor of the batch (addresses, lengths, ids and
	 * the flags of all but the first) is visible to the device before
	 * the first descriptor's flags make the batch available (2.8.21.1).
	 */
	__atomic_store_n(&vq->desc[vq->batch_slot].flags,
			 rte_cpu_to_le_16(vq->batch_flags), __ATOMIC_RELEASE);
	for (id = vq->batch_first, k = 0; k < vq->batch_chains; k++) {
		uint16_t next = vq->chains[id].next;

		vq->chains[id].next = ID_PUBLISHED;
		id = next;
	}
	vq->avail_descs += vq->batch_descs;
	kick = (uint32_t)vq->kick_descs + vq->batch_descs;
	vq->kick_descs = (uint16_t)RTE_MIN(kick, (uint32_t)vq->size);
	vq->batch_descs = 0;
	vq->batch_chains = 0;
	vq->batch_slot = vq->next_avail;
	vq->batch_wrap = vq->avail_wrap;
}

/*
 * Position of (@slot, @wrap) on a ring of two laps, 0..2 * size - 1: a
 * descriptor's place modulo two laps, which the wrap counter tells apart.
 * Wrap counter 1 is the first lap (2.8.1).
 */
static inline uint32_t
lap_pos(const struct vxpath_vqp *vq, uint16_t slot, bool wrap)
{
	return (uint32_t)slot + (wrap ? 0 : vq->size);
}

bool
vxpath_vqp_kick_needed(struct vxpath_vqp *vq)
{
	uint32_t two_laps = 2u * vq->size, range, end, start, ev;
	uint16_t flags, off_wrap, off;

	/*
	 * Full barrier: the flags store of publish must be visible before we
	 * read the device's event suppression, or the device may go idle
	 * having seen neither the new descriptors nor a notification
	 * (2.8.21.3.1).
	 */
	rte_smp_mb();
	flags = rte_le_to_cpu_16(__atomic_load_n(&vq->device->flags,
						 __ATOMIC_ACQUIRE));
	range = vq->kick_descs;
	vq->kick_descs = 0;
	switch (flags & EVENT_FLAGS_MASK) {
	case VRING_PACKED_EVENT_FLAG_DISABLE:
		return false;
	case VRING_PACKED_EVENT_FLAG_DESC:
		break;
	default:
		/* ENABLE, or the reserved value: notify. */
		return true;
	}
	/* DESC is only valid with event_idx (2.8.14): otherwise notify. */
	if (!vq->event_idx)
		return true;
	off_wrap = rte_le_to_cpu_16(__atomic_load_n(&vq->device->off_wrap,
						    __ATOMIC_RELAXED));
	off = off_wrap & EVENT_OFF_MASK;
	/*
	 * An offset outside the ring, or a whole ring published since the
	 * last call (the range cannot be told from its wrap-arounds): a
	 * notification is always allowed (2.8.16), send it.
	 */
	if (off >= vq->size || range >= vq->size)
		return true;
	/*
	 * Notify if the descriptor the device waits for is among those
	 * published since the last call: [start, end) on the two-lap ring.
	 */
	end = lap_pos(vq, vq->batch_slot, vq->batch_wrap);
	start = (end + two_laps - range) % two_laps;
	ev = lap_pos(vq, off, off_wrap >> VRING_PACKED_EVENT_F_WRAP_CTR);
	return (ev + two_laps - start) % two_laps < range;
}

/*
 * Walk the used descriptors from next_used on, in ring order, at most @n of
 * them, each checked as vxpath_vqp_get_used() documents. The chains met
 * before the last are marked in their private entries (next = ID_SEEN,
 * linked through 'tail') so that a chain named twice is caught without
 * reading shared memory again; the marks are undone before returning.
 * Return: descriptors walked that are ready and valid (0..@n); when that is
 * @n (> 0), *@id and *@len describe the last. On a violation the queue is
 * marked broken and 0 returned.
 */
static uint32_t
vqp_walk(struct vxpath_vqp *vq, uint32_t n, uint16_t *id, uint32_t *len)
{
	uint16_t slot = vq->next_used, seen = ID_NONE;
	bool wrap = vq->used_wrap;
	const char *why = NULL;
	uint32_t k = 0, d = 0, i = 0, l = 0;

	if (unlikely(vq->broken))
		return 0;
	while (k < n) {
		const struct vring_packed_desc *desc = &vq->desc[slot];
		struct vxpath_vq_chain *c;
		uint16_t flags;

		/*
		 * Acquire: the id and length are read only after the flags
		 * that say the device wrote them (2.8.22).
		 */
		flags = rte_le_to_cpu_16(__atomic_load_n(&desc->flags,
							 __ATOMIC_ACQUIRE));
		if (!desc_is_used(flags, wrap))
			break;
		/* Read each field once: the device may rewrite it. */
		i = rte_le_to_cpu_16(__atomic_load_n(&desc->id,
						     __ATOMIC_RELAXED));
		l = rte_le_to_cpu_32(__atomic_load_n(&desc->len,
						     __ATOMIC_RELAXED));
		if (unlikely(d >= vq->avail_descs)) {
			why = "used descriptor past the ones made available";
			break;
		}
		if (unlikely(i >= vq->size)) {
			why = "used id out of range";
			break;
		}
		c = &vq->chains[i];
		if (unlikely(c->cookie == NULL)) {
			why = "used id is not an outstanding chain";
			break;
		}
		if (unlikely(c->next == ID_SEEN)) {
			why = "used id returned twice";
			break;
		}
		if (unlikely(c->next != ID_PUBLISHED)) {
			why = "used id names a chain not yet made available";
			break;
		}
		if (c->in_len == 0 || !(flags & VRING_DESC_F_WRITE)) {
			/*
			 * Driver-readable chain, or nothing written: the
			 * length is reserved (2.8.4).
			 */
			l = 0;
		} else if (unlikely(l > c->in_len)) {
			why = "used length exceeds the buffers posted";
			break;
		}
		if (++k == n)
			break;
		c->next = ID_SEEN;
		c->tail = seen;
		seen = (uint16_t)i;
		/* The device skips the rest of the chain (2.8.6). */
		d += c->ndescs;
		slot_advance(vq, &slot, &wrap, c->ndescs);
	}
	while (seen != ID_NONE) {
		struct vxpath_vq_chain *c = &vq->chains[seen];

		seen = c->tail;
		c->next = ID_PUBLISHED;
		c->tail = ID_NONE;
	}
	if (unlikely(why != NULL)) {
		vxpath_vqp_mark_broken(vq, why, i, l);
		return 0;
	}
	if (k == n && n > 0) {
		*id = (uint16_t)i;
		*len = l;
	}
	return k;
}

/*
 * VIRTIO_F_IN_ORDER (2.8.20): look at the used descriptor at (@slot, @wrap),
 * @d descriptors past next_used, for the batch that starts @pos chains
 * after the oldest outstanding one. It names the batch's last chain.
 * Return the batch's length in chains with *@len the last chain's used
 * length and *@descs the ring slots the batch takes; 0 if the descriptor
 * is not used yet; -1 if it is invalid (the queue is then broken).
 */
static int
vqp_in_order_batch(struct vxpath_vqp *vq, uint16_t pos, uint16_t slot,
		   bool wrap, uint32_t d, uint32_t *len, uint32_t *descs)
{
	const struct vring_packed_desc *desc = &vq->desc[slot];
	const char *why = NULL;
	struct vxpath_vq_chain *c = NULL;
	uint32_t i, l, n = 0;
	uint16_t flags, k;

	if (unlikely(vq->broken))
		return -1;
	/* Acquire: id and length are read after the flags (2.8.22). */
	flags = rte_le_to_cpu_16(__atomic_load_n(&desc->flags,
						 __ATOMIC_ACQUIRE));
	if (!desc_is_used(flags, wrap))
		return 0;
	/* Read each field once: the device may rewrite it. */
	i = rte_le_to_cpu_16(__atomic_load_n(&desc->id, __ATOMIC_RELAXED));
	l = rte_le_to_cpu_32(__atomic_load_n(&desc->len, __ATOMIC_RELAXED));
	if (unlikely(i >= vq->size)) {
		vxpath_vqp_mark_broken(vq, "used id out of range", i, l);
		return -1;
	}
	for (k = pos; k < vq->inflight; k++) {
		c = &vq->chains[vq->chains[order_pos(vq, k)].order];
		n += c->ndescs;
		if (unlikely(d + n > vq->avail_descs)) {
			why = "used descriptor past the ones made available";
			break;
		}
		if (c == &vq->chains[i])
			break;
		if (unlikely(c->in_len != 0)) {
			why = "in-order batch skips a device-writable chain (used length unknown)";
			break;
		}
	}
	if (why == NULL && unlikely(k == vq->inflight))
		why = "used id is not a chain in availability order (VIRTIO_F_IN_ORDER)";
	else if (why == NULL && unlikely(c->next != ID_PUBLISHED))
		why = "used id names a chain not yet made available";
	if (unlikely(why != NULL)) {
		vxpath_vqp_mark_broken(vq, why, i, l);
		return -1;
	}
	if (c->in_len == 0 || !(flags & VRING_DESC_F_WRITE)) {
		/* Nothing written: the length is reserved (2.8.4). */
		l = 0;
	} else if (unlikely(l > c->in_len)) {
		vxpath_vqp_mark_broken(vq, "used length exceeds the buffers posted",
				       i, l);
		return -1;
	}
	*len = l;
	*descs = n;
	return k - pos + 1;
}

/*
 * VIRTIO_F_IN_ORDER: walk batches past the one being consumed until
 * @want chains are known (or no more are used). Return the chains known
 * (may exceed @want); with @offset < that, *@len is the used length of
 * the chain @offset places after the oldest. -1 if the queue broke.
 */
static int
vqp_in_order_walk(struct vxpath_vqp *vq, uint32_t want, uint16_t offset,
		  uint32_t *len)
{
	uint32_t pos = vq->inorder_left, d = 0, l = 0, descs = 0;
	uint16_t slot = vq->next_used;
	bool wrap = vq->used_wrap;
	int r;

	if (unlikely(vq->broken))
		return -1;
	if (offset < pos)
		*len = offset + 1u == pos ? vq->inorder_len : 0;
	while (pos < want) {
		r = vqp_in_order_batch(vq, (uint16_t)pos, slot, wrap, d, &l,
				       &descs);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		if (offset >= pos && offset < pos + (uint32_t)r)
			*len = offset + 1u == pos + (uint32_t)r ? l : 0;
		pos += (uint32_t)r;
		d += descs;
		slot_advance(vq, &slot, &wrap, (uint16_t)descs);
	}
	return (int)pos;
}

uint16_t
vxpath_vqp_used_count(struct vxpath_vqp *vq, uint16_t max)
{
	uint16_t id;
	uint32_t len;
	int n;

	if (vq->in_order) {
		n = vqp_in_order_walk(vq, max, UINT16_MAX, &len);
		return n < 0 ? 0 : (uint16_t)RTE_MIN((uint32_t)n,
						     (uint32_t)max);
	}
	return (uint16_t)vqp_walk(vq, max, &id, &len);
}

void *
vxpath_vqp_peek_used(struct vxpath_vqp *vq, uint16_t offset, uint32_t *len)
{
	uint32_t n = (uint32_t)offset + 1;
	uint16_t id;

	if (vq->in_order) {
		if (vqp_in_order_walk(vq, n, offset, len) < (int)n)
			return NULL;
		return vq->chains[vq->chains[order_pos(vq, offset)].order]
			.cookie;
	}
	if (vqp_walk(vq, n, &id, len) != n)
		return NULL;
	return vq->chains[id].cookie;
}

/* Give the chain @id's buffer id and ring slots back. */
static void
vqp_free_chain(struct vxpath_vqp *vq, uint16_t id)
{
	struct vxpath_vq_chain *c = &vq->chains[id];

	c->cookie = NULL;
	c->next = vq->free_head;
	vq->free_head = id;
	vq->num_free += c->ndescs;
	vq->inflight--;
}

int
vxpath_vqp_get_used_in_order(struct vxpath_vqp *vq, void **cookie,
			     uint32_t *len)
{
	uint32_t descs = 0;
	uint16_t id;
	int r;

	if (vq->inorder_left == 0) {
		r = vqp_in_order_batch(vq, 0, vq->next_used, vq->used_wrap, 0,
				       &vq->inorder_len, &descs);
		if (r <= 0)
			return r < 0 ? -EIO : -EAGAIN;
		vq->inorder_left = (uint16_t)r;
		/* The device skips the batch's slots (2.8.20). */
		vq->avail_descs -= (uint16_t)descs;
		slot_advance(vq, &vq->next_used, &vq->used_wrap,
			     (uint16_t)descs);
	}
	id = vq->chains[vq->order_head].order;
	*cookie = vq->chains[id].cookie;
	*len = --vq->inorder_left == 0 ? vq->inorder_len : 0;
	vq->order_head = order_pos(vq, 1);
	vqp_free_chain(vq, id);
	return 0;
}

int
vxpath_vqp_get_used(struct vxpath_vqp *vq, void **cookie, uint32_t *len)
{
	if (vxpath_vqp_get_used_burst(vq, cookie, len, 1) == 1)
		return 0;
	return vq->broken ? -EIO : -EAGAIN;
}

unsigned int
vxpath_vqp_drain(struct vxpath_vqp *vq, void (*fn)(void *arg, void *cookie),
		 void *arg)
{
	unsigned int n = vxpath_vq_chains_collect(vq->chains, vq->size, fn,
						  arg);

	vxpath_vqp_reset(vq);
	return n;
}

bool
vxpath_vqp_enable_interrupts(struct vxpath_vqp *vq)
{
	const struct vring_packed_desc *desc = &vq->desc[vq->next_used];
	uint16_t flags;

	/* A broken queue returns nothing more: nothing to wait for. */
	if (unlikely(vq->broken))
		return false;
	if (vq->event_idx) {
		/* 2.8.14: notify when the descriptor at next_used is used. */
		uint16_t wrap = vq->used_wrap ?
			1u << VRING_PACKED_EVENT_F_WRAP_CTR : 0;
		uint16_t off_wrap = (uint16_t)(vq->next_used | wrap);

		/* Release: a device reading DESC finds this offset. */
		__atomic_store_n(&vq->driver->off_wrap,
				 rte_cpu_to_le_16(off_wrap), __ATOMIC_RELAXED);
		__atomic_store_n(&vq->driver->flags,
				 rte_cpu_to_le_16(VRING_PACKED_EVENT_FLAG_DESC),
				 __ATOMIC_RELEASE);
	} else {
		uint16_t enable = VRING_PACKED_EVENT_FLAG_ENABLE;

		__atomic_store_n(&vq->driver->flags, rte_cpu_to_le_16(enable),
				 __ATOMIC_RELAXED);
	}
	/*
	 * Full barrier: the request above must be visible to the device
	 * before we look at the next used descriptor, or one it wrote without
	 * seeing the request would be missed by both sides (2.8.22).
	 */
	rte_smp_mb();
	flags = rte_le_to_cpu_16(__atomic_load_n(&desc->flags,
						 __ATOMIC_RELAXED));
	/* Chains of a batch already read are waiting too. */
	return vq->inorder_left > 0 || desc_is_used(flags, vq->used_wrap);
}

void
vxpath_vqp_disable_interrupts(struct vxpath_vqp *vq)
{
	vqp_suppress_interrupts(vq);
}
