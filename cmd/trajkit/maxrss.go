//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package main

import (
	"fmt"
	"runtime"
	"syscall"
)

// peakMemory returns the process's peak resident memory, getrusage's
// ru_maxrss (kilobytes, bytes on darwin).
func peakMemory() string {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return "unknown: " + err.Error()
	}
	b := float64(ru.Maxrss) * 1024
	if runtime.GOOS == "darwin" {
		b = float64(ru.Maxrss)
	}
	return fmt.Sprintf("%.0f MB  (maximum resident set size of the process)", b/1e6)
}
