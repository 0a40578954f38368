// SPDX-License-Identifier: GPL-2.0
/*
 * Receive buffers: one copy out of the ring per frame, into memory the
 * skb then owns.  Frames up to a page go into a napi_alloc_skb() head
 * (page-fragment cache, small truesize).  Larger ones, up to 64 KB GSO
 * frames, go into order-0 pages of a per-queue page_pool that the stack
 * hands back when it frees the skb: no high-order allocation per frame.
 * XDP uses the same pools, one page per frame.
 */
#include <linux/skbuff.h>
#include "xenc_skb.h"
#include "xenc_compat_linux.h"

struct page_pool *xenc_rx_pool_create(struct net_device *dev,
				      struct napi_struct *napi, u32 size)
{
	struct page_pool_params pp = {
		.order = 0,
		.pool_size = size,
		.nid = NUMA_NO_NODE,
		.dev = &dev->dev,
	};

	xenc_pp_set_napi(&pp, napi);
	return page_pool_create(&pp);
}
EXPORT_SYMBOL_GPL(xenc_rx_pool_create);

/* An skb over a page_pool page holding @len bytes at @off. */
struct sk_buff *xenc_rx_skb_page(struct page_pool *pp, struct page *page,
				 u32 off, u32 len, u32 meta)
{
	struct sk_buff *skb = napi_build_skb(page_address(page), PAGE_SIZE);

	if (unlikely(!skb)) {
		page_pool_put_full_page(pp, page, true);
		return NULL;
	}
	skb_mark_for_recycle(skb);
	skb_reserve(skb, off);
	skb_put(skb, len);
	if (meta)
		skb_metadata_set(skb, meta);
	return skb;
}
EXPORT_SYMBOL_GPL(xenc_rx_skb_page);

/* Copy a frame out of the ring into a new skb; NULL if out of memory. */
struct sk_buff *xenc_rx_skb(struct napi_struct *napi, struct page_pool *pp,
			    const struct xenc_span *sp, u32 len)
{
	struct sk_buff *skb;
	struct page *page;
	u32 off, n;

	if (len <= XENC_RX_PAGE_MAX || !pp) {
		skb = napi_alloc_skb(napi, len);
		if (likely(skb))
			xenc_span_read(sp, 0, skb_put(skb, len), len);
		return skb;
	}
	page = page_pool_dev_alloc_pages(pp);
	if (unlikely(!page))
		return NULL;
	xenc_span_read(sp, 0, page_address(page) + XENC_RX_HEADROOM,
		       XENC_RX_PAGE_MAX);
	skb = xenc_rx_skb_page(pp, page, XENC_RX_HEADROOM, XENC_RX_PAGE_MAX, 0);
	if (unlikely(!skb))
		return NULL;
	for (off = XENC_RX_PAGE_MAX; off < len; off += n) {
		n = min_t(u32, len - off, PAGE_SIZE);
		page = skb_shinfo(skb)->nr_frags < MAX_SKB_FRAGS ?
		       page_pool_dev_alloc_pages(pp) : NULL;
		if (unlikely(!page)) {
			napi_consume_skb(skb, 1);
			return NULL;
		}
		xenc_span_read(sp, off, page_address(page), n);
		skb_add_rx_frag(skb, skb_shinfo(skb)->nr_frags, page, 0, n,
				PAGE_SIZE);
	}
	return skb;
}
EXPORT_SYMBOL_GPL(xenc_rx_skb);
