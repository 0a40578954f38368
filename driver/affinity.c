// SPDX-License-Identifier: GPL-2.0
/*
 * Queue affinity: the transport delivers vector v on the (v % ncpus)-th
 * online CPU (xenc_shm.spread_vectors), so queue q transmits from that CPU
 * and, when CPUs outnumber queues, from every CPU i with i % nq == q.  A
 * flow then has its completions and the partner's answers signalled on the
 * CPU that sent it.  With fewer CPUs than queues a CPU owns several queues
 * and XPS spreads its flows over them by hash, so no queue is left idle.
 * Used by the driver and the peer.
 */
#include <linux/cpumask.h>
#include <linux/netdevice.h>
#include <net/sock.h>
#include "xenc_skb.h"

void xenc_set_xps(struct net_device *dev, u32 nq)
{
	unsigned int n = num_online_cpus(), i;
	cpumask_var_t mask;
	u32 q;

	if (!nq || !n || !zalloc_cpumask_var(&mask, GFP_KERNEL))
		return;
	for (q = 0; q < nq && q < dev->real_num_tx_queues; q++) {
		cpumask_clear(mask);
		cpumask_set_cpu(cpumask_local_spread(q % n, NUMA_NO_NODE), mask);
		for (i = q; i < n; i += nq)
			cpumask_set_cpu(cpumask_local_spread(i, NUMA_NO_NODE),
					mask);
		netif_set_xps_queue(dev, mask, q);
	}
	free_cpumask_var(mask);
}
EXPORT_SYMBOL_GPL(xenc_set_xps);

/* The queue of @nq a socket's flow was given, or -1 if none yet. */
int xenc_flow_queue(const struct sk_buff *skb, u32 nq)
{
	int q = sk_tx_queue_get(skb->sk);

	return q >= 0 && nq ? q % nq : -1;
}
EXPORT_SYMBOL_GPL(xenc_flow_queue);

/*
 * Lockless, for the choice of a queue only: whether transmit ring @r held
 * frames the consumer had not taken when its index was last read (each
 * NAPI poll; a new layout starts empty).
 */
bool xenc_tx_ring_busy(const struct xenc_ring *r)
{
	return READ_ONCE(r->head) != READ_ONCE(r->snap);
}
EXPORT_SYMBOL_GPL(xenc_tx_ring_busy);

/*
 * A frame's skb is freed as soon as it is copied into the ring, so TCP's
 * ooo_okay ("none of this socket's skbs left in the host") says nothing of
 * its frames still in the ring.  Moving the flow to another queue then
 * would let the other end's NAPI for that queue, on another CPU, overtake
 * them: the receiver sees reordering and the sender retransmits.  @busy:
 * the flow's queue still has frames the other end has not taken, so the
 * flow stays; once it is drained, the flow may follow its CPU (or a new
 * layout) again.
 */
u16 xenc_pick_tx(struct net_device *dev, struct sk_buff *skb,
		 struct net_device *sb_dev, u32 nq, bool busy)
{
	if (busy)
		skb->ooo_okay = 0;
	return netdev_pick_tx(dev, skb, sb_dev) % max(nq, 1u);
}
EXPORT_SYMBOL_GPL(xenc_pick_tx);
