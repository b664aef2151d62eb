/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The TAP interface behind the vhost-kernel back-end (linux/if_tun.h).
 * This file owns creating or attaching to a TAP through /dev/net/tun (one
 * file per queue with IFF_MULTI_QUEUE, queues attached and detached with
 * TUNSETQUEUE), configuring its virtio-net header (size, byte order, no
 * offloads), its MAC address and its Rx mode flags (IFF_PROMISC,
 * IFF_ALLMULTI), its carrier (TUNSETCARRIER), and its link as the kernel
 * sees it: whether it is up and running, its MTU, and a watch on
 * rtnetlink's link messages about it (libmnl), IFLA_MTU included. Its addresses, routes and IFF_UP are
 * rtnl.c's.
 * vhost_kernel.c hands the returned fd to vhost-net with
 * VHOST_NET_SET_BACKEND; nothing here reads or writes packets.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <net/if.h>
#include <net/if_arp.h>
#include <libmnl/libmnl.h>
#include <linux/if_tun.h>
#include <linux/virtio_net.h>
#include <linux/rtnetlink.h>

#include <rte_common.h>
#include <rte_ether.h>

#include "offload.h"
#include "tap.h"
#include "vxpath_log.h"

/** The TUN/TAP clone device. */
#define TUN_CLONE_DEV "/dev/net/tun"
/** Name template used when the caller gives an empty name. */
#define TAP_DEFAULT_TEMPLATE "tap%d"

/**
 * Explain a refused TUNSETIFF in one log line.
 * @name: the name or template that was asked for.
 * @err:  the positive errno of the ioctl.
 */
static void
tap_log_setiff_error(const char *name, int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		VXPATH_LOG(ERR, "cannot create TAP %s: %s (needs CAP_NET_ADMIN, or a persistent TAP owned by this user)",
			   name, strerror(err));
		break;
	case EINVAL:
		if (strchr(name, '%') == NULL && if_nametoindex(name) != 0)
			VXPATH_LOG(ERR, "cannot use %s as TAP: an interface of that name exists and is not a TAP",
				   name);
		else
			VXPATH_LOG(ERR, "cannot create TAP %s: invalid interface name",
				   name);
		break;
	case EBUSY:
		VXPATH_LOG(ERR, "cannot attach to TAP %s: it is already in use by another file (process)",
			   name);
		break;
	case ENFILE:
		VXPATH_LOG(ERR, "cannot create TAP %s: no free name for this template",
			   name);
		break;
	default:
		VXPATH_LOG(ERR, "cannot create TAP %s: TUNSETIFF: %s",
			   name, strerror(err));
		break;
	}
}

/*
 * Issue interface ioctl @req with @ifr (whose ifr_name this fills from
 * @ifname) on a throw-away datagram socket, as the kernel's SIOCSIF*
 * requests want. @what names the change for the log line.
 * Return: 0; a negative errno (logged).
 */
static int
tap_ifreq_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr,
		const char *what)
{
	int sock, ret = 0;

	sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "TAP %s: cannot open a socket to set %s: %s",
			   ifname, what, strerror(-ret));
		return ret;
	}
	memcpy(ifr->ifr_name, ifname, IFNAMSIZ - 1);
	ifr->ifr_name[IFNAMSIZ - 1] = '\0';
	if (ioctl(sock, req, ifr) < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "TAP %s: cannot set %s: %s", ifname, what,
			   strerror(-ret));
	}
	close(sock);
	return ret;
}

/**
 * Set the MAC address of interface @ifname (SIOCSIFHWADDR).
 * Return: 0; a negative errno (logged).
 */
