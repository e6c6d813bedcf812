package report

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
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
	buf       *bufio.Writer // the temporary file's; nil for a special file
	mode      os.FileMode
	keepMode  bool // mode is an existing file's, to keep
	direct    bool // an existing special file (a terminal, /dev/full), written in place
	done      bool
}

// Create prepares path for writing. A path that exists but is not a
// regular file (/dev/stdout, a FIFO) cannot be replaced, so it is opened
// for writing in place, without blocking (a FIFO with no reader is an
// error, not a wait); a symbolic link is replaced by the new file, not
// followed. The new file keeps an existing file's permission bits, else
// gets 0666 less the process umask, as any file a program creates: under
// a unit's UMask=0077 nobody else can read the report.
func Create(path string) (*File, error) {
	keep := false
	var mode os.FileMode
	if fi, err := os.Lstat(path); err == nil {
		switch {
		case fi.Mode().IsRegular():
			keep, mode = true, fi.Mode().Perm()
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
	if err := CheckFolder(path); err != nil {
		return nil, fmt.Errorf("write %s: %w", path, err)
	}
	prefix := "." + base + ".tmp-"
	f, err := createTemp(dir, prefix)
	if err != nil {
		return nil, fmt.Errorf("write %s: %w", path, unwrapPath(err))
	}
	// The lock says "a live run writes this"; it ends with the process.
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, fmt.Errorf("write %s: lock %s: %w", path, f.Name(), err)
	}
	removeStale(dir, prefix, filepath.Base(f.Name()))
	return &File{path: path, tmp: f.Name(), f: f, buf: bufio.NewWriterSize(f, tempBuffer), mode: mode, keepMode: keep}, nil
}

// CheckFolder reports, naming the folder as path gives it, when the folder
// a file at path would go into does not exist, is not a folder or cannot
// be written into, so that a run can refuse before it scans rather than
// after.
func CheckFolder(path string) error {
	dir := filepath.Dir(path)
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return missingFolder(dir)
	case err != nil:
		return fmt.Errorf("the folder %s: %w", dir, unwrapPath(err))
	case !st.IsDir():
		return fmt.Errorf("%s is not a folder", dir)
	}
	// access(2) answers for this process's user as open(2) would.
	if err := syscall.Access(dir, 0o2|0o1); err != nil {
		return fmt.Errorf("the folder %s: %w", dir, err)
	}
	return nil
}

// missingFolder is a folder that does not exist; it is os.ErrNotExist.
type missingFolder string

func (m missingFolder) Error() string        { return "the folder " + string(m) + " does not exist" }
func (m missingFolder) Is(target error) bool { return target == os.ErrNotExist }

// createTemp is os.CreateTemp with the mode a new file gets, 0666 less the
// umask (os.CreateTemp forces 0600).
func createTemp(dir, prefix string) (*os.File, error) {
	for range 100 {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, err
		}
		name := filepath.Join(dir, prefix+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|syscall.O_CLOEXEC, 0o666)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, errors.New("no free temporary file name")
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

// tempBuffer is how much of a temporary file is gathered before a write:
// nobody reads the file before Commit, and a scan of thousands of targets
// would otherwise make a system call per NDJSON line.
const tempBuffer = 64 << 10

// Write writes to the temporary file, through a buffer, or to the special
// file at once, where a reader may wait for each line. An error such as a
// full disk is returned by the write that met it: the one that filled the
// buffer, or Commit.
func (f *File) Write(p []byte) (int, error) {
	var n int
	var err error
	if f.buf != nil {
		n, err = f.buf.Write(p)
	} else {
		n, err = f.f.Write(p)
	}
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

// Special reports whether the path is a special file written in place (a
// terminal, /dev/stdout), not a file the report was saved to.
func (f *File) Special() bool { return f.direct }

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
	if err := f.buf.Flush(); err != nil {
		return err
	}
	if f.keepMode {
		if err := f.f.Chmod(f.mode); err != nil {
			return err
		}
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
