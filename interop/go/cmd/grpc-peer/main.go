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

// grpc-peer is a grpc-go server and client over go-winio named pipes, using only grpc-go's own health service,
// for the interop tests of grpc-java over the Java transport.
//
//	grpc-peer.exe serve <pipe>
//	    grpc-go server with health.NewServer() on a go-winio listener at <pipe> (e.g. \\.\pipe\name). Service ""
//	    is SERVING; service "npipe.flip" alternates SERVING / NOT_SERVING every 5 ms. Prints LISTENING when
//	    clients can connect; exits 0 when standard input reaches its end (or when killed).
//	grpc-peer.exe call <pipe> <n>
//	    Dials <pipe> with go-winio (authority "localhost", no TLS), makes <n> Health.Check calls for service ""
//	    expecting SERVING, then watches "npipe.flip" for 100 updates, each different from the one before.
//	    Prints OK checks=<n> updates=100 and exits 0; otherwise prints FAIL <error> and exits 1, within
//	    10 seconds in all.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"time"

	"dev.npipe/interop/internal/pipe"
	"github.com/Microsoft/go-winio"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthgrpc "google.golang.org/grpc/health/grpc_health_v1"
)

const (
	flipService = "npipe.flip"
	flipPeriod  = 5 * time.Millisecond
	updates     = 100
)

func main() {
	pipe.Main(run)
}

func run(args []string) error {
	switch {
	case len(args) == 2 && args[0] == "serve":
		return serve(args[1])
	case len(args) == 3 && args[0] == "call":
		n, err := strconv.Atoi(args[2])
		if err != nil || n < 0 {
			return fmt.Errorf("bad call count %q", args[2])
		}
		return call(args[1], n)
	}
	return errors.New("usage: grpc-peer serve <pipe> | grpc-peer call <pipe> <n>")
}

func serve(path string) error {
	l, err := pipe.Listen(path, false)
	if err != nil {
		return err
	}
	server := grpc.NewServer()
	status := health.NewServer() // service "" starts SERVING
	healthgrpc.RegisterHealthServer(server, status)
	go flip(status)
	served := make(chan error, 1)
	go func() { served <- server.Serve(l) }()
	fmt.Println("LISTENING")
	stdinClosed := make(chan struct{})
	go func() {
		io.Copy(io.Discard, os.Stdin)
		close(stdinClosed)
	}()
	select {
	case <-stdinClosed:
		server.Stop()
		return nil
	case err := <-served:
		return err
	}
}

func flip(status *health.Server) {
	serving := healthgrpc.HealthCheckResponse_SERVING
	for {
		status.SetServingStatus(flipService, serving)
		time.Sleep(flipPeriod)
		if serving == healthgrpc.HealthCheckResponse_SERVING {
			serving = healthgrpc.HealthCheckResponse_NOT_SERVING
		} else {
			serving = healthgrpc.HealthCheckResponse_SERVING
		}
	}
}

func call(path string, n int) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := grpc.NewClient("passthrough:///localhost",
		grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
			return winio.DialPipeContext(ctx, path)
		}),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithAuthority("localhost"))
	if err != nil {
		return err
	}
	defer conn.Close()
	client := healthgrpc.NewHealthClient(conn)
	for i := 0; i < n; i++ {
		r, err := client.Check(ctx, &healthgrpc.HealthCheckRequest{})
		if err != nil {
			return fmt.Errorf("check %d: %w", i, err)
		}
		if r.GetStatus() != healthgrpc.HealthCheckResponse_SERVING {
			return fmt.Errorf("check %d: status %v, want SERVING", i, r.GetStatus())
		}
	}
	watch, err := client.Watch(ctx, &healthgrpc.HealthCheckRequest{Service: flipService})
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	previous := healthgrpc.HealthCheckResponse_ServingStatus(-1)
	for i := 0; i < updates; i++ {
		r, err := watch.Recv()
		if err != nil {
			return fmt.Errorf("watch update %d: %w", i, err)
		}
		if r.GetStatus() == previous {
			return fmt.Errorf("watch update %d repeats %v", i, previous)
		}
		previous = r.GetStatus()
	}
	fmt.Printf("OK checks=%d updates=%d\n", n, updates)
	return nil
}
