/**
 * Copyright 2026 The npipe authors
 *
 * Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance
 * with the License. You may obtain a copy of the License at
 *
 *     https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software distributed under the License is distributed
 * on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for
 * the specific language governing permissions and limitations under the License.
 */
/*
 * npbench: the native limit of the npipe benchmark. An echo server and a load client in C, using the same Win32
 * calls the transport uses: overlapped ConnectNamedPipe/ReadFile/WriteFile on one I/O completion port, dequeued
 * in batches with GetQueuedCompletionStatusEx by a few worker threads.
 *
 *   npbench server <pipe-path> byte|message <threads>
 *       Echoes every read back as one write, until standard input closes. Prints "READY" once listening.
 *   npbench client <pipe-path> byte|message latency|throughput <conns> <size> <warmup-ms> <measure-ms> <threads>
 *       latency:    each connection sends one message and waits for its echo, again and again.
 *       throughput: each connection keeps a window of messages in flight (see window_for()); on a byte pipe
 *                   the free part of the window is sent with one WriteFile, on a message pipe one per message.
 *       Prints "RESULT msgs=N bytes=N secs=S p50_us=X p99_us=X p999_us=X at_once=N total=N" for the measured window
 *       (total: messages echoed since the start, warm-up included, for scripts/count-calls.sh)
 *       (at_once: the client's operations that finished at once, so no completion was dequeued for them).
 *
 * The server writes back each read with one WriteFile; reads use a 64 KiB (byte) or 128 KiB (message) buffer. Build: x86_64-w64-mingw32-gcc -O2 -o npbench.exe npbench.c
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LISTENING 16
#define READ_SIZE_BYTE (64 * 1024)
#define READ_SIZE_MESSAGE (128 * 1024)
#define PIPE_BUFFER (64 * 1024)
/* Round-trip histogram: 100 ns buckets up to 100 ms, then 100 us buckets up to 10 s (1,024 connections under
 * Wine reach past 100 ms), then one overflow bucket. */
#define BUCKET_NS 100
#define FINE_BUCKETS 1000000
#define COARSE_NS 100000
#define BUCKETS (FINE_BUCKETS + 99000 + 1)

typedef struct conn conn;
typedef struct {
    OVERLAPPED ov; /* first, so the OVERLAPPED pointer is the op */
    conn *c;
} op;

struct conn {
    HANDLE h;
    SRWLOCK lock;
    op rd, wr;
    int reading, writing, closing, connected;
    int closed; /* client connections stay allocated after their handle is closed (the main thread lists them) */
    int is_client;
    /* server: double buffer, so the next read runs while the last one is written back */
    char *buf[2];
    int cur, held;
    DWORD held_len;
    /* client */
    char *rbuf, *wbuf;
    LONG64 sent, done, rcv_bytes;
    LARGE_INTEGER t_sent;
};

static HANDLE port;
static int message_mode, latency_mode, msg_size, window;
static DWORD read_size;
static const char *pipe_path;
static volatile LONG phase; /* client: 0 warm-up, 1 measuring, 2 stopping */
static volatile LONG64 g_msgs, g_total;
static volatile LONG live_conns;
static LONG64 *hist;
/* FILE_SKIP_COMPLETION_PORT_ON_SUCCESS on connected pipes (NPBENCH_SKIP=0 turns it off): an operation that
 * finishes at once queues nothing, and the worker that started it handles it after the current completion. */
static int skip_port = 1;
static volatile LONG64 g_at_once; /* client: operations finished at once in the measured window */
static __thread op *at_once[16];
static __thread int n_at_once, is_worker;
static double ns_per_tick;

static void die(const char *what) {
    fprintf(stderr, "npbench: %s failed: error %lu\n", what, GetLastError());
    exit(2);
}

static int window_for(int size) {
    int w = (64 * 1024) / size;
    return w < 2 ? 2 : w > 64 ? 64 : w;
}

/* ---- common: start operations, close when idle ---- */

static void skip_port_on_success(HANDLE h) {
    if (skip_port && !SetFileCompletionNotificationModes(h,
            FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE)) {
        die("SetFileCompletionNotificationModes");
    }
}

/* An operation finished at once on a handle that skips the port: handled by this worker after its current
 * completion, or posted to the port from other threads (or when the list is full). */
static void finished_at_once(op *o) {
    if (is_worker && n_at_once < 16) {
        at_once[n_at_once++] = o;
        if (phase == 1) InterlockedIncrement64(&g_at_once);
    } else if (!PostQueuedCompletionStatus(port, 0, 0, &o->ov)) {
        die("PostQueuedCompletionStatus");
    }
}

