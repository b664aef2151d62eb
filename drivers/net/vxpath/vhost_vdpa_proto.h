/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The pure pieces of the vhost-vdpa back-end (vhost_vdpa.c), apart so that
 * the unit tests reach them without a device: the choice of back-end
 * features, the IOTLB messages written to the /dev/vhost-vdpa-N fd
 * (linux/vhost_types.h, struct vhost_msg_v2), and the checks of what the
 * device reports (its configuration space window, max_virtqueue_pairs).
 * Nothing here does I/O or logs.
 */
#ifndef VXPATH_VHOST_VDPA_PROTO_H
#define VXPATH_VHOST_VDPA_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <linux/vhost_types.h>

/** Largest configuration space window one get_config() reads (vhost.h). */
#define VXPATH_VDPA_CONFIG_MAX 256

/**
 * Choose the vhost back-end features (VHOST_SET_BACKEND_FEATURES, bit
 * numbers VHOST_BACKEND_F_*) from what the kernel offers
 * (VHOST_GET_BACKEND_FEATURES): VHOST_BACKEND_F_IOTLB_MSG_V2, required
 * (the IOTLB messages this back-end writes are struct vhost_msg_v2), and
 * VHOST_BACKEND_F_IOTLB_BATCH where offered. Nothing else.
 * @offered: the kernel's mask.
 * @chosen: out, the mask to set; untouched on error.
 * Return: 0; -ENOTSUP when IOTLB_MSG_V2 is not offered.
 */
int vxpath_vdpa_backend_features(uint64_t offered, uint64_t *chosen);

/**
 * Build one IOTLB message (struct vhost_msg_v2, address space 0).
 * @type: VHOST_IOTLB_UPDATE (map @size bytes at @iova to our virtual
 *   address @uaddr, read and write: VHOST_ACCESS_RW),
 *   VHOST_IOTLB_INVALIDATE (unmap @iova, @size; @uaddr ignored), or
 *   VHOST_IOTLB_BATCH_BEGIN / _END (all other arguments ignored, 0).
 * @range: the device's usable IOVA range (VHOST_VDPA_GET_IOVA_RANGE,
 *   inclusive), checked for UPDATE only; NULL: any.
 * Return: 0 and *@msg; -EINVAL for another @type, a @size of 0, a range
 * that wraps past 2^64, or an UPDATE outside @range.
 */
int vxpath_vdpa_iotlb_msg(struct vhost_msg_v2 *msg, uint32_t type,
			  uint64_t iova, uint64_t size, uint64_t uaddr,
			  const struct vhost_vdpa_iova_range *range);

/**
 * Check a window of the device configuration space before reading it
 * (VHOST_VDPA_GET_CONFIG): @size bytes at @offset of a space of
 * @config_size bytes (VHOST_VDPA_GET_CONFIG_SIZE).
 * @readable: out, the bytes of the window inside the space (the rest,
 *   past its end, is not the device's).
 * Return: 0; -EINVAL for @size 0 or above VXPATH_VDPA_CONFIG_MAX;
 * -ERANGE for a window that starts at or past @config_size.
 */
int vxpath_vdpa_config_window(uint32_t offset, uint32_t size,
			      uint32_t config_size, uint32_t *readable);

/**
 * The queue pairs a network device serves, from its configuration space
 * (virtio 1.2, 5.1.4): max_virtqueue_pairs when it offers
 * VIRTIO_NET_F_MQ, which must be 1 to 0x8000; 1 otherwise.
 * @cfg: @len bytes of struct virtio_net_config from offset 0 (little
 *   endian, as the device wrote them).
 * @features: the device's feature bits (VHOST_GET_FEATURES).
 * @pairs: out.
 * Return: 0; -EINVAL when @len does not cover the field; -ERANGE for a
 * value out of 1..0x8000 (the device's error).
 */
int vxpath_vdpa_net_max_pairs(const uint8_t *cfg, size_t len,
			      uint64_t features, uint16_t *pairs);

#endif /* VXPATH_VHOST_VDPA_PROTO_H */
