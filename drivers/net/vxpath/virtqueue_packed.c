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

/*
 * Also called by the tests only (declared in test/common/virtqueue_test.h,
 * not in the driver's headers).
 */
void *vxpath_vqp_peek_used(struct vxpath_vqp *vq, uint16_t offset,
			   uint32_t *len);
int vxpath_vqp_get_used(struct vxpath_vqp *vq, void **cookie, uint32_t *len);

/* The avail and used flag bits of a descriptor (2.8.1). */
#define DESC_F_AVAIL VXPATH_VQP_DESC_F_AVAIL
#define DESC_F_USED  VXPATH_VQP_DESC_F_USED

/* Event suppression: the two flag bits, the offset and wrap of off_wrap. */
#define EVENT_FLAGS_MASK 0x3
#define EVENT_OFF_MASK   0x7fff

/* Marks in chains[].next: virtqueue_packed.h. */
#define ID_PUBLISHED   VXPATH_VQP_ID_PUBLISHED
#define ID_UNPUBLISHED VXPATH_VQP_ID_UNPUBLISHED

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
	vq->inorder_left = 0;
	vq->any_writable = false;
	vq->inorder_len = 0;
	/* 2.8.1: both wrap counters start at 1. */
	vq->avail_wrap = true;
	vq->used_wrap = true;
	vq->batch_wrap = true;
	vq->fault.broken = false;
	vq->fault.why = NULL;
	vq->fault.detail[0] = '\0';
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
	const bool in_order = vq->in_order;
	struct vxpath_vqp_prod p;
	uint64_t in_len = 0;
	uint16_t id, i;

	if (unlikely(vq->fault.broken))
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
	 * descriptors free there is a free id too. IN_ORDER: the id is the
	 * chain's first slot.
	 */
	vxpath_vqp_prod_begin(vq, &p, in_order);
	id = vxpath_vqp_prod_next_id(&p, in_order);
	if (!in_order) {
		RTE_ASSERT(id < vq->size);
		p.free_head = vq->chains[id].next;
	}
	for (i = 0; i < n; i++) {
		uint16_t flags = 0;

		if (bufs[i].writable) {
			flags |= VRING_DESC_F_WRITE;
			in_len += bufs[i].len;
		}
		if (i + 1 < n)
			flags |= VRING_DESC_F_NEXT;
		/* 2.8.6 asks for the id in the last descriptor; all have it. */
		vxpath_vqp_prod_desc(&p, bufs[i].addr, bufs[i].len, id, flags);
	}
	vxpath_vqp_prod_chain_added(&p, id, cookie,
			(uint32_t)RTE_MIN(in_len, (uint64_t)UINT32_MAX), n,
			in_order);
	vxpath_vqp_prod_end(vq, &p, in_order);
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

	if (unlikely(vq->fault.broken))
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
	/* IN_ORDER: published means within avail_descs, nothing to mark. */
	for (id = vq->batch_first, k = 0;
	     !vq->in_order && k < vq->batch_chains; k++) {
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
 * are marked in a bitmap of buffer ids on the stack, so that a chain named
 * twice is caught without reading shared memory again.
 * Return: descriptors walked that are ready and valid (0..@n); when that is
 * @n (> 0), *@id and *@len describe the last. On a violation the queue is
 * marked broken and 0 returned.
 */
static uint32_t
vqp_walk(struct vxpath_vqp *vq, uint32_t n, uint16_t *id, uint32_t *len)
{
	uint64_t seen[VXPATH_VQP_MAX_SIZE / 64];
	uint16_t slot = vq->next_used;
	bool wrap = vq->used_wrap;
	const char *why = NULL;
	uint32_t k = 0, d = 0, i = 0, l = 0;

	if (unlikely(vq->fault.broken))
		return 0;
	memset(seen, 0, sizeof(seen[0]) * ((vq->size + 63u) / 64));
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
		if (unlikely(seen[i / 64] & (1ULL << (i % 64)))) {
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
		seen[i / 64] |= 1ULL << (i % 64);
		/* The device skips the rest of the chain (2.8.6). */
		d += c->ndescs;
		slot_advance(vq, &slot, &wrap, c->ndescs);
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

uint16_t
vxpath_vqp_in_order_batch(struct vxpath_vqp *vq, uint16_t slot, uint16_t avail,
			  uint16_t flags, uint16_t id, uint32_t len, bool single,
			  uint32_t *last_len)
{
	const struct vxpath_vq_chain *c;
	uint32_t descs = 0;
	uint16_t n = 0;
	bool wrap = false;

	if (unlikely(avail == 0)) {
		vxpath_vqp_mark_broken(vq, "used descriptor past the ones made available",
				       id, len);
		return 0;
	}
	if (unlikely(id >= vq->size)) {
		vxpath_vqp_mark_broken(vq, "used id out of range", id, len);
		return 0;
	}
	if (unlikely(vq->chains[id].cookie == NULL)) {
		/* Not the first slot of an outstanding chain. */
		vxpath_vqp_mark_broken(vq, "used id is not an outstanding chain",
				       id, len);
		return 0;
	}
	if (single && !vq->any_writable) {
		/* A chain in every slot from @slot on, all driver-readable:
		 * the batch is the distance to @id, within those published.
		 */
		uint32_t d = id >= slot ? (uint32_t)id - slot :
					  (uint32_t)id + vq->size - slot;

		if (unlikely(d >= avail)) {
			vxpath_vqp_mark_broken(vq, "used id names a chain not yet made available",
					       id, len);
			return 0;
		}
		*last_len = 0;
		return (uint16_t)(d + 1);
	}
	/* The published chains from @slot on, in ring order, up to @id. */
	for (;;) {
		c = &vq->chains[slot];
		n++;
		descs += c->ndescs;
		if (unlikely(descs > avail)) {
			/* Outstanding, but not among those published. */
			vxpath_vqp_mark_broken(vq, "used id names a chain not yet made available",
					       id, len);
			return 0;
		}
		if (slot == id)
			break;
		if (unlikely(c->in_len != 0)) {
			vxpath_vqp_mark_broken(vq,
				"in-order batch skips a device-writable chain (used length unknown)",
				id, len);
			return 0;
		}
		if (unlikely(descs == avail)) {
			/* The last published chain, and @id still ahead:
			 * never step onto slots no published chain holds.
			 */
			vxpath_vqp_mark_broken(vq, "used id names a chain not yet made available",
					       id, len);
			return 0;
		}
		slot_advance(vq, &slot, &wrap, c->ndescs);
	}
	if (c->in_len == 0 || !(flags & VRING_DESC_F_WRITE)) {
		/* Nothing written: the length is reserved (2.8.4). */
		len = 0;
	} else if (unlikely(len > c->in_len)) {
		vxpath_vqp_mark_broken(vq, "used length exceeds the buffers posted",
				       id, len);
		return 0;
	}
	*last_len = len;
	return n;
}

/*
 * VIRTIO_F_IN_ORDER: walk the chains from next_used on, reading and
 * checking each batch's used descriptor as the burst would (without
 * consuming anything), until @want chains are known or no more are used.
 * Return the chains known (may exceed @want); with @offset below that,
 * *@len is the used length of the chain @offset places after the oldest
 * and *@cookie its cookie. -1 if the queue broke.
 */
static int
vqp_in_order_walk(struct vxpath_vqp *vq, uint32_t want, uint32_t offset,
		  void **cookie, uint32_t *len)
{
	const uint16_t both = DESC_F_AVAIL | DESC_F_USED;
	uint32_t pos = 0, end = vq->inorder_left, l = vq->inorder_len;
	uint16_t slot = vq->next_used, avail = vq->avail_descs;
	bool wrap = vq->used_wrap;

	if (unlikely(vq->fault.broken))
		return -1;
	for (;;) {
		/* [pos, end): the batch holding chain 'pos', last length l. */
		for (; pos < end; pos++) {
			const struct vxpath_vq_chain *c = &vq->chains[slot];

			if (pos == offset) {
				*len = pos + 1 == end ? l : 0;
				*cookie = c->cookie;
			}
			avail = (uint16_t)(avail - c->ndescs);
			slot_advance(vq, &slot, &wrap, c->ndescs);
		}
		if (pos >= want)
			return (int)pos;
		{
			const struct vring_packed_desc *d = &vq->desc[slot];
			const struct vxpath_vq_chain *c = &vq->chains[slot];
			uint16_t flags, id, k;
			uint32_t dlen;

			flags = rte_le_to_cpu_16(__atomic_load_n(&d->flags,
							__ATOMIC_ACQUIRE));
			if ((flags & both) != (wrap ? both : 0))
				return (int)pos;
			id = rte_le_to_cpu_16(__atomic_load_n(&d->id,
							      __ATOMIC_RELAXED));
			dlen = rte_le_to_cpu_32(__atomic_load_n(&d->len,
							__ATOMIC_RELAXED));
			if (id == slot && avail != 0) {
				k = 1;
				if (c->in_len == 0 ||
				    !(flags & VRING_DESC_F_WRITE)) {
					l = 0;
				} else if (dlen > c->in_len) {
					vxpath_vqp_mark_broken(vq, "used length exceeds the buffers posted",
							       id, dlen);
					return -1;
				} else {
					l = dlen;
				}
			} else {
				k = vxpath_vqp_in_order_batch(vq, slot, avail,
						flags, id, dlen,
						vq->inflight ==
						vq->size - vq->num_free, &l);
				if (k == 0)
					return -1;
			}
			end = pos + k;
		}
	}
}

uint16_t
vxpath_vqp_used_count(struct vxpath_vqp *vq, uint16_t max)
{
	void *cookie;
	uint16_t id;
	uint32_t len;
	int n;

	if (vq->in_order) {
		n = vqp_in_order_walk(vq, max, UINT32_MAX, &cookie, &len);
		return n < 0 ? 0 : (uint16_t)RTE_MIN((uint32_t)n,
						     (uint32_t)max);
	}
	return (uint16_t)vqp_walk(vq, max, &id, &len);
}

void *
vxpath_vqp_peek_used(struct vxpath_vqp *vq, uint16_t offset, uint32_t *len)
{
	uint32_t n = (uint32_t)offset + 1;
	void *cookie = NULL;
	uint16_t id;

	if (vq->in_order) {
		if (vqp_in_order_walk(vq, n, offset, &cookie, len) < (int)n)
			return NULL;
		return cookie;
	}
	if (vqp_walk(vq, n, &id, len) != n)
		return NULL;
	return vq->chains[id].cookie;
}

int
vxpath_vqp_get_used(struct vxpath_vqp *vq, void **cookie, uint32_t *len)
{
	uint16_t n = vq->in_order ?
		vxpath_vqp_get_used_burst_mode(vq, cookie, len, 1, true) :
		vxpath_vqp_get_used_burst_mode(vq, cookie, len, 1, false);

	if (n == 1)
		return 0;
	return vq->fault.broken ? -EIO : -EAGAIN;
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
	if (unlikely(vq->fault.broken))
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
