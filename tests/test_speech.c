/*
 * test_speech — the speaker through the real espeak-ng engine: a screen's text in English and
 * German synthesised to audible sound, the earcons as real tones (their files gone before it
 * speaks), the log of every utterance in order (a spelled code or personal data never in it), a
 * new utterance cutting the old one off, a language without a voice falling back to English
 * where the log shows it, and a machine without an audio device still logging.  Each test runs
 * in its own process, so each has the engine to itself.
 */
#include <criterion/criterion.h>

#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "speech.h"

static char	*dir, *log_path;

static void
setup(void)
{
	dir = helpers_tmpdir();
	log_path = helpers_path(dir, "speech.log");
}

static void
teardown(void)
{
	helpers_rmdir(dir);
	free(log_path);
	free(dir);
}

TestSuite(speech, .init = setup, .fini = teardown);

/* The attract screen as the kiosk says it, in two languages. */
static const char test_speech_en[] = "Bean & Leaf Coffee. Tell us what you like, choose how we "
    "may contact you, and get a reward. You stay in control of your data. Touch the screen or "
    "press any key to start, button.";
static const char test_speech_de[] = "Bean & Leaf Coffee. Sagen Sie uns, was Ihnen gefällt, "
    "wählen Sie, wie wir Sie kontaktieren dürfen, und erhalten Sie eine Belohnung. Sie behalten "
    "die Kontrolle über Ihre Daten.";

/* Root mean square of the last utterance's samples; their number and rate into *n, *rate. */
static double
test_speech_rms(const struct speech *sp, size_t *n, int *rate)
{
	const short	*pcm = speech_pcm(sp, n, rate);
	double		 sum = 0;
	size_t		 i;

	for (i = 0; pcm != NULL && i < *n; i++)
		sum += (double)pcm[i] * pcm[i];
	return *n > 0 ? sqrt(sum / (double)*n) : 0;
}

/* The log's lines into lines[] (at most max, each cut at 255 bytes); their number. */
static int
test_speech_log(char lines[][256], int max)
{
	FILE	*f = fopen(log_path, "r");
	int	 n = 0;

	cr_assert_not_null(f, "the log %s exists", log_path);
	while (n < max && fgets(lines[n], 256, f) != NULL) {
		lines[n][strcspn(lines[n], "\n")] = '\0';
		n++;
	}
	fclose(f);
	return n;
}

Test(speech, a_screen_in_english_and_german_is_audible_sound)
{
	struct speech	*sp = speech_open(SPEECH_MEMORY, NULL);
	size_t		 n_en, n_de;
	int		 rate;
	double		 rms;

	cr_assert_null(speech_problem(sp), "the engine works: %s", speech_problem(sp));
	cr_assert(speech_heard(sp));
	cr_assert_eq(speech_language(sp, "en"), 0);
	speech_say(sp, SPEECH_NO_EARCON, test_speech_en, NULL);
	rms = test_speech_rms(sp, &n_en, &rate);
	cr_assert_geq(rate, 8000, "a real sample rate: %d", rate);
	cr_assert_gt(n_en, (size_t)rate * 5, "more than five seconds of speech: %zu samples", n_en);
	cr_assert_gt(rms, 1000.0, "and not silence: RMS %.0f", rms);

	cr_assert_eq(speech_language(sp, "de"), 0, "German has a voice");
	cr_assert_str_eq(speech_voice(sp), "de");
	speech_say(sp, SPEECH_NO_EARCON, test_speech_de, NULL);
	rms = test_speech_rms(sp, &n_de, &rate);
	cr_assert_gt(n_de, (size_t)rate * 5, "German too: %zu samples", n_de);
	cr_assert_gt(rms, 1000.0, "RMS %.0f", rms);
	cr_assert_neq(n_de, n_en, "the German sound is its own, not the English one again");
	speech_close(sp);
}

