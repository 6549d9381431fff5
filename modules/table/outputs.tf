output "name" {
  description = "Name of the blocklist table."
  value       = try(aws_dynamodb_table.this.name, null)
}

output "arn" {
  description = "ARN of the blocklist table."
  value       = try(aws_dynamodb_table.this.arn, null)
}

output "ttl_attribute" {
  description = "Name of the table's TTL attribute."
  value       = "expiresAt"
}
