/*
 * speech — espeak-ng behind a small speaker, with a log and two earcons.
 *
 * The engine.  libespeak-ng brings some thirty libraries (PulseAudio, ALSA, D-Bus ...) and
 * 3.5 MB of memory before it says a word, which would break the kiosk's start-up and memory
 * budget for the many kiosks that never speak; so it is loaded with dlopen when a speaker opens,
 * and its functions are found through one table of names.  It stays loaded until the process
 * ends: its audio back-ends keep threads and handlers that a dlclose would pull away.
 *
 * Audio.  espeak-ng opens the audio device only when it first plays, from its own thread, and
 * then reports a missing device on stderr, not to us.  So a speaker for SPEECH_AUDIO first plays
 * a moment of silence synchronously, which returns ENS_AUDIO_ERROR where there is no device,
 * and only then switches to playing in the background.  The engine's and ALSA's complaints go to
 * /dev/null while it starts: on a kiosk stderr is the customer's screen.
 *
 * Utterances are SSML: the text escaped, the earcon an <audio> element (generated tones that
 * espeak-ng plays in line, through the same path as the voice, and cancels with it),
 * and a spelled code a <say-as interpret-as="characters">.  The log is written when an utterance
 * is asked for, in that order, whether or not anything can be heard.
 *
 * Ownership: the speaker owns its log, its last utterance and, in memory, the samples of it.
 * The earcons' files live only while the speaker opens (see speech_earcons_load).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <espeak-ng/espeak_ng.h>
#include <sodium.h>

#include "speech.h"
#include "util.h"

#define SPEECH_LIBRARY	"libespeak-ng.so.1"	/* Debian's libespeak-ng1 */
#define SPEECH_TEXT_MAX	16384			/* an utterance, escaped, as SSML */

/* The engine's functions we call, found by name in the library. */
struct speech_engine {
	__typeof__(espeak_ng_InitializePath)		*initialize_path;
	__typeof__(espeak_ng_Initialize)		*initialize;
	__typeof__(espeak_ng_InitializeOutput)		*initialize_output;
	__typeof__(espeak_ng_GetSampleRate)		*sample_rate;
	__typeof__(espeak_ng_SetVoiceByName)		*set_voice;
	__typeof__(espeak_ng_Synthesize)		*synthesize;
	__typeof__(espeak_ng_Cancel)			*cancel;
	__typeof__(espeak_ng_Synchronize)		*synchronize;
	__typeof__(espeak_ng_Terminate)			*terminate;
	__typeof__(espeak_ng_GetStatusCodeMessage)	*status_message;
	__typeof__(espeak_ng_ClearErrorContext)		*clear_context;
	__typeof__(espeak_SetSynthCallback)		*set_callback;
};

static const struct {
	const char	*name;
	size_t		 offset;
} speech_symbols[] = {
	{ "espeak_ng_InitializePath", offsetof(struct speech_engine, initialize_path) },
	{ "espeak_ng_Initialize", offsetof(struct speech_engine, initialize) },
	{ "espeak_ng_InitializeOutput", offsetof(struct speech_engine, initialize_output) },
	{ "espeak_ng_GetSampleRate", offsetof(struct speech_engine, sample_rate) },
	{ "espeak_ng_SetVoiceByName", offsetof(struct speech_engine, set_voice) },
	{ "espeak_ng_Synthesize", offsetof(struct speech_engine, synthesize) },
	{ "espeak_ng_Cancel", offsetof(struct speech_engine, cancel) },
	{ "espeak_ng_Synchronize", offsetof(struct speech_engine, synchronize) },
	{ "espeak_ng_Terminate", offsetof(struct speech_engine, terminate) },
	{ "espeak_ng_GetStatusCodeMessage", offsetof(struct speech_engine, status_message) },
	{ "espeak_ng_ClearErrorContext", offsetof(struct speech_engine, clear_context) },
	{ "espeak_SetSynthCallback", offsetof(struct speech_engine, set_callback) },
};

/* The earcons: notes of a frequency (Hz) and a length (ms), played in turn. */
struct speech_note {
	int	hz, ms;
};

static const struct {
	const char		*name;		/* its file, and its name in the log */
	struct speech_note	 notes[2];
} speech_earcons[] = {
	[SPEECH_SUCCESS] = { "success", { { 784, 90 }, { 1047, 140 } } },
	[SPEECH_FAILURE] = { "failure", { { 392, 140 }, { 262, 220 } } },
};

