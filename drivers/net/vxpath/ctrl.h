/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The control virtqueue of the virtio-net device that vxpath emulates
 * (virtio 1.2, 5.1.6.5). Its index would be 2N, N being max_virtqueue_pairs
 * (the queues devarg, 5.1.2), but no ring exists: the driver (ethdev.c) and
 * the device are both vxpath, in one process, so a command is a direct
 * function call that carries the class, the command and the
 * command-specific-data in the spec's wire format (little-endian), and gets
 * the device's ack (VIRTIO_NET_OK or VIRTIO_NET_ERR) back. Neither QEMU's
 * nor DPDK's vhost-user serves a net control queue for a front-end, so
 * vxpath serves every command itself and tells the back-end what it must
 * know through the ops of vhost.h:
 *
 *   VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET   enable_queue_pair() on the pairs
 *                                     (vhost-user SET_VRING_ENABLE;
 *                                     vhost-kernel TAP queue attach/detach
 *                                     and VHOST_NET_SET_BACKEND)
 *   VIRTIO_NET_CTRL_RX_PROMISC/ALLMULTI  set_rx_mode() (the TAP's flags)
 *   VIRTIO_NET_CTRL_MAC_ADDR_SET      set_mac() (the TAP's address)
 *   VIRTIO_NET_CTRL_MAC_TABLE_SET,
 *   VIRTIO_NET_CTRL_VLAN_ADD/DEL      kept in the device state, applied
 *                                     by vxpath_ctrl_rx_accept()
 *
 * The back-ends have no receive filter of their own (a TAP passes what the
 * kernel sends; a vhost-user back-end does not serve this control queue),
 * so the device filters received frames itself, in the Rx path: with
 * promiscuous mode off, by destination address (the MAC table, broadcast,
 * all-multicast), and with the application's RTE_ETH_RX_OFFLOAD_VLAN_FILTER
 * by VLAN id (vxpath_ctrl_rx_accept()). A queue with neither on reads no
 * byte of a frame. With vhost-net the destination filter stays off
 * whatever the Rx mode (vxpath_ctrl_rx_filters()): the TAP has the port's
 * own address, and the kernel addresses what it sends through it to the
 * hosts behind the application, never to that address.
 *
 * Commands are accepted from FEATURES_OK on (the device keeps the state and
 * tells the back-end at once), except VQ_PAIRS_SET, which needs the rings
 * handed over (DRIVER_OK). The control-plane functions of ethdev are not
 * thread-safe, and neither are these.
 */
#ifndef VXPATH_CTRL_H
#define VXPATH_CTRL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rte_ether.h>

struct rte_mbuf;
struct vxpath_dev;

/** Entries of the MAC filtering table, unicast and multicast together. */
#define VXPATH_CTRL_MAC_TABLE_SIZE 64
/** VLAN ids in the VLAN filter table: 12 bits (IEEE 802.1Q). */
#define VXPATH_CTRL_NB_VLANS 4096

/**
 * The device-side state that control commands change. Part of struct
 * vxpath_dev; vxpath_ctrl_reset() gives the state of a reset device.
 */
struct vxpath_ctrl {
	bool promisc;              /**< VIRTIO_NET_CTRL_RX_PROMISC on */
	bool allmulti;             /**< VIRTIO_NET_CTRL_RX_ALLMULTI on */
	/** virtqueue_pairs of the last VQ_PAIRS_SET acked; 1 after reset */
	uint16_t curr_queue_pairs;
	uint32_t nb_uc;            /**< unicast entries, first in @macs */
	uint32_t nb_mc;            /**< multicast entries, after them */
	/** The MAC filtering table of the last MAC_TABLE_SET. */
	struct rte_ether_addr macs[VXPATH_CTRL_MAC_TABLE_SIZE];
	/** The VLAN filter table: bit (id % 64) of word (id / 64). */
	uint64_t vlans[VXPATH_CTRL_NB_VLANS / 64];
	/**
	 * Driver side (ethdev.c): the multicast list the application gave
	 * (set_mc_addr_list), sent again with every MAC_TABLE_SET.
	 */
	uint32_t nb_mc_list;
	struct rte_ether_addr mc_list[VXPATH_CTRL_MAC_TABLE_SIZE];
};

/**
 * Put the control state of @dev as a device reset leaves it (5.1.6.5):
 * promiscuous and all-multicast off, empty MAC and VLAN tables, one queue
 * pair. The back-end is not told.
 */
void vxpath_ctrl_reset(struct vxpath_dev *dev);

/**
 * Device side: execute one control command (5.1.6.5) as the device does
 * when it takes a buffer from the control virtqueue, and set its ack.
 * @class:   VIRTIO_NET_CTRL_RX, _MAC, _VLAN or _MQ.
 * @command: the command within the class.
 * @data:    command-specific-data, @len bytes, in the spec's layout
 *           (little-endian); read only, owned by the caller.
 * @ack:     set to VIRTIO_NET_OK or VIRTIO_NET_ERR (never left unset).
 *
 * A command whose feature was not negotiated, or one that fails, leaves
 * the device state as it was and is acked VIRTIO_NET_ERR; the reason is
 * logged once, naming the command.
 * Return: 0 when acked VIRTIO_NET_OK; else why it was VIRTIO_NET_ERR:
 * -ENOTSUP  VIRTIO_NET_F_CTRL_VQ or the class's feature not negotiated,
 *           or a class/command vxpath does not serve (CTRL_RX_EXTRA,
 *           ANNOUNCE, RSS, ...);
 * -EINVAL   @len or a value out of the spec's range (an Rx mode byte
 *           other than 0/1, a multicast or zero MAC_ADDR_SET address, a
 *           table entry of the wrong kind, a VLAN id above 4095, a
 *           virtqueue_pairs of 0 or above max_virtqueue_pairs or above the
 *           pairs whose rings were handed over, VQ_PAIRS_SET before
 *           DRIVER_OK);
 * -ENOSPC   more than VXPATH_CTRL_MAC_TABLE_SIZE table entries;
 * a back-end error of set_rx_mode(), set_mac() or enable_queue_pair().
 */
int vxpath_ctrl_exec(struct vxpath_dev *dev, uint8_t class, uint8_t command,
		     const void *data, size_t len, uint8_t *ack);

/*
 * Driver side: each helper builds the command-specific-data of one command
 * in the spec's layout and runs vxpath_ctrl_exec(). Return: as
 * vxpath_ctrl_exec() (0 when acked VIRTIO_NET_OK).
 */

/**
 * VIRTIO_NET_CTRL_RX_PROMISC or _ALLMULTI (@command) on or off (5.1.6.5.1).
 * Needs VIRTIO_NET_F_CTRL_RX.
 */
int vxpath_ctrl_rx_mode(struct vxpath_dev *dev, uint8_t command, bool on);

/**
 * VIRTIO_NET_CTRL_MAC_ADDR_SET (5.1.6.5.2): the device's default address,
 * also reflected in dev->mac (the config space mac). Needs
 * VIRTIO_NET_F_CTRL_MAC_ADDR.
 */
int vxpath_ctrl_mac_addr_set(struct vxpath_dev *dev,
			     const struct rte_ether_addr *mac);

/**
 * VIRTIO_NET_CTRL_MAC_TABLE_SET (5.1.6.5.2): replace the MAC filtering
 * table with @nb_uc unicast addresses @uc then @nb_mc multicast ones @mc
 * (either may be 0 and its array NULL). Needs VIRTIO_NET_F_CTRL_RX.
 * Return: also -ENOSPC before sending when the table would not fit.
 */
int vxpath_ctrl_mac_table_set(struct vxpath_dev *dev,
			      const struct rte_ether_addr *uc, uint32_t nb_uc,
			      const struct rte_ether_addr *mc, uint32_t nb_mc);

/**
 * VIRTIO_NET_CTRL_VLAN_ADD (@add) or _DEL of VLAN id @vid, 0 to 4095
 * (5.1.6.5.3). Needs VIRTIO_NET_F_CTRL_VLAN.
 */
int vxpath_ctrl_vlan(struct vxpath_dev *dev, bool add, uint16_t vid);

/** What the Rx path filters on (struct vxpath_rxq, rx_filter). */
#define VXPATH_RX_FILTER_MAC  0x1 /**< promiscuous mode off (CTRL_RX) */
#define VXPATH_RX_FILTER_VLAN 0x2 /**< VLAN filter on (CTRL_VLAN) */

/**
 * Device side: which receive filters the Rx queues apply
 * (VXPATH_RX_FILTER_* bits), from the device's state: MAC with
 * VIRTIO_NET_F_CTRL_RX negotiated, promiscuous mode off and a back-end
 * whose frames may be addressed to the device (not rx_no_dst_filter,
 * vhost.h); VLAN with VIRTIO_NET_F_CTRL_VLAN negotiated and
 * @vlan_offload (the application's RTE_ETH_RX_OFFLOAD_VLAN_FILTER).
 */
unsigned int vxpath_ctrl_rx_filters(const struct vxpath_dev *dev,
				    bool vlan_offload);

/**
 * Device side: the receive filter (5.1.6.5.1 to 5.1.6.5.3) on one frame
 * @m (its first segment holds at least the 14-byte Ethernet header; only
 * read). @filters: VXPATH_RX_FILTER_* bits.
 *   MAC: the destination must be the device's address (dev->mac),
 *        broadcast, a unicast address of the MAC table, or multicast with
 *        all-multicast on or in the table;
 *   VLAN: a frame with an 802.1Q tag must carry a VLAN id of the VLAN
 *        table (one whose tag is cut short is dropped); untagged ones
 *        pass.
 * Reads the tables without a lock (the datapath's lcore): a frame that
 * arrives while the control path changes them is filtered by the old or
 * the new state, which the spec's best-effort filters allow. Table counts
 * are bounded before use.
 * Return: true to deliver the frame, false to drop it.
 */
bool vxpath_ctrl_rx_accept(const struct vxpath_dev *dev, unsigned int filters,
			   const struct rte_mbuf *m);

/**
 * VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET (5.1.6.5.5): the device uses receiveq
 * and transmitq 1..@pairs only. Needs VIRTIO_NET_F_MQ and the rings of
 * those pairs handed to the back-end (DRIVER_OK).
 */
int vxpath_ctrl_mq_pairs_set(struct vxpath_dev *dev, uint16_t pairs);

#endif /* VXPATH_CTRL_H */
