package careersio

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// An SPSS system file (.sav, and .zsav with zlib compression), as GNU
// PSPP's developers' guide documents it ("System File Format"): the file
// header record, the dictionary (variable records with their labels and
// missing values, value labels and the variables they apply to,
// documents, extension records), the dictionary termination record, and
// the data: uncompressed 8-byte elements, bytecode-compressed, or
// bytecode-compressed in zlib blocks with a trailer that indexes them.
// The extension records read are machine integer info (7/3: byte order
// check and character code), machine floating-point info (7/4: the
// system-missing value), long variable names (7/13), very long strings
// (7/14: strings over 255 bytes stored as segments), the character
// encoding (7/20) and long string missing values (7/22); the others are
// skipped. The number of cases may be unknown (−1): then the data run to
// the end code or the end of the file.
//
// The system-missing value, NaN and a variable's user-missing values
// (up to three, a range, or a range and one value) are read as empty
// cells. Strings are decoded from the file's encoding (UTF-8, ASCII,
// ISO-8859-1 or Windows-1252; a file of another encoding is refused at
// its first non-ASCII string) and their trailing blanks removed.
type sav struct {
	r           io.ReaderAt
	name        string
	size        int64
	order       binary.ByteOrder
	compression int32
	bias        float64
	ncases      int64
	sysmis      float64
	vars        []*savVar
	bySlot      map[int]*savVar
	slots       int
	header      []string
	labels      map[string]map[string]string
	decode      func([]byte) (string, bool)
	encoding    string

	data   io.Reader // the elements, decompressed
	cases  int64
	buf    []byte
	strbuf []byte
}

type savVar struct {
	name  string
	short string
	width int // 0 numeric, else string width
	// slot is the first 8-byte element of the variable in a case, nslots
	// the number of elements; segments are the (slot, width) of the
	// segments of a very long string, after the first.
	slot, nslots int
	segments     [][2]int
	// missing: n discrete values (1-3), or a range [lo, hi] (n = −2) and
	// one discrete value more (n = −3).
	nMissing int
	missing  [3]float64
	strMiss  [][]byte
	// rawLabels are the (value, label) pairs of the variable's value
	// labels, as in the file.
	rawLabels [][2][]byte
}

// openSAV reads the dictionary of a system file of size bytes.
func openSAV(r io.ReaderAt, size int64, name string) (*sav, error) {
	s := &sav{r: r, name: name, size: size, labels: map[string]map[string]string{}, sysmis: -math.MaxFloat64}
	c := &cursor{r: r, size: size, name: name}
	hdr, err := c.bytes(176, "the file header")
	if err != nil {
		return nil, err
	}
	magic := string(hdr[:4])
	if magic != "$FL2" && magic != "$FL3" {
		return nil, c.errorf(0, "not an SPSS system file: it starts with %q", hdr[:4])
	}
	switch layout := binary.LittleEndian.Uint32(hdr[64:]); layout {
	case 2, 3:
		s.order = binary.LittleEndian
	default:
		if l := binary.BigEndian.Uint32(hdr[64:]); l != 2 && l != 3 {
			return nil, c.errorf(64, "layout code %d: expected 2 or 3", layout)
		}
		s.order = binary.BigEndian
	}
	c.order = s.order
	s.compression = int32(s.order.Uint32(hdr[72:]))
	if s.compression < 0 || s.compression > 2 || (s.compression == 2) != (magic == "$FL3") {
		return nil, c.errorf(72, "compression %d in a %s file: expected 0 or 1 ($FL2), 2 ($FL3)", s.compression, magic)
	}
	s.ncases = int64(int32(s.order.Uint32(hdr[80:])))
	s.bias = math.Float64frombits(s.order.Uint64(hdr[84:]))
	if err := s.readDictionary(c); err != nil {
		return nil, err
	}
	if len(s.vars) == 0 {
		return nil, c.errorf(c.off, "the file has no variables")
	}
	if err := s.startData(c); err != nil {
		return nil, err
	}
	s.header = make([]string, len(s.vars))
	for j, v := range s.vars {
		s.header[j] = v.name
	}
	s.buf = make([]byte, 8*s.slots)
	return s, nil
}

