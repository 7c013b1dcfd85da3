# Databases in staging: a Terraform root (and Atlantis project) of its own, so a request
# plans and applies only databases. Pave adds one <service>.tf per database next to this
# file; files of the root itself start with "_", which no service name can.

terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.89"
    }
  }

  # Placeholder: the platform team's state bucket and lock table.
  backend "s3" {
    bucket         = "example-terraform-state"
    key            = "envs/staging/databases/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "example-terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      environment  = "staging"
      "managed-by" = "terraform"
      repository   = "infrastructure"
    }
  }
}
