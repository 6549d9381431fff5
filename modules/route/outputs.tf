output "invoke_permissions" {
  description = "The invoke permission of each route, by statement id (`HttpApi<permission_name>-<key>`, `RestApi<permission_name>-<key>`): principal `apigateway.amazonaws.com` and the route's own source ARN. Give it to the function's module as `allowed_triggers`."
  value       = local.invoke_permissions
}

output "http_api_routes" {
  description = "The route on each HTTP API, by key: `id` and `route_key`."
  value       = { for k, r in aws_apigatewayv2_route.this : k => { id = r.id, route_key = r.route_key } }
}

output "rest_api_resources" {
  description = "The resource on each REST API, by key: `id` and `path_part`."
  value       = { for k, r in aws_api_gateway_resource.this : k => { id = r.id, path_part = r.path_part } }
}