static int
tap_set_mac(const char *ifname, const struct rte_ether_addr *mac)
{
	char what[RTE_ETHER_ADDR_FMT_SIZE + 4] = "MAC ";
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
	memcpy(ifr.ifr_hwaddr.sa_data, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
	rte_ether_format_addr(what + 4, sizeof(what) - 4, mac);
	return tap_ifreq_ioctl(ifname, SIOCSIFHWADDR, &ifr, what);
}

int
vxpath_tap_set_mtu(const char *ifname, uint16_t mtu)
{
	char what[16];
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_mtu = mtu;
	snprintf(what, sizeof(what), "MTU %u", mtu);
	return tap_ifreq_ioctl(ifname, SIOCSIFMTU, &ifr, what);
}

int
vxpath_tap_get_mtu(const char *ifname, uint32_t *mtu)
{
	struct ifreq ifr;
	int ret;

	memset(&ifr, 0, sizeof(ifr));
	ret = tap_ifreq_ioctl(ifname, SIOCGIFMTU, &ifr, "MTU (SIOCGIFMTU)");
	if (ret < 0)
		return ret;
	if (ifr.ifr_mtu < 0)
		return -EIO;
	*mtu = (uint32_t)ifr.ifr_mtu;
	return 0;
}

int
vxpath_tap_set_mac(const char *ifname, const struct rte_ether_addr *mac)
{
	return tap_set_mac(ifname, mac);
}

/*
 * Read-modify-write of the interface flags: only IFF_PROMISC and
 * IFF_ALLMULTI change, the rest (IFF_UP the operator set) stays.
 */
int
vxpath_tap_set_rx_mode(const char *ifname, bool promisc, bool allmulti)
{
	char what[48];
	struct ifreq ifr;
	short flags;
	int ret;

	memset(&ifr, 0, sizeof(ifr));
	ret = tap_ifreq_ioctl(ifname, SIOCGIFFLAGS, &ifr,
			      "Rx mode flags (SIOCGIFFLAGS)");
	if (ret < 0)
		return ret;
	flags = ifr.ifr_flags & ~(IFF_PROMISC | IFF_ALLMULTI);
	if (promisc)
		flags |= IFF_PROMISC;
	if (allmulti)
		flags |= IFF_ALLMULTI;
	if (flags == ifr.ifr_flags)
		return 0;
	ifr.ifr_flags = flags;
	snprintf(what, sizeof(what), "flags promisc %s allmulti %s",
		 promisc ? "on" : "off", allmulti ? "on" : "off");
	return tap_ifreq_ioctl(ifname, SIOCSIFFLAGS, &ifr, what);
}

int
vxpath_tap_set_queue(int fd, const char *ifname, bool attach)
{
	struct ifreq ifr;

	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = attach ? IFF_ATTACH_QUEUE : IFF_DETACH_QUEUE;
	if (ioctl(fd, TUNSETQUEUE, &ifr) < 0) {
		int ret = -errno;

		VXPATH_LOG(ERR, "TAP %s: cannot %s queue (fd %d): %s",
			   ifname, attach ? "attach" : "detach", fd,
			   strerror(-ret));
		return ret;
	}
	return 0;
}

/**
 * Open one file of TAP @want (a name or template) with @mq_flag (0 or
 * IFF_MULTI_QUEUE) beside IFF_TAP | IFF_NO_PI | IFF_VNET_HDR, and set its
 * vnet header (VXPATH_TAP_VNET_HDR_SIZE bytes, little-endian where the
 * kernel allows) and no offloads. With IFF_MULTI_QUEUE each such file is one more
 * queue of the same TAP. The name the kernel gave goes to @got.
 * @setiff_err: NULL, a refused TUNSETIFF is logged here; else it is not,
 *              its positive errno goes there (0 for any other failure).
 * Return: the fd; a negative errno (logged, but for TUNSETIFF with
 * @setiff_err), nothing left open.
 */
static int
tap_open_queue(const char *want, unsigned int mq_flag, char got[IFNAMSIZ],
	       int *setiff_err)
{
	unsigned int features = 0;
	struct ifreq ifr;
	int hdr_size = VXPATH_TAP_VNET_HDR_SIZE;
	int le = 1;
	int fd;
	int ret;

	if (setiff_err != NULL)
		*setiff_err = 0;
	fd = open(TUN_CLONE_DEV, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT || ret == -ENODEV || ret == -ENXIO)
			VXPATH_LOG(ERR, "cannot open %s: %s (is the tun module loaded?)",
				   TUN_CLONE_DEV, strerror(-ret));
		else
			VXPATH_LOG(ERR, "cannot open %s: %s",
				   TUN_CLONE_DEV, strerror(-ret));
		return ret;
	}

	/* Kernels before 2.6.27 have no TUNGETFEATURES nor IFF_VNET_HDR. */
	if (ioctl(fd, TUNGETFEATURES, &features) < 0 ||
	    (features & IFF_VNET_HDR) == 0) {
		VXPATH_LOG(ERR, "%s does not support IFF_VNET_HDR",
			   TUN_CLONE_DEV);
		ret = -ENOTSUP;
		goto fail;
	}
	/* Multi-queue TAPs came with Linux 3.8. */
	if ((features & mq_flag) != mq_flag) {
		VXPATH_LOG(ERR, "%s does not support IFF_MULTI_QUEUE (queues > 1 with vhost-net)",
			   TUN_CLONE_DEV);
		ret = -ENOTSUP;
		goto fail;
	}

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, want, strlen(want));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | mq_flag;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		if (setiff_err != NULL)
			*setiff_err = -ret;
		else
			tap_log_setiff_error(want, -ret);
		goto fail;
	}
	/* The kernel wrote the name it chose: make sure it is terminated. */
	ifr.ifr_name[IFNAMSIZ - 1] = '\0';
	if (ifr.ifr_name[0] == '\0') {
		VXPATH_LOG(ERR, "TUNSETIFF returned an empty interface name");
		ret = -EIO;
		goto fail;
	}

	if (ioctl(fd, TUNSETVNETHDRSZ, &hdr_size) < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "TAP %s: cannot set vnet header size to %d bytes: %s",
			   ifr.ifr_name, hdr_size, strerror(-ret));
		goto fail;
	}

	/*
	 * virtio 1.x headers are little-endian. Kernels without
	 * TUNSETVNETLE use the host's order, which is what we need on a
	 * little-endian host.
	 */
	if (ioctl(fd, TUNSETVNETLE, &le) < 0) {
		ret = -errno;
		if (ret != -EINVAL && ret != -ENOTTY) {
			VXPATH_LOG(ERR, "TAP %s: TUNSETVNETLE: %s",
				   ifr.ifr_name, strerror(-ret));
			goto fail;
		}
		VXPATH_LOG(DEBUG, "TAP %s: TUNSETVNETLE not supported (%s), host order used",
			   ifr.ifr_name, strerror(-ret));
	}

	/* No checksum or segmentation offload towards us: full frames. */
	if (ioctl(fd, TUNSETOFFLOAD, 0UL) < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "TAP %s: cannot clear offloads: %s",
			   ifr.ifr_name, strerror(-ret));
		goto fail;
	}

	memcpy(got, ifr.ifr_name, IFNAMSIZ);
	VXPATH_LOG(DEBUG, "TAP %s open%s, fd %d, vnet header %d bytes",
		   got, mq_flag ? " (one more queue)" : "", fd, hdr_size);
	return fd;

