// SPDX-License-Identifier: GPL-2.0
/*
 * C shims for the Rust IPVS core; the contracts are in helpers.h.
 */
#include <linux/capability.h>
#include <net/gso.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <linux/timer.h>
#include <net/icmp.h>
#include <net/ip.h>
#include <net/gre.h>
#include <net/ip_tunnels.h>
#include <net/udp.h>
#include <net/route.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <net/netfilter/nf_conntrack.h>
#include <linux/kmod.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/ip6_route.h>
#include <net/netlink.h>
#include <linux/proc_fs.h>
#include <linux/seq_file_net.h>
#include <linux/netdevice.h>
#include <linux/sockptr.h>
#include <linux/user_namespace.h>
#include <net/netns/generic.h>
#include <net/sock.h>

#include "helpers.h"

/*
 * The scheduler registry, written in Rust (src/ffi/sched.rs), exported to
 * the scheduler modules. The table is opaque to C.
 */
struct ip_vs_rs_scheduler;
int ip_vs_rs_register_scheduler(const struct ip_vs_rs_scheduler *ops);
int ip_vs_rs_unregister_scheduler(const struct ip_vs_rs_scheduler *ops);
EXPORT_SYMBOL_GPL(ip_vs_rs_register_scheduler);
EXPORT_SYMBOL_GPL(ip_vs_rs_unregister_scheduler);

/*
 * The persistence engine registry, written in Rust (src/ffi/pe.rs),
 * exported to the engine modules. The table is opaque to C.
 */
struct ip_vs_rs_pe;
int ip_vs_rs_register_pe(const struct ip_vs_rs_pe *ops);
int ip_vs_rs_unregister_pe(const struct ip_vs_rs_pe *ops);
EXPORT_SYMBOL_GPL(ip_vs_rs_register_pe);
EXPORT_SYMBOL_GPL(ip_vs_rs_unregister_pe);

void *ipvs_rs_net_generic(const struct net *net, unsigned int id)
{
	return net_generic(net, id);
}

bool ipvs_rs_net_in_init_user_ns(const struct net *net)
{
	return net->user_ns == &init_user_ns;
}

struct net *ipvs_rs_sock_net(const struct sock *sk)
{
	return sock_net(sk);
}

struct net *ipvs_rs_genl_info_net(const struct genl_info *info)
{
	return genl_info_net(info);
}

struct net *ipvs_rs_dump_net(const struct sk_buff *skb)
{
	return sock_net(skb->sk);
}

u8 ipvs_rs_genl_info_cmd(const struct genl_info *info)
{
	return info->genlhdr->cmd;
}

bool ipvs_rs_sk_net_admin(const struct sock *sk)
{
	return ns_capable(sock_net(sk)->user_ns, CAP_NET_ADMIN);
}

struct sk_buff *ipvs_rs_nlmsg_new(void)
{
	return nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
}

void ipvs_rs_nlmsg_free(struct sk_buff *skb)
{
	nlmsg_free(skb);
}

void *ipvs_rs_genlmsg_put_reply(struct sk_buff *skb, struct genl_info *info,
				const struct genl_family *family, u8 cmd)
{
	return genlmsg_put_reply(skb, info, family, 0, cmd);
}

void ipvs_rs_genlmsg_end(struct sk_buff *skb, void *hdr)
{
	genlmsg_end(skb, hdr);
}

int ipvs_rs_genlmsg_reply(struct sk_buff *skb, struct genl_info *info)
{
	return genlmsg_reply(skb, info);
}

u8 ipvs_rs_dump_cmd(struct netlink_callback *cb)
{
	return genl_dumpit_info(cb)->op.cmd;
}

const u8 *ipvs_rs_dump_request(struct netlink_callback *cb, u32 *len)
{
	/* genl_rcv_msg() refused requests too short for the header. */
	*len = nlmsg_len(cb->nlh) - GENL_HDRLEN;
	return (const u8 *)nlmsg_data(cb->nlh) + GENL_HDRLEN;
}

unsigned int ipvs_rs_skb_len(const struct sk_buff *skb)
{
	return skb->len;
}

void *ipvs_rs_genlmsg_put_dump(struct sk_buff *skb, struct netlink_callback *cb,
			       u8 cmd)
{
	return genlmsg_put(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
			   genl_info_dump(cb)->family, NLM_F_MULTI, cmd);
}

void ipvs_rs_genlmsg_cancel(struct sk_buff *skb, void *hdr)
{
	genlmsg_cancel(skb, hdr);
}

struct nlattr *ipvs_rs_nla_nest_start(struct sk_buff *skb, int type)
{
	return nla_nest_start_noflag(skb, type);
}

