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
 * A native message-mode pipe peer for the interop tests, written against the Win32 API alone.
 *
 *   msgpeer server <pipe-path>           serve one client: echo every message whole, until it disconnects
 *   msgpeer client <pipe-path> <count>   send <count> messages of sizes 0, 1, 2, ... (mod 70000), each filled
 *                                        with a pattern, and check each echoed message is the same message
 *   msgpeer flood <pipe-path> <size>     connect, print CONNECTED, then write <size>-byte writes (messages on a
 *                                        message pipe) of a pattern without ever reading, until killed
 *   msgpeer flood-server <pipe-path> <size> byte|message
 *                                        serve one client (print LISTENING, then CONNECTED) and flood it the same
 *                                        way, on a byte or a message pipe, until killed
 *   msgpeer garbage <pipe-path> <count>  connect and write <count> messages of pseudo-random bytes, sized 0, 1,
 *                                        65537, 200000, 3 in turn; print SENT <count> and wait to be killed
 *   msgpeer hold <pipe-path>             connect, print CONNECTED, then neither read nor write until killed
 *
 * Exit code 0 and a last line "OK <messages>" on success; non-zero with a reason otherwise.
 */
#include <windows.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_MESSAGE (1 << 20)

static unsigned char *buffer;

static int fail(const char *what) {
    printf("FAIL %s: error %lu\n", what, GetLastError());
    fflush(stdout);
    return 1;
}

/* Reads one whole message, however many ReadFile calls it takes (ERROR_MORE_DATA = not finished). */
static long read_message(HANDLE pipe) {
    DWORD total = 0;
    for (;;) {
        DWORD n = 0;
        if (ReadFile(pipe, buffer + total, 4096, &n, NULL)) {
            return (long) (total + n);
        }
        if (GetLastError() != ERROR_MORE_DATA) {
            return -1;
        }
        total += n;
        if (total + 4096 > MAX_MESSAGE) {
            SetLastError(ERROR_BUFFER_OVERFLOW);
            return -1;
        }
    }
}

static int write_message(HANDLE pipe, DWORD length) {
    DWORD n = 0;
    return WriteFile(pipe, buffer, length, &n, NULL) && n == length;
}

static unsigned char pattern(unsigned long message, unsigned long i) {
    return (unsigned char) (message * 31 + i * 7 + (i >> 8));
}

static int serve(const char *path) {
    HANDLE pipe = CreateNamedPipeA(path, PIPE_ACCESS_DUPLEX,
            PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE | PIPE_WAIT, 1, 65536, 65536, 0, NULL);
    if (pipe == INVALID_HANDLE_VALUE) return fail("CreateNamedPipe");
    printf("LISTENING\n");
    fflush(stdout);
    if (!ConnectNamedPipe(pipe, NULL) && GetLastError() != ERROR_PIPE_CONNECTED) return fail("ConnectNamedPipe");
    unsigned long messages = 0;
    for (;;) {
        long length = read_message(pipe);
        if (length < 0) {
            if (GetLastError() == ERROR_BROKEN_PIPE) break;
            return fail("ReadFile");
        }
        if (!write_message(pipe, (DWORD) length)) return fail("WriteFile");
        messages++;
    }
    CloseHandle(pipe);
    printf("OK %lu\n", messages);
    return 0;
}

static HANDLE open_client(const char *path);

static int call(const char *path, unsigned long count) {
    HANDLE pipe = open_client(path);
    if (pipe == INVALID_HANDLE_VALUE) return fail("CreateFile");
    DWORD mode = PIPE_READMODE_MESSAGE;
    if (!SetNamedPipeHandleState(pipe, &mode, NULL, NULL)) return fail("SetNamedPipeHandleState");
    for (unsigned long m = 0; m < count; m++) {
        DWORD length = (DWORD) ((m * 977) % 70000);
        for (DWORD i = 0; i < length; i++) buffer[i] = pattern(m, i);
        if (!write_message(pipe, length)) return fail("WriteFile");
        long echoed = read_message(pipe);
        if (echoed < 0) return fail("ReadFile");
        if ((DWORD) echoed != length) {
            printf("FAIL message %lu: %ld bytes back, sent %lu\n", m, echoed, (unsigned long) length);
            return 1;
        }
        for (DWORD i = 0; i < length; i++) {
            if (buffer[i] != pattern(m, i)) {
                printf("FAIL message %lu: byte %lu differs\n", m, (unsigned long) i);
                return 1;
            }
        }
    }
    CloseHandle(pipe);
    printf("OK %lu\n", count);
    return 0;
}

