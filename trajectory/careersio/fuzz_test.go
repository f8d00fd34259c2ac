package careersio

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

// checkRead is the property of every reader fuzz target: the reader
// returns careers or a DataError (or an error for an unknown format),
// never panics, and what it returns is a consistent store.
func checkRead(t *testing.T, data []byte, opt ReadOptions) {
	c, _, err := ReadCareers(bytes.NewReader(data), "fuzz.csv", opt)
	if err != nil {
		var de *DataError
		if !errors.As(err, &de) {
			t.Fatalf("error %v (%T) is not a DataError", err, err)
		}
		if de.File != "fuzz.csv" {
			t.Fatalf("error names file %q", de.File)
		}
		return
	}
	if c.Len() == 0 || len(c.Start) != c.Len()+1 || int(c.Start[c.Len()]) != len(c.Y) {
		t.Fatalf("inconsistent store: %d persons, %d starts, %d cells", c.Len(), len(c.Start), len(c.Y))
	}
	for i := 0; i < c.Len(); i++ {
		if c.Lo[i] > c.Hi[i] || int(c.Hi[i]) >= c.NumAges {
			t.Fatalf("person %d: window %d-%d of %d ages", i, c.Lo[i], c.Hi[i], c.NumAges)
		}
		if math.IsNaN(c.Const[i]) || math.IsInf(c.Const[i], 0) {
			t.Fatalf("person %d: constant %v", i, c.Const[i])
		}
		prev := -1
		for k := c.Start[i]; k < c.Start[i+1]; k++ {
			a := int(c.Age[k])
			if a <= prev || a < int(c.Lo[i]) || a > int(c.Hi[i]) {
				t.Fatalf("person %d: cell ages out of order or window", i)
			}
			prev = a
		}
	}
}

func FuzzReadLong(f *testing.F) {
	for _, s := range []string{
		"id,age,y\n1,12,0\n1,13,2\n2,12,1\n",
		"id,age,y,e\n1,12,0,0.5\n1,14,3,1\n",
		"\ufeffid,age,y\r\n\"a\",12,1\r\n",
		"id,age,y\n1,12,-1\n",
		"id,age,y\n1,12.5,0\n",
		"id,age,y\n1,12,0\n1,12,0\n",
		"id,age,y\n1,12\n",
		"id,age,y\nA,12,0\n A,13,0\nA ,14,1\n",
		"x\n",
		"",
	} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte("id,age,y,e\n1,12,0,0\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, exposure bool) {
		opt := ReadOptions{Format: Long}
		if exposure {
			opt.Exposure = "e"
		}
		checkRead(t, data, opt)
	})
}

func FuzzReadWide(f *testing.F) {
	for _, s := range []string{
		"id,y12,y13\n1,0,2\n2,,1\n",
		"id,y12,y13,e12,e13\n1,0,2,1,0.5\n",
		"id,y12\n1,NA\n",
		"id,y12,y13\n1,0,x\n",
		"id,y12\n1,0\n1,1\n",
		"id,y0,y255\n1,1,1\n",
		"id,y12,y99999999999999999999\n1,0,1\n",
		"id,y12,y012\n1,0,\n",
		"id,y12\n A,0\nA,1\n",
	} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte("id,y12,e12\n1,2,1e-300\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, exposure bool) {
		opt := ReadOptions{Format: Wide}
		if exposure {
			opt.Exposure = "e"
		}
		checkRead(t, data, opt)
	})
}

// FuzzReadPersons: ReadPersons returns a table or a DataError, never
// panics, and every column of a table it returns is numeric with a value
// per row or categorical with a code per row, each a level or −1.
func FuzzReadPersons(f *testing.F) {
	for _, s := range []string{
		"id,x,y\n1,2,a\n2,NA,b\n",
		"id,x\n1,true\n2,false\n3,\n",
		"id,x\n1,1\n2,abc\n",
		"id,x\n1,1e400\n",
		"id,x\n1,Inf\n",
		"id,x\n1,2\n1 ,3\n",
		"id,x\n,2\n",
		"id\n",
	} {
		f.Add([]byte(s), false)
	}
	f.Add([]byte("id,x\n1,1\n2,abc\n"), true)
	f.Fuzz(func(t *testing.T, data []byte, categorical bool) {
		opt := PersonOptions{}
		if categorical {
			opt.Categorical = []string{"x"}
		}
		tb, err := ReadPersons(bytes.NewReader(data), "fuzz.csv", opt)
		if err != nil {
			var de *DataError
			if !errors.As(err, &de) || de.File != "fuzz.csv" {
				t.Fatalf("error %v (%T) is not a DataError of fuzz.csv", err, err)
			}
			return
		}
		n := len(tb.IDs)
		if n == 0 || len(tb.Lines) != n {
			t.Fatalf("%d ids, %d lines", n, len(tb.Lines))
		}
		for _, pc := range tb.Columns {
			if categorical && pc.Name == "x" && pc.Numeric {
				t.Fatal("column x is named categorical but numeric")
			}
			if pc.Numeric {
				if len(pc.Values) != n || pc.Codes != nil {
					t.Fatalf("numeric column %q: %d values for %d rows", pc.Name, len(pc.Values), n)
				}
				for _, v := range pc.Values {
					if math.IsInf(v, 0) {
						t.Fatalf("column %q: value %v", pc.Name, v)
					}
				}
				continue
			}
			if len(pc.Codes) != n {
				t.Fatalf("categorical column %q: %d codes for %d rows", pc.Name, len(pc.Codes), n)
			}
			for _, c := range pc.Codes {
				if c < -1 || c >= len(pc.Levels) {
					t.Fatalf("column %q: code %d of %d levels", pc.Name, c, len(pc.Levels))
				}
			}
		}
	})
}

// FuzzFitTiny fits tiny data sets built from the fuzzer's bytes (each
// byte a count of one person-age, 0xFF an unobserved age) with one to three
// groups, trajectory.Poisson or ZIP: the fit must end with a result, never panic, and
// hold no NaN or Inf in its model file.
