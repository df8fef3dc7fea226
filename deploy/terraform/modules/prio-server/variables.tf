variable "project_id" {
  description = "The GCP project of this server (each operator has its own)."
  type        = string
}

variable "server_id" {
  description = "Which server of the pair runs in this project: a (leader) or b (helper)."
  type        = string

  validation {
    condition     = contains(["a", "b"], var.server_id)
    error_message = "server_id must be \"a\" or \"b\"."
  }
}

variable "location" {
  description = "Location of the buckets (a region or multi-region), e.g. us-central1."
  type        = string
}

variable "bucket_internal" {
  description = "Name of the private bucket: this server's input and batch state (BUCKET_INTERNAL)."
  type        = string
}

variable "bucket_external" {
  description = "Name of the bucket this server publishes aggregates and provenance to (BUCKET_EXTERNAL)."
  type        = string
}

variable "k8s_namespace" {
  description = "Kubernetes namespace of the server (k8s/ overlays use prio)."
  type        = string
  default     = "prio"
}

variable "k8s_service_account" {
  description = "Kubernetes service account of the server (k8s/base/serviceaccount.yaml)."
  type        = string
  default     = "prio-server"
}

variable "input_retention_days" {
  description = "Days after which input submissions and batch state in the internal bucket are deleted."
  type        = number
  default     = 30

  validation {
    condition     = var.input_retention_days >= 7
    error_message = "Keep inputs at least 7 days so that a failed batch can be rerun."
  }
}

variable "published_noncurrent_days" {
  description = "Days a replaced (noncurrent) version of a published object is kept."
  type        = number
  default     = 90
}

variable "publish_readers" {
  description = "IAM members (e.g. group:analysts@example.com) that may read the published aggregates. Never the peer operator."
  type        = list(string)
  default     = []
}

variable "enable_batch_trigger" {
  description = "Create the identity and token secret of the nightly batch trigger (server A only)."
  type        = bool
  default     = false
}

variable "labels" {
  description = "Labels put on every bucket and secret."
  type        = map(string)
  default     = {}
}

variable "enable_stream" {
  description = "Create this server's Pub/Sub topic and subscription for streamed submissions, and the staging bucket's object-finalize notifications."
  type        = bool
  default     = true
}

variable "stream_publishers" {
  description = "IAM members (e.g. serviceAccount:ingest@...) allowed to publish submissions to this server's topic."
  type        = list(string)
  default     = []
}
