# The network is built outside this repository; look it up by tag. Placeholder tags:
# change them to match how the platform team tags the prod VPC and its subnets.

data "aws_vpc" "main" {
  tags = {
    Name = "prod"
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
  description = "The prod VPC."
  value       = data.aws_vpc.main.id
}

output "private_subnet_ids" {
  description = "Private subnets of the prod VPC."
  value       = data.aws_subnets.private.ids
}
