package careersio

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// Traj is a wide file as Stata's traj takes it: one row per person, counts
// y1..yT by wave, the age of each wave in times t1..tT (each person's
// own), and optional exposures e1..eT by wave.
const Traj Format = "traj"

// trajTimes returns, for each count column of a traj file, the column of
// its time (the same wave number), or an error naming the count column
// without one.
func (rd *reader) trajTimes(h []string, counts []ageColumn) ([]int, error) {
	o := rd.opt
	times, err := prefixed(rd.name, h, o.Time)
	if err != nil {
		return nil, err
	}
	if len(times) == 0 {
		return nil, rd.errAt(1, 0, "", "no time columns %s1, %s2, ... (the age of each wave, --time); the header has %s", o.Time, o.Time, quoteList(h))
	}
	col := map[int]int{}
	for _, c := range times {
		col[c.age] = c.col
	}
	out := make([]int, len(counts))
	for j, c := range counts {
		tc, ok := col[c.age]
		if !ok {
			return nil, rd.errAt(1, c.col+1, h[c.col], "no time column %s%d for this count column of a traj file", o.Time, c.age)
		}
		out[j] = tc
	}
	return out, nil
}

// isTraj reports whether a header has count and time columns by wave,
// every count column with its time column: a traj file.
func (rd *reader) isTraj(h []string, counts []ageColumn) bool {
	times, err := prefixed(rd.name, h, rd.opt.Time)
	if err != nil || len(times) == 0 {
		return false
	}
	col := map[int]bool{}
	for _, c := range times {
		col[c.age] = true
	}
	for _, c := range counts {
		if !col[c.age] {
			return false
		}
	}
	return true
}

// trajAge returns the age of a time cell: the time times the scale, a
// whole number of years.
func (rd *reader) trajAge(b []byte) (age int, missing bool, err error) {
	s := strings.TrimSpace(string(b))
	if isMissing(s) {
		return 0, true, nil
	}
	t, perr := strconv.ParseFloat(s, 64)
	if perr != nil || math.IsNaN(t) || math.IsInf(t, 0) {
		return 0, false, fmt.Errorf("time %q is not a number: expected the age of the wave", s)
	}
	scale := rd.opt.TimeScale
	if scale == 0 {
		scale = 1
	}
	a := t * scale
	r := math.Round(a)
	if math.Abs(a-r) > 1e-9*math.Max(1, math.Abs(a)) {
		if scale == 1 {
			return 0, false, fmt.Errorf("time %q is not a whole number of years: round or bin the times to whole years first, or give the factor that makes them ages (--time-scale 10 for times in decades)", s)
		}
		return 0, false, fmt.Errorf("time %q times the scale %g is %g, not a whole number of years: round or bin the times first", s, scale, a)
	}
	if math.Abs(r) > 1e6 {
		return 0, false, fmt.Errorf("age %g (time %q) is out of range: expected ages within ±1,000,000", r, s)
	}
	return int(r), false, nil
}

// traj reads a traj file: as a wide file, but each count's age is the
// person's time of that wave.
func (rd *reader) traj(h []string) error {
	o := rd.opt
	idCol, err := rd.idColumn(h)
	if err != nil {
		return err
	}
	counts, err := prefixed(rd.name, h, o.Count)
	if err != nil {
		return err
	}
	if len(counts) == 0 {
		return rd.errAt(1, 0, "", "no count columns %s1, %s2, ... (a traj file); the header has %s", o.Count, o.Count, quoteList(h))
	}
	timeOf, err := rd.trajTimes(h, counts)
	if err != nil {
		return err
	}
	expOf := make([]int, len(counts))
	if o.Exposure != "" {
		exps, err := prefixed(rd.name, h, o.Exposure)
		if err != nil {
			return err
		}
		col := map[int]int{}
		for _, c := range exps {
			col[c.age] = c.col
		}
		for j, c := range counts {
			ec, ok := col[c.age]
			if !ok {
				return rd.errAt(1, c.col+1, h[c.col], "no exposure column %s%d for this count column", o.Exposure, c.age)
			}
			expOf[j] = ec
		}
	}
	var ids idSpellings
	for {
		rec, line, raw, id, err := rd.row(h, idCol)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		p, err := rd.onePerson(&ids, h, idCol, raw, line, id, "a traj file")
		if err != nil {
			return err
		}
		observed := false
		for j, c := range counts {
			y, v, missing, err := rd.outs[0].value(rec[c.col])
			if err != nil {
				return rd.errAt(line, c.col+1, h[c.col], "%v", err)
			}
			if missing {
				continue
			}
			tc := timeOf[j]
			age, tmissing, err := rd.trajAge(rec[tc])
			if err != nil {
				return rd.errAt(line, tc+1, h[tc], "%v", err)
			}
			if tmissing {
				return rd.errAt(line, tc+1, h[tc], "missing time beside the observed count %s: expected the age of the wave", h[c.col])
			}
			e := 1.0
			if o.Exposure != "" {
				ec := expOf[j]
				if e, err = parseExposureBytes(rec[ec]); err != nil {
					return rd.errAt(line, ec+1, h[ec], "%v", err)
				}
			}
			observed = true
			if err := rd.add(rd.outs[0], p, age, y, v, e); err != nil {
				return rd.errAt(line, tc+1, h[tc], "%v (two waves at one age?)", err)
			}
		}
		if !observed {
			rd.info.Unobserved = append(rd.info.Unobserved, rd.outs[0].b.ID(p))
		}
	}
}
