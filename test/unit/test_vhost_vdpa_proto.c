/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Unit tests of the pure pieces of the vhost-vdpa back-end
 * (drivers/net/vxpath/vhost_vdpa_proto.h), written against the header's
 * contract, the Linux UAPI (linux/vhost_types.h: struct vhost_msg_v2,
 * VHOST_BACKEND_F_*) and virtio 1.2 5.1.4 (max_virtqueue_pairs).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/vhost_types.h>
#include <linux/virtio_net.h>

#include "vhost_vdpa_proto.h"

#define BF(b) (1ULL << (b))

/* MSG_V2 is required; BATCH taken only when offered; nothing else. */
static void
test_backend_features(void **state)
{
	uint64_t chosen = 0xdead;

	(void)state;
	assert_int_equal(vxpath_vdpa_backend_features(0, &chosen), -ENOTSUP);
	assert_int_equal(chosen, 0xdead);
	assert_int_equal(vxpath_vdpa_backend_features(
		BF(VHOST_BACKEND_F_IOTLB_BATCH), &chosen), -ENOTSUP);
	assert_int_equal(vxpath_vdpa_backend_features(
		BF(VHOST_BACKEND_F_IOTLB_MSG_V2), &chosen), 0);
	assert_int_equal(chosen, BF(VHOST_BACKEND_F_IOTLB_MSG_V2));
	/* A kernel offering everything (ASID, SUSPEND...): only the two. */
	assert_int_equal(vxpath_vdpa_backend_features(UINT64_MAX, &chosen), 0);
	assert_int_equal(chosen, BF(VHOST_BACKEND_F_IOTLB_MSG_V2) |
				 BF(VHOST_BACKEND_F_IOTLB_BATCH));
}

/* An UPDATE: V2 framing, address space 0, identity fields, RW. */
static void
test_iotlb_update(void **state)
{
	struct vhost_msg_v2 m;
	struct vhost_vdpa_iova_range r = { .first = 0x1000, .last = 0xffffffff };

	(void)state;
	memset(&m, 0xa5, sizeof(m));
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_UPDATE,
					       0x200000, 0x200000, 0x200000,
					       &r), 0);
	assert_int_equal(m.type, VHOST_IOTLB_MSG_V2);
	assert_int_equal(m.asid, 0);
	assert_int_equal(m.iotlb.type, VHOST_IOTLB_UPDATE);
	assert_int_equal(m.iotlb.iova, 0x200000);
	assert_int_equal(m.iotlb.size, 0x200000);
	assert_int_equal(m.iotlb.uaddr, 0x200000);
	assert_int_equal(m.iotlb.perm, VHOST_ACCESS_RW);
	/* The whole range, first and last byte included. */
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_UPDATE, 0x1000,
					       0xffffffff - 0x1000 + 1, 0x1000,
					       &r), 0);
	/* One byte outside at either end, size 0, wrap past 2^64. */
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_UPDATE, 0xfff,
					       0x1000, 0xfff, &r), -EINVAL);
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_UPDATE,
					       0xfffff000, 0x1001, 0, &r),
			 -EINVAL);
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_UPDATE, 0x2000,
					       0, 0x2000, NULL), -EINVAL);
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_UPDATE,
					       UINT64_MAX - 0xfff, 0x2000, 0,
					       NULL), -EINVAL);
	/* Without a range: up to the last IOVA. */
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_UPDATE,
					       UINT64_MAX - 0xfff, 0x1000, 0,
					       NULL), 0);
}

/* INVALIDATE: no uaddr, no perm; the whole space may go at once. */
static void
test_iotlb_invalidate(void **state)
{
	struct vhost_msg_v2 m;
	struct vhost_vdpa_iova_range r = { .first = 0x1000, .last = 0x1fff };

	(void)state;
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_INVALIDATE, 0,
					       UINT64_MAX, 0x1234, &r), 0);
	assert_int_equal(m.type, VHOST_IOTLB_MSG_V2);
	assert_int_equal(m.iotlb.type, VHOST_IOTLB_INVALIDATE);
	assert_int_equal(m.iotlb.iova, 0);
	assert_true(m.iotlb.size == UINT64_MAX);
	assert_int_equal(m.iotlb.uaddr, 0);
	assert_int_equal(m.iotlb.perm, 0);
	/* [1, 2^64 - 1] is the last range that does not wrap. */
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_INVALIDATE, 1,
					       UINT64_MAX, 0, &r), 0);
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_INVALIDATE, 2,
					       UINT64_MAX, 0, &r), -EINVAL);
}

