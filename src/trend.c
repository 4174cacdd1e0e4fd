// SPDX-License-Identifier: MIT
/*
 * pgodrift trend: the history a scheduled report keeps (history.jsonl, one
 * line per service per run, appended by `merge --history`) as a trend per
 * service: JSON, a text table, Mermaid `xychart-beta` blocks (GitHub and
 * GitLab render them in issues and wikis) and an SVG for places that do not.
 * Each chart shows the staleness score as a line (percent) and the number
 * of findings as bars.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "doc.h"
#include "err.h"
#include "fileio.h"
#include "report.h"
#include "strbuf.h"

/* A history far past this is not one team's weekly runs: refuse it. */
#define TREND_MAX_BYTES (64u << 20)

static cJSON *find_service(cJSON *services, const char *name)
{
	cJSON *s;

	cJSON_ArrayForEach(s, services)
		if (!strcmp(pgd_doc_str(s, "name"), name))
			return s;
	s = cJSON_CreateObject();
	cJSON_AddStringToObject(s, "name", name);
	cJSON_AddArrayToObject(s, "points");
	cJSON_AddItemToArray(services, s);
	return s;
}

static cJSON *point_json(const cJSON *line)
{
	cJSON *p = cJSON_CreateObject();
	const cJSON *st = cJSON_GetObjectItemCaseSensitive(line, "staleness");

	cJSON_AddNumberToObject(p, "time", pgd_doc_num(line, "time", 0));
	pgd_doc_add_str(p, "outcome", pgd_doc_str(line, "outcome"));
	cJSON_AddNumberToObject(p, "findings", pgd_doc_num(line, "findings", 0));
	cJSON_AddNumberToObject(p, "risk", pgd_doc_num(line, "risk", 0));
	cJSON_AddNumberToObject(p, "warn", pgd_doc_num(line, "warn", 0));
	cJSON_AddNumberToObject(p, "info", pgd_doc_num(line, "info", 0));
	if (cJSON_IsNumber(st))
		cJSON_AddNumberToObject(p, "staleness", pgd_doc_round6(st->valuedouble));
	else
		cJSON_AddNullToObject(p, "staleness");
	cJSON_AddNumberToObject(p, "total_cost", pgd_doc_round6(pgd_doc_num(line, "total_cost", 0)));
	return p;
}

static int cmp_time(const void *a, const void *b)
{
	double x = pgd_doc_num(*(cJSON *const *)a, "time", 0), y = pgd_doc_num(*(cJSON *const *)b, "time", 0);

	return x < y ? -1 : x > y;
}

static int cmp_svc(const void *a, const void *b)
{
	return strcmp(pgd_doc_str(*(cJSON *const *)a, "name"), pgd_doc_str(*(cJSON *const *)b, "name"));
}

/* Rebuilds an array sorted by cmp (stable enough: times are distinct per service). */
static cJSON *sorted(cJSON *arr, int (*cmp)(const void *, const void *), size_t keep_last)
{
	size_t n = (size_t)cJSON_GetArraySize(arr), i = 0, from;
	cJSON **v = calloc(n + 1, sizeof(*v)), *out = cJSON_CreateArray();

	if (!v || !out) {
		free(v);
		cJSON_Delete(out);
		return NULL;
	}
	while (cJSON_GetArraySize(arr) > 0)
		v[i++] = cJSON_DetachItemFromArray(arr, 0);
	qsort(v, n, sizeof(*v), cmp);
	from = keep_last && n > keep_last ? n - keep_last : 0;
	for (i = 0; i < n; i++) {
		if (i < from)
			cJSON_Delete(v[i]);
		else
			cJSON_AddItemToArray(out, v[i]);
	}
	free(v);
	return out;
}

static int trend_write(const struct pgd_doc *d, const char *format, struct strbuf *out,
		       struct pgd_err *err);
static const char *const trend_formats[] = { "text", "markdown", "mermaid", "svg", NULL };

