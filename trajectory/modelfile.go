package trajectory

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
)

// ModelFile is the JSON form of a fitted model (model.json). Field names
// are a public interface: other tools and later commands read them.
type ModelFile struct {
	Software     string       `json:"software"`
	Distribution Distribution `json:"distribution"`
	LogLik       float64      `json:"loglik"`
	NParams      int          `json:"n_params"`
	NPersons     int          `json:"n_persons"`
	NObs         int          `json:"n_obs"`
	// BICPersons and BICObs are −2ℓ + p ln N (smaller is better) with N
	// persons and N observed person-age cells.
	BICPersons float64      `json:"bic_persons"`
	BICObs     float64      `json:"bic_obs"`
	AIC        float64      `json:"aic"`
	Entropy    *float64     `json:"entropy"`
	Status     string       `json:"status"`
	Warnings   []string     `json:"warnings"`
	Iterations int          `json:"iterations"`
	Starts     StartsFile   `json:"starts"`
	AgeScaling AgeScaling   `json:"age_scaling"`
	Settings   FileSettings `json:"settings"`
	Groups     []GroupFile  `json:"groups"`
	// Covariance is the estimated covariance matrix of the free parameters
	// (inverse observed information), null when not computed or singular.
	Covariance *Covariance `json:"covariance"`
	// Bootstrap reports a bootstrap run, when one was asked for.
	Bootstrap *BootstrapReport `json:"bootstrap,omitempty"`
	// Covariates names the risk factors of membership and the time-varying
	// covariates of the trajectories, when the model has any.
	Covariates *CovariatesFile `json:"covariates,omitempty"`
	// Timing holds every field that changes from run to run; the rest of
	// the file is identical for the same data, settings and seed.
	Timing map[string]float64 `json:"timing,omitempty"`
}

// StartsFile is the multi-start report.
type StartsFile struct {
	Total            int       `json:"total"`
	RunToConvergence int       `json:"run_to_convergence"`
	ReachedBest      int       `json:"reached_best"`
	Optima           []float64 `json:"optima"`
	// With short runs on a sample (data of more than 65,536 persons):
	// the sample's size, and how many distinct optima the runs to
	// convergence reached on it, each continued with all persons.
	SamplePersons int `json:"sample_persons,omitempty"`
	Continued     int `json:"continued,omitempty"`
}

// FileSettings are the settings of a fit, enough to refit or to re-read
// the data.
type FileSettings struct {
	Groups          int          `json:"groups"`
	Orders          []int        `json:"orders"`
	InflationOrders []int        `json:"inflation_orders"`
	Seed            uint64       `json:"seed"`
	Starts          int          `json:"starts"`
	Keep            int          `json:"keep"`
	ConvergeAll     bool         `json:"converge_all"`
	Accelerate      bool         `json:"accelerate,omitempty"`
	Tolerance       float64      `json:"tolerance"`
	ScoreTolerance  float64      `json:"score_tolerance"`
	MaxIterations   int          `json:"max_iterations"`
	AgeWindow       [2]int       `json:"age_window"`
	Data            DataSettings `json:"data"`
}

// DataSettings say where the data came from and how they were read.
type DataSettings struct {
	File     string `json:"file"`
	Format   Format `json:"format"`
	ID       string `json:"id"`
	Age      string `json:"age"`
	Count    string `json:"count"`
	Exposure string `json:"exposure"`
	// Ages is the --ages window as given ("" for all ages).
	Ages string `json:"ages"`
	// Tcov names the time-varying covariates read with the careers.
	Tcov []string `json:"tcov,omitempty"`
	// MinExposure is the --min-exposure floor, when one was applied.
	MinExposure float64 `json:"min_exposure,omitempty"`
	// Persons is the person file and Risk the risk factors, when used.
	Persons string   `json:"persons,omitempty"`
	Risk    []string `json:"risk,omitempty"`
}

// Covariance is a named covariance matrix; entries are null where they
// could not be estimated.
type Covariance struct {
	Names  []string     `json:"names"`
	Matrix [][]*float64 `json:"matrix"`
}

// BootstrapReport summarises a bootstrap.
type BootstrapReport struct {
	Type       string `json:"type"` // "person" or "parametric"
	Replicates int    `json:"replicates"`
	Failed     int    `json:"failed"`
	// Relabelled counts replicates whose groups had to be matched to the
	// original fit's in another order.
	Relabelled int    `json:"relabelled"`
	Seed       uint64 `json:"seed"`
}

// CovariatesFile names a model's covariates.
type CovariatesFile struct {
	// Risk are the membership model's covariates (categorical variables
	// expanded to "variable=level" indicators), from RiskVariables.
	Risk          []string   `json:"risk,omitempty"`
	RiskVariables []string   `json:"risk_variables,omitempty"`
	Reference     int        `json:"reference,omitempty"` // 1-based reference group of the membership model
	Wald          []WaldFile `json:"wald,omitempty"`
	Tcov          []string   `json:"tcov,omitempty"`
	// CurveAt says at which covariate values the curves are given.
	CurveAt string `json:"curve_at,omitempty"`
}

