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
 * makes NewGraph dereference nil); we reject it.
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

typedef Perftools__Profiles__Profile pb_profile;

/* ---- gunzip -------------------------------------------------------------- */

/*
 * Streams through inflate into a buffer that grows up to the cap; the gzip
 * trailer's ISIZE is never trusted (it is mod 2^32 and attacker-chosen).
 * Concatenated gzip members are read as one stream, as Go's gzip.Reader does.
 */
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
		zs.avail_out = alloc - len > UINT32_MAX ? UINT32_MAX : (uInt)(alloc - len);
		size_t room = zs.avail_out;

		zret = inflate(&zs, Z_NO_FLUSH);
		len += room - zs.avail_out;
		if (len > cap)
			goto too_big;
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

/* ---- a wire-level pre-scan --------------------------------------------- */

struct prescan {
	uint64_t nsample, nlocation, nfunction, nstring, nmapping;
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

/*
 * Walks the top-level fields once before unpacking: counts the repeated
 * messages so the element caps apply before protobuf-c allocates anything,
 * and names the byte where the data stops being protobuf, which protobuf-c
 * cannot tell.
 */
static int prescan(const struct pgd_profile *p, const unsigned char *d, size_t len,
		   struct prescan *ps, struct pgd_err *err)
{
	size_t pos = 0;

