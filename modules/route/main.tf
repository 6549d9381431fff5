# One Lambda function exposed at one route on existing API Gateway APIs: on each listed HTTP API a route and its
# AWS_PROXY integration (payload 2.0), on each listed REST API a resource, its method and AWS_PROXY integration.
# Either without an authorizer (the function authenticates its caller) or behind the caller's Lambda authorizer.
#
# The invoke permission of each route is the `invoke_permissions` output: exactly that route's ARN
# (arn:<partition>:execute-api:<region>:<account>:<api id>/*/<METHOD>/<path>), which the caller hands to the
# function's module (modules/function `allowed_triggers`). The function's module holds all of a function's
# resource-based statements, so a function reached from several places has them in one place, and a statement
# keeps its address when a route moves here from elsewhere (a replaced statement would be deleted and re-added
# under the same id: two operations on one policy, with a moment in which API Gateway may not invoke).

locals {
  # `<METHOD> /<path>` of each HTTP API route, split once.
  http_methods = { for k, r in var.http_apis : k => split(" ", r.route_key)[0] }
  http_paths   = { for k, r in var.http_apis : k => split(" ", r.route_key)[1] }

  # API Gateway names its caller by the route it matched: the stage is any (`*`), the method and path exact. A
  # REST resource's full path (e.g. /v1/logout under a /v1 parent) is known from the parent, so it is read from
  # the resource: a permission for /<path_part> alone would not match a nested resource, and every call would fail.
  # Keyed by the caller's keys alone, so the keys are known at plan even where an API id is not (an API created
  # in the same plan): the function's module creates one permission per key.
  invoke_permissions = merge(
    { for k, r in var.http_apis : "HttpApi${var.permission_name}-${k}" => {
      principal  = "apigateway.amazonaws.com"
      source_arn = "arn:${var.partition}:execute-api:${var.region}:${var.account_id}:${r.api_id}/*/${local.http_methods[k]}${local.http_paths[k]}"
    } },
    { for k, r in var.rest_apis : "RestApi${var.permission_name}-${k}" => {
      principal  = "apigateway.amazonaws.com"
      source_arn = "arn:${var.partition}:execute-api:${var.region}:${var.account_id}:${r.rest_api_id}/*/${r.http_method}${aws_api_gateway_resource.this[k].path}"
    } },
  )
}

resource "aws_apigatewayv2_integration" "this" {
  for_each = var.http_apis

  api_id                 = each.value.api_id
  integration_type       = "AWS_PROXY"
  integration_uri        = var.invoke_arn
  payload_format_version = "2.0"
}

resource "aws_apigatewayv2_route" "this" {
  for_each = var.http_apis

  api_id             = each.value.api_id
  route_key          = each.value.route_key
  target             = "integrations/${aws_apigatewayv2_integration.this[each.key].id}"
  authorization_type = var.authorization
  authorizer_id      = var.authorization == "CUSTOM" ? lookup(var.http_api_authorizer_ids, each.key, null) : null

  lifecycle {
    precondition {
      condition     = var.authorization == "NONE" || lookup(var.http_api_authorizer_ids, each.key, null) != null
      error_message = "${var.setting}.http_apis key \"${each.key}\": no authorizer on that HTTP API to protect the route with."
    }
  }
}

resource "aws_api_gateway_resource" "this" {
  for_each = var.rest_apis

  rest_api_id = each.value.rest_api_id
  parent_id   = each.value.parent_resource_id
  path_part   = each.value.path_part
}

resource "aws_api_gateway_method" "this" {
  for_each = var.rest_apis

  rest_api_id   = each.value.rest_api_id
  resource_id   = aws_api_gateway_resource.this[each.key].id
  http_method   = each.value.http_method
  authorization = var.authorization
  authorizer_id = var.authorization == "CUSTOM" ? lookup(var.rest_api_authorizer_ids, each.key, null) : null

  lifecycle {
    precondition {
      condition     = var.authorization == "NONE" || lookup(var.rest_api_authorizer_ids, each.key, null) != null
      error_message = "${var.setting}.rest_apis key \"${each.key}\": no authorizer on that REST API to protect the method with."
    }
  }
}

resource "aws_api_gateway_integration" "this" {
  for_each = var.rest_apis

  rest_api_id             = each.value.rest_api_id
  resource_id             = aws_api_gateway_resource.this[each.key].id
  http_method             = aws_api_gateway_method.this[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST"
  uri                     = var.invoke_arn
}
