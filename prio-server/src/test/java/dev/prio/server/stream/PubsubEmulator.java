package dev.prio.server.stream;

import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PushConfig;
import com.google.pubsub.v1.SubscriptionName;
import com.google.pubsub.v1.TopicName;
import dev.prio.server.storage.EmulatorScript;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.util.List;

/**
 * Google's Pub/Sub fake (pstest, behind tools/pubsub-emulator), one per test JVM, started through
 * {@code bin/pubsub-emulator} on first use; and the admin calls the tests make against it.
 */
public final class PubsubEmulator {
  public static final String PROJECT = "prio-test";
  private static PubsubEmulator instance;

  private final String host;
  private final TopicAdminClient topics;
  private final SubscriptionAdminClient subscriptions;

  private PubsubEmulator(String host) throws IOException {
    this.host = host;
    ManagedChannel channel = ManagedChannelBuilder.forTarget(host).usePlaintext().build();
    TransportChannelProvider transport =
        FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
    this.topics =
        TopicAdminClient.create(
            TopicAdminSettings.newBuilder()
                .setTransportChannelProvider(transport)
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
    this.subscriptions =
        SubscriptionAdminClient.create(
            SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(transport)
                .setCredentialsProvider(NoCredentialsProvider.create())
                .build());
  }

  public static synchronized PubsubEmulator get() throws IOException {
    if (instance == null) {
      int port =
          new EmulatorScript("bin/pubsub-emulator", "PUBSUB_EMULATOR_WATCH_PID").start(List.of());
      instance = new PubsubEmulator("127.0.0.1:" + port);
    }
    return instance;
  }

  /** host:port, what {@code prio.stream.emulator-host} takes. */
  public String host() {
    return host;
  }

  /** A topic with one subscription of the same name. */
  public void topicWithSubscription(String name) {
    TopicName topic = TopicName.of(PROJECT, name);
    topics.createTopic(topic);
    subscriptions.createSubscription(
        SubscriptionName.of(PROJECT, name), topic, PushConfig.getDefaultInstance(), 10);
  }

  public void publish(String topic, List<PubsubMessage> messages) {
    for (int i = 0; i < messages.size(); i += 100) {
      topics.publish(
          TopicName.of(PROJECT, topic), messages.subList(i, Math.min(i + 100, messages.size())));
    }
  }
}