	memset(ps, 0, sizeof(*ps));
	while (pos < len) {
		size_t at = pos;
		uint64_t key, v;

		if (read_varint(d, len, &pos, &key) || (key >> 3) == 0)
			return pgd_err_set(err, PGD_EINPUT, p->path,
					   "not a pprof profile: invalid protobuf field tag at byte %zu", at);
		switch (key & 7) {
		case 0:
			if (read_varint(d, len, &pos, &v))
				return pgd_err_set(err, PGD_EINPUT, p->path,
						   "not a pprof profile: truncated varint at byte %zu", at);
			break;
		case 1:
			if (len - pos < 8)
				goto trunc;
			pos += 8;
			break;
		case 5:
			if (len - pos < 4)
				goto trunc;
			pos += 4;
			break;
		case 2:
			if (read_varint(d, len, &pos, &v) || v > len - pos)
				goto trunc;
			pos += v;
			switch (key >> 3) {
			case 2: ps->nsample++; break;
			case 3: ps->nmapping++; break;
			case 4: ps->nlocation++; break;
			case 5: ps->nfunction++; break;
			case 6: ps->nstring++; break;
			}
			break;
		default:
			return pgd_err_set(err, PGD_EINPUT, p->path,
					   "not a pprof profile: invalid protobuf wire type %u at byte %zu",
					   (unsigned)(key & 7), at);
		}
		continue;
trunc:
		return pgd_err_set(err, PGD_EINPUT, p->path,
				   "not a pprof profile: field at byte %zu runs past the end of the data (%zu bytes)",
				   at, len);
	}
	return 0;
}

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

/* ---- protobuf-c on a scratch arena -------------------------------------- */

/*
 * protobuf-c makes one allocation per message (every sample, location and
 * line). A bump allocator is far cheaper than malloc for that, and the whole
 * unpacked tree goes at once with arena_release() after the copy. The
 * scratch arena is separate from the profile's so that the wire-shaped copy
 * does not live as long as the profile.
 */
static void *scratch_alloc(void *ad, size_t size)
{
	return arena_alloc(ad, size);
}

static void scratch_free(void *ad, void *ptr)
{
	(void)ad;
	(void)ptr;
}

/* ---- id -> index maps ---------------------------------------------------- */

/*
 * Go's encoder numbers ids 1..n, so a direct table is the common case; the
 * hash map covers sparse ids.
 */
struct idmap {
	uint32_t *table;          /* id -> index + 1, 0 = absent */
	uint64_t table_len;
	struct hashmap map;       /* keys point at the ids stored in the arena */
};

static int idmap_init(struct idmap *m, const uint64_t *ids, size_t stride, size_t n)
{
	uint64_t maxid = 0;

	memset(m, 0, sizeof(*m));
	for (size_t i = 0; i < n; i++) {
		uint64_t id = *(const uint64_t *)((const char *)ids + i * stride);

		if (id > maxid)
			maxid = id;
	}
	if (maxid <= 4 * (uint64_t)n + 16) {
		m->table_len = maxid + 1;
		m->table = calloc(m->table_len, sizeof(*m->table));
		if (!m->table)
			return -1;
	}
	return 0;
}

/* 0 added, 1 duplicate, -1 out of memory. */
static int idmap_add(struct idmap *m, const uint64_t *idp, uint32_t index)
{
	if (m->table) {
		if (m->table[*idp])
			return 1;
		m->table[*idp] = index + 1;
		return 0;
	}
	int inserted;
	struct hashmap_entry *e = hashmap_upsert(&m->map, idp, sizeof(*idp), &inserted);

	if (!e)
		return -1;
	if (!inserted)
		return 1;
	e->val.u64 = index;
	return 0;
}

static uint32_t idmap_get(const struct idmap *m, uint64_t id)
{
	if (m->table)
		return id < m->table_len && m->table[id] ? m->table[id] - 1 : NONE;
	struct hashmap_entry *e = hashmap_find(&m->map, &id, sizeof(id));

	return e ? (uint32_t)e->val.u64 : NONE;
}

static void idmap_free(struct idmap *m)
{
	free(m->table);
	hashmap_free(&m->map);
}

/* ---- copying into the profile ------------------------------------------- */

struct decoder {
	struct pgd_profile *p;
	const pb_profile *pb;
	struct pgd_err *err;
	const char **strs;        /* string table, interned, in the profile arena */
	struct hashmap strings;   /* content -> interned copy */
	struct hashmap nodes;     /* NodeInfo -> node index */
	struct idmap mapping_ids, function_ids, location_ids;
};

static int get_string(struct decoder *d, int64_t idx, const char **out, const char *what)
{
	if (idx < 0 || (uint64_t)idx >= d->pb->n_string_table)
		return pgd_err_set(d->err, PGD_EINPUT, d->p->path,
				   "malformed pprof profile: %s string index %" PRId64
				   " is outside the string table (%zu entries)",
				   what, idx, d->pb->n_string_table);
	*out = d->strs[idx];
	return 0;
}

static int copy_strings(struct decoder *d)
{
	const pb_profile *pb = d->pb;
	struct pgd_profile *p = d->p;

	/*
	 * Go's encoder always writes "" first; a decodable blob without it is
	 * random bytes that happened to parse (text often does), not a profile.
	 */
	if (!pb->n_string_table || pb->string_table[0][0])
		return pgd_err_set(d->err, PGD_EINPUT, p->path,
				   "not a pprof profile: its string table %s",
				   pb->n_string_table ? "does not start with the empty string" : "is missing");
	d->strs = arena_calloc(&p->arena, pb->n_string_table, sizeof(*d->strs));
	if (!d->strs)
		return pgd_err_nomem(d->err, p->path);
	for (size_t i = 0; i < pb->n_string_table; i++) {
		const char *s = pb->string_table[i];
		size_t len = strlen(s);
		int inserted;
		struct hashmap_entry *e = hashmap_upsert(&d->strings, s, len, &inserted);

		if (!e)
			return pgd_err_nomem(d->err, p->path);
		if (inserted) {
			char *copy = arena_strndup(&p->arena, s, len);

			if (!copy)
				return pgd_err_nomem(d->err, p->path);
			e->key = copy;
			e->val.ptr = copy;
		}
		d->strs[i] = e->val.ptr;
	}
	return 0;
}

static int copy_header(struct decoder *d)
{
	const pb_profile *pb = d->pb;
	struct pgd_profile *p = d->p;
	const char *unused;
	int ret;

	p->nsample_types = (uint32_t)pb->n_sample_type;
	p->sample_types = arena_calloc(&p->arena, pb->n_sample_type + 1, sizeof(*p->sample_types));
	if (!p->sample_types)
		return pgd_err_nomem(d->err, p->path);
	for (size_t i = 0; i < pb->n_sample_type; i++) {
		if ((ret = get_string(d, pb->sample_type[i]->type, &p->sample_types[i].type, "sample type")) ||
		    (ret = get_string(d, pb->sample_type[i]->unit, &p->sample_types[i].unit, "sample unit")))
			return ret;
	}
	p->period_type = "";
	if (pb->period_type) {
		if ((ret = get_string(d, pb->period_type->type, &p->period_type, "period type")) ||
		    (ret = get_string(d, pb->period_type->unit, &unused, "period unit")))
			return ret;
	}
	if ((ret = get_string(d, pb->drop_frames, &unused, "drop_frames")) ||
	    (ret = get_string(d, pb->keep_frames, &unused, "keep_frames")) ||
	    (ret = get_string(d, pb->default_sample_type, &unused, "default_sample_type")))
		return ret;
	for (size_t i = 0; i < pb->n_comment; i++)
		if ((ret = get_string(d, pb->comment[i], &unused, "comment")))
			return ret;
	p->period = pb->period;
	p->time_nanos = pb->time_nanos;
	p->duration_nanos = pb->duration_nanos;

	/* cmd/internal/pgo/pprof.go FromPProf: the first of these two wins. */
	p->value_index = -1;
	p->count_index = -1;
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
	return 0;
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

static int copy_mappings(struct decoder *d)
{
	const pb_profile *pb = d->pb;
	struct pgd_profile *p = d->p;
	int ret;

	p->nmappings = (uint32_t)pb->n_mapping;
	p->mappings = arena_calloc(&p->arena, pb->n_mapping + 1, sizeof(*p->mappings));
	if (!p->mappings)
		return pgd_err_nomem(d->err, p->path);
	for (uint32_t i = 0; i < p->nmappings; i++)
		p->mappings[i].id = pb->mapping[i]->id;
	if (idmap_init(&d->mapping_ids, &p->mappings[0].id, sizeof(*p->mappings), p->nmappings))
		return pgd_err_nomem(d->err, p->path);
	for (uint32_t i = 0; i < p->nmappings; i++) {
		const Perftools__Profiles__Mapping *m = pb->mapping[i];
		struct pgd_mapping *pm = &p->mappings[i];

		pm->id = m->id;
		pm->memory_start = m->memory_start;
		pm->memory_limit = m->memory_limit;
		pm->file_offset = m->file_offset;
		if ((ret = get_string(d, m->filename, &pm->filename, "mapping filename")) ||
		    (ret = get_string(d, m->build_id, &pm->build_id, "mapping build id")))
			return ret;
		if (!m->id)
			return pgd_err_set(d->err, PGD_EINPUT, p->path,
					   "malformed pprof profile: mapping with reserved id 0");
		ret = idmap_add(&d->mapping_ids, &pm->id, i);
		if (ret < 0)
			return pgd_err_nomem(d->err, p->path);
		if (ret)
			return pgd_err_set(d->err, PGD_EINPUT, p->path,
					   "malformed pprof profile: several mappings with id %" PRIu64, m->id);
	}
	return 0;
}

static int copy_functions(struct decoder *d)
{
	const pb_profile *pb = d->pb;
	struct pgd_profile *p = d->p;
	const char *unused;
	int ret;

	p->nfunctions = (uint32_t)pb->n_function;
	p->functions = arena_calloc(&p->arena, pb->n_function + 1, sizeof(*p->functions));
	if (!p->functions)
		return pgd_err_nomem(d->err, p->path);
	for (uint32_t i = 0; i < p->nfunctions; i++)
		p->functions[i].id = pb->function[i]->id;
	if (idmap_init(&d->function_ids, &p->functions[0].id, sizeof(*p->functions), p->nfunctions))
		return pgd_err_nomem(d->err, p->path);
	for (uint32_t i = 0; i < p->nfunctions; i++) {
		const Perftools__Profiles__Function *f = pb->function[i];
		struct pgd_function *pf = &p->functions[i];

		if ((ret = get_string(d, f->name, &pf->name, "function name")) ||
		    (ret = get_string(d, f->system_name, &unused, "function system name")) ||
		    (ret = get_string(d, f->filename, &pf->filename, "function filename")))
			return ret;
		pf->start_line = f->start_line;
		if (!f->id)
			return pgd_err_set(d->err, PGD_EINPUT, p->path,
					   "malformed pprof profile: function with reserved id 0");
		ret = idmap_add(&d->function_ids, &pf->id, i);
		if (ret < 0)
			return pgd_err_nomem(d->err, p->path);
		if (ret)
			return pgd_err_set(d->err, PGD_EINPUT, p->path,
					   "malformed pprof profile: several functions with id %" PRIu64, f->id);
	}
	return 0;
}

/* internal/profile/graph.go nodeInfo + NodeMap.FindOrInsertNode. */
static int node_for(struct decoder *d, uint64_t address, uint32_t function, int64_t lineno,
		    uint32_t *out)
{
	struct pgd_profile *p = d->p;
	struct pgd_node *n = &p->nodes[p->nnodes];
	struct hashmap_entry *e;
	int inserted;

	/* Zero the padding-free key first: it is hashed as bytes. */
	memset(n, 0, sizeof(*n));
	n->address = address;
	if (function == NONE) {
		/* The interned "" so a nameless function and no function compare as Go's do. */
		n->name = d->strs[0];
	} else {
		n->name = p->functions[function].name;
		n->start_line = p->functions[function].start_line;
		n->lineno = lineno;
	}
	e = hashmap_upsert(&d->nodes, n, sizeof(*n), &inserted);
	if (!e)
		return pgd_err_nomem(d->err, p->path);
	if (inserted)
		e->val.u64 = p->nnodes++;
	*out = (uint32_t)e->val.u64;
	return 0;
}

static int copy_locations(struct decoder *d)
{
	const pb_profile *pb = d->pb;
	struct pgd_profile *p = d->p;
	uint64_t nlines = 0, nslots = 0;
	int ret;

	for (size_t i = 0; i < pb->n_location; i++) {
		nlines += pb->location[i]->n_line;
		nslots += pb->location[i]->n_line ? pb->location[i]->n_line : 1;
	}
	if ((ret = check_count(p, "location lines", nlines, &p->limits, d->err)) ||
	    (ret = check_count(p, "graph nodes", nslots, &p->limits, d->err)))
		return ret;

	p->nlocations = (uint32_t)pb->n_location;
	p->locations = arena_calloc(&p->arena, pb->n_location + 1, sizeof(*p->locations));
	struct pgd_line *lines = arena_calloc(&p->arena, nlines + 1, sizeof(*lines));
	uint32_t *nodeidx = arena_calloc(&p->arena, nslots + 1, sizeof(*nodeidx));
	/* Sized for the worst case so node keys never move while hashed. */
	p->nodes = arena_calloc(&p->arena, nslots + 1, sizeof(*p->nodes));
	if (!p->locations || !lines || !nodeidx || !p->nodes)
		return pgd_err_nomem(d->err, p->path);
	for (uint32_t i = 0; i < p->nlocations; i++)
		p->locations[i].id = pb->location[i]->id;
	if (idmap_init(&d->location_ids, &p->locations[0].id, sizeof(*p->locations), p->nlocations))
		return pgd_err_nomem(d->err, p->path);

	for (uint32_t i = 0; i < p->nlocations; i++) {
		const Perftools__Profiles__Location *l = pb->location[i];
		struct pgd_location *pl = &p->locations[i];

		if (!l->id)
			return pgd_err_set(d->err, PGD_EINPUT, p->path,
					   "malformed pprof profile: location with reserved id 0");
		ret = idmap_add(&d->location_ids, &pl->id, i);
		if (ret < 0)
			return pgd_err_nomem(d->err, p->path);
		if (ret)
			return pgd_err_set(d->err, PGD_EINPUT, p->path,
					   "malformed pprof profile: several locations with id %" PRIu64, l->id);
		pl->address = l->address;
		/* postDecode leaves an unknown mapping id as no mapping. */
		pl->mapping = l->mapping_id ? idmap_get(&d->mapping_ids, l->mapping_id) : NONE;
		pl->nlines = (uint32_t)l->n_line;
		pl->lines = lines;
		pl->nodes = nodeidx;
		lines += l->n_line;
		nodeidx += l->n_line ? l->n_line : 1;
		for (uint32_t k = 0; k < pl->nlines; k++) {
			const Perftools__Profiles__Line *ln = l->line[k];

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
			if ((ret = node_for(d, pl->address, pl->lines[k].function, ln->line,
					    &pl->nodes[k])))
				return ret;
		}
		if (!pl->nlines && (ret = node_for(d, pl->address, NONE, 0, &pl->nodes[0])))
			return ret;
	}
	return 0;
}

static int copy_samples(struct decoder *d)
{
	const pb_profile *pb = d->pb;
	struct pgd_profile *p = d->p;
	uint64_t nlocs = 0;
	const char *unused;
	int ret;

	if (pb->n_sample && !pb->n_sample_type)
		return pgd_err_set(d->err, PGD_EINPUT, p->path,
				   "malformed pprof profile: samples but no sample type information");
	for (size_t i = 0; i < pb->n_sample; i++)
		nlocs += pb->sample[i]->n_location_id;
	if ((ret = check_count(p, "sample frames", nlocs, &p->limits, d->err)))
		return ret;
	p->nsamples = (uint32_t)pb->n_sample;
	p->samples = arena_calloc(&p->arena, pb->n_sample + 1, sizeof(*p->samples));
	uint32_t *locs = arena_calloc(&p->arena, nlocs + 1, sizeof(*locs));
	if (!p->samples || !locs)
		return pgd_err_nomem(d->err, p->path);

	for (uint32_t i = 0; i < p->nsamples; i++) {
		const Perftools__Profiles__Sample *s = pb->sample[i];
		struct pgd_sample *ps = &p->samples[i];

		if (s->n_value != pb->n_sample_type)
			return pgd_err_set(d->err, PGD_EINPUT, p->path,
					   "malformed pprof profile: sample %" PRIu32 " has %zu values for %zu sample types",
					   i, s->n_value, pb->n_sample_type);
		for (size_t k = 0; k < s->n_label; k++) {
			if ((ret = get_string(d, s->label[k]->key, &unused, "label key")) ||
			    (s->label[k]->str && (ret = get_string(d, s->label[k]->str, &unused, "label value"))))
				return ret;
		}
		ps->nlocations = (uint32_t)s->n_location_id;
		ps->locations = locs;
		locs += s->n_location_id;
		for (uint32_t k = 0; k < ps->nlocations; k++) {
			ps->locations[k] = idmap_get(&d->location_ids, s->location_id[k]);
			if (ps->locations[k] == NONE)
				return pgd_err_set(d->err, PGD_EINPUT, p->path,
						   "malformed pprof profile: sample %" PRIu32
						   " names unknown location id %" PRIu64,
						   i, s->location_id[k]);
		}
		if (p->value_index >= 0) {
			ps->value = s->value[p->value_index];
			p->total_value += ps->value;
			if (ps->value < 0)
				p->has_negative = 1;
		}
		if (p->count_index >= 0) {
			ps->count = s->value[p->count_index];
			p->total_count += ps->count;
		}
	}
	return 0;
}

int pgd_pprof_decode(struct pgd_profile *p, const unsigned char *data, size_t len,
		     const struct pgd_limits *limits, struct pgd_err *err)
{
	ProtobufCAllocator alloc = { scratch_alloc, scratch_free, NULL };
	struct arena scratch = ARENA_INIT;
	unsigned char *gunzipped = NULL;
	pb_profile *pb = NULL;
	struct decoder d;
	struct prescan ps;
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
			/* Go calls this ErrNoData and accepts it as empty; it is the same silent failure as a 0-byte file. */
			ret = pgd_err_set(err, PGD_EINPUT, p->path,
					  "gzip stream decompresses to 0 bytes: an empty profile");
			goto out;
		}
		data = gunzipped;
		len = glen;
	}
	if ((ret = prescan(p, data, len, &ps, err)))
		goto out;
	if ((ret = check_count(p, "samples", ps.nsample, limits, err)) ||
	    (ret = check_count(p, "locations", ps.nlocation, limits, err)) ||
	    (ret = check_count(p, "functions", ps.nfunction, limits, err)) ||
	    (ret = check_count(p, "mappings", ps.nmapping, limits, err)) ||
	    (ret = check_count(p, "strings", ps.nstring, limits, err)))
		goto out;