Test(speech, the_earcons_are_tones_and_failure_is_the_longer)
{
	struct speech	*sp;
	size_t		 n_ok, n_bad;
	int		 rate;
	DIR		*d;
	struct dirent	*e;

	/* Their files are made in TMPDIR, loaded into the engine and gone before it speaks. */
	setenv("TMPDIR", dir, 1);
	sp = speech_open(SPEECH_MEMORY, NULL);
	cr_assert_null(speech_problem(sp), "%s", speech_problem(sp));
	cr_assert_not_null(d = opendir(dir));
	while ((e = readdir(d)) != NULL)
		cr_assert(strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0,
		    "%s is left in TMPDIR", e->d_name);
	closedir(d);

	speech_say(sp, SPEECH_SUCCESS, "", NULL);
	cr_assert_gt(test_speech_rms(sp, &n_ok, &rate), 2000.0, "the success earcon is loud");
	cr_assert_gt(n_ok, (size_t)rate / 5, "and lasts a fifth of a second at least");
	speech_say(sp, SPEECH_FAILURE, "", NULL);
	cr_assert_gt(test_speech_rms(sp, &n_bad, &rate), 2000.0, "the failure earcon too");
	cr_assert_gt(n_bad, n_ok, "failure (%zu samples) is longer than success (%zu)", n_bad,
	    n_ok);
	speech_close(sp);
}

Test(speech, the_log_has_every_utterance_in_order_and_no_code_or_personal_data)
{
	struct speech	*sp = speech_open(SPEECH_MEMORY, log_path);
	char		 lines[16][256];
	const char	*code[] = { "Ihr Code:", "4010000000G22FTTE2H8A2WXG8582R9N9KGW",
			    "Ihre Kartennummer:", "4000 1234 5678" };
	int		 n;

	speech_say(sp, SPEECH_SUCCESS, "Your reward", NULL);
	speech_language(sp, "de");
	speech_say(sp, SPEECH_FAILURE, "Falsche PIN", NULL);
	speech_spell(sp, code, 4);
	speech_repeat(sp);
	speech_say(sp, SPEECH_NO_EARCON, "Line one\nline\ttwo", NULL);
	speech_say(sp, SPEECH_NO_EARCON, "Willkommen, Ada", "Willkommen, [private]");
	speech_close(sp);

	n = test_speech_log(lines, 16);
	cr_assert_eq(n, 8, "eight lines, not %d", n);
	cr_assert_str_eq(lines[0], "en\t[earcon success]");
	cr_assert_str_eq(lines[1], "en\tYour reward");
	cr_assert_str_eq(lines[2], "de\t[earcon failure]");
	cr_assert_str_eq(lines[3], "de\tFalsche PIN");
	cr_assert_str_eq(lines[4], "de\tIhr Code: [spelled out] Ihre Kartennummer: [spelled out]");
	cr_assert_str_eq(lines[5], lines[4], "a repeat is said, so logged");
	cr_assert_str_eq(lines[6], "de\tLine one line two", "one utterance, one line");
	cr_assert_str_eq(lines[7], "de\tWillkommen, [private]", "what the caller logs instead");
	cr_assert_eq(helpers_file_contains(log_path, "Ada", 3), 0, "no name in the log");
	cr_assert_eq(helpers_file_contains(log_path, "G22FTTE2", 8), 0, "the code is not logged");
	cr_assert_eq(helpers_file_contains(log_path, "1234", 4), 0, "nor the card number");
}

Test(speech, a_spelled_code_is_said_and_said_again)
{
	struct speech	*sp = speech_open(SPEECH_MEMORY, NULL);
	const char	*code[] = { "Your code:", "401000 0000G2" };
	size_t		 n_intro, n_spelled, n_again;
	int		 rate;

	speech_say(sp, SPEECH_NO_EARCON, "Your code:", NULL);
	test_speech_rms(sp, &n_intro, &rate);
	speech_spell(sp, code, 2);
	cr_assert_gt(test_speech_rms(sp, &n_spelled, &rate), 1000.0);
	cr_assert_gt(n_spelled, n_intro + (size_t)rate * 3, "twelve characters, one by one, "
	    "take seconds: %zu against %zu samples", n_spelled, n_intro);
	speech_repeat(sp);
	test_speech_rms(sp, &n_again, &rate);
	/* The engine's state differs by a few samples from one utterance to the next. */
	cr_assert_lt(n_again > n_spelled ? n_again - n_spelled : n_spelled - n_again,
	    n_spelled / 100, "the repeat is the same utterance: %zu, %zu samples", n_again,
	    n_spelled);
	speech_close(sp);
}