// readDictionary reads the records up to the dictionary termination
// record (999).
func (s *sav) readDictionary(c *cursor) error {
	var longNames, veryLong, longMissing []byte
	// pending are the value labels of a record 3, (value, label) pairs,
	// until record 4 names their variables.
	var pending [][2][]byte
	var pendingAt int64 = -1
	charCode := 0
	for {
		at := c.off
		rt, err := c.uint(4, "a record type")
		if err != nil {
			return err
		}
		recType := int32(rt)
		if pendingAt >= 0 && recType != 4 {
			return c.errorf(at, "a value label record (3) is followed by record type %d, not by its variables (4)", recType)
		}
		switch recType {
		case 2:
			if err := s.readVariable(c, at); err != nil {
				return err
			}
		case 3:
			n, err := c.uint(4, "a value label record")
			if err != nil {
				return err
			}
			if err := c.need(int64(n)*16, "a value label record"); err != nil {
				return err
			}
			pending, pendingAt = pending[:0], at
			for i := uint64(0); i < n; i++ {
				v, err := c.bytes(8, "a value label")
				if err != nil {
					return err
				}
				l, err := c.uint(1, "a value label")
				if err != nil {
					return err
				}
				text, err := c.bytes(int(l), "a value label")
				if err != nil {
					return err
				}
				if err := c.skip(int64((8-(1+int(l))%8)%8), "a value label"); err != nil {
					return err
				}
				pending = append(pending, [2][]byte{v, text})
			}
		case 4:
			if pendingAt < 0 {
				return c.errorf(at, "a value label variables record (4) without its labels (3)")
			}
			n, err := c.uint(4, "a value label variables record")
			if err != nil {
				return err
			}
			if err := c.need(int64(n)*4, "a value label variables record"); err != nil {
				return err
			}
			for i := uint64(0); i < n; i++ {
				idx, _ := c.uint(4, "a value label variables record")
				v := s.varAtSlot(int(int32(idx)) - 1)
				if v == nil {
					return c.errorf(c.off-4, "value labels for variable index %d, which is not the first element of a variable", int32(idx))
				}
				v.rawLabels = append(v.rawLabels, pending...)
			}
			pending, pendingAt = nil, -1
		case 6:
			n, err := c.uint(4, "a document record")
			if err != nil {
				return err
			}
			if err := c.skip(int64(n)*80, "a document record"); err != nil {
				return err
			}
		case 7:
			sub, err := c.uint(4, "an extension record")
			if err != nil {
				return err
			}
			size, err := c.uint(4, "an extension record")
			if err != nil {
				return err
			}
			count, err := c.uint(4, "an extension record")
			if err != nil {
				return err
			}
			n := int64(size) * int64(count)
			if err := c.need(n, fmt.Sprintf("extension record 7/%d", sub)); err != nil {
				return err
			}
			switch sub {
			case 3, 4, 13, 14, 20, 22:
			default:
				c.off += n
				continue
			}
			b, _ := c.bytes(int(n), "an extension record")
			switch sub {
			case 3:
				if size == 4 && count == 8 {
					charCode = int(int32(s.order.Uint32(b[28:])))
				}
			case 4:
				if size == 8 && count == 3 {
					s.sysmis = math.Float64frombits(s.order.Uint64(b))
				}
			case 13:
				longNames = b
			case 14:
				veryLong = b
			case 20:
				s.encoding = string(b)
			case 22:
				longMissing = b
			}
		case 999:
			if err := c.skip(4, "the dictionary termination record"); err != nil {
				return err
			}
			if err := s.setEncoding(charCode); err != nil {
				return c.errorf(at, "%v", err)
			}
			return s.finishVariables(c, longNames, veryLong, longMissing)
		default:
			return c.errorf(at, "record type %d: expected 2, 3, 4, 6, 7 or 999 (a damaged file?)", recType)
		}
	}
}

