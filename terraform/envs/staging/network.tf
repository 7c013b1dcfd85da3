# The network is built outside this repository; look it up by tag. Placeholder tags:
# change them to match how the platform team tags the staging VPC and its subnets.

data "aws_vpc" "main" {
  tags = {
    Name = "staging"
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
  description = "The staging VPC."
  value       = data.aws_vpc.main.id
}

output "private_subnet_ids" {
  description = "Private subnets of the staging VPC."
  value       = data.aws_subnets.private.ids
}
