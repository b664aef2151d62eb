/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The kernel's tables mirrored into the fast path's (fib.c), over
 * rtnetlink with libmnl: one socket subscribed to the link, address,
 * neighbour and route groups, read by a thread of its own, and one for
 * the dumps at start-up (and again after the kernel reports lost events,
 * ENOBUFS). The first socket subscribes before the dumps run, so no change
 * falls between them. The messages (linux/rtnetlink.h, linux/neighbour.h,
 * linux/if_addr.h):
 * - RTM_NEWROUTE/DELROUTE of the main table, kept per prefix and metric
 *   (rib.c), the lowest metric in the fast path: unicast routes out a
 *   twin forward there (with their gateway, or connected); a route out
 *   another interface, multipath, unreachable, blackhole or prohibit
 *   sends its packets to the kernel;
 * - RTM_NEWADDR/DELADDR, any interface: the kernel's own addresses;
 * - RTM_NEWNEIGH/DELNEIGH on a twin: a neighbour with a link-layer
 *   address in a usable state (not INCOMPLETE or FAILED), or none;
 * - RTM_NEWLINK of a twin: its MTU, logged when it differs from the NIC's.
 * The thread wakes at least every 100 ms to see gw.quit; a change reaches
 * the tables as soon as its message is read.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* pthread_setname_np */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "gw.h"
#include "gw_log.h"

static struct mnl_socket *events;
static pthread_t thread;
static bool thread_started;
static uint64_t nb_changes;	/* messages applied, for the log */

static void
log_route(const char *what, int family, const uint8_t *dst, uint8_t depth,
	  int ret)
{
	char a[INET6_ADDRSTRLEN];

	inet_ntop(family, dst, a, sizeof(a));
	GW_LOG(DEBUG, "%s %s/%u: %s", what, a, depth,
	       ret == 0 ? "done" : strerror(-ret));
	if (ret != 0 && ret != -ENOENT)
		GW_LOG(WARNING, "%s %s/%u not mirrored: %s", what, a, depth,
		       strerror(-ret));
}

static int
on_route(const struct nlmsghdr *nlh)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	const uint8_t *gateway = NULL;
	uint8_t dst[16] = { 0 };
	uint32_t table = rtm->rtm_table;
	struct gw_rib_route r = { .kind = GW_ROUTE_KERNEL };
	bool add = nlh->nlmsg_type == RTM_NEWROUTE, multipath = false;
	int oif = 0, port = -1, ret;
	size_t alen;

	if (rtm->rtm_family != AF_INET && rtm->rtm_family != AF_INET6)
		return MNL_CB_OK;
	if (rtm->rtm_flags & RTM_F_CLONED)
		return MNL_CB_OK;
	alen = rtm->rtm_family == AF_INET ? 4 : 16;
	mnl_attr_for_each(attr, nlh, sizeof(*rtm)) {
		switch (mnl_attr_get_type(attr)) {
		case RTA_TABLE:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
				table = mnl_attr_get_u32(attr);
			break;
		case RTA_DST:
			if (mnl_attr_get_payload_len(attr) == alen)
				memcpy(dst, mnl_attr_get_payload(attr), alen);
			break;
		case RTA_GATEWAY:
			if (mnl_attr_get_payload_len(attr) == alen)
				gateway = mnl_attr_get_payload(attr);
			break;
		case RTA_OIF:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
				oif = (int)mnl_attr_get_u32(attr);
			break;
		case RTA_PRIORITY:
			if (mnl_attr_validate(attr, MNL_TYPE_U32) >= 0)
				r.metric = mnl_attr_get_u32(attr);
			break;
		case RTA_MULTIPATH:
			multipath = true;
			break;
		}
	}
	if (table != RT_TABLE_MAIN)
		return MNL_CB_OK;
	switch (rtm->rtm_type) {
	case RTN_UNICAST:
		port = gw_port_by_ifindex(oif);
		if (port >= 0 && !multipath)
			r.kind = GW_ROUTE_VIA;
		break;
	case RTN_UNREACHABLE:
	case RTN_BLACKHOLE:
	case RTN_PROHIBIT:
	case RTN_THROW:
		break;
	default:
		return MNL_CB_OK;
	}
	r.port = port < 0 ? 0 : (uint16_t)port;
	if (gateway != NULL) {
		r.has_gw = true;
		memcpy(r.gw, gateway, alen);
	}
	ret = gw_rib_update(gw.rib, gw.fib, rtm->rtm_family, dst,
			    rtm->rtm_dst_len, &r, add);
	log_route(add ? (r.kind == GW_ROUTE_VIA ? "route" : "kernel route") :
		  "route deleted", rtm->rtm_family, dst, rtm->rtm_dst_len, ret);
	return MNL_CB_OK;
}

