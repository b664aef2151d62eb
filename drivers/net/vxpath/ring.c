/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The set-up and control half of the ring interface (ring.h): each call
 * goes to the split (virtio 1.2, 2.7) or packed (2.8) ring by the kind
 * chosen at vxpath_ring_init(). Nothing here runs per packet.
 */
#include <errno.h>

#include <rte_byteorder.h>

#include "ring.h"

size_t
vxpath_ring_mem_size(uint16_t size, bool packed)
{
	return packed ? vxpath_vqp_mem_size(size) : vxpath_vq_mem_size(size);
}

int
vxpath_ring_init(struct vxpath_ring *r, bool packed, void *mem, uint16_t size,
		 struct vxpath_vq_chain *chains)
{
	r->is_packed = packed;
	return packed ? vxpath_vqp_init(&r->packed, mem, size, chains, false) :
			vxpath_vq_init(&r->split, mem, size, chains);
}

void
vxpath_ring_reset(struct vxpath_ring *r)
{
	if (r->is_packed)
		vxpath_vqp_reset(&r->packed);
	else
		vxpath_vq_reset(&r->split);
}

void
vxpath_ring_set_event_idx(struct vxpath_ring *r, bool on)
{
	if (r->is_packed)
		vxpath_vqp_set_event_idx(&r->packed, on);
	else
		vxpath_vq_set_event_idx(&r->split, on);
}

void
vxpath_ring_set_in_order(struct vxpath_ring *r, bool on)
{
	if (r->is_packed)
		vxpath_vqp_set_in_order(&r->packed, on);
	else
		vxpath_vq_set_in_order(&r->split, on);
}

bool
vxpath_ring_in_order(const struct vxpath_ring *r)
{
	return r->is_packed ? r->packed.in_order : r->split.in_order;
}

unsigned int
vxpath_ring_drain(struct vxpath_ring *r, void (*fn)(void *arg, void *cookie),
		  void *arg)
{
	return r->is_packed ? vxpath_vqp_drain(&r->packed, fn, arg) :
			      vxpath_vq_drain(&r->split, fn, arg);
}

bool
vxpath_ring_enable_interrupts(struct vxpath_ring *r)
{
	return r->is_packed ? vxpath_vqp_enable_interrupts(&r->packed) :
			      vxpath_vq_enable_interrupts(&r->split);
}

void
vxpath_ring_disable_interrupts(struct vxpath_ring *r)
{
	if (r->is_packed)
		vxpath_vqp_disable_interrupts(&r->packed);
	else
		vxpath_vq_disable_interrupts(&r->split);
}

void
vxpath_ring_vhost_addrs(const struct vxpath_ring *r, uint64_t *desc,
			uint64_t *avail, uint64_t *used)
{
	if (r->is_packed) {
		*desc = vxpath_vqp_desc_addr(&r->packed);
		*avail = vxpath_vqp_driver_addr(&r->packed);
		*used = vxpath_vqp_device_addr(&r->packed);
	} else {
		*desc = vxpath_vq_desc_addr(&r->split);
		*avail = vxpath_vq_avail_addr(&r->split);
		*used = vxpath_vq_used_addr(&r->split);
	}
}

int
vxpath_ring_resume_base(struct vxpath_ring *r, uint32_t *base)
{
	struct vxpath_vqp *vq = &r->packed;

	if (!r->is_packed) {
		/* Only a device writes used->idx, and none is attached. */
		*base = rte_le_to_cpu_16(__atomic_load_n(&r->split.used->idx,
							 __ATOMIC_ACQUIRE));
		return 0;
	}
	if (vxpath_vqp_used_count(vq, 1) > 0 || vq->inorder_left > 0)
		return -EAGAIN;
	*base = vxpath_vqp_vring_base(vq);
	return 0;
}
