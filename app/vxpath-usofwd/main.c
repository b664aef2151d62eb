/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The vxpath authors
 *
 * vxpath-usofwd: a two-port forwarder that hands UDP super-frames to a
 * port as UDP segmentation offload requests (RTE_MBUF_F_TX_UDP_SEG), for
 * test/vm/uso.sh. dpdk-testpmd 22.11 cannot do this: its csum engine sets
 * RTE_MBUF_F_TX_UDP_SEG only with its own software GSO on the port
 * (`set port N gso on`), which then cuts the frame itself (IPv4 into IP
 * fragments) before the driver sees it, and `tso set` applies to TCP
 * alone.
 *
 * Port --wire (net_af_packet on a veth, say) and port --vx (the vxpath
 * port) each get one queue pair and promiscuous mode where the driver
 * can set it; frames go across
 * unchanged except:
 *   wire -> vx: every untagged IPv4 or IPv6 UDP frame (no IPv6 extension
 *     header) asks for the UDP checksum (RTE_MBUF_F_TX_UDP_CKSUM with its
 *     l2/l3/l4 lengths), and one whose UDP payload is longer than --segsz
 *     bytes asks for USO too (RTE_MBUF_F_TX_UDP_SEG, tso_segsz --segsz):
 *     a super-frame the sending kernel handed af_packet whole (UDP_SEGMENT
 *     socket option, GSO on the veth) leaves as one virtio-net GSO frame.
 *     rte_eth_tx_prepare() writes the pseudo-header checksum for the plain
 *     checksum requests; the kernel's partial checksum stays in neither.
 *   vx -> wire: a TCP or UDP frame that arrives with
 *     RTE_MBUF_F_RX_L4_CKSUM_NONE (the TAP sent it with a partial checksum,
 *     virtio-net NEEDS_CSUM) gets its checksum completed in software: the
 *     wire port has no checksum offload and the peer kernel checks it.
 * The vx port asks for Tx UDP_TSO, UDP/TCP checksum, IPv4 checksum and
 * multi-segment, and for every Rx offload it offers of TCP_LRO, TCP and UDP
 * checksum, so that the TAP gets all the offloads the driver can take.
 * mbufs hold 32 KB of data (--mbuf-size): a super-frame of af_packet's
 * framesz=32768 fits in one.
 *
 * Counters: SIGUSR1 prints one line "usofwd: stats seq=N k=v ..." (the
 * counters below and every xstat of both ports, as wire_NAME and vx_NAME)
 * and the loop goes on; SIGINT or SIGTERM prints it once more and ends.
 *   wire_rx, vx_tx, vx_tx_drop     frames from the wire, sent on vx, and
 *                                  those vx refused (tx_prepare or a full
 *                                  ring after retries)
 *   udp_csum, udp_seg              frames marked for the UDP checksum, and
 *                                  for USO (super-frames)
 *   vx_rx, wire_tx, wire_tx_drop   the same the other way
 *   vx_rx_lro                      received with RTE_MBUF_F_RX_LRO
 *   vx_rx_udp, vx_rx_udp_lro       UDP frames received, with LRO
 *   vx_rx_udp_max                  the largest UDP frame received (bytes)
 *   csum_done, csum_fail           checksums completed in software, and
 *                                  frames that could not be (dropped)
 * It prints "usofwd: ready wire=P vx=Q vx_driver=NAME ..." once both
 * ports are up.
 *
 * Usage: vxpath-usofwd [EAL options] -- [--wire P] [--vx Q] [--segsz N]
 *        [--mbuf-size BYTES] [--mbufs N]
 * Exit status: 0 after SIGINT/SIGTERM, 2 on a set-up error (the vx port
 * without UDP_TSO among its Tx offloads is one).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netinet/in.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_tcp.h>
#include <rte_udp.h>

#define MBUF_CACHE 64
#define NB_DESC 256
#define BURST 32
#define TX_RETRIES 64

static volatile sig_atomic_t quit;
static volatile sig_atomic_t dump;

