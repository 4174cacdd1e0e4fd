// SPDX-License-Identifier: MIT
/*
 * pprof profile.proto decoding: gunzip (zlib), unpack (protobuf-c), check
 * as Go does, and copy into the profile's arena.
 *
 * The checks follow Go 1.23's internal/profile: Parse (profile.go) gunzips
 * when the data starts with 1f 8b, postDecode (encode.go) rejects string
 * indexes out of range and unknown Line.function_id, and CheckValid
 * (profile.go) rejects value counts that differ from the sample types, id 0
 * and duplicate ids. Go does not check Sample.location_id (a dangling one
 * makes NewGraph dereference nil); we reject it. Two more refusals where
 * Go accepts an empty profile: a gzip stream that inflates to nothing (Go's
 * ErrNoData) and a string table that does not start with "" (every pprof
 * writer puts it first; random bytes often decode as protobuf without it).
 *
 * Memory: elements are unpacked one at a time with protobuf-c's default
 * allocator and freed right after the copy (see "the top level" below), so
 * protobuf-c never holds more than one Sample or Location; an arena-backed
 * allocator would have kept the whole unpacked tree alive beside the copy.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "err.h"
#include "hashmap.h"
#include "profile.h"
#include "profile.pb-c.h"

#define NONE UINT32_MAX

typedef Pgd__Perftools__Profiles__Profile pb_profile;

/* ---- gunzip -------------------------------------------------------------- */

/*
 * Streams through inflate into a buffer that grows up to the cap; the gzip
 * trailer's ISIZE is never trusted (it is mod 2^32 and attacker-chosen).
 * Concatenated gzip members are read as one stream, as Go's gzip.Reader does.
 */
/*
 * A real pprof file compresses 2 to 10 times (the fixtures: 2.2); gzip'd
 * zeros compress 1000 times. Past 64 MiB of output, a stream that has
 * expanded more than 32 times its compressed size is refused, so a bomb
 * costs max(64 MiB, 32 x its size) instead of max_decoded_bytes (2 GiB by
 * default): 133 MiB for a 4 MiB file that holds 4 GiB of zeros.
 */
#define BOMB_FLOOR (64 << 20)
#define BOMB_RATIO 32
#define INFLATE_STEP (1u << 20)

static int gunzip(const struct pgd_profile *p, const unsigned char *in, size_t inlen,
		  uint64_t cap, unsigned char **out, size_t *outlen, struct pgd_err *err)
{
	z_stream zs;
	unsigned char *buf = NULL;
	size_t alloc = 0, len = 0, inpos;
	int zret, ret = 0, started = 0;

	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return pgd_err_nomem(err, p->path);
	started = 1;
	zs.next_in = (unsigned char *)in;
	for (;;) {
		if (len == alloc) {
			size_t nalloc = alloc ? alloc * 2 : (inlen < 4096 ? 16384 : inlen * 4);
			unsigned char *nbuf;

			if (nalloc > cap + 1)
				nalloc = cap + 1;
			if (nalloc <= len)
				goto too_big;
			nbuf = realloc(buf, nalloc);
			if (!nbuf) {
				ret = pgd_err_nomem(err, p->path);
				goto out;
			}
			buf = nbuf;
			alloc = nalloc;
		}
		/* avail_in is 32 bits wide: feed big inputs in slices. */
		inpos = (size_t)(zs.next_in - in);
		if (!zs.avail_in && inpos < inlen)
			zs.avail_in = inlen - inpos > UINT32_MAX ? UINT32_MAX : (uInt)(inlen - inpos);
		zs.next_out = buf + len;
		/* 1 MiB per call, so the checks below stop within 1 MiB of a limit. */
		zs.avail_out = alloc - len > INFLATE_STEP ? INFLATE_STEP : (uInt)(alloc - len);
		size_t room = zs.avail_out;

		zret = inflate(&zs, Z_NO_FLUSH);
		len += room - zs.avail_out;
		if (len > cap)
			goto too_big;
		if (len > BOMB_FLOOR && len / BOMB_RATIO > inlen) {
			ret = pgd_err_set(err, PGD_ELIMIT, p->path,
					  "gzip stream expands over %d times past %d MiB (a gzip bomb?): "
					  "%zu compressed bytes, %zu decompressed so far",
					  BOMB_RATIO, BOMB_FLOOR >> 20, inlen, len);
			goto out;
		}
		inpos = (size_t)(zs.next_in - in);
		if (zret == Z_STREAM_END) {
			if (inpos >= inlen)
				break;
			/* Another gzip member may follow (Go reads them as one stream). */
			if (inlen - inpos < 2 || in[inpos] != 0x1f || in[inpos + 1] != 0x8b) {
				ret = pgd_err_set(err, PGD_EINPUT, p->path,
						  "gzip: invalid header after the member ending at byte %zu", inpos);
				goto out;
			}
			inflateReset(&zs);
			continue;
		}
		if (zret == Z_OK || (zret == Z_BUF_ERROR && (!zs.avail_out || inpos < inlen)))
			continue;
		if (zret == Z_BUF_ERROR) {
			ret = pgd_err_set(err, PGD_EINPUT, p->path,
					  "truncated gzip stream: the file ends after %zu decompressed bytes",
					  len);
			goto out;
		}
		if (zret == Z_MEM_ERROR) {
			ret = pgd_err_nomem(err, p->path);
			goto out;
		}
		ret = pgd_err_set(err, PGD_EINPUT, p->path, "gzip: %s",
				  zs.msg ? zs.msg : "corrupt data");
		goto out;
	}
	*out = buf;
	*outlen = len;
	buf = NULL;
	goto out;
too_big:
	ret = pgd_err_set(err, PGD_ELIMIT, p->path,
			  "gunzipped data exceeds the max_decoded_bytes cap (%" PRIu64 " bytes)", cap);
out:
	if (started)
		inflateEnd(&zs);
	free(buf);
	return ret;
}

