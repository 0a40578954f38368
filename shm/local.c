// SPDX-License-Identifier: GPL-2.0
/*
 * Local transport: a region of kernel pages with two ends, the Linux end
 * (xenc net_device) and the peer end (test peer built from cokernel/).
 * A doorbell is an asynchronous IPI, so the receiving side runs with
 * interrupts off exactly as with a real cross-kernel interrupt.  Like an
 * MSI-X vector with an affinity, vector v goes to one fixed CPU, the v-th
 * online one, on both ends: a queue's work stays on one CPU, and the
 * driver steers its transmits there (XPS).  local_irq=next sends every
 * doorbell to the CPU after the sender's instead, to emulate a partner
 * that always runs on other cores.
 */
#include <linux/idr.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>
#include "xenc_shm.h"

/* One vector per queue pair, as many as the ABI allows. */
#define XENC_LOCAL_NVEC		16

static bool xenc_local_irq_next;
module_param_named(local_irq_next, xenc_local_irq_next, bool, 0444);
MODULE_PARM_DESC(local_irq_next,
		 "Local transport: ring the CPU after the sender's, not the vector's");

struct xenc_local_end;

struct xenc_local_vec {
	call_single_data_t csd;
	struct xenc_local_end *end;
	u32 vector;
};

struct xenc_local_end {
	struct xenc_shm shm;
	struct xenc_local *lr;
	unsigned long pending;		/* vectors with an IPI in flight */
	struct xenc_local_vec vec[XENC_LOCAL_NVEC];
};

struct xenc_local {
	struct kref ref;
	struct list_head node;		/* on xenc_local_list, under RTNL */
	int id;
	bool peer_attached;
	void *mem;
	struct xenc_local_end end[2];	/* 0: Linux, 1: peer */
};

static LIST_HEAD(xenc_local_list);
static DEFINE_IDA(xenc_local_ida);
static const struct xenc_local_peer_ops *xenc_local_peer;

static struct xenc_local_end *xenc_local_end_of(struct xenc_shm *shm)
{
	return container_of(shm, struct xenc_local_end, shm);
}

static void xenc_local_ipi(void *info)
{
	struct xenc_local_vec *v = info;
	struct xenc_local_end *e = v->end;
	xenc_doorbell_fn fn;

	/* Clear first: a kick racing with the handler must send a new IPI. */
	clear_bit(v->vector, &e->pending);
	/* The handler's reads of the rings come after the clear. */
	smp_mb__after_atomic();
	/* Pairs with the release in xenc_shm_bind(): ctx is set. */
	fn = smp_load_acquire(&e->shm.handler);
	if (fn)
		fn(READ_ONCE(e->shm.ctx), v->vector);
}

static void xenc_local_kick(struct xenc_shm *shm, u32 vector)
{
	struct xenc_local_end *self = xenc_local_end_of(shm);
	struct xenc_local_end *other = &self->lr->end[self == &self->lr->end[0]];
	unsigned int cpu;

	/* Coalesce like a level interrupt while one is still in flight. */
	if (test_and_set_bit(vector, &other->pending))
		return;
	if (xenc_local_irq_next) {
		cpu = cpumask_next(raw_smp_processor_id(), cpu_online_mask);
		if (cpu >= nr_cpu_ids)
			cpu = cpumask_first(cpu_online_mask);
	} else {
		/* The sender's own CPU runs the handler at once. */
		cpu = cpumask_local_spread(vector, NUMA_NO_NODE);
	}
	if (smp_call_function_single_async(cpu, &other->vec[vector].csd))
		clear_bit(vector, &other->pending);
}

static void xenc_local_wait_idle(struct xenc_local_end *e)
{
	while (READ_ONCE(e->pending))
		cpu_relax();
}

/*
 * Handlers run with IRQs off, so a grace period waits them out.
 * synchronize_net() expedites it under RTNL, where a slow one would stall
 * every other link change; the last put may also come without RTNL.
 */
static void xenc_local_unbind(struct xenc_shm *shm)
{
	xenc_local_wait_idle(xenc_local_end_of(shm));
	synchronize_net();
}

static void xenc_local_free(struct kref *ref)
{
	struct xenc_local *lr = container_of(ref, struct xenc_local, ref);

	/* A last kick from either end may still be in flight. */
	xenc_local_wait_idle(&lr->end[0]);
	xenc_local_wait_idle(&lr->end[1]);
	synchronize_net();
	ida_free(&xenc_local_ida, lr->id);
	vfree(lr->mem);
	kfree(lr);
}

static void xenc_local_put(struct xenc_shm *shm)
{
	kref_put(&xenc_local_end_of(shm)->lr->ref, xenc_local_free);
}

static const struct xenc_shm_ops xenc_local_ops = {
	.kick = xenc_local_kick,
	.unbind = xenc_local_unbind,
	.put = xenc_local_put,
};

static int xenc_local_attach_peer(struct xenc_local *lr)
{
	int err;

	if (!xenc_local_peer || lr->peer_attached)
		return 0;
	kref_get(&lr->ref);
	err = xenc_local_peer->attach(&lr->end[1].shm);
	if (err) {
		kref_put(&lr->ref, xenc_local_free);
		return err;
	}
	lr->peer_attached = true;
	return 0;
}

