output "pre_token_generation_config" {
  description = "Hand this to whoever manages the pool: `lambda_config { pre_token_generation_config { lambda_arn, lambda_version } }`."
  value       = module.cognito_revocation.pre_token_generation_config
}

output "rest_api_authorizer_ids" {
  description = "Authorizer to set on the REST API's methods (`authorization = \"CUSTOM\"`)."
  value       = module.cognito_revocation.rest_api_authorizer_ids
}

output "http_api_authorizer_ids" {
  description = "Authorizer to set on the HTTP API's routes (`authorization_type = \"CUSTOM\"`)."
  value       = module.cognito_revocation.http_api_authorizer_ids
}

output "authorizer_invoke_arn" {
  description = "The `authorizer_uri` for the legacy API's own authorizer resource."
  value       = module.cognito_revocation.authorizer_invoke_arn
}

output "admin_invoke_policy_json" {
  description = "IAM policy for the admin tooling."
  value       = module.cognito_revocation.admin_invoke_policy_json
}
