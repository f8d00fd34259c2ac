// Package figure draws the figures of a trajectory model, and is the only
// package of trajkit that imports gonum/plot:
//
//   - TrajectoryPlot: each group's expected count by age, the observed
//     means, 95% bands, shares in the legend;
//   - PosteriorPlot: each person's posterior probability of the assigned
//     group, with the groups' APP;
//   - CareersPlot: a sample of individual careers per group;
//   - SelectionPlot: BIC and AIC by number of groups, the recommended
//     model ringed;
//   - ShareStudyPlot: the shares a repeated study recovered beside the
//     published ones.
//
// Each returns a Figure, written as PNG, SVG or PDF by Render (pixels at
// 96 dpi) or RenderSize (any Size: pixels at a resolution, or millimetres
// for print), or PNG and SVG for notebooks. Text, line widths and markers
// scale with the size (AutoScale), so that a large figure is not tiny
// text and a small one not all legend. Figures take a *trajectory.Fitted,
// the same value a fit returns and model.json holds: a notebook draws a
// fit as it is. A Style in each figure's options sets the groups' colours
// (Okabe & Ito's palette by default), where the legend goes and the size
// of the text; each group has its own marker and dashes as well, so every
// figure reads in greyscale.
package figure
