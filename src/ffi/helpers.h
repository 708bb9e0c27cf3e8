/* SPDX-License-Identifier: GPL-2.0 */
/*
 * C shims for the Rust IPVS core: static inline kernel functions and macros
 * that Rust cannot call directly. Each function does exactly what the named
 * kernel helper does and nothing else; the Rust side relies on these
 * contracts (see the wrappers in src/ffi/).
 */
#ifndef IPVS_RS_HELPERS_H
#define IPVS_RS_HELPERS_H

#include <linux/sockptr.h>
#include <linux/types.h>

struct genl_family;
struct genl_info;
struct net;
struct netlink_callback;
struct nlattr;
struct sk_buff;
struct sock;

/* net_generic(net, id): the slot of a pernet registration with .size set. */
void *ipvs_rs_net_generic(const struct net *net, unsigned int id);

/*
 * net->user_ns == &init_user_ns: whether the namespace belongs to the
 * initial user namespace (C shows some sysctls only to those).
 */
bool ipvs_rs_net_in_init_user_ns(const struct net *net);

/* sock_net(sk). */
struct net *ipvs_rs_sock_net(const struct sock *sk);

/* genl_info_net(info): the namespace a generic netlink request came from. */
struct net *ipvs_rs_genl_info_net(const struct genl_info *info);

/* The namespace of the socket that asked for a dump: sock_net(skb->sk). */
struct net *ipvs_rs_dump_net(const struct sk_buff *skb);

/* The generic netlink command of a request: info->genlhdr->cmd. */
u8 ipvs_rs_genl_info_cmd(const struct genl_info *info);

/* ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN). */
bool ipvs_rs_sk_net_admin(const struct sock *sk);

/* nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL); NULL on allocation failure. */
struct sk_buff *ipvs_rs_nlmsg_new(void);

/* nlmsg_free(skb). */
void ipvs_rs_nlmsg_free(struct sk_buff *skb);

/* genlmsg_put_reply(skb, info, family, 0, cmd); NULL when skb is full. */
void *ipvs_rs_genlmsg_put_reply(struct sk_buff *skb, struct genl_info *info,
				const struct genl_family *family, u8 cmd);

/* genlmsg_end(skb, hdr). */
void ipvs_rs_genlmsg_end(struct sk_buff *skb, void *hdr);

/* genlmsg_reply(skb, info): sends and consumes skb. */
int ipvs_rs_genlmsg_reply(struct sk_buff *skb, struct genl_info *info);

/* The command of a dump: genl_dumpit_info(cb)->op.cmd. */
u8 ipvs_rs_dump_cmd(struct netlink_callback *cb);

/*
 * The attributes of the request that started a dump: what follows the
 * generic netlink header of cb->nlh; *len gets their length.
 */
const u8 *ipvs_rs_dump_request(struct netlink_callback *cb, u32 *len);

/* skb->len. */
unsigned int ipvs_rs_skb_len(const struct sk_buff *skb);

/*
 * genlmsg_put() for one entry of a dump of the family cb runs for: the
 * requester's port id and sequence number, NLM_F_MULTI. NULL when full.
 */
void *ipvs_rs_genlmsg_put_dump(struct sk_buff *skb, struct netlink_callback *cb,
			       u8 cmd);

/* genlmsg_cancel(skb, hdr). */
void ipvs_rs_genlmsg_cancel(struct sk_buff *skb, void *hdr);

/* nla_nest_start_noflag(skb, type); NULL when skb is full. */
struct nlattr *ipvs_rs_nla_nest_start(struct sk_buff *skb, int type);

/* nla_nest_end(skb, nest). */
void ipvs_rs_nla_nest_end(struct sk_buff *skb, struct nlattr *nest);

/* nla_nest_cancel(skb, nest). */
void ipvs_rs_nla_nest_cancel(struct sk_buff *skb, struct nlattr *nest);

/* net->proc_net: the namespace's /proc/net directory. */
struct proc_dir_entry *ipvs_rs_net_proc_net(const struct net *net);

