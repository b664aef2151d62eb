/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Unit tests of the control virtqueue's device side (drivers/net/vxpath/
 * ctrl.h), written against virtio 1.2, 5.1.6.5, and the header's contract:
 * each command is checked (feature negotiated, length, range) before the
 * device state changes, the ack is VIRTIO_NET_OK exactly when 0 is
 * returned, a refused or failed command leaves the state as it was, and the
 * back-end is told through the ops of vhost.h (a fake here, recording its
 * calls and failing on demand). Needs no EAL.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include <linux/virtio_config.h>
#include <linux/virtio_net.h>

#include "ctrl.h"
#include "vhost.h"
#include "vxpath.h"

#define BIT(f) (1ULL << (f))
#define ALL_CTRL (BIT(VIRTIO_NET_F_CTRL_VQ) | BIT(VIRTIO_NET_F_CTRL_RX) | \
		  BIT(VIRTIO_NET_F_CTRL_VLAN) | \
		  BIT(VIRTIO_NET_F_CTRL_MAC_ADDR) | BIT(VIRTIO_NET_F_MQ))

/* What the fake back-end saw, and how it misbehaves. */
static struct {
	unsigned int nb_enable;
	struct { uint16_t pair; bool enable; } enable[16];
	unsigned int nb_rx_mode;
	bool promisc, allmulti;
	unsigned int nb_mac;
	struct rte_ether_addr mac;
	int fail;            /* returned by the next call, then 0 */
	int fail_on_pair;    /* enable_queue_pair fails for this pair */
} fake;

static int
fake_take_fail(void)
{
	int ret = fake.fail;

	fake.fail = 0;
	return ret;
}

static int
fake_enable_queue_pair(struct vxpath_dev *dev, uint16_t pair, bool enable)
{
	(void)dev;
	if (fake.nb_enable < 16) {
		fake.enable[fake.nb_enable].pair = pair;
		fake.enable[fake.nb_enable].enable = enable;
	}
	fake.nb_enable++;
	if (fake.fail_on_pair >= 0 && pair == fake.fail_on_pair)
		return -EIO;
	return fake_take_fail();
}

static int
fake_set_rx_mode(struct vxpath_dev *dev, bool promisc, bool allmulti)
{
	int ret = fake_take_fail();

	(void)dev;
	fake.nb_rx_mode++;
	if (ret == 0) {
		fake.promisc = promisc;
		fake.allmulti = allmulti;
	}
	return ret;
}

static int
fake_set_mac(struct vxpath_dev *dev, const struct rte_ether_addr *mac)
{
	int ret = fake_take_fail();

	(void)dev;
	fake.nb_mac++;
	if (ret == 0)
		fake.mac = *mac;
	return ret;
}

static const struct vxpath_vhost_ops fake_ops = {
	.name = "fake",
	.enable_queue_pair = fake_enable_queue_pair,
	.set_rx_mode = fake_set_rx_mode,
	.set_mac = fake_set_mac,
};

/* vhost-user's shape: nothing to tell on Rx mode or MAC changes. */
static const struct vxpath_vhost_ops fake_ops_minimal = {
	.name = "minimal",
	.enable_queue_pair = fake_enable_queue_pair,
};

/* vhost-net's shape: the TAP's flags follow the Rx mode, and the TAP has
 * the port's MAC (no destination filter, vhost.h).
 */
static const struct vxpath_vhost_ops fake_ops_tap = {
	.name = "tap",
	.rx_no_dst_filter = true,
	.enable_queue_pair = fake_enable_queue_pair,
	.set_rx_mode = fake_set_rx_mode,
	.set_mac = fake_set_mac,
};

static struct vxpath_dev dev;

static const struct rte_ether_addr MAC_A = {
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a } };
static const struct rte_ether_addr MAC_B = {
	{ 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b } };
static const struct rte_ether_addr MCAST = {
	{ 0x01, 0x00, 0x5e, 0x00, 0x00, 0x01 } };