void ipvs_rs_nla_nest_end(struct sk_buff *skb, struct nlattr *nest)
{
	nla_nest_end(skb, nest);
}

void ipvs_rs_nla_nest_cancel(struct sk_buff *skb, struct nlattr *nest)
{
	nla_nest_cancel(skb, nest);
}

u64 ipvs_rs_totalram_bytes(void)
{
	return (u64)totalram_pages() << PAGE_SHIFT;
}

struct proc_dir_entry *ipvs_rs_net_proc_net(const struct net *net)
{
	return net->proc_net;
}

struct net *ipvs_rs_seq_file_single_net(struct seq_file *seq)
{
	return seq_file_single_net(seq);
}

bool ipvs_rs_try_module_get(struct module *mod)
{
	return try_module_get(mod);
}

int ipvs_rs_request_scheduler(const char *name)
{
	return request_module("ip_vs_%s", name);
}

int ipvs_rs_request_pe(const char *name)
{
	return request_module("ip_vs_pe_%s", name);
}

bool ipvs_rs_addr_is_local_v6(struct net *net, const u8 *addr)
{
	struct flowi6 fl6 = {};
	struct dst_entry *dst;
	bool is_local;

	memcpy(&fl6.daddr, addr, sizeof(fl6.daddr));
	dst = ip6_route_output(net, NULL, &fl6);
	is_local = !dst->error && dst->dev && (dst->dev->flags & IFF_LOOPBACK);
	dst_release(dst);
	return is_local;
}

bool ipvs_rs_use_count_inc(void)
{
	return try_module_get(THIS_MODULE);
}

void ipvs_rs_use_count_dec(void)
{
	module_put(THIS_MODULE);
}

int ipvs_rs_copy_from_sockptr(void *dst, sockptr_t src, size_t size)
{
	return copy_from_sockptr(dst, src, size) ? -EFAULT : 0;
}

bool ipvs_rs_dev_name_exists(struct net *net, const char *name)
{
	bool found;

	rcu_read_lock();
	found = dev_get_by_name_rcu(net, name) != NULL;
	rcu_read_unlock();
	return found;
}

int ipvs_rs_skb_network_offset(const struct sk_buff *skb)
{
	return skb_network_offset(skb);
}

u32 ipvs_rs_skb_mark(const struct sk_buff *skb)
{
	return skb->mark;
}

u8 ipvs_rs_skb_pkt_type(const struct sk_buff *skb)
{
	return skb->pkt_type;
}

bool ipvs_rs_skb_ipvs_property(const struct sk_buff *skb)
{
	return skb->ipvs_property;
}

void ipvs_rs_skb_set_ipvs_property(struct sk_buff *skb)
{
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	enum ip_conntrack_info ctinfo;
#endif

	skb->ipvs_property = 1;
#if IS_ENABLED(CONFIG_NF_CONNTRACK)
	/* No connection asks conntrack to follow it (IP_VS_CONN_F_NFCT). */
	if (nf_ct_get(skb, &ctinfo)) {
		nf_reset_ct(skb);
		nf_ct_set(skb, NULL, IP_CT_UNTRACKED);
	}
#endif
}

bool ipvs_rs_skb_exceeds_mtu(const struct sk_buff *skb, unsigned int mtu)
{
	if (skb->len <= mtu)
		return false;
	if (skb_is_gso(skb) && skb_gso_validate_network_len(skb, mtu))
		return false;
	return true;
}

int ipvs_rs_csum_replace4(struct sk_buff *skb, unsigned int check_off,
			  __be32 from, __be32 to, bool pseudohdr)
{
	if (check_off + 2 > skb_headlen(skb))
		return -EINVAL;
	inet_proto_csum_replace4((__sum16 *)(skb->data + check_off), skb,
				 from, to, pseudohdr);
	return 0;
}

int ipvs_rs_csum_replace2(struct sk_buff *skb, unsigned int check_off,
			  __be16 from, __be16 to, bool pseudohdr)
{
	if (check_off + 2 > skb_headlen(skb))
		return -EINVAL;
	inet_proto_csum_replace2((__sum16 *)(skb->data + check_off), skb,
				 from, to, pseudohdr);
	return 0;
}

void ipvs_rs_ip_send_check(struct sk_buff *skb)
{
	ip_send_check(ip_hdr(skb));
}

struct rtable *ipvs_rs_route_output4(struct net *net, __be32 daddr,
				     bool known_nh, __be32 *saddr)
{
	struct flowi4 fl4 = {
		.daddr = daddr,
		.flowi4_flags = known_nh ? FLOWI_FLAG_KNOWN_NH : 0,
	};
	struct rtable *rt = ip_route_output_key(net, &fl4);

	if (IS_ERR(rt))
		return NULL;
	*saddr = fl4.saddr;
	return rt;
}

