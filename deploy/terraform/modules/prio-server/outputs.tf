output "server_service_account_email" {
  description = "Goes into the iam.gke.io/gcp-service-account annotation of the prio-server KSA."
  value       = google_service_account.server.email
}

output "batch_trigger_service_account_email" {
  description = "Goes into the annotation of the prio-batch-trigger KSA (server A only)."
  value       = var.enable_batch_trigger ? google_service_account.batch_trigger[0].email : null
}

output "bucket_internal_uri" {
  description = "BUCKET_INTERNAL for the ConfigMap."
  value       = "gs://${google_storage_bucket.internal.name}"
}

output "bucket_external_uri" {
  description = "BUCKET_EXTERNAL for the ConfigMap."
  value       = "gs://${google_storage_bucket.external.name}"
}

output "secret_ids" {
  description = "Secret Manager secret id => variable name in the pod."
  value       = local.server_secrets
}

output "stream_subscription" {
  description = "The subscription id for PRIO_STREAM_SUBSCRIPTION (empty when streaming is off)."
  value       = var.enable_stream ? google_pubsub_subscription.submissions[0].name : ""
}

output "stream_topic" {
  description = "The topic clients publish this server's shares to (empty when streaming is off)."
  value       = var.enable_stream ? google_pubsub_topic.submissions[0].id : ""
}
