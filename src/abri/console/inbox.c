/* SPDX-License-Identifier: AGPL-3.0-or-later */
/* The inbox (docs/console-api.md, "Inbox"): abrid's list of cases (every
 * page, kept 30 s), and the summaries of the cases decrypted so far, kept
 * by reference with the envelope count they were made from (a new message
 * makes it stale), with the text search looks into. Each refresh of the
 * list also fetches abrid's recipient list again (console_session_refresh). Everything decrypted
 * lives in jansson values, whose allocator wipes each block it frees
 * (abri_init), and is dropped when the console locks. */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "abri/caseview.h"
#include "console/console.h"

#define PAGE_SIZE 50
#define LIST_TTL  30 /* seconds */

struct console_inbox {
	json_t *list; /* abrid's items, as listed */
	int64_t list_at;
	json_t *summaries; /* ref -> {"n", "summary", "text"} */
};

console_inbox *console_inbox_new(void)
{
	console_inbox *in = calloc(1, sizeof *in);
	if (in != NULL && (in->summaries = json_object()) == NULL) {
		free(in);
		return NULL;
	}
	return in;
}

void console_inbox_drop(console_inbox *in)
{
	if (in == NULL)
		return;
	json_decref(in->list);
	in->list = NULL;
	json_object_clear(in->summaries);
}

void console_inbox_free(console_inbox *in)
{
	if (in == NULL)
		return;
	console_inbox_drop(in);
	json_decref(in->summaries);
	free(in);
}

void console_inbox_forget(console *c, const char *ref)
{
	json_object_del(c->inbox->summaries, ref);
}

static int add_page(const json_t *cases, void *cls)
{
	return json_array_extend((json_t *)cls, (json_t *)cases) == 0 ? CLI_OK : CLI_LOCAL;
}

static int list_refresh(console *c)
{
	console_inbox *in = c->inbox;
	json_t *list;
	int ex;

	if (in->list != NULL && console_mono() - in->list_at < LIST_TTL)
		return CLI_OK;
	if ((list = json_array()) == NULL)
		return CLI_LOCAL;
	/* abrid's recipient list too, as often: a new list (a listener added
	 * or removed, a rollback) shows within LIST_TTL, not at the next
	 * unlock. */
	ex = console_session_refresh(c);
	if (ex == CLI_OK)
		ex = cli_cases_pages(c->s, NULL, UINT32_MAX, "listing cases", add_page, list);
	if (ex != CLI_OK) {
		json_decref(list);
		return ex;
	}
	json_decref(in->list);
	in->list = list;
	in->list_at = console_mono();
	return CLI_OK;
}

static void text_add(abri_buf *b, const json_t *s)
{
	const char *t = json_string_value(s);
	if (t != NULL && (abri_buf_append(b, t, strlen(t)) < 0 || abri_buf_append(b, "\n", 1) < 0))
		abri_buf_free(b);
}

/* What search looks into: the report, every message and note. */
static json_t *search_text(const json_t *view)
{
	abri_buf b;
	size_t i;
	json_t *m, *out;

	abri_buf_init(&b);
	text_add(&b, json_object_get(json_object_get(view, "report"), "text"));
	json_array_foreach(json_object_get(view, "messages"), i, m)
	    text_add(&b, json_object_get(m, "text"));
	out = json_stringn(b.data ? (const char *)b.data : "", b.len);
	abri_buf_free(&b);
	return out;
}

/* The entry of a case that could not be read: from abrid's list only. */
static json_t *unreadable(const json_t *item)
{
	json_t *e = json_deep_copy(item);
	if (e != NULL && (json_object_set_new(e, "readable", json_false()) < 0 ||
	                  json_object_set_new(e, "alarm", json_true()) < 0 ||
	                  json_object_set_new(e, "attention", json_true()) < 0)) {
		json_decref(e);
		e = NULL;
	}
	return e;
}

static long long envelopes_of(const json_t *item)
{
	return (long long)json_integer_value(json_object_get(item, "envelopes"));
}

/* The cached entry of item if fresh, else NULL. */
static json_t *cached(console *c, const json_t *item)
{
	const char *ref = json_string_value(json_object_get(item, "case_ref"));
	json_t *e = ref ? json_object_get(c->inbox->summaries, ref) : NULL;
	return e != NULL && json_integer_value(json_object_get(e, "n")) == envelopes_of(item)
	           ? e
	           : NULL;
}