// readVariable reads a variable record (after its type, 2).
func (s *sav) readVariable(c *cursor, at int64) error {
	b, err := c.bytes(28, "a variable record")
	if err != nil {
		return err
	}
	typ := int32(s.order.Uint32(b))
	hasLabel := s.order.Uint32(b[4:])
	nMissing := int32(s.order.Uint32(b[8:]))
	short := strings.TrimRight(string(b[20:28]), " \x00")
	if hasLabel == 1 {
		n, err := c.uint(4, "a variable label")
		if err != nil {
			return err
		}
		if err := c.skip(int64((n+3)/4*4), "a variable label"); err != nil {
			return err
		}
	}
	var miss [3][]byte
	switch nMissing {
	case 0, 1, 2, 3, -2, -3:
	default:
		return c.errorf(at, "variable %q has %d missing values: expected 0-3, -2 or -3", short, nMissing)
	}
	for i := 0; i < int(absInt32(nMissing)); i++ {
		if miss[i], err = c.bytes(8, "a missing value"); err != nil {
			return err
		}
	}
	s.slots++
	if typ == -1 {
		if len(s.vars) == 0 {
			return c.errorf(at, "a continuation of a string before any variable")
		}
		s.vars[len(s.vars)-1].nslots++
		return nil
	}
	if typ < 0 || typ > 255 {
		return c.errorf(at, "variable %q has type %d: expected 0 (numeric) or a string width 1-255", short, typ)
	}
	v := &savVar{name: short, short: short, width: int(typ), slot: s.slots - 1, nslots: 1, nMissing: int(nMissing)}
	for i := 0; i < int(absInt32(nMissing)); i++ {
		if typ == 0 {
			v.missing[i] = math.Float64frombits(s.order.Uint64(miss[i]))
		} else {
			v.strMiss = append(v.strMiss, bytes.TrimRight(miss[i], " \x00"))
		}
	}
	s.vars = append(s.vars, v)
	return nil
}

func absInt32(v int32) int32 {
	if v < 0 {
		return -v
	}
	return v
}

// varAtSlot returns the variable whose first element is slot, or nil.
func (s *sav) varAtSlot(slot int) *savVar {
	if len(s.bySlot) != len(s.vars) {
		s.bySlot = make(map[int]*savVar, len(s.vars))
		for _, v := range s.vars {
			s.bySlot[v.slot] = v
		}
	}
	return s.bySlot[slot]
}

// setEncoding chooses the decoder of the strings: the encoding record
// (7/20) or, without one, the character code of record 7/3.
func (s *sav) setEncoding(charCode int) error {
	enc := strings.ToUpper(strings.TrimSpace(s.encoding))
	if enc == "" {
		enc = map[int]string{65001: "UTF-8", 1252: "WINDOWS-1252", 28591: "ISO-8859-1", 20127: "US-ASCII", 2: "US-ASCII", 3: "WINDOWS-1252"}[charCode]
		if enc == "" && charCode != 0 {
			enc = "code page " + strconv.Itoa(charCode)
		}
	}
	switch enc {
	case "UTF-8", "UTF8":
		s.decode = func(b []byte) (string, bool) { return toValidUTF8(b), true }
	case "", "WINDOWS-1252", "CP1252", "ISO-8859-1", "ISO8859-1", "LATIN1", "US-ASCII", "ASCII":
		// Without a record, Windows-1252 (what SPSS for Windows writes),
		// UTF-8 where the text is valid UTF-8.
		s.decode = func(b []byte) (string, bool) { return latin1(b), true }
	default:
		s.decode = func(b []byte) (string, bool) {
			for _, c := range b {
				if c >= 0x80 {
					return "", false
				}
			}
			return string(b), true
		}
	}
	if s.encoding == "" {
		s.encoding = enc
	}
	return nil
}

// text decodes a string of the file; an error names the encoding.
func (s *sav) text(b []byte) (string, error) {
	t, ok := s.decode(b)
	if !ok {
		return "", fmt.Errorf("a string in the encoding %s, which is not read: save the file as UTF-8 (SPSS: SET UNICODE=ON before opening it, then SAVE)", s.encoding)
	}
	return t, nil
}

