// Command worker: a main package without a default.pgo.
package main

import "example.com/layout/internal/store"

func main() { store.Open().Get("job") }
