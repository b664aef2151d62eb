/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The vhost adapter: one operations table that every back-end implements
 * (vhost-user over a Unix socket, vhost-kernel through /dev/vhost-net and a
 * TAP, vhost-vdpa through /dev/vhost-vdpa-N). The virtio-net device layer is written once against it. Arguments
 * are the Linux UAPI types of linux/vhost_types.h, used as they are; vring
 * indexes are virtio-net's (5.1.2): receiveq of pair N is 2N, transmitq 2N+1.
 *
 * Unless said otherwise, every operation returns 0 on success or a negative
 * errno: -EIO for a failed exchange (socket error, short or malformed reply,
 * negative REPLY_ACK), -ENOTCONN if the back-end went away, -ETIMEDOUT if
 * a vhost-user reply never came (5 s), or the errno of a refused ioctl. Each failure is logged once by the back-end.
 */
#ifndef VXPATH_VHOST_H
#define VXPATH_VHOST_H

#include <stdbool.h>
#include <stdint.h>

#include <linux/vhost_types.h>

struct rte_ether_addr;
struct vxpath_dev;
struct vxpath_mem_limits;
struct vxpath_mem_region;

/** Operations of one vhost back-end. */
struct vxpath_vhost_ops {
	const char *name; /**< "vhost-user", "vhost-kernel", "vhost-vdpa" */
	/**
	 * The device marks received frames in their virtio-net header (flags
	 * DATA_VALID) even without receive offloads negotiated, where 5.1.6.4.1
	 * wants 0: Linux's TAP does. The Rx path then reads every frame's
	 * header flags, not only under GUEST_CSUM and the other receive
	 * offload bits (struct vxpath_rxq, hdr_flags).
	 */
	bool rx_hdr_flags_always;
	/**
	 * What the back-end delivers is never addressed to the device: the
	 * far end is the host's own face of the port (vhost-net's TAP, which
	 * carries the port's MAC address), so the kernel sends its frames to
	 * the hosts behind the application, never to that address. The
	 * device's destination filter (promiscuous mode off, ctrl.h) would
	 * drop nearly all of them, and is not applied
	 * (vxpath_ctrl_rx_filters()); the VLAN filter still is.
	 */
	bool rx_no_dst_filter;

	/**
	 * Open the back-end (connect the socket; open /dev/vhost-net once per
	 * queue pair and create the TAP) and store private state in
	 * dev->backend. Reads dev->args; may set dev->ifname.
	 */
	int (*setup)(struct vxpath_dev *dev);
	/** Release all setup() made; safe after a partial setup(). */
	void (*destroy)(struct vxpath_dev *dev);