// finishVariables applies the long names (7/13), merges the segments of
// very long strings (7/14), attaches the long string missing values
// (7/22) and decodes the value labels.
func (s *sav) finishVariables(c *cursor, longNames, veryLong, longMissing []byte) error {
	byShort := map[string]*savVar{}
	for _, v := range s.vars {
		if v.width > 0 && v.nslots != (v.width+7)/8 {
			return c.errorf(c.off, "string variable %q of width %d has %d elements: expected %d", v.short, v.width, v.nslots, (v.width+7)/8)
		}
		v.short, _ = s.text([]byte(v.short))
		v.name = v.short
		byShort[strings.ToUpper(v.short)] = v
	}
	if len(veryLong) > 0 {
		for _, entry := range strings.Split(string(veryLong), "\t") {
			entry = strings.Trim(entry, "\x00 ")
			if entry == "" {
				continue
			}
			short, width, ok := strings.Cut(entry, "=")
			w, err := strconv.Atoi(strings.TrimSpace(width))
			v := byShort[strings.ToUpper(short)]
			if !ok || err != nil || v == nil || w < 256 || w > 32767 || v.width != 255 {
				return c.errorf(c.off, "very long string record entry %q: expected NAME=WIDTH for a string variable of width 255, WIDTH 256-32767", entry)
			}
			if err := s.merge(c, v, w); err != nil {
				return err
			}
		}
	}
	if len(longNames) > 0 {
		seen := map[string]bool{}
		for _, pair := range strings.Split(string(longNames), "\t") {
			short, long, ok := strings.Cut(pair, "=")
			if !ok {
				continue
			}
			v := byShort[strings.ToUpper(short)]
			name, err := s.text([]byte(long))
			if err != nil {
				return c.errorf(c.off, "long variable names: %v", err)
			}
			if v == nil || name == "" {
				continue
			}
			v.name = name
		}
		for _, v := range s.vars {
			if seen[strings.ToLower(v.name)] {
				return c.errorf(c.off, "two variables are named %q", v.name)
			}
			seen[strings.ToLower(v.name)] = true
		}
	}
	byName := map[string]*savVar{}
	for _, v := range s.vars {
		byName[strings.ToUpper(v.name)] = v
	}
	// 7/22: name length, name, count (1 byte), value length (8), values.
	for b := longMissing; len(b) > 0; {
		if len(b) < 4 {
			return c.errorf(c.off, "long string missing values record: %d bytes left over", len(b))
		}
		n := int(s.order.Uint32(b))
		if n < 0 || len(b) < 4+n+5 {
			return c.errorf(c.off, "long string missing values record: a name of %d bytes in %d", n, len(b))
		}
		name, _ := s.text(b[4 : 4+n])
		count := int(b[4+n])
		vlen := int(s.order.Uint32(b[5+n:]))
		b = b[9+n:]
		if count > 3 || vlen != 8 || len(b) < count*vlen {
			return c.errorf(c.off, "long string missing values of %q: %d values of %d bytes, expected up to 3 of 8", name, count, vlen)
		}
		if v := byName[strings.ToUpper(name)]; v != nil && v.width > 0 {
			v.nMissing = count
			for i := 0; i < count; i++ {
				v.strMiss = append(v.strMiss, bytes.TrimRight(b[i*8:i*8+8], " \x00"))
			}
		}
		b = b[count*vlen:]
	}
	for _, v := range s.vars {
		if len(v.rawLabels) == 0 {
			continue
		}
		m := map[string]string{}
		for _, p := range v.rawLabels {
			var code string
			if v.width == 0 {
				code = formatNumber(math.Float64frombits(s.order.Uint64(p[0])), 64)
			} else {
				code, _ = s.text(bytes.TrimRight(p[0], " \x00"))
			}
			m[code], _ = s.text(p[1])
		}
		s.labels[v.name] = m
	}
	return nil
}

// merge makes v, the first segment of a very long string of width w, the
// whole string: the segments that follow it become part of it.
func (s *sav) merge(c *cursor, v *savVar, w int) error {
	n := (w + 251) / 252
	at := -1
	for j, u := range s.vars {
		if u == v {
			at = j
		}
	}
	if at+n > len(s.vars) {
		return c.errorf(c.off, "very long string %q of width %d needs %d segments, but only %d variables follow it", v.name, w, n, len(s.vars)-at-1)
	}
	for k := 1; k < n; k++ {
		seg := s.vars[at+k]
		if seg.width == 0 {
			return c.errorf(c.off, "very long string %q: segment %d is numeric", v.name, k+1)
		}
		v.segments = append(v.segments, [2]int{seg.slot, seg.width})
	}
	v.width = w
	s.vars = append(s.vars[:at+1], s.vars[at+n:]...)
	return nil
}

// startData sets up the reading of the data after the dictionary.
func (s *sav) startData(c *cursor) error {
	rest := io.NewSectionReader(s.r, c.off, s.size-c.off)
	switch s.compression {
	case 0:
		if s.ncases >= 0 && (s.size-c.off)/int64(8*s.slots) < s.ncases {
			return c.errorf(c.off, "the header declares %d cases of %d bytes, but the file has %d bytes of data: a truncated file?", s.ncases, 8*s.slots, s.size-c.off)
		}
		s.data = bufio.NewReaderSize(rest, 1<<16)
	case 1:
		s.data = &bytecode{r: bufio.NewReaderSize(rest, 1<<16), s: s, at: 8}
	case 2:
		z, err := s.zlibBlocks(c)
		if err != nil {
			return err
		}
		s.data = &bytecode{r: bufio.NewReaderSize(z, 1<<16), s: s, at: 8}
	}
	return nil
}

