package mixture

import (
	"errors"
	"fmt"
	"math"
)

// Problem is a finite mixture to fit: one family per group, the membership
// model, optional parameters shared by the groups, and starts of the
// problem's own.
type Problem struct {
	// Families holds one family per group; K = len(Families). All must
	// have the same Len().
	Families []Family
	// Membership is the model of π_ik; nil means ConstantShares.
	Membership Membership
	// Shared, when not nil, adds parameters common to every group and
	// takes over the M-step of all groups at once (see Shared).
	Shared Shared
	// Weights, when not nil, are per-person sampling weights v_i (length
	// N, finite and > 0; nil means all 1): the fit maximises the weighted
	// log-likelihood
	//
	//	ℓ = Σ_i v_i log Σ_k π_ik f_k(y_i),
	//
	// whose M-steps give the families and the membership the weights
	// v_i p_ik. Fit uses them as given; a caller that wants them relative
	// rescales them first (to sum to N, as Mplus does). Result.LogLik and
	// the trace are ℓ; Result.PersonLogLik and Result.Posterior are the
	// persons' own, unweighted.
	Weights []float64
	// Subset, when not nil, returns the same model bound to the persons
	// of the given shards only (see Shard), in shard order, with the same
	// parameters (membership and shared ones included) and the weights of
	// those persons (Weights). Fit uses it for
	// the runs on a sample of the persons (Settings.StartSample). Without
	// it those runs keep every person, with weight 0 outside the sample,
	// so each of their M-steps still passes over all persons.
	Subset func(shards []int) *Problem
	// InitialWeights are starts given as per-person group weights (each
	// K x N), for example a partition by mean rate. They are used first.
	InitialWeights [][][]float64
	// InitialParams are starts given as parameter vectors in the order of
	// Result.Params, for example a fit warm-started from a related model.
	// They come after InitialWeights.
	InitialParams [][]float64
}

func (p *Problem) membership() Membership {
	if p.Membership == nil {
		return ConstantShares{}
	}
	return p.Membership
}

// numStarts is the number of the problem's own starts.
func (p *Problem) numStarts() int { return len(p.InitialWeights) + len(p.InitialParams) }

func (p *Problem) check() error {
	if len(p.Families) == 0 {
		return errors.New("mixture: no groups")
	}
	k := len(p.Families)
	n := p.Families[0].Len()
	if n == 0 {
		return errors.New("mixture: no persons")
	}
	for _, f := range p.Families {
		if f.Len() != n {
			return errors.New("mixture: families have different numbers of persons")
		}
	}
	for _, w := range p.InitialWeights {
		if len(w) != k {
			return fmt.Errorf("mixture: initial weights for %d groups, want %d", len(w), k)
		}
		for _, row := range w {
			if len(row) != n {
				return fmt.Errorf("mixture: initial weights for %d persons, want %d", len(row), n)
			}
		}
	}
	if p.Weights != nil {
		if len(p.Weights) != n {
			return fmt.Errorf("mixture: weights for %d persons, want %d", len(p.Weights), n)
		}
		for i, v := range p.Weights {
			if !(v > 0) || math.IsInf(v, 1) {
				return fmt.Errorf("mixture: weight %g of person %d: weights must be finite and > 0", v, i)
			}
		}
	}
	np := p.numParams()
	for _, v := range p.InitialParams {
		if len(v) != np {
			return fmt.Errorf("mixture: initial parameters of length %d, want %d", len(v), np)
		}
	}
	return nil
}

// numParams is the number of free parameters of the mixture.
func (p *Problem) numParams() int {
	np := p.membership().NewPrior(len(p.Families), p.Families[0].Len()).NumParams()
	for _, f := range p.Families {
		np += f.NumParams()
	}
	if p.Shared != nil {
		np += p.Shared.NumParams()
	}
	return np
}

// subset returns p's subset on the given shards, checked against p, with
// the problem's starts restricted to the sample.
func (p *Problem) subset(shards []int) (*Problem, error) {
	sp := p.Subset(shards)
	n := p.Families[0].Len()
	persons := 0
	for _, s := range shards {
		from, to := Shard(s, n)
		persons += to - from
	}
	if sp == nil || len(sp.Families) != len(p.Families) {
		return nil, errors.New("mixture: Problem.Subset returned a problem with other groups")
	}
	if (sp.Shared == nil) != (p.Shared == nil) || sp.Shared != nil && sp.Shared.NumParams() != p.Shared.NumParams() {
		return nil, errors.New("mixture: Problem.Subset changed the shared parameters")
	}
	if (sp.Weights == nil) != (p.Weights == nil) {
		return nil, errors.New("mixture: Problem.Subset dropped or added the weights")
	}
	if sp.Families[0].Len() != persons {
		return nil, fmt.Errorf("mixture: Problem.Subset returned %d persons for shards holding %d", sp.Families[0].Len(), persons)
	}
	for j, f := range sp.Families {
		if f.NumParams() != p.Families[j].NumParams() {
			return nil, fmt.Errorf("mixture: Problem.Subset changed the parameters of group %d", j+1)
		}
	}
	sp.InitialWeights = make([][][]float64, len(p.InitialWeights))
	for j, w := range p.InitialWeights {
		sp.InitialWeights[j] = sampleRows(w, shards, n)
	}
	sp.InitialParams = p.InitialParams
	if err := sp.check(); err != nil {
		return nil, err
	}
	return sp, nil
}

// sampleRows returns the columns of w (K x n) of the persons of the
// given shards, in order.
func sampleRows(w [][]float64, shards []int, n int) [][]float64 {
	out := make([][]float64, len(w))
	for j, row := range w {
		for _, s := range shards {
			from, to := Shard(s, n)
			out[j] = append(out[j], row[from:to]...)
		}
	}
	return out
}