/* ---- the top level of the wire format ------------------------------------ */

/*
 * The profile is read one top-level element at a time: each Sample,
 * Location, Function and Mapping is unpacked on its own by protobuf-c,
 * copied into the arena and freed at once. Unpacking the whole Profile
 * instead builds protobuf-c's tree of every element beside the arena copy
 * (about 9 bytes per wire byte for Go CPU profiles), which dominated the
 * peak. Elements can come in any order (Go writes samples before the
 * locations and strings they refer to), so the top level is walked once per
 * kind; a walk only reads tags and lengths.
 */
struct wire_field {
	uint32_t number;
	uint32_t wire_type;
	size_t at;                /* offset of the tag, for messages */
	const unsigned char *data; /* payload of a length-delimited field */
	size_t len;
};

static int read_varint(const unsigned char *d, size_t len, size_t *pos, uint64_t *v)
{
	uint64_t x = 0;

	for (int shift = 0; shift < 64; shift += 7) {
		if (*pos >= len)
			return -1;
		unsigned char b = d[(*pos)++];

		x |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = x;
			return 0;
		}
	}
	return -1;
}

/* 1 with the next field, 0 at the end, or an error naming the bad byte. */
static int wire_next(const struct pgd_profile *p, const unsigned char *d, size_t len,
		     size_t *pos, struct wire_field *f, struct pgd_err *err)
{
	uint64_t key, v;

	if (*pos >= len)
		return 0;
	f->at = *pos;
	if (read_varint(d, len, pos, &key) || (key >> 3) == 0 || (key >> 3) > UINT32_MAX)
		return pgd_err_set(err, PGD_EINPUT, p->path,
				   "not a pprof profile: invalid protobuf field tag at byte %zu", f->at);
	f->number = (uint32_t)(key >> 3);
	f->wire_type = (uint32_t)(key & 7);
	f->data = NULL;
	f->len = 0;
	switch (f->wire_type) {
	case 0:
		if (read_varint(d, len, pos, &v))
			goto trunc;
		return 1;
	case 1:
		if (len - *pos < 8)
			goto trunc;
		*pos += 8;
		return 1;
	case 5:
		if (len - *pos < 4)
			goto trunc;
		*pos += 4;
		return 1;
	case 2:
		if (read_varint(d, len, pos, &v) || v > len - *pos)
			goto trunc;
		f->data = d + *pos;
		f->len = (size_t)v;
		*pos += (size_t)v;
		return 1;
	}
	return pgd_err_set(err, PGD_EINPUT, p->path,
			   "not a pprof profile: invalid protobuf wire type %u at byte %zu",
			   f->wire_type, f->at);
trunc:
	return pgd_err_set(err, PGD_EINPUT, p->path,
			   "not a pprof profile: the field at byte %zu runs past the end of the data",
			   f->at);
}

enum {
	F_SAMPLE = 2, F_MAPPING = 3, F_LOCATION = 4, F_FUNCTION = 5, F_STRING = 6,
};

static int check_count(const struct pgd_profile *p, const char *what, uint64_t n,
		       const struct pgd_limits *lim, struct pgd_err *err)
{
	/* Indexes are uint32_t with UINT32_MAX reserved for "none". */
	uint64_t cap = lim->max_elements < UINT32_MAX ? lim->max_elements : UINT32_MAX - 1;

	if (n > cap)
		return pgd_err_set(err, PGD_ELIMIT, p->path,
				   "%" PRIu64 " %s exceed the max_elements cap (%" PRIu64 ")", n, what, cap);
	return 0;
}

