package careersio

import (
	"bytes"
	"io"
	"runtime"
	"strconv"
	"unicode/utf8"

	"github.com/trajkit/trajkit/trajectory"
)

// A batch is a run of records of a long or wide career file, split and
// their cells parsed: what the reader's two halves, the one that reads
// the file and the one that builds the careers, hand over (reader.each).
// Only the ids are copied out of the read buffer; the cells are parsed.
type batch struct {
	recs  []batchRecord
	cells []batchCell
	// ids holds the id fields of the records as written, one after the
	// other.
	ids []byte
	// err ends the batch and the reading: io.EOF at the end of the file,
	// or the error of the record after the last, found before its person
	// is looked up (a CSV error, a field too long, an empty id and, in a
	// long file, a cell that does not parse), or with lastErr that of the
	// last record. It is nil when more batches follow.
	err error
	// lastErr says that err is the error of a cell of the last record,
	// a wide one, that does not parse: it comes after the record's person
	// and the cells before it are added.
	lastErr bool
	// size is the number of records that fills the batch, unless
	// batchCells cells do first.
	size int
}

// batchRecord is a record of a batch: the line it starts on, where its
// id is in batch.ids (the field as written, ids[raw0:raw1], and trimmed,
// ids[id0:id1]), its age (long files) and the end of its cells in
// batch.cells, which start where the record before ends them. It holds
// no pointer, and offsets in int32, which the ids of batchRecords records
// (at most MaxFieldBytes each) cannot overflow, so that appending one is
// a copy of 40 bytes.
type batchRecord struct {
	line, age                   int
	raw0, raw1, id0, id1, cells int32
}

// batchCell is an observed cell of a record: count y, or the real value v,
// with exposure e. q says which: in a wide file the index of its column in
// reader.wideCols, in a long file that of its outcome in reader.outs.
type batchCell struct {
	q    int
	y    uint32
	v, e float64
}

// The size of a batch: it ends after batchRecords records or once it
// holds batchCells cells, some 400 persons of a wide file with 39 ages,
// so that the few batches in flight take a few MB.
const (
	batchRecords = 2048
	batchCells   = 1 << 14
)

// newBatch returns an empty batch of size records with room for them and
// their cells.
func newBatch(size int) *batch {
	return &batch{size: size, recs: make([]batchRecord, 0, size), cells: make([]batchCell, 0, batchCells+trajectory.MaxAges)}
}

// full reports whether b has its records.
func (b *batch) full() bool { return len(b.recs) >= b.size || len(b.cells) >= batchCells }

// reset empties b for reuse.
func (b *batch) reset() {
	b.recs, b.cells, b.ids, b.err, b.lastErr = b.recs[:0], b.cells[:0], b.ids[:0], nil, false
}

// add appends a record, on line, whose id field is raw and trimmed id (a
// part of raw, nil both without an id column), with age and its cells
// the ones added since the record before.
func (b *batch) add(line int, raw, id []byte, age int) {
	raw0 := len(b.ids)
	b.ids = append(b.ids, raw...)
	// id is raw[k:k+len(id)]: bytes.TrimSpace returns a part of raw.
	id0 := raw0 + cap(raw) - cap(id)
	b.recs = append(b.recs, batchRecord{line: line, raw0: int32(raw0), raw1: int32(len(b.ids)),
		id0: int32(id0), id1: int32(id0 + len(id)), age: age, cells: int32(len(b.cells))})
}

// id returns the id field of record r as written and trimmed.
func (b *batch) id(r *batchRecord) (raw, id []byte) {
	return b.ids[r.raw0:r.raw1], b.ids[r.id0:r.id1]
}