static int parse_history(const char *path, char *text, cJSON *services, struct pgd_err *err)
{
	size_t lineno = 0;

	for (char *line = text, *next; line && *line; line = next) {
		cJSON *o;
		const char *svc;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		lineno++;
		if (!*line || (line[0] == '\r' && !line[1]))
			continue;
		o = cJSON_Parse(line);
		svc = pgd_doc_str(o, "service");
		if (!cJSON_IsObject(o) || !svc || !*svc || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, "time"))) {
			cJSON_Delete(o);
			return pgd_err_set(err, PGD_EINPUT, path,
					   "line %zu is not a history line (a JSON object with service and time)",
					   lineno);
		}
		cJSON_AddItemToArray(cJSON_GetObjectItemCaseSensitive(find_service(services, svc), "points"),
				     point_json(o));
		cJSON_Delete(o);
	}
	return 0;
}

int pgd_trend__read(const char *history_path, size_t last_n, struct pgd_doc **out,
		    struct pgd_err *err)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	struct stat st;
	struct pgd_doc *d = NULL;
	cJSON *services = NULL, *s, *sorted_svcs;
	int fd = -1, ret;

	*out = NULL;
	if ((ret = pgd_open_regular(history_path, &fd, &st, err)))
		return ret;
	ret = pgd_read_fd(fd, history_path, TREND_MAX_BYTES, (uint64_t)st.st_size, &buf, &len, err);
	close(fd);
	if (ret)
		return ret;
	buf[len] = '\0';   /* pgd_read_fd leaves one spare byte */
	if (!(d = pgd_doc_new(DOC_TREND, "pgodrift.trend/v1")) || !(services = cJSON_CreateArray()))
		goto nomem;
	d->write = trend_write;
	d->formats = trend_formats;
	if ((ret = parse_history(history_path, (char *)buf, services, err)))
		goto out;
	if (!cJSON_GetArraySize(services)) {
		ret = pgd_err_set(err, PGD_EINPUT, history_path, "the history has no runs yet");
		goto out;
	}
	cJSON_ArrayForEach(s, services) {
		cJSON *pts = sorted(cJSON_GetObjectItemCaseSensitive(s, "points"), cmp_time, last_n);

		if (!pts)
			goto nomem;
		cJSON_ReplaceItemInObjectCaseSensitive(s, "points", pts);
	}
	if (!(sorted_svcs = sorted(services, cmp_svc, 0)))
		goto nomem;
	cJSON_AddItemToObject(d->root, "services", sorted_svcs);
	*out = d;
	d = NULL;
	goto out;
nomem:
	ret = pgd_err_nomem(err, history_path);
out:
	cJSON_Delete(services);
	pgd_doc__free(d);
	free(buf);
	return ret;
}

/* ---- views ---------------------------------------------------------------------- */

/* Dates as labels: the day, with the time when a service has two runs on one day. */
static int time_labels(const cJSON *points, char (*labels)[24], size_t n)
{
	int with_time = 0;
	size_t i = 0;
	const cJSON *p;

	cJSON_ArrayForEach(p, points) {
		time_t t = (time_t)pgd_doc_num(p, "time", 0);
		struct tm tm;

		if (i >= n || !gmtime_r(&t, &tm))
			return -1;
		strftime(labels[i], sizeof(labels[i]), "%Y-%m-%d", &tm);
		if (i && !strcmp(labels[i], labels[i - 1]))
			with_time = 1;
		i++;
	}
	i = 0;
	cJSON_ArrayForEach(p, points) {
		time_t t = (time_t)pgd_doc_num(p, "time", 0);
		struct tm tm;

		if (with_time && gmtime_r(&t, &tm))
			strftime(labels[i], sizeof(labels[i]), "%m-%d %H:%M", &tm);
		i++;
	}
	return 0;
}

