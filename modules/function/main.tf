# One Lambda function with its own role, least-privilege inline policy, log group and invoke permissions.
# The root module calls it once per function (authorizer, token trigger, admin signout, auto-revocation, logout).

locals {
  create = var.create

  # The role is this module's unless the caller passes one (create_role = false, role_arn).
  create_role = local.create && var.create_role
  role_arn    = var.create_role ? one(aws_iam_role.this[*].arn) : var.role_arn

  # Only the function's own log group: the log group is created here, so no logs:CreateLogGroup. Built from its
  # name when the region and account are given, so the policy is known at plan (a reviewer and a policy scanner
  # see every grant before apply); the resource's computed ARN otherwise.
  log_group_arn = (
    var.region != null && var.account_id != null
    ? "arn:${var.partition}:logs:${var.region}:${var.account_id}:log-group:/aws/lambda/${var.name}"
    : join("", aws_cloudwatch_log_group.this[*].arn)
  )
  log_statement = {
    Sid      = "WriteOwnLogs"
    Effect   = "Allow"
    Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    Resource = ["${local.log_group_arn}:*"]
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

  vpc_enabled = var.vpc_subnet_ids != null && var.vpc_security_group_ids != null

  # AWS managed policies, attached only when the feature is switched on. Their actions support no resource-level
  # permissions (EC2 network interface management, X-Ray segments), so they cannot live in the inline policy,
  # which names every resource.
  managed_policy_arns = merge(
    local.vpc_enabled ? { vpc = "arn:${var.partition}:iam::aws:policy/service-role/AWSLambdaENIManagementAccess" } : {},
    var.tracing_mode != null ? { tracing = "arn:${var.partition}:iam::aws:policy/AWSXRayDaemonWriteAccess" } : {},
  )

  uses_s3 = var.s3_existing_package != null
}

resource "aws_cloudwatch_log_group" "this" {
  count = local.create ? 1 : 0

  name              = "/aws/lambda/${var.name}"
  retention_in_days = var.log_retention_in_days
  kms_key_id        = var.cloudwatch_logs_kms_key_id
  tags              = var.tags
}

resource "aws_iam_role" "this" {
  count = local.create_role ? 1 : 0

  name                 = coalesce(var.role_name, var.name)
  path                 = var.role_path
  permissions_boundary = var.role_permissions_boundary
  description          = "Execution role of the ${var.name} Lambda function."
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
  count = local.create_role ? 1 : 0

  name   = "least-privilege"
  role   = aws_iam_role.this[0].id
  policy = jsonencode(local.policy)
}

resource "aws_iam_role_policy_attachment" "managed" {
  for_each = local.create_role ? local.managed_policy_arns : {}

  role       = aws_iam_role.this[0].name
  policy_arn = each.value
}

resource "aws_lambda_function" "this" {
  count = local.create ? 1 : 0

  function_name                  = var.name
  description                    = var.description
  role                           = local.role_arn
  handler                        = var.handler
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  memory_size                    = var.memory_size
  timeout                        = var.timeout
  reserved_concurrent_executions = var.reserved_concurrent_executions
  kms_key_arn                    = var.kms_key_arn

  filename          = local.uses_s3 ? null : var.package_file
  source_code_hash  = local.uses_s3 ? null : (fileexists(var.package_file) ? filebase64sha256(var.package_file) : null)
  s3_bucket         = local.uses_s3 ? var.s3_existing_package.bucket : null
  s3_key            = local.uses_s3 ? var.s3_existing_package.key : null
  s3_object_version = local.uses_s3 ? var.s3_existing_package.version_id : null

  environment {
    variables = var.environment
  }

  # Lambda's own lines (START, END, REPORT, platform events) are INFO in the JSON format; at WARN only the
  # platform's warnings and errors remain, which removes three lines per invocation from the log bill. The
  # functions write one JSON object per line with a "level" key straight to stdout, which Lambda passes through
  # unchanged in the JSON format and filters by that key ("If the "level" value field is invalid or missing,
  # Lambda will assign the log output the level INFO", Lambda developer guide, Log-level filtering). The
  # functions' LOG_LEVEL already chooses their lines, and an EMF document without a level counts as INFO, so the
  # application level must filter nothing: TRACE, the most verbose.
  logging_config {
    log_format            = "JSON"
    system_log_level      = var.system_log_level
    application_log_level = "TRACE"
  }

  dynamic "tracing_config" {
    for_each = var.tracing_mode == null ? [] : [var.tracing_mode]
    content {
      mode = tracing_config.value
    }
  }

  dynamic "vpc_config" {
    for_each = local.vpc_enabled ? [1] : []
    content {
      subnet_ids         = var.vpc_subnet_ids
      security_group_ids = var.vpc_security_group_ids
    }
  }

  tags = var.tags

  # The log group, the policy and the managed policies exist before the first invocation can log or attach to
  # the VPC.
  depends_on = [aws_cloudwatch_log_group.this, aws_iam_role_policy.this, aws_iam_role_policy_attachment.managed]

  lifecycle {
    precondition {
      condition     = local.uses_s3 || fileexists(var.package_file)
      error_message = "No deployment package at ${var.package_file}: use a release of cognito-revocation (its tag ships the zips), run `npm ci && npm run build` in the checkout, point package_dir at the built zips, or deploy from S3 with s3_existing_package."
    }
    precondition {
      condition     = var.create_role == (var.role_arn == null)
      error_message = "Set role_arn exactly when create_role is false: the function runs with that role, which must grant what the policy_json output lists (and, with VPC or tracing, the managed policies this module would attach)."
    }
    precondition {
      condition     = (var.vpc_subnet_ids == null) == (var.vpc_security_group_ids == null)
      error_message = "vpc_subnet_ids and vpc_security_group_ids go together: set both (the function runs in those subnets) or neither."
    }
  }
}

resource "aws_lambda_permission" "this" {
  for_each = local.create ? var.allowed_triggers : {}

  statement_id  = each.key
  action        = "lambda:InvokeFunction"
  function_name = aws_lambda_function.this[0].function_name
  principal     = each.value.principal
  source_arn    = each.value.source_arn
}

# Before `create` existed every resource was a single instance.
moved {
  from = aws_cloudwatch_log_group.this
  to   = aws_cloudwatch_log_group.this[0]
}

moved {
  from = aws_iam_role.this
  to   = aws_iam_role.this[0]
}

moved {
  from = aws_iam_role_policy.this
  to   = aws_iam_role_policy.this[0]
}

moved {
  from = aws_lambda_function.this
  to   = aws_lambda_function.this[0]
}
