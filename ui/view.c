/*
 * view — filling a view.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "util.h"
#include "view.h"

struct view_item *
view_add(struct view *v, enum view_kind kind, const char *text, enum journey_event_type event,
    int arg)
{
	struct view_item	*it = v->n < VIEW_MAX_ITEMS ? &v->items[v->n++] :
				    &v->items[VIEW_MAX_ITEMS];

	memset(it, 0, sizeof *it);
	it->kind = kind;
	util_copy(it->text, sizeof it->text, text);
	it->event = event;
	it->arg = arg;
	return it;
}

struct view_item *
view_addf(struct view *v, enum view_kind kind, enum journey_event_type event, int arg,
    const char *fmt, ...)
{
	char	text[VIEW_TEXT_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof text, fmt, ap);
	va_end(ap);
	return view_add(v, kind, text, event, arg);
}

bool
view_focusable(const struct view_item *it)
{
	return (it->event != JOURNEY_EV_NONE || it->kind == VIEW_HEADING) &&
	    it->kind != VIEW_KEYPAD && it->kind != VIEW_KEYBOARD;
}
