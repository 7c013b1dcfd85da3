# The dev environment's shared resources. Databases live in their own root, ./databases,
# so a database request plans only databases (see ../../README.md).

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
    key            = "envs/dev/terraform.tfstate"
    region         = "eu-west-1"
    dynamodb_table = "example-terraform-locks"
    encrypt        = true
  }
}

provider "aws" {
  region = "eu-west-1"

  default_tags {
    tags = {
      environment  = "dev"
      "managed-by" = "terraform"
      repository   = "infrastructure"
    }
  }
}
