/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The TAP interface behind the vhost-kernel back-end (linux/if_tun.h).
 * This file owns creating or attaching to a TAP through /dev/net/tun,
 * configuring its virtio-net header (size, byte order, no offloads) and its
 * MAC address. vhost_kernel.c hands the returned fd to vhost-net with
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
#include <linux/if_tun.h>

#include <rte_ether.h>

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

/*
 * Creates or attaches to the TAP; see tap.h. An existing persistent TAP is
 * attached to, not created: closing the fd then leaves it in place, as it
 * was found (except for the header settings and the MAC, which are per
 * device and stay as set here).
 */
int
vxpath_tap_open(char name[IFNAMSIZ], uint16_t vnet_hdr_size,
		const struct rte_ether_addr *mac)
{
	const char *want = name[0] != '\0' ? name : TAP_DEFAULT_TEMPLATE;
	unsigned int features = 0;
	struct ifreq ifr;
	int hdr_size = vnet_hdr_size;
	int le = 1;
	int fd;
	int ret;

	if (strnlen(want, IFNAMSIZ) >= IFNAMSIZ) {
		VXPATH_LOG(ERR, "TAP name is longer than %d bytes",
			   IFNAMSIZ - 1);
		return -ENAMETOOLONG;
	}

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

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, want, strlen(want));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
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

	ret = tap_set_mac(ifr.ifr_name, mac);
	if (ret < 0)
		goto fail;

	memcpy(name, ifr.ifr_name, IFNAMSIZ);
	VXPATH_LOG(DEBUG, "TAP %s open, fd %d, vnet header %d bytes",
		   name, fd, hdr_size);
	return fd;

fail:
	close(fd);
	return ret;
}
