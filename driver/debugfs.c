// SPDX-License-Identifier: GPL-2.0
/*
 * debugfs: /sys/kernel/debug/xenc/<region>/state, one dump of the
 * handshake, the peer's advertised capabilities and every queue's indices,
 * for operators chasing a stuck or faulty peer.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "xenc.h"

static struct dentry *xenc_dbg_root;

static void xenc_dbg_ring(struct seq_file *m, const char *name,
			  const struct xenc_ring *r)
{
	const struct xenc_ring_hdr *h = r->hdr;

	if (!h)
		return;
	/* Shared fields are shown as read now: the peer may be lying. */
	seq_printf(m, "  %s: slots %u head %u pub %u snap %u fault %u | shared prod %u cons %u cons_event %u prod_event %u flags %#x/%#x\n",
		   name, r->slots, r->head, r->pub, r->snap, r->fault,
		   READ_ONCE(h->prod), READ_ONCE(h->cons),
		   READ_ONCE(h->cons_event), READ_ONCE(h->prod_event),
		   READ_ONCE(h->cons_flags), READ_ONCE(h->prod_flags));
}

static void xenc_dbg_features(struct seq_file *m, const char *name, u64 f)
{
	static const char * const names[] = { "csum", "gso", "mq", "quiesce" };
	unsigned int i;

	seq_printf(m, "%s:", name);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (f & BIT_ULL(i))
			seq_printf(m, " %s", names[i]);
	seq_puts(m, "\n");
}

static void xenc_dbg_queue(struct seq_file *m, struct xenc_queue *q)
{
	struct netdev_queue *txq = netdev_get_tx_queue(q->priv->dev, q->index);

	seq_printf(m, "queue %u vector %u txq %s%s stop/wake below/at %u/%u free slots, %u frames unkicked, %lld doorbells received\n",
		   q->index, q->vector,
		   netif_tx_queue_stopped(txq) ? "stopped" : "running",
		   netif_xmit_stopped(txq) && !netif_tx_queue_stopped(txq) ?
		   " (bql)" : "", READ_ONCE(q->stop_slots),
		   READ_ONCE(q->wake_slots), READ_ONCE(q->tx_unkicked),
		   atomic64_read(&q->doorbells));
	xenc_dbg_ring(m, "tx(l2p)", &q->tx);
	xenc_dbg_ring(m, "rx(p2l)", &q->rx);
}

static int xenc_dbg_state_show(struct seq_file *m, void *v)
{
	struct xenc_priv *priv = m->private;
	const struct xenc_host *h = &priv->host;
	const struct xenc_peer_snap *p = &h->peer;
	u32 q;

	/*
	 * No RTNL: removal (under RTNL) waits for readers.  Values may be
	 * mid-update; the region itself stays mapped as long as the device.
	 */
	seq_printf(m, "device %s transport %s region %s size %llu\n",
		   netdev_name(priv->dev), priv->shm->transport, priv->shm->id,
		   priv->shm->size);
	seq_printf(m, "linux: state %u generation %u features %#llx negotiated %#llx flags %#x live %d reason \"%s\"\n",
		   h->state, h->generation, h->features, h->negotiated,
		   h->flags, priv->live, xenc_reason_str(priv->reason));
	seq_printf(m, "peer: state %u generation %u abi %u.%u features %#llx max_queues %u max_frame %u flags %#x fault %u cookie %#x heartbeat %llu stale %u\n",
		   p->state, p->generation, p->abi_major, p->abi_minor,
		   p->features, p->max_queues, p->max_frame, p->flags,
		   p->fault, p->cookie, p->heartbeat, h->peer_hb_stale);
	seq_printf(m, "layout: queues %u slot %u max_frame %u l2p %u p2l %u\n",
		   h->layout.num_queues, h->layout.slot_size,
		   h->layout.max_frame, h->layout.l2p_slots,
		   h->layout.p2l_slots);
	xenc_dbg_features(m, "linux features", h->features);
	xenc_dbg_features(m, "peer features", p->features);
	xenc_dbg_features(m, "negotiated", h->negotiated);
	seq_printf(m, "peer polling %s, linux polling %s\n",
		   p->flags & XENC_PEER_F_POLLING ? "yes" : "no",
		   READ_ONCE(priv->polling) ? "yes" : "no");
	for (q = 0; priv->live && q < priv->num_queues; q++)
		xenc_dbg_queue(m, &priv->queues[q]);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xenc_dbg_state);

void xenc_debugfs_add(struct xenc_priv *priv)
{
	priv->dbg = debugfs_create_dir(priv->shm->id, xenc_dbg_root);
	debugfs_create_file("state", 0400, priv->dbg, priv,
			    &xenc_dbg_state_fops);
	/* Fault injection: the next N receive allocations fail. */
	debugfs_create_atomic_t("fail_rx_alloc", 0600, priv->dbg,
				&priv->fail_rx_alloc);
}

void xenc_debugfs_del(struct xenc_priv *priv)
{
	debugfs_remove(priv->dbg);
	priv->dbg = NULL;
}

void xenc_debugfs_init(void)
{
	xenc_dbg_root = debugfs_create_dir("xenc", NULL);
}

void xenc_debugfs_exit(void)
{
	debugfs_remove(xenc_dbg_root);
}
