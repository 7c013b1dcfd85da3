# Network inputs every database module block here uses. Looked up by tag (the same
# placeholder tags as ../network.tf) rather than read from that root's state, so the two
# roots can be planned independently.

data "aws_vpc" "main" {
  tags = {
    Name = "prod"
  }
}

data "aws_subnets" "database" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.main.id]
  }

  tags = {
    tier = "database"
  }
}

locals {
  vpc_id              = data.aws_vpc.main.id
  database_subnet_ids = data.aws_subnets.database.ids
  # Services in the VPC may connect; narrow this to application subnets if you have them.
  app_cidr_blocks = [data.aws_vpc.main.cidr_block]
}
