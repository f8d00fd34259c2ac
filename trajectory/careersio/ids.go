package careersio

import "fmt"

// idSpellings remembers how the rows of a career file write each person's
// id. White space around an id is trimmed, as around every field (what
// strings.TrimSpace removes: ASCII spaces, tabs and line ends, and Unicode
// spaces such as the no-break space), so " A" and "A" are one id; a file
// that writes one id both ways is an error naming both lines, never one
// person made silently of two spellings. A long file has a row per age, so
// the same spelling again is the same person.
//
// It keeps each person's first line and, for the few ids written with
// white space around them, their first spelling: the usual id costs a
// comparison of lengths.
type idSpellings struct {
	first  []int          // the line of person p's first row
	padded map[int]string // person p's id as its first row writes it, when trimming changed it
}

// see records how line writes the id of person p: raw as written, id
// trimmed; isNew when the line is p's first. When p's first row writes the
// id otherwise, it returns a message that names that row's line and
// spelling; otherwise "". It is small enough to be inlined (cost 80, the
// budget) for the usual row: a person seen before, whose id has no white
// space around it, in a file without such ids.
func (s *idSpellings) see(p int, isNew bool, raw, id []byte, line int) string {
	if isNew || len(raw) != len(id) || s.padded != nil {
		return s.record(p, isNew, raw, id, line)
	}
	return ""
}

// record is see for the other rows.
func (s *idSpellings) record(p int, isNew bool, raw, id []byte, line int) string {
	trimmed := len(raw) != len(id)
	if isNew {
		s.first = append(s.first, line)
		if trimmed {
			if s.padded == nil {
				s.padded = map[int]string{}
			}
			s.padded[p] = string(raw)
		}
		return ""
	}
	was, ok := s.padded[p]
	switch {
	case ok && was == string(raw), !ok && !trimmed:
		return ""
	case !ok:
		was = string(id)
	}
	return spellingMsg(string(raw), string(id), was, s.first[p])
}

// spellingMsg says that a row writes an id raw, which trims to id, and
// that line firstLine writes it firstRaw.
func spellingMsg(raw, id, firstRaw string, firstLine int) string {
	return fmt.Sprintf("person id %q is %q with the white space around it trimmed, and line %d writes that id %q: one id written two ways; write it the same way on every row",
		raw, id, firstLine, firstRaw)
}
