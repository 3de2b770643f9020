/* Stateless wrappers for libssh2's function-like macros and a few socket helpers.
   Function-like macros do not import into Swift; everything here is `static inline`. */
#ifndef OVIRT_WIZARD_CLIBSSH2_SHIM_H
#define OVIRT_WIZARD_CLIBSSH2_SHIM_H

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <fcntl.h>
#include <poll.h>
#include <errno.h>
#include <string.h>
#include <stdlib.h>
#include <unistd.h>
#include <libssh2.h>
#include <libssh2_sftp.h>

static inline LIBSSH2_SESSION *shim_session_init(void *abstract) {
    return libssh2_session_init_ex(NULL, NULL, NULL, abstract);
}
static inline void **shim_session_abstract(LIBSSH2_SESSION *s) { return libssh2_session_abstract(s); }
static inline int shim_session_disconnect(LIBSSH2_SESSION *s, const char *why) {
    return libssh2_session_disconnect(s, why);
}
static inline LIBSSH2_CHANNEL *shim_channel_open_session(LIBSSH2_SESSION *s) {
    return libssh2_channel_open_session(s);
}
static inline int shim_channel_exec(LIBSSH2_CHANNEL *c, const char *cmd) {
    return libssh2_channel_exec(c, cmd);
}
static inline int shim_channel_request_pty(LIBSSH2_CHANNEL *c, const char *term, int width, int height) {
    return libssh2_channel_request_pty_ex(c, term, (unsigned int)strlen(term), NULL, 0,
                                          width, height, 0, 0);
}
static inline ssize_t shim_channel_read(LIBSSH2_CHANNEL *c, char *b, size_t n) {
    return libssh2_channel_read(c, b, n);
}
static inline ssize_t shim_channel_read_stderr(LIBSSH2_CHANNEL *c, char *b, size_t n) {
    return libssh2_channel_read_stderr(c, b, n);
}
static inline ssize_t shim_channel_write(LIBSSH2_CHANNEL *c, const char *b, size_t n) {
    return libssh2_channel_write(c, b, n);
}
static inline int shim_userauth_publickey_fromfile(LIBSSH2_SESSION *s, const char *user,
                                                   const char *pub, const char *priv, const char *pass) {
    return libssh2_userauth_publickey_fromfile(s, user, pub, priv, pass);
}
static inline int shim_userauth_password(LIBSSH2_SESSION *s, const char *user, const char *password) {
    return libssh2_userauth_password(s, user, password);
}
static inline int shim_userauth_keyboard_interactive(
    LIBSSH2_SESSION *s, const char *user,
    LIBSSH2_USERAUTH_KBDINT_RESPONSE_FUNC((*cb))) {
    return libssh2_userauth_keyboard_interactive(s, user, cb);
}
static inline int shim_knownhost_readfile(LIBSSH2_KNOWNHOSTS *kh, const char *f) {
    return libssh2_knownhost_readfile(kh, f, LIBSSH2_KNOWNHOST_FILE_OPENSSH);
}
static inline LIBSSH2_SFTP_HANDLE *shim_sftp_open(LIBSSH2_SFTP *s, const char *p, unsigned long flags, long mode) {
    return libssh2_sftp_open(s, p, flags, mode);
}
static inline int shim_sftp_close(LIBSSH2_SFTP_HANDLE *h) { return libssh2_sftp_close(h); }
static inline int shim_sftp_stat(LIBSSH2_SFTP *s, const char *p, LIBSSH2_SFTP_ATTRIBUTES *a) {
    return libssh2_sftp_stat(s, p, a);
}
static inline int shim_sftp_fsetstat(LIBSSH2_SFTP_HANDLE *h, LIBSSH2_SFTP_ATTRIBUTES *a) {
    return libssh2_sftp_fsetstat(h, a);
}
static inline int shim_sftp_unlink(LIBSSH2_SFTP *s, const char *p) { return libssh2_sftp_unlink(s, p); }
static inline int shim_sftp_rename(LIBSSH2_SFTP *s, const char *from, const char *to) {
    return libssh2_sftp_rename_ex(s, from, (unsigned int)strlen(from), to, (unsigned int)strlen(to),
                                  LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC |
                                  LIBSSH2_SFTP_RENAME_NATIVE);
}
static inline unsigned long shim_sftp_attr_permissions(void) { return LIBSSH2_SFTP_ATTR_PERMISSIONS; }
static inline unsigned long shim_sftp_attr_size(void) { return LIBSSH2_SFTP_ATTR_SIZE; }

/* Waits in the direction libssh2 is blocked on; EAGAIN can come with no direction set. */
static inline int shim_waitsocket(int fd, LIBSSH2_SESSION *s, int timeout_ms) {
    struct pollfd p = { .fd = fd, .events = 0, .revents = 0 };
    int dir = libssh2_session_block_directions(s);
    if (dir & LIBSSH2_SESSION_BLOCK_INBOUND)  p.events |= POLLIN;
    if (dir & LIBSSH2_SESSION_BLOCK_OUTBOUND) p.events |= POLLOUT;
    if (p.events == 0) p.events = POLLIN | POLLOUT;
    return poll(&p, 1, timeout_ms);
}

/* TCP connect with a deadline: non-blocking connect, poll, then back to blocking. Returns the fd or -errno. */
static inline int shim_tcp_connect(const struct sockaddr *addr, socklen_t len, int timeout_ms) {
    int fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    int flags = fcntl(fd, F_GETFL, 0);
    fcntl(fd, F_SETFL, flags | O_NONBLOCK);
    int rc = connect(fd, addr, len);
    if (rc < 0 && errno != EINPROGRESS) { int e = errno; close(fd); return -e; }
    if (rc < 0) {
        struct pollfd p = { .fd = fd, .events = POLLOUT, .revents = 0 };
        rc = poll(&p, 1, timeout_ms);
        if (rc == 0) { close(fd); return -ETIMEDOUT; }
        if (rc < 0) { int e = errno; close(fd); return -e; }
        int err = 0; socklen_t el = sizeof err;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
        if (err != 0) { close(fd); return -err; }
    }
    fcntl(fd, F_SETFL, flags);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}
/* Milliseconds since the kernel last received data on this TCP socket (TCP_INFO), or -1.
   libssh2 1.10 swallows keepalive replies without telling anyone; this is how silence is noticed. */
static inline long shim_ms_since_receive(int fd) {
    struct tcp_info info;
    socklen_t length = sizeof info;
    if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) != 0) return -1;
    return (long)info.tcpi_last_data_recv;
}

#endif
