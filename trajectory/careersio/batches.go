package careersio

import (
	"bytes"
	"io"
	"runtime"
	"strconv"
	"unicode/utf8"

	"github.com/trajkit/trajkit/trajectory"
)

// A batch is a run of records of a long or wide career file, split: what
// the reader's two halves, the one that reads the file and the one that
// builds the careers, hand over (reader.each). Only the fields the second
// half needs are copied out of the read buffer. In a wide file the cells
// are parsed (cells); in a long file, whose records are short, the fields
// of the age and cells are copied as written (fields) and parsed by the
// second half, which would otherwise wait for the first.
type batch struct {
	recs  []batchRecord
	cells []batchCell
	// fields are the fields of the columns a long file's records are
	// read from (reader.longColumns), record after record, in ids.
	fields []fieldSpan
	// ids holds the id fields of the records as written, and in a long
	// file the fields of fields.
	ids []byte
	// err ends the batch and the reading: io.EOF at the end of the file,
	// or the error of the record after the last, found before its person
	// is looked up (a CSV error, a field too long, an empty id and, in a
	// wide file, with lastErr, a cell of the last record that does not
	// parse). It is nil when more batches follow.
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
// ids[id0:id1]) and, in a wide file, the end of its cells in batch.cells,
// which start where the record before ends them. It holds no pointer, and
// offsets in int32, which the bytes of a batch (batchBytes and those of
// one record more, a few fields of at most MaxFieldBytes) cannot
// overflow, so that appending one is a copy of 32 bytes.
type batchRecord struct {
	line                        int
	raw0, raw1, id0, id1, cells int32
}

// fieldSpan is where a field is in batch.ids: ids[start:end].
type fieldSpan struct{ start, end int32 }

// of returns the field in ids.
func (f fieldSpan) of(ids []byte) []byte { return ids[f.start:f.end] }

// batchCell is an observed cell of a record of a wide file: count y, or
// the real value v, with exposure e; q is the index of its column in
// reader.wideCols.
type batchCell struct {
	q    int
	y    uint32
	v, e float64
}

// The size of a batch: it ends after batchRecords records or once it
// holds batchCells cells, some 400 persons of a wide file with 39 ages,
// or batchBytes bytes of fields, so that the few batches in flight take a
// few MB. A run of fields of a long file up to maxRun bytes is copied at
// once (batch.addFields).
const (
	batchRecords = 2048
	batchCells   = 1 << 14
	batchBytes   = 1 << 22
	maxRun       = 1 << 10
)

// newBatch returns an empty batch of size records with room for them and
// their cells.
func newBatch(size int) *batch {
	return &batch{size: size, recs: make([]batchRecord, 0, size), cells: make([]batchCell, 0, batchCells+trajectory.MaxAges)}
}

// full reports whether b has its records.
func (b *batch) full() bool {
	return len(b.recs) >= b.size || len(b.cells) >= batchCells || len(b.ids) >= batchBytes
}

// reset empties b for reuse.
func (b *batch) reset() {
	b.recs, b.cells, b.fields, b.ids, b.err, b.lastErr = b.recs[:0], b.cells[:0], b.fields[:0], b.ids[:0], nil, false
}

// add appends a record, on line, whose id field is raw and trimmed id (a
// part of raw, nil both without an id column), with its cells the ones
// added since the record before.
func (b *batch) add(line int, raw, id []byte) {
	raw0 := len(b.ids)
	b.ids = append(b.ids, raw...)
	// id is raw[k:k+len(id)]: bytes.TrimSpace returns a part of raw.
	id0 := raw0 + cap(raw) - cap(id)
	b.recs = append(b.recs, batchRecord{line: line, raw0: int32(raw0), raw1: int32(len(b.ids)),
		id0: int32(id0), id1: int32(id0 + len(id)), cells: int32(len(b.cells))})
}

// addFields appends a record of a long file, rec on line, whose id field
// is raw and trimmed id, with its fields of the columns cols. The fields
// from column lo to column hi, which hold the id and those of cols, are
// one run of bytes in rec (recordReader.next); when the run is short, as
// nearly always, it is copied at once, which costs less than a copy per
// field, and otherwise field by field, leaving out the columns between.
func (b *batch) addFields(line int, rec [][]byte, raw, id []byte, cols []int, lo, hi int) {
	first, last := rec[lo], rec[hi]
	if n := cap(first) - cap(last) + len(last); n > maxRun {
		b.add(line, raw, id)
		for _, j := range cols {
			start := len(b.ids)
			b.ids = append(b.ids, rec[j]...)
			b.fields = append(b.fields, fieldSpan{int32(start), int32(len(b.ids))})
		}
		return
	}
	// A field f of rec starts cap(first) − cap(f) bytes into the run.
	start := len(b.ids) + cap(first)
	b.ids = append(b.ids, first[:cap(first)-cap(last)+len(last)]...)
	raw0, id0 := start-cap(raw), start-cap(id)
	b.recs = append(b.recs, batchRecord{line: line, raw0: int32(raw0), raw1: int32(raw0 + len(raw)),
		id0: int32(id0), id1: int32(id0 + len(id))})
	for _, j := range cols {
		f0 := start - cap(rec[j])
		b.fields = append(b.fields, fieldSpan{int32(f0), int32(f0 + len(rec[j]))})
	}
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
	// The fields are one run of bytes (recordReader.next): when it is
	// short, so is every field.
	first, last := rec[0], rec[len(rec)-1]
	if cap(first)-cap(last)+len(last) > MaxFieldBytes {
		for j, f := range rec {
			if len(f) > MaxFieldBytes {
				return nil, 0, nil, nil, fieldTooLong(rd.name, line, j)
			}
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

// fillLong returns the fill of a long file (reader.each) with the id in
// column idCol: it splits each record and copies its id and the fields
// of cols (longColumns) into the batch, leaving the parsing of the age
// and cells to useLong. The parsing is the consumer's so that the two
// halves share the work of a long file, whose many short records make
// splitting them most of it.
func (rd *reader) fillLong(h []string, idCol int, cols []int) func(*batch) {
	lo, hi := idCol, idCol
	for _, j := range cols {
		lo, hi = min(lo, j), max(hi, j)
	}
	return func(b *batch) {
		for !b.full() {
			rec, line, raw, id, err := rd.split(h, idCol)
			if err != nil {
				b.err = err
				return
			}
			b.addFields(line, rec, raw, id, cols, lo, hi)
		}
	}
}

// longColumns returns the columns of a long file whose fields useLong
// parses, in the order it reads them (batch.fields): the age, then each
// outcome's count and its exposure, when it has one.
func (rd *reader) longColumns(ageCol int) []int {
	cols := []int{ageCol}
	for _, out := range rd.outs {
		cols = append(cols, out.col)
		if out.eCol >= 0 {
			cols = append(cols, out.eCol)
		}
	}
	return cols
}

// useLong returns the use of a long file (reader.each) with the id and
// age in columns idCol and ageCol and the fields of longColumns: it
// parses the age and every outcome's cell of each record, in the order
// and with the errors of the reading one record at a time, then adds the
// record's person and cells. A row with the raw id of the row before is
// the same person, as PersonBytes and idSpellings would find again.
func (rd *reader) useLong(h []string, idCol, ageCol int, cols []int) func(*batch) error {
	var ids idSpellings
	var last []byte // the raw id of the row before, person lastP
	lastP := -1
	cells := make([]batchCell, len(rd.outs))
	missing := make([]bool, len(rd.outs))
	at := make([]int, len(rd.outs)) // the field of each outcome's count; its exposure's follows
	for k, j := 0, 1; k < len(rd.outs); k++ {
		at[k] = j
		if j++; rd.outs[k].eCol >= 0 {
			j++
		}
	}
	return func(b *batch) error {
		for i := range b.recs {
			r := &b.recs[i]
			rd.info.Rows++
			f := b.fields[i*len(cols) : (i+1)*len(cols)]
			age, err := parseAgeBytes(f[0].of(b.ids))
			if err != nil {
				return rd.errAt(r.line, ageCol+1, h[ageCol], "%v", err)
			}
			observed := false
			for k, out := range rd.outs {
				c := &cells[k]
				c.e = 1
				if c.y, c.v, missing[k], err = out.value(f[at[k]].of(b.ids)); err != nil {
					return rd.errAt(r.line, out.col+1, h[out.col], "%v", err)
				}
				observed = observed || !missing[k]
			}
			if !observed {
				return rd.missingRow(r.line, h)
			}
			for k, out := range rd.outs {
				if out.eCol >= 0 && !missing[k] {
					if cells[k].e, err = parseExposureBytes(f[at[k]+1].of(b.ids)); err != nil {
						return rd.errAt(r.line, out.eCol+1, h[out.eCol], "%v", err)
					}
				}
			}
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
				if err := rd.rows.Add(p, age, 0, 1); err != nil {
					return rd.errAt(r.line, ageCol+1, h[ageCol], "%v", err)
				}
			}
			for k, c := range cells {
				if missing[k] {
					continue
				}
				if err := rd.add(rd.outs[k], p, age, c.y, c.v, c.e); err != nil {
					return rd.errAt(r.line, ageCol+1, h[ageCol], "%v", err)
				}
			}
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
			b.add(line, raw, id)
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