static int
on_addr(const struct nlmsghdr *nlh)
{
	const struct ifaddrmsg *ifa = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	const uint8_t *addr = NULL, *local = NULL;
	bool add = nlh->nlmsg_type == RTM_NEWADDR;
	size_t alen;
	int ret;

	if (ifa->ifa_family != AF_INET && ifa->ifa_family != AF_INET6)
		return MNL_CB_OK;
	alen = ifa->ifa_family == AF_INET ? 4 : 16;
	mnl_attr_for_each(attr, nlh, sizeof(*ifa)) {
		if (mnl_attr_get_payload_len(attr) != alen)
			continue;
		if (mnl_attr_get_type(attr) == IFA_ADDRESS)
			addr = mnl_attr_get_payload(attr);
		else if (mnl_attr_get_type(attr) == IFA_LOCAL)
			local = mnl_attr_get_payload(attr);
	}
	/* IFA_LOCAL is the interface's own address where the two differ
	 * (point-to-point); IFA_ADDRESS otherwise. */
	if (local != NULL)
		addr = local;
	if (addr == NULL)
		return MNL_CB_OK;
	ret = gw_fib_local(gw.fib, ifa->ifa_family, addr, add);
	log_route(add ? "local address" : "local address deleted",
		  ifa->ifa_family, addr, alen * 8, ret);
	return MNL_CB_OK;
}

static int
on_neigh(const struct nlmsghdr *nlh)
{
	const struct ndmsg *ndm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	const uint8_t *dst = NULL;
	const struct rte_ether_addr *lladdr = NULL;
	char a[INET6_ADDRSTRLEN];
	bool usable;
	size_t alen;
	int port, ret;

	if (ndm->ndm_family != AF_INET && ndm->ndm_family != AF_INET6)
		return MNL_CB_OK;
	port = gw_port_by_ifindex(ndm->ndm_ifindex);
	if (port < 0 || (ndm->ndm_flags & NTF_PROXY))
		return MNL_CB_OK;
	alen = ndm->ndm_family == AF_INET ? 4 : 16;
	mnl_attr_for_each(attr, nlh, sizeof(*ndm)) {
		if (mnl_attr_get_type(attr) == NDA_DST &&
		    mnl_attr_get_payload_len(attr) == alen)
			dst = mnl_attr_get_payload(attr);
		else if (mnl_attr_get_type(attr) == NDA_LLADDR &&
			 mnl_attr_get_payload_len(attr) == RTE_ETHER_ADDR_LEN)
			lladdr = mnl_attr_get_payload(attr);
	}
	if (dst == NULL)
		return MNL_CB_OK;
	usable = nlh->nlmsg_type == RTM_NEWNEIGH && lladdr != NULL &&
		 (ndm->ndm_state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY |
				    NUD_PROBE | NUD_PERMANENT | NUD_NOARP));
	ret = gw_fib_neigh(gw.fib, ndm->ndm_family, (uint16_t)port, dst,
			   usable ? lladdr : NULL);
	inet_ntop(ndm->ndm_family, dst, a, sizeof(a));
	if (ret != 0 && ret != -ENOENT)
		GW_LOG(WARNING, "neighbour %s on %s not mirrored: %s", a,
		       gw.ports[port].tap, strerror(-ret));
	else
		GW_LOG(DEBUG, "neighbour %s on %s: %s", a, gw.ports[port].tap,
		       usable ? "known" : "gone");
	return MNL_CB_OK;
}

static int
on_link(const struct nlmsghdr *nlh)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *attr;
	int port = gw_port_by_ifindex(ifi->ifi_index);

	if (port < 0 || nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi)) {
		if (mnl_attr_get_type(attr) == IFLA_MTU &&
		    mnl_attr_validate(attr, MNL_TYPE_U32) >= 0 &&
		    mnl_attr_get_u32(attr) != gw.ports[port].mtu)
			GW_LOG(WARNING, "TAP %s has MTU %u, its NIC port %u: "
			       "the kernel may send frames the NIC drops",
			       gw.ports[port].tap, mnl_attr_get_u32(attr),
			       gw.ports[port].mtu);
	}
	return MNL_CB_OK;
}

static int
on_msg(const struct nlmsghdr *nlh, void *arg __rte_unused)
{
	nb_changes++;
	switch (nlh->nlmsg_type) {
	case RTM_NEWROUTE:
	case RTM_DELROUTE:
		return on_route(nlh);
	case RTM_NEWADDR:
	case RTM_DELADDR:
		return on_addr(nlh);
	case RTM_NEWNEIGH:
	case RTM_DELNEIGH:
		return on_neigh(nlh);
	case RTM_NEWLINK:
	case RTM_DELLINK:
		return on_link(nlh);
	}
	return MNL_CB_OK;
}

/* One request (a dump, or a change with an ack) on a socket of its own,
 * its answers through on_msg. Returns 0 or -errno. */
