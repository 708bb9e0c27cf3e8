/* Minimal host stand-ins for the kernel API the IPVS schedulers use. */
#ifndef KBASE_H
#define KBASE_H
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <arpa/inet.h>

typedef uint8_t u8; typedef uint16_t u16; typedef uint32_t u32; typedef uint64_t u64;
typedef int32_t s32; typedef int64_t s64;
typedef u8 __u8; typedef u16 __u16; typedef u32 __u32; typedef s64 __s64; typedef u64 __u64;
typedef u16 __be16; typedef u32 __be32; typedef u32 __le32; typedef u64 __le64;
#ifndef BITS_PER_LONG
#define BITS_PER_LONG 64
#endif
#undef __always_inline
#define __always_inline inline __attribute__((always_inline))
#define __aligned(x) __attribute__((aligned(x)))
#define __force
#define __rcu
#define __init
#define __exit
#define __net_init
#define __net_exit
#define fallthrough __attribute__((fallthrough))
#define likely(x) (x)
#define unlikely(x) (x)
#define IS_ENABLED(x) (x)
#define IS_ALIGNED(x, a) (((x) & ((a) - 1)) == 0)
#define EXPORT_SYMBOL(x)
#define EXPORT_SYMBOL_GPL(x)
#define MODULE_LICENSE(x)
#define MODULE_DESCRIPTION(x)
#define MODULE_AUTHOR(x)
#define module_init(x)
#define module_exit(x)
#define THIS_MODULE NULL
#define pr_err(...) fprintf(stderr, __VA_ARGS__)
#define BUG_ON(x) do { if (x) abort(); } while (0)
#define min(a, b) ((a) < (b) ? (a) : (b))
#define max(a, b) ((a) > (b) ? (a) : (b))
#define container_of(ptr, type, member) ((type *)((char *)(ptr) - offsetof(type, member)))
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define swap(a, b) do { typeof(a) __t = (a); (a) = (b); (b) = __t; } while (0)

static inline u64 rol64(u64 w, unsigned s) { return (w << s) | (w >> (64 - s)); }
static inline u32 rol32(u32 w, unsigned s) { return (w << s) | (w >> (32 - s)); }
#define le32_to_cpu(x) (x)
#define le64_to_cpu(x) (x)
#define le32_to_cpup(p) (*(const u32 *)(p))
#define le64_to_cpup(p) (*(const u64 *)(p))
#define le16_to_cpup(p) (*(const u16 *)(p))
static inline u64 get_unaligned_le64(const void *p) { u64 v; memcpy(&v, p, 8); return v; }
static inline u32 get_unaligned_le32(const void *p) { u32 v; memcpy(&v, p, 4); return v; }
static inline u16 get_unaligned_le16(const void *p) { u16 v; memcpy(&v, p, 2); return v; }
#define CONFIG_HAVE_EFFICIENT_UNALIGNED_ACCESS 1

/* atomics, refcounts */
typedef struct { int counter; } atomic_t;
#define ATOMIC_INIT(i) { (i) }
#define atomic_read(v) ((v)->counter)
#define atomic_set(v, i) ((v)->counter = (i))
#define atomic_inc(v) ((v)->counter++)
#define atomic_dec(v) ((v)->counter--)
typedef struct { int refs; } refcount_t;
#define refcount_read(r) ((r)->refs)
#define READ_ONCE(x) (x)
#define WRITE_ONCE(x, v) ((x) = (v))

/* locks and RCU: single-threaded host, so nothing to do */
typedef int spinlock_t;
#define spin_lock_bh(l) ((void)(l))
#define spin_unlock_bh(l) ((void)(l))
#define spin_lock(l) ((void)(l))
#define spin_unlock(l) ((void)(l))
#define rcu_dereference(p) (p)
#define rcu_dereference_protected(p, c) (p)
#define RCU_INIT_POINTER(p, v) ((p) = (v))
struct rcu_head { void *unused; };
#define kfree_rcu(p, f) free(p)
#define call_rcu(head, fn) (fn)(head)
#define rcu_barrier()
#define synchronize_rcu()

/* memory */
typedef int gfp_t;
#define GFP_KERNEL 0
#define GFP_ATOMIC 0
extern int fail_alloc; /* when set, the next allocations fail */
static inline void *kzalloc_(size_t n) { if (fail_alloc) return NULL; return calloc(1, n); }
#define kmalloc_obj(o, ...) ((typeof(o) *)kzalloc_(sizeof(o)))
#define kzalloc_obj(o, ...) ((typeof(o) *)kzalloc_(sizeof(o)))
#define kzalloc_objs(o, n, ...) ((typeof(o) *)kzalloc_(sizeof(o) * (n)))
#define kfree(p) free(p)
#define kmemdup(p, n, g) memcpy(malloc(n), p, n)

