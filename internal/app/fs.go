package app

import "io/fs"

func sub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // embedded directories are fixed at build time
	}
	return s
}