bool ipvs_rs_rt_is_local(const struct rtable *rt)
{
	return rt->rt_flags & RTCF_LOCAL;
}

unsigned int ipvs_rs_rt_mtu(const struct rtable *rt)
{
	return dst_mtu(&rt->dst);
}

void ipvs_rs_rt_put(struct rtable *rt)
{
	ip_rt_put(rt);
}

void ipvs_rs_rt_hold(struct rtable *rt)
{
	dst_hold(&rt->dst);
}

bool ipvs_rs_rt_current(struct rtable *rt)
{
	struct dst_entry *dst = &rt->dst;

	/* dst_check() without its indirect-call shortcut, not exported here. */
	return !READ_ONCE(dst->obsolete) || dst->ops->check(dst, 0);
}

void ipvs_rs_skb_set_route(struct sk_buff *skb, struct rtable *rt)
{
	skb_dst_drop(skb);
	skb_dst_set(skb, &rt->dst);
}

int ipvs_rs_route_me_harder(struct net *net, struct sk_buff *skb)
{
	const struct rtable *rt = skb_rtable(skb);

	if (!rt || rt->rt_flags & RTCF_LOCAL)
		return 0;
	return ip_route_me_harder(net, skb->sk, skb, RTN_LOCAL);
}

void ipvs_rs_skb_drop_demux_sk(struct sk_buff *skb)
{
	/* Received (not sent by a socket of this host): the socket is early
	 * demux's, perhaps a TIME-WAIT one, and not for where it goes now.
	 */
	if (skb->dev)
		skb_orphan(skb);
}

void ipvs_rs_send(struct net *net, struct sk_buff *skb)
{
	ipvs_rs_skb_set_ipvs_property(skb);
	skb->ignore_df = 1;
	ipvs_rs_skb_drop_demux_sk(skb);
	if (skb->dev)
		skb_clear_tstamp(skb);
	skb_forward_csum(skb);
	NF_HOOK(NFPROTO_IPV4, NF_INET_LOCAL_OUT, net, NULL, skb, NULL,
		skb_dst(skb)->dev, dst_output);
}

void ipvs_rs_icmp_send(struct sk_buff *skb, u8 type, u8 code, u32 info)
{
	icmp_send(skb, type, code, htonl(info));
}

int ipvs_rs_update_pmtu_at(struct sk_buff *skb, struct net *net, unsigned int off,
			   unsigned int hlen, u32 mtu)
{
	int at = skb_network_offset(skb) + off;

	if (at < 0 || !pskb_may_pull(skb, at + hlen))
		return -EINVAL;
	/* ipv4_update_pmtu() reads the header at skb->data. */
	__skb_pull(skb, at);
	ipv4_update_pmtu(skb, net, mtu, 0, 0);
	__skb_push(skb, at);
	return 0;
}

int ipvs_rs_icmp_send_inner(struct sk_buff *skb, unsigned int off, unsigned int hlen,
			    u8 type, u8 code, u32 info)
{
	int err = -EINVAL;

	if (!pskb_pull(skb, skb_network_offset(skb) + off))
		goto out;
	skb_reset_network_header(skb);
	memset(&IPCB(skb)->opt, 0, sizeof(IPCB(skb)->opt));
	if (!pskb_may_pull(skb, hlen))
		goto out;
	skb_set_transport_header(skb, hlen);
	/* Revalidated once in the linear part, as C does. */
	if (ip_hdr(skb)->ihl * 4 != hlen)
		goto out;
	icmp_send(skb, type, code, htonl(info));
	err = 0;
out:
	consume_skb(skb);
	return err;
}

void ipvs_rs_consume(struct sk_buff *skb)
{
	consume_skb(skb);
}

bool ipvs_rs_icmp_csum_ok(struct sk_buff *skb, unsigned int toff)
{
	if (skb_csum_unnecessary(skb) || !skb->dev)
		return true;
	/* Validated as on LOCAL_IN, also in FORWARD. */
	return !nf_checksum(skb, NF_INET_LOCAL_IN, toff, IPPROTO_ICMP, AF_INET);
}

int ipvs_rs_icmp_csum_set(struct sk_buff *skb, unsigned int toff)
{
	struct icmphdr *icmph;

	if (toff + sizeof(*icmph) > skb_headlen(skb))
		return -EINVAL;
	icmph = (struct icmphdr *)(skb->data + toff);
	icmph->checksum = 0;
	icmph->checksum = csum_fold(skb_checksum(skb, toff, skb->len - toff, 0));
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return 0;
}

