package trajectory

import (
	"bytes"
	"errors"
	"math"
	"strings"
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

// FuzzFitTiny fits tiny data sets built from the fuzzer's bytes (each
// byte a count of one person-age, 0xFF an unobserved age) with one to three
// groups, Poisson or ZIP: the fit must end with a result, never panic, and
// hold no NaN or Inf in its model file.
func FuzzFitTiny(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0, 0, 3, 0, 0, 0, 5, 1, 1}, uint8(2), true)
	f.Add([]byte{0, 0, 0, 0}, uint8(1), false)
	f.Add([]byte{255, 7, 255, 0, 200, 0}, uint8(3), true)
	f.Fuzz(func(t *testing.T, data []byte, k uint8, zip bool) {
		const ages = 4
		if len(data) < ages || len(data) > 40*ages {
			return
		}
		var b strings.Builder
		b.WriteString("id,age,y\n")
		for j, v := range data {
			if v == 0xFF {
				continue
			}
			b.WriteString(strings.Join([]string{itoa(j / ages), itoa(12 + j%ages), itoa(int(v))}, ","))
			b.WriteByte('\n')
		}
		c, _, err := ReadCareers(strings.NewReader(b.String()), "tiny.csv", ReadOptions{})
		if err != nil {
			return // no observed cell at all
		}
		groups := 1 + int(k)%3
		if groups > c.Len() {
			groups = c.Len()
		}
		dist, infl := Poisson, -1
		if zip {
			dist, infl = ZIP, 0
		}
		m, err := NewModel(dist, groups, []int{int(k) % 3}, []int{infl})
		if err != nil {
			t.Fatal(err)
		}
		fit, err := Fit(c, m, &Settings{Seed: 1, Starts: 3, Keep: 2, MaxIterations: 200, Threads: 1})
		if err != nil {
			t.Fatalf("valid tiny data gave an error: %v", err)
		}
		var out bytes.Buffer
		if err := fit.File(nil, DataSettings{}).WriteJSON(&out); err != nil {
			t.Fatalf("model file: %v", err)
		}
	})
}

func itoa(v int) string {
	if v == 0 {
		return "0"
	}
	var d []byte
	for v > 0 {
		d = append([]byte{byte('0' + v%10)}, d...)
		v /= 10
	}
	return string(d)
}