/* seq_file_single_net(seq): the namespace of a proc_create_net_single file. */
struct seq_file;
struct net *ipvs_rs_seq_file_single_net(struct seq_file *seq);

struct module;

/* try_module_get(mod): false while the module is being unloaded. */
bool ipvs_rs_try_module_get(struct module *mod);

/* request_module("ip_vs_%s", name): loads a scheduler module and waits. */
int ipvs_rs_request_scheduler(const char *name);

/* request_module("ip_vs_pe_%s", name): loads a persistence engine module
 * and waits. */
int ipvs_rs_request_pe(const char *name);

/*
 * Whether an IPv6 address routes to this host (a loopback device), as
 * __ip_vs_addr_is_local_v6() decides it. addr is 16 bytes.
 */
bool ipvs_rs_addr_is_local_v6(struct net *net, const u8 *addr);

/* try_module_get(THIS_MODULE) and module_put(THIS_MODULE) of ip_vs. */
bool ipvs_rs_use_count_inc(void);
void ipvs_rs_use_count_dec(void);

/* totalram_pages() << PAGE_SHIFT: usable RAM in bytes. */
u64 ipvs_rs_totalram_bytes(void);

/*
 * copy_from_sockptr(dst, src, size): copies size bytes of a setsockopt
 * argument, a user or a kernel pointer, to dst. 0, or -EFAULT when the
 * user memory cannot be read. The caller checked size against the length
 * the argument came with.
 */
int ipvs_rs_copy_from_sockptr(void *dst, sockptr_t src, size_t size);

/*
 * Whether net has a network device of that name (or alternative name), as
 * __dev_get_by_name() finds it; looked up under RCU. name is NUL-terminated.
 */
bool ipvs_rs_dev_name_exists(struct net *net, const char *name);

/* Packet path (src/ffi/skb.rs, src/ffi/route.rs, src/ffi/timer.rs). */
struct rtable;
struct timer_list;

/* skb_network_offset(skb), skb->mark, skb->pkt_type. */
int ipvs_rs_skb_network_offset(const struct sk_buff *skb);
u32 ipvs_rs_skb_mark(const struct sk_buff *skb);
u8 ipvs_rs_skb_pkt_type(const struct sk_buff *skb);

/*
 * skb->ipvs_property: set on packets IPVS already handled. Setting it also
 * moves a tracked packet to the untracked entry (ip_vs_notrack()).
 */
bool ipvs_rs_skb_ipvs_property(const struct sk_buff *skb);
void ipvs_rs_skb_set_ipvs_property(struct sk_buff *skb);

/*
 * ip_vs_exceeds_mtu(): whether the packet is longer than mtu, unless it is
 * GSO and its segments fit (skb_gso_validate_network_len()).
 */
bool ipvs_rs_skb_exceeds_mtu(const struct sk_buff *skb, unsigned int mtu);

/*
 * inet_proto_csum_replace4/2(sum, skb, from, to, pseudohdr) on the 16-bit
 * checksum at offset check_off from skb->data, which the caller made
 * writable (skb_ensure_writable(skb, check_off + 2)). -EINVAL when
 * check_off + 2 is beyond the linear data.
 */
int ipvs_rs_csum_replace4(struct sk_buff *skb, unsigned int check_off,
			  __be32 from, __be32 to, bool pseudohdr);
int ipvs_rs_csum_replace2(struct sk_buff *skb, unsigned int check_off,
			  __be16 from, __be16 to, bool pseudohdr);

/*
 * ip_send_check(ip_hdr(skb)): recomputes the IPv4 header checksum; the
 * caller made the header writable.
 */
void ipvs_rs_ip_send_check(struct sk_buff *skb);

/*
 * ip_route_output_key() to daddr, with FLOWI_FLAG_KNOWN_NH when known_nh
 * (the packet's own destination is not the next hop: direct routing).
 * Stores the source address chosen in *saddr. NULL without a route.
 */
struct rtable *ipvs_rs_route_output4(struct net *net, __be32 daddr,
				     bool known_nh, __be32 *saddr);
