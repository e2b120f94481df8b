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

// Package pipe holds what both peers need around go-winio: a listener that works under Wine as on Windows,
// message read mode, and the checksums the Java tests compare.
package pipe

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"net"
	"time"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// MaxMessage is the largest message a peer reads whole: go-winio reports a longer one (ERROR_MORE_DATA) as an
// ordinary read, so the peers read into a buffer this large and the tests send shorter messages.
const MaxMessage = 1 << 20

// UnderWine reports whether this process runs under Wine (ntdll exports wine_get_version only there).
func UnderWine() bool {
	return windows.NewLazySystemDLL("ntdll.dll").NewProc("wine_get_version").Find() == nil
}

// Listen is winio.ListenPipe with 64 KiB buffers. go-winio's first instance only holds the name and is never
// accepted on; Windows keeps clients away from it, Wine does not, so there the first client would hang on it.
// Under Wine the listener therefore dials itself once before anyone else can, and holds that connection until
// Close.
func Listen(path string, message bool) (net.Listener, error) {
	l, err := winio.ListenPipe(path, &winio.PipeConfig{MessageMode: message, InputBufferSize: 65536,
		OutputBufferSize: 65536})
	if err != nil {
		return nil, err
	}
	if !UnderWine() {
		return l, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	holder, err := winio.DialPipeContext(ctx, path)
	if err != nil {
		l.Close()
		return nil, fmt.Errorf("occupying go-winio's name-holding instance under Wine: %w", err)
	}
	return &nameHeldListener{Listener: l, holder: holder}, nil
}

type nameHeldListener struct {
	net.Listener
	holder net.Conn
}

func (l *nameHeldListener) Close() error {
	l.holder.Close()
	return l.Listener.Close()
}

// SetMessageReadMode switches a go-winio connection to PIPE_READMODE_MESSAGE, so that each Read returns at most
// one message (go-winio opens and accepts every pipe in byte read mode).
func SetMessageReadMode(c net.Conn) error {
	f, ok := c.(interface{ Fd() uintptr })
	if !ok {
		return fmt.Errorf("%T has no handle", c)
	}
	mode := uint32(windows.PIPE_READMODE_MESSAGE)
	if err := windows.SetNamedPipeHandleState(windows.Handle(f.Fd()), &mode, nil, nil); err != nil {
		return fmt.Errorf("SetNamedPipeHandleState(PIPE_READMODE_MESSAGE): %w", err)
	}
	return nil
}

// Checksum is CRC-32 (IEEE, as java.util.zip.CRC32) over a byte stream, or in message mode over every message
// as its 4-byte big-endian length followed by its bytes, so that boundaries count.
type Checksum struct {
	framed   bool
	crc      hash.Hash32
	Bytes    int64
	Messages int64
}

// NewChecksum returns an empty checksum; framed for message mode.
func NewChecksum(framed bool) *Checksum {
	return &Checksum{framed: framed, crc: crc32.NewIEEE()}
}

// Add counts one read or write.
func (c *Checksum) Add(b []byte) {
	if c.framed {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(b)))
		c.crc.Write(n[:])
	}
	c.crc.Write(b)
	c.Bytes += int64(len(b))
	c.Messages++
}

// Sum is the checksum as 8 hex digits.
func (c *Checksum) Sum() string {
	return fmt.Sprintf("%08x", c.crc.Sum32())
}
