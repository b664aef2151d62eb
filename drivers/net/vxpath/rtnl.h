/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Requests to the kernel's routing netlink (linux/rtnetlink.h,
 * linux/if_addr.h) that make the TAP behind vhost-kernel ready to use: its
 * administrative state (RTM_NEWLINK, IFF_UP), its addresses (RTM_NEWADDR)
 * a default route through it (RTM_NEWROUTE) and its bridge (IFLA_MASTER).
 * Each call opens a
 * rtnetlink socket of its own (libmnl), sends one request with NLM_F_ACK
 * and waits for the kernel's answer; nothing here logs: the caller knows
 * which devarg asked, and names it in its one log line.
 */
#ifndef VXPATH_RTNL_H
#define VXPATH_RTNL_H

#include <stdbool.h>
#include <stdint.h>

#include "devargs.h"

/**
 * Set (@up) or clear IFF_UP of interface @ifindex (RTM_NEWLINK with
 * ifi_change IFF_UP: no other flag is touched).
 * Return: 0 once the kernel acknowledged; a negative errno: the kernel's
 * (-ENODEV: no such interface; -EPERM: no CAP_NET_ADMIN), or the
 * socket's.
 */
int vxpath_rtnl_link_set_up(unsigned int ifindex, bool up);

/**
 * Give interface @ifindex the address @a (family, address, prefix length;
 * RTM_NEWADDR, scope universe; IPv4 with the broadcast address of its
 * prefix for prefixes up to /30). IFA_F_NODAD: an IPv6 address is usable
 * at once, no duplicate address detection on the TAP (the application
 * behind it may send the probe back). NLM_F_REPLACE: giving the same
 * address again (a port started again) succeeds.
 * Return: 0 once the kernel acknowledged; a negative errno: the kernel's
 * (-EADDRNOTAVAIL, -EINVAL for an address it refuses; -EACCES or -EPERM
 * where IPv6 is disabled on the interface), or the socket's.
 */
int vxpath_rtnl_addr_add(unsigned int ifindex, const struct vxpath_ipaddr *a);

/**
 * Remove address @a (family, address, prefix length) from interface
 * @ifindex (RTM_DELADDR, as `ip addr del`): what vxpath_rtnl_addr_add()
 * gave.
 * Return: 0 once the kernel acknowledged; a negative errno: the kernel's
 * (-EADDRNOTAVAIL: the interface has no such address; -ENODEV: no such
 * interface), or the socket's.
 */
int vxpath_rtnl_addr_del(unsigned int ifindex, const struct vxpath_ipaddr *a);

/**
 * Add the default route of @gw's family (0.0.0.0/0 or ::/0, main table,
 * protocol static, metric @metric: RTA_PRIORITY, where IPv6 turns 0 into
 * 1024) through gateway @gw on interface @ifindex (RTM_NEWROUTE with
 * NLM_F_CREATE | NLM_F_EXCL, as `ip route add`). The kernel removes it
 * when the interface goes down or away.
 * Return: 0 once the kernel acknowledged; a negative errno: the kernel's
 * (-EEXIST: a default route of that metric exists already; -ENETUNREACH:
 * @gw is not reachable on the interface; -ENETDOWN: the interface is
 * down), or the socket's.
 */
int vxpath_rtnl_route_add_default(unsigned int ifindex,
				  const struct vxpath_ipaddr *gw,
				  uint32_t metric);

/**
 * Enslave interface @ifindex to the bridge (or other master device)
 * @master, or release it from its master with @master 0 (RTM_NEWLINK with
 * IFLA_MASTER, as `ip link set IF master BR` and `nomaster`). Releasing an
 * interface that has no master succeeds.
 * Return: 0 once the kernel acknowledged; a negative errno: the kernel's
 * (-ENODEV: no interface @ifindex; -EINVAL: no interface @master;
 * -EOPNOTSUPP: @master is not a device that takes ports, such as lo;
 * -ELOOP, -EBUSY: the interface cannot be its port), or the socket's.
 */
int vxpath_rtnl_link_set_master(unsigned int ifindex, unsigned int master);

#endif /* VXPATH_RTNL_H */
