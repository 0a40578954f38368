// SPDX-License-Identifier: GPL-2.0
/*
 * /sys/class/net/<dev>/xenc/: the region a device is bound to, for udev
 * rules that name devices after their co-kernel VM (ATTR{xenc/region}).
 * The same identity is ethtool -i's bus-info.
 */
#include <linux/netdevice.h>
#include <linux/sysfs.h>
#include "xenc.h"

static struct xenc_shm *xenc_dev_shm(struct device *d)
{
	struct xenc_priv *priv = netdev_priv(to_net_dev(d));

	return priv->shm;
}

static ssize_t region_show(struct device *d, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%s\n", xenc_dev_shm(d)->id);
}
static DEVICE_ATTR_RO(region);

static ssize_t transport_show(struct device *d, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%s\n", xenc_dev_shm(d)->transport);
}
static DEVICE_ATTR_RO(transport);

static struct attribute *xenc_sysfs_attrs[] = {
	&dev_attr_region.attr,
	&dev_attr_transport.attr,
	NULL,
};

const struct attribute_group xenc_sysfs_group = {
	.name = "xenc",
	.attrs = xenc_sysfs_attrs,
};
