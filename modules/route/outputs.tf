output "invoke_permissions" {
  description = "The invoke permission of each route, by statement id (`HttpApi<permission_name>-<key>`, `RestApi<permission_name>-<key>`): principal `apigateway.amazonaws.com` and the route's own source ARN. Give it to the function's module as `allowed_triggers`."
  value       = local.invoke_permissions
}

output "http_api_routes" {
  description = "The route on each HTTP API, by key: `id`, `route_key`, `authorization_type`, `authorizer_id` and the integration's `integration_uri`."
  value = { for k, r in aws_apigatewayv2_route.this : k => {
    id                 = r.id
    route_key          = r.route_key
    authorization_type = r.authorization_type
    authorizer_id      = r.authorizer_id
    integration_uri    = aws_apigatewayv2_integration.this[k].integration_uri
  } }
}

output "rest_api_resources" {
  description = "The resource and method on each REST API, by key: `id`, `path_part`, `http_method`, `authorization`, `authorizer_id` and the integration's `uri`."
  value = { for k, r in aws_api_gateway_resource.this : k => {
    id            = r.id
    path_part     = r.path_part
    http_method   = aws_api_gateway_method.this[k].http_method
    authorization = aws_api_gateway_method.this[k].authorization
    authorizer_id = aws_api_gateway_method.this[k].authorizer_id
    uri           = aws_api_gateway_integration.this[k].uri
  } }
}