/* ---- id -> index maps ---------------------------------------------------- */

/*
 * Go's encoder numbers ids 1..n, so a direct table covers the common case;
 * the hash map takes any id past it.
 */
struct idmap {
	uint32_t *table;          /* id -> index + 1, 0 = absent */
	uint64_t table_len;
	struct hashmap map;       /* keys point at the ids stored in the arena */
};

static int idmap_init(struct idmap *m, uint64_t n)
{
	memset(m, 0, sizeof(*m));
	m->table_len = 2 * n + 16;
	m->table = calloc(m->table_len, sizeof(*m->table));
	return m->table ? 0 : -1;
}

/* 0 added, 1 duplicate, -1 out of memory. idp must outlive the map. */
static int idmap_add(struct idmap *m, const uint64_t *idp, uint32_t index)
{
	struct hashmap_entry *e;
	int inserted;

	if (*idp < m->table_len) {
		if (m->table[*idp])
			return 1;
		m->table[*idp] = index + 1;
		return 0;
	}
	e = pgd_hashmap_upsert(&m->map, idp, sizeof(*idp), &inserted);
	if (!e)
		return -1;
	if (!inserted)
		return 1;
	e->val.u64 = index;
	return 0;
}

static uint32_t idmap_get(const struct idmap *m, uint64_t id)
{
	struct hashmap_entry *e;

	if (id < m->table_len)
		return m->table[id] ? m->table[id] - 1 : NONE;
	e = pgd_hashmap_find(&m->map, &id, sizeof(id));
	return e ? (uint32_t)e->val.u64 : NONE;
}

static void idmap_free(struct idmap *m)
{
	free(m->table);
	pgd_hashmap_free(&m->map);
}

/* ---- copying into the profile ------------------------------------------- */

struct decoder {
	struct pgd_profile *p;
	struct pgd_err *err;
	const unsigned char *data;
	size_t len;
	uint64_t count[F_STRING + 1]; /* top-level elements per field number */
	const char **strs;        /* string table, interned, in the profile arena */
	unsigned char *unsafe;    /* per string: held a NUL, \n or \r (malloc'd) */
	uint64_t nstrs;
	struct hashmap strings;   /* content -> interned copy */
	struct hashmap nodes;     /* NodeInfo -> node index */
	struct idmap mapping_ids, function_ids, location_ids;
	uint64_t nlines, nframes;
	uint64_t abs_value, abs_count; /* sums of |value| (pgd_abs_weight_add) */
};

static int get_string(struct decoder *d, int64_t idx, const char **out, const char *what)
{
	if (idx < 0 || (uint64_t)idx >= d->nstrs)
		return pgd_err_set(d->err, PGD_EINPUT, d->p->path,
				   "malformed pprof profile: %s string index %" PRId64
				   " is outside the string table (%" PRIu64 " entries)",
				   what, idx, d->nstrs);
	*out = d->strs[idx];
	return 0;
}

static int bad_message(struct decoder *d, const char *what, const struct wire_field *f)
{
	return pgd_err_set(d->err, PGD_EINPUT, d->p->path,
			   "not a pprof profile: the %s at byte %zu is not a valid profile.proto message",
			   what, f->at);
}

static int bad_wire_type(struct decoder *d, const struct wire_field *f)
{
	return pgd_err_set(d->err, PGD_EINPUT, d->p->path,
			   "not a pprof profile: field %u at byte %zu has wire type %u",
			   f->number, f->at, f->wire_type);
}

/* Counts the elements and checks the whole top level parses. */
static int scan_top(struct decoder *d)
{
	struct wire_field f;
	size_t pos = 0;
	int ret;

	while ((ret = wire_next(d->p, d->data, d->len, &pos, &f, d->err)) > 0) {
		if (f.number >= F_SAMPLE && f.number <= F_STRING) {
			if (f.wire_type != 2)
				return bad_wire_type(d, &f);
			d->count[f.number]++;
		}
	}
	return ret;
}

