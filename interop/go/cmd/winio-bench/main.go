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

// winio-bench is the go-winio row of the benchmark: an echo server and a load client on Microsoft's go-winio, with
// the command line and result line of npbench.exe (examples/src/main/c/npbench.c), so the benchmark runs it the
// same way.
//
//	winio-bench.exe server <pipe> byte|message <threads>
//	    Echoes every read back as one write, a goroutine per client, until standard input closes. Prints READY
//	    once clients can connect.
//	winio-bench.exe client <pipe> byte|message latency|throughput <conns> <size> <warmup-ms> <measure-ms> <threads>
//	    latency: each connection sends one message and waits for its echo, again and again. throughput: each
//	    connection keeps a window of messages in flight (about 64 KiB, 2 to 64 messages, as npbench), a writer
//	    and a reader goroutine per connection. Prints
//	    "RESULT msgs=N bytes=N secs=S p50_us=X p99_us=X p999_us=X at_once=NaN total=N" for the measured window
//	    (total: messages since the start, warm-up included, for scripts/count-calls.sh)
//	    (go-winio hides whether an operation finished at once, so at_once is not known).
//
// <threads> is GOMAXPROCS, as npbench's worker threads.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"dev.npipe/interop/internal/pipe"
	"github.com/Microsoft/go-winio"
)

func main() {
	pipe.Main(run)
}

func run(args []string) error {
	usage := errors.New("usage: winio-bench server <pipe> byte|message <threads> | client <pipe> byte|message " +
		"latency|throughput <conns> <size> <warmup-ms> <measure-ms> <threads>")
	if len(args) < 4 {
		return usage
	}
	message, err := pipe.ParseMode(args[2])
	if err != nil {
		return err
	}
	numbers := func(from []string) ([]int, error) {
		n := make([]int, len(from))
		for i, s := range from {
			v, err := strconv.Atoi(s)
			if err != nil || v < 1 {
				return nil, fmt.Errorf("%w: %q is not a positive number", usage, s)
			}
			n[i] = v
		}
		runtime.GOMAXPROCS(n[len(n)-1])
		return n, nil
	}
	switch {
	case args[0] == "server" && len(args) == 4:
		if _, err := numbers(args[3:]); err != nil {
			return err
		}
		return serve(args[1], message)
	case args[0] == "client" && len(args) == 9 && (args[3] == "latency" || args[3] == "throughput"):
		n, err := numbers(args[4:])
		if err != nil {
			return err
		}
		return client(args[1], message, args[3] == "latency", n[0], n[1],
			time.Duration(n[2])*time.Millisecond, time.Duration(n[3])*time.Millisecond)
	}
	return usage
}

func serve(path string, message bool) error {
	l, err := pipe.Listen(path, message)
	if err != nil {
		return err
	}
	go func() { // closing standard input stops the server, as npbench's
		io.Copy(io.Discard, os.Stdin)
		os.Exit(0)
	}()
	fmt.Println("READY")
	for {
		c, err := l.Accept()
		if err != nil {
			return err
		}
		go echo(c, message)
	}
}

func echo(c net.Conn, message bool) {
	defer c.Close()
	size := 64 << 10
	if message {
		size = pipe.MaxMessage
		if pipe.SetMessageReadMode(c) != nil {
			return
		}
	}
	buf := make([]byte, size)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if _, err := c.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			return
		}
	}
}

// phase: 0 warming up, 1 measuring, 2 stopping.
type load struct {
	phase    atomic.Int32
	messages atomic.Int64
	total    atomic.Int64 // since the start, warm-up included (scripts/count-calls.sh)
	mu       sync.Mutex
	rtts     []time.Duration
}

