// Package localfile opens the files an admin names on the command line
// (units, configs, profiles, baselines, CA bundles, target lists) so that
// none of them can hang or balloon hardscan: a path is opened without
// blocking (a FIFO with no writer would otherwise block open(2) forever),
// must be a regular file, and is read up to a cap that every error names.
package localfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// TooLargeError is a file beyond its cap.
type TooLargeError struct {
	Limit int64
}

func (e *TooLargeError) Error() string {
	return "larger than the " + Size(e.Limit) + " cap"
}

// NotRegularError is a path that is not a regular file: a directory, a
// FIFO, a socket or a device.
type NotRegularError struct {
	What string // "a directory", "a FIFO" ...
}

func (e *NotRegularError) Error() string { return "not a regular file (" + e.What + ")" }

// Open opens path for reading without blocking and checks that it is a
// regular file. Reads from a regular file never block, so the descriptor
// is left non-blocking.
func Open(path string) (*os.File, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC|syscall.O_NOCTTY, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_NONBLOCK|syscall.O_CLOEXEC|syscall.O_NOCTTY, 0)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	f := os.NewFile(uintptr(fd), path)
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: path, Err: &NotRegularError{What: Kind(st.Mode())}}
	}
	return f, nil
}

// Read returns the contents of the regular file at path, at most limit
// bytes; a longer file is a *TooLargeError (wrapped in an fs.PathError).
func Read(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadFrom(f, path, limit)
}

// ReadFrom reads r to its end, at most limit bytes.
func ReadFrom(r io.Reader, path string, limit int64) ([]byte, error) {
	var data []byte
	if f, ok := r.(*os.File); ok {
		// Size the buffer once for a regular file that fits.
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			if st.Size() > limit {
				return nil, &fs.PathError{Op: "read", Path: path, Err: &TooLargeError{Limit: limit}}
			}
			if st.Size() > 0 {
				data = make([]byte, 0, st.Size()+1)
			}
		}
	}
	if data == nil {
		data = make([]byte, 0, min(limit+1, 64<<10))
	}
	lr := io.LimitReader(r, limit+1)
	for {
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
		n, err := lr.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, &fs.PathError{Op: "read", Path: path, Err: err}
		}
	}
	if int64(len(data)) > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: &TooLargeError{Limit: limit}}
	}
	return data, nil
}

// Kind names a file mode's type for messages.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a FIFO"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m.IsRegular():
		return "a regular file"
	}
	return "not a file"
}

// Size writes a cap the way a user reads it: 4 MiB, 64 KiB, 100 bytes.
func Size(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d-byte", n)
}

// IsTooLarge reports whether err is a file beyond its cap.
func IsTooLarge(err error) bool {
	var e *TooLargeError
	return errors.As(err, &e)
}

// OpenDir opens a directory without blocking: a FIFO under a directory's
// name is refused (ENOTDIR), not waited on.
func OpenDir(path string) (*os.File, error) {
	fd, err := syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	for err == syscall.EINTR {
		fd, err = syscall.Open(path, syscall.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NONBLOCK|syscall.O_CLOEXEC, 0)
	}
	if err != nil {
		return nil, &fs.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}
