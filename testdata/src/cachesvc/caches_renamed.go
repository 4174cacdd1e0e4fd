//go:build renamed

package main

// Cache (renamed variant: Get is called Fetch, serve is handleRequest).
type Cache interface {
	Fetch(key string) ([]byte, bool)
	Set(key string, v []byte)
}

// RedisCache simulates a client-side slot table (FNV-1a hash, 64 slots).
type RedisCache struct {
	slots [64][]byte
	hits  uint64
}

func (r *RedisCache) Fetch(key string) ([]byte, bool) {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h = (h ^ uint32(key[i])) * 16777619
	}
	v := r.slots[h&63]
	r.hits++
	return v, v != nil
}

func (r *RedisCache) Set(key string, v []byte) {
	h := uint32(2166136261)
	for i := 0; i < len(key); i++ {
		h = (h ^ uint32(key[i])) * 16777619
	}
	r.slots[h&63] = v
}

// MemCache is a plain map.
type MemCache struct {
	m      map[string][]byte
	misses uint64
}

func (m *MemCache) Fetch(key string) ([]byte, bool) {
	v, ok := m.m[key]
	if !ok {
		m.misses++
	}
	return v, ok
}

func (m *MemCache) Set(key string, v []byte) {
	if len(m.m) < 8192 {
		m.m[key] = v
	}
}

// DiskCache simulates a block device: djb2 hash picks a block, whose
// checksum is verified before use.
type DiskCache struct {
	blocks [256][16]byte
	sums   [256]byte
	bad    uint64
}

func (d *DiskCache) Fetch(key string) ([]byte, bool) {
	h := uint32(5381)
	for i := 0; i < len(key); i++ {
		h = h*33 + uint32(key[i])
	}
	b := &d.blocks[h&255]
	var s byte
	for i := range b {
		s ^= b[i]
	}
	if s != d.sums[h&255] {
		d.bad++
		return nil, false
	}
	return b[:], true
}

func (d *DiskCache) Set(key string, v []byte) {
	h := uint32(5381)
	for i := 0; i < len(key); i++ {
		h = h*33 + uint32(key[i])
	}
	b := &d.blocks[h&255]
	var s byte
	for i := range b {
		if i < len(v) {
			b[i] = v[i]
		}
		s ^= b[i]
	}
	d.sums[h&255] = s
}

// lookup is small enough to be inlined into its callers; its c.Fetch call
// site therefore only exists inside inlined copies (e.g. in handleRequest).
func lookup(c Cache, k string) []byte {
	v, _ := c.Fetch(k)
	return v
}
