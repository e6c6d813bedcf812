package unit

import (
	"math/bits"
	"strconv"
	"strings"
)

// capNames are Linux's capabilities by number (linux/capability.h).
var capNames = [...]string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
	"CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK",
	"CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
	"CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
	"CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
	"CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

// capSysAdmin is CAP_SYS_ADMIN's number.
const capSysAdmin = 21

// capSet is a capability bounding set; bit n is capability n. allCaps
// stands for "every capability the kernel has", including ones newer than
// capNames.
type capSet uint64

const allCaps = ^capSet(0)

const knownCaps = capSet(1)<<len(capNames) - 1

// capFromName reads one capability as systemd does: the name in any case,
// or its number.
func capFromName(s string) (int, bool) {
	for i, n := range capNames {
		if strings.EqualFold(s, n) {
			return i, true
		}
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 0 && n < 63 {
		return n, true
	}
	return 0, false
}

// capState follows CapabilityBoundingSet= assignments as systemd's
// config_parse_capability_set does.
type capState struct {
	set     capSet
	last    []Assignment // the lines that make up the current set
	unknown []string     // capability names systemd would ignore
}

func newCapState() capState { return capState{set: allCaps} }

// apply folds one assignment into the set: an empty value resets to the
// empty set, a lone "~" to the full set; the first real line replaces, and
// later lines merge by OR (allow-list) or AND NOT ("~" list).
func (c *capState) apply(a Assignment) {
	v := a.Value
	invert := strings.HasPrefix(v, "~")
	if invert {
		v = v[1:]
	}
	words, ok := Words(v)
	if !ok {
		c.unknown = append(c.unknown, a.Value)
		return
	}
	var sum capSet
	for _, w := range words {
		n, ok := capFromName(w)
		if !ok {
			c.unknown = append(c.unknown, w)
			continue
		}
		sum |= 1 << n
	}
	// An empty value ("" or a lone "~") or a still-full set is replaced,
	// not merged, exactly as systemd does.
	if sum == 0 || c.set == allCaps {
		if invert {
			c.set = allCaps &^ sum
		} else {
			c.set = sum
		}
		c.last = []Assignment{a}
		return
	}
	if invert {
		c.set &^= sum
	} else {
		c.set |= sum
	}
	c.last = append(c.last, a)
}

// String describes the set the way an admin would write it.
func (s capSet) String() string {
	k := s & knownCaps
	switch {
	case s == allCaps || k == knownCaps:
		return "all capabilities"
	case k == 0:
		return "no capabilities"
	}
	var names []string
	if bits.OnesCount64(uint64(k)) > len(capNames)/2 {
		for i, n := range capNames {
			if k&(1<<i) == 0 {
				names = append(names, n)
			}
		}
		return "~" + strings.Join(names, " ")
	}
	for i, n := range capNames {
		if k&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	return strings.Join(names, " ")
}
