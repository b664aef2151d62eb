/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The virtio-net device that vxpath emulates in front of its back-end:
 * device status (virtio 1.2, 2.1 and 3.1), feature negotiation (2.2, 6),
 * and handing the virtqueues to the back-end at start.
 */
#ifndef VXPATH_VIRTIO_NET_H
#define VXPATH_VIRTIO_NET_H

#include <stdbool.h>
#include <stdint.h>

struct vxpath_dev;
struct vxpath_queue;

/**
 * Probe-time initialisation (3.1.1 steps 1-6): open the back-end
 * (dev->ops->setup), take ownership, read its features, negotiate with what
 * the devargs and this driver allow, and reach FEATURES_OK. Sets
 * dev->features. The virtio-net header is then always
 * VXPATH_NET_HDR_SIZE bytes (VIRTIO_F_VERSION_1, 5.1.6).
 * Return: 0; -ENOTSUP if the back-end lacks VIRTIO_F_VERSION_1; a back-end
 * error otherwise (the back-end is then destroyed).
 */
int vxpath_virtio_net_init(struct vxpath_dev *dev);

/**
 * A new connection of the back-end (vhost.h, events->attached): the
 * negotiation of vxpath_virtio_net_init() (3.1.1 steps 2-6: SET_OWNER,
 * features, FEATURES_OK) run again, the same code, keeping the features
 * the port already uses: the back-end must offer every one of them.
 * Return: 0; -ENOTSUP if it lacks one (logged); an exchange error.
 */
int vxpath_virtio_net_reattach(struct vxpath_dev *dev);

/**
 * Features the driver could negotiate with this back-end and devargs:
 * what dev_infos_get derives the port's offload capabilities from.
 */
uint64_t vxpath_virtio_net_negotiable(const struct vxpath_dev *dev);

/**
 * Choose the offload features (virtio 1.2, 5.1.3) for the ethdev offloads
 * an application configured (RTE_ETH_TX_OFFLOAD_*, RTE_ETH_RX_OFFLOAD_*);
 * they reach the back-end at the next start.
 * Return: 0; -ENOTSUP if the back-end lacks a feature they need (logged).
 */
int vxpath_virtio_net_set_offloads(struct vxpath_dev *dev,
				   uint64_t tx_offloads, uint64_t rx_offloads);

/**
 * Hand the virtqueues of the pairs in use (dev->vqs, 2 *
 * dev->nr_queue_pairs of them, all set up) to the back-end and set
 * DRIVER_OK (3.1.1 steps 7-8): features, memory table
 * (vxpath_memory_start(), which from then on follows memory hot-plug),
 * then for each ring its size,
 * base (vxpath_queue_resume_base(): 0 on a fresh ring, the ring's current
 * position on a new connection), addresses and eventfds, then enable each queue pair; with
 * VIRTIO_NET_F_MQ only the first, the driver enabling the others with
 * VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET (5.1.6.5.5, vxpath_ctrl_mq_pairs_set()).
 * Return: 0; -EAGAIN if a packed Rx ring holds packets not read yet
 * (nothing was sent); or a back-end error. After an error some rings may
 * be the back-end's: the caller stops them (vxpath_virtio_net_stop()) and
 * takes their buffers back only if that stop is confirmed, or gives up
 * the connection (the back-end stops its rings when it closes).
 */
int vxpath_virtio_net_start(struct vxpath_dev *dev);

/**
 * Stop the back-end's use of the rings of the pairs in use (dev->vqs):
 * disable the queue pairs and fetch each ring's base, which stops it (vhost-user GET_VRING_BASE, vhost
 * VHOST_GET_VRING_BASE). Nothing is sent when no back-end holds them
 * (dev->ops->detached()). Errors are logged.
 * Return: 0 if every ring's stop was confirmed; -EIO if some was not: the
 * back-end may still write into that ring's buffers, which the caller
 * must then not reuse.
 */
int vxpath_virtio_net_stop(struct vxpath_dev *dev);

/**
 * What the device layer does when a back-end's connection comes and goes
 * (vhost.h; set as dev->events at probe): on a new connection, the
 * negotiation of vxpath_virtio_net_init() again (reattach), the port's
 * MTU, and for a started port the rings at their current positions with
 * the same eventfds (vxpath_virtio_net_start()), the queue pairs in use,
 * a kick on every ring; on a lost one, the link goes down. Called in the
 * EAL interrupt thread with dev->ctrl_lock held.
 */
extern const struct vxpath_backend_events vxpath_virtio_net_events;

/**
 * At close: stop following memory hot-plug (vxpath_memory_release()),
 * reset the device status (0, told to the back-end with vhost-user
 * STATUS), reset the back-end's device where it can (dev->ops->reset:
 * vhost-user RESET_DEVICE) and release the back-end (dev->ops->destroy).
 * Errors are logged only. Not called with dev->ctrl_lock held.
 */
void vxpath_virtio_net_close(struct vxpath_dev *dev);

/**
 * Read the back-end's device configuration space (virtio 1.2, 5.1.4:
 * mac, status, max_virtqueue_pairs, mtu; 12 bytes) where it has one
 * (dev->ops->get_config: vhost-user CONFIG) and take what the negotiated
 * features make valid: with @at_probe and no mac= devarg, its MAC
 * (VIRTIO_NET_F_MAC, a unicast non-zero address) into dev->mac; its link
 * status (VIRTIO_NET_F_STATUS) into dev->backend_link_down; its MTU
 * (VIRTIO_NET_F_MTU negotiated, 68 or more) into dev->backend_mtu. Values
 * that are not valid are logged and ignored.
 * Return: 0; -ENOTSUP without a configuration space to read; the
 * back-end's error (a refused or malformed reply).
 */
int vxpath_virtio_net_read_config(struct vxpath_dev *dev, bool at_probe);

/**
 * The back-end's half of the port's link, now: its own (vhost.h's
 * link_up: the vhost-user connection, the TAP's flags) and, where it has a
 * configuration space with VIRTIO_NET_F_STATUS, its status
 * (dev->backend_link_down). Never blocks, consumes nothing.
 */
bool vxpath_virtio_net_link_up(struct vxpath_dev *dev);

/**
 * The back-end says its configuration changed (vhost-user
 * CONFIG_CHANGE_MSG on the back-end channel, in the EAL interrupt
 * thread): read it again and raise an LSC event
 * (vxpath_intr_config_changed()). Nothing of the port is touched after
 * that: an application callback may close it.
 */
void vxpath_virtio_net_config_changed(struct vxpath_dev *dev);

#endif /* VXPATH_VIRTIO_NET_H */
