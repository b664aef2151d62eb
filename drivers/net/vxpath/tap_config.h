/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The TAP's configuration from the devargs (vhost-kernel only; the NIC
 * guide's section "The TAP's configuration"): the network namespace it
 * lives in (netns=), and what each port start gives it and each stop
 * takes back: its MTU, its bridge (bridge=), IFF_UP and carrier (tap_up=),
 * its addresses (ipv4=, ipv6=) and default routes (gateway4=,
 * gateway6=). The requests
 * are tap.c's (ioctls) and rtnl.c's (rtnetlink); this file orders them
 * and names the devarg in the one line that a refusal logs.
 * vhost_kernel.c calls it; the caller enters the namespace around
 * vxpath_tap_config_start() and vxpath_tap_config_stop().
 */
#ifndef VXPATH_TAP_CONFIG_H
#define VXPATH_TAP_CONFIG_H

#include "vxpath.h"

/**
 * Open the network namespace of @dev's netns= (netns.h).
 * @nsfd: out, its fd, owned by the caller; -1 without netns= (nothing to
 *        open) and on failure.
 * Return: 0; a negative errno, logged in one line naming netns=:
 * -ENAMETOOLONG, open()'s (-ENOENT: no such namespace, -EACCES), -EINVAL:
 * the file is not a network namespace.
 */
int vxpath_tap_config_netns_open(const struct vxpath_dev *dev, int *nsfd);

/**
 * Move the calling thread into namespace @nsfd (from
 * vxpath_tap_config_netns_open(); a no-op for @nsfd < 0); leave it with
 * vxpath_netns_leave(*@home).
 * Return: 0; vxpath_netns_enter()'s negative errno, logged in one line
 * naming netns=.
 */
int vxpath_tap_config_enter(const struct vxpath_dev *dev, int nsfd,
			    int *home);

/**
 * The port starts: give TAP @dev->ifname (interface index @ifindex, in
 * the calling thread's namespace) the port's MTU (@dev->mtu, bytes), make
 * it a port of bridge= (looked up by name there), then IFF_UP (with
 * tap_up), its carrier (always: a set_link_down ends with a start), its
 * addresses and its default routes.
 * @fd: an attached queue of the TAP (queue 0), for TUNSETCARRIER.
 * Return: 0; the first refusal's negative errno, logged once naming the
 * devarg and the kernel's errno text (-ENODEV: no interface named
 * bridge=; -EOPNOTSUPP: it is not a bridge; -EEXIST: a default route of
 * the same metric exists); the TAP is then set down again (with tap_up)
 * and released from the bridge.
 */
int vxpath_tap_config_start(struct vxpath_dev *dev, int fd,
			    unsigned int ifindex);

/**
 * The port stopped: with tap_up, the TAP's carrier off and IFF_UP off
 * (the kernel then drops the IPv6 address and the default routes); with
 * bridge=, the TAP released from the bridge. Failures are logged and
 * otherwise ignored.
 * @fd, @ifindex: as for vxpath_tap_config_start().
 */
void vxpath_tap_config_stop(struct vxpath_dev *dev, int fd,
			    unsigned int ifindex);

/**
 * At close, before the TAP's fds are closed, called from inside its
 * namespace: with tap_attach=1 (the TAP stays), remove the addresses that
 * ipv4= and ipv6= gave it at port start (RTM_DELADDR); nothing otherwise
 * (a TAP vxpath created goes with its fds, and all of it). @ifindex is
 * the TAP's. Errors are logged, one line naming the devarg; an address
 * that is gone already is none.
 */
void vxpath_tap_config_close(struct vxpath_dev *dev, unsigned int ifindex);

#endif /* VXPATH_TAP_CONFIG_H */
