// Command api: a main package with its default.pgo beside it (the layout
// -pgo=auto picks up).
package main

import "example.com/layout/internal/store"

func main() { store.Open().Get("k") }
