# The doors reached at a route of the team's own APIs (modules/route): the self-service logout behind this module's
# authorizer, and the two receivers an identity provider calls, which authenticate their caller themselves (a signed
# SET, a bearer token of the provider). Each lists the APIs by the keys of `rest_apis` / `http_apis`. API Gateway
# may invoke a function only from its routes: the routes' permissions are that function's allowed_triggers (main.tf).

locals {
  # The route of each door, on the APIs its input lists (empty while the door is off). permission_name is the
  # middle of the statement ids (`HttpApiLogout-<key>`, `RestApiLogout-<key>`).
  routes = {
    logout = {
      http_apis       = local.logout_http_apis
      rest_apis       = local.logout_rest_apis
      permission_name = "Logout"
      authorization   = "CUSTOM"
    }
    shared_signals = {
      http_apis       = local.shared_signals_http_apis
      rest_apis       = local.shared_signals_rest_apis
      permission_name = "SharedSignals"
      authorization   = "NONE"
    }
    global_token_revocation = {
      http_apis       = local.global_token_revocation_http_apis
      rest_apis       = local.global_token_revocation_rest_apis
      permission_name = "GlobalTokenRevocation"
      authorization   = "NONE"
    }
  }

  # Each key a door lists that names no API of `http_apis` / `rest_apis` (e.g. `http_apis.other`), by door.
  route_unknown_apis = { for door, r in local.routes : door => concat(
    [for k in keys(r.http_apis) : "${door}.http_apis.${k}" if !contains(keys(var.http_apis), k)],
    [for k in keys(r.rest_apis) : "${door}.rest_apis.${k}" if !contains(keys(var.rest_apis), k)],
  ) }
}

module "route" {
  source   = "./modules/route"
  for_each = local.routes

  setting         = each.key
  permission_name = each.value.permission_name
  invoke_arn      = contains(keys(local.functions), each.key) ? module.function[each.key].invoke_arn : null
  partition       = local.partition
  region          = local.region
  account_id      = local.account_id
  authorization   = each.value.authorization
  # A key in route_unknown_apis gets no route; the plan fails on the door's output (outputs.tf).
  http_apis = { for k, r in each.value.http_apis : k => {
    api_id    = var.http_apis[k].api_id
    route_key = r.route_key
  } if contains(keys(var.http_apis), k) }
  rest_apis = { for k, r in each.value.rest_apis : k => {
    rest_api_id        = var.rest_apis[k].rest_api_id
    parent_resource_id = r.parent_resource_id
    path_part          = r.path_part
  } if contains(keys(var.rest_apis), k) }
  http_api_authorizer_ids = each.value.authorization == "CUSTOM" ? module.api_authorizers.http_api_authorizer_ids : {}
  rest_api_authorizer_ids = each.value.authorization == "CUSTOM" ? module.api_authorizers.rest_api_authorizer_ids : {}
}

# Until modules/route existed each door's route was its own file's resources, named after the door.
moved {
  from = aws_apigatewayv2_integration.logout
  to   = module.route["logout"].aws_apigatewayv2_integration.this
}

moved {
  from = aws_apigatewayv2_route.logout
  to   = module.route["logout"].aws_apigatewayv2_route.this
}

moved {
  from = aws_api_gateway_resource.logout
  to   = module.route["logout"].aws_api_gateway_resource.this
}

moved {
  from = aws_api_gateway_method.logout
  to   = module.route["logout"].aws_api_gateway_method.this
}

moved {
  from = aws_api_gateway_integration.logout
  to   = module.route["logout"].aws_api_gateway_integration.this
}

moved {
  from = aws_apigatewayv2_integration.shared_signals
  to   = module.route["shared_signals"].aws_apigatewayv2_integration.this
}

moved {
  from = aws_apigatewayv2_route.shared_signals
  to   = module.route["shared_signals"].aws_apigatewayv2_route.this
}

moved {
  from = aws_api_gateway_resource.shared_signals
  to   = module.route["shared_signals"].aws_api_gateway_resource.this
}

moved {
  from = aws_api_gateway_method.shared_signals
  to   = module.route["shared_signals"].aws_api_gateway_method.this
}

moved {
  from = aws_api_gateway_integration.shared_signals
  to   = module.route["shared_signals"].aws_api_gateway_integration.this
}

moved {
  from = aws_apigatewayv2_integration.global_token_revocation
  to   = module.route["global_token_revocation"].aws_apigatewayv2_integration.this
}

moved {
  from = aws_apigatewayv2_route.global_token_revocation
  to   = module.route["global_token_revocation"].aws_apigatewayv2_route.this
}

moved {
  from = aws_api_gateway_resource.global_token_revocation
  to   = module.route["global_token_revocation"].aws_api_gateway_resource.this
}

moved {
  from = aws_api_gateway_method.global_token_revocation
  to   = module.route["global_token_revocation"].aws_api_gateway_method.this
}

moved {
  from = aws_api_gateway_integration.global_token_revocation
  to   = module.route["global_token_revocation"].aws_api_gateway_integration.this
}