/* A started device: every control feature, 4 pairs with rings. */
static int
setup(void **state)
{
	(void)state;
	memset(&fake, 0, sizeof(fake));
	fake.fail_on_pair = -1;
	memset(&dev, 0, sizeof(dev));
	strcpy(dev.name, "net_vxpath_test");
	dev.ops = &fake_ops;
	dev.features = ALL_CTRL | BIT(VIRTIO_F_VERSION_1);
	dev.args.queues = 4;
	dev.args.cq = 1;
	dev.nr_queue_pairs = 4;
	dev.status = VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
		     VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK;
	dev.mac = MAC_A;
	vxpath_ctrl_reset(&dev);
	return 0;
}

/* Run one raw command; check the ack agrees with the return value. */
static int
exec(uint8_t class, uint8_t cmd, const void *data, size_t len)
{
	uint8_t ack = 0x5a;
	int ret = vxpath_ctrl_exec(&dev, class, cmd, data, len, &ack);

	assert_int_equal(ack, ret == 0 ? VIRTIO_NET_OK : VIRTIO_NET_ERR);
	return ret;
}

static void
test_reset_state(void **state)
{
	(void)state;
	assert_false(dev.ctrl.promisc);
	assert_false(dev.ctrl.allmulti);
	assert_int_equal(dev.ctrl.curr_queue_pairs, 1);
	assert_int_equal(dev.ctrl.nb_uc + dev.ctrl.nb_mc, 0);
	dev.ctrl.promisc = true;
	dev.ctrl.vlans[3] = 1;
	vxpath_ctrl_reset(&dev);
	assert_false(dev.ctrl.promisc);
	assert_int_equal(dev.ctrl.vlans[3], 0);
}

/* No VIRTIO_NET_F_CTRL_VQ: every command is refused, nothing is told. */
static void
test_no_control_queue(void **state)
{
	uint8_t on = 1;

	(void)state;
	dev.features = BIT(VIRTIO_F_VERSION_1);
	assert_int_equal(vxpath_ctrl_rx_mode(&dev, VIRTIO_NET_CTRL_RX_PROMISC,
					     true), -ENOTSUP);
	assert_int_equal(vxpath_ctrl_mac_addr_set(&dev, &MAC_B), -ENOTSUP);
	assert_int_equal(vxpath_ctrl_vlan(&dev, true, 5), -ENOTSUP);
	assert_int_equal(vxpath_ctrl_mq_pairs_set(&dev, 2), -ENOTSUP);
	assert_int_equal(exec(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC,
			      &on, 1), -ENOTSUP);
	assert_int_equal(fake.nb_rx_mode + fake.nb_mac + fake.nb_enable, 0);
	assert_false(dev.ctrl.promisc);
	assert_true(rte_is_same_ether_addr(&dev.mac, &MAC_A));
}

static void
test_rx_mode(void **state)
{
	uint8_t v;

	(void)state;
	assert_int_equal(vxpath_ctrl_rx_mode(&dev, VIRTIO_NET_CTRL_RX_PROMISC,
					     true), 0);
	assert_true(dev.ctrl.promisc && fake.promisc && !fake.allmulti);
	assert_int_equal(vxpath_ctrl_rx_mode(&dev,
					     VIRTIO_NET_CTRL_RX_ALLMULTI,
					     true), 0);
	assert_true(fake.promisc && fake.allmulti);
	assert_int_equal(vxpath_ctrl_rx_mode(&dev, VIRTIO_NET_CTRL_RX_PROMISC,
					     false), 0);
	assert_true(!dev.ctrl.promisc && dev.ctrl.allmulti);
	assert_true(!fake.promisc && fake.allmulti);
	assert_int_equal(fake.nb_rx_mode, 3);

	/* One byte, 0 or 1 (5.1.6.5.1). */
	v = 2;
	assert_int_equal(exec(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC,
			      &v, 1), -EINVAL);
	v = 1;
	assert_int_equal(exec(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC,
			      &v, 0), -EINVAL);
	assert_int_equal(exec(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC,
			      NULL, 1), -EINVAL);
	/* The extra modes need CTRL_RX_EXTRA, never offered. */
	assert_int_equal(exec(VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_NOBCAST,
			      &v, 1), -ENOTSUP);
	assert_int_equal(fake.nb_rx_mode, 3);
	assert_false(dev.ctrl.promisc);

	/* A back-end failure: error returned, state kept. */
	fake.fail = -EPERM;
	assert_int_equal(vxpath_ctrl_rx_mode(&dev, VIRTIO_NET_CTRL_RX_PROMISC,
					     true), -EPERM);
	assert_false(dev.ctrl.promisc);

	/* Without CTRL_RX. */
	dev.features &= ~BIT(VIRTIO_NET_F_CTRL_RX);
	assert_int_equal(vxpath_ctrl_rx_mode(&dev, VIRTIO_NET_CTRL_RX_PROMISC,
					     true), -ENOTSUP);
}