fail:
	close(fd);
	return ret;
}

_Static_assert(VXPATH_TAP_VNET_HDR_SIZE ==
	       sizeof(struct virtio_net_hdr_mrg_rxbuf),
	       "the TAP's vnet header is VIRTIO_F_VERSION_1's");

/*
 * tap_attach=1 could not attach to TAP @name (@err positive, 0 when the
 * interface does not exist): one line with the devarg, the kernel's errno
 * text and what it means here.
 */
static void
tap_log_attach_error(const char *who, const char *name, int err,
		     unsigned int nr_queues)
{
	const char *why;

	switch (err) {
	case ENODEV:
		why = " (no such interface: make it first, e.g. `ip tuntap add dev NAME mode tap multi_queue`)";
		break;
	case EINVAL:
		why = nr_queues > 1 ?
		      " (not a TAP, or a TAP made without multi_queue, which more than one queue needs)" :
		      " (not a TAP)";
		break;
	case EBUSY:
		why = " (another file, another process's, has it open)";
		break;
	case EPERM:
	case EACCES:
		why = " (the TAP's owner or group is another user's, or no CAP_NET_ADMIN)";
		break;
	default:
		why = "";
		break;
	}
	VXPATH_LOG(ERR, "%s: devarg tap_attach=1: cannot attach to TAP %s: %s%s",
		   who, name, strerror(err), why);
}