/* A name inside a Mermaid string: only characters that cannot end or escape it. */
static int mermaid_name(struct strbuf *sb, const char *s)
{
	int ret = 0;

	for (; !ret && s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		int safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			   c == '.' || c == '_' || c == '-' || c == '/' || c == ' ';

		ret = pgd_strbuf_addch(sb, safe ? c : '_');
	}
	return ret;
}

static double staleness_pct(const cJSON *p)
{
	return 100 * pgd_doc_num(p, "staleness", 0);
}

/*
 * One axis only in xychart-beta: the line is the staleness in percent, and
 * each run's label carries its findings count (bars on a percent axis would
 * mislead). A run that was not checked keeps the previous value and says so.
 */
static int mermaid_chart(struct strbuf *sb, const cJSON *svc)
{
	const cJSON *points = cJSON_GetObjectItemCaseSensitive(svc, "points"), *p;
	size_t n = (size_t)cJSON_GetArraySize(points), i = 0;
	char (*labels)[24] = calloc(n + 1, sizeof(*labels));
	double prev = 0;
	int ret = labels ? 0 : -1;

	ret = ret ? ret : time_labels(points, labels, n);
	ret = ret ? ret : pgd_strbuf_addstr(sb, "```mermaid\nxychart-beta\n    title \"");
	ret = ret ? ret : mermaid_name(sb, pgd_doc_str(svc, "name"));
	ret = ret ? ret : pgd_strbuf_addstr(sb, ": staleness %\"\n    x-axis [");
	cJSON_ArrayForEach(p, points) {
		const char *o = pgd_doc_str(p, "outcome");

		if (ret)
			break;
		if (o && !strcmp(o, "error"))
			ret = pgd_strbuf_addf(sb, "%s\"%s not checked\"", i ? ", " : "", labels[i]);
		else
			ret = pgd_strbuf_addf(sb, "%s\"%s: %.0f finding%s\"", i ? ", " : "", labels[i],
					  pgd_doc_num(p, "findings", 0), pgd_doc_num(p, "findings", 0) == 1 ? "" : "s");
		i++;
	}
	ret = ret ? ret : pgd_strbuf_addstr(sb, "]\n    y-axis \"staleness %\" 0 --> 100\n    line [");
	i = 0;
	cJSON_ArrayForEach(p, points) {
		if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(p, "staleness")))
			prev = staleness_pct(p);
		ret = ret ? ret : pgd_strbuf_addf(sb, "%s%.1f", i++ ? ", " : "", prev);
	}
	ret = ret ? ret : pgd_strbuf_addstr(sb, "]\n```\n");
	free(labels);
	return ret;
}

static int trend_mermaid(const struct pgd_doc *d, struct strbuf *sb, int headings)
{
	const cJSON *svc;
	int ret = 0;

	cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(d->root, "services")) {
		if (headings) {
			ret = ret ? ret : pgd_strbuf_addstr(sb, "\n### ");
			ret = ret ? ret : pgd_rpt_md_code(sb, pgd_doc_str(svc, "name"));
			ret = ret ? ret : pgd_strbuf_addstr(sb, "\n\n");
		}
		ret = ret ? ret : mermaid_chart(sb, svc);
	}
	return ret;
}

