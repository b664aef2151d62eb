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
 * @name: in: name or template ("tap%d"), out: the name the kernel gave;
 *        IFNAMSIZ bytes.
 * Return: the TAP's fd (the caller owns it; closing it removes the TAP);
 * a negative errno on failure (logged, nothing left behind).
 */
int vxpath_tap_open(char name[IFNAMSIZ], uint16_t vnet_hdr_size,
		    const struct rte_ether_addr *mac);

#endif /* VXPATH_TAP_H */