/*
 * One fd per queue, all of the same TAP; see tap.h. Without @attach an
 * existing persistent TAP is attached to too: closing the fds then leaves
 * it in place, as it was found (except for the header settings and the
 * MAC, which are per device and stay as set here). With @attach the TAP
 * must exist, its MAC is left alone, and one queue fits a multi-queue TAP
 * as well (IFF_MULTI_QUEUE is tried when the single-queue mode is
 * refused).
 */
int
vxpath_tap_open_mq(char name[IFNAMSIZ], const struct rte_ether_addr *mac,
		   unsigned int nr_queues, bool attach, const char *who,
		   int *fds)
{
	const char *want = name[0] != '\0' ? name : TAP_DEFAULT_TEMPLATE;
	unsigned int mq_flag = nr_queues > 1 ? IFF_MULTI_QUEUE : 0;
	char got[IFNAMSIZ];
	unsigned int i, n = 0;
	int err = 0;
	int ret;

	if (strnlen(want, IFNAMSIZ) >= IFNAMSIZ) {
		VXPATH_LOG(ERR, "TAP name is longer than %d bytes",
			   IFNAMSIZ - 1);
		return -ENAMETOOLONG;
	}
	if (nr_queues == 0) {
		VXPATH_LOG(ERR, "TAP %s: no queue asked for", want);
		return -EINVAL;
	}
	/* TUNSETIFF of a name that is free creates a TAP: look first. */
	if (attach && if_nametoindex(want) == 0) {
		tap_log_attach_error(who, want, ENODEV, nr_queues);
		return -ENODEV;
	}
	/* The first file names the TAP (a template gets its number); the
	 * others attach to that name as more queues.
	 */
	for (n = 0; n < nr_queues; n++) {
		ret = tap_open_queue(n == 0 ? want : got, mq_flag, got,
				     attach ? &err : NULL);
		if (ret == -EINVAL && err == EINVAL && attach &&
		    nr_queues == 1 && mq_flag == 0) {
			/* A multi-queue TAP, with one queue here. */
			mq_flag = IFF_MULTI_QUEUE;
			ret = tap_open_queue(want, mq_flag, got, &err);
		}
		if (ret < 0) {
			if (err != 0)
				tap_log_attach_error(who, want, err,
						     nr_queues);
			goto fail;
		}
		fds[n] = ret;
	}
	if (!attach) {
		ret = tap_set_mac(got, mac);
		if (ret < 0)
			goto fail;
	}
	memcpy(name, got, IFNAMSIZ);
	if (nr_queues > 1 || attach)
		VXPATH_LOG(DEBUG, "TAP %s %s with %u queue(s)", name,
			   attach ? "attached to" : "open", nr_queues);
	return 0;

fail:
	for (i = 0; i < n; i++)
		close(fds[i]);
	return ret;
}

int
vxpath_tap_set_carrier(int fd, const char *ifname, bool on)
{
	int carrier = on;

	if (ioctl(fd, TUNSETCARRIER, &carrier) < 0) {
		int ret = -errno;

		VXPATH_LOG(ERR, "TAP %s: cannot set carrier %s (TUNSETCARRIER): %s",
			   ifname, on ? "on" : "off", strerror(-ret));
		return ret;
	}
	return 0;
}

int
vxpath_tap_set_offload(int fd, unsigned int flags)
{
	if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)flags) < 0) {
		int ret = -errno;

		VXPATH_LOG(ERR, "TAP: cannot set offloads %#x: %s", flags,
			   strerror(-ret));
		return ret;
	}
	return 0;
}

