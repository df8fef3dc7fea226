# Root for project B: server B (the helper; independent operator).
# Applied by operator B with credentials of project B only; it neither reads
# nor writes anything in the other operator's project.

provider "google" {
  project = var.project_id
  region  = var.region
}

module "prio_server" {
  source = "../modules/prio-server"

  project_id           = var.project_id
  server_id            = "b"
  location             = var.region
  bucket_internal      = var.bucket_internal
  bucket_external      = var.bucket_external
  publish_readers      = var.publish_readers
  enable_batch_trigger = false
  labels               = { operator = "b" }
}
