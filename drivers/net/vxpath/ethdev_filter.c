/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The port's receive filter through the control virtqueue (ctrl.c, virtio
 * 1.2 5.1.6.5): Rx mode (promiscuous, all-multicast), the MAC address and
 * the MAC and VLAN filter tables, and what the Rx queues check themselves
 * (vxpath_ethdev_rx_filter_sync()).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <ethdev_driver.h>
#include <rte_ether.h>
#include <rte_malloc.h>

#include <linux/virtio_ring.h>

#include "ctrl.h"
#include "rxtx.h"
#include "vxpath.h"
#include "vxpath_ethdev.h"
#include "vxpath_log.h"

/*
 * What the device's receive filter checks (ctrl.h), from its state and the
 * application's offloads: MAC filtering with CTRL_RX and promiscuous mode
 * off (never with vhost-net: vxpath_ctrl_rx_filters()), VLAN filtering
 * with CTRL_VLAN and RTE_ETH_RX_OFFLOAD_VLAN_FILTER.
 * Given to every Rx queue, which reads it once per burst. ctrl_lock held.
 */
void
vxpath_ethdev_rx_filter_sync(struct rte_eth_dev *eth_dev)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	uint8_t f;
	uint16_t i;

	f = (uint8_t)vxpath_ctrl_rx_filters(dev,
			!!(eth_dev->data->dev_conf.rxmode.offloads &
			   RTE_ETH_RX_OFFLOAD_VLAN_FILTER));
	for (i = 0; i < eth_dev->data->nb_rx_queues; i++) {
		struct vxpath_rxq *rxq = eth_dev->data->rx_queues[i];

		if (rxq != NULL)
			__atomic_store_n(&rxq->rx_filter, f, __ATOMIC_RELAXED);
	}
}

/*
 * rte_eth_dev_set_vlan_offload(): ethdev changed rxmode.offloads; only
 * the VLAN filter is the device's (VLAN strip and extend are not offered).
 */
int
vxpath_vlan_offload_set(struct rte_eth_dev *eth_dev, int mask)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);

	if ((mask & RTE_ETH_VLAN_FILTER_MASK) &&
	    (eth_dev->data->dev_conf.rxmode.offloads &
	     RTE_ETH_RX_OFFLOAD_VLAN_FILTER) &&
	    !(dev->features & (1ULL << VIRTIO_NET_F_CTRL_VLAN))) {
		VXPATH_LOG(ERR, "%s: VLAN filter: VIRTIO_NET_F_CTRL_VLAN not negotiated (devarg cq=1 enables it)",
			   dev->name);
		return -ENOTSUP;
	}
	pthread_mutex_lock(&dev->ctrl_lock);
	vxpath_ethdev_rx_filter_sync(eth_dev);
	pthread_mutex_unlock(&dev->ctrl_lock);
	return 0;
}


static bool
negotiated(const struct vxpath_dev *dev, unsigned int feature)
{
	return (dev->features & (1ULL << feature)) != 0;
}

/*
 * VIRTIO_NET_CTRL_RX @command on or off. Without a control virtqueue
 * (cq=0) the Rx mode cannot be set: -ENOTSUP, as upstream's driver.
 */
static int
rx_mode_set(struct rte_eth_dev *eth_dev, uint8_t command, bool on)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);

	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_RX))
		return -ENOTSUP;
	pthread_mutex_lock(&dev->ctrl_lock);
	ret = vxpath_ctrl_rx_mode(dev, command, on);
	vxpath_ethdev_rx_filter_sync(eth_dev);
	pthread_mutex_unlock(&dev->ctrl_lock);
	return ret;
}

int
vxpath_promiscuous_enable(struct rte_eth_dev *eth_dev)
{
	return rx_mode_set(eth_dev, VIRTIO_NET_CTRL_RX_PROMISC, true);
}

int
vxpath_promiscuous_disable(struct rte_eth_dev *eth_dev)
{
	return rx_mode_set(eth_dev, VIRTIO_NET_CTRL_RX_PROMISC, false);
}

int
vxpath_allmulticast_enable(struct rte_eth_dev *eth_dev)
{
	return rx_mode_set(eth_dev, VIRTIO_NET_CTRL_RX_ALLMULTI, true);
}

int
vxpath_allmulticast_disable(struct rte_eth_dev *eth_dev)
{
	return rx_mode_set(eth_dev, VIRTIO_NET_CTRL_RX_ALLMULTI, false);
}

