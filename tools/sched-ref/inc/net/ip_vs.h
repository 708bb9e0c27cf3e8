/* The parts of include/net/ip_vs.h the schedulers use, for a host build. */
#ifndef FAKE_IP_VS_H
#define FAKE_IP_VS_H
#include "kbase.h"
#include <linux/hash.h>

#define CONFIG_IP_VS_IPV6 1
#define CONFIG_SYSCTL 1
#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif
#ifndef IPPROTO_TCP
#define IPPROTO_TCP 6
#endif
#ifndef IPPROTO_UDP
#define IPPROTO_UDP 17
#endif
#ifndef IPPROTO_SCTP
#define IPPROTO_SCTP 132
#endif
#define ENOMEM 12
#define EINVAL 22
#define ENOENT 2

#define IP_VS_DEST_F_AVAILABLE 0x0001
#define IP_VS_DEST_F_OVERLOAD 0x0002
#define IP_VS_DEST_CF_AVAILABLE 0x0001
#define IP_VS_SVC_F_SCHED1 0x0008
#define IP_VS_SVC_F_SCHED2 0x0010
#define IP_VS_SVC_F_SCHED3 0x0020
#define IP_VS_SVC_F_SCHED_SH_FALLBACK IP_VS_SVC_F_SCHED1
#define IP_VS_SVC_F_SCHED_SH_PORT IP_VS_SVC_F_SCHED2

union nf_inet_addr { __u32 all[4]; __be32 ip; __be32 ip6[4]; };

struct net { struct user_namespace *user_ns; };
extern struct net init_net;
static inline int net_eq(const struct net *a, const struct net *b) { return a == b; }
struct pernet_operations { int (*init)(struct net *); void (*exit)(struct net *); };
static inline int register_pernet_subsys(struct pernet_operations *o) { (void)o; return 0; }
static inline void unregister_pernet_subsys(struct pernet_operations *o) { (void)o; }
static inline struct ctl_table_header *register_net_sysctl_sz(struct net *n, const char *p, struct ctl_table *t, size_t s)
{ (void)n; (void)p; (void)t; (void)s; return NULL; }
static inline void unregister_net_sysctl_table(struct ctl_table_header *h) { (void)h; }

struct netns_ipvs {
	int sysctl_lblc_expiration;
	struct ctl_table_header *lblc_ctl_header;
	struct ctl_table *lblc_ctl_table;
	int sysctl_lblcr_expiration;
	struct ctl_table_header *lblcr_ctl_header;
	struct ctl_table *lblcr_ctl_table;
};
static inline struct netns_ipvs *net_ipvs(struct net *n) { (void)n; return NULL; }

struct ip_vs_dest {
	struct list_head n_list;
	u16 af;
	__be16 port;
	union nf_inet_addr addr;
	volatile unsigned int flags;
	atomic_t weight;
	unsigned long cflags;
	atomic_t last_weight;
	refcount_t refcnt;
	atomic_t activeconns;
	atomic_t totalconns;
	int id; /* harness only */
};

struct ip_vs_service;
struct sk_buff { u16 ports[2]; int has_ports; };
struct ip_vs_iphdr {
	int hdr_flags;
	int len;
	__u16 protocol;
	union nf_inet_addr saddr;
	union nf_inet_addr daddr;
};
#define IP_VS_HDR_INVERSE 1
static inline bool ip_vs_iph_inverse(const struct ip_vs_iphdr *iph) { return iph->hdr_flags & IP_VS_HDR_INVERSE; }
static inline void *skb_header_pointer(const struct sk_buff *skb, int off, int len, void *buf)
{ (void)off; if (!skb->has_ports) return NULL; memcpy(buf, skb->ports, len); return buf; }

struct ip_vs_scheduler {
	struct list_head n_list;
	char *name;
	atomic_t refcnt;
	void *module;
	int (*init_service)(struct ip_vs_service *svc);
	void (*done_service)(struct ip_vs_service *svc);
	int (*add_dest)(struct ip_vs_service *svc, struct ip_vs_dest *dest);
	int (*del_dest)(struct ip_vs_service *svc, struct ip_vs_dest *dest);
	int (*upd_dest)(struct ip_vs_service *svc, struct ip_vs_dest *dest);
	struct ip_vs_dest *(*schedule)(struct ip_vs_service *svc, const struct sk_buff *skb, struct ip_vs_iphdr *iph);
};

struct ip_vs_service {
	u16 af;
	unsigned int flags;
	struct list_head destinations;
	__u32 num_dests;
	struct ip_vs_scheduler *scheduler;
	spinlock_t sched_lock;
	void *sched_data;
	struct netns_ipvs *ipvs;
};

static inline int register_ip_vs_scheduler(struct ip_vs_scheduler *s) { (void)s; return 0; }
static inline int unregister_ip_vs_scheduler(struct ip_vs_scheduler *s) { (void)s; return 0; }
extern char last_err[128];
static inline void ip_vs_scheduler_err(struct ip_vs_service *svc, const char *msg)
{ (void)svc; snprintf(last_err, sizeof(last_err), "%s", msg); }
#define IP_VS_DBG(...) do { } while (0)
#define IP_VS_DBG_BUF(...) do { } while (0)
#define IP_VS_DBG_ADDR(af, a) ""
static inline void ip_vs_dest_hold(struct ip_vs_dest *d) { d->refcnt.refs++; }
static inline void ip_vs_dest_put(struct ip_vs_dest *d) { d->refcnt.refs--; }
static inline void ip_vs_dest_put_and_free(struct ip_vs_dest *d) { d->refcnt.refs--; }
static inline int ip_vs_addr_equal(int af, const union nf_inet_addr *a, const union nf_inet_addr *b)
{ if (af == AF_INET6) return !memcmp(a, b, 16); return a->ip == b->ip; }
static inline void ip_vs_addr_copy(int af, union nf_inet_addr *d, const union nf_inet_addr *s)
{ if (af == AF_INET6) *d = *s; else d->ip = s->ip; }

static inline int ip_vs_dest_conn_overhead(struct ip_vs_dest *dest)
{ return (atomic_read(&dest->activeconns) << 8) + atomic_read(&dest->totalconns); }
static inline int ip_vs_dest_inactconns(const struct ip_vs_dest *dest)
{ return max(atomic_read(&dest->totalconns) - atomic_read(&dest->activeconns), 0); }
#endif