/* rt->rt_flags & RTCF_LOCAL: the route delivers to this host. */
bool ipvs_rs_rt_is_local(const struct rtable *rt);
/* dst_mtu(&rt->dst). */
unsigned int ipvs_rs_rt_mtu(const struct rtable *rt);
/* ip_rt_put(rt). */
void ipvs_rs_rt_put(struct rtable *rt);
/* dst_hold(&rt->dst): one more reference, for a copy of the route. */
void ipvs_rs_rt_hold(struct rtable *rt);
/*
 * Whether dst_check(&rt->dst, 0) would keep the route: false once a change
 * of the routing tables, a PMTU update or its device going away made it
 * obsolete (what __ip_vs_dst_check() asks of a cached route).
 */
bool ipvs_rs_rt_current(struct rtable *rt);

/*
 * skb_dst_drop(skb) and skb_dst_set(skb, &rt->dst): the packet leaves by
 * rt, whose reference it takes over.
 */
void ipvs_rs_skb_set_route(struct sk_buff *skb, struct rtable *rt);

/*
 * Routes skb again as if this host sent it, from its new source
 * (ip_route_me_harder(..., RTN_LOCAL)), unless it goes to this host. 0 or
 * a negative errno.
 */
int ipvs_rs_route_me_harder(struct net *net, struct sk_buff *skb);

/*
 * A received packet loses the socket early demux tied it to
 * (ip_vs_drop_early_demux_sk()).
 */
void ipvs_rs_skb_drop_demux_sk(struct sk_buff *skb);

/*
 * Sends a packet IPVS has rewritten and routed (ip_vs_send_or_cont() for
 * a non-local destination): marks it ipvs_property (untracked) and
 * ignore_df (as every transmitter of ip_vs_xmit.c does: no "fragmentation
 * needed" from ip_fragment()); a received packet loses its early demux
 * socket (ipvs_rs_skb_drop_demux_sk()) and its timestamp; then
 * skb_forward_csum(), and it goes to the LOCAL_OUT hooks and dst_output().
 * Consumes skb.
 */
void ipvs_rs_send(struct net *net, struct sk_buff *skb);

/* icmp_send(skb, type, code, htonl(info)): tells the sender. */
void ipvs_rs_icmp_send(struct sk_buff *skb, u8 type, u8 code, u32 info);

/*
 * ipv4_update_pmtu(skb, net, mtu, 0, 0) for the IPv4 header at off from the
 * network header (made linear for hlen bytes), which it reads at skb->data:
 * pulled there for the call, pushed back after. 0, or -EINVAL when the
 * packet is too short.
 */
int ipvs_rs_update_pmtu_at(struct sk_buff *skb, struct net *net, unsigned int off,
			   unsigned int hlen, u32 mtu);

/*
 * The IPIP part of ip_vs_in_icmp(): strips the packet down to the IPv4
 * header at off from the network header (hlen bytes long, made linear),
 * clears its IP options control block and sends the error icmp_send(skb,
 * type, code, htonl(info)) about it. 0 once sent, -EINVAL when the packet
 * is too short or the header's length is not hlen. Consumes skb either
 * way (the hook answers NF_STOLEN).
 */
int ipvs_rs_icmp_send_inner(struct sk_buff *skb, unsigned int off, unsigned int hlen,
			    u8 type, u8 code, u32 info);

/* consume_skb(skb): the hook is done with it (NF_STOLEN). */
void ipvs_rs_consume(struct sk_buff *skb);

/*
 * ip_vs_checksum_common_check(skb, toff, IPPROTO_ICMP, AF_INET): whether
 * the ICMP checksum of the message at offset toff from skb->data is right
 * (or needs no check: already validated, or generated on this host).
 */
bool ipvs_rs_icmp_csum_ok(struct sk_buff *skb, unsigned int toff);

/*
 * The end of ip_vs_nat_icmp(): recomputes the checksum of the ICMP message
 * at offset toff from skb->data over the whole rest of the packet
 * (csum_fold(skb_checksum())), and marks it CHECKSUM_UNNECESSARY. The
 * caller made the ICMP header writable. -EINVAL when it is beyond the
 * linear data.
 */
