/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The device side of the virtio-net control virtqueue (virtio 1.2,
 * 5.1.6.5) that vxpath serves itself, and the driver-side helpers that
 * build each command's data in the spec's layout. This file owns the
 * checks of every command (feature negotiated, length, range), the device
 * state the commands change (struct vxpath_ctrl: Rx mode, MAC filtering
 * table, VLAN filter table, queue pairs in use), the ack, and the calls
 * that tell the back-end (vhost.h: enable_queue_pair, set_rx_mode,
 * set_mac). See ctrl.h for why no ring carries these commands.
 */
#include <errno.h>
#include <string.h>

#include <linux/virtio_config.h>
#include <linux/virtio_net.h>
#include <rte_byteorder.h>
#include <rte_errno.h>
#include <rte_mbuf.h>

#include "ctrl.h"
#include "vhost.h"
#include "vxpath.h"
#include "vxpath_log.h"

#define BIT(f) (1ULL << (f))

/* Bytes of one address in a MAC table (5.1.6.5.2: u8 macs[entries][6]). */
#define MAC_BYTES RTE_ETHER_ADDR_LEN
/* Bytes of one table's entries count (le32). */
#define ENTRIES_BYTES sizeof(uint32_t)
/* Largest MAC_TABLE_SET the driver side builds: both counts and
 * VXPATH_CTRL_MAC_TABLE_SIZE addresses in all.
 */
#define MAC_TABLE_MAX_BYTES \
	(2 * ENTRIES_BYTES + VXPATH_CTRL_MAC_TABLE_SIZE * MAC_BYTES)

/** Spec name of a command, for log lines. */
static const char *
cmd_name(uint8_t class, uint8_t command)
{
	switch (class) {
	case VIRTIO_NET_CTRL_RX:
		switch (command) {
		case VIRTIO_NET_CTRL_RX_PROMISC:
			return "VIRTIO_NET_CTRL_RX_PROMISC";
		case VIRTIO_NET_CTRL_RX_ALLMULTI:
			return "VIRTIO_NET_CTRL_RX_ALLMULTI";
		default:
			return "VIRTIO_NET_CTRL_RX (extra mode)";
		}
	case VIRTIO_NET_CTRL_MAC:
		switch (command) {
		case VIRTIO_NET_CTRL_MAC_TABLE_SET:
			return "VIRTIO_NET_CTRL_MAC_TABLE_SET";
		case VIRTIO_NET_CTRL_MAC_ADDR_SET:
			return "VIRTIO_NET_CTRL_MAC_ADDR_SET";
		default:
			return "VIRTIO_NET_CTRL_MAC (unknown command)";
		}
	case VIRTIO_NET_CTRL_VLAN:
		switch (command) {
		case VIRTIO_NET_CTRL_VLAN_ADD:
			return "VIRTIO_NET_CTRL_VLAN_ADD";
		case VIRTIO_NET_CTRL_VLAN_DEL:
			return "VIRTIO_NET_CTRL_VLAN_DEL";
		default:
			return "VIRTIO_NET_CTRL_VLAN (unknown command)";
		}
	case VIRTIO_NET_CTRL_MQ:
		switch (command) {
		case VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET:
			return "VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET";
		default:
			return "VIRTIO_NET_CTRL_MQ (RSS or hash command)";
		}
	default:
		return "unknown class";
	}
}

static bool
negotiated(const struct vxpath_dev *dev, unsigned int feature)
{
	return (dev->features & BIT(feature)) != 0;
}

/* Index of the control virtqueue (5.1.2): 2N, N = max_virtqueue_pairs. */
static unsigned int
ctrl_vq_index(const struct vxpath_dev *dev)
{
	return 2 * dev->args.queues;
}

void
vxpath_ctrl_reset(struct vxpath_dev *dev)
{
	memset(&dev->ctrl, 0, sizeof(dev->ctrl));
	dev->ctrl.curr_queue_pairs = 1;
}

/*
 * VIRTIO_NET_CTRL_RX (5.1.6.5.1): one byte, 0 off or 1 on. The back-end
 * gets the whole new mode, then the device keeps it.
 */