// each reads the records of a long or wide file with fill, a batch at a
// time, and hands the batches to use in file order; use returns the first
// error of its records in file order, and each returns the first error of
// the file: use's, or the err of the last batch (nil at the end of the
// file). Both halves find the errors the one-record-at-a-time reading
// finds, at the same points, so the errors do not depend on how the work
// is shared.
//
// When the first batch is not the last (a file of more than a few
// hundred records), the reader is not sequential and the program may run
// on more than one core (GOMAXPROCS), fill runs in a goroutine of its
// own, at most three batches ahead of use; it stops once use stops, and
// each waits for it, so no goroutine outlives the call and nothing reads
// the input after it. With an error found by use, each returns once the
// batch being filled is complete, which on a pipe may take until more
// bytes come.
func (rd *reader) each(fill func(*batch), use func(*batch) error) error {
	size := batchRecords
	if rd.opt.batch > 0 {
		size = rd.opt.batch
	}
	b := &batch{size: size} // grown as needed: most files are a batch or less
	fill(b)
	next := func() *batch {
		b.reset()
		fill(b)
		return b
	}
	if b.err == nil && !rd.opt.sequential && runtime.GOMAXPROCS(0) > 1 {
		full := make(chan *batch, 2)
		free := make(chan *batch, 4)
		done := make(chan struct{})
		exited := make(chan struct{})
		go produce(fill, size, full, free, done, exited)
		defer func() {
			close(done)
			<-exited
		}()
		next = func() *batch {
			select {
			case free <- b:
			default:
			}
			return <-full
		}
	}
	for {
		if err := use(b); err != nil {
			return err
		}
		if b.err == io.EOF {
			return nil
		}
		if b.err != nil {
			return b.err
		}
		b = next()
	}
}

// produce is each's reading goroutine: it fills batches of size records,
// recycled from free when there are any, and sends them on full until one
// ends the reading or done is closed; then it closes exited.
func produce(fill func(*batch), size int, full chan<- *batch, free <-chan *batch, done <-chan struct{}, exited chan<- struct{}) {
	defer close(exited)
	for {
		select {
		case <-done:
			return
		default:
		}
		var b *batch
		select {
		case b = <-free:
			b.reset()
		default:
			b = newBatch(size)
		}
		fill(b)
		select {
		case full <- b:
		case <-done:
			return
		}
		if b.err != nil {
			return
		}
	}
}

// split reads the next data record of a career file and its id field,
// raw, with id its trimmed value, which must not be empty (both nil
// without an id column, idCol −1); err is io.EOF at the end of the file.
func (rd *reader) split(h []string, idCol int) (rec [][]byte, line int, raw, id []byte, err error) {
	rec, line, err = rd.rr.next()
	if err == io.EOF {
		return nil, 0, nil, nil, err
	}
	if err != nil {
		return nil, 0, nil, nil, CSVError(rd.name, rd.cr, err)
	}
	for j, f := range rec {
		if len(f) > MaxFieldBytes {
			return nil, 0, nil, nil, fieldTooLong(rd.name, line, j)
		}
	}
	if idCol < 0 {
		return rec, line, nil, nil, nil
	}
	raw = rec[idCol]
	if id = bytes.TrimSpace(raw); len(id) == 0 {
		return nil, 0, nil, nil, rd.errAt(line, idCol+1, h[idCol], "empty person id")
	}
	return rec, line, raw, id, nil
}

// fillLong returns the fill of a long file (reader.each) with the id
// and age in columns idCol and ageCol: it parses the age and every
// outcome's cell of each record, in the order and with the errors of the
// reading one record at a time.
func (rd *reader) fillLong(h []string, idCol, ageCol int) func(*batch) {
	cells := make([]batchCell, len(rd.outs))
	missing := make([]bool, len(rd.outs))
	return func(b *batch) {
		for !b.full() {
			rec, line, raw, id, err := rd.split(h, idCol)
			if err != nil {
				b.err = err
				return
			}
			age, err := parseAgeBytes(rec[ageCol])
			if err != nil {
				b.err = rd.errAt(line, ageCol+1, h[ageCol], "%v", err)
				return
			}
			observed := false
			for k, out := range rd.outs {
				c := &cells[k]
				c.q, c.e = k, 1
				if c.y, c.v, missing[k], err = out.value(rec[out.col]); err != nil {
					b.err = rd.errAt(line, out.col+1, h[out.col], "%v", err)
					return
				}
				observed = observed || !missing[k]
			}
			if !observed {
				b.err = rd.missingRow(line, h)
				return
			}
			for k, out := range rd.outs {
				if out.eCol >= 0 && !missing[k] {
					if cells[k].e, err = parseExposureBytes(rec[out.eCol]); err != nil {
						b.err = rd.errAt(line, out.eCol+1, h[out.eCol], "%v", err)
						return
					}
				}
			}
			for k, c := range cells {
				if !missing[k] {
					b.cells = append(b.cells, c)
				}
			}
			b.add(line, raw, id, age)
		}
	}
}

