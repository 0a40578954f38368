#!/bin/bash
# The configuration examples work: the ifupdown stanzas' commands run in
# the order "ifup -a" and "ifdown -a" run them (pre-up, the method, up;
# down, the method, post-down; reverse order going down) and give a bridge
# that carries traffic to the co-kernel VM; the udev rule matches
# attributes an xenc device has, and names valid interface names.
# (ifupdown itself is not installed here; this follows its documented
# order.  modprobe stands for load_modules: the modules are not installed.)
. "$(dirname "$0")/lib.sh"

ex=$XENC/Documentation/examples
ifaces=$ex/ifupdown/interfaces

# stanza IFACE: "method KEY VALUE" lines of one iface stanza.
stanza() {
	awk -v want="$1" '
		$1 == "iface" { cur = $2; if (cur == want) print "method", $4; next }
		$1 == "auto" || $1 == "allow-hotplug" || $1 ~ /^#/ || NF == 0 { next }
		cur == want { print }' "$ifaces"
}
# run_hooks IFACE KIND: that stanza's KIND lines, $IFACE expanded.
run_hooks() {
	local iface=$1 kind=$2 key cmd
	while read -r key cmd; do
		[ "$key" = "$kind" ] || continue
		log "$iface $kind: $cmd"
		IFACE=$iface bash -c "modprobe() { load_modules; }; . '$XENC/tools/tests/lib.sh'; $cmd" ||
			{ fail "ifupdown-$iface-$kind" "$cmd"; return 1; }
	done < <(stanza "$iface")
}
method() { stanza "$1" | awk '$1 == "method" { print $2 }'; }
address() { stanza "$1" | awk '$1 == "address" { print $2 }'; }

autos=$(awk '$1 == "auto" { for (i = 2; i <= NF; i++) print $i }' "$ifaces")
check examples-ifupdown-stanzas test "$(echo "$autos" | tr '\n' ' ')" = "eth0 xenc0 br0 "

sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
# The uplink: a veth whose other end sits in a namespace.
ip netns add uplink
ip link add eth0 type veth peer name eth0 netns uplink
ip -n uplink link set eth0 up

ok=1
for i in $autos; do
	run_hooks "$i" pre-up || ok=0
	if [ "$(method "$i")" = static ]; then
		ip addr add "$(address "$i")" dev "$i" && ip link set "$i" up || ok=0
	fi
	run_hooks "$i" up || ok=0
	if [ "$i" = xenc0 ] && pdev=$(peer_of xenc0); then
		# The co-kernel VM's side of xenc0 (the test peer's NIC).
		ip netns add cok
		ip link set "$pdev" netns cok
		ip -n cok addr add 192.0.2.11/24 dev "$pdev"
		ip -n cok link set "$pdev" up
	fi
done
check examples-ifup-all-hooks test $ok -eq 1
check examples-bridge-ports bash -c "bridge link show | grep -q 'eth0.*master br0' &&
	bridge link show | grep -q 'xenc0.*master br0'"
check examples-bridge-address bash -c "ip -br addr show br0 | grep -q '192.0.2.10/24'"
check examples-xenc0-carrier wait_for 20 carrier xenc0
check examples-ping-cokernel wait_for 20 ping -c 1 -W 1 192.0.2.11

ok=1
for i in $(echo "$autos" | tac); do
	run_hooks "$i" down || ok=0
	if [ "$(method "$i")" = static ] && ip link show "$i" >/dev/null 2>&1; then
		ip addr del "$(address "$i")" dev "$i"
		ip link set "$i" down
	fi
	run_hooks "$i" post-down || ok=0
done
check examples-ifdown-all-hooks test $ok -eq 1
check examples-ifdown-removed bash -c "! ip link show xenc0 2>/dev/null && ! ip link show br0 2>/dev/null"

# udev: every ATTR{...} the rule matches exists on an xenc device, and
# every NAME is a valid interface name.
rules=$ex/udev/70-xenc-names.rules
ip link add xenc0 type xenc
attrs=$(grep -o 'ATTR{[^}]*}' "$rules" | sort -u | sed 's/ATTR{\(.*\)}/\1/')
check examples-udev-has-attrs test -n "$attrs"
for a in $attrs; do
	check "examples-udev-attr-$(echo "$a" | tr / -)" test -r "/sys/class/net/xenc0/$a"
done
names=$(grep -o 'NAME="[^"]*"' "$rules" | sed 's/NAME="\(.*\)"/\1/')
check examples-udev-names-valid bash -c "for n in ${names//$'\n'/ }; do
	[ \${#n} -le 15 ] && [[ \$n != *[:/]* ]] || exit 1; done"
# Regions in the rule have the ivshmem transport's id form (transports.rst).
regions=$(grep -o 'ATTR{xenc/region}=="[^"]*"' "$rules" | sed 's/.*=="\(.*\)"/\1/')
check examples-udev-region-format bash -c "echo '$regions' |
	grep -qvE '^ivshmem:[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7](#[0-9]+)?$' && exit 1 || exit 0"

ip link del xenc0
ip link del eth0 2>/dev/null
ip netns del uplink
ip netns del cok 2>/dev/null
unload_modules
