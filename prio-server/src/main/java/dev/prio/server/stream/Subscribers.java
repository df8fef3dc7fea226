package dev.prio.server.stream;

import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.cloud.pubsub.v1.MessageReceiver;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.pubsub.v1.ProjectSubscriptionName;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;

/**
 * How both of the server's subscriptions (submissions, staging notifications) are pulled: the same
 * short ack deadline, and an emulator over plaintext gRPC without credentials when one is named.
 */
final class Subscribers {
  private Subscribers() {}

  /** A plaintext channel to the emulator, or null for Pub/Sub itself. */
  static ManagedChannel emulatorChannel(String emulatorHost) {
    return emulatorHost == null || emulatorHost.isBlank()
        ? null
        : ManagedChannelBuilder.forTarget(emulatorHost).usePlaintext().build();
  }

  /** A subscriber not yet started, holding at most {@code maxOutstanding} messages unacked. */
  static Subscriber build(
      String project,
      String subscription,
      ManagedChannel emulator,
      long maxOutstanding,
      MessageReceiver receiver) {
    Subscriber.Builder b =
        Subscriber.newBuilder(ProjectSubscriptionName.of(project, subscription), receiver)
            .setFlowControlSettings(
                FlowControlSettings.newBuilder()
                    .setMaxOutstandingElementCount(maxOutstanding)
                    .build())
            // short leases, renewed: a crashed server's messages come back within one of them
            .setMaxDurationPerAckExtensionDuration(StreamProperties.ACK_DEADLINE);
    if (emulator != null) {
      b.setChannelProvider(
              FixedTransportChannelProvider.create(GrpcTransportChannel.create(emulator)))
          .setCredentialsProvider(NoCredentialsProvider.create());
    }
    return b.build();
  }
}