Test(speech, a_new_utterance_cuts_off_the_one_before)
{
	struct speech	*sp = speech_open(SPEECH_MEMORY, log_path);
	size_t		 n_long, n_short;
	int		 rate;
	char		 lines[4][256];

	speech_say(sp, SPEECH_NO_EARCON, test_speech_en, NULL);
	test_speech_rms(sp, &n_long, &rate);
	speech_say(sp, SPEECH_NO_EARCON, "Next, button.", NULL);
	test_speech_rms(sp, &n_short, &rate);
	cr_assert_lt(n_short, n_long / 4, "what is heard now is the new utterance alone (%zu "
	    "samples, the long one had %zu)", n_short, n_long);
	speech_close(sp);
	cr_assert_eq(test_speech_log(lines, 4), 2);
	cr_assert_str_eq(lines[1], "en\tNext, button.", "the log keeps the order");
}

Test(speech, playing_cuts_off_in_the_background_without_waiting_or_crashing)
{
	struct speech	*sp = speech_open(SPEECH_AUDIO, log_path);
	char		 lines[12][256];
	int		 i;

	/* With a sound card this is heard (briefly); without one the speaker says why. */
	for (i = 0; i < 3; i++) {
		speech_say(sp, SPEECH_NO_EARCON, test_speech_en, NULL);
		speech_say(sp, SPEECH_FAILURE, "Wrong PIN", NULL);
	}
	speech_close(sp);
	cr_assert_eq(test_speech_log(lines, 12), 9, "every utterance is logged");
	cr_assert_str_eq(lines[6], "en\tBean & Leaf Coffee. Tell us what you like, choose how we "
	    "may contact you, and get a reward. You stay in control of your data. Touch the screen "
	    "or press any key to start, button.");
	cr_assert_str_eq(lines[7], "en\t[earcon failure]");
	cr_assert_str_eq(lines[8], "en\tWrong PIN");
}

Test(speech, without_an_audio_device_the_speaker_says_why_and_still_logs)
{
	struct speech	*sp;
	char		 lines[4][256], *conf = helpers_path(dir, "asound.conf");

	/* No PulseAudio server and an ALSA with no devices: what a kiosk without sound has. */
	helpers_write(conf, "");
	setenv("PULSE_SERVER", "unix:/nonexistent/pulse", 1);
	setenv("ALSA_CONFIG_PATH", conf, 1);
	free(conf);
	sp = speech_open(SPEECH_AUDIO, log_path);
	cr_assert_not(speech_heard(sp));
	cr_assert_not_null(speech_problem(sp));
	cr_assert(strstr(speech_problem(sp), "no audio device") != NULL, "%s", speech_problem(sp));
	speech_say(sp, SPEECH_SUCCESS, "Your reward", NULL);
	speech_repeat(sp);
	speech_close(sp);
	cr_assert_eq(test_speech_log(lines, 4), 3);
	cr_assert_str_eq(lines[0], "en\t[earcon success]");
	cr_assert_str_eq(lines[2], "en\tYour reward");
}

Test(speech, a_language_without_a_voice_falls_back_to_english_and_says_so)
{
	struct speech	*sp = speech_open(SPEECH_MEMORY, log_path);
	char		 lines[2][256];
	size_t		 n;
	int		 rate;

	cr_assert_eq(speech_language(sp, "xx"), -1, "no voice for xx");
	cr_assert_str_eq(speech_voice(sp), "en", "English instead");
	speech_say(sp, SPEECH_NO_EARCON, "Next", NULL);
	cr_assert_gt(test_speech_rms(sp, &n, &rate), 500.0, "and it is heard");
	cr_assert_eq(speech_language(sp, "fr"), 0, "French has one");
	speech_say(sp, SPEECH_NO_EARCON, "Suivant", NULL);
	speech_close(sp);
	cr_assert_eq(test_speech_log(lines, 2), 2);
	cr_assert_str_eq(lines[0], "en (no voice for xx)\tNext");
	cr_assert_str_eq(lines[1], "fr\tSuivant");
}
