# modules/api-authorizers, tested from the root: every run's module block plans modules/api-authorizers itself (one
# `terraform test` process for the root and its parts: each process pays ~3 s of CPU before its first run,
# docs/testing.md).
# Authorizers on REST and HTTP APIs and the authorizer function's invoke permissions, one source ARN each.

mock_provider "aws" {
  mock_resource "aws_api_gateway_authorizer" {
    defaults = {
      id = "rst123"
    }
  }
  mock_resource "aws_apigatewayv2_authorizer" {
    defaults = {
      id = "htp123"
    }
  }
}

variables {
  function_name = "test-authorizer"
  invoke_arn    = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:test-authorizer/invocations"
  partition     = "aws"
  region        = "eu-west-1"
  account_id    = "123456789012"
  name_prefix   = "test"
  rest_apis = {
    orders  = { rest_api_id = "a1b2c3d4e5" }
    billing = { rest_api_id = "b1b2c3d4e5", type = "REQUEST", identity_source = "method.request.header.Authorization", authorizer_result_ttl_in_seconds = 60, name = "billing-revocation" }
  }
  http_apis = {
    catalog = { api_id = "f6g7h8i9j0" }
  }
  existing_authorizers = {
    legacy = { api_id = "k1l2m3n4o5", authorizer_id = "x9y8z7" }
  }
  appsync_api_ids = {
    graph = "abcdefghijklmnopqrstuvwxyz"
  }
}

run "rest_and_http_authorizers_and_their_permissions" {
  module {
    source = "./modules/api-authorizers"
  }

  command = apply

  assert {
    condition     = aws_api_gateway_authorizer.rest["orders"].type == "TOKEN" && aws_api_gateway_authorizer.rest["orders"].authorizer_result_ttl_in_seconds == 0 && aws_api_gateway_authorizer.rest["orders"].identity_source == "method.request.header.Authorization" && aws_api_gateway_authorizer.rest["orders"].name == "test-orders"
    error_message = "REST default: TOKEN on the Authorization header, result cache off, named <prefix>-<key>."
  }

  assert {
    condition     = aws_api_gateway_authorizer.rest["billing"].type == "REQUEST" && aws_api_gateway_authorizer.rest["billing"].authorizer_result_ttl_in_seconds == 60 && aws_api_gateway_authorizer.rest["billing"].name == "billing-revocation"
    error_message = "REST settings pass through."
  }

  assert {
    condition     = alltrue([for a in aws_api_gateway_authorizer.rest : a.authorizer_uri == var.invoke_arn])
    error_message = "Every REST authorizer invokes the authorizer function."
  }

  # HTTP API authorizers (formerly run "http_authorizers")
  assert {
    condition = (
      aws_apigatewayv2_authorizer.http["catalog"].authorizer_type == "REQUEST" &&
      aws_apigatewayv2_authorizer.http["catalog"].authorizer_payload_format_version == "2.0" &&
      aws_apigatewayv2_authorizer.http["catalog"].enable_simple_responses &&
      aws_apigatewayv2_authorizer.http["catalog"].authorizer_result_ttl_in_seconds == 0 &&
      aws_apigatewayv2_authorizer.http["catalog"].identity_sources == toset(["$request.header.Authorization"]) &&
      aws_apigatewayv2_authorizer.http["catalog"].authorizer_uri == var.invoke_arn
    )
    error_message = "HTTP default: REQUEST, payload 2.0, simple responses, result cache off, Authorization header."
  }

  # Invoke permissions: one source ARN per authorizer (formerly run "permissions_name_exactly_one_authorizer_each")
  assert {
    condition = {
      for k, p in merge(
        { for k, p in aws_lambda_permission.rest : "rest/${k}" => p },
        { for k, p in aws_lambda_permission.http : "http/${k}" => p },
        { for k, p in aws_lambda_permission.existing : "existing/${k}" => p },
      ) : k => p.source_arn if p.principal == "apigateway.amazonaws.com" && p.function_name == "test-authorizer" && p.action == "lambda:InvokeFunction"
      } == {
      "rest/orders"     = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/authorizers/rst123"
      "rest/billing"    = "arn:aws:execute-api:eu-west-1:123456789012:b1b2c3d4e5/authorizers/rst123"
      "http/catalog"    = "arn:aws:execute-api:eu-west-1:123456789012:f6g7h8i9j0/authorizers/htp123"
      "existing/legacy" = "arn:aws:execute-api:eu-west-1:123456789012:k1l2m3n4o5/authorizers/x9y8z7"
    }
    error_message = "API Gateway permissions: ${jsonencode(output.permission_source_arns)}"
  }

  assert {
    condition     = aws_lambda_permission.appsync["graph"].principal == "appsync.amazonaws.com" && aws_lambda_permission.appsync["graph"].source_arn == "arn:aws:appsync:eu-west-1:123456789012:apis/abcdefghijklmnopqrstuvwxyz"
    error_message = "AppSync permission is scoped to the one API."
  }
}

run "nothing_to_protect_creates_nothing" {
  module {
    source = "./modules/api-authorizers"
  }

  command = plan

  variables {
    rest_apis            = {}
    http_apis            = {}
    existing_authorizers = {}
    appsync_api_ids      = {}
  }

  assert {
    condition     = length(aws_api_gateway_authorizer.rest) + length(aws_apigatewayv2_authorizer.http) + length(aws_lambda_permission.existing) + length(aws_lambda_permission.appsync) == 0
    error_message = "No API, no authorizer and no permission."
  }

  assert {
    condition     = output.rest_api_authorizer_ids == {} && output.http_api_authorizer_ids == {}
    error_message = "Outputs are empty maps, not errors, when nothing is protected."
  }
}
