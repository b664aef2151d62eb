/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * What both virtqueue kinds share at run time (virtqueue.h): the record of
 * the first rule a device broke.
 */
#include <stdio.h>

#include "virtqueue.h"
#include "vxpath_log.h"

void
vxpath_vq_fault_set(struct vxpath_vq_fault *f, const char *kind,
		    const void *vq, const char *why, uint32_t id, uint32_t len)
{
	if (f->broken)
		return;
	f->broken = true;
	f->why = why;
	snprintf(f->detail, sizeof(f->detail), "%s (id %u, len %u)", why, id,
		 len);
	VXPATH_LOG(DEBUG, "%s virtqueue %p broken by the device: %s", kind, vq,
		   f->detail);
}
