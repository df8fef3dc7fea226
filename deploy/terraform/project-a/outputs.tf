output "server_service_account_email" {
  value = module.prio_server.server_service_account_email
}

output "batch_trigger_service_account_email" {
  value = module.prio_server.batch_trigger_service_account_email
}

output "bucket_internal_uri" {
  value = module.prio_server.bucket_internal_uri
}

output "bucket_external_uri" {
  value = module.prio_server.bucket_external_uri
}

output "secret_ids" {
  value = module.prio_server.secret_ids
}