// zlibBlocks reads the zlib data header and trailer and returns the
// decompressed stream of the blocks, in order.
func (s *sav) zlibBlocks(c *cursor) (io.Reader, error) {
	at := c.off
	hdr, err := c.uint(8, "the zlib data header")
	if err != nil {
		return nil, err
	}
	trailerOff, err := c.uint(8, "the zlib data header")
	if err != nil {
		return nil, err
	}
	trailerLen, err := c.uint(8, "the zlib data header")
	if err != nil {
		return nil, err
	}
	if int64(hdr) != at || trailerOff > uint64(s.size) || trailerLen > uint64(s.size)-trailerOff || trailerLen < 24 || (trailerLen-24)%24 != 0 {
		return nil, c.errorf(at, "zlib data header (%d, %d, %d) does not fit the file of %d bytes", hdr, trailerOff, trailerLen, s.size)
	}
	t := &cursor{r: s.r, off: int64(trailerOff), size: int64(trailerOff + trailerLen), name: s.name, order: s.order}
	if err := t.skip(16, "the zlib trailer"); err != nil {
		return nil, err
	}
	blockSize, _ := t.uint(4, "the zlib trailer")
	nBlocks, _ := t.uint(4, "the zlib trailer")
	if nBlocks != (trailerLen-24)/24 {
		return nil, t.errorf(t.off-4, "the zlib trailer lists %d blocks in %d bytes", nBlocks, trailerLen)
	}
	z := &zblocks{s: s}
	next := uint64(c.off)
	for i := uint64(0); i < nBlocks; i++ {
		b, _ := t.bytes(24, "the zlib trailer")
		cOff := s.order.Uint64(b[8:])
		uSize := uint64(s.order.Uint32(b[16:]))
		cSize := uint64(s.order.Uint32(b[20:]))
		if cOff != next || cSize > trailerOff-cOff || uSize > uint64(blockSize) {
			return nil, t.errorf(t.off-24, "zlib block %d (%d bytes at %d, %d decompressed) does not follow the one before or exceeds the block size %d", i+1, cSize, cOff, uSize, blockSize)
		}
		next = cOff + cSize
		z.blocks = append(z.blocks, [3]uint64{cOff, cSize, uSize})
	}
	return z, nil
}

// zblocks is the decompressed stream of the zlib blocks.
type zblocks struct {
	s      *sav
	blocks [][3]uint64 // compressed offset and size, decompressed size
	cur    io.Reader
	n      uint64 // bytes decompressed from the current block
}

func (z *zblocks) Read(p []byte) (int, error) {
	for {
		if z.cur == nil {
			if len(z.blocks) == 0 {
				return 0, io.EOF
			}
			b := z.blocks[0]
			zr, err := zlib.NewReader(io.NewSectionReader(z.s.r, int64(b[0]), int64(b[1])))
			if err != nil {
				return 0, &DataError{File: z.s.name, Msg: fmt.Sprintf("byte %d: zlib block: %v", b[0], err)}
			}
			z.cur, z.n = io.LimitReader(zr, int64(b[2])+1), 0
		}
		n, err := z.cur.Read(p)
		z.n += uint64(n)
		b := z.blocks[0]
		if z.n > b[2] {
			return 0, &DataError{File: z.s.name, Msg: fmt.Sprintf("byte %d: a zlib block decompresses to more than the %d bytes its trailer declares", b[0], b[2])}
		}
		if err == io.EOF {
			if z.n != b[2] {
				return 0, &DataError{File: z.s.name, Msg: fmt.Sprintf("byte %d: a zlib block decompresses to %d bytes, its trailer declares %d", b[0], z.n, b[2])}
			}
			z.cur, z.blocks = nil, z.blocks[1:]
			if n > 0 {
				return n, nil
			}
			continue
		}
		if err != nil {
			if de, ok := err.(*DataError); ok {
				return n, de
			}
			return n, &DataError{File: z.s.name, Msg: fmt.Sprintf("byte %d: zlib block: %v", b[0], err)}
		}
		return n, nil
	}
}

// bytecode decompresses the bytecode-compressed elements: blocks of 8
// command bytes, each followed by the 8-byte elements its code-253
// commands call for.
type bytecode struct {
	r   *bufio.Reader
	s   *sav
	cmd [8]byte
	at  int // next command in cmd; 8 when a block is to be read
	end bool
}

