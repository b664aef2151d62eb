/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Parsing of vxpath's devargs with rte_kvargs. The table below is the one
 * place where a devarg's name, parser and range live; every refusal logs one
 * line that names the devarg and the value at fault.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_kvargs.h>

#include "compat.h"
#include "devargs.h"
#include "vhost_worker.h"
#include "vxpath_log.h"

/** How one devarg is parsed into struct vxpath_devargs. */
struct devarg_spec {
	const char *key;
	/* Parse @value into @da; log and return -EINVAL on bad input. */
	int (*parse)(const char *dev, const struct devarg_spec *spec,
		     const char *value, struct vxpath_devargs *da);
	size_t offset;     /* of the uint32_t field, for numeric devargs */
	uint32_t min, max; /* inclusive range, for numeric devargs */
};

#define BAD(dev, key, value, fmt, ...) \
	VXPATH_LOG(ERR, "%s: devarg %s=%s: " fmt, dev, key, value, ##__VA_ARGS__)

/* Strict decimal: digits only, no sign, no blanks, no trailing text. */
static int
parse_u32(const char *value, uint32_t *out)
{
	unsigned long long v;
	char *end;

	if (value[0] < '0' || value[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(value, &end, 10);
	if (errno != 0 || *end != '\0' || v > UINT32_MAX)
		return -EINVAL;
	*out = (uint32_t)v;
	return 0;
}

static uint32_t *
field_u32(struct vxpath_devargs *da, const struct devarg_spec *spec)
{
	return (uint32_t *)((char *)da + spec->offset);
}

static int
parse_range(const char *dev, const struct devarg_spec *spec,
	    const char *value, struct vxpath_devargs *da)
{
	uint32_t v;

	if (parse_u32(value, &v) < 0) {
		BAD(dev, spec->key, value, "not a decimal number");
		return -EINVAL;
	}
	if (v < spec->min || v > spec->max) {
		BAD(dev, spec->key, value, "out of range [%u, %u]",
		    spec->min, spec->max);
		return -EINVAL;
	}
	*field_u32(da, spec) = v;
	return 0;
}

/* metric=: any 32-bit number, 0 included; remember that it was given. */
static int
parse_metric(const char *dev, const struct devarg_spec *spec,
	     const char *value, struct vxpath_devargs *da)
{
	int ret = parse_range(dev, spec, value, da);

	if (ret == 0)
		da->metric_given = true;
	return ret;
}

/* vhost_worker=: one of enum vxpath_vhost_worker's names. */
static int
parse_vhost_worker(const char *dev, const struct devarg_spec *spec,
		   const char *value, struct vxpath_devargs *da)
{
	uint32_t m;

	for (m = VXPATH_VHOST_WORKER_AUTO; m <= VXPATH_VHOST_WORKER_TASK; m++) {
		if (strcmp(value, vxpath_vhost_worker_name(m)) == 0) {
			da->vhost_worker = m;
			return 0;
		}
	}
	BAD(dev, spec->key, value, "not one of auto, kthread, task");
	return -EINVAL;
}

static int
parse_queue_size(const char *dev, const struct devarg_spec *spec,
		 const char *value, struct vxpath_devargs *da)
{
	int ret = parse_range(dev, spec, value, da);

	if (ret < 0)
		return ret;
	if (!rte_is_power_of_2(da->queue_size)) {
		BAD(dev, spec->key, value, "not a power of two");
		return -EINVAL;
	}
	return 0;
}

static int
parse_speed(const char *dev, const struct devarg_spec *spec,
	    const char *value, struct vxpath_devargs *da)
{
	uint32_t v;

	if (parse_u32(value, &v) < 0 ||
	    rte_eth_speed_bitflag(v, RTE_ETH_LINK_FULL_DUPLEX) == 0) {
		BAD(dev, spec->key, value,
		    "not a link speed in Mbps that ethdev knows (e.g. 10000)");
		return -EINVAL;
	}
	da->speed = v;
	return 0;
}

static int
parse_path(const char *dev, const struct devarg_spec *spec,
	   const char *value, struct vxpath_devargs *da)
{
	size_t len = strlen(value);

	if (len == 0 || len >= sizeof(da->path)) {
		BAD(dev, spec->key, value, "empty or longer than %zu bytes",
		    sizeof(da->path) - 1);
		return -EINVAL;
	}
	memcpy(da->path, value, len + 1);
	return 0;
}

/*
 * An interface name into the devarg's char[IFNAMSIZ] (spec->offset):
 * iface= (a name or a "tap%d" template) or bridge= (a name: no '%').
 */
static int
parse_iface(const char *dev, const struct devarg_spec *spec,
	    const char *value, struct vxpath_devargs *da)
{
	char *field = (char *)da + spec->offset;
	size_t len = strlen(value);

	if (len == 0 || len >= IFNAMSIZ) {
		BAD(dev, spec->key, value,
		    "interface name must have 1 to %d characters",
		    IFNAMSIZ - 1);
		return -EINVAL;
	}
	/* The kernel refuses these in interface names. */
	if (strpbrk(value, "/: \t\n") != NULL || strcmp(value, ".") == 0 ||
	    strcmp(value, "..") == 0) {
		BAD(dev, spec->key, value,
		    "interface name may not contain '/', ':' or blanks");
		return -EINVAL;
	}
	/* A template makes sense for the TAP vxpath creates only. */
	if (field != da->iface && strchr(value, '%') != NULL) {
		BAD(dev, spec->key, value,
		    "the name of an existing interface, not a template");
		return -EINVAL;
	}
	memcpy(field, value, len + 1);
	return 0;
}

static int
parse_mac(const char *dev, const struct devarg_spec *spec,
	  const char *value, struct vxpath_devargs *da)
{
	if (rte_ether_unformat_addr(value, &da->mac) < 0) {
		BAD(dev, spec->key, value, "not a MAC address (xx:xx:xx:xx:xx:xx)");
		return -EINVAL;
	}
	if (!rte_is_valid_assigned_ether_addr(&da->mac)) {
		BAD(dev, spec->key, value,
		    "not a unicast address (zero or multicast bit set)");
		return -EINVAL;
	}
	da->mac_given = true;
	return 0;
}

/*
 * A namespace's name under /run/netns (no '/', as `ip netns` takes it), or
 * an absolute path; the path is made and opened at setup (netns.c).
 */
static int
parse_netns(const char *dev, const struct devarg_spec *spec,
	    const char *value, struct vxpath_devargs *da)
{
	size_t len = strlen(value);

	if (value[0] == '/') {
		if (len >= sizeof(da->netns)) {
			BAD(dev, spec->key, value, "path longer than %zu bytes",
			    sizeof(da->netns) - 1);
			return -EINVAL;
		}
	} else if (strchr(value, '/') != NULL || strcmp(value, ".") == 0 ||
		   strcmp(value, "..") == 0 || len > NAME_MAX) {
		BAD(dev, spec->key, value,
		    "neither a namespace name (1 to %d characters, no '/', not . or ..) nor a path beginning with '/'",
		    NAME_MAX);
		return -EINVAL;
	}
	memcpy(da->netns, value, len + 1);
	return 0;
}

/* The devarg's struct vxpath_ipaddr (spec->offset). */
static struct vxpath_ipaddr *
field_ipaddr(struct vxpath_devargs *da, const struct devarg_spec *spec)
{
	return (struct vxpath_ipaddr *)((char *)da + spec->offset);
}

/*
 * Whether @a (@family, network order) can be an interface's unicast
 * address or a gateway: not unspecified, loopback, multicast, nor (IPv4)
 * the limited broadcast 255.255.255.255.
 */
static const char *
ip_unusable(int family, const uint8_t *a)
{
	static const uint8_t zero[16];

	if (family == AF_INET) {
		if (memcmp(a, zero, 4) == 0)
			return "unspecified address";
		if (a[0] == 127)
			return "loopback address";
		if ((a[0] & 0xf0) == 0xe0)
			return "multicast address";
		if (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255)
			return "broadcast address";
		return NULL;
	}
	if (memcmp(a, zero, 16) == 0)
		return "unspecified address";
	if (memcmp(a, zero, 15) == 0 && a[15] == 1)
		return "loopback address";
	if (a[0] == 0xff)
		return "multicast address";
	return NULL;
}

/*
 * ADDR/LEN (@with_prefix) or ADDR of @family into the devarg's struct
 * vxpath_ipaddr; LEN is strict decimal, 1 to 32 (IPv4) or 128 (IPv6).
 */
static int
parse_ip(const char *dev, const struct devarg_spec *spec, const char *value,
	 struct vxpath_devargs *da, int family, bool with_prefix)
{
	const char *what = family == AF_INET ? "IPv4" : "IPv6";
	uint32_t max_len = family == AF_INET ? 32 : 128;
	struct vxpath_ipaddr *ip = field_ipaddr(da, spec);
	char text[INET6_ADDRSTRLEN];
	const char *slash = strchr(value, '/');
	const char *why;
	size_t alen;
	uint32_t len = 0;

	if (with_prefix && slash == NULL) {
		BAD(dev, spec->key, value, "no prefix length: give %s/LEN",
		    family == AF_INET ? "A.B.C.D" : "ADDR");
		return -EINVAL;
	}
	if (!with_prefix && slash != NULL) {
		BAD(dev, spec->key, value,
		    "a gateway is an address, without a prefix length");
		return -EINVAL;
	}
	alen = slash != NULL ? (size_t)(slash - value) : strlen(value);
	if (alen == 0 || alen >= sizeof(text)) {
		BAD(dev, spec->key, value, "not an %s address", what);
		return -EINVAL;
	}
	memcpy(text, value, alen);
	text[alen] = '\0';
	memset(ip, 0, sizeof(*ip));
	if (inet_pton(family, text, ip->addr) != 1) {
		BAD(dev, spec->key, value, "not an %s address", what);
		return -EINVAL;
	}
	if (with_prefix) {
		if (parse_u32(slash + 1, &len) < 0 || len < 1 ||
		    len > max_len) {
			BAD(dev, spec->key, value,
			    "prefix length out of range [1, %u]", max_len);
			return -EINVAL;
		}
	}
	why = ip_unusable(family, ip->addr);
	if (why != NULL) {
		BAD(dev, spec->key, value, "%s: not for an interface", why);
		return -EINVAL;
	}
	ip->family = (uint8_t)family;
	ip->prefixlen = (uint8_t)len;
	return 0;
}

static int
parse_ipv4(const char *dev, const struct devarg_spec *spec,
	   const char *value, struct vxpath_devargs *da)
{
	return parse_ip(dev, spec, value, da, AF_INET, true);
}

static int
parse_ipv6(const char *dev, const struct devarg_spec *spec,
	   const char *value, struct vxpath_devargs *da)
{
	return parse_ip(dev, spec, value, da, AF_INET6, true);
}

static int
parse_gateway4(const char *dev, const struct devarg_spec *spec,
	       const char *value, struct vxpath_devargs *da)
{
	return parse_ip(dev, spec, value, da, AF_INET, false);
}

static int
parse_gateway6(const char *dev, const struct devarg_spec *spec,
	       const char *value, struct vxpath_devargs *da)
{
	return parse_ip(dev, spec, value, da, AF_INET6, false);
}

/* One entry of devarg_specs[] from VXPATH_DEVARGS (devargs.h). */
#define SPEC(key, syntax, field, parse, min, max) \
	{ key, parse, offsetof(struct vxpath_devargs, field), min, max },

static const struct devarg_spec devarg_specs[] = {
	VXPATH_DEVARGS(SPEC)
};

static void
devargs_defaults(struct vxpath_devargs *da)
{
	memset(da, 0, sizeof(*da));
	da->queues = 1;
	da->queue_size = VXPATH_DEFAULT_QUEUE_SIZE;
	da->mrg_rxbuf = 1;
	da->in_order = 1;
	da->speed = VXPATH_DEFAULT_SPEED;
	da->event_idx = 1;
	da->tap_up = VXPATH_TAP_UP_AUTO;
}

int
vxpath_devargs_parse(const char *name, const char *args,
		     struct vxpath_devargs *da)
{
	bool seen[RTE_DIM(devarg_specs)] = { false };
	struct rte_kvargs *kvlist;
	unsigned int i, k;
	int ret = 0;

	devargs_defaults(da);
	if (args == NULL || args[0] == '\0') {
		VXPATH_LOG(ERR, "%s: devarg %s is required", name,
			   VXPATH_ARG_PATH);
		return -EINVAL;
	}
	/* No key list: unknown keys are named below instead of a bare NULL. */
	kvlist = rte_kvargs_parse(args, NULL);
	if (kvlist == NULL) {
		VXPATH_LOG(ERR, "%s: devargs \"%s\" are malformed", name, args);
		return -EINVAL;
	}
	for (i = 0; i < kvlist->count && ret == 0; i++) {
		const char *key = kvlist->pairs[i].key;
		const char *value = kvlist->pairs[i].value;

		for (k = 0; k < RTE_DIM(devarg_specs); k++)
			if (strcmp(key, devarg_specs[k].key) == 0)
				break;
		if (k == RTE_DIM(devarg_specs)) {
			VXPATH_LOG(ERR, "%s: devarg %s is unknown; known: %s",
				   name, key, VXPATH_PARAM_STRING);
			ret = -EINVAL;
		} else if (seen[k]) {
			VXPATH_LOG(ERR, "%s: devarg %s is given twice",
				   name, key);
			ret = -EINVAL;
		} else if (value == NULL || value[0] == '\0') {
			VXPATH_LOG(ERR, "%s: devarg %s needs a value", name,
				   key);
			ret = -EINVAL;
		} else {
			seen[k] = true;
			ret = devarg_specs[k].parse(name, &devarg_specs[k],
						    value, da);
		}
	}
	rte_kvargs_free(kvlist);
	if (ret == 0 && da->path[0] == '\0') {
		VXPATH_LOG(ERR, "%s: devarg %s is required", name,
			   VXPATH_ARG_PATH);
		ret = -EINVAL;
	}
	return ret;
}

const char *
vxpath_ipaddr_format(const struct vxpath_ipaddr *a, char *buf)
{
	size_t n;

	buf[0] = '\0';
	if (a->family == 0 ||
	    inet_ntop(a->family, a->addr, buf, INET6_ADDRSTRLEN) == NULL)
		return buf;
	if (a->prefixlen != 0) {
		n = strlen(buf);
		snprintf(buf + n, VXPATH_IPADDR_STRLEN - n, "/%u",
			 a->prefixlen);
	}
	return buf;
}

bool
vxpath_devargs_tap_up(const struct vxpath_devargs *da)
{
	if (da->tap_up != VXPATH_TAP_UP_AUTO)
		return da->tap_up != 0;
	return da->ipv4.family != 0 || da->ipv6.family != 0 ||
	       da->gateway4.family != 0 || da->gateway6.family != 0;
}

/* Whether the first @bits bits of @a and @b (network order) are equal. */
static bool
same_prefix(const uint8_t *a, const uint8_t *b, unsigned int bits)
{
	unsigned int bytes = bits / 8, rest = bits % 8;
	uint8_t mask;

	if (memcmp(a, b, bytes) != 0)
		return false;
	if (rest == 0)
		return true;
	mask = (uint8_t)(0xff << (8 - rest));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

/*
 * A gateway must be reachable on the TAP alone: within the prefix of the
 * TAP's address of its family, or (IPv6) link-local.
 */
static int
check_gateways(const char *name, const struct vxpath_devargs *da)
{
	char gw[VXPATH_IPADDR_STRLEN], ip[VXPATH_IPADDR_STRLEN];
	const struct vxpath_ipaddr *g4 = &da->gateway4, *g6 = &da->gateway6;

	if (da->metric_given && g4->family == 0 && g6->family == 0) {
		VXPATH_LOG(ERR, "%s: devarg %s=%u: the metric of the default routes, and there is none: give %s= or %s=",
			   name, VXPATH_ARG_METRIC, da->metric,
			   VXPATH_ARG_GATEWAY4, VXPATH_ARG_GATEWAY6);
		return -EINVAL;
	}
	if ((g4->family != 0 || g6->family != 0) && da->tap_up == 0) {
		VXPATH_LOG(ERR, "%s: devarg %s=%s: a route needs the TAP up, and %s=0 keeps it down",
			   name, g4->family != 0 ? VXPATH_ARG_GATEWAY4 :
			   VXPATH_ARG_GATEWAY6,
			   vxpath_ipaddr_format(g4->family != 0 ? g4 : g6, gw),
			   VXPATH_ARG_TAP_UP);
		return -EINVAL;
	}
	if (g4->family != 0 &&
	    (da->ipv4.family == 0 ||
	     !same_prefix(g4->addr, da->ipv4.addr, da->ipv4.prefixlen))) {
		VXPATH_LOG(ERR, "%s: devarg %s=%s: not within the prefix of %s=%s, so not reachable on the TAP",
			   name, VXPATH_ARG_GATEWAY4,
			   vxpath_ipaddr_format(g4, gw), VXPATH_ARG_IPV4,
			   vxpath_ipaddr_format(&da->ipv4, ip));
		return -EINVAL;
	}
	if (g6->family != 0 && !(g6->addr[0] == 0xfe &&
				 (g6->addr[1] & 0xc0) == 0x80) &&
	    (da->ipv6.family == 0 ||
	     !same_prefix(g6->addr, da->ipv6.addr, da->ipv6.prefixlen))) {
		VXPATH_LOG(ERR, "%s: devarg %s=%s: neither link-local nor within the prefix of %s=%s, so not reachable on the TAP",
			   name, VXPATH_ARG_GATEWAY6,
			   vxpath_ipaddr_format(g6, gw), VXPATH_ARG_IPV6,
			   vxpath_ipaddr_format(&da->ipv6, ip));
		return -EINVAL;
	}
	return 0;
}

int
vxpath_devargs_check_no_tap(const char *name,
			    const struct vxpath_devargs *da,
			    const char *backend)
{
	const struct { const char *key; const struct vxpath_ipaddr *a; }
	ips[] = {
		{ VXPATH_ARG_IPV4, &da->ipv4 },
		{ VXPATH_ARG_IPV6, &da->ipv6 },
		{ VXPATH_ARG_GATEWAY4, &da->gateway4 },
		{ VXPATH_ARG_GATEWAY6, &da->gateway6 },
	};
	char value[VXPATH_IPADDR_STRLEN];
	const char *key = NULL, *text = value;
	unsigned int i;

	if (da->tap_attach) {
		key = VXPATH_ARG_TAP_ATTACH;
		snprintf(value, sizeof(value), "%u", da->tap_attach);
	}
	if (key == NULL && da->iface[0] != '\0') {
		key = VXPATH_ARG_IFACE;
		strlcpy(value, da->iface, sizeof(value));
	}
	for (i = 0; key == NULL && i < RTE_DIM(ips); i++) {
		if (ips[i].a->family != 0) {
			key = ips[i].key;
			vxpath_ipaddr_format(ips[i].a, value);
		}
	}
	if (key == NULL && da->tap_up != VXPATH_TAP_UP_AUTO) {
		key = VXPATH_ARG_TAP_UP;
		snprintf(value, sizeof(value), "%u", da->tap_up);
	}
	if (key == NULL && da->netns[0] != '\0') {
		key = VXPATH_ARG_NETNS;
		text = da->netns;
	}
	if (key == NULL && da->bridge[0] != '\0') {
		key = VXPATH_ARG_BRIDGE;
		text = da->bridge;
	}
	if (key == NULL && da->metric_given) {
		key = VXPATH_ARG_METRIC;
		snprintf(value, sizeof(value), "%u", da->metric);
	}
	if (key == NULL && da->vhost_worker != VXPATH_VHOST_WORKER_AUTO) {
		key = VXPATH_ARG_VHOST_WORKER;
		text = vxpath_vhost_worker_name(da->vhost_worker);
	}
	/* The GSO frames it makes are for the kernel's TAP (coalesce.h). */
	if (key == NULL && da->tx_coalesce) {
		key = VXPATH_ARG_TX_COALESCE;
		snprintf(value, sizeof(value), "%u", da->tx_coalesce);
	}
	if (key == NULL)
		return 0;
	VXPATH_LOG(ERR, "%s: devarg %s=%s: only for /dev/vhost-net (a TAP), not for %s",
		   name, key, text, backend);
	return -EINVAL;
}

int
vxpath_devargs_check_supported(const char *name,
			       const struct vxpath_devargs *da)
{
	if (check_gateways(name, da) < 0)
		return -EINVAL;
	/* Attaching needs the name of what exists: a template would have
	 * the kernel pick a free name, hence a new TAP.
	 */
	if (da->tap_attach && (da->iface[0] == '\0' ||
			       strchr(da->iface, '%') != NULL)) {
		VXPATH_LOG(ERR, "%s: devarg %s=1: needs %s=NAME, the name of the existing TAP%s",
			   name, VXPATH_ARG_TAP_ATTACH, VXPATH_ARG_IFACE,
			   da->iface[0] == '\0' ? "" :
			   ", not a template with '%'");
		return -EINVAL;
	}
	/* Reconnection is what a client lacks: a server (server=1) takes
	 * the next back-end that connects anyway.
	 */
	if (da->reconnect > 0 && da->server) {
		VXPATH_LOG(ERR, "%s: devarg %s=%u is for client mode only: with %s=1 vxpath accepts a new back-end on its socket anyway",
			   name, VXPATH_ARG_RECONNECT, da->reconnect,
			   VXPATH_ARG_SERVER);
		return -EINVAL;
	}
	/* Like upstream: queue pairs beyond the first are enabled through
	 * the control virtqueue (VIRTIO_NET_CTRL_MQ, virtio 1.2 5.1.6.5.5).
	 */
	if (da->queues > 1 && !da->cq) {
		VXPATH_LOG(ERR, "%s: devarg %s=%u needs the control virtqueue: add %s=1",
			   name, VXPATH_ARG_QUEUES, da->queues, VXPATH_ARG_CQ);
		return -EINVAL;
	}
	/* Upstream's applications pass it; vxpath's scalar path is the
	 * faster one (the performance guide has the figures).
	 */
	if (da->vectorized)
		VXPATH_LOG(INFO, "%s: devarg %s=1: vxpath has one scalar datapath, ahead of upstream's vector paths (doc/guides/howto/performance.rst); the value changes nothing",
			   name, VXPATH_ARG_VECTORIZED);
	return 0;
}
