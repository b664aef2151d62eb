/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Interrupts of a vxpath port: link-state change (LSC) events and Rx queue
 * interrupts, the two things an ethdev application can sleep on instead of
 * polling.
 *
 * Link state: a port's link is up while it is started, no ring is broken,
 * and its back-end says its link is up (vxpath_virtio_net_link_up():
 * vhost.h's link_up, the configuration space's status). The back-ends
 * watch what changes their link and report it (vhost.h, struct
 * vxpath_backend_events); with intr_conf.lsc the EAL interrupt thread
 * then raises RTE_ETH_EVENT_INTR_LSC when the link's status changed.
 *
 * Rx interrupts: with intr_conf.rxq, each Rx queue's call eventfd (the one
 * the back-end writes, virtio 1.2 2.7.10) is that queue's interrupt vector
 * in the port's interrupt handle, for rte_eth_dev_rx_intr_ctl_q() and
 * rte_epoll_wait(); rte_eth_dev_rx_intr_enable()/disable() ask the device
 * for used-buffer notifications or suppress them again.
 */
#ifndef VXPATH_INTR_H
#define VXPATH_INTR_H

#include <stdbool.h>
#include <stdint.h>

struct rte_eth_dev;
struct vxpath_dev;
struct vxpath_queue;

/**
 * At probe, once the back-end is set up: allocate the port's interrupt
 * state (dev->intr) and its ethdev interrupt handle (eth_dev->intr_handle,
 * a vdev handle whose event fds are read 8 bytes at a time, as eventfds
 * are), and announce LSC support (RTE_ETH_DEV_INTR_LSC in dev_flags).
 * Return: 0; -ENOMEM (nothing is left allocated).
 */
int vxpath_intr_init(struct rte_eth_dev *eth_dev);

/**
 * At close, after vxpath_intr_stop() and before the queues' eventfds are
 * closed: take the Rx event fds out of any epoll set the application
 * added them to, and free what vxpath_intr_init() allocated.
 */
void vxpath_intr_fini(struct rte_eth_dev *eth_dev);

/**
 * At dev_configure: check the interrupt configuration (intr_conf). LSC and
 * Rx queue interrupts are taken, on split and packed virtqueues.
 * Return: 0; -ENOTSUP (logged) for removal interrupts.
 */
int vxpath_intr_configure(struct rte_eth_dev *eth_dev);

/**
 * At dev_start, once the rings are handed to the back-end, without
 * dev->ctrl_lock (a failure waits for the watches' callbacks): with
 * intr_conf.rxq, make each Rx queue's call eventfd its interrupt vector
 * (queue N: vector RTE_INTR_VEC_RXTX_OFFSET + N, event fd N); with
 * intr_conf.lsc, start watching the back-end's connection and the TAP.
 * Return: 0; -ENOMEM; -errno of epoll_create1(), socket() or bind();
 * -ENODEV if the TAP has no interface index any more. Each failure is
 * logged; nothing is left watched or set.
 */
int vxpath_intr_start(struct rte_eth_dev *eth_dev);

/**
 * At dev_stop (and close): stop the watches (waiting for a callback of the
 * EAL interrupt thread that is running, unless called from that thread)
 * and withdraw the Rx event fds (out of the application's epoll sets too).
 * Safe to call when vxpath_intr_start() did not run or failed.
 */
void vxpath_intr_stop(struct rte_eth_dev *eth_dev);

/**
 * The back-end's configuration changed (vhost-user CONFIG_CHANGE_MSG),
 * called in the EAL interrupt thread once dev->backend_link_down and the
 * rest are read again: with the LSC watch on (intr_conf.lsc, port
 * started), bring the link up to date and raise RTE_ETH_EVENT_INTR_LSC,
 * whether or not the link status changed (the application may look at
 * the MTU, say). Without it, only the link status is updated. Nothing of
 * the port is touched after the application's callbacks ran.
 */
void vxpath_intr_config_changed(struct vxpath_dev *dev);

/**
 * The back-end's MTU changed on its side (the TAP's, from the kernel) from
 * @old to @mtu bytes of L3 payload; dev->mtu already says @mtu. Called in
 * the EAL interrupt thread without dev->ctrl_lock: ethdev's data->mtu
 * follows (vxpath_mtu_follow_backend(): INFO line, WARNING when the Rx
 * buffers cannot take such frames whole) and, with the LSC watch on, an
 * RTE_ETH_EVENT_INTR_LSC event is raised whether or not the link status
 * changed (ethdev has no MTU event). Nothing of the port is touched after
 * the application's callbacks ran. Nothing before vxpath_intr_init().
 */
void vxpath_intr_mtu_changed(struct vxpath_dev *dev, uint16_t old,
			     uint16_t mtu);

/**
 * The back-end's link may have changed: its connection went away, a new
 * one serves the port, or what its link_up() answers changed (vhost.h,
 * struct vxpath_backend_events): with the LSC watch on (started port,
 * intr_conf.lsc) the EAL interrupt thread then looks at the link again
 * and raises RTE_ETH_EVENT_INTR_LSC if its status changed. Never blocks,
 * calls no application callback itself; does nothing before
 * vxpath_intr_init() or after vxpath_intr_fini(). Call with
 * dev->ctrl_lock held (vxpath_intr_fini() closes the eventfd under it).
 */
void vxpath_intr_backend_changed(struct vxpath_dev *dev);

/**
 * A virtqueue broke in the datapath (any lcore; the link is already down):
 * have the EAL interrupt thread raise RTE_ETH_EVENT_INTR_LSC, with the LSC
 * watch on, as for any other link change. The datapath itself never runs
 * the application's callbacks. A failure to arm the EAL alarm is logged
 * once per call; the link stays down either way.
 */
void vxpath_intr_ring_broken(struct vxpath_dev *dev);

/**
 * Whether queue @q's call eventfd is the application's (an Rx queue of a
 * port configured with Rx interrupts): then nothing in the driver may read
 * it, or the application's epoll would miss the wake-up.
 */
bool vxpath_intr_callfd_in_use(const struct vxpath_queue *q);

/**
 * eth_dev_ops.rx_queue_intr_enable: ask the device to notify the next used
 * buffer of Rx queue @qid (vxpath_ring_enable_interrupts()). If buffers were
 * already used, the queue's call eventfd is signalled at once, so that an
 * application that goes to sleep now is woken.
 * Return: 0; -EINVAL for a queue not set up; -ENOTSUP without
 * intr_conf.rxq.
 */
int vxpath_rx_queue_intr_enable(struct rte_eth_dev *eth_dev, uint16_t qid);

/**
 * eth_dev_ops.rx_queue_intr_disable: suppress used-buffer notifications of
 * Rx queue @qid again (the application polls).
 * Return: 0; -EINVAL for a queue not set up; -ENOTSUP without
 * intr_conf.rxq.
 */
int vxpath_rx_queue_intr_disable(struct rte_eth_dev *eth_dev, uint16_t qid);

#endif /* VXPATH_INTR_H */
