# Self-service logout is opt-in; when on, its routes use this module's authorizer, API Gateway may invoke
# the function only from those routes, and its role holds no Cognito permission.

mock_provider "aws" {
  source = "./tests/mocks"
}

override_resource {
  target = module.function["logout"].aws_lambda_function.this
  values = {
    arn        = "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-logout"
    invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-logout/invocations"
  }
}

override_resource {
  target = module.function["logout"].aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-logout"
  }
}

# API Gateway computes a resource's full path from its parent's: here the parent is the API's root.
override_resource {
  target = module.route["logout"].aws_api_gateway_resource.this
  values = {
    path = "/logout"
  }
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
  rest_apis = {
    orders = { rest_api_id = "a1b2c3d4e5" }
  }
  http_apis = {
    catalog = { api_id = "f6g7h8i9j0" }
  }
}

# Off by default: checked in tests/defaults.tftest.hcl, in the plan of the module with its defaults.

run "routes_behind_the_authorizer" {
  command = apply

  variables {
    logout = {
      http_apis = { catalog = {} }
      rest_apis = { orders = { parent_resource_id = "root12" } }
    }
  }

  assert {
    condition     = module.route["logout"].http_api_routes["catalog"].route_key == "POST /logout" && module.route["logout"].http_api_routes["catalog"].authorization_type == "CUSTOM" && module.route["logout"].http_api_routes["catalog"].authorizer_id == "htp123"
    error_message = "The HTTP API route must use this module's authorizer."
  }

  assert {
    condition     = module.route["logout"].rest_api_resources["orders"].authorization == "CUSTOM" && module.route["logout"].rest_api_resources["orders"].authorizer_id == "rst123" && module.route["logout"].rest_api_resources["orders"].path_part == "logout"
    error_message = "The REST method must use this module's authorizer."
  }

  assert {
    condition = module.function["logout"].permissions == {
      "HttpApiLogout-catalog" = { principal = "apigateway.amazonaws.com", source_arn = "arn:aws:execute-api:eu-west-1:123456789012:f6g7h8i9j0/*/POST/logout" }
      "RestApiLogout-orders"  = { principal = "apigateway.amazonaws.com", source_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/*/POST/logout" }
    }
    error_message = "Invoke permissions: ${jsonencode(module.function["logout"].permissions)}"
  }

  assert {
    condition = [for s in jsondecode(output.logout.role_policy).Statement : { sid = s.Sid, action = s.Action, resource = s.Resource }] == [
      { sid = "WriteOwnLogs", action = ["logs:CreateLogStream", "logs:PutLogEvents"], resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-logout:*"] },
      { sid = "RevokeOwnSessions", action = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist"] },
    ]
    error_message = "Role policy: ${output.logout.role_policy}"
  }

  assert {
    condition = module.function["logout"].environment == tomap({
      TABLE_NAME                     = "cognito-revocation-blocklist"
      TOKEN_LIFETIME_SECONDS         = "86400"
      REFRESH_TOKEN_LIFETIME_SECONDS = "315360000"
      ALLOW_LOGOUT_EVERYWHERE        = "true"
      CACHE_FLUSH_TARGETS            = "[]"
      LOG_LEVEL                      = "info"
      METRICS_NAMESPACE              = "CognitoRevocation"
    })
    error_message = "Environment: ${jsonencode(module.function["logout"].environment)}"
  }
}

# Under a nested parent (/v1) the route is /v1/logout: API Gateway invokes the function as .../POST/v1/logout,
# so a permission for .../POST/logout would refuse every logout with a 500.
run "rest_route_under_a_nested_parent" {
  command = apply

  override_resource {
    target = module.route["logout"].aws_api_gateway_resource.this
    values = {
      path = "/v1/logout"
    }
  }

  variables {
    rest_apis = {
      versioned = { rest_api_id = "k1l2m3n4o5" }
    }
    logout = {
      rest_apis = { versioned = { parent_resource_id = "v1res1" } }
    }
  }

  assert {
    condition     = module.function["logout"].permissions["RestApiLogout-versioned"].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:k1l2m3n4o5/*/POST/v1/logout"
    error_message = "The permission must name the resource's real path: ${module.function["logout"].permissions["RestApiLogout-versioned"].source_arn}"
  }
}

run "refuses_a_greedy_route" {
  command = plan

  variables {
    logout = { http_apis = { catalog = { route_key = "ANY /{proxy+}" } } }
  }

  expect_failures = [var.logout]
}

run "refuses_an_api_without_the_authorizer" {
  command = plan

  variables {
    logout = { http_apis = { other = {} } }
  }

  expect_failures = [output.logout]
}

# A logout is a revocation like any other — the function flushes the same listed stage caches as the
# admin function, with the same grant on exactly those stages' `cache/authorizers` resources.
run "logout_flushes_the_listed_stage_caches" {
  command = plan

  variables {
    logout                      = { http_apis = { catalog = {} } }
    cache_flush_http_api_stages = { catalog = { api_id = "f6g7h8i9j0", stages = ["$default"] } }
  }

  assert {
    condition     = module.function["logout"].environment["CACHE_FLUSH_TARGETS"] == "[{\"api\":\"http\",\"apiId\":\"f6g7h8i9j0\",\"stage\":\"$default\"}]"
    error_message = "CACHE_FLUSH_TARGETS: ${module.function["logout"].environment["CACHE_FLUSH_TARGETS"]}"
  }

  assert {
    condition = flatten([for s in jsondecode(output.logout.role_policy).Statement : s.Resource if s.Sid == "FlushAuthorizerCachesOfListedStages"]) == [
      "arn:aws:apigateway:eu-west-1::/apis/f6g7h8i9j0/stages/$default/cache/authorizers",
    ]
    error_message = "Logout flush grant: ${output.logout.role_policy}"
  }
}