/* bitmaps */
static inline unsigned long *bitmap_zalloc(unsigned n, gfp_t g) { (void)g; return calloc((n + 63) / 64, 8); }
#define bitmap_free(b) free(b)
static inline int test_bit(int n, const unsigned long *b) { return (b[n / 64] >> (n % 64)) & 1; }
static inline void __set_bit(int n, unsigned long *b) { b[n / 64] |= 1UL << (n % 64); }
static inline int fls(unsigned x) { return x ? 32 - __builtin_clz(x) : 0; }
static inline unsigned long gcd(unsigned long a, unsigned long b)
{ while (b) { unsigned long r = a % b; a = b; b = r; } return a; }

/* lists */
struct list_head { struct list_head *next, *prev; };
#define LIST_HEAD_INIT(n) { &(n), &(n) }
#define LIST_HEAD(n) struct list_head n = LIST_HEAD_INIT(n)
static inline void INIT_LIST_HEAD(struct list_head *l) { l->next = l; l->prev = l; }
static inline void __list_add(struct list_head *n, struct list_head *p, struct list_head *x)
{ x->prev = n; n->next = x; n->prev = p; p->next = n; }
static inline void list_add_rcu(struct list_head *n, struct list_head *h) { __list_add(n, h, h->next); }
static inline void list_add_tail(struct list_head *n, struct list_head *h) { __list_add(n, h->prev, h); }
static inline void list_del_rcu(struct list_head *e)
{ e->next->prev = e->prev; e->prev->next = e->next; e->prev = (void *)0x122; }
static inline int list_empty(const struct list_head *h) { return h->next == h; }
#define list_entry(p, t, m) container_of(p, t, m)
#define list_first_entry(p, t, m) list_entry((p)->next, t, m)
#define list_next_entry(pos, m) list_entry((pos)->m.next, typeof(*(pos)), m)
#define list_entry_is_head(pos, h, m) (&(pos)->m == (h))
#define list_for_each_entry(pos, h, m) \
	for (pos = list_first_entry(h, typeof(*pos), m); !list_entry_is_head(pos, h, m); pos = list_next_entry(pos, m))
#define list_for_each_entry_rcu(pos, h, m) list_for_each_entry(pos, h, m)
#define list_for_each_entry_continue(pos, h, m) \
	for (pos = list_next_entry(pos, m); !list_entry_is_head(pos, h, m); pos = list_next_entry(pos, m))
#define list_for_each_entry_continue_rcu(pos, h, m) list_for_each_entry_continue(pos, h, m)
#define list_for_each_entry_safe(pos, n, h, m) \
	for (pos = list_first_entry(h, typeof(*pos), m), n = list_next_entry(pos, m); \
	     !list_entry_is_head(pos, h, m); pos = n, n = list_next_entry(n, m))

struct hlist_node { struct hlist_node *next, **pprev; };
struct hlist_head { struct hlist_node *first; };
#define INIT_HLIST_HEAD(h) ((h)->first = NULL)
static inline void hlist_add_head_rcu(struct hlist_node *n, struct hlist_head *h)
{ n->next = h->first; n->pprev = &h->first; if (h->first) h->first->pprev = &n->next; h->first = n; }
static inline void hlist_del_rcu(struct hlist_node *n)
{ *n->pprev = n->next; if (n->next) n->next->pprev = n->pprev; }
#define hlist_entry_safe(p, t, m) ({ typeof(p) ____p = (p); ____p ? container_of(____p, t, m) : NULL; })
#define hlist_for_each_entry_rcu(pos, h, m) \
	for (pos = hlist_entry_safe((h)->first, typeof(*pos), m); pos; pos = hlist_entry_safe((pos)->m.next, typeof(*pos), m))
#define hlist_for_each_entry_safe(pos, n, h, m) \
	for (pos = hlist_entry_safe((h)->first, typeof(*pos), m); pos && ({ n = pos->m.next; 1; }); \
	     pos = hlist_entry_safe(n, typeof(*pos), m))

/* time */
#define HZ 100
extern unsigned long jiffies;
#define time_after(a, b) ((long)((b) - (a)) < 0)
#define time_before(a, b) time_after(b, a)
struct timer_list { int unused; };
#define timer_setup(t, f, fl) ((void)(f))
#define mod_timer(t, e) ((void)0)
#define timer_shutdown_sync(t) ((void)0)
#define timer_container_of(var, t, m) container_of(t, typeof(*var), m)

/* random: scripted by the harness */
extern u32 next_random[16];
extern int next_random_i;
static inline u32 get_random_u32_below(u32 ceil)
{ u32 r = next_random[next_random_i++]; if (r >= ceil) { fprintf(stderr, "random %u >= %u\n", r, ceil); abort(); } return r; }

/* sysctl/pernet */
struct ctl_table { const char *procname; void *data; int maxlen; int mode; void *proc_handler; };
struct ctl_table_header { int unused; };
#define proc_dointvec_jiffies NULL
struct user_namespace { int unused; };
extern struct user_namespace init_user_ns;
#endif
