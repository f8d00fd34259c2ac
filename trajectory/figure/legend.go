package figure

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/text"
	"gonum.org/v1/plot/vg"
	vgdraw "gonum.org/v1/plot/vg/draw"
)

// legend is a figure's key: entries of text (one line or more) with
// thumbnails, in blocks (the groups, then the key to the marks). It is
// drawn as one column, at the right of the panels or inside one, or as
// rows below them, where each block starts a row and its entries stand
// side by side.
type legend struct {
	text text.Style
	// thumb is the width of the thumbnails; pad the space between entries
	// and between a thumbnail and its text.
	thumb, pad vg.Length
	blocks     [][]legendEntry
}

type legendEntry struct {
	text   string
	thumbs []plot.Thumbnailer
}

// newLegend returns an empty legend in the style's text size.
func newLegend(st *Style) *legend {
	return &legend{text: textStyle(12 * st.fontScale()), thumb: vg.Points(28), pad: vg.Points(4)}
}

// Add adds an entry to the current block; a text of several lines
// ("a person assigned\nto the group") keeps its thumbnails by the first.
func (l *legend) Add(txt string, thumbs ...plot.Thumbnailer) {
	if len(l.blocks) == 0 {
		l.blocks = append(l.blocks, nil)
	}
	b := &l.blocks[len(l.blocks)-1]
	*b = append(*b, legendEntry{text: txt, thumbs: thumbs})
}

// Break starts a new block.
func (l *legend) Break() {
	if len(l.blocks) > 0 && len(l.blocks[len(l.blocks)-1]) > 0 {
		l.blocks = append(l.blocks, nil)
	}
}

// line is the height of one line of text.
func (l *legend) line() vg.Length { return l.text.Font.Size * 1.2 }

// entrySize is the width and height of an entry.
func (l *legend) entrySize(e legendEntry) (w, h vg.Length) {
	lines := l.text.Handler.Lines(e.text)
	w = l.thumb + l.pad + l.text.Width(e.text)
	return w, vg.Length(len(lines)) * l.line()
}

// drawEntry draws e with its top left corner at (x, y): each line of
// text centred in a line's height, the thumbnails level with the first.
func (l *legend) drawEntry(c vgdraw.Canvas, e legendEntry, x, y vg.Length) {
	sty := l.text
	sty.XAlign, sty.YAlign = vgdraw.XLeft, vgdraw.YBottom
	size := sty.Font.Size
	ext := sty.FontExtents()
	baseline := y - (l.line()-ext.Ascent-ext.Descent)/2 - ext.Ascent
	// The thumbnails centre on the middle of the lower-case letters.
	mid := baseline + 0.3*size
	icon := vgdraw.Canvas{Canvas: c.Canvas, Rectangle: vg.Rectangle{
		Min: vg.Point{X: x, Y: mid - 0.45*size},
		Max: vg.Point{X: x + l.thumb, Y: mid + 0.45*size},
	}}
	for _, t := range e.thumbs {
		t.Thumbnail(&icon)
	}
	for i, line := range sty.Handler.Lines(e.text) {
		// A one-line text aligned at its bottom has its baseline one
		// font size above the point, less the ascent (text.Plain).
		b := baseline - vg.Length(i)*l.line()
		c.FillText(sty, vg.Point{X: x + l.thumb + l.pad, Y: b + ext.Ascent - size}, line)
	}
}

// columnSize is the size of the legend as one column: blocks one line
// apart.
func (l *legend) columnSize() (w, h vg.Length) {
	for b, block := range l.blocks {
		if b > 0 {
			h += l.line()
		}
		for i, e := range block {
			ew, eh := l.entrySize(e)
			w = max(w, ew)
			if i > 0 {
				h += l.pad / 2
			}
			h += eh
		}
	}
	return w, h
}

// drawColumn draws the legend as one column from the top left corner
// (x, y).
func (l *legend) drawColumn(c vgdraw.Canvas, x, y vg.Length) {
	for b, block := range l.blocks {
		if b > 0 {
			y -= l.line()
		}
		for i, e := range block {
			if i > 0 {
				y -= l.pad / 2
			}
			l.drawEntry(c, e, x, y)
			_, eh := l.entrySize(e)
			y -= eh
		}
	}
}

// rowLayout is a block's entries in rows of cols columns, row by row,
// with the columns' widths.
type rowLayout struct {
	cols   int
	widths []vg.Length
}

// gap is the space between the columns of the rows layout.
func (l *legend) gap() vg.Length { return 1.5 * l.text.Font.Size }

// rows lays each block out in as many columns as fit in width, at least
// one.
func (l *legend) rows(width vg.Length) []rowLayout {
	out := make([]rowLayout, len(l.blocks))
	for b, block := range l.blocks {
		for cols := len(block); cols >= 1; cols-- {
			widths := make([]vg.Length, cols)
			for i, e := range block {
				ew, _ := l.entrySize(e)
				widths[i%cols] = max(widths[i%cols], ew)
			}
			total := l.gap() * vg.Length(cols-1)
			for _, w := range widths {
				total += w
			}
			if total <= width || cols == 1 {
				out[b] = rowLayout{cols: cols, widths: widths}
				break
			}
		}
	}
	return out
}

// rowsSize is the size of the legend in rows within width.
func (l *legend) rowsSize(width vg.Length) (w, h vg.Length) {
	for b, r := range l.rows(width) {
		if b > 0 {
			h += l.pad
		}
		bw := l.gap() * vg.Length(r.cols-1)
		for _, cw := range r.widths {
			bw += cw
		}
		w = max(w, bw)
		h += l.blockHeight(l.blocks[b], r.cols)
	}
	return w, h
}

// blockHeight is the height of a block in rows of cols entries.
func (l *legend) blockHeight(block []legendEntry, cols int) vg.Length {
	var h vg.Length
	for start := 0; start < len(block); start += cols {
		var rh vg.Length
		for _, e := range block[start:min(start+cols, len(block))] {
			_, eh := l.entrySize(e)
			rh = max(rh, eh)
		}
		if start > 0 {
			h += l.pad / 2
		}
		h += rh
	}
	return h
}

// drawRows draws the legend in rows within width, centred on x, from the
// top y.
func (l *legend) drawRows(c vgdraw.Canvas, centre, y, width vg.Length) {
	layout := l.rows(width)
	w, _ := l.rowsSize(width)
	x0 := centre - w/2
	for b, r := range layout {
		if b > 0 {
			y -= l.pad
		}
		block := l.blocks[b]
		for start := 0; start < len(block); start += r.cols {
			if start > 0 {
				y -= l.pad / 2
			}
			x := x0
			var rh vg.Length
			for i, e := range block[start:min(start+r.cols, len(block))] {
				l.drawEntry(c, e, x, y)
				_, eh := l.entrySize(e)
				rh = max(rh, eh)
				x += r.widths[i] + l.gap()
			}
			y -= rh
		}
	}
}

// legendBox is the white, slightly translucent box under a legend drawn
// inside a panel.
var legendBox = color.NRGBA{R: 0xFF, G: 0xFF, B: 0xFF, A: 0xE6}
