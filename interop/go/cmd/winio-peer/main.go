//
// Copyright 2026 The npipe authors
//
// Licensed under the Apache License, Version 2.0 (the "License"); you may not use this file except in compliance
// with the License. You may obtain a copy of the License at
//
//     https://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software distributed under the License is distributed
// on an "AS IS" BASIS, WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied. See the License for
// the specific language governing permissions and limitations under the License.
//

//go:build windows

// winio-peer is a named-pipe peer built on Microsoft's go-winio, for the interop tests of the Java transport and
// as an echo server for benchmarks.
//
//	winio-peer.exe server <pipe> byte|message
//	    Echo server on go-winio's listener. Prints LISTENING when clients can connect, serves every client
//	    concurrently, runs until killed. Byte mode echoes what it reads; message mode echoes every message as one
//	    message and answers a zero-length message (go-winio's CloseWrite, its end of input) with CloseWrite.
//	    After each client it prints: CONN bytes=<n> crc=<crc> messages=<reads> end=<how>
//	winio-peer.exe client <pipe> byte|message echo <count>
//	    Sends <count> messages of 1 to 70,000 bytes one by one and checks each echo (in message mode: one read,
//	    same length, same bytes). In message mode it then sends CloseWrite and expects the end of input.
//	    Prints OK <count>.
//	winio-peer.exe client <pipe> byte|message stream <bytes> <chunk>
//	    Writes <bytes> in writes of <chunk> bytes (messages, in message mode, followed by CloseWrite) while
//	    reading until the end of input, then prints
//	    sent=<n> sent_crc=<crc> received=<n> received_crc=<crc> messages=<reads>
//
// <pipe> is a full path such as \\.\pipe\name. crc is CRC-32 (IEEE) in 8 hex digits; in message mode it covers
// every message as its 4-byte big-endian length and its bytes. Failures print FAIL <reason> and exit 1.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"dev.npipe/interop/internal/pipe"
	"github.com/Microsoft/go-winio"
)

func main() {
	pipe.Main(run)
}

func run(args []string) error {
	if len(args) < 3 {
		return errors.New("usage: winio-peer server <pipe> byte|message | " +
			"client <pipe> byte|message echo <count> | client <pipe> byte|message stream <bytes> <chunk>")
	}
	message, err := pipe.ParseMode(args[2])
	if err != nil {
		return err
	}
	switch {
	case args[0] == "server" && len(args) == 3:
		return serve(args[1], message)
	case args[0] == "client" && len(args) == 5 && args[3] == "echo":
		count, err := strconv.Atoi(args[4])
		if err != nil {
			return err
		}
		return echoClient(args[1], message, count)
	case args[0] == "client" && len(args) == 6 && args[3] == "stream":
		total, err1 := strconv.ParseInt(args[4], 10, 64)
		chunk, err2 := strconv.Atoi(args[5])
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		if chunk < 1 || chunk > pipe.MaxMessage {
			return fmt.Errorf("chunk must be 1..%d", pipe.MaxMessage)
		}
		return streamClient(args[1], message, total, chunk)
	}
	return fmt.Errorf("unknown command %q", args)
}

func serve(path string, message bool) error {
	l, err := pipe.Listen(path, message)
	if err != nil {
		return err
	}
	defer l.Close()
	fmt.Println("LISTENING")
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		go func() {
			defer c.Close()
			fmt.Println(echo(c, message))
		}()
	}
}