	alloc.allocator_data = &scratch;
	pb = perftools__profiles__profile__unpack(&alloc, len, data);
	if (!pb) {
		ret = pgd_err_set(err, PGD_EINPUT, p->path,
				  "not a pprof profile: protobuf decoding of profile.proto failed");
		goto out;
	}
	/* The wire bytes are no longer needed: lower the peak before copying. */
	free(gunzipped);
	gunzipped = NULL;
	d.pb = pb;
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
	hashmap_free(&d.strings);
	hashmap_free(&d.nodes);
	idmap_free(&d.mapping_ids);
	idmap_free(&d.function_ids);
	idmap_free(&d.location_ids);
	free(gunzipped);
	arena_release(&scratch);
	return ret;
}

/* ---- the compiler's graph ------------------------------------------------ */

struct pair {
	uint32_t src, dst;        /* hashed as the 8-byte key */
	int64_t weight;
};

/*
 * internal/profile/graph.go NewGraph with SampleValue = v[valueIndex] and
 * no divisor, followed by selectNodesForGraph, as cmd/internal/pgo/pprof.go
 * FromPProf calls it. Per sample with a nonzero value: locations
 * [min(1, last)] down to [0], each one's nodes outermost line first; a node
 * gets cum once per sample; an edge parent->n is added when n != parent and
 * the pair was not added yet in this sample; the leaf gets flat. Nodes with
 * cum == flat == 0 are dropped with their out-edges.
 */
