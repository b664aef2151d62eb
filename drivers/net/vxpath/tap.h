/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * The TAP interface behind vhost-kernel (linux/if_tun.h): the kernel end of
 * vxpath's exception path.
 */
#ifndef VXPATH_TAP_H
#define VXPATH_TAP_H

#include <net/if.h>
#include <stdint.h>

#include <rte_ether.h>

/**
 * Create (or attach to) TAP interface @name with IFF_TAP | IFF_NO_PI |
 * IFF_VNET_HDR, set its vnet header size to @vnet_hdr_size bytes
 * (TUNSETVNETHDRSZ), little-endian headers where the kernel allows it,
 * no offloads (TUNSETOFFLOAD 0), and MAC address @mac.
 * @name: in: name or template ("tap%d"; "" means "tap%d"), out: the name
 *        the kernel gave; IFNAMSIZ bytes, NUL-terminated.
 * @vnet_hdr_size: bytes of virtio-net header on each frame (10 or 12,
 *        virtio 1.2 5.1.6); must match what vhost-net passes through.
 * @mac:  set with SIOCSIFHWADDR; not kept.
 *
 * A TAP of that name that exists and is persistent (ip tuntap add) is
 * attached to instead of created; it then outlives the fd.
 * Return: the TAP's fd (the caller owns it; closing it removes a TAP this
 * call created); on failure a negative errno, logged once, nothing left
 * behind:
 * -ENAMETOOLONG  @name has no NUL within IFNAMSIZ bytes;
 * -ENOENT        no /dev/net/tun (tun module not loaded);
 * -ENOTSUP       the tun driver has no IFF_VNET_HDR;
 * -EPERM         no CAP_NET_ADMIN (or a persistent TAP of another user);
 * -EINVAL        invalid name, or an interface of that name exists and is
 *                not a TAP;
 * -EBUSY         the TAP is already attached to another file;
 * -ENFILE        no free name for the template;
 * any other errno of open(), TUNSETIFF, TUNSETVNETHDRSZ, TUNSETVNETLE
 * (except EINVAL/ENOTTY, ignored), TUNSETOFFLOAD or SIOCSIFHWADDR.
 */
int vxpath_tap_open(char name[IFNAMSIZ], uint16_t vnet_hdr_size,
		    const struct rte_ether_addr *mac);

/**
 * Set the MTU of TAP @ifname (SIOCSIFMTU), in bytes of L3 payload; the
 * kernel then sends frames of at most @mtu + 14 bytes through the TAP.
 * Return: 0; a negative errno (logged): -EINVAL for an MTU the kernel
 * refuses, -EPERM without CAP_NET_ADMIN, -ENODEV if the TAP is gone.
 */
int vxpath_tap_set_mtu(const char *ifname, uint16_t mtu);

#endif /* VXPATH_TAP_H */
