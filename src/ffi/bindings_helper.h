/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The C API this module binds to: bindgen reads this file (see src/Kbuild).
 * Only the items named in bindgen_parameters are generated.
 */
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <linux/ip_vs.h>
#include <linux/module.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/sysctl.h>
#include <linux/jiffies.h>
#include <linux/inetdevice.h>
#include <net/genetlink.h>
#include <net/route.h>
#include <linux/skbuff.h>
#include <linux/timer.h>
#include <linux/if_packet.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include "helpers.h"
