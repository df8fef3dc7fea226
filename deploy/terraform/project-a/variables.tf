variable "project_id" {
  description = "GCP project of server A."
  type        = string
}

variable "region" {
  description = "Region of the buckets (and of the GKE cluster)."
  type        = string
  default     = "us-central1"
}

variable "bucket_internal" {
  description = "Private bucket of server A: input and batch state."
  type        = string
}

variable "bucket_external" {
  description = "Bucket server A publishes to."
  type        = string
}

variable "publish_readers" {
  description = "IAM members that may read what server A publishes."
  type        = list(string)
  default     = []
}
