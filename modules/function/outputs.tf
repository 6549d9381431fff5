# `one(x[*].attr)` is the attribute when the function is created and null when `create = false`: no try(), so a
# real error is never masked.

output "function_name" {
  description = "Name of the Lambda function (null when `create = false`)."
  value       = one(aws_lambda_function.this[*].function_name)
}

output "function_arn" {
  description = "ARN of the Lambda function (null when `create = false`)."
  value       = one(aws_lambda_function.this[*].arn)
}

output "invoke_arn" {
  description = "Invoke ARN of the function, for API Gateway integrations and authorizers (null when `create = false`)."
  value       = one(aws_lambda_function.this[*].invoke_arn)
}

output "role_name" {
  description = "Name of the function's execution role: the module's, or the one named by `role_arn` (null when `create = false`)."
  value       = local.create ? (var.create_role ? one(aws_iam_role.this[*].name) : element(split("/", var.role_arn), length(split("/", var.role_arn)) - 1)) : null
}

output "role_arn" {
  description = "ARN of the function's execution role: the module's, or `role_arn` (null when `create = false`)."
  value       = local.create ? local.role_arn : null
}

output "role_created" {
  description = "Whether this module created the execution role (false with `create_role = false`)."
  value       = local.create_role
}

output "policy_json" {
  description = "The least-privilege policy document (JSON) the function needs: the module's role carries it as its inline policy; a role passed in `role_arn` must grant it. Known at plan when `region` and `account_id` are set. Null when `create = false`."
  value       = local.create ? jsonencode(local.policy) : null
}

output "managed_policy_arns" {
  description = "AWS managed policies attached to the role (VPC network interfaces, X-Ray), by `vpc` / `tracing`."
  value       = { for k, a in aws_iam_role_policy_attachment.managed : k => a.policy_arn }
}

output "log_group_name" {
  description = "Name of the function's CloudWatch log group (null when `create = false`)."
  value       = one(aws_cloudwatch_log_group.this[*].name)
}

output "log_group_arn" {
  description = "ARN of the function's CloudWatch log group (null when `create = false`)."
  value       = one(aws_cloudwatch_log_group.this[*].arn)
}

output "environment" {
  description = "Environment variables of the function (empty when `create = false`)."
  value       = local.create ? aws_lambda_function.this[0].environment[0].variables : {}
}

output "permissions" {
  description = "Resource-based invoke permissions, by statement id: principal and source ARN."
  value       = { for k, p in aws_lambda_permission.this : k => { principal = p.principal, source_arn = p.source_arn } }
}

output "logging_config" {
  description = "The function's log settings: `log_format`, `system_log_level`, `application_log_level` (null when `create = false`)."
  value = local.create ? {
    log_format            = aws_lambda_function.this[0].logging_config[0].log_format
    system_log_level      = aws_lambda_function.this[0].logging_config[0].system_log_level
    application_log_level = aws_lambda_function.this[0].logging_config[0].application_log_level
  } : null
}