static int
ctrl_rx(struct vxpath_dev *dev, uint8_t command, const uint8_t *data,
	size_t len)
{
	bool promisc = dev->ctrl.promisc, allmulti = dev->ctrl.allmulti;
	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_RX)) {
		VXPATH_LOG(ERR, "%s: %s: VIRTIO_NET_F_CTRL_RX not negotiated",
			   dev->name, cmd_name(VIRTIO_NET_CTRL_RX, command));
		return -ENOTSUP;
	}
	if (command != VIRTIO_NET_CTRL_RX_PROMISC &&
	    command != VIRTIO_NET_CTRL_RX_ALLMULTI) {
		VXPATH_LOG(ERR, "%s: Rx mode command %u needs VIRTIO_NET_F_CTRL_RX_EXTRA, which vxpath does not offer",
			   dev->name, command);
		return -ENOTSUP;
	}
	if (len != 1 || data[0] > 1) {
		VXPATH_LOG(ERR, "%s: %s: data must be one byte, 0 or 1 (%zu bytes, first %u)",
			   dev->name, cmd_name(VIRTIO_NET_CTRL_RX, command),
			   len, len > 0 ? data[0] : 0);
		return -EINVAL;
	}
	if (command == VIRTIO_NET_CTRL_RX_PROMISC)
		promisc = data[0] != 0;
	else
		allmulti = data[0] != 0;

	if (dev->ops->set_rx_mode != NULL) {
		ret = dev->ops->set_rx_mode(dev, promisc, allmulti);
		if (ret < 0)
			return ret;
	} else {
		VXPATH_LOG(DEBUG, "%s: Rx mode promisc %d allmulti %d: nothing to tell the %s back-end",
			   dev->name, promisc, allmulti, dev->ops->name);
	}
	dev->ctrl.promisc = promisc;
	dev->ctrl.allmulti = allmulti;
	return 0;
}

/*
 * Read one table of a MAC_TABLE_SET at *@off: a le32 count, then that many
 * 6-byte addresses, all within @len bytes. Advances *@off past it.
 */
static int
mac_table_read(const uint8_t *data, size_t len, size_t *off,
	       uint32_t *entries, const uint8_t **macs)
{
	uint32_t le;

	if (len - *off < ENTRIES_BYTES)
		return -EINVAL;
	memcpy(&le, data + *off, sizeof(le));
	*off += ENTRIES_BYTES;
	*entries = rte_le_to_cpu_32(le);
	if (*entries > (len - *off) / MAC_BYTES)
		return -EINVAL;
	*macs = data + *off;
	*off += (size_t)*entries * MAC_BYTES;
	return 0;
}

/*
 * VIRTIO_NET_CTRL_MAC_TABLE_SET (5.1.6.5.2): the unicast table, then the
 * multicast one. The whole command is checked before the table changes.
 */
static int
ctrl_mac_table_set(struct vxpath_dev *dev, const uint8_t *data, size_t len)
{
	const uint8_t *uc = NULL, *mc = NULL;
	uint32_t nb_uc = 0, nb_mc = 0, i;
	size_t off = 0;
	const char *what = NULL;

	if (mac_table_read(data, len, &off, &nb_uc, &uc) < 0 ||
	    mac_table_read(data, len, &off, &nb_mc, &mc) < 0 || off != len) {
		VXPATH_LOG(ERR, "%s: VIRTIO_NET_CTRL_MAC_TABLE_SET: %zu bytes are not two tables (le32 entries, 6-byte addresses)",
			   dev->name, len);
		return -EINVAL;
	}
	if ((uint64_t)nb_uc + nb_mc > VXPATH_CTRL_MAC_TABLE_SIZE) {
		VXPATH_LOG(ERR, "%s: VIRTIO_NET_CTRL_MAC_TABLE_SET: %u unicast and %u multicast addresses, the table holds %u",
			   dev->name, nb_uc, nb_mc, VXPATH_CTRL_MAC_TABLE_SIZE);
		return -ENOSPC;
	}
	for (i = 0; i < nb_uc && what == NULL; i++)
		if (uc[i * MAC_BYTES] & RTE_ETHER_GROUP_ADDR)
			what = "a multicast address in the unicast table";
	for (i = 0; i < nb_mc && what == NULL; i++)
		if (!(mc[i * MAC_BYTES] & RTE_ETHER_GROUP_ADDR))
			what = "a unicast address in the multicast table";
	if (what != NULL) {
		VXPATH_LOG(ERR, "%s: VIRTIO_NET_CTRL_MAC_TABLE_SET: %s",
			   dev->name, what);
		return -EINVAL;
	}
	for (i = 0; i < nb_uc; i++)
		memcpy(&dev->ctrl.macs[i], uc + i * MAC_BYTES, MAC_BYTES);
	for (i = 0; i < nb_mc; i++)
		memcpy(&dev->ctrl.macs[nb_uc + i], mc + i * MAC_BYTES,
		       MAC_BYTES);
	dev->ctrl.nb_uc = nb_uc;
	dev->ctrl.nb_mc = nb_mc;
	VXPATH_LOG(DEBUG, "%s: MAC filtering table: %u unicast, %u multicast",
		   dev->name, nb_uc, nb_mc);
	return 0;
}

