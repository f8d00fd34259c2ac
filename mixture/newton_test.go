package mixture

import (
	"context"
	"math"
	"testing"
)

// quadratic is f(x) = −½ (x − c)ᵀ A (x − c), maximised at c.
type quadratic struct {
	a []float64
	c []float64
}

func (q *quadratic) Dim() int { return len(q.c) }

func (q *quadratic) Eval(x, grad, negHess []float64) float64 {
	n := len(x)
	d := make([]float64, n)
	for i := range d {
		d[i] = x[i] - q.c[i]
	}
	var f float64
	for i := 0; i < n; i++ {
		var ad float64
		for j := 0; j < n; j++ {
			ad += q.a[i*n+j] * d[j]
		}
		f -= 0.5 * d[i] * ad
		if grad != nil {
			grad[i] = -ad
		}
	}
	if negHess != nil {
		copy(negHess, q.a)
	}
	return f
}

// logistic1 is the log-likelihood of a logistic regression with intercept
// only: s successes out of n, maximised at logit(s/n).
type logistic1 struct{ s, n float64 }

func (o *logistic1) Dim() int { return 1 }
func (o *logistic1) Eval(x, grad, negHess []float64) float64 {
	p := 1 / (1 + math.Exp(-x[0]))
	if grad != nil {
		grad[0] = o.s - o.n*p
	}
	if negHess != nil {
		negHess[0] = o.n * p * (1 - p)
	}
	return o.s*x[0] - o.n*math.Log1p(math.Exp(x[0]))
}

func TestNewtonMaximize(t *testing.T) {
	t.Run("quadratic in one step", func(t *testing.T) {
		q := &quadratic{a: []float64{4, 1, 0, 1, 3, 0.5, 0, 0.5, 2}, c: []float64{1, -2, 3}}
		x := []float64{0, 0, 0}
		var nw Newton
		r := nw.Maximize(context.Background(), q, x, 1e-15, 20)
		for i := range x {
			if math.Abs(x[i]-q.c[i]) > 1e-12 {
				t.Errorf("x[%d] = %v, want %v", i, x[i], q.c[i])
			}
		}
		if r.Iterations > 2 || r.IllConditioned {
			t.Errorf("result %+v: want one Newton step, well conditioned", r)
		}
	})
	t.Run("logistic from far away", func(t *testing.T) {
		o := &logistic1{s: 3, n: 40}
		x := []float64{8} // a full Newton step overshoots: step-halving is needed
		var nw Newton
		nw.Maximize(context.Background(), o, x, 1e-15, 100)
		// Closed form: logit(3/40).
		if want := math.Log(3.0 / 37); math.Abs(x[0]-want) > 1e-10 {
			t.Errorf("x = %v, want logit(3/40) = %v", x[0], want)
		}
	})
	t.Run("singular system is flagged", func(t *testing.T) {
		// Rank one: only x0 + x1 is determined.
		q := &quadratic{a: []float64{1, 1, 1, 1}, c: []float64{1, 1}}
		x := []float64{0, 0}
		var nw Newton
		r := nw.Maximize(context.Background(), q, x, 1e-15, 20)
		if !r.IllConditioned {
			t.Errorf("singular Hessian not flagged: %+v", r)
		}
		if math.Abs(x[0]+x[1]-2) > 1e-6 {
			t.Errorf("x0 + x1 = %v, want 2", x[0]+x[1])
		}
	})
}

func TestCholeskySolve(t *testing.T) {
	a := []float64{4, 2, 0.6, 2, 5, 1, 0.6, 1, 3}
	want := []float64{1, -1, 2}
	b := make([]float64, 3)
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			b[i] += a[i*3+j] * want[j]
		}
	}
	l := make([]float64, 9)
	ok, ridged := solveRidged(l, a, b, 3)
	if !ok || ridged {
		t.Fatalf("ok %v ridged %v", ok, ridged)
	}
	for i := range want {
		if math.Abs(b[i]-want[i]) > 1e-13 {
			t.Errorf("x[%d] = %v, want %v", i, b[i], want[i])
		}
	}
}

// cancelAtEval cancels a context at its objective's n-th evaluation.
type cancelAtEval struct {
	Objective
	n, evals int
	cancel   context.CancelFunc
}

func (o *cancelAtEval) Eval(x, grad, negHess []float64) float64 {
	if o.evals++; o.evals == o.n {
		o.cancel()
	}
	return o.Objective.Eval(x, grad, negHess)
}

// TestNewtonCancelled: a context cancelled during an evaluation ends
// Maximize right after it, with x at the last accepted point, bit for bit
// the point of a run stopped there by its iteration limit.
func TestNewtonCancelled(t *testing.T) {
	// From 5, logit(0.001) ≈ −6.9 takes a few steps, the first clipped
	// to MaxStep and accepted without halving (checked below).
	obj := &logistic1{s: 1, n: 1000}
	var nw Newton
	want := []float64{5}
	if r := nw.Maximize(context.Background(), obj, want, 0, 1); r.Iterations != 1 || want[0] == 5 {
		t.Fatalf("reference run: %d iterations to %v, want 1 away from 5", r.Iterations, want[0])
	}
	for _, tc := range []struct {
		name string
		at   int       // the evaluation that cancels
		want []float64 // x on return
	}{
		{"at the start", 1, []float64{5}},
		{"at the first trial point", 2, []float64{5}},
		{"at the second trial point", 3, want},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			o := &cancelAtEval{Objective: obj, n: tc.at, cancel: cancel}
			x := []float64{5}
			r := nw.Maximize(ctx, o, x, 0, 50)
			if o.evals != tc.at {
				t.Errorf("%d evaluations, want %d: Maximize went on after the cancel", o.evals, tc.at)
			}
			if x[0] != tc.want[0] {
				t.Errorf("x = %v, want %v (the last accepted point)", x[0], tc.want[0])
			}
			if tc.at == 1 && !(math.IsNaN(r.F) && math.IsNaN(r.Score)) {
				t.Errorf("cancelled in the first evaluation: F %v, Score %v, want NaN", r.F, r.Score)
			}
		})
	}
}