/* Decrypts item's case into the cache. */
static json_t *summarise(console *c, const json_t *item)
{
	const char *ref = json_string_value(json_object_get(item, "case_ref"));
	abri_case cs;
	json_t *view = NULL, *sum = NULL, *text = NULL, *e;

	if (ref == NULL || !abri_case_ref_valid(ref))
		return NULL;
	if (console_case_load(c, ref, &cs, &view, NULL, NULL) == CLI_OK) {
		sum = abri_case_summary(view, envelopes_of(item));
		text = search_text(view);
		abri_case_free(&cs);
		json_decref(view);
	}
	if (sum == NULL) {
		sum = unreadable(item);
		text = json_string("");
	}
	e = json_pack("{s:I, s:o?, s:o?}", "n", (json_int_t)envelopes_of(item), "summary", sum,
	              "text", text);
	if (e == NULL || json_object_set_new(c->inbox->summaries, ref, e) < 0)
		return NULL;
	return e;
}

int console_inbox_step(console *c)
{
	size_t i;
	json_t *item;

	if (c->s == NULL || c->inbox->list == NULL)
		return 0;
	json_array_foreach(c->inbox->list, i, item) if (cached(c, item) == NULL)
	{
		summarise(c, item);
		return 1;
	}
	return 0;
}

typedef struct filter {
	char *state, *q, *attention, *page;
} filter;

static int matches(console *c, const json_t *item, const filter *f, json_t **entry)
{
	const char *state = json_string_value(json_object_get(item, "state"));
	const char *ref = json_string_value(json_object_get(item, "case_ref"));
	json_t *e = cached(c, item);

	*entry = e;
	if (f->state != NULL && (state == NULL || strcmp(state, f->state) != 0))
		return 0;
	if (f->attention != NULL && strcmp(f->attention, "1") == 0 &&
	    (e == NULL ||
	     !json_is_true(json_object_get(json_object_get(e, "summary"), "attention"))))
		return 0;
	if (f->q != NULL && f->q[0] != '\0') {
		const char *t = json_string_value(json_object_get(e, "text"));
		if (!(ref != NULL && strcasestr(ref, f->q) != NULL) &&
		    !(t != NULL && strcasestr(t, f->q) != NULL))
			return 0;
	}
	return 1;
}

static int complete(console *c, size_t *decrypted)
{
	size_t i;
	json_t *item;
	*decrypted = 0;
	json_array_foreach(c->inbox->list, i, item) if (cached(c, item) != NULL)(*decrypted)++;
	return *decrypted == json_array_size(c->inbox->list);
}

void h_cases(console *c, const console_req *rq, const json_t *body, console_resp *r)
{
	filter f = {console_query(rq->target, "state"), console_query(rq->target, "q"),
	            console_query(rq->target, "attention"), console_query(rq->target, "page")};
	long page = f.page ? strtol(f.page, NULL, 10) : 1;
	size_t i, total = 0, decrypted;
	json_t *item, *cases = json_array(), *e;
	int ex = list_refresh(c);

	if (page < 1 || page > 1000000)
		page = 1;
	if (ex != CLI_OK) {
		console_call_failed(c, ex, r);
	} else if (cases == NULL) {
		console_error(r, 500, "internal", "out of memory");
	} else {
		json_array_foreach(c->inbox->list, i, item)
		{
			if (!matches(c, item, &f, &e))
				continue;
			total++;
			if (total <= (size_t)(page - 1) * PAGE_SIZE ||
			    total > (size_t)page * PAGE_SIZE)
				continue;
			if (e == NULL)
				e = summarise(c, item);
			json_array_append(cases, e ? json_object_get(e, "summary") : item);
		}
		int all = complete(c, &decrypted);
		console_json(r, 200,
		             json_pack("{s:I, s:I, s:I, s:b, s:I, s:O}", "total", (json_int_t)total,
		                       "page", (json_int_t)page, "pages",
		                       (json_int_t)((total + PAGE_SIZE - 1) / PAGE_SIZE),
		                       "complete", all, "decrypted", (json_int_t)decrypted, "cases",
		                       cases));
	}
	json_decref(cases);
	free(f.state);
	if (f.q != NULL)
		sodium_memzero(f.q, strlen(f.q)); /* a search term */
	free(f.q);
	free(f.attention);
	free(f.page);
}