/* Whether @a is among @n addresses at @t. */
static bool
mac_in(const struct rte_ether_addr *a, const struct rte_ether_addr *t,
       uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		if (rte_is_same_ether_addr(a, &t[i]))
			return true;
	return false;
}

unsigned int
vxpath_ctrl_rx_filters(const struct vxpath_dev *dev, bool vlan_offload)
{
	unsigned int f = 0;

	/* vhost-net's TAP carries the port's own MAC: every frame the
	 * kernel sends through it is for some host behind the application
	 * (a ping reply, an ARP reply, OSPF's multicast), none for that
	 * address, so filtering by destination would take nearly all of
	 * them away from an application that leaves promiscuous mode off
	 * (ethdev's default). Upstream's virtio-user does not filter either.
	 */
	if (negotiated(dev, VIRTIO_NET_F_CTRL_RX) && !dev->ctrl.promisc &&
	    !(dev->ops != NULL && dev->ops->rx_no_dst_filter))
		f |= VXPATH_RX_FILTER_MAC;
	if (negotiated(dev, VIRTIO_NET_F_CTRL_VLAN) && vlan_offload)
		f |= VXPATH_RX_FILTER_VLAN;
	return f;
}

bool
vxpath_ctrl_rx_accept(const struct vxpath_dev *dev, unsigned int filters,
		      const struct rte_mbuf *m)
{
	const struct vxpath_ctrl *c = &dev->ctrl;
	const struct rte_ether_hdr *eh =
		rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ether_addr *dst = &eh->dst_addr;
	uint32_t nb_uc, nb_mc;

	if ((filters & VXPATH_RX_FILTER_VLAN) &&
	    eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_VLAN)) {
		const struct rte_vlan_hdr *vh = (const void *)(eh + 1);
		uint16_t vid;

		if (m->data_len < sizeof(*eh) + sizeof(*vh))
			return false;
		vid = rte_be_to_cpu_16(vh->vlan_tci) & RTE_VLAN_ID_MASK;
		if (!(c->vlans[vid / 64] & (1ULL << (vid % 64))))
			return false;
	}
	if (!(filters & VXPATH_RX_FILTER_MAC) ||
	    rte_is_broadcast_ether_addr(dst))
		return true;
	/* Read once, bounded: the control path may be rewriting them. */
	nb_uc = RTE_MIN(__atomic_load_n(&c->nb_uc, __ATOMIC_RELAXED),
			(uint32_t)VXPATH_CTRL_MAC_TABLE_SIZE);
	nb_mc = RTE_MIN(__atomic_load_n(&c->nb_mc, __ATOMIC_RELAXED),
			(uint32_t)VXPATH_CTRL_MAC_TABLE_SIZE - nb_uc);
	if (rte_is_multicast_ether_addr(dst))
		return c->allmulti || mac_in(dst, &c->macs[nb_uc], nb_mc);
	return rte_is_same_ether_addr(dst, &dev->mac) ||
	       mac_in(dst, c->macs, nb_uc);
}

