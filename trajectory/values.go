package trajectory

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
)

// Float is a number that may be undefined (a standard error that was not
// computed or is not estimable, the APP of a group nobody is assigned
// to): NaN in memory, null in JSON, and read back as NaN. It is the one
// place where the fit's undefined values meet the file formats, since
// encoding/json refuses NaN and infinities.
type Float float64

// IsDefined reports whether x is a finite number.
func (x Float) IsDefined() bool { return !math.IsNaN(float64(x)) && !math.IsInf(float64(x), 0) }

// MarshalJSON writes x as a JSON number, or null when it is NaN or
// infinite.
func (x Float) MarshalJSON() ([]byte, error) {
	if !x.IsDefined() {
		return []byte("null"), nil
	}
	return json.Marshal(float64(x))
}

// UnmarshalJSON reads a number, or null as NaN.
func (x *Float) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*x = Float(math.NaN())
		return nil
	}
	var v float64
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	*x = Float(v)
	return nil
}

// toFloats converts a slice to Floats.
func toFloats(v []float64) []Float {
	if v == nil {
		return nil
	}
	out := make([]Float, len(v))
	for j, x := range v {
		out[j] = Float(x)
	}
	return out
}

// Interval is a confidence interval [low, high]; both NaN when not
// computed. JSON writes [low, high], or null when a bound is undefined.
// The zero value is the absent interval of a fit without a bootstrap.
type Interval [2]float64

// NoInterval is the interval that was not computed.
var NoInterval = Interval{math.NaN(), math.NaN()}

// IsDefined reports whether both bounds are finite.
func (v Interval) IsDefined() bool { return Float(v[0]).IsDefined() && Float(v[1]).IsDefined() }

// MarshalJSON writes [low, high], or null.
func (v Interval) MarshalJSON() ([]byte, error) {
	if !v.IsDefined() {
		return []byte("null"), nil
	}
	return json.Marshal([2]float64(v))
}

// UnmarshalJSON reads [low, high], or null as NoInterval.
func (v *Interval) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		*v = NoInterval
		return nil
	}
	var p [2]Float
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*v = Interval{float64(p[0]), float64(p[1])}
	return nil
}

// Named holds values with names in model order, such as the coefficients
// of the membership model ("(intercept)" and each risk factor) or of the
// time-varying covariates. JSON writes an object from name to value
// (null where a value is undefined), in model order, and reads it back in
// its order.
type Named struct {
	Names  []string
	Values []float64
}

// Value returns the value of a name.
func (n Named) Value(name string) (float64, bool) {
	for j, v := range n.Names {
		if v == name {
			return n.Values[j], true
		}
	}
	return math.NaN(), false
}

// MarshalJSON writes {"name": value, ...} in order.
func (n Named) MarshalJSON() ([]byte, error) {
	if len(n.Names) != len(n.Values) {
		return nil, fmt.Errorf("trajectory: %d names for %d values", len(n.Names), len(n.Values))
	}
	var b bytes.Buffer
	b.WriteByte('{')
	for j, name := range n.Names {
		if j > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		v, _ := Float(n.Values[j]).MarshalJSON()
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads an object from name to number or null, keeping the
// order of its keys.
func (n *Named) UnmarshalJSON(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return errors.New("expected an object from names to numbers")
	}
	*n = Named{Names: []string{}, Values: []float64{}}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return err
		}
		var v Float
		if err := dec.Decode(&v); err != nil {
			return fmt.Errorf("%q: %v", t, err)
		}
		n.Names = append(n.Names, t.(string))
		n.Values = append(n.Values, float64(v))
	}
	_, err := dec.Token()
	return err
}