/* A back-end with nothing to set: the mode is accepted and kept. */
static void
test_rx_mode_nothing_to_tell(void **state)
{
	(void)state;
	dev.ops = &fake_ops_minimal;
	assert_int_equal(vxpath_ctrl_rx_mode(&dev, VIRTIO_NET_CTRL_RX_PROMISC,
					     true), 0);
	assert_true(dev.ctrl.promisc);
	assert_int_equal(vxpath_ctrl_mac_addr_set(&dev, &MAC_B), 0);
	assert_true(rte_is_same_ether_addr(&dev.mac, &MAC_B));
	assert_int_equal(fake.nb_rx_mode + fake.nb_mac, 0);
}

/*
 * Which filters the Rx queues apply. A device whose frames may be for
 * someone else filters by destination with promiscuous mode off, ethdev's
 * default; one behind vhost-net's TAP never does: the kernel sends every
 * frame through it to a host other than the port (the gateway's twins
 * with cq=1 lost every frame the kernel sent them when it did).
 */
static void
test_rx_filters(void **state)
{
	(void)state;
	/* After reset: promiscuous mode off. */
	assert_false(dev.ctrl.promisc);
	assert_int_equal(vxpath_ctrl_rx_filters(&dev, false),
			 VXPATH_RX_FILTER_MAC);
	assert_int_equal(vxpath_ctrl_rx_filters(&dev, true),
			 VXPATH_RX_FILTER_MAC | VXPATH_RX_FILTER_VLAN);
	assert_int_equal(vxpath_ctrl_rx_mode(&dev, VIRTIO_NET_CTRL_RX_PROMISC,
					     true), 0);
	assert_int_equal(vxpath_ctrl_rx_filters(&dev, false), 0);
	assert_int_equal(vxpath_ctrl_rx_filters(&dev, true),
			 VXPATH_RX_FILTER_VLAN);

	/* vhost-net: promiscuous mode off still tells the TAP (its flags),
	 * but the destination filter stays off; the VLAN filter applies.
	 */
	dev.ops = &fake_ops_tap;
	assert_int_equal(vxpath_ctrl_rx_mode(&dev, VIRTIO_NET_CTRL_RX_PROMISC,
					     false), 0);
	assert_false(dev.ctrl.promisc);
	assert_false(fake.promisc);
	assert_int_equal(vxpath_ctrl_rx_filters(&dev, false), 0);
	assert_int_equal(vxpath_ctrl_rx_filters(&dev, true),
			 VXPATH_RX_FILTER_VLAN);

	/* Without CTRL_RX or CTRL_VLAN (cq=0): nothing to filter on. */
	dev.ops = &fake_ops;
	dev.features &= ~(BIT(VIRTIO_NET_F_CTRL_RX) |
			  BIT(VIRTIO_NET_F_CTRL_VLAN));
	assert_int_equal(vxpath_ctrl_rx_filters(&dev, true), 0);
}