/*
 * VIRTIO_NET_CTRL_MAC_ADDR_SET (5.1.6.5.2): six bytes. The back-end
 * follows first (the TAP's address); the config space mac (dev->mac) is
 * updated before the command completes, as the spec asks.
 */
static int
ctrl_mac_addr_set(struct vxpath_dev *dev, const uint8_t *data, size_t len)
{
	struct rte_ether_addr mac;
	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_MAC_ADDR)) {
		VXPATH_LOG(ERR, "%s: VIRTIO_NET_CTRL_MAC_ADDR_SET: VIRTIO_NET_F_CTRL_MAC_ADDR not negotiated",
			   dev->name);
		return -ENOTSUP;
	}
	if (len != MAC_BYTES) {
		VXPATH_LOG(ERR, "%s: VIRTIO_NET_CTRL_MAC_ADDR_SET: %zu bytes, not %d",
			   dev->name, len, MAC_BYTES);
		return -EINVAL;
	}
	memcpy(&mac, data, MAC_BYTES);
	if (!rte_is_valid_assigned_ether_addr(&mac)) {
		VXPATH_LOG(ERR, "%s: VIRTIO_NET_CTRL_MAC_ADDR_SET: " RTE_ETHER_ADDR_PRT_FMT " is zero or multicast",
			   dev->name, RTE_ETHER_ADDR_BYTES(&mac));
		return -EINVAL;
	}
	if (dev->ops->set_mac != NULL) {
		ret = dev->ops->set_mac(dev, &mac);
		if (ret < 0)
			return ret;
	}
	rte_ether_addr_copy(&mac, &dev->mac);
	return 0;
}

static int
ctrl_mac(struct vxpath_dev *dev, uint8_t command, const uint8_t *data,
	 size_t len)
{
	if (command == VIRTIO_NET_CTRL_MAC_ADDR_SET)
		return ctrl_mac_addr_set(dev, data, len);
	/* 5.1.6.5.2: the MAC class needs CTRL_RX. */
	if (!negotiated(dev, VIRTIO_NET_F_CTRL_RX)) {
		VXPATH_LOG(ERR, "%s: %s: VIRTIO_NET_F_CTRL_RX not negotiated",
			   dev->name, cmd_name(VIRTIO_NET_CTRL_MAC, command));
		return -ENOTSUP;
	}
	if (command == VIRTIO_NET_CTRL_MAC_TABLE_SET)
		return ctrl_mac_table_set(dev, data, len);
	VXPATH_LOG(ERR, "%s: MAC command %u is not defined", dev->name,
		   command);
	return -ENOTSUP;
}

/* VIRTIO_NET_CTRL_VLAN_ADD/DEL (5.1.6.5.3): a le16 VLAN id. */
static int
ctrl_vlan(struct vxpath_dev *dev, uint8_t command, const uint8_t *data,
	  size_t len)
{
	uint64_t bit;
	uint16_t vid;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_VLAN)) {
		VXPATH_LOG(ERR, "%s: %s: VIRTIO_NET_F_CTRL_VLAN not negotiated",
			   dev->name, cmd_name(VIRTIO_NET_CTRL_VLAN, command));
		return -ENOTSUP;
	}
	if (command != VIRTIO_NET_CTRL_VLAN_ADD &&
	    command != VIRTIO_NET_CTRL_VLAN_DEL) {
		VXPATH_LOG(ERR, "%s: VLAN command %u is not defined",
			   dev->name, command);
		return -ENOTSUP;
	}
	if (len != sizeof(vid)) {
		VXPATH_LOG(ERR, "%s: %s: %zu bytes, not a le16 VLAN id",
			   dev->name, cmd_name(VIRTIO_NET_CTRL_VLAN, command),
			   len);
		return -EINVAL;
	}
	memcpy(&vid, data, sizeof(vid));
	vid = rte_le_to_cpu_16(vid);
	if (vid >= VXPATH_CTRL_NB_VLANS) {
		VXPATH_LOG(ERR, "%s: %s: VLAN id %u above %u", dev->name,
			   cmd_name(VIRTIO_NET_CTRL_VLAN, command), vid,
			   VXPATH_CTRL_NB_VLANS - 1);
		return -EINVAL;
	}
	bit = 1ULL << (vid % 64);
	if (command == VIRTIO_NET_CTRL_VLAN_ADD)
		dev->ctrl.vlans[vid / 64] |= bit;
	else
		dev->ctrl.vlans[vid / 64] &= ~bit;
	return 0;
}

