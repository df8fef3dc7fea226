variable "project_id" {
  description = "GCP project of server B."
  type        = string
}

variable "region" {
  description = "Region of the buckets (and of the GKE cluster)."
  type        = string
  default     = "us-central1"
}

variable "bucket_internal" {
  description = "Private bucket of server B: input and batch state."
  type        = string
}

variable "bucket_external" {
  description = "Bucket server B publishes to."
  type        = string
}

variable "publish_readers" {
  description = "IAM members that may read what server B publishes."
  type        = list(string)
  default     = []
}