static void xenc_local_detach_peer(struct xenc_local *lr,
				   struct list_head *kill)
{
	if (!lr->peer_attached)
		return;
	lr->peer_attached = false;
	/* The peer drops its reference through shm->ops->put. */
	xenc_local_peer->detach(&lr->end[1].shm, kill);
}

/* Create a region and, if a test peer is loaded, attach it.  Under RTNL. */
struct xenc_local *xenc_local_create(u64 size, bool with_peer,
				     struct netlink_ext_ack *ext)
{
	struct xenc_local *lr;
	int i, v, err;

	ASSERT_RTNL();
	lr = kzalloc(sizeof(*lr), GFP_KERNEL);
	if (!lr)
		return ERR_PTR(-ENOMEM);
	lr->mem = vzalloc(size);
	lr->id = ida_alloc(&xenc_local_ida, GFP_KERNEL);
	if (!lr->mem || lr->id < 0) {
		err = lr->id < 0 ? lr->id : -ENOMEM;
		NL_SET_ERR_MSG(ext, "xenc: cannot allocate local region");
		goto err_free;
	}
	kref_init(&lr->ref);
	for (i = 0; i < 2; i++) {
		struct xenc_local_end *e = &lr->end[i];

		e->lr = lr;
		e->shm.ops = &xenc_local_ops;
		e->shm.transport = "local";
		snprintf(e->shm.id, sizeof(e->shm.id), "local:%d", lr->id);
		e->shm.base = lr->mem;
		e->shm.size = size;
		e->shm.nvec = XENC_LOCAL_NVEC;
		e->shm.spread_vectors = !xenc_local_irq_next;
		for (v = 0; v < XENC_LOCAL_NVEC; v++) {
			e->vec[v].end = e;
			e->vec[v].vector = v;
			INIT_CSD(&e->vec[v].csd, xenc_local_ipi, &e->vec[v]);
		}
	}
	list_add_tail(&lr->node, &xenc_local_list);
	err = with_peer ? xenc_local_attach_peer(lr) : 0;
	if (err) {
		NL_SET_ERR_MSG(ext, "xenc: test peer failed to attach");
		list_del(&lr->node);
		goto err_free;
	}
	return lr;

err_free:
	if (lr->id >= 0)
		ida_free(&xenc_local_ida, lr->id);
	vfree(lr->mem);
	kfree(lr);
	return ERR_PTR(err);
}
EXPORT_SYMBOL_GPL(xenc_local_create);

struct xenc_shm *xenc_local_linux_end(struct xenc_local *lr)
{
	return &lr->end[0].shm;
}
EXPORT_SYMBOL_GPL(xenc_local_linux_end);

/* For in-kernel tests that play the peer themselves: a counted reference. */
struct xenc_shm *xenc_local_get_peer_end(struct xenc_local *lr)
{
	kref_get(&lr->ref);
	return &lr->end[1].shm;
}
EXPORT_SYMBOL_GPL(xenc_local_get_peer_end);

/*
 * Unlist the region and detach its peer (devices queued on @kill).  The
 * Linux end keeps its reference until it calls xenc_shm_put().  Under RTNL.
 */
void xenc_local_destroy(struct xenc_local *lr, struct list_head *kill)
{
	ASSERT_RTNL();
	list_del(&lr->node);
	xenc_local_detach_peer(lr, kill);
}
EXPORT_SYMBOL_GPL(xenc_local_destroy);

int xenc_local_register_peer(const struct xenc_local_peer_ops *ops)
{
	struct xenc_local *lr;
	int err = 0;

	rtnl_lock();
	if (xenc_local_peer) {
		err = -EBUSY;
		goto out;
	}
	xenc_local_peer = ops;
	list_for_each_entry(lr, &xenc_local_list, node) {
		err = xenc_local_attach_peer(lr);
		if (err)
			break;
	}
	if (err) {
		LIST_HEAD(kill);

		list_for_each_entry(lr, &xenc_local_list, node)
			xenc_local_detach_peer(lr, &kill);
		unregister_netdevice_many(&kill);
		xenc_local_peer = NULL;
	}
out:
	rtnl_unlock();
	return err;
}
EXPORT_SYMBOL_GPL(xenc_local_register_peer);

void xenc_local_unregister_peer(const struct xenc_local_peer_ops *ops)
{
	struct xenc_local *lr;

	LIST_HEAD(kill);

	rtnl_lock();
	if (xenc_local_peer == ops) {
		list_for_each_entry(lr, &xenc_local_list, node)
			xenc_local_detach_peer(lr, &kill);
		unregister_netdevice_many(&kill);
		xenc_local_peer = NULL;
	}
	rtnl_unlock();
}
EXPORT_SYMBOL_GPL(xenc_local_unregister_peer);

void xenc_local_exit(void)
{
	WARN_ON(!list_empty(&xenc_local_list));
	ida_destroy(&xenc_local_ida);
}
