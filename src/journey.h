/*
 * journey — the kiosk's customer journey as a state machine, with no terminal and no store.
 *
 * A journey is one customer's session: the step they are on, the answers they have given so
 * far (a draft enrolment, in util_secret_alloc memory, wiped when the session ends), and what
 * the screen needs to show (focus, a message, the text being typed).  Events come from ui/'s
 * key table (a key, a click, a scanner burst, the clock); journey_handle looks the pair (step,
 * event) up in one transition table of {from, event, guard, action, to, effects} and returns
 * the effects.  The effects that touch the store (enrol, sign in, change consent, erase, print)
 * are performed by app.c, which reports back with journey_done; everything else — which screen
 * comes next, what "back" means, minimisation, the idle countdown — is decided here, so it is
 * tested without a terminal.
 */
#ifndef PREFKIOSK_JOURNEY_H
#define PREFKIOSK_JOURNEY_H

#include <stdbool.h>
#include <time.h>

#include "code.h"
#include "customer.h"
#include "dashboard.h"
#include "shop.h"
#include "staff.h"

enum journey_step {
	JOURNEY_ATTRACT,
	JOURNEY_INTRO,		/* what we ask and why; your rights */
	JOURNEY_INTERESTS,
	JOURNEY_CHANNELS,	/* channels and frequency */
	JOURNEY_CONTACT,	/* the contact fields the chosen channels need */
	JOURNEY_CONSENT,	/* one purpose at a time (consent_index) */
	JOURNEY_NOTICE,		/* the full notice of that purpose */
	JOURNEY_SENSITIVE,	/* second, explicit confirmation of a sensitive purpose */
	JOURNEY_INCENTIVE,	/* the financial-incentive notice of a reward for data */
	JOURNEY_REVIEW,
	JOURNEY_CARD,		/* scan a card, or get a new number */
	JOURNEY_PIN,		/* choose a PIN (twice) */
	JOURNEY_REWARD,		/* the QR code, the code, "print", the receipt id */
	JOURNEY_THANKS,
	JOURNEY_SIGNIN,		/* card scan, or card or phone */
	JOURNEY_SIGNIN_PIN,
	JOURNEY_MEMBER,		/* the member's home */
	JOURNEY_MY_REWARDS,
	JOURNEY_MY_INTERESTS,
	JOURNEY_MY_CONSENTS,
	JOURNEY_MY_DATA,
	JOURNEY_DELETE,		/* "delete me": explicit confirmation */
	JOURNEY_DELETED,
	JOURNEY_STAFF,		/* the staff gate: a staff PIN */
	JOURNEY_STAFF_MENU,
	JOURNEY_STAFF_REPRINT,	/* staff: a code scanned or typed, its slip printed again */
	JOURNEY_DESK_SIGNIN,	/* the desk: a staff member signs in */
	JOURNEY_DESK_READY,	/* waiting for a scan, or a code or card typed */
	JOURNEY_DESK_RESULT,	/* what a code turned out to be, large */
	JOURNEY_DESK_MEMBER,	/* a member's card: name, stamps, rewards, "stamp this visit" */
	JOURNEY_ADMIN_PURGE,	/* admin: retention, with a preview of what will go */
	JOURNEY_ADMIN_STAFF,	/* admin: the staff accounts */
	JOURNEY_ADMIN_STAFF_ADD,
	JOURNEY_ADMIN_STAFF_REMOVE,	/* confirm removing the chosen account */
	JOURNEY_ADMIN_DASHBOARD,	/* an admin's figures as charts */
	JOURNEY_ADMIN_EXPORT,	/* admin: every member, sealed, to the master data system's folder */
	JOURNEY_ADMIN_REKEY,	/* admin: a new master key for the store */
	JOURNEY_NSTEPS
};

