//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package main

// peakMemory returns the process's peak resident memory where the system
// reports it.
func peakMemory() string { return "not measured on this system" }
