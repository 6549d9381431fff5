# The Shared Signals receiver is opt-in; when on, its route uses NO authorizer (the SET's signature authenticates the
# transmitter), API Gateway may invoke the function only from that route, and its role may revoke users of one pool
# and remember SET ids in the table — nothing else.

mock_provider "aws" {
  source = "./tests/mocks"
}

override_resource {
  target = module.function["shared_signals"].aws_lambda_function.this
  values = {
    arn        = "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-shared-signals"
    invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-shared-signals/invocations"
  }
}

override_resource {
  target = module.function["shared_signals"].aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-shared-signals"
  }
}

# API Gateway computes a resource's full path from its parent's: here the parent is the API's root.
override_resource {
  target = module.route["shared_signals"].aws_api_gateway_resource.this
  values = {
    path = "/ssf-events"
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

run "route_without_authorizer_least_privilege" {
  command = apply

  variables {
    shared_signals = {
      issuer        = "https://example.okta.com"
      audience      = ["https://api.example.com/ssf"]
      provider_name = "Okta"
      http_apis     = { catalog = {} }
      rest_apis     = { orders = { parent_resource_id = "root12" } }
    }
  }

  assert {
    condition     = module.route["shared_signals"].http_api_routes["catalog"].route_key == "POST /ssf/events" && module.route["shared_signals"].http_api_routes["catalog"].authorization_type == "NONE" && module.route["shared_signals"].http_api_routes["catalog"].authorizer_id == null
    error_message = "The HTTP API route must be POST /ssf/events without an authorizer."
  }

  assert {
    condition     = module.route["shared_signals"].rest_api_resources["orders"].authorization == "NONE" && module.route["shared_signals"].rest_api_resources["orders"].path_part == "ssf-events"
    error_message = "The REST method must be POST …/ssf-events without an authorizer."
  }

  assert {
    condition = module.function["shared_signals"].permissions == {
      "HttpApiSharedSignals-catalog" = { principal = "apigateway.amazonaws.com", source_arn = "arn:aws:execute-api:eu-west-1:123456789012:f6g7h8i9j0/*/POST/ssf/events" }
      "RestApiSharedSignals-orders"  = { principal = "apigateway.amazonaws.com", source_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/*/POST/ssf-events" }
    }
    error_message = "Invoke permissions: ${jsonencode(module.function["shared_signals"].permissions)}"
  }

  assert {
    condition = [for s in jsondecode(output.shared_signals.role_policy).Statement : { sid = s.Sid, action = s.Action, resource = s.Resource }] == [
      { sid = "WriteOwnLogs", action = ["logs:CreateLogStream", "logs:PutLogEvents"], resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-shared-signals:*"] },
      { sid = "RevokeUsersAndRememberSets", action = ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist"] },
      { sid = "LookUpAndSignOutUsersOfOnePool", action = ["cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:ListUsers"], resource = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"] },
    ]
    error_message = "Role policy: ${output.shared_signals.role_policy}"
  }

  assert {
    condition = module.function["shared_signals"].environment == tomap({
      TABLE_NAME                     = "cognito-revocation-blocklist"
      USER_POOL_ID                   = "eu-west-1_AbCdEf123"
      TOKEN_LIFETIME_SECONDS         = "86400"
      REFRESH_TOKEN_LIFETIME_SECONDS = "315360000"
      UPSTREAM_ISSUER                = "https://example.okta.com"
      UPSTREAM_AUDIENCE              = "https://api.example.com/ssf"
      UPSTREAM_JWKS_URI              = ""
      UPSTREAM_METADATA_URL          = ""
      UPSTREAM_ALGORITHMS            = "RS256,ES256"
      UPSTREAM_PROVIDER_NAME         = "Okta"
      MAX_BODY_BYTES                 = "16384"
      SET_MAX_AGE_SECONDS            = "900"
      CACHE_FLUSH_TARGETS            = "[]"
      LOG_LEVEL                      = "info"
      METRICS_NAMESPACE              = "CognitoRevocation"
    })
    error_message = "Environment: ${jsonencode(module.function["shared_signals"].environment)}"
  }
}

run "refuses_plain_http_keys" {
  command = plan

  variables {
    shared_signals = { issuer = "https://example.okta.com", audience = ["x"], jwks_uri = "http://example.okta.com/keys" }
  }

  expect_failures = [var.shared_signals]
}

run "refuses_hmac" {
  command = plan

  variables {
    shared_signals = { issuer = "https://example.okta.com", audience = ["x"], algorithms = ["HS256"] }
  }

  expect_failures = [var.shared_signals]
}

run "refuses_a_greedy_route" {
  command = plan

  variables {
    shared_signals = { issuer = "https://example.okta.com", audience = ["x"], http_apis = { catalog = { route_key = "ANY /{proxy+}" } } }
  }

  expect_failures = [var.shared_signals]
}

# Under a nested parent (/v1) the resource is /v1/ssf-events: API Gateway invokes the function as
# .../POST/v1/ssf-events, so a permission for .../POST/ssf-events would refuse every delivery.
run "rest_route_under_a_nested_parent" {
  command = apply

  override_resource {
    target = module.route["shared_signals"].aws_api_gateway_resource.this
    values = {
      path = "/v1/ssf-events"
    }
  }

  variables {
    rest_apis = {
      versioned = { rest_api_id = "k1l2m3n4o5" }
    }
    shared_signals = {
      issuer    = "https://example.okta.com"
      audience  = ["https://api.example.com/ssf"]
      rest_apis = { versioned = { parent_resource_id = "v1res1" } }
    }
  }

  assert {
    condition     = module.function["shared_signals"].permissions["RestApiSharedSignals-versioned"].source_arn == "arn:aws:execute-api:eu-west-1:123456789012:k1l2m3n4o5/*/POST/v1/ssf-events"
    error_message = "The permission must name the resource's real path: ${module.function["shared_signals"].permissions["RestApiSharedSignals-versioned"].source_arn}"
  }
}

run "refuses_an_api_it_does_not_know" {
  command = plan

  variables {
    shared_signals = { issuer = "https://example.okta.com", audience = ["x"], http_apis = { other = {} } }
  }

  expect_failures = [output.shared_signals]
}
