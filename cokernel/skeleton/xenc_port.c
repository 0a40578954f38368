// SPDX-License-Identifier: (GPL-2.0 OR MIT)
/*
 * Minimal xenc port: the peer side of one region for a co-kernel with a
 * single-threaded network loop (a Kitten or McKernel service thread, a
 * Jailhouse inmate's main loop).  The interrupt handler only records
 * which vectors rang; everything else runs in xenc_port_run(), so the
 * endpoint's calls never overlap (xenc_ep.h's only locking rule) and no
 * lock is needed.  One queue pair: a port with several CPUs raises
 * max_queues and runs one loop per queue.
 *
 * Built freestanding by make cokernel-freestanding; see
 * Documentation/porting-guide.rst.
 */
#include "xenc_ep.h"
#include "xenc_plat.h"

#define PORT_TICK_MS		100	/* heartbeat and handshake period */
#define PORT_STALE_TICKS	30	/* silent Linux for 3 s: reset */
#define PORT_RX_BUDGET		64	/* frames per loop turn */

static struct xenc_ep port_ep;
static u32 port_pending;		/* vectors rung; bit 31: tick due */
static bool port_up;
static bool port_rx_more;		/* budget ran out: receive again */
static u8 port_buf[XENC_FRAME_MAX];	/* one frame, for a wrapped span */

#define PORT_TICK_BIT		0x80000000u

/* The endpoint's doorbell callback: ring Linux. */
static void port_notify(void *ctx, u32 vector)
{
	(void)ctx;
	plat_doorbell_send(vector);
}

/* Interrupt context: note the vector, nothing more. */
static void port_doorbell(u32 vector)
{
	__atomic_fetch_or(&port_pending, 1u << (vector % 31), __ATOMIC_RELEASE);
}

static void port_timer(void)
{
	__atomic_fetch_or(&port_pending, PORT_TICK_BIT, __ATOMIC_RELEASE);
}

static void port_event(enum xenc_ep_event ev)
{
	switch (ev) {
	case XENC_EP_CONNECTED:
		port_up = true;
		plat_netif_carrier(true);
		break;
	case XENC_EP_DISCONNECTED:
		port_up = false;
		plat_netif_carrier(false);
		break;
	case XENC_EP_QUIESCE:
		/*
		 * Linux re-lays the rings: stop sending (xenc_ep_send says
		 * FULL), drain what Linux sent, and tick again at once so the
		 * endpoint reports QUIESCED as soon as the ring is empty.
		 */
		port_rx_more = true;
		__atomic_fetch_or(&port_pending, PORT_TICK_BIT,
				  __ATOMIC_RELAXED);
		break;
	default:
		break;
	}
}

/* Receive up to a budget of frames; true if more are waiting. */
static bool port_rx(void)
{
	struct xenc_frame_hdr fh;
	struct xenc_span sp;
	u32 n = 0;

	while (n < PORT_RX_BUDGET &&
	       xenc_ep_recv(&port_ep, 0, &fh, &sp) == XENC_OK) {
		/* The peer side owns nothing in the span: copy it out once. */
		xenc_span_to_buf(&sp, port_buf);
		xenc_ep_recv_done(&port_ep, 0, &fh);
		plat_netif_rx(port_buf, fh.len);
		n++;
	}
	xenc_ep_recv_flush(&port_ep, 0);
	if (n == PORT_RX_BUDGET)
		return true;
	return xenc_ep_rx_rearm(&port_ep, 0);
}

/*
 * Transmit one frame from the co-kernel's stack.  XENC_FULL means "try
 * again after the next doorbell": Linux rings when enough slots are free.
 * Call only from the loop's context (the stack's transmit path runs there).
 */
int xenc_port_xmit(const void *frame, u32 len)
{
	int rc;

	if (!port_up)
		return XENC_FULL;
	rc = xenc_ep_send_buf(&port_ep, 0, frame, len);
	if (rc == XENC_FULL) {
		/* Publish what is queued, then ask for room for this frame. */
		xenc_ep_flush(&port_ep, 0);
		if (xenc_ep_tx_wait(&port_ep, 0,
				    xenc_frame_slots(&port_ep.q[0].tx, len)))
			rc = xenc_ep_send_buf(&port_ep, 0, frame, len);
	}
	if (rc == XENC_OK)
		xenc_ep_flush(&port_ep, 0);
	return rc;
}

/*
 * One turn of the co-kernel's network loop.  Returns true when there is
 * more to do at once; otherwise the loop may sleep until the next
 * interrupt or timer.
 */
bool xenc_port_run(void)
{
	u32 pending = __atomic_exchange_n(&port_pending, 0, __ATOMIC_ACQUIRE);

	if (pending & PORT_TICK_BIT)
		port_event(xenc_ep_tick(&port_ep));
	else if (pending & 1)
		port_event(xenc_ep_poll(&port_ep));
	/* Any doorbell may announce frames (vector 0 serves queue 0 too). */
	if ((pending & ~PORT_TICK_BIT) || port_rx_more)
		port_rx_more = port_up && port_rx();
	return port_rx_more ||
	       __atomic_load_n(&port_pending, __ATOMIC_RELAXED);
}

/* Attach to the region at @phys; Linux may format it later. */
int xenc_port_init(u64 phys, u64 size)
{
	const struct xenc_ep_config cfg = {
		.features = XENC_F_QUIESCE,
		.max_queues = 1,
		.max_frame = XENC_FRAME_MAX,
		.stale_limit = PORT_STALE_TICKS,
	};
	void *region = plat_map_region(phys, size);
	int rc;

	if (!region)
		return -1;
	rc = xenc_ep_attach(&port_ep, region, size, &cfg, port_notify, 0,
			    plat_random_u32());
	/* Not formatted yet: the first tick attaches. */
	if (rc && rc != -XENC_FAULT_VERSION)
		return rc;
	if (plat_doorbell_register(port_doorbell))
		return -1;
	return plat_timer_every(PORT_TICK_MS, port_timer);
}

/* Leave for good: Linux sees GONE and drops the carrier. */
void xenc_port_exit(void)
{
	xenc_ep_detach(&port_ep);
	plat_doorbell_send(0);
}
