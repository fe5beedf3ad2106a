/*
 * test_util — reasons and dates.
 */
#include <criterion/criterion.h>

#include <stdlib.h>

#include "helpers.h"
#include "util.h"

Test(util, fail_formats_a_reason_and_returns_minus_one)
{
	char	*cause = NULL;

	cr_assert_eq(util_fail(&cause, "line %d: %s", 3, "bad"), -1);
	cr_assert_str_eq(cause, "line 3: bad");
	free(cause);
	cr_assert_eq(util_fail(NULL, "ignored"), -1);
}

/* Found by fuzzing: a reason quoting a JSON key with a line break was two lines of output. */
Test(util, a_reason_quoting_control_characters_stays_one_line_of_text)
{
	char	*cause = NULL, line[] = "a\tb\x1b[2J\xc2\x9b" "1m \xc3\xa9";

	util_fail(&cause, "unknown key '%s'", "l\nguage\r\x7f");
	cr_assert_str_eq(cause, "unknown key 'l?guage?" "?'");
	free(cause);
	util_printable(line);
	cr_assert_str_eq(line, "a?b?[2J?" "?1m \xc3\xa9", "C0, DEL and C1 go, other UTF-8 stays");
}

Test(util, dates_are_utc)
{
	char	day[11], iso[21];

	util_day(HELPERS_NOW, day);
	util_iso8601(HELPERS_NOW, iso);
	cr_assert_str_eq(day, "2026-03-01");
	cr_assert_str_eq(iso, "2026-03-01T12:00:00Z");
}
