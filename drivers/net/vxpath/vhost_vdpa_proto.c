/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The pure pieces of the vhost-vdpa back-end: back-end feature choice,
 * IOTLB message building, configuration space checks. See
 * vhost_vdpa_proto.h.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include <linux/virtio_net.h>

#include "vhost_vdpa_proto.h"

int
vxpath_vdpa_backend_features(uint64_t offered, uint64_t *chosen)
{
	const uint64_t v2 = 1ULL << VHOST_BACKEND_F_IOTLB_MSG_V2;
	const uint64_t batch = 1ULL << VHOST_BACKEND_F_IOTLB_BATCH;

	if (!(offered & v2))
		return -ENOTSUP;
	*chosen = v2 | (offered & batch);
	return 0;
}

int
vxpath_vdpa_iotlb_msg(struct vhost_msg_v2 *msg, uint32_t type,
		      uint64_t iova, uint64_t size, uint64_t uaddr,
		      const struct vhost_vdpa_iova_range *range)
{
	memset(msg, 0, sizeof(*msg));
	msg->type = VHOST_IOTLB_MSG_V2;
	msg->asid = 0;
	switch (type) {
	case VHOST_IOTLB_BATCH_BEGIN:
	case VHOST_IOTLB_BATCH_END:
		msg->iotlb.type = (uint8_t)type;
		return 0;
	case VHOST_IOTLB_UPDATE:
	case VHOST_IOTLB_INVALIDATE:
		break;
	default:
		return -EINVAL;
	}
	/* [iova, iova + size - 1] must not wrap. */
	if (size == 0 || iova + (size - 1) < iova)
		return -EINVAL;
	if (type == VHOST_IOTLB_UPDATE) {
		if (range != NULL &&
		    (iova < range->first || iova + (size - 1) > range->last))
			return -EINVAL;
		msg->iotlb.uaddr = uaddr;
		msg->iotlb.perm = VHOST_ACCESS_RW;
	}
	msg->iotlb.iova = iova;
	msg->iotlb.size = size;
	msg->iotlb.type = (uint8_t)type;
	return 0;
}

int
vxpath_vdpa_config_window(uint32_t offset, uint32_t size,
			  uint32_t config_size, uint32_t *readable)
{
	if (size == 0 || size > VXPATH_VDPA_CONFIG_MAX)
		return -EINVAL;
	if (offset >= config_size)
		return -ERANGE;
	*readable = size < config_size - offset ? size : config_size - offset;
	return 0;
}

int
vxpath_vdpa_net_max_pairs(const uint8_t *cfg, size_t len, uint64_t features,
			  uint16_t *pairs)
{
	const size_t at = offsetof(struct virtio_net_config,
				   max_virtqueue_pairs);
	uint16_t v;

	if (!(features & (1ULL << VIRTIO_NET_F_MQ))) {
		*pairs = 1;
		return 0;
	}
	if (len < at + sizeof(v))
		return -EINVAL;
	/* Little endian (virtio 1.2, 2.5: configuration space of 1.x). */
	v = (uint16_t)(cfg[at] | (cfg[at + 1] << 8));
	if (v < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN ||
	    v > VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX)
		return -ERANGE;
	*pairs = v;
	return 0;
}