static HANDLE open_client(const char *path) {
    HANDLE pipe = INVALID_HANDLE_VALUE;
    for (int attempt = 0; attempt < 500 && pipe == INVALID_HANDLE_VALUE; attempt++) {
        pipe = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
        if (pipe == INVALID_HANDLE_VALUE) Sleep(20);
    }
    return pipe;
}

/* Writes until the process is killed: the test kills it with a write in flight (ours and its own). */
static int flood(const char *path, DWORD size) {
    if (size > MAX_MESSAGE) return 2;
    HANDLE pipe = open_client(path);
    if (pipe == INVALID_HANDLE_VALUE) return fail("CreateFile");
    for (DWORD i = 0; i < size; i++) buffer[i] = pattern(0, i);
    printf("CONNECTED\n");
    fflush(stdout);
    for (;;) {
        if (!write_message(pipe, size)) return fail("WriteFile");
    }
}

/* The server end of flood(): the test kills it while both ends have a write in flight. */
static int flood_server(const char *path, DWORD size, const char *type) {
    if (size > MAX_MESSAGE) return 2;
    DWORD mode = strcmp(type, "message") == 0 ? PIPE_TYPE_MESSAGE | PIPE_READMODE_MESSAGE
                                              : PIPE_TYPE_BYTE | PIPE_READMODE_BYTE;
    HANDLE pipe = CreateNamedPipeA(path, PIPE_ACCESS_DUPLEX, mode | PIPE_WAIT, 1, 65536, 65536, 0, NULL);
    if (pipe == INVALID_HANDLE_VALUE) return fail("CreateNamedPipe");
    printf("LISTENING\n");
    fflush(stdout);
    if (!ConnectNamedPipe(pipe, NULL) && GetLastError() != ERROR_PIPE_CONNECTED) return fail("ConnectNamedPipe");
    for (DWORD i = 0; i < size; i++) buffer[i] = pattern(0, i);
    printf("CONNECTED\n");
    fflush(stdout);
    for (;;) {
        if (!write_message(pipe, size)) return fail("WriteFile");
    }
}

/* Messages of bytes nobody agreed on, some over any sensible limit: a reader must survive them. */
static int garbage(const char *path, unsigned long count) {
    static const DWORD sizes[] = {0, 1, 65537, 200000, 3};
    HANDLE pipe = open_client(path);
    if (pipe == INVALID_HANDLE_VALUE) return fail("CreateFile");
    unsigned long seed = 12345;
    for (unsigned long m = 0; m < count; m++) {
        DWORD length = sizes[m % 5];
        for (DWORD i = 0; i < length; i++) {
            seed = seed * 1103515245 + 12345;
            buffer[i] = (unsigned char) (seed >> 16);
        }
        if (!write_message(pipe, length)) return fail("WriteFile");
    }
    printf("SENT %lu\n", count);
    fflush(stdout);
    Sleep(INFINITE);
    return 0;
}

/* Connects and then neither reads nor writes until it is killed: the close-order tests' exiting peer. */
static int hold(const char *path) {
    HANDLE pipe = open_client(path);
    if (pipe == INVALID_HANDLE_VALUE) return fail("CreateFile");
    printf("CONNECTED\n");
    fflush(stdout);
    Sleep(INFINITE);
    return 0;
}

int main(int argc, char **argv) {
    buffer = malloc(MAX_MESSAGE);
    if (!buffer) return 2;
    if (argc == 3 && strcmp(argv[1], "server") == 0) return serve(argv[2]);
    if (argc == 4 && strcmp(argv[1], "client") == 0) return call(argv[2], strtoul(argv[3], NULL, 10));
    if (argc == 4 && strcmp(argv[1], "flood") == 0) return flood(argv[2], strtoul(argv[3], NULL, 10));
    if (argc == 5 && strcmp(argv[1], "flood-server") == 0)
        return flood_server(argv[2], strtoul(argv[3], NULL, 10), argv[4]);
    if (argc == 3 && strcmp(argv[1], "hold") == 0) return hold(argv[2]);
    if (argc == 4 && strcmp(argv[1], "garbage") == 0) return garbage(argv[2], strtoul(argv[3], NULL, 10));
    fprintf(stderr, "usage: msgpeer server <pipe> | client <pipe> <count> | flood <pipe> <size> | flood-server <pipe> <size> byte|message | garbage <pipe> <count> | hold <pipe>\n");
    return 2;
}