int
vxpath_mac_addr_set(struct rte_eth_dev *eth_dev, struct rte_ether_addr *mac)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	int ret = 0;

	/* The device's address, and the TAP's with vhost-kernel. */
	if (negotiated(dev, VIRTIO_NET_F_CTRL_MAC_ADDR)) {
		VXPATH_CTRL_LOCKED(dev, vxpath_ctrl_mac_addr_set(dev, mac));
		return ret;
	}
	/* The emulated device's config space holds the address (5.1.4);
	 * without a control virtqueue there is nothing to tell the back-end.
	 */
	pthread_mutex_lock(&dev->ctrl_lock);
	rte_ether_addr_copy(mac, &dev->mac);
	pthread_mutex_unlock(&dev->ctrl_lock);
	return ret;
}

/*
 * Send the MAC filtering table (VIRTIO_NET_CTRL_MAC_TABLE_SET): the
 * addresses of mac_addrs[1..], unicast ones in the first table and
 * multicast ones in the second with the set_mc_addr_list() list. ethdev
 * writes mac_addrs[@idx] only after the callback: there @at_idx is used
 * instead (NULL: the entry being removed).
 */
static int
mac_table_sync(struct rte_eth_dev *eth_dev, uint32_t idx,
	       const struct rte_ether_addr *at_idx)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	struct rte_ether_addr uc[VXPATH_CTRL_MAC_TABLE_SIZE];
	struct rte_ether_addr mc[2 * VXPATH_CTRL_MAC_TABLE_SIZE];
	uint32_t i, nb_uc = 0, nb_mc = 0;

	for (i = 1; i < VXPATH_CTRL_MAC_TABLE_SIZE; i++) {
		const struct rte_ether_addr *a = i == idx ? at_idx :
						 &eth_dev->data->mac_addrs[i];

		if (a == NULL || rte_is_zero_ether_addr(a))
			continue;
		if (rte_is_multicast_ether_addr(a))
			mc[nb_mc++] = *a;
		else
			uc[nb_uc++] = *a;
	}
	for (i = 0; i < dev->ctrl.nb_mc_list; i++)
		mc[nb_mc++] = dev->ctrl.mc_list[i];
	return vxpath_ctrl_mac_table_set(dev, uc, nb_uc, mc, nb_mc);
}

int
vxpath_mac_addr_add(struct rte_eth_dev *eth_dev, struct rte_ether_addr *mac,
		    uint32_t index, uint32_t vmdq __rte_unused)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_RX))
		return -ENOTSUP;
	if (index == 0 || index >= VXPATH_CTRL_MAC_TABLE_SIZE)
		return -EINVAL;
	VXPATH_CTRL_LOCKED(dev, mac_table_sync(eth_dev, index, mac));
	return ret;
}

void
vxpath_mac_addr_remove(struct rte_eth_dev *eth_dev, uint32_t index)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_RX) ||
	    index == 0 || index >= VXPATH_CTRL_MAC_TABLE_SIZE)
		return;
	/* ctrl.c logs a refusal; ethdev clears the entry anyway. */
	VXPATH_CTRL_LOCKED(dev, mac_table_sync(eth_dev, index, NULL));
	RTE_SET_USED(ret);
}

static int
set_mc_addr_list_locked(struct rte_eth_dev *eth_dev,
			struct rte_ether_addr *list, uint32_t nb)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	struct rte_ether_addr old[VXPATH_CTRL_MAC_TABLE_SIZE];
	uint32_t nb_old = dev->ctrl.nb_mc_list;
	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_RX))
		return -ENOTSUP;
	if (nb > VXPATH_CTRL_MAC_TABLE_SIZE) {
		VXPATH_LOG(ERR, "%s: %u multicast addresses, the MAC filtering table holds %u",
			   dev->name, nb, VXPATH_CTRL_MAC_TABLE_SIZE);
		return -ENOSPC;
	}
	memcpy(old, dev->ctrl.mc_list, sizeof(old[0]) * nb_old);
	if (nb > 0)
		memcpy(dev->ctrl.mc_list, list, sizeof(list[0]) * nb);
	dev->ctrl.nb_mc_list = nb;
	ret = mac_table_sync(eth_dev, UINT32_MAX, NULL);
	if (ret < 0) {
		memcpy(dev->ctrl.mc_list, old, sizeof(old[0]) * nb_old);
		dev->ctrl.nb_mc_list = nb_old;
	}
	return ret;
}

int
vxpath_set_mc_addr_list(struct rte_eth_dev *eth_dev,
			struct rte_ether_addr *list, uint32_t nb)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	int ret;

	VXPATH_CTRL_LOCKED(dev, set_mc_addr_list_locked(eth_dev, list, nb));
	return ret;
}

int
vxpath_vlan_filter_set(struct rte_eth_dev *eth_dev, uint16_t vlan_id, int on)
{
	struct vxpath_dev *dev = vxpath_dev_of(eth_dev);
	int ret;

	if (!negotiated(dev, VIRTIO_NET_F_CTRL_VLAN))
		return -ENOTSUP;
	VXPATH_CTRL_LOCKED(dev, vxpath_ctrl_vlan(dev, on != 0, vlan_id));
	return ret;
}
