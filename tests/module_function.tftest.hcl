# modules/function, tested from the root: every run's module block plans modules/function itself (one `terraform test`
# process for the root and its parts: each process pays ~3 s of CPU before its first run, docs/testing.md).
# One function: role, inline policy, log group, code from the zip, permissions.

mock_provider "aws" {
  mock_resource "aws_cloudwatch_log_group" {
    defaults = {
      arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/test-fn"
    }
  }
  mock_resource "aws_iam_role" {
    defaults = {
      arn = "arn:aws:iam::123456789012:role/test-fn"
    }
  }
}

variables {
  name         = "test-fn"
  package_file = "./tests/fixtures/module-function/function.zip"
  environment  = { TABLE_NAME = "t" }
  policy_statements = [{
    sid       = "ReadTable"
    actions   = ["dynamodb:GetItem"]
    resources = ["arn:aws:dynamodb:eu-west-1:123456789012:table/t"]
  }]
  allowed_triggers = {
    AllowCognito = { principal = "cognito-idp.amazonaws.com", source_arn = "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123" }
  }
}

run "function_role_and_logs" {
  module {
    source = "./modules/function"
  }

  command = apply

  assert {
    condition     = aws_lambda_function.this[0].runtime == "nodejs22.x" && aws_lambda_function.this[0].architectures == tolist(["arm64"]) && aws_lambda_function.this[0].handler == "index.handler"
    error_message = "Defaults: nodejs22.x on arm64, handler index.handler."
  }

  assert {
    condition     = aws_lambda_function.this[0].source_code_hash == filebase64sha256("./tests/fixtures/module-function/function.zip")
    error_message = "The code hash must be the zip's SHA-256, so a rebuilt zip redeploys."
  }

  assert {
    condition     = aws_lambda_function.this[0].environment[0].variables == tomap({ TABLE_NAME = "t" })
    error_message = "The environment is exactly the given map."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].name == "/aws/lambda/test-fn" && aws_cloudwatch_log_group.this[0].retention_in_days == 30
    error_message = "The log group is the function's own, with 30 days' retention by default."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.this[0].policy) == jsondecode(jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Sid = "WriteOwnLogs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/test-fn:*"] },
        { Sid = "ReadTable", Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/t"] },
      ]
    }))
    error_message = "Policy: ${aws_iam_role_policy.this[0].policy}"
  }

  assert {
    condition     = jsondecode(aws_iam_role.this[0].assume_role_policy).Statement[0].Principal.Service == "lambda.amazonaws.com"
    error_message = "Only Lambda may assume the role."
  }

  assert {
    condition     = aws_lambda_permission.this["AllowCognito"].principal == "cognito-idp.amazonaws.com" && aws_lambda_permission.this["AllowCognito"].source_arn == "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123" && aws_lambda_permission.this["AllowCognito"].action == "lambda:InvokeFunction"
    error_message = "The permission is scoped to the given principal and source ARN."
  }
}

run "customer_managed_key_encrypts_logs_and_environment" {
  module {
    source = "./modules/function"
  }

  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].kms_key_id == null && aws_lambda_function.this[0].kms_key_arn == var.kms_key_arn
    error_message = "The key encrypts the environment; the log group has its own key input."
  }
}

run "missing_zip_fails_the_plan_with_instructions" {
  module {
    source = "./modules/function"
  }

  command = plan
  variables {
    package_file = "./tests/fixtures/module-function/missing.zip"
  }
  expect_failures = [aws_lambda_function.this]
}

run "wildcard_action_is_refused" {
  module {
    source = "./modules/function"
  }

  command = plan
  variables {
    policy_statements = [{ sid = "Everything", actions = ["dynamodb:*"], resources = ["arn:aws:dynamodb:eu-west-1:123456789012:table/t"] }]
  }
  expect_failures = [var.policy_statements]
}

run "wildcard_resource_is_refused" {
  module {
    source = "./modules/function"
  }

  command = plan
  variables {
    policy_statements = [{ sid = "Anywhere", actions = ["dynamodb:GetItem"], resources = ["*"] }]
  }
  expect_failures = [var.policy_statements]
}

run "trigger_without_a_source_arn_is_refused" {
  module {
    source = "./modules/function"
  }

  command = plan
  variables {
    allowed_triggers = { Any = { principal = "cognito-idp.amazonaws.com", source_arn = "*" } }
  }
  expect_failures = [var.allowed_triggers]
}