struct speech {
	enum speech_output	 output;
	struct speech_engine	 e;
	bool			 engine;	/* the engine is up */
	bool			 heard;		/* ... and its output goes somewhere */
	char			 problem[256];	/* why not; "" when all is well */
	FILE			*log;
	char			 lang[8];	/* the voice in use */
	char			 asked[8];	/* the language asked for, when it has no voice */
	char			 dir[64];	/* where the earcons were: their names */
	bool			 earcons;	/* the engine has them */
	char			*last;		/* the last utterance as SSML, for speech_repeat */
	char			*last_log;	/* and as logged */
	short			*pcm;		/* SPEECH_MEMORY: the last utterance's samples */
	size_t			 npcm, pcm_size;
	int			 rate;
};

/* Say why speech is not heard, once: the first problem is the one that matters. */
static void
speech_fail(struct speech *sp, const char *what, espeak_ng_STATUS status)
{
	char	msg[160] = "";

	if (sp->problem[0] != '\0')
		return;
	if (sp->e.status_message != NULL)
		sp->e.status_message(status, msg, sizeof msg);
	snprintf(sp->problem, sizeof sp->problem, "%s%s%s", what, msg[0] != '\0' ? ": " : "", msg);
}

/* stderr to /dev/null while the engine starts; returns what to give back to speech_loud. */
static int
speech_quiet(void)
{
	int	saved = dup(STDERR_FILENO), null = open("/dev/null", O_WRONLY);

	if (null >= 0) {
		dup2(null, STDERR_FILENO);
		close(null);
	}
	return saved;
}

static void
speech_loud(int saved)
{
	if (saved < 0)
		return;
	dup2(saved, STDERR_FILENO);
	close(saved);
}

