package figure

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"image"
	"image/png"
	"io"
	"math"
)

// DPI is the resolution of a figure whose size is given in pixels
// without one: a PNG has one pixel per 1/96 inch, and an SVG or PDF of
// the same size in pixels has the same size in inches.
const DPI = 96

// Limits of a figure's size in pixels, at its resolution, and of the
// resolution.
const (
	MinPixels = 200
	MaxPixels = 10000
	MinDPI    = 50
	MaxDPI    = 2400
)

// The default size, 1200 x 800 pixels at 96 dpi (12.5 x 8.33 inches),
// is the one the figures' text, lines and markers are designed for.
const (
	defaultWidth  = 1200.0 / DPI
	defaultHeight = 800.0 / DPI
)

// MinScale is the smallest factor AutoScale gives: text at print sizes
// stays at 7 points and more (tick labels 11 × 0.65 = 7.2 points).
const MinScale = 0.65

// Size is the size of a rendered figure: Width x Height inches, and for
// a PNG its resolution.
type Size struct {
	// Width and Height are the figure's size in inches: an SVG's width
	// and height, a PDF's page, the size a PNG is shown at.
	Width, Height float64
	// DPI is the PNG's resolution in pixels per inch, written into the
	// file (its pHYs chunk); 0 means DPI (96). The pixels are Width x
	// Height inches at DPI, rounded.
	DPI float64
	// Scale multiplies the sizes of text, lines, markers and spaces
	// against the default figure; 0 means AutoScale(Width, Height).
	Scale float64
}

// Pixels returns the size of a figure of width x height pixels at dpi
// pixels per inch (0: 96), whose SVG or PDF has the same size in inches.
func Pixels(width, height int, dpi float64) Size {
	d := dpi
	if d == 0 {
		d = DPI
	}
	return Size{Width: float64(width) / d, Height: float64(height) / d, DPI: dpi}
}

// Millimetres returns the size of a figure of width x height millimetres,
// at dpi pixels per inch (0: 96) as a PNG: the size of print.
func Millimetres(width, height, dpi float64) Size {
	return Size{Width: width / 25.4, Height: height / 25.4, DPI: dpi}
}

// AutoScale returns the factor by which a figure of width x height inches
// scales its text, line widths, markers and spaces against the default
// size of 12.5 x 8.33 inches (1200 x 800 pixels at 96 dpi): the ratio of
// the sizes where it is smaller, so that the default layout fits with
// the same proportions, but at least MinScale, so that text stays legible
// at print sizes,
//
//	s = max(0.65, min(width / 12.5, height / 8.33)).
//
// A figure of 2100 x 1400 pixels gets 1.75 (tick labels of 19 points, 26
// pixels), one of 700 x 467 pixels 0.65 rather than 0.58, and one of 85 x
// 60 mm, a journal's column, 0.65: its tick labels are 7.2 points, its
// axis labels 8.5.
func AutoScale(width, height float64) float64 {
	return max(MinScale, min(width/defaultWidth, height/defaultHeight))
}

// dpi is the PNG's resolution.
func (s Size) dpi() float64 {
	if s.DPI == 0 {
		return DPI
	}
	return s.DPI
}

// scale is the factor of text, lines and markers.
func (s Size) scale() float64 {
	if s.Scale == 0 {
		return AutoScale(s.Width, s.Height)
	}
	return s.Scale
}

// PixelSize returns the figure's width and height in pixels at its
// resolution: a PNG's size.
func (s Size) PixelSize() (width, height int) {
	return int(math.Round(s.Width * s.dpi())), int(math.Round(s.Height * s.dpi()))
}

// check checks the resolution, the size in pixels at it and the scale.
func (s Size) check() error {
	if d := s.dpi(); !(d >= MinDPI && d <= MaxDPI) {
		return fmt.Errorf("figure resolution %g dpi: expected %d to %d", d, MinDPI, MaxDPI)
	}
	w, h := s.PixelSize()
	for _, d := range []int{w, h} {
		if d < MinPixels || d > MaxPixels {
			return fmt.Errorf("figure size %dx%d pixels at %g dpi: width and height must be %d to %d", w, h, s.dpi(), MinPixels, MaxPixels)
		}
	}
	if sc := s.scale(); !(sc > 0 && sc <= 100) {
		return fmt.Errorf("figure scale %g: expected a factor above 0", sc)
	}
	return nil
}

// writePNG encodes img with its resolution in a pHYs chunk, so that a word
// processor or LaTeX places it at its size in inches.
func writePNG(w io.Writer, img image.Image, dpi float64) error {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return err
	}
	// The signature (8 bytes) and IHDR (4 + 4 + 13 + 4) come first; pHYs
	// must come before the image data.
	const afterIHDR = 8 + 25
	enc := b.Bytes()
	perMetre := uint32(math.Round(dpi / 0.0254))
	chunk := make([]byte, 0, 21)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, perMetre)
	chunk = binary.BigEndian.AppendUint32(chunk, perMetre)
	chunk = append(chunk, 1) // the unit is the metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	for _, part := range [][]byte{enc[:afterIHDR], chunk, enc[afterIHDR:]} {
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	return nil
}