static void
test_mac_addr_set(void **state)
{
	(void)state;
	assert_int_equal(vxpath_ctrl_mac_addr_set(&dev, &MAC_B), 0);
	assert_true(rte_is_same_ether_addr(&dev.mac, &MAC_B));
	assert_true(rte_is_same_ether_addr(&fake.mac, &MAC_B));

	/* Multicast, zero, short: refused before the back-end hears. */
	assert_int_equal(vxpath_ctrl_mac_addr_set(&dev, &MCAST), -EINVAL);
	assert_int_equal(exec(VIRTIO_NET_CTRL_MAC,
			      VIRTIO_NET_CTRL_MAC_ADDR_SET,
			      "\0\0\0\0\0\0", 6), -EINVAL);
	assert_int_equal(exec(VIRTIO_NET_CTRL_MAC,
			      VIRTIO_NET_CTRL_MAC_ADDR_SET,
			      MAC_A.addr_bytes, 5), -EINVAL);
	assert_int_equal(fake.nb_mac, 1);

	/* The back-end refuses: the config space keeps the old address. */
	fake.fail = -EADDRNOTAVAIL;
	assert_int_equal(vxpath_ctrl_mac_addr_set(&dev, &MAC_A),
			 -EADDRNOTAVAIL);
	assert_true(rte_is_same_ether_addr(&dev.mac, &MAC_B));

	dev.features &= ~BIT(VIRTIO_NET_F_CTRL_MAC_ADDR);
	assert_int_equal(vxpath_ctrl_mac_addr_set(&dev, &MAC_A), -ENOTSUP);
}

/* Build a MAC_TABLE_SET by hand: counts as given, then the addresses. */
static size_t
table(uint8_t *buf, uint32_t nuc, uint32_t nuc_real,
      const struct rte_ether_addr *uc, uint32_t nmc, uint32_t nmc_real,
      const struct rte_ether_addr *mc)
{
	size_t off = 0;
	uint32_t i, le;

	le = rte_cpu_to_le_32(nuc);
	memcpy(buf + off, &le, 4);
	off += 4;
	for (i = 0; i < nuc_real; i++, off += 6)
		memcpy(buf + off, uc[i].addr_bytes, 6);
	le = rte_cpu_to_le_32(nmc);
	memcpy(buf + off, &le, 4);
	off += 4;
	for (i = 0; i < nmc_real; i++, off += 6)
		memcpy(buf + off, mc[i].addr_bytes, 6);
	return off;
}

static void
test_mac_table(void **state)
{
	struct rte_ether_addr many[VXPATH_CTRL_MAC_TABLE_SIZE + 1];
	const struct rte_ether_addr uc[2] = { MAC_A, MAC_B };
	uint8_t buf[8 + 6 * (VXPATH_CTRL_MAC_TABLE_SIZE + 1)];
	unsigned int i;
	size_t len;

	(void)state;
	assert_int_equal(vxpath_ctrl_mac_table_set(&dev, uc, 2, &MCAST, 1), 0);
	assert_int_equal(dev.ctrl.nb_uc, 2);
	assert_int_equal(dev.ctrl.nb_mc, 1);
	assert_true(rte_is_same_ether_addr(&dev.ctrl.macs[1], &MAC_B));
	assert_true(rte_is_same_ether_addr(&dev.ctrl.macs[2], &MCAST));

	/* Malformed: each refused, the table kept. */
	len = table(buf, 2, 2, uc, 1, 1, &MCAST);
	assert_int_equal(exec(VIRTIO_NET_CTRL_MAC,
			      VIRTIO_NET_CTRL_MAC_TABLE_SET, buf, len - 1),
			 -EINVAL);
	assert_int_equal(exec(VIRTIO_NET_CTRL_MAC,
			      VIRTIO_NET_CTRL_MAC_TABLE_SET, buf, len + 1),
			 -EINVAL);
	assert_int_equal(exec(VIRTIO_NET_CTRL_MAC,
			      VIRTIO_NET_CTRL_MAC_TABLE_SET, buf, 3), -EINVAL);
	len = table(buf, UINT32_MAX, 2, uc, 1, 1, &MCAST);
	assert_int_equal(exec(VIRTIO_NET_CTRL_MAC,
			      VIRTIO_NET_CTRL_MAC_TABLE_SET, buf, len),
			 -EINVAL);
	/* Entries of the wrong kind. */
	len = table(buf, 1, 1, &MCAST, 0, 0, NULL);
	assert_int_equal(exec(VIRTIO_NET_CTRL_MAC,
			      VIRTIO_NET_CTRL_MAC_TABLE_SET, buf, len),
			 -EINVAL);
	len = table(buf, 0, 0, NULL, 1, 1, &MAC_A);
	assert_int_equal(exec(VIRTIO_NET_CTRL_MAC,
			      VIRTIO_NET_CTRL_MAC_TABLE_SET, buf, len),
			 -EINVAL);
	/* More than the table holds, sent raw and through the helper. */
	for (i = 0; i < RTE_DIM(many); i++) {
		many[i] = MAC_A;
		many[i].addr_bytes[5] = (uint8_t)i;
	}
	len = table(buf, RTE_DIM(many), RTE_DIM(many), many, 0, 0, NULL);
	assert_int_equal(exec(VIRTIO_NET_CTRL_MAC,
			      VIRTIO_NET_CTRL_MAC_TABLE_SET, buf, len),
			 -ENOSPC);
	assert_int_equal(vxpath_ctrl_mac_table_set(&dev, many, RTE_DIM(many),
						   NULL, 0), -ENOSPC);
	assert_int_equal(dev.ctrl.nb_uc, 2);
	assert_int_equal(dev.ctrl.nb_mc, 1);

	/* A full table fits; empty tables clear it. */
	assert_int_equal(vxpath_ctrl_mac_table_set(&dev, many,
			 VXPATH_CTRL_MAC_TABLE_SIZE, NULL, 0), 0);
	assert_int_equal(dev.ctrl.nb_uc, VXPATH_CTRL_MAC_TABLE_SIZE);
	assert_int_equal(vxpath_ctrl_mac_table_set(&dev, NULL, 0, NULL, 0), 0);
	assert_int_equal(dev.ctrl.nb_uc + dev.ctrl.nb_mc, 0);

	/* The MAC class needs CTRL_RX (5.1.6.5.2). */
	dev.features &= ~BIT(VIRTIO_NET_F_CTRL_RX);
	assert_int_equal(vxpath_ctrl_mac_table_set(&dev, uc, 2, NULL, 0),
			 -ENOTSUP);
	assert_int_equal(fake.nb_enable + fake.nb_rx_mode + fake.nb_mac, 0);
}

