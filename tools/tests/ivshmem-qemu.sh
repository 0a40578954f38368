#!/bin/bash
# Sourced by the host-side runners: QEMU devices for ivshmem.sh and the
# physical-region reservation for phys.sh.
#   ivshmem_qemu_start TOP   starts tools/ivshmem-server, sets $ivshmem_args
#   ivshmem_qemu_stop        stops it and removes the per-run files
# Plain pair: two ivshmem-plain devices over one fresh /dev/shm file.
# Doorbell pair: two ivshmem-doorbell devices from the server (2 vectors).
phys_append='memmap=16M$0x70000000'

ivshmem_qemu_start() {
	local top=$1 i
	ivshmem_file=/dev/shm/xenc-ivshmem-$$-$RANDOM
	ivshmem_sock=/tmp/xenc-ivshmem-$$-$RANDOM.sock
	ivshmem_args=
	for i in 0 1; do
		ivshmem_args+=" -object memory-backend-file,id=xiv$i,size=16M,share=on,mem-path=$ivshmem_file"
		ivshmem_args+=" -device ivshmem-plain,memdev=xiv$i,addr=0x1$i"
	done
	"$top/build/ivshmem-server" -S "$ivshmem_sock" -l 16M -n 2 &
	ivshmem_pid=$!
	for i in {1..50}; do [ -S "$ivshmem_sock" ] && break; sleep 0.1; done
	[ -S "$ivshmem_sock" ] || return 0
	for i in 0 1; do
		ivshmem_args+=" -chardev socket,path=$ivshmem_sock,id=xivc$i"
		ivshmem_args+=" -device ivshmem-doorbell,chardev=xivc$i,vectors=2,addr=0x1$((i + 2))"
	done
}

ivshmem_qemu_stop() {
	kill "$ivshmem_pid" 2>/dev/null
	wait "$ivshmem_pid" 2>/dev/null
	rm -f "$ivshmem_file" "$ivshmem_sock"
}