int pgd_profile_compiler_graph(const struct pgd_profile *p, pgd_node_edge_fn fn, void *ctx,
			       int *seen_start_line, struct pgd_err *err)
{
	struct arena pairs = ARENA_INIT;
	struct hashmap map = HASHMAP_INIT;
	int64_t *cum = NULL, *flat = NULL;
	uint32_t *seen = NULL, (*seen_pairs)[2] = NULL;
	uint32_t maxseq = 0;
	int ret = 0;

	*seen_start_line = 0;
	for (uint32_t i = 0; i < p->nlocations; i++) {
		uint32_t n = p->locations[i].nlines ? p->locations[i].nlines : 1;

		if (n > maxseq)
			maxseq = n;
	}
	maxseq *= 2;
	cum = calloc((size_t)p->nnodes + 1, sizeof(*cum));
	flat = calloc((size_t)p->nnodes + 1, sizeof(*flat));
	seen = calloc((size_t)maxseq + 1, sizeof(*seen));
	seen_pairs = calloc((size_t)maxseq + 1, sizeof(*seen_pairs));
	if (!cum || !flat || !seen || !seen_pairs) {
		ret = pgd_err_nomem(err, p->path);
		goto out;
	}

	for (uint32_t si = 0; si < p->nsamples; si++) {
		const struct pgd_sample *s = &p->samples[si];
		int64_t w = s->value;
		uint32_t nseen = 0, npairs = 0, parent = NONE;

		if (!w || !s->nlocations)
			continue;
		for (int i = s->nlocations > 1 ? 1 : 0; i >= 0; i--) {
			const struct pgd_location *l = &p->locations[s->locations[i]];
			uint32_t nn = l->nlines ? l->nlines : 1;

			for (uint32_t ni = nn; ni-- > 0;) {
				uint32_t n = l->nodes[ni], k;
				int saw = 0, saw_pair = 0;

				for (k = 0; k < nseen && !saw; k++)
					saw = seen[k] == n;
				if (!saw) {
					seen[nseen++] = n;
					cum[n] += w;
				}
				if (parent != NONE && n != parent) {
					for (k = 0; saw && k < npairs && !saw_pair; k++)
						saw_pair = seen_pairs[k][0] == parent && seen_pairs[k][1] == n;
					if (!saw_pair) {
						struct pair key = { parent, n, 0 };
						struct hashmap_entry *e;
						int inserted;

						seen_pairs[npairs][0] = parent;
						seen_pairs[npairs][1] = n;
						npairs++;
						if (fn) {
							e = hashmap_upsert(&map, &key, 8, &inserted);
							if (!e) {
								ret = pgd_err_nomem(err, p->path);
								goto out;
							}
							if (inserted) {
								struct pair *pr = arena_alloc(&pairs, sizeof(*pr));

								if (!pr) {
									ret = pgd_err_nomem(err, p->path);
									goto out;
								}
								*pr = key;
								e->key = pr;
								e->val.ptr = pr;
							}
							((struct pair *)e->val.ptr)->weight += w;
						}
					}
				}
				parent = n;
			}
		}
		if (parent != NONE)
			flat[parent] += w;
	}

	for (uint32_t n = 0; n < p->nnodes; n++) {
		if ((cum[n] || flat[n]) && p->nodes[n].start_line) {
			*seen_start_line = 1;
			break;
		}
	}
	if (fn) {
		struct hashmap_entry *e;

		for (size_t it = 0; hashmap_next(&map, &it, &e);) {
			const struct pair *pr = e->val.ptr;

			if (!cum[pr->src] && !flat[pr->src])
				continue;
			if ((ret = fn(ctx, pr->src, pr->dst, pr->weight)))
				goto out;
		}
	}
out:
	free(cum);
	free(flat);
	free(seen);
	free(seen_pairs);
	hashmap_free(&map);
	arena_release(&pairs);
	return ret;
}
