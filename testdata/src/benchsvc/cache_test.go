package benchsvc

import (
	"strconv"
	"testing"
)

func keys(n int) []string {
	ks := make([]string, n)
	for i := range ks {
		ks[i] = "session:" + strconv.Itoa(i*7919%1000003) + ":user"
	}
	return ks
}

var sinkLen int

func BenchmarkGet(b *testing.B) {
	var c Cache = NewShardedCache()
	ks := keys(1024)
	for _, k := range ks[:512] {
		c.Set(k, []byte(k))
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		v, _ := c.Get(ks[i&1023])
		sinkLen += len(v)
	}
}