// useLong returns the use of a long file (reader.each) with the id and
// age in columns idCol and ageCol: it adds each record's person and
// cells. A row with the raw id of the row before is the same person, as
// PersonBytes and idSpellings would find again.
func (rd *reader) useLong(h []string, idCol, ageCol int) func(*batch) error {
	var ids idSpellings
	var last []byte // the raw id of the row before, person lastP
	lastP := -1
	return func(b *batch) error {
		var from int32
		for i := range b.recs {
			r := &b.recs[i]
			rd.info.Rows++
			raw, id := b.id(r)
			p := lastP
			if p < 0 || !bytes.Equal(raw, last) {
				var isNew bool
				p, isNew = rd.person(id)
				if isNew && !utf8.Valid(id) {
					return rd.notUTF8(r.line, idCol, h, id)
				}
				if msg := ids.see(p, isNew, raw, id, r.line); msg != "" {
					return rd.errAt(r.line, idCol+1, h[idCol], "%s", msg)
				}
				last, lastP = append(last[:0], raw...), p
			}
			if rd.rows != nil {
				if err := rd.rows.Add(p, r.age, 0, 1); err != nil {
					return rd.errAt(r.line, ageCol+1, h[ageCol], "%v", err)
				}
			}
			for _, c := range b.cells[from:r.cells] {
				if err := rd.add(rd.outs[c.q], p, r.age, c.y, c.v, c.e); err != nil {
					return rd.errAt(r.line, ageCol+1, h[ageCol], "%v", err)
				}
			}
			from = r.cells
		}
		return nil
	}
}

// wideColumn is a count column of a wide file: its outcome (an index in
// reader.outs), age, column and exposure column (−1 without exposure).
type wideColumn struct{ out, age, col, exp int }

// fillWide returns the fill of a wide file (reader.each) with the id in
// column idCol (−1 without): it parses the cells of each record in the
// order of rd.wideCols, keeping the observed ones, up to the first that
// does not parse.
func (rd *reader) fillWide(h []string, idCol int) func(*batch) {
	return func(b *batch) {
		for !b.full() {
			rec, line, raw, id, err := rd.split(h, idCol)
			if err != nil {
				b.err = err
				return
			}
			var cellErr error
			for q, wc := range rd.wideCols {
				y, v, missing, err := rd.outs[wc.out].value(rec[wc.col])
				if err != nil {
					cellErr = rd.errAt(line, wc.col+1, h[wc.col], "%v", err)
					break
				}
				if missing {
					continue
				}
				e := 1.0
				if wc.exp >= 0 {
					if e, err = parseExposureBytes(rec[wc.exp]); err != nil {
						cellErr = rd.errAt(line, wc.exp+1, h[wc.exp], "%v", err)
						break
					}
				}
				b.cells = append(b.cells, batchCell{q: q, y: y, v: v, e: e})
			}
			b.add(line, raw, id, 0)
			if cellErr != nil {
				b.err, b.lastErr = cellErr, true
				return
			}
		}
	}
}

// useWide returns the use of a wide file (reader.each) with the id in
// column idCol (−1 without): it adds each record's person, then her cells,
// and notes the persons without an observed cell.
func (rd *reader) useWide(h []string, idCol int) func(*batch) error {
	var ids idSpellings
	return func(b *batch) error {
		var from int32
		for i := range b.recs {
			r := &b.recs[i]
			rd.info.Rows++
			raw, id := b.id(r)
			if idCol < 0 {
				rd.idBuf = strconv.AppendInt(rd.idBuf[:0], int64(rd.info.Rows), 10)
				id = rd.idBuf
			}
			p, err := rd.onePerson(&ids, h, idCol, raw, r.line, id, "a wide file")
			if err != nil {
				return err
			}
			cells := b.cells[from:r.cells]
			from = r.cells
			for _, c := range cells {
				wc := rd.wideCols[c.q]
				if err := rd.add(rd.outs[wc.out], p, wc.age, c.y, c.v, c.e); err != nil {
					return rd.errAt(r.line, wc.col+1, h[wc.col], "%v", err)
				}
			}
			if b.lastErr && i == len(b.recs)-1 {
				return b.err
			}
			if len(cells) == 0 {
				rd.info.Unobserved = append(rd.info.Unobserved, rd.outs[0].b.ID(p))
			}
		}
		return nil
	}
}