static int trend_text(const struct pgd_doc *d, struct strbuf *sb)
{
	const cJSON *svc, *p;
	int ret = pgd_strbuf_addf(sb, "%-24s %-17s %-12s %8s %5s %9s %10s\n", "SERVICE", "TIME (UTC)",
			      "OUTCOME", "FINDINGS", "RISK", "STALENESS", "COST");

	cJSON_ArrayForEach(svc, cJSON_GetObjectItemCaseSensitive(d->root, "services")) {
		const cJSON *points = cJSON_GetObjectItemCaseSensitive(svc, "points");
		size_t n = (size_t)cJSON_GetArraySize(points), i = 0;
		char (*labels)[24] = calloc(n + 1, sizeof(*labels));

		if (!labels || time_labels(points, labels, n)) {
			free(labels);
			return -1;
		}
		cJSON_ArrayForEach(p, points) {
			char st[16] = "-";

			if (cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(p, "staleness")))
				snprintf(st, sizeof(st), "%.0f%%", staleness_pct(p));
			ret = ret ? ret : pgd_strbuf_addf(sb, "%-24s %-17s %-12s %8.0f %5.0f %9s %10.0f\n",
						      pgd_doc_str(svc, "name"), labels[i++],
						      pgd_doc_str(p, "outcome") ? pgd_doc_str(p, "outcome") : "-",
						      pgd_doc_num(p, "findings", 0), pgd_doc_num(p, "risk", 0), st,
						      pgd_doc_num(p, "total_cost", 0));
		}
		free(labels);
	}
	return ret;
}

/* ---- SVG: one panel per service, staleness line on the left axis, findings bars on the right */

#define SVG_W 640
#define SVG_PANEL 190
#define SVG_L 56
#define SVG_R 56
#define SVG_TOP 34
#define SVG_PLOT 110

static int xml_text(struct strbuf *sb, const char *s)
{
	int ret = 0;

	for (; !ret && s && *s; s++) {
		switch (*s) {
		case '&': ret = pgd_strbuf_addstr(sb, "&amp;"); break;
		case '<': ret = pgd_strbuf_addstr(sb, "&lt;"); break;
		case '>': ret = pgd_strbuf_addstr(sb, "&gt;"); break;
		case '"': ret = pgd_strbuf_addstr(sb, "&quot;"); break;
		case '\'': ret = pgd_strbuf_addstr(sb, "&apos;"); break;
		default:
			/* XML 1.0 allows no control characters but tab, LF, CR. */
			ret = pgd_strbuf_addch(sb, (unsigned char)*s < 0x20 ? '?' : *s);
		}
	}
	return ret;
}

static int svg_panel(struct strbuf *sb, const cJSON *svc, int y0)
{
	const cJSON *points = cJSON_GetObjectItemCaseSensitive(svc, "points"), *p;
	size_t n = (size_t)cJSON_GetArraySize(points), i;
	char (*labels)[24] = calloc(n + 1, sizeof(*labels));
	double fmax = 1, plot_w = SVG_W - SVG_L - SVG_R, step = n > 1 ? plot_w / (double)n : plot_w;
	int base = y0 + SVG_TOP + SVG_PLOT, ret = labels ? 0 : -1;
	struct strbuf line = STRBUF_INIT;

	ret = ret ? ret : time_labels(points, labels, n);
	cJSON_ArrayForEach(p, points)
		if (pgd_doc_num(p, "findings", 0) > fmax)
			fmax = pgd_doc_num(p, "findings", 0);
	/* An even maximum of at least 2: the right axis's three ticks are whole findings. */
	fmax = fmax < 2 ? 2 : fmax + ((long long)fmax % 2);
	ret = ret ? ret : pgd_strbuf_addf(sb, "<g class=\"service\">\n<text x=\"%d\" y=\"%d\" class=\"title\">", SVG_L, y0 + 20);
	ret = ret ? ret : xml_text(sb, pgd_doc_str(svc, "name"));
	ret = ret ? ret : pgd_strbuf_addstr(sb, "</text>\n");
	/* Axes and gridlines: staleness 0/50/100 % on the left, findings 0..max on the right. */
	for (int g = 0; !ret && g <= 2; g++) {
		int y = base - g * SVG_PLOT / 2;

		ret = pgd_strbuf_addf(sb, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" class=\"grid\"/>\n"
				  "<text x=\"%d\" y=\"%d\" class=\"axis\" text-anchor=\"end\">%d%%</text>\n"
				  "<text x=\"%d\" y=\"%d\" class=\"axis\">%.0f</text>\n",
				  SVG_L, y, SVG_W - SVG_R, y, SVG_L - 6, y + 4, g * 50,
				  SVG_W - SVG_R + 6, y + 4, fmax * g / 2);
	}
	i = 0;
	cJSON_ArrayForEach(p, points) {
		double cx = SVG_L + step * ((double)i + 0.5);
		double bh = pgd_doc_num(p, "findings", 0) / fmax * SVG_PLOT;
		const char *o = pgd_doc_str(p, "outcome");

		ret = ret ? ret : pgd_strbuf_addf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"findings\"><title>%.0f findings</title></rect>\n",
					      cx - step * 0.2, base - bh, step * 0.4, bh, pgd_doc_num(p, "findings", 0));
		ret = ret ? ret : pgd_strbuf_addf(sb, "<text x=\"%.1f\" y=\"%d\" class=\"axis\" text-anchor=\"middle\">%s</text>\n",
					      cx, base + 16, labels[i]);
		if (!ret && o && !strcmp(o, "error"))
			ret = pgd_strbuf_addf(sb, "<text x=\"%.1f\" y=\"%d\" class=\"error\" text-anchor=\"middle\">not checked</text>\n",
					  cx, base - 6);
		if (!ret && cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(p, "staleness"))) {
			double cy = base - staleness_pct(p) / 100 * SVG_PLOT;

			ret = pgd_strbuf_addf(&line, "%s%.1f,%.1f", line.len ? " " : "", cx, cy);
			ret = ret ? ret : pgd_strbuf_addf(sb, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" class=\"staleness\"><title>staleness %.0f%%</title></circle>\n",
						      cx, cy, staleness_pct(p));
		}
		i++;
	}
	if (!ret && line.len)
		ret = pgd_strbuf_addf(sb, "<polyline points=\"%s\" class=\"staleness\"/>\n", line.buf);
	ret = ret ? ret : pgd_strbuf_addstr(sb, "</g>\n");
	pgd_strbuf_release(&line);
	free(labels);
	return ret;
}