	/** VHOST_SET_OWNER / VHOST_USER_SET_OWNER. */
	int (*set_owner)(struct vxpath_dev *dev);
	/** Features the back-end offers (virtio feature bits, 6). */
	int (*get_features)(struct vxpath_dev *dev, uint64_t *features);
	/** Features the driver accepted; only bits get_features() offered. */
	int (*set_features)(struct vxpath_dev *dev, uint64_t features);
	/**
	 * What memory table the back-end takes now (struct
	 * vxpath_mem_limits, memory.h): memory.c builds the table from it
	 * at each start and on each memory hot-plug event.
	 * Return: 0 and *@lim; -ENOTCONN when no connection can take a
	 * table now (not logged).
	 */
	int (*mem_limits)(struct vxpath_dev *dev,
			  struct vxpath_mem_limits *lim);
	/**
	 * Replace the back-end's memory table by @n regions (our virtual
	 * addresses; fds owned by EAL): vhost-user SET_MEM_TABLE,
	 * vhost-kernel VHOST_SET_MEM_TABLE on each queue pair's fd. Called
	 * by memory.c only, for a back-end whose limits say !by_region, at
	 * each start and when DPDK memory changed.
	 * @generation: the limits' generation the table was built for.
	 * Return: 0; -ESTALE, nothing sent, when the back-end's generation
	 * moved on; -E2BIG for more regions than it maps; -EINVAL for a
	 * region it cannot map (logged).
	 */
	int (*set_mem_table)(struct vxpath_dev *dev,
			     const struct vxpath_mem_region *regions,
			     unsigned int n, uint64_t generation);
	/**
	 * Optional, for limits with by_region: map one region more, which
	 * overlaps none the back-end holds (vhost-user ADD_MEM_REG).
	 * Return: as set_mem_table().
	 */
	int (*add_mem_region)(struct vxpath_dev *dev,
			      const struct vxpath_mem_region *region,
			      uint64_t generation);
	/**
	 * Optional, for limits with by_region: unmap one region the
	 * back-end holds, as it was added (vhost-user REM_MEM_REG).
	 * Return: as set_mem_table().
	 */
	int (*rem_mem_region)(struct vxpath_dev *dev,
			      const struct vxpath_mem_region *region,
			      uint64_t generation);
	/**
	 * Optional, for limits with by_region: the region changes of one
	 * sync of memory.c come between a call with @begin true and one
	 * with @begin false (made also after a failed change), from the
	 * same thread, so that a back-end that applies changes in batches
	 * applies them once: vhost-vdpa VHOST_IOTLB_BATCH_BEGIN/END (where
	 * VHOST_BACKEND_F_IOTLB_BATCH is negotiated). Nothing is called
	 * when a sync changes nothing. The end of a batch whose generation
	 * is no longer the back-end's sends nothing.
	 * Return: 0; -ESTALE for a @generation no longer the back-end's
	 * (at @begin: memory.c then changes nothing); a refused request's
	 * negative errno (logged).
	 */
	int (*mem_batch)(struct vxpath_dev *dev, bool begin,
			 uint64_t generation);
	/**
	 * Optional. The back-end of @generation could not follow a change
	 * of DPDK memory (memory.c logged why, in a memory event callback,
	 * EAL's memory hot-plug lock held): it must stop serving the port,
	 * whose buffers may now lie where it cannot reach. vhost-user shuts
	 * the connection down (the link goes down; a new connection gets the
	 * whole table). Nothing when @generation is no longer the
	 * back-end's. NULL: nothing to do (vhost-kernel keeps its last
	 * table, and the next memory event tries again).
	 */
	void (*mem_failed)(struct vxpath_dev *dev, uint64_t generation);
	/** Ring size in descriptors. */
	int (*set_vring_num)(struct vxpath_dev *dev,
			     const struct vhost_vring_state *state);
	/** Index where the back-end starts reading the available ring. */
	int (*set_vring_base)(struct vxpath_dev *dev,
			      const struct vhost_vring_state *state);
	/** Stop the ring in the back-end; state->num gets its avail index. */
	int (*get_vring_base)(struct vxpath_dev *dev,
			      struct vhost_vring_state *state);
	/** Addresses (our virtual addresses) of desc, avail and used. */
	int (*set_vring_addr)(struct vxpath_dev *dev,
			      const struct vhost_vring_addr *addr);
	/** Eventfd the driver writes to notify the device (kick). */
	int (*set_vring_kick)(struct vxpath_dev *dev,
			      const struct vhost_vring_file *file);
	/** Eventfd the device writes to notify the driver (call). */
	int (*set_vring_call)(struct vxpath_dev *dev,
			      const struct vhost_vring_file *file);
	/**
	 * Start (@enable true) or stop the datapath of queue pair @pair once
	 * its rings are set: VHOST_USER_SET_VRING_ENABLE on both rings, or
	 * VHOST_NET_SET_BACKEND with the TAP's fd (or -1). With a
	 * multi-queue TAP, the pair's TAP queue is also attached or, for
	 * pairs above 0, detached (TUNSETQUEUE), so that the kernel steers
	 * no frame to a queue nobody reads. The control virtqueue's
	 * VQ_PAIRS_SET (ctrl.c) calls this for pairs above 0.
	 */
	int (*enable_queue_pair)(struct vxpath_dev *dev, uint16_t pair,
				 bool enable);
	/**
	 * Optional. The device's Rx mode changed (control virtqueue,
	 * VIRTIO_NET_CTRL_RX, virtio 1.2 5.1.6.5.1): @promisc and
	 * @allmulti are the whole new state. vhost-kernel sets the TAP's
	 * IFF_PROMISC and IFF_ALLMULTI. NULL where the back-end has nothing
	 * to set (vhost-user: the front-end serves the control queue).
	 */
	int (*set_rx_mode)(struct vxpath_dev *dev, bool promisc,
			   bool allmulti);
	/**
	 * Optional. The device's MAC address changed (control virtqueue,
	 * VIRTIO_NET_CTRL_MAC_ADDR_SET, 5.1.6.5.2). vhost-kernel gives the
	 * TAP the same address, as at setup. NULL where nothing follows it.
	 */
	int (*set_mac)(struct vxpath_dev *dev,
		       const struct rte_ether_addr *mac);
	/**
	 * Optional. Tell the back-end the port's MTU (bytes of L3 payload):
	 * vhost-kernel sets the TAP's, so the kernel sends no larger frame.
	 * NULL where the back-end has nothing to set.
	 */
	int (*set_mtu)(struct vxpath_dev *dev, uint16_t mtu);
	/**
	 * Optional. Read the back-end's MTU now (bytes of L3 payload) into
	 * *@mtu: vhost-kernel reads the TAP's, which the kernel's side may
	 * change (`ip link set dev TAP mtu N`; events->mtu_changed).
	 * Return: 0; a negative errno (logged). NULL: the back-end's MTU
	 * changes only through set_mtu.
	 */
	int (*get_mtu)(struct vxpath_dev *dev, uint32_t *mtu);
	/**
	 * Optional. The port starts: its rings are the back-end's, and the
	 * link is read right after. vhost-kernel gives the TAP the port's
	 * MTU, then with tap_up (devargs.h) sets it up, sets its carrier on
	 * (also without tap_up: set_link(false) lasts until a start), then
	 * gives it the ipv4= and ipv6= addresses and the default routes
	 * through gateway4= and gateway6= (rtnl.h). On failure it undoes
	 * what it did (the TAP down again) and the start fails.
	 * Return: 0; a negative errno, logged in one line naming the
	 * devarg.
	 */
	int (*port_start)(struct vxpath_dev *dev);
	/**
	 * Optional. The port stopped: vhost-kernel with tap_up sets the
	 * TAP's carrier off and the TAP down (the kernel then drops the
	 * routes through it, and its IPv6 addresses; port_start() sets them
	 * again). Errors are logged.
	 */
	void (*port_stop)(struct vxpath_dev *dev);
	/**
	 * Optional. rte_eth_dev_set_link_up() (@up) or _down(): vhost-kernel
	 * sets the TAP's carrier (TUNSETCARRIER); the port's link follows
	 * the TAP's running state through link_up(). NULL: not supported.
	 */
	int (*set_link)(struct vxpath_dev *dev, bool up);
	/**
	 * The back-end's half of the port's link, now: whether it can carry
	 * frames. Never blocks and consumes nothing; any control thread.
	 * vhost-user: a connection serves the port and has not hung up;
	 * vhost-kernel: the TAP is up and running (IFF_UP | IFF_RUNNING).
	 * From setup() to destroy() the back-end watches what changes it in
	 * the EAL interrupt thread and reports each change through
	 * dev->events (link_changed, attached, detached).
	 */
	bool (*link_up)(struct vxpath_dev *dev);
	/**
	 * Optional. Tell the back-end the device status the driver just set
	 * (virtio 1.2, 2.1; the 3.1.1 sequence, DRIVER_OK at start, its
	 * withdrawal at stop, 0 at close): vhost-user SET_STATUS when
	 * VHOST_USER_PROTOCOL_F_STATUS is negotiated, nothing (0) otherwise;
	 * vhost-vdpa VHOST_VDPA_SET_STATUS (a withdrawn bit: a reset, then
	 * the negotiation again up to @status).
	 */
	int (*set_status)(struct vxpath_dev *dev, uint8_t status);
	/**
	 * Optional. Read the back-end's device status (vhost-user GET_STATUS,
	 * vhost-vdpa VHOST_VDPA_GET_STATUS).
	 * Return: 0 and *@status; -ENOTSUP when the back-end cannot tell
	 * (STATUS not negotiated); -EIO for a value above 8 bits.
	 */
	int (*get_status)(struct vxpath_dev *dev, uint8_t *status);
	/**
	 * Optional. Read @size bytes of the back-end's device configuration
	 * space (virtio 1.2, 5.1.4 for a network device) from @offset into
	 * @buf (vhost-user GET_CONFIG, reply checked: size, offset, flags;
	 * vhost-vdpa VHOST_VDPA_GET_CONFIG, the window checked against the
	 * device's configuration size, bytes past its end read as 0).
	 * Return: 0; -ENOTSUP when the back-end has no configuration space
	 * to read (VHOST_USER_PROTOCOL_F_CONFIG not negotiated); -EINVAL for
	 * @size 0 or above 256 bytes; -EIO for a refused or malformed reply.
	 */
	int (*get_config)(struct vxpath_dev *dev, uint32_t offset, void *buf,
			  uint32_t size);
	/**
	 * Optional. Reset the back-end's device to its initial state at
	 * close, keeping ownership: vhost-user RESET_DEVICE when
	 * VHOST_USER_PROTOCOL_F_RESET_DEVICE is negotiated; otherwise nothing
	 * is sent (RESET_OWNER is deprecated by the spec) and 0 returned.
	 */
	int (*reset)(struct vxpath_dev *dev);
	/**
	 * Optional. Whether the back-end is known to hold none of the
	 * port's rings: no connection now (the previous one hung up, and the
	 * vhost-user spec has a back-end stop its rings when its connection
	 * closes). Stopping the port then needs no exchange. NULL: never.
	 */
	bool (*detached)(struct vxpath_dev *dev);
};

