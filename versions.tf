terraform {
  required_version = ">= 1.5.0"

  required_providers {
    aws = {
      # 5.77.0 is the first 5.x whose aws_lambda_function accepts the default runtime nodejs22.x (docs/terraform.md
      # "Provider versions"); 7.0 is not released. `terraform test` runs on 5.100.0 here: see docs/terraform.md.
      source  = "hashicorp/aws"
      version = ">= 5.77.0, < 7.0"
    }
  }
}
