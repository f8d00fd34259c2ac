//go:build unix

package careersio

import (
	"os"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
)

// TestForeignPipe reads a Stata file from a named pipe, with a
// time-varying covariate (two passes): it is copied once, and the
// careers are those of the regular file, marked as not identifiable.
func TestForeignPipe(t *testing.T) {
	data, err := os.ReadFile(foreign("long60_118.dta"))
	if err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(t.TempDir(), "careers.dta")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("no named pipe: %v", err)
	}
	go func() {
		f, err := os.OpenFile(fifo, os.O_WRONLY, 0)
		if err != nil {
			return
		}
		f.Write(data)
		f.Close()
	}()
	got, err := Load(Source{Data: fifo, Tcov: []string{"employed"}})
	if err != nil {
		t.Fatal(err)
	}
	want, err := Load(Source{Data: foreign("long60.csv"), Tcov: []string{"employed"}})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Careers, want.Careers) {
		t.Error("careers from the pipe differ from the CSV file's")
	}
	if got.Settings.Unchecked == "" || got.Settings.SHA256 != "" {
		t.Errorf("settings of a pipe: %+v", got.Settings)
	}
}