static void
on_signal(int sig)
{
	if (sig == SIGUSR1)
		dump = 1;
	else
		quit = 1;
}

struct opts {
	uint16_t wire, vx;
	uint16_t segsz;      /* UDP payload bytes per datagram */
	uint32_t mbuf_size;  /* data room, bytes, headroom included */
	uint32_t mbufs;
};

/* The forwarder's own counters (see the file's comment). */
struct counters {
	uint64_t wire_rx, vx_tx, vx_tx_drop, udp_csum, udp_seg;
	uint64_t vx_rx, wire_tx, wire_tx_drop, vx_rx_lro;
	uint64_t vx_rx_udp, vx_rx_udp_lro, vx_rx_udp_max;
	uint64_t csum_done, csum_fail;
};

static int
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "wire", required_argument, NULL, 'w' },
		{ "vx", required_argument, NULL, 'v' },
		{ "segsz", required_argument, NULL, 's' },
		{ "mbuf-size", required_argument, NULL, 'm' },
		{ "mbufs", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	char *end;
	int c;

	o->wire = 0;
	o->vx = 1;
	o->segsz = 1400;
	o->mbuf_size = 32768 + RTE_PKTMBUF_HEADROOM;
	o->mbufs = 2048;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		if (c == '?')
			return -1;
		errno = 0;
		v = strtoul(optarg, &end, 10);
		if (errno != 0 || *end != '\0' || end == optarg)
			return -1;
		if ((c == 'w' || c == 'v') && v < RTE_MAX_ETHPORTS)
			*(c == 'w' ? &o->wire : &o->vx) = (uint16_t)v;
		else if (c == 's' && v >= 1 && v <= 65000)
			o->segsz = (uint16_t)v;
		else if (c == 'm' && v > RTE_PKTMBUF_HEADROOM && v <= UINT16_MAX)
			o->mbuf_size = (uint32_t)v;
		else if (c == 'n' && v >= 256 && v <= 1000000)
			o->mbufs = (uint32_t)v;
		else
			return -1;
	}
	return optind < argc || o->wire == o->vx ? -1 : 0;
}

/* One queue pair, the offloads in @txo/@rxo (each must be offered). */
static int
port_setup(uint16_t port, struct rte_mempool *mp, uint64_t txo, uint64_t rxo)
{
	struct rte_eth_conf conf;
	int ret;

	memset(&conf, 0, sizeof(conf));
	conf.txmode.offloads = txo;
	conf.rxmode.offloads = rxo;
	ret = rte_eth_dev_configure(port, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(port, 0, NB_DESC,
					     rte_eth_dev_socket_id(port), NULL,
					     mp);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(port, 0, NB_DESC,
					     rte_eth_dev_socket_id(port), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(port);
	/* Where it can be set: vxpath over vhost-kernel without a control
	 * virtqueue cannot (-ENOTSUP), and filters no destination anyway.
	 */
	if (ret == 0 && rte_eth_promiscuous_enable(port) == 0)
		printf("usofwd: port %u promiscuous\n", port);
	if (ret < 0)
		fprintf(stderr, "usofwd: set up port %u (Tx offloads %#" PRIx64
			", Rx %#" PRIx64 "): %s\n", port, txo, rxo,
			rte_strerror(-ret));
	return ret;
}

/* Where a frame's IP and L4 headers are; 0 when it is not plain IP. */
struct l4_info {
	uint8_t proto;       /* IPPROTO_UDP, IPPROTO_TCP, other or 0 */
	bool ipv6;
	uint16_t l3_off;     /* bytes from the frame's start */
	uint16_t l3_len;
};

/* Parse the first segment of @m: untagged Ethernet, IPv4 or IPv6 without
 * extension headers. The L4 header must lie in that segment too.
 */
static void
parse(const struct rte_mbuf *m, struct l4_info *li)
{
	const struct rte_ether_hdr *eh;
	uint32_t need;

	memset(li, 0, sizeof(*li));
	if (m->data_len < sizeof(*eh))
		return;
	eh = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	li->l3_off = sizeof(*eh);
	if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4)) {
		const struct rte_ipv4_hdr *ip;

		if (m->data_len < li->l3_off + sizeof(*ip))
			return;
		ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
					     li->l3_off);
		/* Fragments carry no L4 header we could mark. */
		if ((ip->version_ihl >> 4) != 4 ||
		    (rte_be_to_cpu_16(ip->fragment_offset) &
		     (RTE_IPV4_HDR_MF_FLAG | RTE_IPV4_HDR_OFFSET_MASK)))
			return;
		li->l3_len = rte_ipv4_hdr_len(ip);
		li->proto = ip->next_proto_id;
	} else if (eh->ether_type == rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip;

		if (m->data_len < li->l3_off + sizeof(*ip))
			return;
		ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
					     li->l3_off);
		li->ipv6 = true;
		li->l3_len = sizeof(*ip);
		li->proto = ip->proto;
	} else {
		return;
	}
	need = li->l3_off + li->l3_len + (li->proto == IPPROTO_TCP ?
		sizeof(struct rte_tcp_hdr) : sizeof(struct rte_udp_hdr));
	if (need > m->data_len)
		li->proto = 0;
}