/* BATCH_BEGIN/END carry their type only; other types are refused. */
static void
test_iotlb_batch_and_bad_type(void **state)
{
	struct vhost_msg_v2 m, zero;

	(void)state;
	memset(&zero, 0, sizeof(zero));
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_BATCH_BEGIN,
					       1, 2, 3, NULL), 0);
	assert_int_equal(m.type, VHOST_IOTLB_MSG_V2);
	assert_int_equal(m.iotlb.type, VHOST_IOTLB_BATCH_BEGIN);
	m.iotlb.type = 0;
	m.type = 0;
	assert_memory_equal(&m, &zero, sizeof(m));
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_BATCH_END,
					       0, 0, 0, NULL), 0);
	assert_int_equal(m.iotlb.type, VHOST_IOTLB_BATCH_END);
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_MISS, 0, 1, 0,
					       NULL), -EINVAL);
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, VHOST_IOTLB_ACCESS_FAIL, 0,
					       1, 0, NULL), -EINVAL);
	assert_int_equal(vxpath_vdpa_iotlb_msg(&m, 99, 0, 1, 0, NULL),
			 -EINVAL);
}

/* Configuration windows: sizes, the end of the space, truncation. */
static void
test_config_window(void **state)
{
	const uint32_t net = sizeof(struct virtio_net_config);
	const uint32_t want = offsetof(struct virtio_net_config, mtu) + 2;
	uint32_t len = 0;

	(void)state;
	assert_int_equal(vxpath_vdpa_config_window(0, want, net, &len), 0);
	assert_int_equal(len, want);
	/* A device whose space ends before mtu (no VIRTIO_NET_F_MTU). */
	assert_int_equal(vxpath_vdpa_config_window(0, want, 10, &len), 0);
	assert_int_equal(len, 10);
	assert_int_equal(vxpath_vdpa_config_window(8, 4, 10, &len), 0);
	assert_int_equal(len, 2);
	assert_int_equal(vxpath_vdpa_config_window(10, 2, 10, &len), -ERANGE);
	assert_int_equal(vxpath_vdpa_config_window(UINT32_MAX, 2, 10, &len),
			 -ERANGE);
	assert_int_equal(vxpath_vdpa_config_window(0, 0, net, &len), -EINVAL);
	assert_int_equal(vxpath_vdpa_config_window(0, 257, 4096, &len),
			 -EINVAL);
	assert_int_equal(vxpath_vdpa_config_window(0, 256, 4096, &len), 0);
	assert_int_equal(len, 256);
	/* No wrap: offset + size past 2^32. */
	assert_int_equal(vxpath_vdpa_config_window(UINT32_MAX - 1, 4,
						   UINT32_MAX, &len), 0);
	assert_int_equal(len, 1);
}

/* max_virtqueue_pairs at its offset, little endian, 1..0x8000 (5.1.4). */
static void
test_net_max_pairs(void **state)
{
	uint8_t cfg[sizeof(struct virtio_net_config)];
	const size_t at = offsetof(struct virtio_net_config,
				   max_virtqueue_pairs);
	const uint64_t mq = 1ULL << VIRTIO_NET_F_MQ;
	uint16_t pairs = 0;

	(void)state;
	memset(cfg, 0xff, sizeof(cfg));
	/* Without MQ the field is not read: one pair. */
	assert_int_equal(vxpath_vdpa_net_max_pairs(cfg, 0, 0, &pairs), 0);
	assert_int_equal(pairs, 1);
	cfg[at] = 0x04;
	cfg[at + 1] = 0x01;
	assert_int_equal(vxpath_vdpa_net_max_pairs(cfg, sizeof(cfg), mq,
						   &pairs), 0);
	assert_int_equal(pairs, 0x104);
	cfg[at] = 0x00;
	cfg[at + 1] = 0x80;
	assert_int_equal(vxpath_vdpa_net_max_pairs(cfg, sizeof(cfg), mq,
						   &pairs), 0);
	assert_int_equal(pairs, 0x8000);
	cfg[at] = 0x01;
	assert_int_equal(vxpath_vdpa_net_max_pairs(cfg, sizeof(cfg), mq,
						   &pairs), -ERANGE);
	cfg[at] = 0;
	cfg[at + 1] = 0;
	assert_int_equal(vxpath_vdpa_net_max_pairs(cfg, sizeof(cfg), mq,
						   &pairs), -ERANGE);
	assert_int_equal(vxpath_vdpa_net_max_pairs(cfg, at + 1, mq, &pairs),
			 -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backend_features),
		cmocka_unit_test(test_iotlb_update),
		cmocka_unit_test(test_iotlb_invalidate),
		cmocka_unit_test(test_iotlb_batch_and_bad_type),
		cmocka_unit_test(test_config_window),
		cmocka_unit_test(test_net_max_pairs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
