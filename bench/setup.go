package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/hardscan/hardscan/fixtures/vhost"
)

// prepare makes the work directory and builds hardscan into it, as every
// mode starts. cleanup removes the directory, unless keep asks to leave it
// (its path is then printed).
func prepare(keep bool) (dir, bin string, cleanup func(), err error) {
	dir, err = os.MkdirTemp("", "hardscan-bench-")
	if err != nil {
		return "", "", nil, err
	}
	cleanup = func() { _ = os.RemoveAll(dir) }
	if keep {
		fmt.Fprintf(os.Stderr, "work directory: %s\n", dir)
		cleanup = func() {}
	}
	bin = filepath.Join(dir, "hardscan")
	fmt.Fprintln(os.Stderr, "building hardscan ...")
	build := exec.Command("go", "build", "-o", bin, "github.com/hardscan/hardscan")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		cleanup()
		return "", "", nil, fmt.Errorf("go build: %w", err)
	}
	return dir, bin, cleanup, nil
}

// serve starts the vhost replica with opt and writes its CA into dir.
func serve(opt vhost.Options, dir string) (srv *vhost.Server, ca string, err error) {
	srv, err = vhost.Start(opt)
	if err != nil {
		return nil, "", err
	}
	ca, err = srv.WriteCA(dir)
	if err != nil {
		srv.Close()
		return nil, "", err
	}
	return srv, ca, nil
}
