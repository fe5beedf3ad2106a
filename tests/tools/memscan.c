/*
 * memscan — is a text anywhere in a running process's memory?  The journey tests ask it of the
 * kiosk after the idle countdown has wiped a session: the last customer's e-mail address, name
 * and phone number must be nowhere, in no form.
 *
 *   memscan PID TEXT...
 *
 * Every readable mapping listed in /proc/PID/maps is read through /proc/PID/mem (which needs
 * the right to trace PID: the kiosk is not dumpable, so only root may) and searched for each
 * TEXT, byte for byte, at every stride from 1 to MEMSCAN_MAX_STRIDE.  Stride 1 is the text as
 * it was typed (UTF-8, a char array); stride 2 is UTF-16; stride 4 a wchar_t array or curses'
 * chtype cells; stride 28 ncurses' cchar_t cells, where each character of a window line sits
 * beside its attributes and colour.  Only the low byte of each wide unit is compared, so the
 * texts should be ASCII and long enough not to turn up by chance (a dozen characters or more).
 *
 * Each find is one line on stdout, "TEXT: found at ADDRESS (stride N) in MAPPING".  Exit 0
 * when no TEXT was found, 1 when one was, 2 for a usage error or a process whose memory
 * cannot be read (so a scan that could not look is never taken for a clean one); errors are one
 * line on stderr, "memscan: <what>".  Mappings the kernel refuses to read ([vvar], guard pages)
 * are left out, and counted on stderr when MEMSCAN_VERBOSE is set.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MEMSCAN_MAX_STRIDE	64
#define MEMSCAN_MAX_REGION	(1024L * 1024 * 1024)	/* a mapping larger is read in part */
#define MEMSCAN_CHUNK		(1L << 20)

struct memscan {
	int		  fd;		/* /proc/PID/mem */
	char		**texts;
	int		  ntexts;
	bool		 *found;
	long		  unreadable;	/* mappings the kernel would not give */
	long		  bytes;	/* bytes searched */
};

/* Does text sit at p with this stride? */
static bool
memscan_match(const unsigned char *p, size_t avail, const char *text, size_t len,
    size_t stride)
{
	size_t	i;

	if ((len - 1) * stride >= avail)
		return false;
	for (i = 1; i < len; i++)
		if (p[i * stride] != (unsigned char)text[i])
			return false;
	return true;
}

/* Search one mapping's bytes, which start at address base, for every text. */
static void
memscan_region(struct memscan *m, const unsigned char *buf, size_t n, uintptr_t base,
    const char *name)
{
	size_t	len, off, stride;
	int	t;

	for (t = 0; t < m->ntexts; t++) {
		len = strlen(m->texts[t]);
		for (off = 0; off < n; off++) {
			if (buf[off] != (unsigned char)m->texts[t][0])
				continue;
			for (stride = 1; stride <= MEMSCAN_MAX_STRIDE; stride++) {
				if (!memscan_match(buf + off, n - off, m->texts[t], len, stride))
					continue;
				printf("%s: found at 0x%" PRIxPTR " (stride %zu) in %s\n",
				    m->texts[t], base + off, stride, name);
				m->found[t] = true;
				break;
			}
		}
	}
}

/* Read [start, end) of the process into buf; the bytes read, or -1 when the kernel refuses. */
static ssize_t
memscan_read(struct memscan *m, unsigned char *buf, uintptr_t start, uintptr_t end)
{
	size_t	total = 0, want;
	ssize_t	r;

	while (start + total < end) {
		want = end - start - total;
		if (want > MEMSCAN_CHUNK)
			want = MEMSCAN_CHUNK;
		r = pread(m->fd, buf + total, want, (off_t)(start + total));
		if (r <= 0)
			return total > 0 ? (ssize_t)total : -1;
		total += (size_t)r;
	}
	return (ssize_t)total;
}

/* One line of /proc/PID/maps: read that mapping, when it is readable, and search it. */
static void
memscan_mapping(struct memscan *m, const char *line)
{
	uintptr_t	 start, end;
	char		 perms[8], name[512] = "";
	unsigned char	*buf;
	ssize_t		 n;

	if (sscanf(line, "%" SCNxPTR "-%" SCNxPTR " %7s %*s %*s %*s %511[^\n]", &start, &end,
	    perms, name) < 3 || perms[0] != 'r' || end <= start)
		return;
	if (name[0] == '\0')
		strcpy(name, "[anonymous]");
	if (end - start > (uintptr_t)MEMSCAN_MAX_REGION)
		end = start + (uintptr_t)MEMSCAN_MAX_REGION;
	if ((buf = malloc(end - start)) == NULL) {
		fprintf(stderr, "memscan: out of memory\n");
		exit(2);
	}
	if ((n = memscan_read(m, buf, start, end)) < 0) {
		m->unreadable++;
		if (getenv("MEMSCAN_VERBOSE") != NULL)
			fprintf(stderr, "memscan: %s at 0x%" PRIxPTR " cannot be read\n", name,
			    start);
	} else {
		memscan_region(m, buf, (size_t)n, start, name);
		m->bytes += n;
	}
	free(buf);
}

int
main(int argc, char **argv)
{
	struct memscan	 m = { -1, NULL, 0, NULL, 0, 0 };
	char		 path[64], *line = NULL;
	size_t		 cap = 0;
	FILE		*maps;
	int		 i, rc = 0;

	if (argc < 3 || atoi(argv[1]) <= 0) {
		fprintf(stderr, "memscan: usage: memscan PID TEXT...\n");
		return 2;
	}
	m.texts = argv + 2;
	m.ntexts = argc - 2;
	for (i = 0; i < m.ntexts; i++)
		if (strlen(m.texts[i]) < 2) {
			fprintf(stderr, "memscan: a TEXT of at least two bytes, please\n");
			return 2;
		}
	if ((m.found = calloc((size_t)m.ntexts, sizeof *m.found)) == NULL)
		return 2;
	snprintf(path, sizeof path, "/proc/%s/maps", argv[1]);
	if ((maps = fopen(path, "r")) == NULL) {
		fprintf(stderr, "memscan: %s: %s\n", path, strerror(errno));
		return 2;
	}
	snprintf(path, sizeof path, "/proc/%s/mem", argv[1]);
	if ((m.fd = open(path, O_RDONLY)) == -1) {
		fprintf(stderr, "memscan: %s: %s\n", path, strerror(errno));
		return 2;
	}
	while (getline(&line, &cap, maps) != -1)
		memscan_mapping(&m, line);
	free(line);
	fclose(maps);
	close(m.fd);
	if (m.bytes == 0) {
		fprintf(stderr, "memscan: nothing of process %s could be read\n", argv[1]);
		return 2;
	}
	if (getenv("MEMSCAN_VERBOSE") != NULL)
		fprintf(stderr, "memscan: %ld bytes searched, %ld mappings unreadable\n", m.bytes,
		    m.unreadable);
	for (i = 0; i < m.ntexts; i++)
		if (m.found[i])
			rc = 1;
	free(m.found);
	return rc;
}
