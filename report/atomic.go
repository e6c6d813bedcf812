package report

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// File is a report file being written so that readers see either the old
// file or the whole new one, never a part: it is a temporary file in the
// same directory until Commit syncs it and renames it over the path.
//
// Create makes the temporary file before anything is scanned, so that a
// directory, a missing or read-only folder is found at once. The
// temporary file is locked (flock) while its writer lives, so that the
// next Create in that directory removes the ones a killed run left behind
// (".NAME.tmp-NNN") and never a live run's.
type File struct {
	path, tmp string
	f         *os.File
	mode      os.FileMode
	direct    bool // an existing special file (a terminal, /dev/full), written in place
	done      bool
}

// Create prepares path for writing. A path that exists but is not a
// regular file (/dev/stdout, a FIFO) cannot be replaced, so it is opened
// for writing in place, without blocking (a FIFO with no reader is an
// error, not a wait); a symbolic link is replaced by the new file, not
// followed. The new file keeps an existing file's permission bits, else
// gets 0644.
func Create(path string) (*File, error) {
	mode := os.FileMode(0o644)
	if fi, err := os.Lstat(path); err == nil {
		switch {
		case fi.Mode().IsRegular():
			mode = fi.Mode().Perm()
		case fi.IsDir():
			return nil, fmt.Errorf("write %s: is a directory", path)
		case fi.Mode()&os.ModeSymlink == 0:
			return openDirect(path)
		default:
			// A link to a special file (/dev/stdout, /dev/fd/1) is
			// written through, never replaced.
			if st, err := os.Stat(path); err == nil && !st.Mode().IsRegular() {
				if st.IsDir() {
					return nil, fmt.Errorf("write %s: is a directory", path)
				}
				return openDirect(path)
			}
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}

	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	prefix := "." + base + ".tmp-"
	f, err := os.CreateTemp(dir, prefix+"*")
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	// The lock says "a live run writes this"; it ends with the process.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("write %s: lock %s: %w", path, f.Name(), err)
	}
	removeStale(dir, prefix, filepath.Base(f.Name()))
	return &File{path: path, tmp: f.Name(), f: f, mode: mode}, nil
}

// openDirect opens an existing special file for writing in place, without
// blocking: a FIFO that nothing reads is an error, not a wait.
func openDirect(path string) (*File, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if errors.Is(err, syscall.ENXIO) {
		return nil, fmt.Errorf("write %s: a FIFO that nothing reads", path)
	}
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	return &File{path: path, f: f, direct: true}, nil
}

// removeStale removes the temporary files of earlier runs that were
// killed before they could clean up: those nobody holds a lock on.
func removeStale(dir, prefix, mine string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if name == mine || !strings.HasPrefix(name, prefix) || !e.Type().IsRegular() {
			continue
		}
		p := filepath.Join(dir, name)
		f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK, 0)
		if err != nil {
			continue
		}
		if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil {
			os.Remove(p)
		}
		f.Close()
	}
}

// Write writes to the temporary file (or the special file) at once: an
// error such as a full disk is returned by the write that met it.
func (f *File) Write(p []byte) (int, error) {
	n, err := f.f.Write(p)
	if err != nil {
		err = fmt.Errorf("write %s: %w", f.path, unwrapPath(err))
	}
	return n, err
}

func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// Commit makes the written file the one at the path.
func (f *File) Commit() (err error) {
	if f.done {
		return errors.New("write " + f.path + ": already closed")
	}
	f.done = true
	if f.direct {
		if err := f.f.Close(); err != nil {
			return fmt.Errorf("write %s: %w", f.path, unwrapPath(err))
		}
		return nil
	}
	defer func() {
		if err != nil {
			f.f.Close()
			os.Remove(f.tmp)
			err = fmt.Errorf("write %s: %w", f.path, unwrapPath(err))
		}
	}()
	if err := f.f.Chmod(f.mode); err != nil {
		return err
	}
	if err := f.f.Sync(); err != nil {
		return err
	}
	// Rename while the lock is held, so that no other run removes the
	// file as stale in between.
	if err := os.Rename(f.tmp, f.path); err != nil {
		return err
	}
	if err := f.f.Close(); err != nil {
		return err
	}
	// Sync the directory so that the rename survives a crash; not every
	// system can, and the file is already in place, so failure is ignored.
	if d, err := os.Open(filepath.Dir(f.tmp)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// Abort drops what was written: the temporary file is removed and an
// existing file is untouched. It does nothing after Commit.
func (f *File) Abort() {
	if f.done {
		return
	}
	f.done = true
	f.f.Close()
	if !f.direct {
		os.Remove(f.tmp)
	}
}

// WriteFileAtomic writes a file through write with Create and Commit; on
// any error the temporary file is removed and an existing file is
// untouched.
func WriteFileAtomic(path string, write func(io.Writer) error) error {
	f, err := Create(path)
	if err != nil {
		return err
	}
	if err := write(f); err != nil {
		f.Abort()
		if !strings.Contains(err.Error(), path) {
			err = fmt.Errorf("write %s: %w", path, err)
		}
		return err
	}
	return f.Commit()
}
