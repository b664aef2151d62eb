/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The TAP's configuration from the devargs, in the order the kernel needs
 * it (tap_config.h): an address before the gateway its prefix reaches, the
 * TAP up before a route through it, a bridge's port before it is up.
 * Control path only.
 */
#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdbool.h>
#include <string.h>

#include <rte_common.h>

#include "devargs.h"
#include "netns.h"
#include "rtnl.h"
#include "tap.h"
#include "tap_config.h"
#include "vxpath_log.h"

int
vxpath_tap_config_netns_open(const struct vxpath_dev *dev, int *nsfd)
{
	char path[PATH_MAX];
	int ret;

	*nsfd = -1;
	if (dev->args.netns[0] == '\0')
		return 0;
	ret = vxpath_netns_path(dev->args.netns, path, sizeof(path));
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: devarg %s=%s: path of the network namespace longer than %zu bytes",
			   dev->name, VXPATH_ARG_NETNS, dev->args.netns,
			   sizeof(path) - 1);
		return ret;
	}
	ret = vxpath_netns_open(path);
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: devarg %s=%s: cannot open the network namespace %s: %s",
			   dev->name, VXPATH_ARG_NETNS, dev->args.netns,
			   path, ret == -EINVAL ?
			   "not a network namespace" : strerror(-ret));
		return ret;
	}
	*nsfd = ret;
	return 0;
}

int
vxpath_tap_config_enter(const struct vxpath_dev *dev, int nsfd, int *home)
{
	int ret = vxpath_netns_enter(nsfd, home);

	if (ret < 0)
		VXPATH_LOG(ERR, "%s: devarg %s=%s: cannot enter the namespace: %s",
			   dev->name, VXPATH_ARG_NETNS, dev->args.netns,
			   strerror(-ret));
	return ret;
}

/*
 * The TAP's addresses and default routes of the devargs, in that order
 * (a gateway is reachable through the prefix of an address).
 * Return: 0; the first refusal's negative errno, logged.
 */
static int
tap_addresses(struct vxpath_dev *dev, unsigned int ifindex)
{
	const struct vxpath_devargs *da = &dev->args;
	const struct {
		const char *key;
		const struct vxpath_ipaddr *a;
		bool route;
	} steps[] = {
		{ VXPATH_ARG_IPV4, &da->ipv4, false },
		{ VXPATH_ARG_IPV6, &da->ipv6, false },
		{ VXPATH_ARG_GATEWAY4, &da->gateway4, true },
		{ VXPATH_ARG_GATEWAY6, &da->gateway6, true },
	};
	char text[VXPATH_IPADDR_STRLEN];
	unsigned int i;
	int ret;

	for (i = 0; i < RTE_DIM(steps); i++) {
		if (steps[i].a->family == 0)
			continue;
		ret = steps[i].route ?
		      vxpath_rtnl_route_add_default(ifindex, steps[i].a,
						    da->metric) :
		      vxpath_rtnl_addr_add(ifindex, steps[i].a);
		if (ret < 0) {
			VXPATH_LOG(ERR, "%s: devarg %s=%s: cannot add %s to %s: %s",
				   dev->name, steps[i].key,
				   vxpath_ipaddr_format(steps[i].a, text),
				   steps[i].route ? "the default route" :
				   "address", dev->ifname, strerror(-ret));
			return ret;
		}
		VXPATH_LOG(INFO, "%s: TAP %s: %s %s", dev->name, dev->ifname,
			   steps[i].route ? "default route via" : "address",
			   vxpath_ipaddr_format(steps[i].a, text));
	}
	return 0;
}

/* Carrier off, then IFF_UP off: with tap_up only. */
static void
tap_down(struct vxpath_dev *dev, int fd, unsigned int ifindex)
{
	int ret;

	(void)vxpath_tap_set_carrier(fd, dev->ifname, false);
	ret = vxpath_rtnl_link_set_up(ifindex, false);
	if (ret < 0)
		VXPATH_LOG(ERR, "%s: devarg %s=1: cannot set %s down: %s",
			   dev->name, VXPATH_ARG_TAP_UP, dev->ifname,
			   strerror(-ret));
}

/*
 * Enslave the TAP to bridge=, looked up by name in the calling thread's
 * namespace (the TAP's).
 * Return: 0 (also without bridge=); a negative errno, logged: -ENODEV if
 * there is no such interface, else the kernel's.
 */