int ipvs_rs_icmp_csum_set(struct sk_buff *skb, unsigned int toff);

/*
 * Makes room for an outer IPv4 header and encap_len bytes of encapsulation
 * (skb_cow_head() with the device's headroom needs), sets the offloads up
 * for gso_type (iptunnel_handle_offloads()) and the inner headers for an
 * IPv4 packet inside, then pushes both: the transport header is reset to
 * the encapsulation, the network header to the new IPv4 header, and
 * IPCB(skb) is cleared. The caller writes the headers. 0 or a negative
 * errno (skb unchanged but for headroom and offload state).
 */
int ipvs_rs_tunnel_push(struct sk_buff *skb, const struct rtable *rt,
			unsigned int encap_len, int gso_type);

/* udp_flow_src_port(net, skb, 0, 0, false): a source port from the flow. */
__be16 ipvs_rs_udp_flow_src_port(struct net *net, struct sk_buff *skb);

/*
 * For a packet whose checksum the device is to finish (CHECKSUM_PARTIAL):
 * where the checksummed part starts, from the network header, and
 * skb->csum_offset. -ENOENT for any other packet, -EINVAL when it starts
 * before the network header or too far for 16 bits.
 */
int ipvs_rs_csum_partial_at(const struct sk_buff *skb, u16 *start, u16 *offset);

/*
 * The server finishes the inner checksum (GUE remote checksum offload):
 * unless GSO, the packet no longer asks the device for it.
 */
void ipvs_rs_remcsum_offloaded(struct sk_buff *skb);

/*
 * The checksum of the UDP header at the transport header, for the
 * addresses of ip_hdr(skb): zero when !check, else udp_set_csum()'s.
 */
void ipvs_rs_tunnel_udp_csum(struct sk_buff *skb, bool check);

/*
 * The inner protocol of the GRE header at the transport header
 * (ETH_P_IP), and with csum its checksum as gre_build_header() makes it
 * (by the device, or from the inner checksum the device is to finish);
 * the checksum field must be zero.
 */
void ipvs_rs_tunnel_gre_done(struct sk_buff *skb, bool csum);

/* ip_select_ident(net, skb, NULL) for the header at ip_hdr(skb). */
void ipvs_rs_ip_select_ident(struct net *net, struct sk_buff *skb);

/* skb->ip_summed == CHECKSUM_PARTIAL: the device finishes the checksum. */
bool ipvs_rs_skb_csum_partial(const struct sk_buff *skb);

/*
 * The checksum of the UDP header at offset udphoff from skb->data, from
 * scratch over the rest of the packet with the addresses of ip_hdr(skb),
 * zero sent as CSUM_MANGLED_0; skb->ip_summed becomes CHECKSUM_UNNECESSARY
 * (the "full checksum calculation" of udp_{s,d}nat_handler()). The caller
 * made the header writable. -EINVAL when it is beyond the linear data.
 */
int ipvs_rs_udp_csum(struct sk_buff *skb, unsigned int udphoff);

/* IP_INC_STATS(net, IPSTATS_MIB_INHDRERRORS). */
void ipvs_rs_ip_inc_in_hdr_errors(struct net *net);

/*
 * A timer calling fn(timer) in softirq context: timer_setup(timer, fn, 0).
 * mod_timer(timer, jiffies + delay). timer_shutdown_sync(timer).
 */
void ipvs_rs_timer_setup(struct timer_list *timer,
			 void (*fn)(struct timer_list *));
void ipvs_rs_timer_arm(struct timer_list *timer, unsigned long delay);
void ipvs_rs_timer_shutdown(struct timer_list *timer);

/* nr_cpu_ids, and raw_smp_processor_id(): the CPU running the caller. */
unsigned int ipvs_rs_nr_cpu_ids(void);
unsigned int ipvs_rs_this_cpu(void);

#endif /* IPVS_RS_HELPERS_H */
