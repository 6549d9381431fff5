output "name" {
  description = "Name of the blocklist table (null when `create = false`)."
  value       = one(aws_dynamodb_table.this[*].name)
}

output "arn" {
  description = "ARN of the blocklist table (null when `create = false`)."
  value       = one(aws_dynamodb_table.this[*].arn)
}

output "ttl_attribute" {
  description = "Name of the table's TTL attribute."
  value       = "expiresAt"
}
