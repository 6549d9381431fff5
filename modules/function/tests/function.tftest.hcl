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
  package_file = "./tests/fixtures/function.zip"
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
  command = apply

  assert {
    condition     = aws_lambda_function.this.runtime == "nodejs22.x" && aws_lambda_function.this.architectures == tolist(["arm64"]) && aws_lambda_function.this.handler == "index.handler"
    error_message = "Defaults: nodejs22.x on arm64, handler index.handler."
  }

  assert {
    condition     = aws_lambda_function.this.source_code_hash == filebase64sha256("./tests/fixtures/function.zip")
    error_message = "The code hash must be the zip's SHA-256, so a rebuilt zip redeploys."
  }

  assert {
    condition     = aws_lambda_function.this.environment[0].variables == tomap({ TABLE_NAME = "t" })
    error_message = "The environment is exactly the given map."
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.name == "/aws/lambda/test-fn" && aws_cloudwatch_log_group.this.retention_in_days == 30
    error_message = "The log group is the function's own, with 30 days' retention by default."
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.this.policy) == jsondecode(jsonencode({
      Version = "2012-10-17"
      Statement = [
        { Sid = "WriteOwnLogs", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/test-fn:*"] },
        { Sid = "ReadTable", Effect = "Allow", Action = ["dynamodb:GetItem"], Resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/t"] },
      ]
    }))
    error_message = "Policy: ${aws_iam_role_policy.this.policy}"
  }

  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal.Service == "lambda.amazonaws.com"
    error_message = "Only Lambda may assume the role."
  }

  assert {
    condition     = aws_lambda_permission.this["AllowCognito"].principal == "cognito-idp.amazonaws.com" && aws_lambda_permission.this["AllowCognito"].source_arn == "arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123" && aws_lambda_permission.this["AllowCognito"].action == "lambda:InvokeFunction"
    error_message = "The permission is scoped to the given principal and source ARN."
  }
}

run "customer_managed_key_encrypts_logs_and_environment" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == var.kms_key_arn && aws_lambda_function.this.kms_key_arn == var.kms_key_arn
    error_message = "The key must encrypt the log group and the environment."
  }
}

run "missing_zip_fails_the_plan_with_instructions" {
  command = plan
  variables {
    package_file = "./tests/fixtures/missing.zip"
  }
  expect_failures = [aws_lambda_function.this]
}

run "wildcard_action_is_refused" {
  command = plan
  variables {
    policy_statements = [{ sid = "Everything", actions = ["dynamodb:*"], resources = ["arn:aws:dynamodb:eu-west-1:123456789012:table/t"] }]
  }
  expect_failures = [var.policy_statements]
}

run "wildcard_resource_is_refused" {
  command = plan
  variables {
    policy_statements = [{ sid = "Anywhere", actions = ["dynamodb:GetItem"], resources = ["*"] }]
  }
  expect_failures = [var.policy_statements]
}

run "trigger_without_a_source_arn_is_refused" {
  command = plan
  variables {
    allowed_triggers = { Any = { principal = "cognito-idp.amazonaws.com", source_arn = "*" } }
  }
  expect_failures = [var.allowed_triggers]
}
