/* Stateless shims for ncursesw from Swift 6.
 * SwiftPM drops pkg-config's -D_XOPEN_SOURCE, which hides the wide-character API: define it here.
 * Macros that do not import (A_*, KEY_F, WACS_*, getmaxyx) and C globals that Swift 6 rejects
 * (stdscr, LINES, COLS, stdin/stdout) are wrapped in functions. */
#ifndef OVIRT_WIZARD_CNCURSESW_SHIM_H
#define OVIRT_WIZARD_CNCURSESW_SHIM_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <langinfo.h>
#include <stdio.h>
#include <wchar.h>
#if __has_include(<ncursesw/curses.h>)
#include <ncursesw/curses.h>
#else
#include <curses.h>
#endif
#include <term.h>

static inline attr_t shim_A_NORMAL(void)    { return A_NORMAL; }
static inline attr_t shim_A_BOLD(void)      { return A_BOLD; }
static inline attr_t shim_A_DIM(void)       { return A_DIM; }
static inline attr_t shim_A_REVERSE(void)   { return A_REVERSE; }
static inline attr_t shim_A_UNDERLINE(void) { return A_UNDERLINE; }
static inline attr_t shim_A_STANDOUT(void)  { return A_STANDOUT; }

static inline int shim_KEY_F(int n) { return KEY_F(n); }

static inline WINDOW *shim_stdscr(void) { return stdscr; }
static inline WINDOW *shim_curscr(void) { return curscr; }
static inline int shim_LINES(void) { return LINES; }
static inline int shim_COLS(void)  { return COLS; }
static inline int shim_COLORS(void) { return COLORS; }
static inline FILE *shim_stdin(void)  { return stdin; }
static inline FILE *shim_stdout(void) { return stdout; }
static inline FILE *shim_stderr(void) { return stderr; }

/* WACS_* index a table that newterm() fills: call only after newterm. */
static inline const cchar_t *shim_WACS_HLINE(void)    { return WACS_HLINE; }
static inline const cchar_t *shim_WACS_VLINE(void)    { return WACS_VLINE; }
static inline const cchar_t *shim_WACS_ULCORNER(void) { return WACS_ULCORNER; }
static inline const cchar_t *shim_WACS_URCORNER(void) { return WACS_URCORNER; }
static inline const cchar_t *shim_WACS_LLCORNER(void) { return WACS_LLCORNER; }
static inline const cchar_t *shim_WACS_LRCORNER(void) { return WACS_LRCORNER; }

/* tigetstr returns (char *)-1 for "not a string capability" and NULL for "absent". */
static inline int shim_has_string_capability(const char *name) {
    char *value = tigetstr(name);
    return value != NULL && value != (char *)-1;
}

/* glibc hides wcwidth unless __USE_XOPEN, and Swift's Glibc module is built without it. */
extern int wcwidth(wchar_t c);
static inline int shim_wcwidth(wchar_t c) { return wcwidth(c); }

static inline const char *shim_codeset(void) { return nl_langinfo(CODESET); }

#endif
