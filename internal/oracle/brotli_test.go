package oracle

// brotliStored encodes data as a brotli stream (RFC 7932) of uncompressed
// meta-blocks: valid brotli that any decoder reads, with no compressor of
// our own. The standard library has none and the tests need only bodies a
// browser decodes.
func brotliStored(data []byte) []byte {
	var w bitWriter
	w.bits(0, 1) // WBITS = 16 (§9.1)
	for len(data) > 0 {
		n := min(len(data), 1<<16)
		w.bits(0, 1)            // ISLAST = 0
		w.bits(0, 2)            // MNIBBLES = 4
		w.bits(uint64(n-1), 16) // MLEN - 1
		w.bits(1, 1)            // ISUNCOMPRESSED
		w.align()
		w.out = append(w.out, data[:n]...)
		data = data[n:]
	}
	w.bits(1, 1) // ISLAST
	w.bits(1, 1) // ISLASTEMPTY
	w.align()
	return w.out
}

// bitWriter packs bits least significant first, as brotli reads them.
type bitWriter struct {
	out  []byte
	acc  uint64
	nacc uint
}

func (w *bitWriter) bits(v uint64, n uint) {
	w.acc |= v << w.nacc
	w.nacc += n
	for w.nacc >= 8 {
		w.out = append(w.out, byte(w.acc))
		w.acc >>= 8
		w.nacc -= 8
	}
}

func (w *bitWriter) align() {
	if w.nacc > 0 {
		w.bits(0, 8-w.nacc)
	}
}
