output "name" {
  description = "Name of the blocklist table (null when `create = false`)."
  value       = one(aws_dynamodb_table.this[*].name)
}

output "arn" {
  description = "ARN of the blocklist table in `region`: known at plan time when `region` and `account_id` are given (also with `create = false`, for the local replica of a global table created elsewhere); otherwise the created table's ARN."
  value       = var.region != null && var.account_id != null ? "arn:${var.partition}:dynamodb:${var.region}:${var.account_id}:table/${var.name}" : one(aws_dynamodb_table.this[*].arn)
}

output "ttl_attribute" {
  description = "Name of the table's TTL attribute."
  value       = "expiresAt"
}

output "billing_mode" {
  description = "Capacity mode of the table (`PAY_PER_REQUEST` or `PROVISIONED`); null when `create = false`."
  value       = one(aws_dynamodb_table.this[*].billing_mode)
}

output "autoscaling_policy_arns" {
  description = "ARNs of the target-tracking scaling policies by dimension (`read`, `write`); empty on-demand."
  value       = { for k, p in aws_appautoscaling_policy.this : k => p.arn }
}