/**
 * What a back-end tells the device layer, from the EAL interrupt thread:
 * link changes it watches (every back-end), a configuration change
 * (vhost-user's back-end channel), and connections that come and go
 * (vhost-user with server=1 or reconnect=). Set by ethdev.c at probe
 * (dev->events, never NULL once probe has started the back-end; the
 * device layer's vxpath_virtio_net_events). attached and detached are
 * called with dev->ctrl_lock held, the others with or without it.
 */
struct vxpath_backend_events {
	/**
	 * A new connection is up and its handshake done (vhost-user: features
	 * read, protocol features negotiated): replay the device state on it
	 * (owner, features, and when the port is started the memory table,
	 * the rings at their current indexes, the same eventfds, enable).
	 * Return: 0, the back-end now serves the port; -EAGAIN, not yet (a
	 * ring's position is not settled: the back-end keeps the connection
	 * and asks again a little later); another negative errno, the
	 * back-end refused or failed: the connection is dropped (logged).
	 */
	int (*attached)(struct vxpath_dev *dev);
	/**
	 * The connection went away (hang-up, or dropped after an error). The
	 * rings stay as they are, in our memory; the link goes down.
	 */
	void (*detached)(struct vxpath_dev *dev);
	/**
	 * What link_up() answers may have changed (vhost-user: a plain
	 * client's connection hung up; vhost-kernel: a link message about
	 * the TAP, or messages were lost). The device looks again and tells
	 * the application if it changed.
	 */
	void (*link_changed)(struct vxpath_dev *dev);
	/**
	 * The back-end's MTU may have changed on its side (vhost-kernel: a
	 * link message about the TAP carried another IFLA_MTU). The device
	 * reads it with get_mtu under ctrl_lock and, on a started port whose
	 * MTU differs, makes it the port's, checks it against the Rx buffers
	 * and raises an LSC event. Called without ctrl_lock.
	 */
	void (*mtu_changed)(struct vxpath_dev *dev);
	/**
	 * The back-end says its device configuration changed (vhost-user
	 * CONFIG_CHANGE_MSG on the back-end channel): read it again, raise
	 * an LSC event. Nothing of the back-end is touched after the call:
	 * an application callback may close the port.
	 */
	void (*config_changed)(struct vxpath_dev *dev);
};

/** vhost-user back-end, client or server mode (vhost_user.c). */
extern const struct vxpath_vhost_ops vxpath_vhost_user_ops;
/** vhost-kernel back-end: /dev/vhost-net with a TAP (vhost_kernel.c). */
extern const struct vxpath_vhost_ops vxpath_vhost_kernel_ops;
/** vhost-vdpa back-end: a vDPA network device, /dev/vhost-vdpa-N
 * (vhost_vdpa.c).
 */
extern const struct vxpath_vhost_ops vxpath_vhost_vdpa_ops;

#endif /* VXPATH_VHOST_H */