// Read fills p, whose length is a multiple of 8, with elements; it
// returns io.EOF at the end code or the end of the data.
func (b *bytecode) Read(p []byte) (int, error) {
	n := 0
	for n+8 <= len(p) {
		if b.end {
			break
		}
		if b.at == 8 {
			if _, err := io.ReadFull(b.r, b.cmd[:]); err != nil {
				if err == io.EOF {
					b.end = true
					break
				}
				return n, b.fail(err)
			}
			b.at = 0
		}
		code := b.cmd[b.at]
		b.at++
		e := p[n : n+8]
		switch code {
		case 0:
			continue
		case 252:
			b.end = true
			continue
		case 253:
			if _, err := io.ReadFull(b.r, e); err != nil {
				return n, b.fail(err)
			}
		case 254:
			copy(e, "        ")
		case 255:
			b.s.order.PutUint64(e, math.Float64bits(b.s.sysmis))
		default:
			b.s.order.PutUint64(e, math.Float64bits(float64(code)-b.s.bias))
		}
		n += 8
	}
	if n == 0 && b.end {
		return 0, io.EOF
	}
	return n, nil
}

func (b *bytecode) fail(err error) error {
	if de, ok := err.(*DataError); ok {
		return de
	}
	if err == io.ErrUnexpectedEOF {
		return &DataError{File: b.s.name, Msg: "the compressed data end inside a block: a truncated file?"}
	}
	return &DataError{File: b.s.name, Msg: fmt.Sprintf("reading the compressed data: %v", err), Err: err}
}

func (s *sav) names() []string { return s.header }

// next decodes the next case.
func (s *sav) next(rec []string) ([]string, error) {
	if s.ncases >= 0 && s.cases == s.ncases {
		return nil, io.EOF
	}
	n, err := io.ReadFull(s.data, s.buf)
	if err == io.EOF || (err == nil && n == 0) {
		if s.ncases >= 0 {
			return nil, s.errAt(0, "the data end after %d cases, the header declares %d: a truncated file?", s.cases, s.ncases)
		}
		return nil, io.EOF
	}
	if err != nil {
		if de, ok := err.(*DataError); ok {
			return nil, de
		}
		return nil, s.errAt(0, "the data end inside a case: a truncated file?")
	}
	s.cases++
	for j, v := range s.vars {
		e := s.buf[8*v.slot:]
		if v.width == 0 {
			f := math.Float64frombits(s.order.Uint64(e))
			if f == s.sysmis || f != f || v.isMissing(f) {
				rec[j] = ""
			} else {
				rec[j] = formatNumber(f, 64)
			}
			continue
		}
		b := e[:min(v.width, 255)]
		if len(v.segments) > 0 {
			s.strbuf = append(s.strbuf[:0], b...)
			for _, seg := range v.segments {
				s.strbuf = append(s.strbuf, s.buf[8*seg[0]:8*seg[0]+min(seg[1], 255)]...)
			}
			b = s.strbuf[:min(len(s.strbuf), v.width)]
		}
		b = bytes.TrimRight(b, " \x00")
		if v.isMissingString(b) {
			rec[j] = ""
			continue
		}
		t, err := s.text(b)
		if err != nil {
			return nil, s.errAt(j+1, "%v", err)
		}
		rec[j] = t
	}
	return rec, nil
}

// isMissing reports whether f is one of v's user-missing values.
func (v *savVar) isMissing(f float64) bool {
	switch v.nMissing {
	case 1, 2, 3:
		for _, m := range v.missing[:v.nMissing] {
			if f == m {
				return true
			}
		}
	case -2:
		return f >= v.missing[0] && f <= v.missing[1]
	case -3:
		return (f >= v.missing[0] && f <= v.missing[1]) || f == v.missing[2]
	}
	return false
}

// isMissingString reports whether b (trailing blanks removed) is one of
// v's user-missing strings.
func (v *savVar) isMissingString(b []byte) bool {
	for _, m := range v.strMiss {
		if bytes.Equal(b, m) {
			return true
		}
	}
	return false
}

// errAt is an error in the current case (column 0 for none).
func (s *sav) errAt(col int, format string, args ...any) error {
	e := &DataError{File: s.name, Line: int(s.cases) + 1, Column: col, Msg: fmt.Sprintf("case %d: ", s.cases) + fmt.Sprintf(format, args...)}
	if col > 0 {
		e.ColumnName = s.vars[col-1].name
	}
	return e
}
