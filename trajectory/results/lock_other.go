//go:build !unix

package results

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// dirLock is a result directory's advisory lock where the system has no
// flock(2): the file .trajkit.lock, created exclusively and removed when
// the set ends. A process killed while it held the lock leaves the file
// behind; it must then be removed by hand.
type dirLock struct{ path string }

func lockDir(dir string) (*dirLock, error) {
	p := filepath.Join(dir, lockFile)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return nil, fmt.Errorf("%s: another trajkit command is writing its results there (%s exists): wait for it to end, or remove the file if no trajkit is running", dir, p)
	}
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", dir, err)
	}
	fmt.Fprintf(f, "%d\n", os.Getpid())
	f.Close()
	return &dirLock{path: p}, nil
}

func (l *dirLock) unlock() { os.Remove(l.path) }
