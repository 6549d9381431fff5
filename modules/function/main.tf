# One Lambda function with its own role, least-privilege inline policy, log group and invoke permissions.
# Shared by the authorizer, the token trigger and the admin signout function.

locals {
  # Only the function's own log group: the log group is created here, so no logs:CreateLogGroup.
  log_statement = {
    Sid      = "WriteOwnLogs"
    Effect   = "Allow"
    Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    Resource = ["${aws_cloudwatch_log_group.this.arn}:*"]
  }

  policy = {
    Version = "2012-10-17"
    Statement = concat([local.log_statement], [
      for s in var.policy_statements : {
        Sid      = s.sid
        Effect   = "Allow"
        Action   = s.actions
        Resource = s.resources
      }
    ])
  }
}

resource "aws_cloudwatch_log_group" "this" {
  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.kms_key_arn
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  name        = var.name
  description = "Execution role of the ${var.name} Lambda function."
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "LambdaAssumeRole"
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
  tags = var.tags
}

resource "aws_iam_role_policy" "this" {
  name   = "least-privilege"
  role   = aws_iam_role.this.id
  policy = jsonencode(local.policy)
}

resource "aws_lambda_function" "this" {
  function_name    = var.name
  description      = var.description
  role             = aws_iam_role.this.arn
  handler          = var.handler
  runtime          = var.runtime
  architectures    = [var.architecture]
  memory_size      = var.memory_size
  timeout          = var.timeout
  filename         = var.package_file
  source_code_hash = try(filebase64sha256(var.package_file), null)
  kms_key_arn      = var.kms_key_arn

  environment {
    variables = var.environment
  }

  tags = var.tags

  # The log group and the policy exist before the first invocation can log.
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this]

  lifecycle {
    precondition {
      condition     = fileexists(var.package_file)
      error_message = "No deployment package at ${var.package_file}: run `npm ci && npm run build` in the cognito-revocation checkout (or point package_dir at the directory holding the built zips)."
    }
  }
}

resource "aws_lambda_permission" "this" {
  for_each = var.allowed_triggers

  statement_id  = each.key
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this.function_name
  principal     = each.value.principal
  source_arn    = each.value.source_arn
}
