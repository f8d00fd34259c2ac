package figure

import (
	"bytes"
	"image/png"
	"strings"
	"testing"
)

// TestFigureBytes checks that PNG and SVG give exactly what Render writes,
// at the size asked for, and pass Render's size check on.
func TestFigureBytes(t *testing.T) {
	m, _, _ := plotFixture(t)
	fig, err := TrajectoryPlot(labelled(m, true), nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := fig.PNG(600, 400)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("PNG is not a PNG image: %v", err)
	}
	if cfg.Width != 600 || cfg.Height != 400 {
		t.Errorf("PNG is %dx%d pixels, want 600x400", cfg.Width, cfg.Height)
	}
	var want bytes.Buffer
	if err := fig.Render(&want, "png", 600, 400); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(b, want.Bytes()) {
		t.Error("PNG differs from Render's png")
	}

	s, err := fig.SVG(600, 400)
	if err != nil {
		t.Fatal(err)
	}
	want.Reset()
	if err := fig.Render(&want, "svg", 600, 400); err != nil {
		t.Fatal(err)
	}
	if s != want.String() || !strings.Contains(s, "<svg") || !strings.Contains(s, svgFontFamily) {
		t.Errorf("SVG is not Render's svg with the font list: %.200q", s)
	}

	if _, err := fig.PNG(10, 400); err == nil {
		t.Error("PNG of 10x400 pixels: no error")
	}
	if _, err := fig.SVG(600, 100000); err == nil {
		t.Error("SVG of 600x100000 pixels: no error")
	}
}
