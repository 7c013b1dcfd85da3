# The network is built outside this repository; look it up by tag. Placeholder tags:
# change them to match how the platform team tags the dev VPC and its subnets.

data "aws_vpc" "main" {
  tags = {
    Name = "dev"
  }
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.main.id]
  }

  tags = {
    tier = "private"
  }
}

output "vpc_id" {
  description = "The dev VPC."
  value       = data.aws_vpc.main.id
}

output "private_subnet_ids" {
  description = "Private subnets of the dev VPC."
  value       = data.aws_subnets.private.ids
}