// WaldFile is a Wald test that a risk factor has no effect.
type WaldFile struct {
	Variable string   `json:"variable"`
	Chi2     *float64 `json:"chi2"`
	DF       int      `json:"df"`
	P        *float64 `json:"p"`
}

// GroupFile is one group in model.json. Standard errors and intervals are
// null when not computed (fit --no-se) or not estimable.
type GroupFile struct {
	Group          int         `json:"group"`
	Label          string      `json:"label,omitempty"`
	Share          float64     `json:"share"`
	ShareSE        *float64    `json:"share_se"`
	ShareCI        *[2]float64 `json:"share_ci"`
	ShareCIBoot    *[2]float64 `json:"share_ci_boot,omitempty"`
	AssignedShare  float64     `json:"assigned_share"`
	APP            *float64    `json:"app"`
	OCC            *float64    `json:"occ"`
	NAssigned      int         `json:"n_assigned"`
	Order          int         `json:"order"`
	InflationOrder int         `json:"inflation_order"`
	Beta           []float64   `json:"beta"`
	BetaSE         []*float64  `json:"beta_se"`
	Inflation      []float64   `json:"inflation"`
	InflationSE    []*float64  `json:"inflation_se"`
	// Membership coefficients (log-odds against the reference group, with
	// "(intercept)") and time-varying covariate effects, when the model
	// has covariates.
	MembershipCoef map[string]float64  `json:"membership_coef,omitempty"`
	MembershipSE   map[string]*float64 `json:"membership_se,omitempty"`
	TcovCoef       map[string]float64  `json:"tcov_coef,omitempty"`
	TcovSE         map[string]*float64 `json:"tcov_se,omitempty"`
	MeanCount      float64             `json:"mean_count"`
	Curve          []CurveFile         `json:"curve"`
}

// CurveFile is one age of a group's curve. MeanLo and MeanHi bound a
// pointwise 95% interval of the expected count (delta method on the log
// scale); the _boot fields are bootstrap percentile intervals.
type CurveFile struct {
	Age        int      `json:"age"`
	Rate       float64  `json:"rate"`
	ZeroProb   float64  `json:"zero_prob"`
	Mean       float64  `json:"mean"`
	MeanLo     *float64 `json:"mean_lo"`
	MeanHi     *float64 `json:"mean_hi"`
	MeanLoBoot *float64 `json:"mean_lo_boot,omitempty"`
	MeanHiBoot *float64 `json:"mean_hi_boot,omitempty"`
}

// Version is trajkit's version, written into model.json.
const Version = "0.1.0"