/* A read that ends at once with ERROR_MORE_DATA (STATUS_BUFFER_OVERFLOW, a warning, not NT_SUCCESS) under skip mode:
 * Windows 8+ still queue its packet, Windows 7 and Wine do not. Measured at start-up by probe_warnings();
 * NPBENCH_EMULATE_WINDOWS8=1 posts the packet Windows 8+ would queue, so Wine follows their rule. */
static int warnings_queued, emulate_windows8;

static void emulate_warning_packet(op *o) {
    if (emulate_windows8 && !PostQueuedCompletionStatus(port, (DWORD) o->ov.InternalHigh, 0, &o->ov)) {
        die("PostQueuedCompletionStatus (emulating Windows 8)");
    }
}

/* Reads 1 byte of a 2-byte message on a private pipe that skips the port, then drains the port up to a marker. */
static void probe_warnings(void) {
    char name[96], buf[2] = {0, 0};
    snprintf(name, sizeof name, "\\\\.\\pipe\\npbench-probe-%lu", GetCurrentProcessId());
    HANDLE probe_port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    HANDLE s = CreateNamedPipeA(name, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED | FILE_FLAG_FIRST_PIPE_INSTANCE,
            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_REJECT_REMOTE_CLIENTS, 1, 64, 64, 0, NULL);
    if (!probe_port || s == INVALID_HANDLE_VALUE) die("probe: CreateNamedPipe");
    HANDLE cl = CreateFileA(name, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    DWORD n;
    if (cl == INVALID_HANDLE_VALUE || !WriteFile(cl, buf, 2, &n, NULL)) die("probe: client");
    if (!CreateIoCompletionPort(s, probe_port, 0, 0) ||
        !SetFileCompletionNotificationModes(s, FILE_SKIP_COMPLETION_PORT_ON_SUCCESS | FILE_SKIP_SET_EVENT_ON_HANDLE)) {
        die("probe: port");
    }
    op o;
    memset(&o, 0, sizeof o);
    if (ReadFile(s, buf, 1, NULL, &o.ov) || GetLastError() != ERROR_MORE_DATA) die("probe: ReadFile (ERROR_MORE_DATA)");
    HANDLE saved = port;
    port = probe_port;
    emulate_warning_packet(&o);
    port = saved;
    PostQueuedCompletionStatus(probe_port, 0, 1, NULL);
    for (int marker = 0; !marker;) {
        OVERLAPPED_ENTRY e[4];
        ULONG got = 0;
        if (!GetQueuedCompletionStatusEx(probe_port, e, 4, &got, 1000, FALSE)) die("probe: GetQueuedCompletionStatusEx");
        for (ULONG i = 0; i < got; i++) {
            if (e[i].lpOverlapped == NULL) marker = 1;
            else if (e[i].lpOverlapped == &o.ov) warnings_queued = 1;
        }
    }
    CloseHandle(cl);
    CloseHandle(s);
    CloseHandle(probe_port);
}

static int start_read(conn *c, char *into) {
    memset(&c->rd.ov, 0, sizeof c->rd.ov);
    DWORD e = ReadFile(c->h, into, read_size, NULL, &c->rd.ov) ? 0 : GetLastError();
    if (e != 0 && e != ERROR_IO_PENDING && e != ERROR_MORE_DATA) return 0;
    c->reading = 1;
    if (skip_port && e == ERROR_MORE_DATA) {
        emulate_warning_packet(&c->rd);
        if (!warnings_queued) finished_at_once(&c->rd); /* else its packet comes, as for a read that waited */
    } else if (skip_port && e == 0) {
        finished_at_once(&c->rd);
    }
    return 1;
}

static int start_write(conn *c, char *from, DWORD len) {
    memset(&c->wr.ov, 0, sizeof c->wr.ov);
    DWORD e = WriteFile(c->h, from, len, NULL, &c->wr.ov) ? 0 : GetLastError();
    if (e != 0 && e != ERROR_IO_PENDING) return 0;
    c->writing = 1;
    if (skip_port && e == 0) finished_at_once(&c->wr);
    return 1;
}

static void begin_close(conn *c) {
    if (!c->closing) {
        c->closing = 1;
        CancelIoEx(c->h, NULL);
    }
}

/* Called with the lock held after each completion; frees the connection once nothing is in flight. */
static int finish_if_closed(conn *c) {
    if (!c->closing || c->reading || c->writing || c->closed) return 0;
    CloseHandle(c->h);
    InterlockedDecrement(&live_conns);
    if (c->is_client) {
        c->closed = 1;
        ReleaseSRWLockExclusive(&c->lock);
        return 1;
    }
    ReleaseSRWLockExclusive(&c->lock);
    free(c->buf[0]);
    free(c->buf[1]);
    free(c->rbuf);
    free(c->wbuf);
    free(c);
    return 1;
}

static conn *new_conn(HANDLE h) {
    conn *c = calloc(1, sizeof *c);
    InterlockedIncrement(&live_conns);
    c->h = h;
    c->rd.c = c->wr.c = c;
    InitializeSRWLock(&c->lock);
    if (!CreateIoCompletionPort(h, port, 0, 0)) die("CreateIoCompletionPort(pipe)");
    return c;
}

/* ---- server ---- */

static void server_connected(conn *c);

/* Creates one listening instance; returns 1 when a client was already there (then listen again). */
static int listen_one(void) {
    HANDLE h = CreateNamedPipeA(pipe_path, PIPE_ACCESS_DUPLEX | FILE_FLAG_OVERLAPPED,
            (message_mode ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE : 0) | PIPE_WAIT | PIPE_REJECT_REMOTE_CLIENTS,
            PIPE_UNLIMITED_INSTANCES, PIPE_BUFFER, PIPE_BUFFER, 0, NULL);
    if (h == INVALID_HANDLE_VALUE) die("CreateNamedPipe");
    conn *c = new_conn(h);
    c->buf[0] = malloc(read_size);
    c->buf[1] = malloc(read_size);
    AcquireSRWLockExclusive(&c->lock);
    memset(&c->rd.ov, 0, sizeof c->rd.ov);
    c->reading = 1; /* the connect uses the read op */
    int came_first = 0;
    if (!ConnectNamedPipe(h, &c->rd.ov)) {
        DWORD e = GetLastError();
        if (e == ERROR_PIPE_CONNECTED) { /* a client came first: no completion is queued */
            c->reading = 0;
            came_first = 1;
            server_connected(c);
        } else if (e != ERROR_IO_PENDING) {
            die("ConnectNamedPipe");
        }
    }
    if (!finish_if_closed(c)) ReleaseSRWLockExclusive(&c->lock);
    return came_first;
}

static void server_connected(conn *c) {
    c->connected = 1;
    skip_port_on_success(c->h);
    if (!start_read(c, c->buf[c->cur])) begin_close(c);
}

/* Writes back the read that just finished, and reads on into the other buffer. */
static void server_echo(conn *c, DWORD len) {
    if (!start_write(c, c->buf[c->cur], len)) {
        begin_close(c);
        return;
    }
    c->cur ^= 1;
    if (!start_read(c, c->buf[c->cur])) begin_close(c);
}

static void server_completed(op *o, DWORD bytes, BOOL ok) {
    conn *c = o->c;
    int need_listener = 0;
    AcquireSRWLockExclusive(&c->lock);
    DWORD err = ok ? 0 : GetLastError();
    if (o == &c->rd) {
        c->reading = 0;
        if (!c->connected) {
            need_listener = 1;
            if (!ok && err != ERROR_PIPE_CONNECTED) begin_close(c);
            else server_connected(c);
        } else if (!ok || c->closing) {
            begin_close(c); /* a broken pipe ends the connection; ERROR_MORE_DATA cannot happen at 128 KiB */
        } else if (c->writing) {
            c->held = 1; /* echo it when the write before it is done */
            c->held_len = bytes;
        } else {
            server_echo(c, bytes);
        }
    } else {
        c->writing = 0;
        if (!ok || c->closing) {
            begin_close(c);
        } else if (c->held) {
            c->held = 0;
            server_echo(c, c->held_len);
        }
    }
    if (!finish_if_closed(c)) ReleaseSRWLockExclusive(&c->lock);
    if (need_listener) while (listen_one()) {
        }
}

/* ---- client ---- */

static LONG64 now_ticks(void) {
    LARGE_INTEGER t;
    QueryPerformanceCounter(&t);
    return t.QuadPart;
}

static void client_send(conn *c, int messages) {
    if (c->t_sent.QuadPart == 0) c->t_sent.QuadPart = now_ticks();
    if (start_write(c, c->wbuf, (DWORD) messages * msg_size)) c->sent += messages;
    else begin_close(c);
}

/*
 * Sends while the workload allows: one request at a time (latency) or a window of them (throughput). On a byte
 * pipe the free part of the window goes out in one WriteFile, as a tuned client would; a message is one write.
 */
static void client_pump(conn *c) {
    if (c->writing || c->closing || phase == 2) return;
    if (latency_mode) {
        if (c->sent == c->done) client_send(c, 1);
    } else if (c->sent - c->done < window) {
        client_send(c, message_mode ? 1 : (int) (window - (c->sent - c->done)));
    }
}

static void client_message_done(conn *c) {
    c->done++;
    if (latency_mode) {
        LONG64 ns = (LONG64) ((now_ticks() - c->t_sent.QuadPart) * ns_per_tick);
        c->t_sent.QuadPart = 0;
        if (phase == 1) {
            LONG64 b = ns / BUCKET_NS;
            if (b >= FINE_BUCKETS) b = FINE_BUCKETS + (ns - (LONG64) FINE_BUCKETS * BUCKET_NS) / COARSE_NS;
            InterlockedIncrement64(&hist[b < BUCKETS - 1 ? b : BUCKETS - 1]);
        }
    }
    if (phase == 1) InterlockedIncrement64(&g_msgs);
    InterlockedIncrement64(&g_total);
}

static void client_completed(op *o, DWORD bytes, BOOL ok) {
    conn *c = o->c;
    AcquireSRWLockExclusive(&c->lock);
    DWORD err = ok ? 0 : GetLastError();
    if (o == &c->rd) {
        c->reading = 0;
        if (!ok && !(message_mode && err == ERROR_MORE_DATA)) {
            begin_close(c);
        } else {
            if (message_mode) {
                if (ok) client_message_done(c);
            } else {
                c->rcv_bytes += bytes;
                while (c->rcv_bytes >= msg_size) {
                    c->rcv_bytes -= msg_size;
                    client_message_done(c);
                }
            }
            if (!c->closing && !start_read(c, c->rbuf)) begin_close(c);
        }
    } else {
        c->writing = 0;
        if (!ok) begin_close(c);
    }
    client_pump(c);
    if (!finish_if_closed(c)) ReleaseSRWLockExclusive(&c->lock);
}

/* ---- workers ---- */

static void dispatch(op *o, int server) {
    DWORD bytes = 0;
    /* The status of the completion as GetOverlappedResult reports it (ERROR_MORE_DATA included). */
    BOOL ok = GetOverlappedResult(o->c->h, &o->ov, &bytes, FALSE);
    if (server) server_completed(o, bytes, ok);
    else client_completed(o, bytes, ok);
}

static DWORD WINAPI worker(LPVOID server) {
    OVERLAPPED_ENTRY entries[64];
    is_worker = 1;
    for (;;) {
        ULONG n = 0;
        if (!GetQueuedCompletionStatusEx(port, entries, 64, &n, INFINITE, FALSE)) die("GetQueuedCompletionStatusEx");
        for (ULONG i = 0; i < n; i++) {
            dispatch((op *) entries[i].lpOverlapped, (int) (INT_PTR) server);
            while (n_at_once > 0) dispatch(at_once[--n_at_once], (int) (INT_PTR) server);
        }
    }
    return 0;
}

static void start_workers(int threads, int server) {
    for (int i = 0; i < threads; i++) {
        if (!CreateThread(NULL, 0, worker, (LPVOID) (INT_PTR) server, 0, NULL)) die("CreateThread");
    }
}

static HANDLE open_client(void) {
    for (int attempt = 0; attempt < 10000; attempt++) {
        HANDLE h = CreateFileA(pipe_path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING,
                FILE_FLAG_OVERLAPPED, NULL);
        if (h != INVALID_HANDLE_VALUE) return h;
        if (GetLastError() != ERROR_PIPE_BUSY && GetLastError() != ERROR_FILE_NOT_FOUND) die("CreateFile");
        Sleep(1);
    }
    die("CreateFile (busy for 10 s)");
    return NULL;
}

static double percentile_us(LONG64 total, double p) {
    LONG64 rank = (LONG64) (total * p), seen = 0;
    for (int b = 0; b < BUCKETS; b++) {
        seen += hist[b];
        if (seen > rank) {
            return b < FINE_BUCKETS ? (b + 0.5) * BUCKET_NS / 1000.0
                                    : ((double) FINE_BUCKETS * BUCKET_NS + (b - FINE_BUCKETS + 0.5) * COARSE_NS) / 1000.0;
        }
    }
    return 0;
}

static int run_client(int conns, int warmup_ms, int measure_ms, int threads) {
    LARGE_INTEGER f;
    QueryPerformanceFrequency(&f);
    ns_per_tick = 1e9 / (double) f.QuadPart;
    hist = calloc(BUCKETS, sizeof *hist);
    window = window_for(msg_size);
    conn **all = calloc(conns, sizeof *all);
    for (int i = 0; i < conns; i++) {
        HANDLE h = open_client();
        if (message_mode) {
            DWORD mode = PIPE_READMODE_MESSAGE;
            if (!SetNamedPipeHandleState(h, &mode, NULL, NULL)) die("SetNamedPipeHandleState");
        }
        all[i] = new_conn(h);
        skip_port_on_success(h);
        all[i]->is_client = 1;
        all[i]->rbuf = malloc(read_size);
        all[i]->wbuf = malloc((size_t) msg_size * window);
        memset(all[i]->wbuf, 'x', (size_t) msg_size * window);
    }
    start_workers(threads, 0);
    for (int i = 0; i < conns; i++) {
        conn *c = all[i];
        AcquireSRWLockExclusive(&c->lock);
        if (!start_read(c, c->rbuf)) die("ReadFile");
        client_pump(c);
        ReleaseSRWLockExclusive(&c->lock);
    }
    Sleep(warmup_ms);
    LONG64 t0 = now_ticks();
    InterlockedExchange(&phase, 1);
    Sleep(measure_ms);
    InterlockedExchange(&phase, 2);
    double secs = (now_ticks() - t0) * ns_per_tick / 1e9;
    LONG64 msgs = g_msgs, samples = 0;
    for (int b = 0; b < BUCKETS; b++) samples += hist[b];
    printf("RESULT msgs=%lld bytes=%lld secs=%.6f p50_us=%.1f p99_us=%.1f p999_us=%.1f at_once=%lld total=%lld\n", msgs,
            msgs * (LONG64) msg_size, secs, percentile_us(samples, 0.50), percentile_us(samples, 0.99),
            percentile_us(samples, 0.999), (LONG64) g_at_once, (LONG64) g_total);
    fflush(stdout);
    /* Cancel everything and wait for the workers to see each connection idle and close it: a process that
     * exits with overlapped pipe I/O still pending can hang in its exit under Wine. */
    for (int i = 0; i < conns; i++) {
        conn *c = all[i];
        AcquireSRWLockExclusive(&c->lock);
        begin_close(c);
        if (!finish_if_closed(c)) ReleaseSRWLockExclusive(&c->lock);
    }
    for (int waited = 0; live_conns > 0 && waited < 5000; waited++) Sleep(1);
    TerminateProcess(GetCurrentProcess(), live_conns > 0 ? 3 : 0);
    return 0;
}

static int run_server(int threads) {
    start_workers(threads, 1);
    for (int i = 0; i < LISTENING; i++) while (listen_one()) {
        }
    printf("READY\n");
    fflush(stdout);
    char b[64];
    DWORD n;
    while (ReadFile(GetStdHandle(STD_INPUT_HANDLE), b, sizeof b, &n, NULL) && n > 0) {
    }
    TerminateProcess(GetCurrentProcess(), 0); /* not ExitProcess, whose DLL detach can wait on a killed worker */
    return 0;
}

static void usage(void) {
    fprintf(stderr, "usage: npbench server <pipe> byte|message <threads>\n"
                    "       npbench client <pipe> byte|message latency|throughput <conns> <size> <warmup-ms>"
                    " <measure-ms> <threads>\n");
    exit(1);
}

int main(int argc, char **argv) {
    if (argc < 4) usage();
    pipe_path = argv[2];
    message_mode = strcmp(argv[3], "message") == 0;
    if (!message_mode && strcmp(argv[3], "byte") != 0) usage();
    read_size = message_mode ? READ_SIZE_MESSAGE : READ_SIZE_BYTE;
    const char *skip = getenv("NPBENCH_SKIP");
    skip_port = !(skip && strcmp(skip, "0") == 0);
    const char *emulate = getenv("NPBENCH_EMULATE_WINDOWS8");
    emulate_windows8 = emulate && strcmp(emulate, "1") == 0;
    port = CreateIoCompletionPort(INVALID_HANDLE_VALUE, NULL, 0, 0);
    if (!port) die("CreateIoCompletionPort");
    if (skip_port && message_mode) probe_warnings();
    if (strcmp(argv[1], "server") == 0 && argc == 5) return run_server(atoi(argv[4]));
    if (strcmp(argv[1], "client") != 0 || argc != 10) usage();
    latency_mode = strcmp(argv[4], "latency") == 0;
    msg_size = atoi(argv[6]);
    if (msg_size <= 0 || msg_size > READ_SIZE_BYTE) usage();
    return run_client(atoi(argv[5]), atoi(argv[7]), atoi(argv[8]), atoi(argv[9]));
}
