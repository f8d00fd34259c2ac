package figure

import (
	"fmt"
	"image/color"
	"strconv"
	"strings"

	"golang.org/x/image/colornames"
)

// Style is the look the figures of one model share: the groups' colours,
// where the legend goes and the size of the text. The zero value is
// trajkit's default: Okabe & Ito's palette, the legend placed by
// LegendAuto, text at the figure's scale.
type Style struct {
	// Colours are the groups' colours, group k's (0-based) at k, the same
	// in every figure and table of a model (the report's swatches take
	// GroupColour); nil means Okabe & Ito's palette. A figure of more
	// groups than colours repeats them, as markers and dashes keep the
	// groups apart.
	Colours []color.Color
	// Legend places the legend.
	Legend LegendPosition
	// FontScale multiplies the size of all text, on top of the scale of
	// the figure's size (AutoScale); 0 means 1.
	FontScale float64
}

// LegendPosition says where a figure's legend goes.
type LegendPosition int

const (
	// LegendAuto, the zero value, places the legend at the right, unless
	// it would take more than a third of the figure's width, then below.
	LegendAuto LegendPosition = iota
	// LegendRight is a column at the right of the panels, level with the
	// top of their data areas.
	LegendRight
	// LegendBottom is rows below the panels, the entries of each block
	// (the groups, the key to the marks) side by side.
	LegendBottom
	// LegendInside is a column on a white box in the top right corner of
	// the data area of the top right panel.
	LegendInside
	// LegendNone leaves the legend out.
	LegendNone
)

var legendNames = []string{"auto", "right", "bottom", "inside", "none"}

func (p LegendPosition) String() string {
	if p >= 0 && int(p) < len(legendNames) {
		return legendNames[p]
	}
	return "LegendPosition(" + strconv.Itoa(int(p)) + ")"
}

// ParseLegendPosition returns the position named auto, right, bottom,
// inside or none.
func ParseLegendPosition(s string) (LegendPosition, error) {
	for p, name := range legendNames {
		if s == name {
			return LegendPosition(p), nil
		}
	}
	return 0, fmt.Errorf("legend position %q: expected %s", s, strings.Join(legendNames, ", "))
}

// ParseColour returns the colour written as #rrggbb (hexadecimal, either
// case) or as one of the 147 colour names of SVG 1.1 and CSS ("steelblue",
// "darkgrey"; case and spaces ignored).
func ParseColour(s string) (color.Color, error) {
	t := strings.TrimSpace(s)
	if hex, ok := strings.CutPrefix(t, "#"); ok {
		v, err := strconv.ParseUint(hex, 16, 32)
		if err != nil || len(hex) != 6 {
			return nil, fmt.Errorf("colour %q: expected #rrggbb with six hexadecimal digits, or a colour name", s)
		}
		return color.NRGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xFF}, nil
	}
	name := strings.ToLower(strings.ReplaceAll(t, " ", ""))
	if c, ok := colornames.Map[name]; ok {
		return color.NRGBA{R: c.R, G: c.G, B: c.B, A: 0xFF}, nil
	}
	return nil, fmt.Errorf("colour %q: not #rrggbb nor an SVG/CSS colour name (such as steelblue, darkred, grey)", s)
}

// colour returns group k's colour, opaque.
func (s *Style) colour(k int) color.NRGBA {
	if s != nil && len(s.Colours) > 0 {
		c := color.NRGBAModel.Convert(s.Colours[k%len(s.Colours)]).(color.NRGBA)
		c.A = 0xFF
		return c
	}
	return okabeIto[k%len(okabeIto)]
}

// GroupColour returns the colour of group number g (1-based, as
// Group.Number) as #RRGGBB, for the tables and text that go with the
// figures.
func (s *Style) GroupColour(g int) string {
	c := s.colour(g - 1)
	return fmt.Sprintf("#%02X%02X%02X", c.R, c.G, c.B)
}

// fontScale is the factor of text sizes.
func (s *Style) fontScale() float64 {
	if s == nil || s.FontScale == 0 {
		return 1
	}
	return s.FontScale
}

// check checks the style's numbers.
func (s *Style) check() error {
	if s == nil {
		return nil
	}
	if s.FontScale < 0 || s.FontScale > 10 {
		return fmt.Errorf("font scale %g: expected a factor above 0, at most 10", s.FontScale)
	}
	if s.Legend < LegendAuto || s.Legend > LegendNone {
		return fmt.Errorf("unknown legend position %d", int(s.Legend))
	}
	return nil
}
