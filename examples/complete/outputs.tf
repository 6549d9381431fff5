output "region" {
  description = "Region of the example (try-it.sh uses it)."
  value       = var.region
}

output "user_pool_id" {
  description = "Id of the example user pool."
  value       = aws_cognito_user_pool.this.id
}

output "client_id" {
  description = "Id of the example app client."
  value       = aws_cognito_user_pool_client.web.id
}

output "rest_api_url" {
  description = "URL of the protected REST API resource."
  value       = "${aws_api_gateway_stage.orders.invoke_url}/orders"
}

output "http_api_url" {
  description = "URL of the protected HTTP API route."
  value       = "${aws_apigatewayv2_stage.catalog.invoke_url}catalog"
}

output "admin_signout_function_name" {
  description = "Admin signout function: `COGNITO_REVOCATION_FUNCTION=<name> npm run cli -- signout <username> --reason <why>`."
  value       = module.cognito_revocation.admin_signout_function_name
}

output "revocation_admin_policy_arn" {
  description = "Attach this policy to the role of your admin tooling."
  value       = aws_iam_policy.revocation_admin.arn
}

output "table_name" {
  description = "Blocklist table."
  value       = module.cognito_revocation.table_name
}
