# modules/route, tested from the root: every run's module block plans modules/route itself (one `terraform test`
# process for the root and its parts: each process pays ~3 s of CPU before its first run, docs/testing.md).
# One function at one route on HTTP and REST APIs: the route, its integration, and an invoke permission for exactly
# that route's ARN.

mock_provider "aws" {}

# API Gateway computes a resource's full path from its parent's: here the parent is the API's root.
override_resource {
  target = aws_api_gateway_resource.this
  values = {
    id   = "res123"
    path = "/hook"
  }
}

variables {
  setting         = "hook"
  permission_name = "Hook"
  invoke_arn      = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:hook/invocations"
  partition       = "aws"
  region          = "eu-west-1"
  account_id      = "123456789012"
  http_apis       = { catalog = { api_id = "f6g7h8i9j0", route_key = "POST /hook" } }
  rest_apis       = { orders = { rest_api_id = "a1b2c3d4e5", parent_resource_id = "root12", path_part = "hook" } }
}

run "route_integration_and_its_own_permission" {
  module {
    source = "./modules/route"
  }

  command = apply

  assert {
    condition     = aws_apigatewayv2_route.this["catalog"].route_key == "POST /hook" && aws_apigatewayv2_route.this["catalog"].authorization_type == "NONE" && aws_apigatewayv2_route.this["catalog"].authorizer_id == null && aws_apigatewayv2_route.this["catalog"].target == "integrations/${aws_apigatewayv2_integration.this["catalog"].id}"
    error_message = "The HTTP API route targets its own integration, without an authorizer by default."
  }

  assert {
    condition     = aws_apigatewayv2_integration.this["catalog"].integration_type == "AWS_PROXY" && aws_apigatewayv2_integration.this["catalog"].integration_uri == var.invoke_arn && aws_apigatewayv2_integration.this["catalog"].payload_format_version == "2.0" && aws_apigatewayv2_integration.this["catalog"].api_id == "f6g7h8i9j0"
    error_message = "The HTTP API integration is a Lambda proxy (payload 2.0) to the function on the named API."
  }

  assert {
    condition     = aws_api_gateway_resource.this["orders"].parent_id == "root12" && aws_api_gateway_resource.this["orders"].path_part == "hook" && aws_api_gateway_method.this["orders"].http_method == "POST" && aws_api_gateway_method.this["orders"].authorization == "NONE" && aws_api_gateway_method.this["orders"].resource_id == "res123"
    error_message = "The REST resource sits under the given parent with a POST method and no authorizer."
  }

  assert {
    condition     = aws_api_gateway_integration.this["orders"].type == "AWS_PROXY" && aws_api_gateway_integration.this["orders"].integration_http_method == "POST" && aws_api_gateway_integration.this["orders"].uri == var.invoke_arn
    error_message = "The REST integration is a Lambda proxy to the function (Lambda is always invoked with POST)."
  }

  assert {
    condition = output.invoke_permissions == {
      "HttpApiHook-catalog" = { principal = "apigateway.amazonaws.com", source_arn = "arn:aws:execute-api:eu-west-1:123456789012:f6g7h8i9j0/*/POST/hook" }
      "RestApiHook-orders"  = { principal = "apigateway.amazonaws.com", source_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/*/POST/hook" }
    }
    error_message = "Each permission names exactly its route (any stage, that method, that path): ${jsonencode(output.invoke_permissions)}"
  }

  assert {
    condition     = output.http_api_routes["catalog"].route_key == "POST /hook" && output.http_api_routes["catalog"].integration_uri == var.invoke_arn && output.rest_api_resources["orders"].id == "res123" && output.rest_api_resources["orders"].uri == var.invoke_arn
    error_message = "The outputs name the route and the resource."
  }
}

run "behind_the_callers_authorizer" {
  module {
    source = "./modules/route"
  }

  command = plan

  variables {
    authorization           = "CUSTOM"
    http_api_authorizer_ids = { catalog = "htp123" }
    rest_api_authorizer_ids = { orders = "rst123" }
  }

  assert {
    condition     = aws_apigatewayv2_route.this["catalog"].authorization_type == "CUSTOM" && aws_apigatewayv2_route.this["catalog"].authorizer_id == "htp123" && aws_api_gateway_method.this["orders"].authorization == "CUSTOM" && aws_api_gateway_method.this["orders"].authorizer_id == "rst123"
    error_message = "With CUSTOM, each route uses the authorizer of its own API."
  }
}

# The permission follows the route's method and the REST resource's real path: under a nested parent (/v1) API
# Gateway invokes the function as .../DELETE/v1/hook, so a permission for .../POST/hook would refuse every call.
run "method_and_nested_path" {
  module {
    source = "./modules/route"
  }

  command = apply

  override_resource {
    target = aws_api_gateway_resource.this
    values = {
      path = "/v1/hook"
    }
  }

  variables {
    http_apis = { catalog = { api_id = "f6g7h8i9j0", route_key = "DELETE /v1/hook" } }
    rest_apis = { versioned = { rest_api_id = "k1l2m3n4o5", parent_resource_id = "v1res1", path_part = "hook", http_method = "DELETE" } }
  }

  assert {
    condition = output.invoke_permissions == {
      "HttpApiHook-catalog"   = { principal = "apigateway.amazonaws.com", source_arn = "arn:aws:execute-api:eu-west-1:123456789012:f6g7h8i9j0/*/DELETE/v1/hook" }
      "RestApiHook-versioned" = { principal = "apigateway.amazonaws.com", source_arn = "arn:aws:execute-api:eu-west-1:123456789012:k1l2m3n4o5/*/DELETE/v1/hook" }
    }
    error_message = "Permissions: ${jsonencode(output.invoke_permissions)}"
  }
}

run "nothing_without_apis" {
  module {
    source = "./modules/route"
  }

  command = plan

  variables {
    invoke_arn = null
    http_apis  = {}
    rest_apis  = {}
  }

  assert {
    condition     = output.invoke_permissions == {} && length(aws_apigatewayv2_route.this) == 0 && length(aws_api_gateway_method.this) == 0
    error_message = "No API, no route and no permission."
  }
}

run "refuses_an_http_api_without_id" {
  module {
    source = "./modules/route"
  }

  command = plan

  variables {
    http_apis = { other = { api_id = null, route_key = "POST /hook" } }
    rest_apis = {}
  }

  expect_failures = [var.http_apis]
}

run "refuses_a_rest_api_without_id" {
  module {
    source = "./modules/route"
  }

  command = plan

  variables {
    http_apis = {}
    rest_apis = { other = { rest_api_id = null, parent_resource_id = "root12", path_part = "hook" } }
  }

  expect_failures = [var.rest_apis]
}

run "refuses_custom_without_an_authorizer" {
  module {
    source = "./modules/route"
  }

  command = plan

  variables {
    authorization = "CUSTOM"
    rest_apis     = {}
  }

  expect_failures = [aws_apigatewayv2_route.this]
}

run "refuses_a_greedy_route" {
  module {
    source = "./modules/route"
  }

  command = plan

  variables {
    http_apis = { catalog = { api_id = "f6g7h8i9j0", route_key = "ANY /{proxy+}" } }
  }

  expect_failures = [var.http_apis]
}

run "refuses_any_method_on_rest" {
  module {
    source = "./modules/route"
  }

  command = plan

  variables {
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", parent_resource_id = "root12", path_part = "hook", http_method = "ANY" } }
  }

  expect_failures = [var.rest_apis]
}
