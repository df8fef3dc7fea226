# --------------------------------------------------------------- streaming
# Streaming mode (docs/operations.md "Streaming"): clients publish one message
# per share to this server's own topic; the server reads its own subscription
# (PRIO_STREAM_SUBSCRIPTION in the overlay). Both stay in this project.

resource "google_pubsub_topic" "submissions" {
  count = var.enable_stream ? 1 : 0

  project                    = var.project_id
  name                       = "prio-submissions-${var.server_id}"
  labels                     = local.labels
  message_retention_duration = "604800s"

  depends_on = [google_project_service.apis]
}

resource "google_pubsub_subscription" "submissions" {
  count = var.enable_stream ? 1 : 0

  project = var.project_id
  name    = "prio-submissions-${var.server_id}"
  topic   = google_pubsub_topic.submissions[0].id
  labels  = local.labels

  # The server renews its leases 10 s at a time and acknowledges a message only
  # once its segment is stored; unacknowledged messages stay for a week.
  ack_deadline_seconds       = 10
  message_retention_duration = "604800s"
  retain_acked_messages      = false

  expiration_policy {
    ttl = ""
  }

  retry_policy {
    minimum_backoff = "1s"
    maximum_backoff = "60s"
  }
}

resource "google_pubsub_subscription_iam_member" "server_submissions" {
  count = var.enable_stream ? 1 : 0

  project      = var.project_id
  subscription = google_pubsub_subscription.submissions[0].name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${google_service_account.server.email}"
}

resource "google_pubsub_topic_iam_member" "stream_publishers" {
  for_each = var.enable_stream ? toset(var.stream_publishers) : toset([])

  project = var.project_id
  topic   = google_pubsub_topic.submissions[0].name
  role    = "roles/pubsub.publisher"
  member  = each.value
}

# Object-finalize notifications on the internal bucket's staging prefix, for
# the nightly file path to start batches as files land.
data "google_storage_project_service_account" "gcs" {
  project = var.project_id
}

resource "google_pubsub_topic" "staging" {
  count = var.enable_stream ? 1 : 0

  project = var.project_id
  name    = "prio-staging-${var.server_id}"
  labels  = local.labels

  depends_on = [google_project_service.apis]
}

resource "google_pubsub_topic_iam_member" "staging_gcs" {
  count = var.enable_stream ? 1 : 0

  project = var.project_id
  topic   = google_pubsub_topic.staging[0].name
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}

resource "google_storage_notification" "staging" {
  count = var.enable_stream ? 1 : 0

  bucket             = google_storage_bucket.internal.name
  topic              = google_pubsub_topic.staging[0].id
  payload_format     = "JSON_API_V1"
  event_types        = ["OBJECT_FINALIZE"]
  object_name_prefix = "prio/v1/submission_date="

  depends_on = [google_pubsub_topic_iam_member.staging_gcs]
}

resource "google_pubsub_subscription" "staging" {
  count = var.enable_stream ? 1 : 0

  project = var.project_id
  name    = "prio-staging-${var.server_id}"
  topic   = google_pubsub_topic.staging[0].id
  labels  = local.labels

  ack_deadline_seconds = 60

  expiration_policy {
    ttl = ""
  }
}

resource "google_pubsub_subscription_iam_member" "server_staging" {
  count = var.enable_stream ? 1 : 0

  project      = var.project_id
  subscription = google_pubsub_subscription.staging[0].name
  role         = "roles/pubsub.subscriber"
  member       = "serviceAccount:${google_service_account.server.email}"
}
