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
	for (q = 0; priv->live && q < priv->num_queues; q++) {
		seq_printf(m, "queue %u vector %u\n", q, priv->queues[q].vector);
		xenc_dbg_ring(m, "tx(l2p)", &priv->queues[q].tx);
		xenc_dbg_ring(m, "rx(p2l)", &priv->queues[q].rx);
	}
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(xenc_dbg_state);

void xenc_debugfs_add(struct xenc_priv *priv)
{
	priv->dbg = debugfs_create_dir(priv->shm->id, xenc_dbg_root);
	debugfs_create_file("state", 0400, priv->dbg, priv,
			    &xenc_dbg_state_fops);
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
