# One Prio server's footprint in its own GCP project: two buckets, one Google
# service account that the Kubernetes service account impersonates through GKE
# Workload Identity (no JSON keys), and the Secret Manager secrets it reads.
#
# Least privilege: the server's account gets roles/storage.objectAdmin on its
# own two buckets only (no project-level storage role), secretAccessor on its
# own secrets only, and nothing in any other project. The module takes no
# argument that could name the peer's bucket: the peers meet over HTTPS only.

locals {
  labels = merge(var.labels, {
    app    = "prio"
    server = var.server_id
  })

  # Secret Manager secret id => environment variable / file name in the pod
  # (k8s/components/secrets-csi/secretproviderclass.yaml).
  server_secrets = {
    "prio-shared-secret"           = "SHARED_SECRET"
    "prio-private-key-hex"         = "PRIVATE_KEY_HEX"
    "prio-public-key-hex-internal" = "PUBLIC_KEY_HEX_INTERNAL"
    "prio-public-key-hex-external" = "PUBLIC_KEY_HEX_EXTERNAL"
    "prio-peer-signing-key"        = "PRIO_PEERAUTH_PRIVATEKEY"
    "prio-peer-verification-key"   = "PRIO_PEERAUTH_PEERPUBLICKEY"
    "prio-operator-token-sha256"   = "PRIO_PEERAUTH_OPERATORTOKENSHA256"
    "prio-peer-tls-certificate"    = "SPRING_SSL_BUNDLE_PEM_PEER_KEYSTORE_CERTIFICATE"
    "prio-peer-tls-private-key"    = "SPRING_SSL_BUNDLE_PEM_PEER_KEYSTORE_PRIVATEKEY"
    "prio-peer-tls-trust"          = "SPRING_SSL_BUNDLE_PEM_PEER_TRUSTSTORE_CERTIFICATE"
  }

  workload_identity_pool = "${var.project_id}.svc.id.goog"
}

resource "google_project_service" "apis" {
  for_each = toset([
    "iam.googleapis.com",
    "iamcredentials.googleapis.com",
    "pubsub.googleapis.com",
    "secretmanager.googleapis.com",
    "storage.googleapis.com",
  ])

  project            = var.project_id
  service            = each.value
  disable_on_destroy = false
}

# ------------------------------------------------------------------ identity

resource "google_service_account" "server" {
  project      = var.project_id
  account_id   = "prio-server"
  display_name = "Prio server ${upper(var.server_id)}"
  description  = "Runs the Prio server ${upper(var.server_id)} on GKE (Workload Identity)."

  depends_on = [google_project_service.apis]
}

resource "google_service_account_iam_member" "server_workload_identity" {
  service_account_id = google_service_account.server.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${local.workload_identity_pool}[${var.k8s_namespace}/${var.k8s_service_account}]"
}

# ------------------------------------------------------------------- buckets

resource "google_storage_bucket" "internal" {
  project                     = var.project_id
  name                        = var.bucket_internal
  location                    = var.location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false
  labels                      = local.labels

  # Batch state is rewritten with generation preconditions; old generations
  # are of no use, so no versioning here.
  versioning {
    enabled = false
  }

  soft_delete_policy {
    retention_duration_seconds = 7 * 24 * 3600
  }

  lifecycle_rule {
    condition {
      age = var.input_retention_days
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket" "external" {
  project                     = var.project_id
  name                        = var.bucket_external
  location                    = var.location
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false
  labels                      = local.labels

  # A forced re-publish writes a new version; the old one stays readable for
  # published_noncurrent_days.
  versioning {
    enabled = true
  }

  lifecycle_rule {
    condition {
      days_since_noncurrent_time = var.published_noncurrent_days
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  depends_on = [google_project_service.apis]
}

resource "google_storage_bucket_iam_member" "server_internal" {
  bucket = google_storage_bucket.internal.name
  role   = "roles/storage.objectAdmin"
  member = google_service_account.server.member
}

resource "google_storage_bucket_iam_member" "server_external" {
  bucket = google_storage_bucket.external.name
  role   = "roles/storage.objectAdmin"
  member = google_service_account.server.member
}

resource "google_storage_bucket_iam_member" "publish_readers" {
  for_each = toset(var.publish_readers)

  bucket = google_storage_bucket.external.name
  role   = "roles/storage.objectViewer"
  member = each.value
}

# ------------------------------------------------------------------- secrets
# Terraform creates the secrets and their IAM, never their values: versions
# are added out of band (docs/operations.md "Secrets"), so no secret material
# lands in the terraform state.

resource "google_secret_manager_secret" "server" {
  for_each = local.server_secrets

  project   = var.project_id
  secret_id = each.key
  labels    = local.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_iam_member" "server" {
  for_each = local.server_secrets

  project   = var.project_id
  secret_id = google_secret_manager_secret.server[each.key].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.server.member
}

# ------------------------------------------------------ batch trigger (A only)

resource "google_service_account" "batch_trigger" {
  count = var.enable_batch_trigger ? 1 : 0

  project      = var.project_id
  account_id   = "prio-batch-trigger"
  display_name = "Prio nightly batch trigger"
  description  = "Reads the operator token to POST /batches on server A; no storage access."

  depends_on = [google_project_service.apis]
}

resource "google_service_account_iam_member" "batch_trigger_workload_identity" {
  count = var.enable_batch_trigger ? 1 : 0

  service_account_id = google_service_account.batch_trigger[0].name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${local.workload_identity_pool}[${var.k8s_namespace}/prio-batch-trigger]"
}

resource "google_secret_manager_secret" "operator_token" {
  count = var.enable_batch_trigger ? 1 : 0

  project   = var.project_id
  secret_id = "prio-operator-token"
  labels    = local.labels

  replication {
    auto {}
  }

  depends_on = [google_project_service.apis]
}

resource "google_secret_manager_secret_iam_member" "operator_token" {
  count = var.enable_batch_trigger ? 1 : 0

  project   = var.project_id
  secret_id = google_secret_manager_secret.operator_token[0].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.batch_trigger[0].member
}
