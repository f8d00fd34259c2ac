package results

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/trajkit/trajkit/trajectory"
	"github.com/trajkit/trajkit/trajectory/careersio"
)

// WriteTruth writes truth.csv, id,group: each person's true group, its
// 1-based number or its label when the groups have labels. Careers drawn
// from a dual model (s.OutcomeGroups) have id,group_A,group_B instead,
// the true group of each outcome, as the model's assignments.csv names
// them.
func WriteTruth(w io.Writer, s *trajectory.Simulated) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	if s.OutcomeGroups != nil {
		bw.WriteString("id")
		for _, name := range s.OutcomeNames {
			bw.WriteByte(',')
			bw.Write(careersio.AppendField(nil, "group_"+name))
		}
		bw.WriteByte('\n')
	} else {
		bw.WriteString("id,group\n")
	}
	for i, g := range s.Groups {
		b := bw.AvailableBuffer()
		b = careersio.AppendField(b, s.Careers.IDs[i])
		b = append(b, ',')
		switch {
		case s.OutcomeGroups != nil:
			for o, og := range s.OutcomeGroups {
				if o > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, int64(og[i]), 10)
			}
		case s.Labels != nil:
			b = careersio.AppendField(b, s.Labels[g-1])
		default:
			b = strconv.AppendInt(b, int64(g), 10)
		}
		b = append(b, '\n')
		if _, err := bw.Write(b); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// WriteSimulated writes the files of a simulated data set into the set:
// long.csv, wide.csv, truth.csv and, when the generator has person
// variables, persons.csv; then the generator's further files (sim.Files).
// A data set of several outcomes (sim.Outcomes) has long.csv with one
// count column per outcome (careersio.WriteLongOutcomes) and no wide.csv.
func WriteSimulated(s *Set, sim *trajectory.Simulated) error {
	files := []struct {
		name  string
		write func(io.Writer) error
	}{
		{LongFile, func(w io.Writer) error { return careersio.WriteLong(w, sim.Careers) }},
		{WideFile, func(w io.Writer) error { return careersio.WriteWide(w, sim.Careers) }},
		{TruthFile, func(w io.Writer) error { return WriteTruth(w, sim) }},
	}
	if sim.Outcomes != nil {
		files[0].write = func(w io.Writer) error { return careersio.WriteLongOutcomes(w, sim.OutcomeNames, sim.Outcomes) }
		files = slices.Delete(files, 1, 2)
	}
	for _, f := range files {
		if err := s.Write(f.name, f.write); err != nil {
			return err
		}
	}
	if sim.Persons != nil {
		if err := s.Write(PersonsFile, sim.Persons.WriteCSV); err != nil {
			return err
		}
	}
	for _, f := range sim.Files {
		if err := s.Write(f.Name, f.Write); err != nil {
			return err
		}
	}
	return nil
}

// Truth is truth.csv read back: each person's id and true group, as
// WriteTruth writes them.
type Truth struct {
	// Columns are the group columns of the header: "group", or one
	// "group_NAME" per outcome of a dual model.
	Columns []string
	IDs     []string
	// Groups[j][i] is person i's true group in column j: its 1-based
	// number, or its label when the groups had labels.
	Groups [][]string
}

// ReadTruth reads truth.csv from r (name is the file's name in errors):
// the header id,group or id,group_A,group_B, then one row per person with
// a non-empty id and group in every column, no id twice.
func ReadTruth(r io.Reader, name string) (*Truth, error) {
	cr := careersio.NewCSVReader(r, name)
	head, err := cr.Read()
	if err != nil {
		return nil, &careersio.DataError{File: name, Line: 1, Msg: fmt.Sprintf("expected the header of %s: %v", TruthFile, err)}
	}
	if len(head) < 2 || head[0] != "id" || (len(head) == 2) != (head[1] == "group") {
		return nil, &careersio.DataError{File: name, Line: 1, Msg: fmt.Sprintf("expected the header id,group (or id,group_A,group_B of a dual model) of %s, got %s", TruthFile, strings.Join(head, ","))}
	}
	t := &Truth{Columns: head[1:], Groups: make([][]string, len(head)-1)}
	for j, c := range t.Columns {
		if len(head) > 2 && (!strings.HasPrefix(c, "group_") || c == "group_") {
			return nil, &careersio.DataError{File: name, Line: 1, Column: j + 2, Msg: fmt.Sprintf("column %q where group_NAME was expected", c)}
		}
	}
	seen := map[string]int{}
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return t, nil
		}
		if err != nil {
			return nil, &careersio.DataError{File: name, Line: line, Msg: err.Error()}
		}
		for j, v := range rec {
			if v == "" {
				return nil, &careersio.DataError{File: name, Line: line, Column: j + 1, Msg: fmt.Sprintf("empty %s", head[j])}
			}
		}
		if first, ok := seen[rec[0]]; ok {
			return nil, &careersio.DataError{File: name, Line: line, Column: 1, Msg: fmt.Sprintf("id %q again (line %d)", rec[0], first)}
		}
		seen[rec[0]] = line
		t.IDs = append(t.IDs, rec[0])
		for j := range t.Groups {
			t.Groups[j] = append(t.Groups[j], rec[j+1])
		}
	}
}