enum journey_event_type {
	JOURNEY_EV_NONE,
	JOURNEY_EV_START,	/* any key or touch on the attract screen */
	JOURNEY_EV_NEXT,
	JOURNEY_EV_BACK,
	JOURNEY_EV_CANCEL,	/* leave the session */
	JOURNEY_EV_YES,
	JOURNEY_EV_NO,
	JOURNEY_EV_MORE,
	JOURNEY_EV_TOGGLE,	/* arg: the item on the screen */
	JOURNEY_EV_CHOOSE,	/* arg: the item on the screen */
	JOURNEY_EV_FIELD,	/* arg: which field of the screen is edited */
	JOURNEY_EV_CHAR,	/* arg: a Unicode code point typed */
	JOURNEY_EV_ERASE,	/* one character back */
	JOURNEY_EV_SCAN,	/* text: a scanner burst (a card number or a code) */
	JOURNEY_EV_LANGUAGE,	/* arg: config language index */
	JOURNEY_EV_FOCUS,	/* arg: +1 or -1 */
	JOURNEY_EV_TICK,	/* the clock: idle warning and timeout */
	JOURNEY_EV_STILL_HERE,
	JOURNEY_EV_STAFF,	/* open the staff gate */
	JOURNEY_EV_PRINT,
	JOURNEY_EV_EDIT,	/* arg: the step to edit from the review */
	JOURNEY_EV_JOIN,
	JOURNEY_EV_SIGNIN,
	JOURNEY_EV_OPEN,	/* arg: the step a staff menu entry opens */
	JOURNEY_EV_ACCESSIBLE,	/* arg: 1 long time limits (accessibility mode), 0 the usual */
	JOURNEY_EV_NTYPES
};

struct journey_event {
	enum journey_event_type	 type;
	int			 arg;
	const char		*text;		/* JOURNEY_EV_SCAN */
	time_t			 now;		/* every event carries the clock */
};

/* What the caller must do after an event; several at once. */
enum journey_effect {
	JOURNEY_REDRAW		= 1 << 0,	/* the whole screen changed */
	JOURNEY_UPDATE		= 1 << 1,	/* part of the screen changed */
	JOURNEY_ENROLL		= 1 << 2,	/* save the draft: customer_enroll */
	JOURNEY_LOOKUP		= 1 << 3,	/* find the member by signin_field/text */
	JOURNEY_VERIFY_PIN	= 1 << 4,	/* check the member's PIN, then load them */
	JOURNEY_SAVE_CONSENT	= 1 << 5,	/* record consent_change for consent_index */
	JOURNEY_WITHDRAW_ALL	= 1 << 6,
	JOURNEY_SAVE_PROFILE	= 1 << 7,	/* the member's edited interests */
	JOURNEY_ERASE		= 1 << 8,
	JOURNEY_PRINT		= 1 << 9,
	JOURNEY_WIPE		= 1 << 10,	/* the session ends: wipe it, back to attract */
	JOURNEY_LANGUAGE	= 1 << 11,	/* switch the interface language */
	JOURNEY_STAFF_PIN	= 1 << 12,	/* check a staff PIN */
	JOURNEY_QUIT		= 1 << 13,	/* an admin leaves the kiosk */
	JOURNEY_BELL		= 1 << 14,
	JOURNEY_DESK_SCAN	= 1 << 15,	/* redeem the code, or open the card, in text */
	JOURNEY_VISIT		= 1 << 16,	/* stamp the desk member's visit */
	JOURNEY_ADMIN_LOAD	= 1 << 17,	/* read what the admin step shows */
	JOURNEY_ADMIN_ACT	= 1 << 18,	/* do what the admin step confirms */
};

#define JOURNEY_TEXT_MAX	64
#define JOURNEY_MAX_FIELDS	2
#define JOURNEY_EXTENSIONS	10	/* "I'm still here" at least this often */
#define JOURNEY_FAREWELL	10	/* seconds the last screen of a session stays */
#define JOURNEY_STAFF_MAX	32	/* staff accounts an admin screen lists */
#define JOURNEY_ACCESSIBLE_FACTOR 10	/* accessibility mode: the idle timeout this many times
					 * longer (WCAG 2.2.1) */

/* The contact fields the contact step asks for, in order. */
enum journey_field {
	JOURNEY_FIELD_EMAIL,
	JOURNEY_FIELD_PHONE,
	JOURNEY_FIELD_NAME,
	JOURNEY_FIELD_CARD,
	JOURNEY_FIELD_PIN,
	JOURNEY_FIELD_PIN2,
};

