terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0, < 8.0"
    }
  }

  # State in a bucket of this project, created by hand once:
  #   terraform init -backend-config="bucket=<project>-tfstate" -backend-config="prefix=prio"
  backend "gcs" {}
}