func client(path string, message, latency bool, conns, size int, warmup, measure time.Duration) error {
	all := make([]net.Conn, 0, conns)
	defer func() {
		for _, c := range all {
			c.Close()
		}
	}()
	for i := 0; i < conns; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		c, err := winio.DialPipeContext(ctx, path)
		cancel()
		if err != nil {
			return fmt.Errorf("connection %d of %d: %w", i+1, conns, err)
		}
		if message {
			if err := pipe.SetMessageReadMode(c); err != nil {
				return err
			}
		}
		all = append(all, c)
	}
	l := &load{}
	var wg sync.WaitGroup
	for _, c := range all {
		wg.Add(1)
		if latency {
			go func(c net.Conn) { defer wg.Done(); l.roundTrips(c, message, size) }(c)
		} else {
			go func(c net.Conn) { defer wg.Done(); l.window(c, message, size) }(c)
		}
	}
	time.Sleep(warmup)
	l.phase.Store(1)
	start := time.Now()
	time.Sleep(measure)
	l.phase.Store(2)
	secs := time.Since(start).Seconds()
	msgs, total := l.messages.Load(), l.total.Load()
	for _, c := range all {
		c.Close() // ends the goroutines' reads and writes
	}
	all = nil
	wg.Wait() // every round trip recorded
	sort.Slice(l.rtts, func(i, j int) bool { return l.rtts[i] < l.rtts[j] })
	fmt.Printf("RESULT msgs=%d bytes=%d secs=%.6f p50_us=%.1f p99_us=%.1f p999_us=%.1f at_once=NaN total=%d\n", msgs,
		msgs*int64(size), secs, percentile(l.rtts, 0.50), percentile(l.rtts, 0.99), percentile(l.rtts, 0.999), total)
	return nil
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[int(float64(len(sorted)-1)*p)].Nanoseconds()) / 1e3
}

// roundTrips sends one message and reads its echo, again and again.
func (l *load) roundTrips(c net.Conn, message bool, size int) {
	out, in := make([]byte, size), make([]byte, size)
	var mine []time.Duration
	defer func() { l.mu.Lock(); l.rtts = append(l.rtts, mine...); l.mu.Unlock() }()
	for l.phase.Load() < 2 {
		t0 := time.Now()
		if _, err := c.Write(out); err != nil {
			return
		}
		if err := readEcho(c, in, message); err != nil {
			return
		}
		l.total.Add(1)
		if l.phase.Load() == 1 {
			mine = append(mine, time.Since(t0))
			l.messages.Add(1)
		}
	}
}

// readEcho reads one message (message pipe: one read) or size bytes (byte pipe).
func readEcho(c net.Conn, in []byte, message bool) error {
	if message {
		n, err := c.Read(in)
		if err == nil && n != len(in) {
			err = fmt.Errorf("echoed message of %d bytes, sent %d", n, len(in))
		}
		return err
	}
	_, err := io.ReadFull(c, in)
	return err
}

// window keeps up to window messages in flight: a writer sends while the reader counts echoes and hands the
// freed places back. On a byte pipe the writer sends every free place with one Write, as npbench does.
func (l *load) window(c net.Conn, message bool, size int) {
	window := max(2, min(64, (64<<10)/size))
	credits := make(chan int, window) // messages that may be sent; never more than window in all
	credits <- window
	go func() {
		out := make([]byte, window*size)
		for n := range credits {
			for more := true; more; {
				select {
				case m, ok := <-credits:
					if !ok {
						return
					}
					n += m
				default:
					more = false
				}
			}
			if message {
				for i := 0; i < n; i++ {
					if _, err := c.Write(out[:size]); err != nil {
						return
					}
				}
			} else if _, err := c.Write(out[:n*size]); err != nil {
				return
			}
			if l.phase.Load() == 2 {
				return
			}
		}
	}()
	in := make([]byte, max(size, 64<<10))
	pending := 0
	for l.phase.Load() < 2 {
		n, err := c.Read(in)
		if err != nil {
			break
		}
		done := 1
		if !message {
			pending += n
			done, pending = pending/size, pending%size
		} else if n != size {
			break // an echo of another length: the run is wrong, so it stops short
		}
		if done == 0 {
			continue
		}
		l.total.Add(int64(done))
		if l.phase.Load() == 1 {
			l.messages.Add(int64(done))
		}
		credits <- done
	}
	close(credits)
}