static int trend_svg(const struct pgd_doc *d, struct strbuf *sb)
{
	const cJSON *services = cJSON_GetObjectItemCaseSensitive(d->root, "services"), *svc;
	int n = cJSON_GetArraySize(services), h = n * SVG_PANEL + 30, i = 0;
	int ret = pgd_strbuf_addf(sb,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\">\n"
		"<title>pgodrift trend: staleness (line, left axis) and findings (bars, right axis) per service</title>\n"
		"<style>.title{font-size:14px;font-weight:bold}.axis{font-size:10px;fill:#555}"
		".grid{stroke:#ddd}.findings{fill:#f4a582}.staleness{fill:#2166ac;stroke:#2166ac;stroke-width:2}"
		"polyline.staleness{fill:none}.error{font-size:10px;fill:#b2182b}.legend{font-size:11px}</style>\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
		SVG_W, h, SVG_W, h);

	cJSON_ArrayForEach(svc, services)
		ret = ret ? ret : svg_panel(sb, svc, 30 + SVG_PANEL * i++);
	ret = ret ? ret : pgd_strbuf_addf(sb,
		"<text x=\"%d\" y=\"18\" class=\"legend\"><tspan fill=\"#2166ac\">━ staleness %% (left)</tspan>"
		"  <tspan fill=\"#d6604d\">▮ findings (right)</tspan></text>\n</svg>\n", SVG_L);
	return ret;
}

static int trend_write(const struct pgd_doc *d, const char *format, struct strbuf *out,
		       struct pgd_err *err)
{
	int ret;

	if (!strcmp(format, "text"))
		ret = trend_text(d, out);
	else if (!strcmp(format, "svg"))
		ret = trend_svg(d, out);
	else if (!strcmp(format, "mermaid"))
		ret = trend_mermaid(d, out, 0);
	else
		ret = pgd_strbuf_addstr(out, "## Trend\n") || trend_mermaid(d, out, 1);
	return ret ? pgd_err_nomem(err, "") : 0;
}
