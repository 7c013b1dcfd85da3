# The rules here mirror lib/self-service/rules.ts in Pave; lib/self-service/parity.test.ts
# reads this file and fails when the two disagree. Change both together.

variable "service_name" {
  description = "Catalog name of the service that owns the database (kebab-case). Used in resource names."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]+$", var.service_name))
    error_message = "Service names are lowercase letters, digits and hyphens, starting with a letter."
  }

  validation {
    condition     = length(var.service_name) <= 40
    error_message = "Service names are at most 40 characters."
  }

  validation {
    condition     = !strcontains(var.service_name, "--") && !endswith(var.service_name, "-")
    error_message = "Service names can't end with a hyphen or have two hyphens in a row."
  }
}

variable "owner" {
  description = "Team (catalog group) that owns the database. Becomes the owner tag."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,256}$", var.owner))
    error_message = "Owner must be 1 to 256 letters, digits, spaces or _ . : / = + - @."
  }
}

variable "environment" {
  description = "Environment the database belongs to."
  type        = string
  nullable    = false

  validation {
    condition     = contains(["dev", "staging", "prod"], var.environment)
    error_message = "Environment must be one of dev, staging or prod."
  }
}

variable "engine" {
  description = "Database engine."
  type        = string
  nullable    = false

  validation {
    condition     = contains(["postgres", "mysql"], var.engine)
    error_message = "Engine must be one of postgres or mysql."
  }
}

variable "engine_version" {
  description = "Major version of the engine; minor versions are upgraded automatically."
  type        = string
  nullable    = false

  validation {
    condition     = (var.engine == "postgres" && contains(["15", "16", "17"], var.engine_version)) || (var.engine == "mysql" && contains(["8.0", "8.4"], var.engine_version))
    error_message = "Engine version must be one of 15, 16 or 17 for postgres, and 8.0 or 8.4 for mysql."
  }
}

variable "tier" {
  description = "Size of the database: small, medium or large (see README for what each means)."
  type        = string
  nullable    = false

  validation {
    condition     = contains(["small", "medium", "large"], var.tier)
    error_message = "Tier must be one of small, medium or large."
  }
}

variable "backup_retention_days" {
  description = "Days of automated backups to keep (0 turns them off, which prod doesn't allow)."
  type        = number
  nullable    = false

  validation {
    condition     = var.backup_retention_days >= 0 && var.backup_retention_days <= 35 && floor(var.backup_retention_days) == var.backup_retention_days
    error_message = "Backup retention is a whole number of days from 0 to 35."
  }

  validation {
    condition     = var.environment != "prod" || var.backup_retention_days >= 7
    error_message = "Production databases need backups of at least 7 days."
  }
}

variable "multi_az" {
  description = "Run a standby in a second availability zone. Always on in prod, whatever this says."
  type        = bool
  nullable    = false
  default     = false
}

variable "vpc_id" {
  description = "VPC the database and its security group live in."
  type        = string
  nullable    = false

  validation {
    condition     = startswith(var.vpc_id, "vpc-")
    error_message = "vpc_id must be a VPC id (vpc-…)."
  }
}

variable "subnet_ids" {
  description = "Private subnets for the DB subnet group, in at least two availability zones."
  type        = list(string)
  nullable    = false

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "A DB subnet group needs at least two subnets (in different availability zones)."
  }
}

variable "allowed_cidr_blocks" {
  description = "IPv4 CIDR blocks that may connect on the engine's port."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for cidr in var.allowed_cidr_blocks : can(cidrnetmask(cidr))])
    error_message = "allowed_cidr_blocks must be IPv4 CIDR blocks such as 10.0.0.0/16."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups whose members may connect on the engine's port."
  type        = list(string)
  nullable    = false
  default     = []

  validation {
    condition     = alltrue([for id in var.allowed_security_group_ids : startswith(id, "sg-")])
    error_message = "allowed_security_group_ids must be security group ids (sg-…)."
  }
}

variable "tags" {
  description = "Extra tags for every resource. The service, owner, environment and managed-by tags are added and win over these."
  type        = map(string)
  nullable    = false
  default     = {}

  validation {
    condition     = alltrue([for key, value in var.tags : can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{1,128}$", key)) && can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+@-]{0,256}$", value)) && !startswith(lower(key), "aws:")])
    error_message = "Tag keys are 1 to 128 and values up to 256 letters, digits, spaces or _ . : / = + - @, and keys can't start with aws:."
  }
}
