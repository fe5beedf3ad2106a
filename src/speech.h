/*
 * speech — a speaker for the kiosk: espeak-ng in the customer's language, each utterance cutting
 * off the one before, the last one said again on request, short tones (earcons) for success and
 * failure, and a log of every utterance.
 *
 * The speaker never fails to open.  Where the engine cannot start (libespeak-ng or its voices are
 * not installed) or there is no audio device, it still keeps the log and says why in
 * speech_problem: a kiosk without a sound card keeps working, and a test can read what would
 * have been said.  The engine is loaded with dlopen when a speaker opens, so that a kiosk with
 * speech off (and every other command) carries none of its libraries.
 *
 * SPEECH_AUDIO plays in the background; SPEECH_MEMORY synthesises each utterance at once into
 * memory (speech_pcm), which is how a test proves that the real engine made real sound.
 *
 * espeak-ng is one engine per process: open one speaker at a time, from one thread.
 */
#ifndef PREFKIOSK_SPEECH_H
#define PREFKIOSK_SPEECH_H

#include <stdbool.h>
#include <stddef.h>

enum speech_output {
	SPEECH_AUDIO,		/* played on the audio device, in the background */
	SPEECH_MEMORY,		/* synthesised at once into memory, never played */
};

/* An earcon before what is said. */
enum speech_earcon {
	SPEECH_NO_EARCON,
	SPEECH_SUCCESS,		/* two rising notes */
	SPEECH_FAILURE,		/* two falling, lower notes */
};

#define SPEECH_DEFAULT_LANG	"en"	/* the voice a language without one falls back to */

struct speech;

/*
 * A speaker in English.  log is a file every utterance is appended to as one line, "<language>
 * TAB <text>", or NULL.  Never NULL; speech_close frees it (and accepts NULL).
 */
struct speech	*speech_open(enum speech_output, const char *log);
void		 speech_close(struct speech *);

/* Is speech heard (SPEECH_MEMORY: synthesised)?  When not, the log is all there is. */
bool		 speech_heard(const struct speech *);

/* What went wrong, as a sentence for logs (borrowed), or NULL when nothing did. */
const char	*speech_problem(const struct speech *);

/*
 * Speak lang (ISO 639-1: en, de, fr, es) from now on.  Returns 0, or -1 when the engine has no
 * voice for it: then it speaks SPEECH_DEFAULT_LANG, and the log says so on every line.
 */
int		 speech_language(struct speech *, const char *lang);

/* The language spoken now (borrowed). */
const char	*speech_voice(const struct speech *);

/*
 * Say text, after an earcon if one is given (text may be "" for the earcon alone), cutting off
 * whatever is being said.  The log gets logged instead of text when it is not NULL: the text
 * with the member's personal data taken out, which a log file must not hold.  The earcon is
 * logged as a line of its own, "[earcon success]".
 */
void		 speech_say(struct speech *, enum speech_earcon, const char *text,
		    const char *logged);

/*
 * Say n parts in turn: the first as words, the second spelled out character by character (a
 * reward code, a card number; a space between groups is a pause), the third as words again, and
 * so on.  The log gets the words and "[spelled out]" for each spelled part, never its
 * characters: a code in a log file could be redeemed by whoever reads it.
 */
void		 speech_spell(struct speech *, const char *const parts[], size_t n);

/* Say the last utterance again (without its earcon); nothing when there was none. */
void		 speech_repeat(struct speech *);

/* SPEECH_MEMORY: the last utterance as 16-bit mono samples at *rate per second (borrowed,
 * valid until the next utterance); NULL with *n 0 when there is none. */
const short	*speech_pcm(const struct speech *, size_t *n, int *rate);

#endif
