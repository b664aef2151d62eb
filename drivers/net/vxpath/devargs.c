/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * Parsing of vxpath's devargs with rte_kvargs. The table below is the one
 * place where a devarg's name, parser and range live; every refusal logs one
 * line that names the devarg and the value at fault.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_ethdev.h>
#include <rte_kvargs.h>

#include "compat.h"
#include "devargs.h"
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

static int
parse_iface(const char *dev, const struct devarg_spec *spec,
	    const char *value, struct vxpath_devargs *da)
{
	size_t len = strlen(value);

	if (len == 0 || len >= sizeof(da->iface)) {
		BAD(dev, spec->key, value,
		    "interface name must have 1 to %zu characters",
		    sizeof(da->iface) - 1);
		return -EINVAL;
	}
	/* The kernel refuses these in interface names. */
	if (strpbrk(value, "/: \t\n") != NULL || strcmp(value, ".") == 0 ||
	    strcmp(value, "..") == 0) {
		BAD(dev, spec->key, value,
		    "interface name may not contain '/', ':' or blanks");
		return -EINVAL;
	}
	memcpy(da->iface, value, len + 1);
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

int
vxpath_devargs_check_supported(const char *name,
			       const struct vxpath_devargs *da)
{
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
