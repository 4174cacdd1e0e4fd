package main

// Two small interfaces with two implementations each, so that one source
// line can hold two distinct interface call sites (as in Go's own
// cmd/compile/internal/test/testdata/pgo/devirtualize test).

type Multiplier interface {
	Multiply(a, b int) int
}

type Adder interface {
	Add(a, b int) int
}

type Mult struct{}

// Multiply by repeated addition (a deliberately slow multiplier).
func (Mult) Multiply(a, b int) int {
	r := 0
	for i := 0; i < b&15; i++ {
		r += a
	}
	return r
}

type NegMult struct{}

func (NegMult) Multiply(a, b int) int {
	r := 0
	for i := 0; i < b&15; i++ {
		r -= a
	}
	return r
}

type Add struct{}

// Add by repeated increment.
func (Add) Add(a, b int) int {
	for i := 0; i < b&15; i++ {
		a++
	}
	return a
}

type Sub struct{}

func (Sub) Add(a, b int) int {
	for i := 0; i < b&15; i++ {
		a--
	}
	return a
}

// Handler is the function-value call site type.
type Handler func(int) int

func fastHandler(x int) int { return x*3 + 1 }

func midHandler(x int) int {
	y := x
	for i := 0; i < 4; i++ {
		y = y*31 + i
	}
	return y
}

func slowHandler(x int) int {
	y := x
	for i := 0; i < 16; i++ {
		y ^= y<<7 + i
	}
	return y
}