/* wire -> vx: mark UDP frames for the checksum, super-frames for USO. */
static void
mark_udp(struct rte_mbuf *m, uint16_t segsz, struct counters *c)
{
	struct l4_info li;
	uint32_t hdrs;

	parse(m, &li);
	if (li.proto != IPPROTO_UDP)
		return;
	hdrs = li.l3_off + li.l3_len + sizeof(struct rte_udp_hdr);
	m->l2_len = li.l3_off;
	m->l3_len = li.l3_len;
	m->l4_len = sizeof(struct rte_udp_hdr);
	m->ol_flags |= (li.ipv6 ? RTE_MBUF_F_TX_IPV6 : RTE_MBUF_F_TX_IPV4) |
		       RTE_MBUF_F_TX_UDP_CKSUM;
	c->udp_csum++;
	if (m->pkt_len > hdrs + segsz) {
		m->ol_flags |= RTE_MBUF_F_TX_UDP_SEG;
		m->tso_segsz = segsz;
		c->udp_seg++;
	}
}

/* vx -> wire: complete a partial TCP/UDP checksum. Return: 0, or -1 if
 * the frame could not be made contiguous or parsed (then dropped).
 */
static int
complete_csum(struct rte_mbuf *m, struct counters *c)
{
	struct l4_info li;
	uint16_t *field;
	void *l3, *l4;

	if ((m->ol_flags & RTE_MBUF_F_RX_L4_CKSUM_MASK) !=
	    RTE_MBUF_F_RX_L4_CKSUM_NONE)
		return 0;
	if (m->nb_segs > 1 && rte_pktmbuf_linearize(m) != 0)
		goto fail;
	parse(m, &li);
	if (li.proto != IPPROTO_UDP && li.proto != IPPROTO_TCP)
		goto fail;
	l3 = rte_pktmbuf_mtod_offset(m, void *, li.l3_off);
	l4 = rte_pktmbuf_mtod_offset(m, void *, li.l3_off + li.l3_len);
	field = li.proto == IPPROTO_UDP ?
		&((struct rte_udp_hdr *)l4)->dgram_cksum :
		&((struct rte_tcp_hdr *)l4)->cksum;
	*field = 0;
	*field = li.ipv6 ? rte_ipv6_udptcp_cksum(l3, l4) :
			   rte_ipv4_udptcp_cksum(l3, l4);
	c->csum_done++;
	return 0;
fail:
	c->csum_fail++;
	return -1;
}

/* Send @n frames on @port, retrying a full ring a few times; free and
 * count what is left. Return: frames sent.
 */
