package figure

import "bytes"

// PNG returns the figure as a PNG image of width x height pixels (see
// Render), for a notebook or a page that shows an image from its bytes:
// GoNB's gonbui.DisplayPng, or a data URI.
func (f *Figure) PNG(width, height int) ([]byte, error) {
	var b bytes.Buffer
	if err := f.Render(&b, "png", width, height); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// SVG returns the figure as an SVG document of width x height pixels (see
// Render: its text names Liberation Sans and the fonts with the same
// widths, and does not embed them), for GoNB's gonbui.DisplaySvg or a page
// that inlines it.
func (f *Figure) SVG(width, height int) (string, error) {
	var b bytes.Buffer
	if err := f.Render(&b, "svg", width, height); err != nil {
		return "", err
	}
	return b.String(), nil
}