bool
vxpath_tap_accepts_offload(int fd, unsigned int flags)
{
	bool ok = ioctl(fd, TUNSETOFFLOAD, (unsigned long)flags) == 0;

	/* Back to none: negotiation decides what the TAP may send. */
	if (ioctl(fd, TUNSETOFFLOAD, 0UL) < 0)
		VXPATH_LOG(WARNING, "TAP: cannot clear offloads: %s",
			   strerror(errno));
	return ok;
}

/*
 * tun refuses TSO without CSUM, and USO4 without USO6 (or the reverse):
 * each flag is tried in the smallest set the kernel takes.
 */
unsigned int
vxpath_tap_offloads_accepted(int fd)
{
	static const unsigned int tries[] = {
		TUN_F_CSUM,
		TUN_F_CSUM | TUN_F_TSO4,
		TUN_F_CSUM | TUN_F_TSO6,
		TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO_ECN,
		TUN_F_CSUM | TUN_F_USO4 | TUN_F_USO6,
	};
	unsigned int i, ok = 0;

	for (i = 0; i < RTE_DIM(tries); i++)
		if (vxpath_tap_accepts_offload(fd, tries[i]))
			ok |= tries[i];
	return ok;
}

/** Names of the TUN_F_* flags, in the order of vxpath_tap_offload_names(). */
static const struct {
	unsigned int flag;
	const char *name;
} tun_offload_names[] = {
	{ TUN_F_CSUM, "csum" },
	{ TUN_F_TSO4, "tso4" },
	{ TUN_F_TSO6, "tso6" },
	{ TUN_F_TSO_ECN, "tso_ecn" },
	{ TUN_F_USO4, "uso4" },
	{ TUN_F_USO6, "uso6" },
};

unsigned int
vxpath_tap_offload_count(void)
{
	return RTE_DIM(tun_offload_names);
}

const char *
vxpath_tap_offload_name(unsigned int i, unsigned int *flag)
{
	if (i >= RTE_DIM(tun_offload_names))
		return NULL;
	*flag = tun_offload_names[i].flag;
	return tun_offload_names[i].name;
}

void
vxpath_tap_offload_names(unsigned int flags, char *buf, size_t size)
{
	size_t len = 0;
	unsigned int i;
	int n;

	if (size == 0)
		return;
	buf[0] = '\0';
	for (i = 0; i < RTE_DIM(tun_offload_names); i++) {
		if (!(flags & tun_offload_names[i].flag))
			continue;
		n = snprintf(buf + len, size - len, "%s%s", len ? " " : "",
			     tun_offload_names[i].name);
		if (n < 0 || (size_t)n >= size - len)
			return; /* truncated, still terminated */
		len += n;
	}
	if (len == 0)
		snprintf(buf, size, "none");
}

bool
vxpath_tap_running(const char *ifname)
{
	const short want = IFF_UP | IFF_RUNNING;
	struct ifreq ifr;
	int s, ret;

	/* Any socket takes the interface ioctls; a Unix one needs no
	 * network protocol.
	 */
	s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return true;
	memset(&ifr, 0, sizeof(ifr));
	strlcpy(ifr.ifr_name, ifname, sizeof(ifr.ifr_name));
	ret = ioctl(s, SIOCGIFFLAGS, &ifr);
	close(s);
	if (ret < 0)
		return false;
	return (ifr.ifr_flags & want) == want;
}

/* rtnetlink datagrams read per callback at most; more wait for the next. */
#define LINK_MSGS_PER_CALLBACK 64

/** What one callback's reading of rtnetlink found about the TAP. */
struct link_scan {
	struct vxpath_tap_link_watch *tw;
	bool seen;         /**< a link message named the TAP */
	bool mtu_changed;  /**< its IFLA_MTU differed from tw->mtu */
};

/*
 * A link message about the TAP: note it, and its IFLA_MTU (a u32, bytes
 * of L3 payload) when it has one that differs from the last seen. The
 * kernel's message is checked like any other input: short payloads and
 * attributes of the wrong size are skipped.
 */
