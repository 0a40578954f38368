// SPDX-License-Identifier: GPL-2.0
/* Transport-independent part of the xenc shm interface. */
#include "xenc_shm.h"

int xenc_shm_bind(struct xenc_shm *shm, xenc_doorbell_fn fn, void *ctx)
{
	WRITE_ONCE(shm->ctx, ctx);
	/* Pairs with the READ_ONCE in the doorbell path: ctx before fn. */
	smp_store_release(&shm->handler, fn);
	return shm->ops->bind ? shm->ops->bind(shm) : 0;
}
EXPORT_SYMBOL_GPL(xenc_shm_bind);

void xenc_shm_unbind(struct xenc_shm *shm)
{
	WRITE_ONCE(shm->handler, NULL);
	if (shm->ops->unbind)
		shm->ops->unbind(shm);
}
EXPORT_SYMBOL_GPL(xenc_shm_unbind);
