//go:build unix

package generate

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// lockDir takes an exclusive lock on the folder dir for as long as the run
// lasts: the kernel drops it when the process ends, however it ends, so a
// temporary folder without a holder belongs to a run that is gone.
func lockDir(dir string) (release func(), err error) {
	release, ok, err := tryLockDir(dir)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errors.New("another process holds " + dir)
	}
	return release, nil
}

// tryLockDir takes the lock of lockDir without waiting; ok is false when
// another process holds it.
func tryLockDir(dir string) (release func(), ok bool, err error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, false, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, unix.EWOULDBLOCK) {
			return nil, false, nil
		}
		return nil, false, &os.PathError{Op: "flock", Path: dir, Err: err}
	}
	return func() { f.Close() }, true, nil
}