static int
link_msg_cb(const struct nlmsghdr *nlh, void *data)
{
	struct link_scan *scan = data;
	struct vxpath_tap_link_watch *tw = scan->tw;
	const struct ifinfomsg *ifi;
	const struct nlattr *attr;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	if (mnl_nlmsg_get_payload_len(nlh) < sizeof(*ifi))
		return MNL_CB_OK;
	ifi = mnl_nlmsg_get_payload(nlh);
	if (ifi->ifi_index <= 0 || (unsigned int)ifi->ifi_index != tw->ifindex)
		return MNL_CB_OK;
	scan->seen = true;
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	mnl_attr_for_each(attr, nlh, sizeof(*ifi)) {
		uint32_t mtu;

		if (mnl_attr_get_type(attr) != IFLA_MTU ||
		    mnl_attr_validate(attr, MNL_TYPE_U32) < 0)
			continue;
		mtu = mnl_attr_get_u32(attr);
		if (mtu != tw->mtu) {
			tw->mtu = mtu;
			scan->mtu_changed = true;
		}
	}
	return MNL_CB_OK;
}

/*
 * In the interrupt thread: rtnetlink has link messages. Read them all (the
 * watch is level-triggered), and call the owner back if one was about the
 * TAP or some were lost (the MTU then counts as changed: it may have).
 */
static void
link_cb(void *arg)
{
	struct vxpath_tap_link_watch *tw = arg;
	char buf[8192] __rte_aligned(sizeof(uint32_t));
	struct link_scan scan = { .tw = tw };
	unsigned int i;
	ssize_t n;

	for (i = 0; i < LINK_MSGS_PER_CALLBACK; i++) {
		n = mnl_socket_recvfrom(tw->nl, buf, sizeof(buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			/* ENOBUFS: the socket overran and messages were
			 * lost; ENOSPC: one was larger than buf. Either may
			 * have been about the TAP.
			 */
			if (errno == ENOBUFS || errno == ENOSPC) {
				scan.seen = true;
				scan.mtu_changed = true;
				continue;
			}
			break; /* EAGAIN: all read */
		}
		(void)mnl_cb_run(buf, (size_t)n, 0, 0, link_msg_cb, &scan);
	}
	if (scan.seen)
		tw->changed(tw->arg, scan.mtu_changed);
}

int
vxpath_tap_link_watch_start(struct vxpath_tap_link_watch *tw,
			    const char *ifname, const char *who,
			    void (*changed)(void *arg, bool mtu_changed),
			    void *arg)
{
	int ret;

	memset(tw, 0, sizeof(*tw));
	tw->ifindex = if_nametoindex(ifname);
	if (tw->ifindex == 0) {
		VXPATH_LOG(ERR, "%s: TAP %s: no such interface", who, ifname);
		return -ENODEV;
	}
	tw->changed = changed;
	tw->arg = arg;
	/* The MTU now: a message that repeats it is no change. */
	if (vxpath_tap_get_mtu(ifname, &tw->mtu) < 0)
		tw->mtu = 0;
	tw->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (tw->nl == NULL) {
		ret = -errno;
		VXPATH_LOG(ERR, "%s: cannot open an rtnetlink socket to watch TAP %s: %s",
			   who, ifname, strerror(-ret));
		return ret;
	}
	if (mnl_socket_bind(tw->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		VXPATH_LOG(ERR, "%s: cannot join rtnetlink's link group to watch TAP %s: %s",
			   who, ifname, strerror(-ret));
		goto fail;
	}
	ret = vxpath_watch_start(&tw->watch, mnl_socket_get_fd(tw->nl),
				 link_cb, tw, who, "TAP's link");
	if (ret < 0)
		goto fail;
	return 0;
fail:
	mnl_socket_close(tw->nl);
	tw->nl = NULL;
	return ret;
}

void
vxpath_tap_link_watch_stop(struct vxpath_tap_link_watch *tw)
{
	vxpath_watch_stop(&tw->watch);
	if (tw->nl != NULL)
		mnl_socket_close(tw->nl);
	tw->nl = NULL;
}
