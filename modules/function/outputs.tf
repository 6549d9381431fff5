output "function_name" {
  description = "Name of the Lambda function."
  value       = try(aws_lambda_function.this.function_name, null)
}

output "function_arn" {
  description = "ARN of the Lambda function."
  value       = try(aws_lambda_function.this.arn, null)
}

output "invoke_arn" {
  description = "Invoke ARN of the function, for API Gateway integrations and authorizers."
  value       = try(aws_lambda_function.this.invoke_arn, null)
}

output "role_name" {
  description = "Name of the function's execution role."
  value       = try(aws_iam_role.this.name, null)
}

output "role_arn" {
  description = "ARN of the function's execution role."
  value       = try(aws_iam_role.this.arn, null)
}

output "policy_json" {
  description = "The role's inline policy document (JSON)."
  value       = try(aws_iam_role_policy.this.policy, null)
}

output "log_group_name" {
  description = "Name of the function's CloudWatch log group."
  value       = try(aws_cloudwatch_log_group.this.name, null)
}

output "log_group_arn" {
  description = "ARN of the function's CloudWatch log group."
  value       = try(aws_cloudwatch_log_group.this.arn, null)
}

output "environment" {
  description = "Environment variables of the function."
  value       = try(aws_lambda_function.this.environment[0].variables, {})
}

output "permissions" {
  description = "Resource-based invoke permissions, by statement id: principal and source ARN."
  value       = try({ for k, p in aws_lambda_permission.this : k => { principal = p.principal, source_arn = p.source_arn } }, {})
}
