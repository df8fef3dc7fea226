// pubsub-emulator serves Google's in-memory Pub/Sub fake (pstest) on a loopback port, so the
// streaming tests run the real google-cloud-pubsub client over gRPC against a real server.
//
//	pubsub-emulator -port 8085
//
// It prints "listening on 127.0.0.1:<port>" once it accepts connections and serves until killed.
// State lives in memory only: a restarted emulator starts empty.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"cloud.google.com/go/pubsub/v2/pstest"
)

func main() {
	port := flag.Int("port", 8085, "loopback port to listen on")
	flag.Parse()
	srv := pstest.NewServerWithAddress(fmt.Sprintf("127.0.0.1:%d", *port))
	fmt.Printf("listening on %s\n", srv.Addr)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	_ = srv.Close()
}
