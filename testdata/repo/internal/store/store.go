// Package store is not a main package: the default.pgo next to it is
// misplaced (-pgo=auto only looks beside main packages).
package store

type Store struct{ m map[string]string }

func Open() *Store { return &Store{m: map[string]string{}} }

func (s *Store) Get(k string) string { return s.m[k] }
