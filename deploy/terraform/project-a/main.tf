# Root for project A: server A (the leader; data owner).
# Applied by operator A with credentials of project A only; it neither reads
# nor writes anything in the other operator's project.

provider "google" {
  project = var.project_id
  region  = var.region
}

module "prio_server" {
  source = "../modules/prio-server"

  project_id           = var.project_id
  server_id            = "a"
  location             = var.region
  bucket_internal      = var.bucket_internal
  bucket_external      = var.bucket_external
  publish_readers      = var.publish_readers
  enable_batch_trigger = true
  labels               = { operator = "a" }
}