static int
request(struct nlmsghdr *nlh, const char *what)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	struct mnl_socket *nl;
	unsigned int portid;
	ssize_t n;
	int ret = 0;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (nl == NULL || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		GW_LOG(ERR, "netlink socket for %s: %s", what, strerror(errno));
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_seq = (uint32_t)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		GW_LOG(ERR, "netlink %s: %s", what, strerror(errno));
		goto out;
	}
	for (;;) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n < 0) {
			ret = -errno;
			break;
		}
		n = mnl_cb_run(buf, (size_t)n, nlh->nlmsg_seq, portid, on_msg,
			       NULL);
		if (n <= MNL_CB_STOP) {
			ret = n < 0 ? -errno : 0;
			break;
		}
	}
	if (ret != 0)
		GW_LOG(ERR, "netlink %s: %s", what, strerror(-ret));
out:
	if (nl != NULL)
		mnl_socket_close(nl);
	return ret;
}

static int
dump(uint16_t type, const char *what)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct rtgenmsg *g;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->rtgen_family = AF_UNSPEC;
	return request(nlh, what);
}

/* Links, addresses, neighbours, then routes: a route's gateway finds its
 * neighbour already there. */
static int
dump_all(void)
{
	if (dump(RTM_GETLINK, "link dump") != 0 ||
	    dump(RTM_GETADDR, "address dump") != 0 ||
	    dump(RTM_GETNEIGH, "neighbour dump") != 0 ||
	    dump(RTM_GETROUTE, "route dump") != 0)
		return -1;
	return 0;
}

/* IFF_UP on @ifindex (the twin drivers leave their TAP down). */
static int
link_up(int ifindex, const char *name)
{
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifi;
	char what[64];

	nlh->nlmsg_type = RTM_NEWLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	ifi->ifi_index = ifindex;
	ifi->ifi_flags = IFF_UP;
	ifi->ifi_change = IFF_UP;
	snprintf(what, sizeof(what), "set %s up", name);
	return request(nlh, what);
}

static void *
netlink_thread(void *arg __rte_unused)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 8];
	struct pollfd pfd = {
		.fd = mnl_socket_get_fd(events),
		.events = POLLIN,
	};
	ssize_t n;

	while (!__atomic_load_n(&gw.quit, __ATOMIC_RELAXED)) {
		if (poll(&pfd, 1, 100) <= 0)
			continue;
		n = mnl_socket_recvfrom(events, buf, sizeof(buf));
		if (n < 0) {
			if (errno == ENOBUFS) {
				GW_LOG(WARNING, "netlink events lost "
				       "(ENOBUFS): dumping the tables again");
				dump_all();
			} else if (errno != EINTR && errno != EAGAIN) {
				GW_LOG(ERR, "netlink events: %s; the tables "
				       "no longer follow the kernel",
				       strerror(errno));
				break;
			}
			continue;
		}
		mnl_cb_run(buf, (size_t)n, 0, 0, on_msg, NULL);
	}
	return NULL;
}

int
gw_netlink_start(void)
{
	unsigned int groups = RTMGRP_LINK | RTMGRP_NEIGH |
		RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR |
		RTMGRP_IPV4_ROUTE | RTMGRP_IPV6_ROUTE;
	int rcvbuf = 4 << 20;
	uint16_t i;
	int ret;

	events = mnl_socket_open(NETLINK_ROUTE);
	if (events == NULL ||
	    mnl_socket_bind(events, groups, MNL_SOCKET_AUTOPID) < 0) {
		GW_LOG(ERR, "netlink event socket: %s", strerror(errno));
		return -1;
	}
	setsockopt(mnl_socket_get_fd(events), SOL_SOCKET, SO_RCVBUF, &rcvbuf,
		   sizeof(rcvbuf));
	if (dump_all() != 0)
		return -1;
	for (i = 0; i < gw.nb_ports; i++) {
		if (link_up(gw.ports[i].ifindex, gw.ports[i].tap) != 0)
			return -1;
	}
	ret = pthread_create(&thread, NULL, netlink_thread, NULL);
	if (ret != 0) {
		GW_LOG(ERR, "netlink thread: %s", strerror(ret));
		return -1;
	}
	thread_started = true;
	pthread_setname_np(thread, "gw-netlink");
	GW_LOG(INFO, "kernel tables mirrored: %u IPv4 and %u IPv6 routes, "
	       "%u + %u local addresses, %u neighbours",
	       gw.fib->nb_routes4, gw.fib->nb_routes6, gw.fib->nb_local4,
	       gw.fib->nb_local6, gw.fib->nb_neigh);
	return 0;
}

void
gw_netlink_stop(void)
{
	if (thread_started) {
		pthread_join(thread, NULL);
		thread_started = false;
	}
	if (events != NULL) {
		mnl_socket_close(events);
		events = NULL;
	}
	GW_LOG(DEBUG, "%" PRIu64 " netlink messages applied", nb_changes);
}