/*
 * VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET (5.1.6.5.5): a le16 virtqueue_pairs.
 * Pair 0 serves from DRIVER_OK on; this enables pairs 1..n-1 of those whose
 * rings were handed over and disables the others. A back-end failure
 * stops at the pair it failed on: the caller then stops the rings.
 */
static int
ctrl_mq(struct vxpath_dev *dev, uint8_t command, const uint8_t *data,
	size_t len)
{
	uint16_t pairs, pair;
	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_MQ)) {
		VXPATH_LOG(ERR, "%s: %s: VIRTIO_NET_F_MQ not negotiated (devarg queues=1)",
			   dev->name, cmd_name(VIRTIO_NET_CTRL_MQ, command));
		return -ENOTSUP;
	}
	if (command != VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET) {
		VXPATH_LOG(ERR, "%s: %s: needs VIRTIO_NET_F_RSS or _HASH_REPORT, which vxpath does not offer",
			   dev->name, cmd_name(VIRTIO_NET_CTRL_MQ, command));
		return -ENOTSUP;
	}
	if (len != sizeof(pairs)) {
		VXPATH_LOG(ERR, "%s: VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET: %zu bytes, not a le16",
			   dev->name, len);
		return -EINVAL;
	}
	memcpy(&pairs, data, sizeof(pairs));
	pairs = rte_le_to_cpu_16(pairs);
	if (pairs < VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN ||
	    pairs > dev->args.queues) {
		VXPATH_LOG(ERR, "%s: VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET %u: out of 1..%u (max_virtqueue_pairs, devarg queues)",
			   dev->name, pairs, dev->args.queues);
		return -EINVAL;
	}
	if (!(dev->status & VIRTIO_CONFIG_S_DRIVER_OK) ||
	    pairs > dev->nr_queue_pairs) {
		VXPATH_LOG(ERR, "%s: VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET %u: only %u pair(s) have their rings set up",
			   dev->name, pairs,
			   (dev->status & VIRTIO_CONFIG_S_DRIVER_OK) ?
			   dev->nr_queue_pairs : 0);
		return -EINVAL;
	}
	/* Disable first, so that no frame is steered to a pair going away
	 * while others come; then enable.
	 */
	for (pair = dev->nr_queue_pairs - 1; pair >= pairs; pair--) {
		ret = dev->ops->enable_queue_pair(dev, pair, false);
		if (ret < 0)
			return ret;
	}
	for (pair = 1; pair < pairs; pair++) {
		ret = dev->ops->enable_queue_pair(dev, pair, true);
		if (ret < 0)
			return ret;
	}
	dev->ctrl.curr_queue_pairs = pairs;
	VXPATH_LOG(INFO, "%s: %u of %u queue pair(s) in use (%s back-end)",
		   dev->name, pairs, dev->args.queues, dev->ops->name);
	return 0;
}

