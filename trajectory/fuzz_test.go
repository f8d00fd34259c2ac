package trajectory

import (
	"encoding/json"
	"testing"

	"github.com/trajkit/trajkit/mixture"
)

func FuzzFitTiny(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0, 0, 3, 0, 0, 0, 5, 1, 1}, uint8(2), true)
	f.Add([]byte{0, 0, 0, 0}, uint8(1), false)
	f.Add([]byte{255, 7, 255, 0, 200, 0}, uint8(3), true)
	f.Fuzz(func(t *testing.T, data []byte, k uint8, zip bool) {
		const ages = 4
		if len(data) < ages || len(data) > 40*ages {
			return
		}
		b := NewCareerBuilder()
		for j, v := range data {
			if v == 0xFF {
				continue
			}
			if err := b.Add(b.Person(itoa(j/ages)), 12+j%ages, uint32(v), 1); err != nil {
				t.Fatal(err)
			}
		}
		c, err := b.Build(false)
		if err != nil {
			t.Fatal(err)
		}
		if c.Len() == 0 {
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
		fit, err := Fit(c, m, &Settings{Search: mixture.Settings{Seed: 1, Starts: 3, Keep: 2, MaxIterations: 200, Threads: 1}})
		if err != nil {
			t.Fatalf("valid tiny data gave an error: %v", err)
		}
		if _, err := json.Marshal(fit); err != nil {
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