// echo serves one client and returns its CONN line.
func echo(c net.Conn, message bool) string {
	size := 64 << 10
	if message {
		size = pipe.MaxMessage
		if err := pipe.SetMessageReadMode(c); err != nil {
			return "CONN error=" + err.Error()
		}
	}
	buf := make([]byte, size)
	seen := pipe.NewChecksum(message)
	end := "closed"
	for {
		n, err := c.Read(buf)
		if n > 0 {
			seen.Add(buf[:n])
			if _, werr := c.Write(buf[:n]); werr != nil {
				end = "write-error:" + werr.Error()
				break
			}
		}
		if err == io.EOF && message {
			// A zero-length message or a closed pipe: go-winio reports both as io.EOF. Answering with CloseWrite
			// fails in the second case only.
			end = "eof closewrite=ok"
			if cerr := c.(interface{ CloseWrite() error }).CloseWrite(); cerr != nil {
				end = "eof closewrite=" + cerr.Error()
			}
			break
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			end = "read-error:" + err.Error()
			break
		}
	}
	return fmt.Sprintf("CONN bytes=%d crc=%s messages=%d end=%s", seen.Bytes, seen.Sum(), seen.Messages, end)
}

func dial(path string, message bool) (net.Conn, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := winio.DialPipeContext(ctx, path)
	if err != nil {
		return nil, err
	}
	if message {
		if err := pipe.SetMessageReadMode(c); err != nil {
			c.Close()
			return nil, err
		}
	}
	return c, nil
}

// payload is message m of the echo run: 1 to 70,000 bytes (never empty, which would mean end of input).
func payload(m int) []byte {
	b := make([]byte, 1+(m*977)%70000)
	fill(b, int64(m)*7919)
	return b
}

// fill writes the stream's bytes from offset off on.
func fill(b []byte, off int64) {
	for i := range b {
		p := off + int64(i)
		b[i] = byte(p*31) ^ byte(p>>10)
	}
}

func echoClient(path string, message bool, count int) error {
	c, err := dial(path, message)
	if err != nil {
		return err
	}
	defer c.Close()
	buf := make([]byte, pipe.MaxMessage)
	for m := 0; m < count; m++ {
		sent := payload(m)
		if _, err := c.Write(sent); err != nil {
			return fmt.Errorf("message %d: write: %w", m, err)
		}
		got := buf[:len(sent)]
		if message {
			n, err := c.Read(buf)
			if err != nil {
				return fmt.Errorf("message %d: read: %w", m, err)
			}
			if n != len(sent) {
				return fmt.Errorf("message %d: echo has %d bytes, sent %d (boundary lost)", m, n, len(sent))
			}
		} else if _, err := io.ReadFull(c, got); err != nil {
			return fmt.Errorf("message %d: read: %w", m, err)
		}
		if !bytes.Equal(sent, got) {
			return fmt.Errorf("message %d: echo differs", m)
		}
	}
	if message {
		if err := c.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
			return fmt.Errorf("CloseWrite: %w", err)
		}
		if n, err := c.Read(buf); err != io.EOF {
			return fmt.Errorf("after CloseWrite expected the end of input, read %d bytes, %v", n, err)
		}
	}
	fmt.Println("OK", count)
	return nil
}

func streamClient(path string, message bool, total int64, chunk int) error {
	c, err := dial(path, message)
	if err != nil {
		return err
	}
	defer c.Close()
	sent := pipe.NewChecksum(message)
	written := make(chan error, 1)
	go func() {
		b := make([]byte, chunk)
		for off := int64(0); off < total; {
			part := b[:min(int64(chunk), total-off)]
			fill(part, off)
			if _, err := c.Write(part); err != nil {
				written <- fmt.Errorf("write at %d: %w", off, err)
				return
			}
			sent.Add(part)
			off += int64(len(part))
		}
		if message {
			if err := c.(interface{ CloseWrite() error }).CloseWrite(); err != nil {
				written <- fmt.Errorf("CloseWrite: %w", err)
				return
			}
		}
		written <- nil
	}()
	received := pipe.NewChecksum(message)
	buf := make([]byte, pipe.MaxMessage)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			received.Add(buf[:n])
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read after %d bytes: %w", received.Bytes, err)
		}
	}
	if err := <-written; err != nil {
		return err
	}
	fmt.Printf("sent=%d sent_crc=%s received=%d received_crc=%s messages=%d\n", sent.Bytes, sent.Sum(),
		received.Bytes, received.Sum(), received.Messages)
	return nil
}