int
vxpath_ctrl_exec(struct vxpath_dev *dev, uint8_t class, uint8_t command,
		 const void *data, size_t len, uint8_t *ack)
{
	static const uint8_t none;
	const uint8_t *p = data != NULL ? data : &none;
	int ret;

	*ack = VIRTIO_NET_ERR;
	if (!negotiated(dev, VIRTIO_NET_F_CTRL_VQ)) {
		VXPATH_LOG(ERR, "%s: %s: no control virtqueue (VIRTIO_NET_F_CTRL_VQ not negotiated; devarg cq=1 enables it)",
			   dev->name, cmd_name(class, command));
		return -ENOTSUP;
	}
	if (data == NULL)
		len = 0;

	switch (class) {
	case VIRTIO_NET_CTRL_RX:
		ret = ctrl_rx(dev, command, p, len);
		break;
	case VIRTIO_NET_CTRL_MAC:
		ret = ctrl_mac(dev, command, p, len);
		break;
	case VIRTIO_NET_CTRL_VLAN:
		ret = ctrl_vlan(dev, command, p, len);
		break;
	case VIRTIO_NET_CTRL_MQ:
		ret = ctrl_mq(dev, command, p, len);
		break;
	default:
		VXPATH_LOG(ERR, "%s: control class %u is not served by vxpath",
			   dev->name, class);
		ret = -ENOTSUP;
		break;
	}
	if (ret == 0)
		*ack = VIRTIO_NET_OK;
	VXPATH_LOG(DEBUG, "%s: controlq (virtqueue %u): %s, %zu bytes: %s",
		   dev->name, ctrl_vq_index(dev), cmd_name(class, command), len,
		   ret == 0 ? "VIRTIO_NET_OK" : "VIRTIO_NET_ERR");
	return ret;
}

int
vxpath_ctrl_rx_mode(struct vxpath_dev *dev, uint8_t command, bool on)
{
	uint8_t data = on ? 1 : 0;
	uint8_t ack;

	return vxpath_ctrl_exec(dev, VIRTIO_NET_CTRL_RX, command, &data,
				sizeof(data), &ack);
}

int
vxpath_ctrl_mac_addr_set(struct vxpath_dev *dev,
			 const struct rte_ether_addr *mac)
{
	uint8_t ack;

	return vxpath_ctrl_exec(dev, VIRTIO_NET_CTRL_MAC,
				VIRTIO_NET_CTRL_MAC_ADDR_SET, mac->addr_bytes,
				MAC_BYTES, &ack);
}

/* Append one table (le32 count, addresses) to @buf at *@off. */
static void
mac_table_write(uint8_t *buf, size_t *off, const struct rte_ether_addr *a,
		uint32_t n)
{
	uint32_t le = rte_cpu_to_le_32(n);
	uint32_t i;

	memcpy(buf + *off, &le, sizeof(le));
	*off += sizeof(le);
	for (i = 0; i < n; i++) {
		memcpy(buf + *off, a[i].addr_bytes, MAC_BYTES);
		*off += MAC_BYTES;
	}
}

int
vxpath_ctrl_mac_table_set(struct vxpath_dev *dev,
			  const struct rte_ether_addr *uc, uint32_t nb_uc,
			  const struct rte_ether_addr *mc, uint32_t nb_mc)
{
	uint8_t buf[MAC_TABLE_MAX_BYTES];
	size_t off = 0;
	uint8_t ack;

	if ((uint64_t)nb_uc + nb_mc > VXPATH_CTRL_MAC_TABLE_SIZE) {
		VXPATH_LOG(ERR, "%s: %u unicast and %u multicast addresses: the MAC filtering table holds %u",
			   dev->name, nb_uc, nb_mc, VXPATH_CTRL_MAC_TABLE_SIZE);
		return -ENOSPC;
	}
	mac_table_write(buf, &off, uc, nb_uc);
	mac_table_write(buf, &off, mc, nb_mc);
	return vxpath_ctrl_exec(dev, VIRTIO_NET_CTRL_MAC,
				VIRTIO_NET_CTRL_MAC_TABLE_SET, buf, off, &ack);
}

int
vxpath_ctrl_vlan(struct vxpath_dev *dev, bool add, uint16_t vid)
{
	uint16_t le = rte_cpu_to_le_16(vid);
	uint8_t ack;

	return vxpath_ctrl_exec(dev, VIRTIO_NET_CTRL_VLAN,
				add ? VIRTIO_NET_CTRL_VLAN_ADD :
				      VIRTIO_NET_CTRL_VLAN_DEL,
				&le, sizeof(le), &ack);
}

int
vxpath_ctrl_mq_pairs_set(struct vxpath_dev *dev, uint16_t pairs)
{
	uint16_t le = rte_cpu_to_le_16(pairs);
	uint8_t ack;

	return vxpath_ctrl_exec(dev, VIRTIO_NET_CTRL_MQ,
				VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, &le,
				sizeof(le), &ack);
}