/* What an admin step shows, read by app.c (JOURNEY_ADMIN_LOAD) and after its action. */
struct journey_admin {
	/* Retention: what a purge erases or expires now (a preview until done). */
	long			 members_erased, consents_expired, rewards_expired;
	bool			 done;
	/* The staff accounts, the one chosen, and the role of a new one. */
	struct staff_info	 staff[JOURNEY_STAFF_MAX];
	int			 nstaff;
	int			 chosen;
	enum staff_role		 role;
	/* Export: members to go, then the file written, how many, how many did not open. */
	long			 members, exported, damaged;
	char			 path[256];
	/* Key rotation: also replace the reward codes?  Then what it did (done, and damaged). */
	bool			 codes;
	long			 rekeyed, replaced;
};

struct journey {
	const struct shop		*shop;
	const char			*art;		/* the attract screen's picture, or NULL */
	enum journey_step		 step;
	int				 lang;		/* config language index */
	int				 focus;		/* the focused control of the screen */
	int				 item;		/* first item shown (long lists) */
	const char			*message;	/* a msgid to show (error, hint), or NULL */
	int				 message_arg;	/* its %d, when it has one */

	/* The draft of a new member, or the signed-in member's profile. */
	struct customer_enrolment	*draft;
	int				 consent_index;	/* the purpose being asked */
	bool				 answered[CUSTOMER_MAX_PURPOSES];
	bool				 from_review;	/* an edit returns to the review */
	bool				 new_card;	/* the kiosk issues the card number */
	bool				 scanned;	/* the sign-in card was scanned */

	/* Text entry: which field, and its text (wiped with the session). */
	enum journey_field		 field;
	char				 text[JOURNEY_MAX_FIELDS + 4][JOURNEY_TEXT_MAX + 1];

	/* After saving or signing in. */
	char				 uid[CUSTOMER_UID_LEN + 1];
	char				 receipt[CONSENT_ID_LEN + 1];
	struct reward_list		 rewards;
	int				 reward_shown;	/* which reward's QR is on screen */
	long				 stamps, stamps_every;	/* the stamp card, when there is one */
	bool				 signed_in;
	bool				 desk;		/* a loyalty desk, not a kiosk */
	/* The fleet's hub, for the desk's staff: is there one, the last sync that worked (0:
	 * none yet), and did the last one fail (the hub unreachable)?  Set by app.c. */
	bool				 fleet;
	time_t				 fleet_synced;
	bool				 fleet_failing;
	struct reward_ticket		 ticket;	/* the desk's last code */
	char				 scanned_text[JOURNEY_TEXT_MAX + 1];	/* the desk's input */
	bool				 staff_mode;	/* a staff member opened the gate */
	char				 staff[33];	/* their name, for the records */
	bool				 admin;
	struct journey_admin		 figures;	/* what an admin step shows */
	struct dashboard		*dashboard;	/* the dashboard's figures (app.c's), or NULL */

	/* Idle: the last event a person made, the warning, its extensions. */
	time_t				 last_activity;
	time_t				 warning_since;	/* 0: no warning on screen */
	int				 extensions;
	int				 idle_timeout, idle_warning;	/* seconds */
	bool				 accessible;	/* accessibility mode: long time limits */
};

/* A new journey on the attract screen (journey_free wipes and frees). */
struct journey	*journey_new(const struct shop *, time_t now);
void		 journey_free(struct journey *);

/* Handle one event: the effects for the caller (JOURNEY_* bits). */
unsigned	 journey_handle(struct journey *, const struct journey_event *);

/* app.c reports the outcome of an effect: ok, or a msgid to show. */
unsigned	 journey_done(struct journey *, unsigned effect, bool ok, const char *message);

/* Wipe the session (answers, texts, member) and return to attract. */
void		 journey_reset(struct journey *, time_t now);

/* Seconds left of the idle countdown, or -1 when no warning is shown. */
int		 journey_countdown(const struct journey *, time_t now);

/* The contact fields the draft's chosen channels need (minimisation): a bitmask of
 * 1 << JOURNEY_FIELD_EMAIL and 1 << JOURNEY_FIELD_PHONE. */
unsigned	 journey_needed_fields(const struct journey *);

/* Would the character c be typed into the field being edited (j->field)?  The terminal asks,
 * so that a keypad key a field does not take can be a command there instead. */
bool		 journey_takes(const struct journey *, int c);

/* The step's name, for tests and logs. */
const char	*journey_step_name(enum journey_step);

#endif
