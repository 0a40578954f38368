/* SPDX-License-Identifier: GPL-2.0 */
/*
 * xenc tracepoints: every frame in and out, every doorbell either way and
 * every handshake state change, under events/xenc/ in tracefs.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM xenc

#if !defined(XENC_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define XENC_TRACE_H

#include <linux/tracepoint.h>
#include "xenc.h"

TRACE_DEFINE_ENUM(XENC_LINUX_RESET);
TRACE_DEFINE_ENUM(XENC_LINUX_OFFER);
TRACE_DEFINE_ENUM(XENC_LINUX_RUNNING);
TRACE_DEFINE_ENUM(XENC_LINUX_QUIESCE);
TRACE_DEFINE_ENUM(XENC_LINUX_GONE);
TRACE_DEFINE_ENUM(XENC_DOWN_NONE);
TRACE_DEFINE_ENUM(XENC_DOWN_NO_PEER);
TRACE_DEFINE_ENUM(XENC_DOWN_PEER_RESET);
TRACE_DEFINE_ENUM(XENC_DOWN_PEER_STALE);
TRACE_DEFINE_ENUM(XENC_DOWN_PEER_FAULT);
TRACE_DEFINE_ENUM(XENC_DOWN_LAYOUT);

/* A frame and where it sits in its ring (producer or consumer index). */
DECLARE_EVENT_CLASS(xenc_frame,
		    TP_PROTO(const struct xenc_queue *q,
			     const struct xenc_ring *r, u32 len),
		    TP_ARGS(q, r, len),
		    TP_STRUCT__entry(__array(char, dev, IFNAMSIZ)
				     __field(u16, queue)
				     __field(u32, len)
				     __field(u32, slots)
				     __field(u32, idx)),
		    TP_fast_assign(memcpy(__entry->dev, q->priv->dev->name,
					  IFNAMSIZ);
				   __entry->queue = q->index;
				   __entry->len = len;
				   __entry->slots = xenc_frame_slots(r, len);
				   __entry->idx = r->head;),
		    TP_printk("dev=%s queue=%u len=%u slots=%u idx=%u",
			      __entry->dev, __entry->queue, __entry->len,
			      __entry->slots, __entry->idx)
);

/* Put into the Linux->peer ring; idx is the producer index after it. */
DEFINE_EVENT(xenc_frame, xenc_xmit,
	     TP_PROTO(const struct xenc_queue *q, const struct xenc_ring *r,
		      u32 len),
	     TP_ARGS(q, r, len)
);

/* Taken from the peer->Linux ring; idx is the consumer index before it. */
DEFINE_EVENT(xenc_frame, xenc_rx,
	     TP_PROTO(const struct xenc_queue *q, const struct xenc_ring *r,
		      u32 len),
	     TP_ARGS(q, r, len)
);

TRACE_EVENT(xenc_doorbell,
	    TP_PROTO(const struct net_device *dev, u32 vector, bool sent),
	    TP_ARGS(dev, vector, sent),
	    TP_STRUCT__entry(__array(char, dev, IFNAMSIZ)
			     __field(u32, vector)
			     __field(bool, sent)),
	    TP_fast_assign(memcpy(__entry->dev, dev->name, IFNAMSIZ);
			   __entry->vector = vector;
			   __entry->sent = sent;),
	    TP_printk("dev=%s vector=%u %s", __entry->dev, __entry->vector,
		      __entry->sent ? "sent" : "received")
);

/* Linux's handshake state after a change, with what it knows of the peer. */
TRACE_EVENT(xenc_state,
	    TP_PROTO(const struct xenc_priv *priv),
	    TP_ARGS(priv),
	    TP_STRUCT__entry(__array(char, dev, IFNAMSIZ)
			     __field(u32, state)
			     __field(u32, generation)
			     __field(u32, peer_state)
			     __field(u32, reason)
			     __field(u32, queues)
			     __field(u32, l2p_slots)
			     __field(u32, p2l_slots)),
	    TP_fast_assign(memcpy(__entry->dev, priv->dev->name, IFNAMSIZ);
			   __entry->state = priv->host.state;
			   __entry->generation = priv->host.generation;
			   __entry->peer_state = priv->host.peer.state;
			   __entry->reason = priv->reason;
			   __entry->queues = priv->host.layout.num_queues;
			   __entry->l2p_slots = priv->host.layout.l2p_slots;
			   __entry->p2l_slots = priv->host.layout.p2l_slots;),
	    TP_printk("dev=%s state=%s generation=%u peer_state=%u reason=%s queues=%u rings=%u/%u",
		      __entry->dev,
		      __print_symbolic(__entry->state,
				       { XENC_LINUX_RESET, "RESET" },
				       { XENC_LINUX_OFFER, "OFFER" },
				       { XENC_LINUX_RUNNING, "RUNNING" },
				       { XENC_LINUX_QUIESCE, "QUIESCE" },
				       { XENC_LINUX_GONE, "GONE" }),
		      __entry->generation, __entry->peer_state,
		      __print_symbolic(__entry->reason,
				       { XENC_DOWN_NONE, "none" },
				       { XENC_DOWN_NO_PEER, "no-peer" },
				       { XENC_DOWN_PEER_RESET, "peer-reset" },
				       { XENC_DOWN_PEER_STALE, "peer-stale" },
				       { XENC_DOWN_PEER_FAULT, "peer-fault" },
				       { XENC_DOWN_LAYOUT, "layout" }),
		      __entry->queues, __entry->l2p_slots,
		      __entry->p2l_slots)
);

#endif /* XENC_TRACE_H */

/* Out of tree: define_trace.h must find this file next to the driver. */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