int ipvs_rs_tunnel_push(struct sk_buff *skb, const struct rtable *rt,
			unsigned int encap_len, int gso_type)
{
	struct net_device *dev = rt->dst.dev;
	unsigned int room = LL_RESERVED_SPACE(dev) + sizeof(struct iphdr) + encap_len;
	int err;

	err = skb_cow_head(skb, room);
	if (err)
		return err;
	err = iptunnel_handle_offloads(skb, gso_type);
	if (err)
		return err;
	skb_set_transport_header(skb, skb_network_offset(skb));
	skb_set_inner_ipproto(skb, IPPROTO_IPIP);
	skb_set_inner_mac_header(skb, skb_inner_network_offset(skb));
	skb_push(skb, encap_len);
	skb_reset_transport_header(skb);
	skb_push(skb, sizeof(struct iphdr));
	skb_reset_network_header(skb);
	memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
	return 0;
}

__be16 ipvs_rs_udp_flow_src_port(struct net *net, struct sk_buff *skb)
{
	return udp_flow_src_port(net, skb, 0, 0, false);
}

int ipvs_rs_csum_partial_at(const struct sk_buff *skb, u16 *start, u16 *offset)
{
	long from_net;

	if (skb->ip_summed != CHECKSUM_PARTIAL)
		return -ENOENT;
	from_net = skb_checksum_start(skb) - skb_network_header(skb);
	if (from_net < 0 || from_net > U16_MAX)
		return -EINVAL;
	*start = from_net;
	*offset = skb->csum_offset;
	return 0;
}

void ipvs_rs_remcsum_offloaded(struct sk_buff *skb)
{
	if (!skb_is_gso(skb)) {
		skb->ip_summed = CHECKSUM_NONE;
		skb->encapsulation = 0;
	}
}

void ipvs_rs_tunnel_udp_csum(struct sk_buff *skb, bool check)
{
	const struct iphdr *iph = ip_hdr(skb);

	udp_set_csum(!check, skb, iph->saddr, iph->daddr,
		     skb->len - skb_transport_offset(skb));
}

void ipvs_rs_tunnel_gre_done(struct sk_buff *skb, bool csum)
{
	__sum16 *check = (__sum16 *)(skb_transport_header(skb) + sizeof(struct gre_base_hdr));

	skb_set_inner_protocol(skb, htons(ETH_P_IP));
	if (!csum || skb_shinfo(skb)->gso_type & (SKB_GSO_GRE | SKB_GSO_GRE_CSUM))
		return;
	if (skb->ip_summed == CHECKSUM_PARTIAL) {
		*check = csum_fold(lco_csum(skb));
	} else {
		skb->ip_summed = CHECKSUM_PARTIAL;
		skb->csum_start = skb_transport_header(skb) - skb->head;
		skb->csum_offset = sizeof(struct gre_base_hdr);
	}
}

void ipvs_rs_ip_select_ident(struct net *net, struct sk_buff *skb)
{
	ip_select_ident(net, skb, NULL);
}

bool ipvs_rs_skb_csum_partial(const struct sk_buff *skb)
{
	return skb->ip_summed == CHECKSUM_PARTIAL;
}

int ipvs_rs_udp_csum(struct sk_buff *skb, unsigned int udphoff)
{
	const struct iphdr *iph = ip_hdr(skb);
	struct udphdr *udph;

	if (udphoff > skb->len || udphoff + sizeof(*udph) > skb_headlen(skb))
		return -EINVAL;
	udph = (struct udphdr *)(skb->data + udphoff);
	udph->check = 0;
	skb->csum = skb_checksum(skb, udphoff, skb->len - udphoff, 0);
	udph->check = csum_tcpudp_magic(iph->saddr, iph->daddr,
					skb->len - udphoff, IPPROTO_UDP,
					skb->csum);
	if (!udph->check)
		udph->check = CSUM_MANGLED_0;
	skb->ip_summed = CHECKSUM_UNNECESSARY;
	return 0;
}

void ipvs_rs_ip_inc_in_hdr_errors(struct net *net)
{
	IP_INC_STATS(net, IPSTATS_MIB_INHDRERRORS);
}

void ipvs_rs_timer_setup(struct timer_list *timer,
			 void (*fn)(struct timer_list *))
{
	timer_setup(timer, fn, 0);
}

void ipvs_rs_timer_arm(struct timer_list *timer, unsigned long delay)
{
	mod_timer(timer, jiffies + delay);
}

void ipvs_rs_timer_shutdown(struct timer_list *timer)
{
	timer_shutdown_sync(timer);
}

unsigned int ipvs_rs_nr_cpu_ids(void)
{
	return nr_cpu_ids;
}

unsigned int ipvs_rs_this_cpu(void)
{
	return raw_smp_processor_id();
}
