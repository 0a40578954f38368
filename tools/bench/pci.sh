#!/bin/bash
# PCI helpers for the bench guests (sourced by guest.sh and lwk2g-guest.sh):
# which driver and net device an ivshmem device has, and binding it to one
# driver by override, so that each path takes the devices it runs on.
pcidev=/sys/bus/pci/devices
netdev_of() { ls "$pcidev/$1/net" 2>/dev/null | head -n 1; }
driver_of() { basename "$(readlink "$pcidev/$1/driver" 2>/dev/null)" 2>/dev/null; }
pci_bind() {	# BDF DRIVER
	echo "$2" >"$pcidev/$1/driver_override"
	echo "$1" >/sys/bus/pci/drivers_probe 2>/dev/null
	[ "$(driver_of "$1")" = "$2" ]
}
pci_unbind() {
	local d
	d=$(driver_of "$1")
	[ -n "$d" ] && echo "$1" >"/sys/bus/pci/drivers/$d/unbind"
	echo >"$pcidev/$1/driver_override"
}
