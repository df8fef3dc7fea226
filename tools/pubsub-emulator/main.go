// pubsub-emulator serves Google's in-memory Pub/Sub fake (pstest) on a loopback port, so the
// streaming tests run the real google-cloud-pubsub client over gRPC against a real server.
//
//	pubsub-emulator -port 8085 \
//	  -topic projects/p/topics/t \
//	  -subscription projects/p/subscriptions/s=projects/p/topics/t
//
// -topic and -subscription (each repeatable) create those before it listens, so a script without
// a Pub/Sub admin client can use it; a subscription's topic may also be given as its short name
// (s=t), in the subscription's project. Subscriptions get a 10 s ack deadline, as Terraform's.
// It prints "listening on 127.0.0.1:<port>" once it accepts connections and serves until killed.
// State lives in memory only: a restarted emulator starts empty.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"

	pb "cloud.google.com/go/pubsub/v2/apiv1/pubsubpb"
	"cloud.google.com/go/pubsub/v2/pstest"
)

// names is a repeatable flag.
type names []string

func (n *names) String() string     { return strings.Join(*n, ",") }
func (n *names) Set(v string) error { *n = append(*n, v); return nil }

func main() {
	port := flag.Int("port", 8085, "loopback port to listen on")
	var topics, subscriptions names
	flag.Var(&topics, "topic", "create this topic (projects/P/topics/T) at start; repeatable")
	flag.Var(&subscriptions, "subscription",
		"create this subscription (projects/P/subscriptions/S=TOPIC) at start; repeatable")
	flag.Parse()
	srv := pstest.NewServerWithAddress(fmt.Sprintf("127.0.0.1:%d", *port))
	if err := create(&srv.GServer, topics, subscriptions); err != nil {
		fmt.Fprintln(os.Stderr, "pubsub-emulator:", err)
		_ = srv.Close()
		os.Exit(2)
	}
	fmt.Printf("listening on %s\n", srv.Addr)
	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGINT, syscall.SIGTERM)
	<-stop
	_ = srv.Close()
}

// create makes the topics, then the subscriptions, through the fake's own gRPC handlers, so the
// same name checks apply as to a client's request.
func create(g *pstest.GServer, topics, subscriptions names) error {
	ctx := context.Background()
	for _, t := range topics {
		if _, err := g.CreateTopic(ctx, &pb.Topic{Name: t}); err != nil {
			return fmt.Errorf("topic %q: %v", t, err)
		}
	}
	for _, s := range subscriptions {
		name, topic, ok := strings.Cut(s, "=")
		if !ok || name == "" || topic == "" {
			return fmt.Errorf("subscription %q: want projects/P/subscriptions/S=TOPIC", s)
		}
		if !strings.HasPrefix(topic, "projects/") {
			project, _, _ := strings.Cut(strings.TrimPrefix(name, "projects/"), "/")
			topic = "projects/" + project + "/topics/" + topic
		}
		sub := &pb.Subscription{Name: name, Topic: topic, AckDeadlineSeconds: 10}
		if _, err := g.CreateSubscription(ctx, sub); err != nil {
			return fmt.Errorf("subscription %q: %v", s, err)
		}
	}
	return nil
}
