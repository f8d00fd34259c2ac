package results

import (
	"bufio"
	"io"
	"slices"
	"strconv"

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
