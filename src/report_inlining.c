// SPDX-License-Identifier: MIT
/*
 * Inlining drift as the writers say it (issue #17): the headline line, one
 * line per stale-hot or missed-hot site, and sizes in bytes. The analysis
 * (inlining.c) fills report->inlining, sorted and with its severity; every
 * writer words it through these, so the terminal, the PR comment and the CI
 * annotations say the same thing in the same order.
 */
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "strbuf.h"

int pgd_rpt_inl_listed(const struct pgd_report *r)
{
	return r && r->kind == RPT_CHECK && r->inlining.ran &&
	       (r->inlining.nstale_hot || r->inlining.nmissed_hot);
}

int pgd_rpt_bytes_text(struct strbuf *sb, uint64_t bytes)
{
	if (bytes < 1024)
		return pgd_strbuf_addf(sb, "%llu bytes", (unsigned long long)bytes);
	if (bytes < 10 * 1024)
		return pgd_strbuf_addf(sb, "%.1f KiB", (double)bytes / 1024);
	if (bytes < 1024 * 1024)
		return pgd_strbuf_addf(sb, "%.0f KiB", (double)bytes / 1024);
	return pgd_strbuf_addf(sb, "%.1f MiB", (double)bytes / (1024 * 1024));
}

/*
 * A share of a profile's edge weight as a percentage with the precision its
 * size needs: hot sets run to hundreds of sites of a few hundredths of a
 * percent each (gofmt: 844 above 0.024 %), which "0.0%" would hide.
 */
int pgd_rpt_share_text(struct strbuf *sb, double share)
{
	double p = 100 * share;

	if (!(p > 0))
		return pgd_strbuf_addstr(sb, "0%");
	if (p < 0.01)
		return pgd_strbuf_addstr(sb, "<0.01%");
	return pgd_strbuf_addf(sb, p < 1 ? "%.2f%%" : p < 10 ? "%.1f%%" : "%.0f%%", p);
}

int pgd_rpt_inlining_line(const struct pgd_report *r, struct strbuf *sb)
{
	const struct rpt_inlining *in = &r->inlining;

	if (r->kind != RPT_CHECK)
		return 1;
	if (!in->ran)
		return in->skipped_why ? pgd_strbuf_addf(sb, "inlining: not checked (%s)", in->skipped_why) ? -1 : 0
				       : 1;   /* a report from before the analysis */
	if (pgd_strbuf_addf(sb, "inlining%s: ", in->severity >= PGD_SEV_WARN ? " (warn)" : ""))
		return -1;
	if (!in->nstale_hot && !in->nmissed_hot)
		return pgd_strbuf_addf(sb, "no stale-hot or missed-hot call sites (%zu hot in the base, "
				   "%zu in the fresh capture)", in->nhot_base, in->nhot_fresh) ? -1 : 0;
	if (!in->nstale_hot ? pgd_strbuf_addstr(sb, "no stale-hot sites") :
	    pgd_strbuf_addf(sb, "%zu stale-hot site%s, ", in->nstale_hot, in->nstale_hot == 1 ? "" : "s") ||
	    pgd_rpt_bytes_text(sb, in->stale_hot_bytes))
		return -1;
	if (!in->nmissed_hot ? pgd_strbuf_addstr(sb, "; no missed-hot sites") :
	    pgd_strbuf_addf(sb, "; %zu missed-hot site%s, ", in->nmissed_hot, in->nmissed_hot == 1 ? "" : "s") ||
	    pgd_rpt_share_text(sb, in->missed_hot_fresh_share) ||
	    pgd_strbuf_addstr(sb, " of fresh CPU"))
		return -1;
	return 0;
}

int pgd_rpt_inl_site_text(struct strbuf *sb, const struct rpt_inl_site *s, int stale)
{
	const char *callee = s->callee ? s->callee : "?", *caller = s->caller ? s->caller : "?";

	if (stale) {
		if (pgd_strbuf_addf(sb, "%s %s %s at a call site no longer hot (", callee,
				s->inlined == 1 ? "is inlined into" : s->inlined == 0 ? "is called from" :
				"is called or inlined in", caller) ||
		    pgd_rpt_share_text(sb, s->base_share) || pgd_strbuf_addstr(sb, " -> ") ||
		    pgd_rpt_share_text(sb, s->fresh_share) || pgd_strbuf_addstr(sb, " of edge weight"))
			return -1;
		if (s->inlined == 1 && s->bytes && (pgd_strbuf_addstr(sb, "; inlined copy ") ||
					pgd_rpt_bytes_text(sb, s->bytes)))
			return -1;
		if (pgd_strbuf_addstr(sb, s->needed_hot_budget == 1 ?
				      "): only the hot-site budget inlined it; a refreshed profile would not" :
				      ")"))
			return -1;
		return 0;
	}
	if (pgd_strbuf_addf(sb, "%s %s %s at a call site hot in production but not in the committed "
			"profile (", callee,
			s->inlined == 0 ? "is called from" : s->inlined == 1 ? "is inlined into" :
			"is called or inlined in", caller) ||
	    pgd_rpt_share_text(sb, s->base_share) || pgd_strbuf_addstr(sb, " -> ") ||
	    pgd_rpt_share_text(sb, s->fresh_share) || pgd_strbuf_addstr(sb, " of edge weight"))
		return -1;
	if (s->bytes && (pgd_strbuf_addstr(sb, "; callee ") || pgd_rpt_bytes_text(sb, s->bytes)))
		return -1;
	return pgd_strbuf_addstr(sb, s->needed_hot_budget == 1 && s->inlined == 0 ?
				 "): a refreshed profile gives it the hot-site budget and inlines it" : ")");
}