static int
tap_bridge_join(struct vxpath_dev *dev, unsigned int ifindex)
{
	const char *br = dev->args.bridge;
	unsigned int master;
	int ret;

	if (br[0] == '\0')
		return 0;
	master = if_nametoindex(br);
	ret = master != 0 ? vxpath_rtnl_link_set_master(ifindex, master) :
	      -ENODEV;
	if (ret < 0) {
		VXPATH_LOG(ERR, "%s: devarg %s=%s: cannot enslave %s to it: %s",
			   dev->name, VXPATH_ARG_BRIDGE, br, dev->ifname,
			   strerror(-ret));
		return ret;
	}
	VXPATH_LOG(INFO, "%s: TAP %s: port of bridge %s", dev->name,
		   dev->ifname, br);
	return 0;
}

/* Release the TAP from bridge= (logged, else ignored). */
static void
tap_bridge_leave(struct vxpath_dev *dev, unsigned int ifindex)
{
	int ret;

	if (dev->args.bridge[0] == '\0')
		return;
	ret = vxpath_rtnl_link_set_master(ifindex, 0);
	if (ret < 0)
		VXPATH_LOG(ERR, "%s: devarg %s=%s: cannot release %s from it: %s",
			   dev->name, VXPATH_ARG_BRIDGE, dev->args.bridge,
			   dev->ifname, strerror(-ret));
}

int
vxpath_tap_config_start(struct vxpath_dev *dev, int fd, unsigned int ifindex)
{
	bool up = vxpath_devargs_tap_up(&dev->args);
	int ret;

	/* The port's MTU from dev_configure (ethdev's rxmode.mtu), which
	 * calls no mtu_set: the TAP gets it here. tap.c logs.
	 */
	ret = vxpath_tap_set_mtu(dev->ifname, dev->mtu);
	if (ret < 0)
		return ret;
	/* A port of the bridge before it is up: no frame is bridged
	 * through a TAP that is not the bridge's yet.
	 */
	ret = tap_bridge_join(dev, ifindex);
	if (ret < 0)
		return ret;
	if (up) {
		ret = vxpath_rtnl_link_set_up(ifindex, true);
		if (ret < 0) {
			VXPATH_LOG(ERR, "%s: devarg %s=1: cannot set %s up: %s",
				   dev->name, VXPATH_ARG_TAP_UP, dev->ifname,
				   strerror(-ret));
			tap_bridge_leave(dev, ifindex);
			return ret;
		}
	}
	/* Also with tap_up=0: set_link_down's carrier ends with a start. */
	ret = vxpath_tap_set_carrier(fd, dev->ifname, true);
	if (ret < 0)
		goto fail;
	ret = tap_addresses(dev, ifindex);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	if (up)
		tap_down(dev, fd, ifindex);
	tap_bridge_leave(dev, ifindex);
	return ret;
}

void
vxpath_tap_config_stop(struct vxpath_dev *dev, int fd, unsigned int ifindex)
{
	if (vxpath_devargs_tap_up(&dev->args))
		tap_down(dev, fd, ifindex);
	tap_bridge_leave(dev, ifindex);
}

/*
 * Only an attached TAP outlives the port: the addresses of the devargs go
 * (the routes through it went with tap_up's down at stop, or go with
 * the last IPv4 address). An address already gone is no error.
 */
void
vxpath_tap_config_close(struct vxpath_dev *dev, unsigned int ifindex)
{
	const struct {
		const char *key;
		const struct vxpath_ipaddr *a;
	} addrs[] = {
		{ VXPATH_ARG_IPV4, &dev->args.ipv4 },
		{ VXPATH_ARG_IPV6, &dev->args.ipv6 },
	};
	char text[VXPATH_IPADDR_STRLEN];
	unsigned int i;
	int ret;

	if (!dev->args.tap_attach)
		return;
	for (i = 0; i < RTE_DIM(addrs); i++) {
		if (addrs[i].a->family == 0)
			continue;
		ret = vxpath_rtnl_addr_del(ifindex, addrs[i].a);
		if (ret < 0 && ret != -EADDRNOTAVAIL && ret != -ENODEV)
			VXPATH_LOG(ERR, "%s: devarg %s=%s: cannot remove the address from %s: %s",
				   dev->name, addrs[i].key,
				   vxpath_ipaddr_format(addrs[i].a, text),
				   dev->ifname, strerror(-ret));
	}
}
