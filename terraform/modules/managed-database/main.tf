locals {
  # Tier names, classes and sizes match TIERS in Pave's lib/self-service/rules.ts.
  tiers = {
    small  = { instance_class = "db.t3.micro", allocated_storage = 20 }
    medium = { instance_class = "db.t3.medium", allocated_storage = 100 }
    large  = { instance_class = "db.r6g.large", allocated_storage = 500 }
  }

  engine_ports = {
    postgres = 5432
    mysql    = 3306
  }

  # Refuse plaintext connections; both parameters are dynamic, so no reboot is needed.
  tls_parameters = {
    postgres = { "rds.force_ssl" = "1" }
    mysql    = { require_secure_transport = "ON" }
  }

  identifier = "${var.service_name}-${var.environment}"
  tier       = local.tiers[var.tier]
  port       = local.engine_ports[var.engine]

  # Parameter group families are the engine and major version run together: postgres16, mysql8.0.
  parameter_group_family = "${var.engine}${var.engine_version}"

  # RDS for MySQL doesn't offer Performance Insights on the smallest burstable classes.
  performance_insights_enabled = !(var.engine == "mysql" && contains(["db.t3.micro", "db.t3.small"], local.tier.instance_class))

  # PostgreSQL database names may use underscores; RDS for MySQL names are letters and digits.
  database_name = var.engine == "postgres" ? replace(var.service_name, "-", "_") : replace(var.service_name, "-", "")

  tags = merge(var.tags, {
    service      = var.service_name
    owner        = var.owner
    environment  = var.environment
    "managed-by" = "terraform"
  })
}

data "aws_partition" "current" {}

resource "aws_db_subnet_group" "this" {
  name        = local.identifier
  description = "Subnets for ${local.identifier}"
  subnet_ids  = var.subnet_ids
  tags        = local.tags
}

resource "aws_security_group" "this" {
  name        = "${local.identifier}-db"
  description = "Access to the ${var.engine} database ${local.identifier}"
  vpc_id      = var.vpc_id
  tags        = merge(local.tags, { Name = "${local.identifier}-db" })

  lifecycle {
    precondition {
      condition     = length(var.allowed_cidr_blocks) + length(var.allowed_security_group_ids) > 0
      error_message = "Give allowed_cidr_blocks or allowed_security_group_ids, or nothing can reach the database."
    }
  }
}

resource "aws_vpc_security_group_ingress_rule" "cidr" {
  for_each = toset(var.allowed_cidr_blocks)

  security_group_id = aws_security_group.this.id
  description       = "${var.engine} from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = local.port
  to_port           = local.port
  cidr_ipv4         = each.value
  tags              = local.tags
}

resource "aws_vpc_security_group_ingress_rule" "security_group" {
  for_each = toset(var.allowed_security_group_ids)

  security_group_id            = aws_security_group.this.id
  description                  = "${var.engine} from ${each.value}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value
  tags                         = local.tags
}

resource "aws_db_parameter_group" "this" {
  name_prefix = "${local.identifier}-"
  family      = local.parameter_group_family
  description = "Parameters for ${local.identifier}"
  tags        = local.tags

  dynamic "parameter" {
    for_each = local.tls_parameters[var.engine]
    content {
      name  = parameter.key
      value = parameter.value
    }
  }

  # A new engine version needs a new family: create the replacement before detaching the old one.
  lifecycle {
    create_before_destroy = true
  }
}

data "aws_iam_policy_document" "monitoring_assume_role" {
  statement {
    actions = ["sts:AssumeRole"]

    principals {
      type        = "Service"
      identifiers = ["monitoring.rds.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "monitoring" {
  name               = "${local.identifier}-monitoring"
  description        = "Enhanced monitoring for ${local.identifier}"
  assume_role_policy = data.aws_iam_policy_document.monitoring_assume_role.json
  tags               = local.tags
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}

resource "aws_db_instance" "this" {
  identifier     = local.identifier
  engine         = var.engine
  engine_version = var.engine_version
  instance_class = local.tier.instance_class

  allocated_storage = local.tier.allocated_storage
  storage_type      = "gp3"
  storage_encrypted = true

  db_name                             = local.database_name
  username                            = "dbadmin"
  manage_master_user_password         = true
  iam_database_authentication_enabled = true

  port                   = local.port
  db_subnet_group_name   = aws_db_subnet_group.this.name
  vpc_security_group_ids = [aws_security_group.this.id]
  parameter_group_name   = aws_db_parameter_group.this.name
  publicly_accessible    = false
  multi_az               = var.environment == "prod" ? true : var.multi_az

  backup_retention_period   = var.backup_retention_days
  copy_tags_to_snapshot     = true
  deletion_protection       = var.environment == "prod"
  skip_final_snapshot       = var.environment != "prod"
  final_snapshot_identifier = "${local.identifier}-final"

  auto_minor_version_upgrade  = true
  allow_major_version_upgrade = false
  apply_immediately           = false

  performance_insights_enabled = local.performance_insights_enabled
  monitoring_interval          = 60
  monitoring_role_arn          = aws_iam_role.monitoring.arn

  tags = local.tags

  depends_on = [aws_iam_role_policy_attachment.monitoring]
}
