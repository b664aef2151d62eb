/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Routing netlink requests for the TAP (rtnl.h): one request, one
 * acknowledgement, on a socket opened for it. The messages are built with
 * libmnl from the UAPI structures of linux/rtnetlink.h (struct ifinfomsg,
 * struct rtmsg) and linux/if_addr.h (struct ifaddrmsg). Control path only.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <rte_common.h>

#include "rtnl.h"

/* Bytes of an address of @family. */
static size_t
ip_len(uint8_t family)
{
	return family == AF_INET ? 4 : 16;
}

/*
 * Send the request @nlh (NLM_F_REQUEST | NLM_F_ACK are added) on a new
 * rtnetlink socket and wait for the kernel's answer to it.
 * Return: 0 for an acknowledgement; the kernel's negative errno from its
 * error message, or the socket's.
 */
static int
rtnl_request(struct nlmsghdr *nlh)
{
	char buf[MNL_SOCKET_BUFFER_SIZE] __rte_aligned(sizeof(uint32_t));
	struct mnl_socket *nl;
	unsigned int portid;
	ssize_t n;
	int ret;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (nl == NULL)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_flags |= NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	/* The acknowledgement, or an error message, is the only answer:
	 * mnl_cb_run() returns MNL_CB_STOP for the first, MNL_CB_ERROR
	 * with errno set to the kernel's for the second.
	 */
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			break;
		}
		ret = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid,
				 NULL, NULL);
		if (ret == MNL_CB_ERROR) {
			ret = errno != 0 ? -errno : -EIO;
			break;
		}
		if (ret == MNL_CB_STOP) {
			ret = 0;
			break;
		}
	}
out:
	mnl_socket_close(nl);
	return ret;
}

int
vxpath_rtnl_link_set_up(unsigned int ifindex, bool up)
{
	char buf[MNL_SOCKET_BUFFER_SIZE] __rte_aligned(sizeof(uint32_t));
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	ifi->ifi_change = IFF_UP;
	ifi->ifi_flags = up ? IFF_UP : 0;
	return rtnl_request(nlh);
}

int
vxpath_rtnl_link_set_master(unsigned int ifindex, unsigned int master)
{
	char buf[MNL_SOCKET_BUFFER_SIZE] __rte_aligned(sizeof(uint32_t));
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWLINK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = (int)ifindex;
	/* ifi_change 0: no flag changes, only the attribute. */
	mnl_attr_put_u32(nlh, IFLA_MASTER, master);
	return rtnl_request(nlh);
}

int
vxpath_rtnl_addr_add(unsigned int ifindex, const struct vxpath_ipaddr *a)
{
	char buf[MNL_SOCKET_BUFFER_SIZE] __rte_aligned(sizeof(uint32_t));
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;
	uint8_t brd[4];
	uint32_t host;
	unsigned int i;

	if (a->family != AF_INET && a->family != AF_INET6)
		return -EAFNOSUPPORT;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWADDR;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_REPLACE;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->prefixlen;
	ifa->ifa_flags = a->family == AF_INET6 ? IFA_F_NODAD : 0;
	ifa->ifa_scope = RT_SCOPE_UNIVERSE;
	ifa->ifa_index = ifindex;
	/* IFA_LOCAL is the interface's own address; IFA_ADDRESS the same on
	 * a broadcast link (it is the peer's on a point-to-point one).
	 */
	mnl_attr_put(nlh, IFA_LOCAL, ip_len(a->family), a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, ip_len(a->family), a->addr);
	if (a->family == AF_INET && a->prefixlen <= 30) {
		/* All host bits set. */
		host = a->prefixlen == 0 ? UINT32_MAX :
		       (UINT32_MAX >> a->prefixlen);
		for (i = 0; i < 4; i++)
			brd[i] = a->addr[i] | (uint8_t)(host >> (24 - 8 * i));
		mnl_attr_put(nlh, IFA_BROADCAST, sizeof(brd), brd);
	}
	/* The 32-bit flags, which the kernel reads rather than the 8-bit
	 * ifa_flags when present.
	 */
	if (a->family == AF_INET6)
		mnl_attr_put_u32(nlh, IFA_FLAGS, IFA_F_NODAD);
	return rtnl_request(nlh);
}

int
vxpath_rtnl_addr_del(unsigned int ifindex, const struct vxpath_ipaddr *a)
{
	char buf[MNL_SOCKET_BUFFER_SIZE] __rte_aligned(sizeof(uint32_t));
	struct nlmsghdr *nlh;
	struct ifaddrmsg *ifa;

	if (a->family != AF_INET && a->family != AF_INET6)
		return -EAFNOSUPPORT;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_DELADDR;
	ifa = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifa));
	ifa->ifa_family = a->family;
	ifa->ifa_prefixlen = a->prefixlen;
	ifa->ifa_index = ifindex;
	mnl_attr_put(nlh, IFA_LOCAL, ip_len(a->family), a->addr);
	mnl_attr_put(nlh, IFA_ADDRESS, ip_len(a->family), a->addr);
	return rtnl_request(nlh);
}

int
vxpath_rtnl_route_add_default(unsigned int ifindex,
			      const struct vxpath_ipaddr *gw, uint32_t metric)
{
	char buf[MNL_SOCKET_BUFFER_SIZE] __rte_aligned(sizeof(uint32_t));
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;

	if (gw->family != AF_INET && gw->family != AF_INET6)
		return -EAFNOSUPPORT;
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_NEWROUTE;
	nlh->nlmsg_flags = NLM_F_CREATE | NLM_F_EXCL;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = gw->family;
	rtm->rtm_dst_len = 0; /* the default route: no RTA_DST */
	rtm->rtm_table = RT_TABLE_MAIN;
	rtm->rtm_protocol = RTPROT_STATIC;
	rtm->rtm_scope = RT_SCOPE_UNIVERSE;
	rtm->rtm_type = RTN_UNICAST;
	mnl_attr_put(nlh, RTA_GATEWAY, ip_len(gw->family), gw->addr);
	mnl_attr_put_u32(nlh, RTA_OIF, ifindex);
	mnl_attr_put_u32(nlh, RTA_PRIORITY, metric);
	return rtnl_request(nlh);
}