static void
test_vlan(void **state)
{
	uint16_t le;

	(void)state;
	assert_int_equal(vxpath_ctrl_vlan(&dev, true, 100), 0);
	assert_int_equal(vxpath_ctrl_vlan(&dev, true, 4095), 0);
	assert_int_equal(vxpath_ctrl_vlan(&dev, true, 0), 0);
	assert_int_equal(dev.ctrl.vlans[100 / 64], 1ULL << (100 % 64));
	assert_int_equal(dev.ctrl.vlans[63], 1ULL << 63);
	assert_int_equal(dev.ctrl.vlans[0], 1);
	assert_int_equal(vxpath_ctrl_vlan(&dev, false, 100), 0);
	assert_int_equal(dev.ctrl.vlans[1], 0);
	/* Deleting what is not there is fine. */
	assert_int_equal(vxpath_ctrl_vlan(&dev, false, 200), 0);

	assert_int_equal(vxpath_ctrl_vlan(&dev, true, 4096), -EINVAL);
	le = rte_cpu_to_le_16(7);
	assert_int_equal(exec(VIRTIO_NET_CTRL_VLAN, VIRTIO_NET_CTRL_VLAN_ADD,
			      &le, 1), -EINVAL);
	assert_int_equal(exec(VIRTIO_NET_CTRL_VLAN, 2, &le, 2), -ENOTSUP);
	assert_int_equal(dev.ctrl.vlans[0], 1);

	dev.features &= ~BIT(VIRTIO_NET_F_CTRL_VLAN);
	assert_int_equal(vxpath_ctrl_vlan(&dev, true, 7), -ENOTSUP);
}

