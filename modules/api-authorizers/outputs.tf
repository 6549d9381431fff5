output "rest_api_authorizer_ids" {
  description = "Id of the authorizer created on each REST API, by the `rest_apis` key."
  value       = { for k, a in aws_api_gateway_authorizer.rest : k => a.id }
}

output "http_api_authorizer_ids" {
  description = "Id of the authorizer created on each HTTP API, by the `http_apis` key."
  value       = { for k, a in aws_apigatewayv2_authorizer.http : k => a.id }
}

output "permission_source_arns" {
  description = "Every source ARN the authorizer function may be invoked from, by `rest/<key>`, `http/<key>`, `existing/<key>` and `appsync/<key>`."
  value = merge(
    { for k, p in aws_lambda_permission.rest : "rest/${k}" => p.source_arn },
    { for k, p in aws_lambda_permission.http : "http/${k}" => p.source_arn },
    { for k, p in aws_lambda_permission.existing : "existing/${k}" => p.source_arn },
    { for k, p in aws_lambda_permission.appsync : "appsync/${k}" => p.source_arn },
  )
}

output "rest_api_authorizers" {
  description = "Settings of the authorizer created on each REST API, by `rest_apis` key: id, name, type, identity source and result cache TTL."
  value = { for k, a in aws_api_gateway_authorizer.rest : k => {
    id                               = a.id
    name                             = a.name
    type                             = a.type
    identity_source                  = a.identity_source
    authorizer_result_ttl_in_seconds = a.authorizer_result_ttl_in_seconds
  } }
}

output "http_api_authorizers" {
  description = "Settings of the authorizer created on each HTTP API, by `http_apis` key: id, name, payload format, simple responses, identity sources and result cache TTL."
  value = { for k, a in aws_apigatewayv2_authorizer.http : k => {
    id                                = a.id
    name                              = a.name
    authorizer_type                   = a.authorizer_type
    authorizer_payload_format_version = a.authorizer_payload_format_version
    enable_simple_responses           = a.enable_simple_responses
    identity_sources                  = a.identity_sources
    authorizer_result_ttl_in_seconds  = a.authorizer_result_ttl_in_seconds
  } }
}