run "enterprise_settings_reach_the_role_and_the_function" {
  module {
    source = "./modules/function"
  }

  command = plan

  variables {
    role_name                      = "test-fn-eu-west-1"
    role_path                      = "/service/"
    role_permissions_boundary      = "arn:aws:iam::123456789012:policy/boundary"
    reserved_concurrent_executions = 50
    tracing_mode                   = "Active"
    vpc_subnet_ids                 = ["subnet-0123456789abcdef0"]
    vpc_security_group_ids         = ["sg-0123456789abcdef0"]
    cloudwatch_logs_kms_key_id     = "arn:aws:kms:eu-west-1:123456789012:key/99999999-2222-3333-4444-555555555555"
  }

  assert {
    condition     = aws_iam_role.this[0].name == "test-fn-eu-west-1" && aws_iam_role.this[0].path == "/service/" && aws_iam_role.this[0].permissions_boundary == "arn:aws:iam::123456789012:policy/boundary"
    error_message = "Role name, path and permissions boundary are the given ones."
  }

  assert {
    condition     = aws_lambda_function.this[0].reserved_concurrent_executions == 50 && aws_lambda_function.this[0].tracing_config[0].mode == "Active"
    error_message = "Reserved concurrency and tracing reach the function."
  }

  assert {
    condition     = aws_lambda_function.this[0].vpc_config[0].subnet_ids == toset(["subnet-0123456789abcdef0"]) && aws_lambda_function.this[0].vpc_config[0].security_group_ids == toset(["sg-0123456789abcdef0"])
    error_message = "The function runs in the given subnets and security groups."
  }

  assert {
    condition = { for k, a in aws_iam_role_policy_attachment.managed : k => a.policy_arn } == {
      vpc     = "arn:aws:iam::aws:policy/service-role/AWSLambdaENIManagementAccess"
      tracing = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess"
    }
    error_message = "VPC and tracing attach exactly their AWS managed policies."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this[0].kms_key_id == var.cloudwatch_logs_kms_key_id
    error_message = "The log group uses the logs key."
  }
}

run "defaults_attach_no_managed_policy_and_reserve_nothing" {
  module {
    source = "./modules/function"
  }

  command = plan

  assert {
    condition     = length(aws_iam_role_policy_attachment.managed) == 0 && aws_lambda_function.this[0].reserved_concurrent_executions == -1 && length(aws_lambda_function.this[0].tracing_config) == 0 && length(aws_lambda_function.this[0].vpc_config) == 0
    error_message = "Without VPC or tracing there is no managed policy, no tracing, no VPC and no reserved concurrency."
  }

  assert {
    condition     = aws_iam_role.this[0].name == "test-fn" && aws_iam_role.this[0].permissions_boundary == null
    error_message = "The role is named after the function, without a boundary."
  }
}

run "code_from_s3_needs_no_local_zip" {
  module {
    source = "./modules/function"
  }

  command = plan

  variables {
    package_file        = "./tests/fixtures/module-function/missing.zip"
    s3_existing_package = { bucket = "my-artifacts", key = "cognito-revocation/0.2.0/authorizer.zip", version_id = "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" }
  }

  assert {
    condition     = aws_lambda_function.this[0].s3_bucket == "my-artifacts" && aws_lambda_function.this[0].s3_key == "cognito-revocation/0.2.0/authorizer.zip" && aws_lambda_function.this[0].s3_object_version == "3HL4kqtJlcpXroDTDmJ.rmSpXd3dIbrHY" && aws_lambda_function.this[0].filename == null
    error_message = "The code comes from the given S3 object version."
  }
}

run "create_false_creates_nothing" {
  module {
    source = "./modules/function"
  }

  command = plan

  variables {
    create = false
  }

  assert {
    condition     = length(aws_lambda_function.this) == 0 && length(aws_iam_role.this) == 0 && length(aws_cloudwatch_log_group.this) == 0 && length(aws_lambda_permission.this) == 0 && output.function_arn == null && output.environment == {}
    error_message = "create = false: no resource, null outputs."
  }
}

run "vpc_subnets_without_security_groups_are_refused" {
  module {
    source = "./modules/function"
  }

  command = plan
  variables {
    vpc_subnet_ids = ["subnet-0123456789abcdef0"]
  }
  expect_failures = [aws_lambda_function.this]
}

run "zero_reserved_concurrency_is_refused" {
  module {
    source = "./modules/function"
  }

  command = plan
  variables {
    reserved_concurrent_executions = 0
  }
  expect_failures = [var.reserved_concurrent_executions]
}