static int copy_strings(struct decoder *d)
{
	struct pgd_profile *p = d->p;
	struct wire_field f;
	size_t pos = 0;
	int ret;

	d->strs = pgd_arena_calloc(&p->arena, d->count[F_STRING] + 1, sizeof(*d->strs));
	d->unsafe = calloc(d->count[F_STRING] + 1, sizeof(*d->unsafe));
	if (!d->strs || !d->unsafe)
		return pgd_err_nomem(d->err, p->path);
	while ((ret = wire_next(p, d->data, d->len, &pos, &f, d->err)) > 0) {
		struct hashmap_entry *e;
		int inserted;
		size_t slen;

		if (f.number != F_STRING)
			continue;
		/*
		 * C strings: a name stops at an embedded NUL. The full length is
		 * remembered so a name that held a NUL or a line break is refused
		 * where it is used as a function name (see check_name).
		 */
		slen = strnlen((const char *)f.data, f.len);
		d->unsafe[d->nstrs] = slen != f.len || memchr(f.data, '\n', slen) ||
				      memchr(f.data, '\r', slen);
		e = pgd_hashmap_upsert(&d->strings, f.data, slen, &inserted);
		if (!e)
			return pgd_err_nomem(d->err, p->path);
		if (inserted) {
			char *copy = pgd_arena_strndup(&p->arena, (const char *)f.data, slen);

			if (!copy)
				return pgd_err_nomem(d->err, p->path);
			e->key = copy;
			e->val.ptr = copy;
		}
		d->strs[d->nstrs++] = e->val.ptr;
	}
	if (ret)
		return ret;
	/*
	 * Go's encoder always writes "" first; a decodable blob without it is
	 * random bytes that happened to parse (text often does), not a profile.
	 */
	if (!d->nstrs || d->strs[0][0])
		return pgd_err_set(d->err, PGD_EINPUT, p->path,
				   "not a pprof profile: its string table %s",
				   d->nstrs ? "does not start with the empty string" : "is missing");
	return 0;
}

/* Everything but the repeated elements, unpacked as one small Profile. */
static int copy_header(struct decoder *d)
{
	struct pgd_profile *p = d->p;
	unsigned char *hdr = NULL;
	size_t hlen = 0, pos = 0;
	pb_profile *pb = NULL;
	struct wire_field f;
	const char *unused;
	int ret;

	/* Sized first: the header is a few bytes of a file that may be huge. */
	while ((ret = wire_next(p, d->data, d->len, &pos, &f, d->err)) > 0)
		if (f.number < F_SAMPLE || f.number > F_STRING)
			hlen += pos - f.at;
	if (ret)
		return ret;
	hdr = malloc(hlen + 1);
	if (!hdr)
		return pgd_err_nomem(d->err, p->path);
	hlen = 0;
	pos = 0;
	while ((ret = wire_next(p, d->data, d->len, &pos, &f, d->err)) > 0) {
		if (f.number >= F_SAMPLE && f.number <= F_STRING)
			continue;
		memcpy(hdr + hlen, d->data + f.at, pos - f.at);
		hlen += pos - f.at;
	}
	if (ret)
		goto out;
	pb = pgd__perftools__profiles__profile__unpack(NULL, hlen, hdr);
	if (!pb) {
		ret = pgd_err_set(d->err, PGD_EINPUT, p->path,
				  "not a pprof profile: its header fields are not valid profile.proto");
		goto out;
	}
	p->nsample_types = (uint32_t)pb->n_sample_type;
	p->sample_types = pgd_arena_calloc(&p->arena, pb->n_sample_type + 1, sizeof(*p->sample_types));
	if (!p->sample_types) {
		ret = pgd_err_nomem(d->err, p->path);
		goto out;
	}
	for (size_t i = 0; i < pb->n_sample_type; i++) {
		if ((ret = get_string(d, pb->sample_type[i]->type, &p->sample_types[i].type, "sample type")) ||
		    (ret = get_string(d, pb->sample_type[i]->unit, &p->sample_types[i].unit, "sample unit")))
			goto out;
	}
	p->period_type = "";
	if (pb->period_type) {
		if ((ret = get_string(d, pb->period_type->type, &p->period_type, "period type")) ||
		    (ret = get_string(d, pb->period_type->unit, &unused, "period unit")))
			goto out;
	}
	if ((ret = get_string(d, pb->drop_frames, &unused, "drop_frames")) ||
	    (ret = get_string(d, pb->keep_frames, &unused, "keep_frames")) ||
	    (ret = get_string(d, pb->default_sample_type, &unused, "default_sample_type")))
		goto out;
	for (size_t i = 0; i < pb->n_comment; i++)
		if ((ret = get_string(d, pb->comment[i], &unused, "comment")))
			goto out;
	p->period = pb->period;
	p->time_nanos = pb->time_nanos;
	p->duration_nanos = pb->duration_nanos;

	/* cmd/internal/pgo/pprof.go FromPProf: the first of these two wins. */
	for (uint32_t i = 0; i < p->nsample_types; i++) {
		const struct pgd_value_type *t = &p->sample_types[i];
		int is_count = !strcmp(t->type, "samples") && !strcmp(t->unit, "count");
		int is_cpu = !strcmp(t->type, "cpu") && !strcmp(t->unit, "nanoseconds");

		if (is_count && p->count_index < 0)
			p->count_index = (int)i;
		if ((is_count || is_cpu) && p->value_index < 0)
			p->value_index = (int)i;
	}
	if (p->value_index >= 0) {
		p->value_type = p->sample_types[p->value_index].type;
		p->value_unit = p->sample_types[p->value_index].unit;
	}
	ret = 0;
out:
	if (pb)
		pgd__perftools__profiles__profile__free_unpacked(pb, NULL);
	free(hdr);
	return ret;
}

