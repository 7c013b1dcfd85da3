terraform {
  # 1.9 is the first release whose variable validations may refer to other variables;
  # backup_retention_days and engine_version need that (see README).
  required_version = ">= 1.9"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.89"
    }
  }
}