static void
test_mq_pairs(void **state)
{
	(void)state;
	/* 2 of the 4 pairs with rings: 3 and 2 off first, then 1 on. */
	assert_int_equal(vxpath_ctrl_mq_pairs_set(&dev, 2), 0);
	assert_int_equal(dev.ctrl.curr_queue_pairs, 2);
	assert_int_equal(fake.nb_enable, 3);
	assert_int_equal(fake.enable[0].pair, 3);
	assert_false(fake.enable[0].enable);
	assert_int_equal(fake.enable[1].pair, 2);
	assert_false(fake.enable[1].enable);
	assert_int_equal(fake.enable[2].pair, 1);
	assert_true(fake.enable[2].enable);

	/* All 4: pairs 1..3 on, none off; pair 0 is never touched. */
	fake.nb_enable = 0;
	assert_int_equal(vxpath_ctrl_mq_pairs_set(&dev, 4), 0);
	assert_int_equal(fake.nb_enable, 3);
	assert_int_equal(fake.enable[0].pair, 1);
	assert_int_equal(fake.enable[2].pair, 3);
	assert_true(fake.enable[2].enable);

	/* 1: multi-queue off again. */
	fake.nb_enable = 0;
	assert_int_equal(vxpath_ctrl_mq_pairs_set(&dev, 1), 0);
	assert_int_equal(fake.nb_enable, 3);
	assert_int_equal(dev.ctrl.curr_queue_pairs, 1);

	/* Out of 1..max_virtqueue_pairs (5.1.6.5.5). */
	fake.nb_enable = 0;
	assert_int_equal(vxpath_ctrl_mq_pairs_set(&dev, 0), -EINVAL);
	assert_int_equal(vxpath_ctrl_mq_pairs_set(&dev, 5), -EINVAL);
	assert_int_equal(vxpath_ctrl_mq_pairs_set(&dev, 0x8000), -EINVAL);
	assert_int_equal(exec(VIRTIO_NET_CTRL_MQ,
			      VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, "\x02", 1),
			 -EINVAL);
	/* More than the pairs whose rings were handed over. */
	dev.nr_queue_pairs = 2;
	assert_int_equal(vxpath_ctrl_mq_pairs_set(&dev, 3), -EINVAL);
	/* Before DRIVER_OK. */
	dev.status &= ~VIRTIO_CONFIG_S_DRIVER_OK;
	assert_int_equal(vxpath_ctrl_mq_pairs_set(&dev, 2), -EINVAL);
	assert_int_equal(fake.nb_enable, 0);
	assert_int_equal(dev.ctrl.curr_queue_pairs, 1);
	dev.status |= VIRTIO_CONFIG_S_DRIVER_OK;

	/* RSS and hash configuration are not offered. */
	assert_int_equal(exec(VIRTIO_NET_CTRL_MQ,
			      VIRTIO_NET_CTRL_MQ_RSS_CONFIG, "\0\0", 2),
			 -ENOTSUP);

	/* A back-end failure is the command's error. */
	fake.fail_on_pair = 1;
	assert_int_equal(vxpath_ctrl_mq_pairs_set(&dev, 2), -EIO);
	assert_int_equal(dev.ctrl.curr_queue_pairs, 1);

	dev.features &= ~BIT(VIRTIO_NET_F_MQ);
	assert_int_equal(vxpath_ctrl_mq_pairs_set(&dev, 1), -ENOTSUP);
}

static void
test_unknown_class(void **state)
{
	(void)state;
	assert_int_equal(exec(VIRTIO_NET_CTRL_ANNOUNCE,
			      VIRTIO_NET_CTRL_ANNOUNCE_ACK, NULL, 0),
			 -ENOTSUP);
	assert_int_equal(exec(VIRTIO_NET_CTRL_GUEST_OFFLOADS, 0, "\0\0\0\0"
			      "\0\0\0\0", 8), -ENOTSUP);
	assert_int_equal(exec(200, 0, NULL, 0), -ENOTSUP);
	assert_int_equal(exec(VIRTIO_NET_CTRL_MAC, 7, NULL, 0), -ENOTSUP);
}

int
main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_reset_state, setup),
		cmocka_unit_test_setup(test_no_control_queue, setup),
		cmocka_unit_test_setup(test_rx_mode, setup),
		cmocka_unit_test_setup(test_rx_mode_nothing_to_tell, setup),
		cmocka_unit_test_setup(test_rx_filters, setup),
		cmocka_unit_test_setup(test_mac_addr_set, setup),
		cmocka_unit_test_setup(test_mac_table, setup),
		cmocka_unit_test_setup(test_vlan, setup),
		cmocka_unit_test_setup(test_mq_pairs, setup),
		cmocka_unit_test_setup(test_unknown_class, setup),
	};

	return cmocka_run_group_tests_name("vxpath_ctrl", tests, NULL, NULL);
}