/* Load the library and find every function; false (and why) when any is missing. */
static bool
speech_load(struct speech *sp)
{
	void	*lib = dlopen(SPEECH_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	size_t	 i;

	if (lib == NULL) {
		snprintf(sp->problem, sizeof sp->problem, "speech needs %s (Debian: libespeak-ng1)",
		    SPEECH_LIBRARY);
		return false;
	}
	for (i = 0; i < sizeof speech_symbols / sizeof speech_symbols[0]; i++) {
		void *fn = dlsym(lib, speech_symbols[i].name);
		if (fn == NULL) {
			snprintf(sp->problem, sizeof sp->problem, "%s has no %s", SPEECH_LIBRARY,
			    speech_symbols[i].name);
			memset(&sp->e, 0, sizeof sp->e);
			return false;
		}
		memcpy((char *)&sp->e + speech_symbols[i].offset, &fn, sizeof fn);
	}
	return true;
}

/* The synchronous callback: the samples of what is being said, appended to the speaker's. */
static int
speech_collect(short *wav, int n, espeak_EVENT *ev)
{
	struct speech	*sp = ev != NULL ? ev->user_data : NULL;

	if (sp == NULL || wav == NULL || n <= 0)
		return 0;
	if (sp->npcm + (size_t)n > sp->pcm_size) {
		sp->pcm_size = (sp->npcm + (size_t)n) * 2;
		sp->pcm = util_xrealloc(sp->pcm, sp->pcm_size, sizeof *sp->pcm);
	}
	memcpy(sp->pcm + sp->npcm, wav, (size_t)n * sizeof *wav);
	sp->npcm += (size_t)n;
	return 0;
}

/* Put a little-endian number of len bytes at p. */
static void
speech_le(unsigned char *p, uint32_t v, int len)
{
	int	i;

	for (i = 0; i < len; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* An earcon as a WAV file (16-bit mono at the engine's rate, which it then plays as it is). */
static int
speech_write_earcon(const struct speech *sp, enum speech_earcon which)
{
	const struct speech_note	*notes = speech_earcons[which].notes;
	unsigned char			 h[44];
	char				 path[96];
	size_t				 n = 0, i, k, len, ramp = (size_t)sp->rate / 200;
	int16_t				*pcm;
	FILE				*f;
	int				 rc = -1;

	for (k = 0; k < 2; k++)
		n += (size_t)sp->rate * (size_t)(notes[k].ms + 30) / 1000;
	pcm = util_xcalloc(n, sizeof *pcm);
	for (k = 0, n = 0; k < 2; k++) {
		len = (size_t)sp->rate * (size_t)notes[k].ms / 1000;
		for (i = 0; i < len; i++) {
			/* A 5 ms ramp at each end: no click. */
			double env = i < ramp ? (double)i / ramp : i + ramp > len ?
			    (double)(len - i) / ramp : 1.0;
			pcm[n + i] = (int16_t)(12000.0 * env *
			    sin(2.0 * M_PI * notes[k].hz * (double)i / sp->rate));
		}
		n += len + (size_t)sp->rate * 30 / 1000;	/* 30 ms apart */
	}
	memcpy(h, "RIFF", 4);
	speech_le(h + 4, (uint32_t)(36 + n * 2), 4);
	memcpy(h + 8, "WAVEfmt ", 8);
	speech_le(h + 16, 16, 4);
	speech_le(h + 20, 1, 2);		/* PCM */
	speech_le(h + 22, 1, 2);		/* mono */
	speech_le(h + 24, (uint32_t)sp->rate, 4);
	speech_le(h + 28, (uint32_t)sp->rate * 2, 4);
	speech_le(h + 32, 2, 2);
	speech_le(h + 34, 16, 2);
	memcpy(h + 36, "data", 4);
	speech_le(h + 40, (uint32_t)(n * 2), 4);
	snprintf(path, sizeof path, "%s/%s.wav", sp->dir, speech_earcons[which].name);
	if ((f = fopen(path, "wb")) != NULL) {
		/* The engine reads the samples as they lie: little-endian, as on every kiosk. */
		if (fwrite(h, 1, sizeof h, f) == sizeof h && fwrite(pcm, 2, n, f) == n)
			rc = 0;
		if (fclose(f) != 0)
			rc = -1;
	}
	free(pcm);
	return rc;
}

/*
 * The earcons, into the engine: written as WAV files in a private directory, said once in
 * memory, which loads them into the engine's table of sound icons by name, and removed again at
 * once (a kiosk that is killed leaves nothing behind).  From then on an <audio> element with the
 * same name plays them from that table.  Without them an earcon is only logged.
 */
static void
speech_earcons_load(struct speech *sp)
{
	const char	*tmp = getenv("TMPDIR");
	char		 doc[256], path[96];
	size_t		 i;

	/* The directory goes into SSML as it is: nothing in it may need escaping. */
	snprintf(sp->dir, sizeof sp->dir, "%s/prefkiosk-speech-XXXXXX", tmp != NULL &&
	    *tmp == '/' && strlen(tmp) < 32 && strpbrk(tmp, "\"'&<>") == NULL ? tmp : "/tmp");
	if (mkdtemp(sp->dir) == NULL) {
		sp->dir[0] = '\0';
		return;
	}
	if (speech_write_earcon(sp, SPEECH_SUCCESS) == 0 &&
	    speech_write_earcon(sp, SPEECH_FAILURE) == 0 &&
	    sp->e.initialize_output(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL) == ENS_OK) {
		snprintf(doc, sizeof doc, "<speak><audio src=\"%s/%s.wav\"/><audio src=\"%s/%s.wav\"/>"
		    "</speak>", sp->dir, speech_earcons[SPEECH_SUCCESS].name, sp->dir,
		    speech_earcons[SPEECH_FAILURE].name);
		sp->e.set_callback(speech_collect);
		sp->e.synthesize(doc, strlen(doc) + 1, 0, POS_CHARACTER, 0,
		    espeakCHARS_UTF8 | espeakSSML, NULL, sp);
		sp->earcons = sp->npcm > (size_t)sp->rate / 5;
		sp->npcm = 0;
	}
	if (!sp->earcons)
		snprintf(sp->problem, sizeof sp->problem, "the earcons could not be made in %s",
		    sp->dir);
	for (i = SPEECH_SUCCESS; i <= SPEECH_FAILURE; i++) {
		snprintf(path, sizeof path, "%s/%s.wav", sp->dir, speech_earcons[i].name);
		unlink(path);
	}
	rmdir(sp->dir);
}

/* Start the engine for the speaker's output; on failure the speaker keeps the log only. */
static void
speech_start(struct speech *sp)
{
	espeak_ng_ERROR_CONTEXT	 context = NULL;
	espeak_ng_STATUS	 st;
	static const char	 silence[] = "<speak><break time=\"1ms\"/></speak>";
	int			 saved = speech_quiet();

	if (!speech_load(sp))
		goto out;
	sp->e.initialize_path(NULL);
	if ((st = sp->e.initialize(&context)) != ENS_OK) {
		sp->e.clear_context(&context);
		speech_fail(sp, "the speech engine could not start", st);
		goto out;
	}
	sp->engine = true;
	sp->rate = sp->e.sample_rate();
	speech_earcons_load(sp);
	sp->e.set_voice(SPEECH_DEFAULT_LANG);
	if (sp->output == SPEECH_MEMORY) {
		sp->e.set_callback(speech_collect);
		if ((st = sp->e.initialize_output(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL)) != ENS_OK)
			speech_fail(sp, "the speech engine has no output", st);
		else
			sp->heard = true;
		goto out;
	}
	sp->e.set_callback(NULL);	/* playing, the engine needs none */
	/* Is there a device?  Only playing says so (see the top of the file). */
	st = sp->e.initialize_output(ENOUTPUT_MODE_SYNCHRONOUS | ENOUTPUT_MODE_SPEAK_AUDIO, 0, NULL);
	if (st == ENS_OK)
		st = sp->e.synthesize(silence, sizeof silence, 0, POS_CHARACTER, 0,
		    espeakCHARS_UTF8 | espeakSSML, NULL, NULL);
	if (st != ENS_OK) {
		/* Keep the engine away from the device it did not find. */
		speech_fail(sp, "no audio device for speech", st);
		sp->e.initialize_output(ENOUTPUT_MODE_SYNCHRONOUS, 0, NULL);
		goto out;
	}
	if ((st = sp->e.initialize_output(ENOUTPUT_MODE_SPEAK_AUDIO, 0, NULL)) != ENS_OK)
		speech_fail(sp, "the speech engine cannot play", st);
	else
		sp->heard = true;
out:
	speech_loud(saved);
}

struct speech *
speech_open(enum speech_output output, const char *log)
{
	struct speech	*sp = util_xcalloc(1, sizeof *sp);

	sp->output = output;
	util_copy(sp->lang, sizeof sp->lang, SPEECH_DEFAULT_LANG);
	if (log != NULL && *log != '\0' && (sp->log = fopen(log, "a")) == NULL)
		snprintf(sp->problem, sizeof sp->problem, "the speech log %s: %s", log,
		    strerror(errno));
	speech_start(sp);
	return sp;
}

void
speech_close(struct speech *sp)
{
	if (sp == NULL)
		return;
	if (sp->engine) {
		sp->e.cancel();
		sp->e.terminate();
	}
	if (sp->log != NULL)
		fclose(sp->log);
	if (sp->last != NULL)
		sodium_memzero(sp->last, strlen(sp->last));
	free(sp->last);
	free(sp->last_log);
	free(sp->pcm);
	free(sp);
}

bool
speech_heard(const struct speech *sp)
{
	return sp->heard;
}

const char *
speech_problem(const struct speech *sp)
{
	return sp->problem[0] != '\0' ? sp->problem : NULL;
}

int
speech_language(struct speech *sp, const char *lang)
{
	util_copy(sp->lang, sizeof sp->lang, lang);
	sp->asked[0] = '\0';
	if (!sp->engine || sp->e.set_voice(lang) == ENS_OK)
		return 0;
	util_copy(sp->asked, sizeof sp->asked, lang);
	util_copy(sp->lang, sizeof sp->lang, SPEECH_DEFAULT_LANG);
	sp->e.set_voice(SPEECH_DEFAULT_LANG);
	return -1;
}

const char *
speech_voice(const struct speech *sp)
{
	return sp->lang;
}

/* Append s to the SSML in buf (at *n), escaped. */
static void
speech_escape(char *buf, size_t size, size_t *n, const char *s)
{
	const char	*rep;
	size_t		 len;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		default: rep = NULL;
		}
		len = rep != NULL ? strlen(rep) : 1;
		if (*n + len >= size)
			break;
		memcpy(buf + *n, rep != NULL ? rep : s, len);
		*n += len;
	}
	buf[*n] = '\0';
}

/* One log line: the language (and the one asked for, when it had no voice), a tab, the text on
 * one line. */
static void
speech_log(struct speech *sp, const char *text)
{
	const char	*p;

	if (sp->log == NULL)
		return;
	if (sp->asked[0] != '\0')
		fprintf(sp->log, "%s (no voice for %s)\t", sp->lang, sp->asked);
	else
		fprintf(sp->log, "%s\t", sp->lang);
	for (p = text; *p != '\0'; p++)
		fputc(*p == '\n' || *p == '\t' || *p == '\r' ? ' ' : *p, sp->log);
	fputc('\n', sp->log);
	fflush(sp->log);
}

/* Say ssml (a document without its <speak> element), after an earcon; cut off what went
 * before.  logged is what the log gets for it. */
static void
speech_utter(struct speech *sp, enum speech_earcon earcon, const char *ssml, const char *logged)
{
	char	doc[SPEECH_TEXT_MAX + 128], audio[128] = "", line[32];

	if (earcon != SPEECH_NO_EARCON) {
		snprintf(line, sizeof line, "[earcon %s]", speech_earcons[earcon].name);
		speech_log(sp, line);
		if (sp->earcons)
			snprintf(audio, sizeof audio, "<audio src=\"%s/%s.wav\"/>", sp->dir,
			    speech_earcons[earcon].name);
	}
	if (*logged != '\0')
		speech_log(sp, logged);
	if (!sp->heard)
		return;
	snprintf(doc, sizeof doc, "<speak>%s%s</speak>", audio, ssml);
	sp->e.cancel();
	sp->npcm = 0;
	sp->e.synthesize(doc, strlen(doc) + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8 | espeakSSML,
	    NULL, sp);
	sodium_memzero(doc, sizeof doc);
}

/* Keep what was said, for speech_repeat. */
static void
speech_keep(struct speech *sp, const char *ssml, const char *logged)
{
	if (sp->last != NULL)
		sodium_memzero(sp->last, strlen(sp->last));
	free(sp->last);
	free(sp->last_log);
	sp->last = util_xstrdup(ssml);
	sp->last_log = util_xstrdup(logged);
}

void
speech_say(struct speech *sp, enum speech_earcon earcon, const char *text, const char *logged)
{
	char	ssml[SPEECH_TEXT_MAX];
	size_t	n = 0;

	if (logged == NULL)
		logged = text;
	speech_escape(ssml, sizeof ssml, &n, text);
	speech_utter(sp, earcon, ssml, logged);
	if (*text != '\0')
		speech_keep(sp, ssml, logged);
	sodium_memzero(ssml, sizeof ssml);
}

void
speech_spell(struct speech *sp, const char *const parts[], size_t nparts)
{
	static const char	 open[] = "<say-as interpret-as=\"characters\">",
				 close[] = "</say-as> ";
	char			 ssml[SPEECH_TEXT_MAX], logged[SPEECH_TEXT_MAX] = "";
	size_t			 n = 0, k, len = 0;

	ssml[0] = '\0';
	for (k = 0; k < nparts; k++) {
		if (k % 2 == 0) {
			speech_escape(ssml, sizeof ssml, &n, parts[k]);
			speech_escape(ssml, sizeof ssml, &n, " ");
			len += (size_t)snprintf(logged + len, len < sizeof logged ?
			    sizeof logged - len : 0, "%s%s", k > 0 ? " " : "", parts[k]);
			continue;
		}
		if (n + sizeof open + sizeof close >= sizeof ssml)
			break;
		memcpy(ssml + n, open, sizeof open);
		n += sizeof open - 1;
		speech_escape(ssml, sizeof ssml - sizeof close, &n, parts[k]);
		memcpy(ssml + n, close, sizeof close);
		n += sizeof close - 1;
		len += (size_t)snprintf(logged + len, len < sizeof logged ? sizeof logged - len : 0,
		    " [spelled out]");
	}
	speech_utter(sp, SPEECH_NO_EARCON, ssml, logged);
	speech_keep(sp, ssml, logged);
	sodium_memzero(ssml, sizeof ssml);
}

void
speech_repeat(struct speech *sp)
{
	char	*ssml, *logged;

	if (sp->last == NULL)
		return;
	ssml = util_xstrdup(sp->last);
	logged = util_xstrdup(sp->last_log);
	speech_utter(sp, SPEECH_NO_EARCON, ssml, logged);
	sodium_memzero(ssml, strlen(ssml));
	free(ssml);
	free(logged);
}

const short *
speech_pcm(const struct speech *sp, size_t *n, int *rate)
{
	*n = sp->npcm;
	*rate = sp->rate;
	return sp->npcm > 0 ? sp->pcm : NULL;
}