// File returns the model.json form of the fit; s are the settings the fit
// was run with (nil for defaults) and data how the data were read.
func (f *Fitted) File(s *Settings, data DataSettings) *ModelFile {
	if s == nil {
		s = &Settings{}
	}
	mf := &ModelFile{
		Software:     "trajkit " + Version,
		Distribution: f.Model.Distribution,
		LogLik:       f.LogLik,
		NParams:      f.NumParams,
		NPersons:     f.NumPersons,
		NObs:         f.NumObs,
		BICPersons:   f.BICPersons,
		BICObs:       f.BICObs,
		AIC:          f.AIC,
		Entropy:      finite(f.Entropy),
		Status:       f.Status.String(),
		Warnings:     append([]string{}, f.Warnings...),
		Iterations:   f.Iterations,
		Starts: StartsFile{
			Total:            f.Starts.Total,
			RunToConvergence: f.Starts.RunToConvergence,
			ReachedBest:      f.Starts.ReachedBest,
			Optima:           append([]float64{}, f.Starts.Optima...),
		},
		AgeScaling: f.Scaling,
		Bootstrap:  f.BootstrapReport,
		Settings: FileSettings{
			Groups:          len(f.Groups),
			Orders:          f.Model.Orders,
			InflationOrders: f.Model.Inflation,
			Seed:            s.Seed,
			Starts:          f.Starts.Total,
			Keep:            f.Starts.RunToConvergence,
			ConvergeAll:     s.ConvergeAll,
			Accelerate:      s.Accelerate,
			Tolerance:       orDefault(s.Tolerance, 1e-10),
			ScoreTolerance:  orDefault(s.ScoreTolerance, 1e-5),
			MaxIterations:   int(orDefault(float64(s.MaxIterations), 10000)),
			AgeWindow:       [2]int{f.MinAge, f.MaxAge},
			Data:            data,
		},
	}
	if len(f.TcovNames) > 0 {
		mf.Covariates = &CovariatesFile{Tcov: f.TcovNames, CurveAt: "the curves are at every time-varying covariate zero; the expected count at covariates w is mean·exp(tcov_coef·w)"}
	}
	if f.Risk != nil {
		if mf.Covariates == nil {
			mf.Covariates = &CovariatesFile{}
		}
		mf.Covariates.Risk, mf.Covariates.Reference, mf.Covariates.RiskVariables = f.Risk.Names, f.Reference+1, f.Risk.Variables
		for _, w := range f.Wald {
			mf.Covariates.Wald = append(mf.Covariates.Wald, WaldFile{Variable: w.Variable, Chi2: finite(w.Chi2), DF: w.DF, P: finite(w.P)})
		}
	}
	if inf := f.Inference; inf != nil {
		p := len(inf.Names)
		cv := &Covariance{Names: inf.Names, Matrix: make([][]*float64, p)}
		for a := range cv.Matrix {
			cv.Matrix[a] = make([]*float64, p)
			for b := range cv.Matrix[a] {
				cv.Matrix[a][b] = finite(inf.Cov[a*p+b])
			}
		}
		mf.Covariance = cv
	}
	for j, g := range f.Groups {
		gf := GroupFile{
			Group:          j + 1,
			Label:          g.Label,
			Share:          g.Share,
			AssignedShare:  g.AssignedShare,
			APP:            finite(g.APP),
			OCC:            finite(g.OCC),
			NAssigned:      g.NAssigned,
			Order:          g.Order,
			InflationOrder: g.InflationOrder,
			Beta:           g.Beta,
			Inflation:      append([]float64{}, g.Inflation...),
			MeanCount:      g.MeanCount(),
			Curve:          make([]CurveFile, len(g.Curve)),
		}
		for t, p := range g.Curve {
			gf.Curve[t] = CurveFile{Age: p.Age, Rate: p.Rate, ZeroProb: p.ZeroProb, Mean: p.Mean}
		}
		if f.Risk != nil {
			names := append([]string{"(intercept)"}, f.Risk.Names...)
			gf.MembershipCoef = map[string]float64{}
			for a, n := range names {
				gf.MembershipCoef[n] = g.MembershipCoef[a]
			}
			if f.Inference != nil {
				gf.MembershipSE = map[string]*float64{}
				for a, n := range names {
					se := finite(g.MembershipSE[a])
					if j == f.Reference {
						zero := 0.0
						se = &zero
					}
					gf.MembershipSE[n] = se
				}
			}
		}
		if g.TcovCoef != nil {
			gf.TcovCoef = map[string]float64{}
			for a, n := range f.TcovNames {
				gf.TcovCoef[n] = g.TcovCoef[a]
			}
			if g.TcovSE != nil {
				gf.TcovSE = map[string]*float64{}
				for a, n := range f.TcovNames {
					gf.TcovSE[n] = finite(g.TcovSE[a])
				}
			}
		}
		if f.BootstrapReport != nil && g.ShareCIBoot != ([2]float64{}) {
			ci := g.ShareCIBoot
			gf.ShareCIBoot = &ci
			for t, p := range g.Curve {
				gf.Curve[t].MeanLoBoot = finite(p.MeanLoBoot)
				gf.Curve[t].MeanHiBoot = finite(p.MeanHiBoot)
			}
		}
		if f.Inference != nil {
			gf.ShareSE = finite(g.ShareSE)
			if !math.IsNaN(g.ShareCI[0]) && !math.IsNaN(g.ShareCI[1]) {
				ci := g.ShareCI
				gf.ShareCI = &ci
			}
			gf.BetaSE = finiteAll(g.BetaSE)
			gf.InflationSE = finiteAll(g.InflationSE)
			for t, p := range g.Curve {
				gf.Curve[t].MeanLo = finite(p.MeanLo)
				gf.Curve[t].MeanHi = finite(p.MeanHi)
			}
		}
		mf.Groups = append(mf.Groups, gf)
	}
	if f.Starts.Sample > 0 {
		mf.Starts.SamplePersons = f.Starts.Sample
		mf.Starts.Continued = f.Starts.Continued
	}
	return mf
}

// WriteJSON writes the model file as indented JSON.
func (m *ModelFile) WriteJSON(w io.Writer) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}

// ReadModelFile reads model.json.
func ReadModelFile(r io.Reader, name string) (*ModelFile, error) {
	var m ModelFile
	dec := json.NewDecoder(r)
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s: not a trajkit model file: %v", name, err)
	}
	if len(m.Groups) == 0 {
		return nil, fmt.Errorf("%s: not a trajkit model file: no groups", name)
	}
	return &m, nil
}

// finite returns a pointer to x, or nil (JSON null) when x is NaN or ±Inf.
func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// finiteAll maps finite over a slice; it returns a non-nil slice.
func finiteAll(x []float64) []*float64 {
	out := make([]*float64, len(x))
	for j, v := range x {
		out[j] = finite(v)
	}
	return out
}

func orDefault(x, def float64) float64 {
	if x <= 0 {
		return def
	}
	return x
}