static const char *guess_kind(const struct pgd_profile *p)
{
	static const struct {
		const char *type, *kind;
	} kinds[] = {
		{ "alloc_space", "a heap profile" }, { "inuse_space", "a heap profile" },
		{ "alloc_objects", "a heap profile" }, { "contentions", "a mutex or block profile" },
		{ "delay", "a mutex or block profile" }, { "goroutine", "a goroutine profile" },
		{ "space", "a heap profile" }, { "objects", "an allocation profile" },
	};

	for (uint32_t i = 0; i < p->nsample_types; i++)
		for (size_t k = 0; k < PGD_ARRAY_SIZE(kinds); k++)
			if (!strcmp(p->sample_types[i].type, kinds[k].type))
				return kinds[k].kind;
	return "not a CPU profile";
}

static int no_usable_type(struct decoder *d)
{
	const struct pgd_profile *p = d->p;
	char list[320];
	size_t off = 0;

	list[0] = '\0';
	for (uint32_t i = 0; i < p->nsample_types && off < sizeof(list); i++) {
		int n = snprintf(list + off, sizeof(list) - off, "%s%s/%s", i ? ", " : "",
				 p->sample_types[i].type, p->sample_types[i].unit);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return pgd_err_set(d->err, PGD_EINPUT, p->path,
			   "no usable sample type: found %s (%s?); PGO needs samples/count or "
			   "cpu/nanoseconds, as in a CPU profile",
			   p->nsample_types ? list : "none", guess_kind(p));
}

static int add_id(struct decoder *d, struct idmap *m, const uint64_t *idp, uint32_t index,
		  const char *what)
{
	int ret;

	if (!*idp)
		return pgd_err_set(d->err, PGD_EINPUT, d->p->path,
				   "malformed pprof profile: %s with reserved id 0", what);
	ret = idmap_add(m, idp, index);
	if (ret < 0)
		return pgd_err_nomem(d->err, d->p->path);
	if (ret)
		return pgd_err_set(d->err, PGD_EINPUT, d->p->path,
				   "malformed pprof profile: several %ss with id %" PRIu64, what, *idp);
	return 0;
}

static int copy_mappings(struct decoder *d)
{
	struct pgd_profile *p = d->p;
	struct wire_field f;
	size_t pos = 0;
	int ret;

	p->mappings = pgd_arena_calloc(&p->arena, d->count[F_MAPPING] + 1, sizeof(*p->mappings));
	if (!p->mappings || idmap_init(&d->mapping_ids, d->count[F_MAPPING]))
		return pgd_err_nomem(d->err, p->path);
	while ((ret = wire_next(p, d->data, d->len, &pos, &f, d->err)) > 0) {
		Pgd__Perftools__Profiles__Mapping *m;
		struct pgd_mapping *pm = &p->mappings[p->nmappings];

		if (f.number != F_MAPPING)
			continue;
		m = pgd__perftools__profiles__mapping__unpack(NULL, f.len, f.data);
		if (!m)
			return bad_message(d, "mapping", &f);
		pm->id = m->id;
		pm->memory_start = m->memory_start;
		pm->memory_limit = m->memory_limit;
		pm->file_offset = m->file_offset;
		if (!(ret = get_string(d, m->filename, &pm->filename, "mapping filename")))
			ret = get_string(d, m->build_id, &pm->build_id, "mapping build id");
		pgd__perftools__profiles__mapping__free_unpacked(m, NULL);
		if (ret || (ret = add_id(d, &d->mapping_ids, &pm->id, p->nmappings, "mapping")))
			return ret;
		p->nmappings++;
	}
	return ret;
}

/*
 * A function name with a line break would split a line of `edges` output
 * (injecting edges into a GO PREPROFILE V1 file) and of every text report;
 * one cut at a NUL would collide with another function. Go's linker never
 * writes either, so such a profile is refused rather than emitted.
 */
static int check_name(struct decoder *d, int64_t idx, const char *what)
{
	if (!d->unsafe[idx])
		return 0;
	return pgd_err_set(d->err, PGD_EINPUT, d->p->path,
			   "malformed pprof profile: function %" PRIu32 " has a %s with a NUL byte "
			   "or a line break (string %" PRId64 ")", d->p->nfunctions, what, idx);
}

static int copy_functions(struct decoder *d)
{
	struct pgd_profile *p = d->p;
	struct wire_field f;
	const char *unused;
	size_t pos = 0;
	int ret;

	p->functions = pgd_arena_calloc(&p->arena, d->count[F_FUNCTION] + 1, sizeof(*p->functions));
	if (!p->functions || idmap_init(&d->function_ids, d->count[F_FUNCTION]))
		return pgd_err_nomem(d->err, p->path);
	while ((ret = wire_next(p, d->data, d->len, &pos, &f, d->err)) > 0) {
		Pgd__Perftools__Profiles__Function *fn;
		struct pgd_function *pf = &p->functions[p->nfunctions];

		if (f.number != F_FUNCTION)
			continue;
		fn = pgd__perftools__profiles__function__unpack(NULL, f.len, f.data);
		if (!fn)
			return bad_message(d, "function", &f);
		pf->id = fn->id;
		pf->start_line = fn->start_line;
		if (!(ret = get_string(d, fn->name, &pf->name, "function name")) &&
		    !(ret = get_string(d, fn->system_name, &unused, "function system name")) &&
		    !(ret = get_string(d, fn->filename, &pf->filename, "function filename")) &&
		    !(ret = check_name(d, fn->name, "name")))
			ret = check_name(d, fn->filename, "filename");
		pgd__perftools__profiles__function__free_unpacked(fn, NULL);
		if (ret || (ret = add_id(d, &d->function_ids, &pf->id, p->nfunctions, "function")))
			return ret;
		p->nfunctions++;
	}
	return ret;
}

/*
 * internal/profile/graph.go nodeInfo + NodeMap.FindOrInsertNode. Each new
 * node is its own arena allocation so the hashed key never moves; the
 * contiguous p->nodes array is built once all locations are read.
 */
static int node_for(struct decoder *d, uint64_t address, uint32_t function, int64_t lineno,
		    uint32_t *out)
{
	struct pgd_profile *p = d->p;
	struct pgd_node key;
	struct hashmap_entry *e;
	int inserted;

	/* Hashed as bytes: four 8-byte fields, no padding. */
	memset(&key, 0, sizeof(key));
	key.address = address;
	if (function == NONE) {
		/* The interned "" so a nameless function and no function compare as Go's do. */
		key.name = d->strs[0];
	} else {
		key.name = p->functions[function].name;
		key.start_line = p->functions[function].start_line;
		key.lineno = lineno;
	}
	e = pgd_hashmap_upsert(&d->nodes, &key, sizeof(key), &inserted);
	if (!e)
		return pgd_err_nomem(d->err, p->path);
	if (inserted) {
		struct pgd_node *n = pgd_arena_alloc(&p->arena, sizeof(*n));

		if (!n) {
			/* Take back the slot that points at the stack key. */
			e->key = NULL;
			d->nodes.count--;
			return pgd_err_nomem(d->err, p->path);
		}
		*n = key;
		e->key = n;
		e->val.u64 = p->nnodes++;
	}
	*out = (uint32_t)e->val.u64;
	return 0;
}

static int copy_location(struct decoder *d, const Pgd__Perftools__Profiles__Location *l,
			 struct pgd_location *pl)
{
	struct pgd_profile *p = d->p;
	int ret;

	pl->id = l->id;
	pl->address = l->address;
	/* postDecode leaves an unknown mapping id as no mapping. */
	pl->mapping = l->mapping_id ? idmap_get(&d->mapping_ids, l->mapping_id) : NONE;
	d->nlines += l->n_line;
	if ((ret = check_count(p, "location lines", d->nlines, &p->limits, d->err)))
		return ret;
	pl->nlines = (uint32_t)l->n_line;
	pl->lines = pgd_arena_calloc(&p->arena, l->n_line + 1, sizeof(*pl->lines));
	pl->nodes = pgd_arena_calloc(&p->arena, l->n_line + 1, sizeof(*pl->nodes));
	if (!pl->lines || !pl->nodes)
		return pgd_err_nomem(d->err, p->path);
	for (uint32_t k = 0; k < pl->nlines; k++) {
		const Pgd__Perftools__Profiles__Line *ln = l->line[k];

		pl->lines[k].function = NONE;
		pl->lines[k].line = ln->line;
		if (ln->function_id) {
			pl->lines[k].function = idmap_get(&d->function_ids, ln->function_id);
			if (pl->lines[k].function == NONE)
				return pgd_err_set(d->err, PGD_EINPUT, p->path,
						   "malformed pprof profile: location %" PRIu64
						   " names unknown function id %" PRIu64,
						   l->id, ln->function_id);
		}
		if ((ret = node_for(d, pl->address, pl->lines[k].function, ln->line, &pl->nodes[k])))
			return ret;
	}
	/* CreateNodes gives a location without lines one node of an empty Line. */
	if (!pl->nlines)
		return node_for(d, pl->address, NONE, 0, &pl->nodes[0]);
	return 0;
}

static int copy_locations(struct decoder *d)
{
	struct pgd_profile *p = d->p;
	struct hashmap_entry *e;
	struct wire_field f;
	size_t pos = 0;
	int ret;

	p->locations = pgd_arena_calloc(&p->arena, d->count[F_LOCATION] + 1, sizeof(*p->locations));
	if (!p->locations || idmap_init(&d->location_ids, d->count[F_LOCATION]))
		return pgd_err_nomem(d->err, p->path);
	while ((ret = wire_next(p, d->data, d->len, &pos, &f, d->err)) > 0) {
		Pgd__Perftools__Profiles__Location *l;
		struct pgd_location *pl = &p->locations[p->nlocations];

		if (f.number != F_LOCATION)
			continue;
		l = pgd__perftools__profiles__location__unpack(NULL, f.len, f.data);
		if (!l)
			return bad_message(d, "location", &f);
		ret = copy_location(d, l, pl);
		pgd__perftools__profiles__location__free_unpacked(l, NULL);
		if (ret || (ret = add_id(d, &d->location_ids, &pl->id, p->nlocations, "location")))
			return ret;
		p->nlocations++;
	}
	if (ret)
		return ret;
	p->nodes = pgd_arena_calloc(&p->arena, (size_t)p->nnodes + 1, sizeof(*p->nodes));
	if (!p->nodes)
		return pgd_err_nomem(d->err, p->path);
	for (size_t it = 0; pgd_hashmap_next(&d->nodes, &it, &e);)
		p->nodes[e->val.u64] = *(const struct pgd_node *)e->key;
	return 0;
}

static int sum_overflow(struct decoder *d, const char *what)
{
	return pgd_err_set(d->err, PGD_EINPUT, d->p->path,
			   "malformed pprof profile: the sum of %s reaches 2^56 in absolute value "
			   "(at sample %" PRIu32 "), past any real capture; later sums could overflow",
			   what, d->p->nsamples);
}

static int copy_sample(struct decoder *d, const Pgd__Perftools__Profiles__Sample *s,
		       struct pgd_sample *ps)
{
	struct pgd_profile *p = d->p;
	const char *unused;
	int ret;

	if (s->n_value != p->nsample_types)
		return pgd_err_set(d->err, PGD_EINPUT, p->path,
				   "malformed pprof profile: sample %" PRIu32 " has %zu values for %" PRIu32
				   " sample types", p->nsamples, s->n_value, p->nsample_types);
	for (size_t k = 0; k < s->n_label; k++) {
		if ((ret = get_string(d, s->label[k]->key, &unused, "label key")) ||
		    (s->label[k]->str && (ret = get_string(d, s->label[k]->str, &unused, "label value"))))
			return ret;
	}
	d->nframes += s->n_location_id;
	if ((ret = check_count(p, "sample frames", d->nframes, &p->limits, d->err)))
		return ret;
	ps->nlocations = (uint32_t)s->n_location_id;
	ps->locations = pgd_arena_calloc(&p->arena, s->n_location_id + 1, sizeof(*ps->locations));
	if (!ps->locations)
		return pgd_err_nomem(d->err, p->path);
	for (uint32_t k = 0; k < ps->nlocations; k++) {
		ps->locations[k] = idmap_get(&d->location_ids, s->location_id[k]);
		if (ps->locations[k] == NONE)
			return pgd_err_set(d->err, PGD_EINPUT, p->path,
					   "malformed pprof profile: sample %" PRIu32
					   " names unknown location id %" PRIu64,
					   p->nsamples, s->location_id[k]);
	}
	/* Go sums these in wrapping int64; a wrapped total would print as a negative weight. */
	if (p->value_index >= 0) {
		ps->value = s->value[p->value_index];
		if (__builtin_add_overflow(p->total_value, ps->value, &p->total_value) ||
		    pgd_abs_weight_add(&d->abs_value, ps->value))
			return sum_overflow(d, "sample values");
		if (ps->value < 0)
			p->has_negative = 1;
	}
	if (p->count_index >= 0) {
		ps->count = s->value[p->count_index];
		if (__builtin_add_overflow(p->total_count, ps->count, &p->total_count) ||
		    pgd_abs_weight_add(&d->abs_count, ps->count))
			return sum_overflow(d, "sample counts");
	}
	return 0;
}

static int copy_samples(struct decoder *d)
{
	struct pgd_profile *p = d->p;
	struct wire_field f;
	size_t pos = 0;
	int ret;

	if (d->count[F_SAMPLE] && !p->nsample_types)
		return pgd_err_set(d->err, PGD_EINPUT, p->path,
				   "malformed pprof profile: samples but no sample type information");
	p->samples = pgd_arena_calloc(&p->arena, d->count[F_SAMPLE] + 1, sizeof(*p->samples));
	if (!p->samples)
		return pgd_err_nomem(d->err, p->path);
	while ((ret = wire_next(p, d->data, d->len, &pos, &f, d->err)) > 0) {
		Pgd__Perftools__Profiles__Sample *s;

		if (f.number != F_SAMPLE)
			continue;
		s = pgd__perftools__profiles__sample__unpack(NULL, f.len, f.data);
		if (!s)
			return bad_message(d, "sample", &f);
		ret = copy_sample(d, s, &p->samples[p->nsamples]);
		pgd__perftools__profiles__sample__free_unpacked(s, NULL);
		if (ret)
			return ret;
		p->nsamples++;
	}
	return ret;
}

int pgd_pprof_decode(struct pgd_profile *p, const unsigned char *data, size_t len,
		     const struct pgd_limits *limits, struct pgd_err *err)
{
	unsigned char *gunzipped = NULL;
	struct decoder d;
	int ret;

	memset(&d, 0, sizeof(d));
	d.p = p;
	d.err = err;
	p->format = PGD_PROFILE_PPROF;
	p->value_index = -1;
	p->count_index = -1;

	/* internal/profile.Parse: gzip is recognised by its magic alone. */
	if (len >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
		size_t glen = 0;

		if ((ret = gunzip(p, data, len, limits->max_decoded_bytes, &gunzipped, &glen, err)))
			goto out;
		if (!glen) {
			/* Go calls this ErrNoData and accepts it as empty: the same silent failure as a 0-byte file. */
			ret = pgd_err_set(err, PGD_EINPUT, p->path,
					  "gzip stream decompresses to 0 bytes: an empty profile");
			goto out;
		}
		data = gunzipped;
		len = glen;
	}
	d.data = data;
	d.len = len;
	if ((ret = scan_top(&d)))
		goto out;
	if ((ret = check_count(p, "samples", d.count[F_SAMPLE], limits, err)) ||
	    (ret = check_count(p, "locations", d.count[F_LOCATION], limits, err)) ||
	    (ret = check_count(p, "functions", d.count[F_FUNCTION], limits, err)) ||
	    (ret = check_count(p, "mappings", d.count[F_MAPPING], limits, err)) ||
	    (ret = check_count(p, "strings", d.count[F_STRING], limits, err)))
		goto out;
	/* Strings first: everything else refers to them; then in reference order. */
	if ((ret = copy_strings(&d)) || (ret = copy_header(&d)) || (ret = copy_mappings(&d)) ||
	    (ret = copy_functions(&d)) || (ret = copy_locations(&d)) || (ret = copy_samples(&d)))
		goto out;
	/* FromPProf returns before choosing a column when there are no samples. */
	if (p->nsamples && p->value_index < 0) {
		ret = no_usable_type(&d);
		goto out;
	}
	if (p->nsamples) {
		if ((ret = pgd_profile_compiler_graph(p, NULL, NULL, &p->any_start_line, err)))
			goto out;
		/*
		 * createNamedEdgeMap fails before looking at the total weight,
		 * so Go rejects a profile whose samples are all 0 here too.
		 */
		if (!p->any_start_line) {
			ret = pgd_err_set(err, PGD_EINPUT, p->path,
					  p->total_value || p->has_negative
					  ? "profile missing Function.start_line data (captured with Go < 1.20?): "
					    "PGO cannot place call sites without it"
					  : "every sample has value 0: go tool preprofile rejects such a profile "
					    "(\"profile missing Function.start_line data\")");
			goto out;
		}
	}
	ret = 0;
out:
	free(d.unsafe);
	pgd_hashmap_free(&d.strings);
	pgd_hashmap_free(&d.nodes);
	idmap_free(&d.mapping_ids);
	idmap_free(&d.function_ids);
	idmap_free(&d.location_ids);
	free(gunzipped);
	return ret;
}