static uint16_t
send_all(uint16_t port, struct rte_mbuf **pkts, uint16_t n, uint64_t *drop)
{
	uint16_t ok = rte_eth_tx_prepare(port, 0, pkts, n);
	uint16_t sent = 0, i;
	int tries = 0;

	if (ok < n) {
		fprintf(stderr, "usofwd: port %u: tx_prepare refused a frame: %s\n",
			port, rte_strerror(rte_errno));
		/* Only the prepared prefix may go; the rest is dropped. */
		for (i = ok; i < n; i++)
			rte_pktmbuf_free(pkts[i]);
		*drop += n - ok;
		n = ok;
	}
	while (sent < n && tries++ < TX_RETRIES)
		sent += rte_eth_tx_burst(port, 0, pkts + sent, n - sent);
	for (i = sent; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
	*drop += n - sent;
	return sent;
}

/* Every xstat of @port as " PREFIX_NAME=VALUE". */
static void
print_xstats(uint16_t port, const char *prefix)
{
	struct rte_eth_xstat_name *names = NULL;
	struct rte_eth_xstat *xs = NULL;
	int n, i;

	n = rte_eth_xstats_get_names(port, NULL, 0);
	if (n <= 0)
		return;
	names = calloc(n, sizeof(*names));
	xs = calloc(n, sizeof(*xs));
	if (names != NULL && xs != NULL &&
	    rte_eth_xstats_get_names(port, names, n) == n &&
	    rte_eth_xstats_get(port, xs, n) == n)
		for (i = 0; i < n; i++)
			printf(" %s_%s=%" PRIu64, prefix,
			       names[xs[i].id].name, xs[i].value);
	free(names);
	free(xs);
}

static void
print_stats(unsigned int seq, const struct opts *o, const struct counters *c)
{
	printf("usofwd: stats seq=%u wire_rx=%" PRIu64 " vx_tx=%" PRIu64
	       " vx_tx_drop=%" PRIu64 " udp_csum=%" PRIu64 " udp_seg=%" PRIu64
	       " vx_rx=%" PRIu64 " wire_tx=%" PRIu64 " wire_tx_drop=%" PRIu64
	       " vx_rx_lro=%" PRIu64 " vx_rx_udp=%" PRIu64
	       " vx_rx_udp_lro=%" PRIu64 " vx_rx_udp_max=%" PRIu64
	       " csum_done=%" PRIu64 " csum_fail=%" PRIu64,
	       seq, c->wire_rx, c->vx_tx, c->vx_tx_drop, c->udp_csum,
	       c->udp_seg, c->vx_rx, c->wire_tx, c->wire_tx_drop, c->vx_rx_lro,
	       c->vx_rx_udp, c->vx_rx_udp_lro, c->vx_rx_udp_max, c->csum_done,
	       c->csum_fail);
	print_xstats(o->wire, "wire");
	print_xstats(o->vx, "vx");
	printf("\n");
	fflush(stdout);
}

/* One burst each way. */
static void
forward(const struct opts *o, struct counters *c)
{
	struct rte_mbuf *pkts[BURST], *out[BURST];
	uint16_t n, i, k;

	n = rte_eth_rx_burst(o->wire, 0, pkts, BURST);
	c->wire_rx += n;
	for (i = 0; i < n; i++)
		mark_udp(pkts[i], o->segsz, c);
	if (n > 0)
		c->vx_tx += send_all(o->vx, pkts, n, &c->vx_tx_drop);

	n = rte_eth_rx_burst(o->vx, 0, pkts, BURST);
	c->vx_rx += n;
	for (i = 0, k = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		bool lro = (m->ol_flags & RTE_MBUF_F_RX_LRO) != 0;
		struct l4_info li;

		parse(m, &li);
		c->vx_rx_lro += lro;
		if (li.proto == IPPROTO_UDP) {
			c->vx_rx_udp++;
			c->vx_rx_udp_lro += lro;
			c->vx_rx_udp_max = RTE_MAX(c->vx_rx_udp_max,
						   (uint64_t)m->pkt_len);
		}
		if (complete_csum(m, c) < 0) {
			rte_pktmbuf_free(m);
			continue;
		}
		/* No offload request goes to the wire port. */
		m->ol_flags &= ~RTE_MBUF_F_TX_OFFLOAD_MASK;
		out[k++] = m;
	}
	if (k > 0)
		c->wire_tx += send_all(o->wire, out, k, &c->wire_tx_drop);
}

int
main(int argc, char **argv)
{
	const uint64_t vx_tx = RTE_ETH_TX_OFFLOAD_UDP_TSO |
			       RTE_ETH_TX_OFFLOAD_UDP_CKSUM |
			       RTE_ETH_TX_OFFLOAD_TCP_CKSUM |
			       RTE_ETH_TX_OFFLOAD_IPV4_CKSUM |
			       RTE_ETH_TX_OFFLOAD_MULTI_SEGS;
	const uint64_t vx_rx_wanted = RTE_ETH_RX_OFFLOAD_TCP_LRO |
				      RTE_ETH_RX_OFFLOAD_TCP_CKSUM |
				      RTE_ETH_RX_OFFLOAD_UDP_CKSUM;
	struct rte_eth_dev_info info;
	struct counters c;
	struct rte_mempool *mp = NULL;
	unsigned int seq = 0;
	struct opts o;
	int ret, status = 2;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "usofwd: EAL init: %s\n", rte_strerror(rte_errno));
		return 2;
	}
	argc -= ret;
	argv += ret;
	if (parse_args(argc, argv, &o) < 0) {
		fprintf(stderr, "usage: vxpath-usofwd [EAL options] -- [--wire P] [--vx Q] [--segsz N] [--mbuf-size BYTES] [--mbufs N]\n");
		goto out;
	}
	if (!rte_eth_dev_is_valid_port(o.wire) ||
	    !rte_eth_dev_is_valid_port(o.vx)) {
		fprintf(stderr, "usofwd: no port %u or %u\n", o.wire, o.vx);
		goto out;
	}
	ret = rte_eth_dev_info_get(o.vx, &info);
	if (ret < 0 || (info.tx_offload_capa & vx_tx) != vx_tx) {
		fprintf(stderr, "usofwd: port %u (%s) lacks Tx offloads %#" PRIx64
			" (UDP_TSO needs a back-end with USO)\n", o.vx,
			ret < 0 ? "?" : info.driver_name,
			ret < 0 ? vx_tx : vx_tx & ~info.tx_offload_capa);
		goto out;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGUSR1, on_signal);

	mp = rte_pktmbuf_pool_create("usofwd_pool", o.mbufs, MBUF_CACHE, 0,
				     (uint16_t)o.mbuf_size, rte_socket_id());
	if (mp == NULL) {
		fprintf(stderr, "usofwd: mbuf pool: %s\n",
			rte_strerror(rte_errno));
		goto out;
	}
	if (port_setup(o.wire, mp, 0, 0) < 0 ||
	    port_setup(o.vx, mp, vx_tx,
		       info.rx_offload_capa & vx_rx_wanted) < 0)
		goto out;
	printf("usofwd: ready wire=%u vx=%u vx_driver=%s segsz=%u"
	       " vx_rx_offloads=%#" PRIx64 "\n", o.wire, o.vx,
	       info.driver_name, o.segsz, info.rx_offload_capa & vx_rx_wanted);
	fflush(stdout);

	memset(&c, 0, sizeof(c));
	while (!quit) {
		forward(&o, &c);
		if (dump) {
			dump = 0;
			print_stats(seq++, &o, &c);
		}
	}
	print_stats(seq, &o, &c);
	status = 0;
out:
	/* Stopped before closed, also a port left started by a failed
	 * set-up.
	 */
	if (rte_eth_dev_is_valid_port(o.wire)) {
		rte_eth_dev_stop(o.wire);
		rte_eth_dev_close(o.wire);
	}
	if (rte_eth_dev_is_valid_port(o.vx)) {
		rte_eth_dev_stop(o.vx);
		rte_eth_dev_close(o.vx);
	}
	rte_mempool_free(mp);
	rte_eal_cleanup();
	return status;
}
