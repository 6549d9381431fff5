# The Global Token Revocation endpoint is opt-in; when on, its route uses NO authorizer (the provider's bearer token,
# verified by the function, authenticates the caller), API Gateway may invoke the function only from that route, and
# its role may revoke users of one pool — nothing else. A scope is required.

mock_provider "aws" {
  source = "./tests/mocks"
}

override_resource {
  target = module.function["global_token_revocation"].aws_lambda_function.this
  values = {
    arn        = "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-global-token-revocation"
    invoke_arn = "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-global-token-revocation/invocations"
  }
}

override_resource {
  target = module.function["global_token_revocation"].aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-global-token-revocation"
  }
}

# API Gateway computes a resource's full path from its parent's: here the parent is the API's root.
override_resource {
  target = module.route["global_token_revocation"].aws_api_gateway_resource.this
  values = {
    path = "/global-token-revocation"
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
    global_token_revocation = {
      issuer        = "https://example.okta.com"
      audience      = ["https://api.example.com/gtr"]
      scope         = "okta.globalTokenRevocation"
      provider_name = "Okta"
      http_apis     = { catalog = {} }
      rest_apis     = { orders = { parent_resource_id = "root12" } }
    }
  }

  assert {
    condition     = module.route["global_token_revocation"].http_api_routes["catalog"].route_key == "POST /global-token-revocation" && module.route["global_token_revocation"].http_api_routes["catalog"].authorization_type == "NONE" && module.route["global_token_revocation"].http_api_routes["catalog"].authorizer_id == null
    error_message = "The HTTP API route must be POST /global-token-revocation without an authorizer."
  }

  assert {
    condition     = module.route["global_token_revocation"].rest_api_resources["orders"].authorization == "NONE" && module.route["global_token_revocation"].rest_api_resources["orders"].path_part == "global-token-revocation"
    error_message = "The REST method must be POST …/global-token-revocation without an authorizer."
  }

  assert {
    condition = module.function["global_token_revocation"].permissions == {
      "HttpApiGlobalTokenRevocation-catalog" = { principal = "apigateway.amazonaws.com", source_arn = "arn:aws:execute-api:eu-west-1:123456789012:f6g7h8i9j0/*/POST/global-token-revocation" }
      "RestApiGlobalTokenRevocation-orders"  = { principal = "apigateway.amazonaws.com", source_arn = "arn:aws:execute-api:eu-west-1:123456789012:a1b2c3d4e5/*/POST/global-token-revocation" }
    }
    error_message = "Invoke permissions: ${jsonencode(module.function["global_token_revocation"].permissions)}"
  }

  assert {
    condition = [for s in jsondecode(output.global_token_revocation.role_policy).Statement : { sid = s.Sid, action = s.Action, resource = s.Resource }] == [
      { sid = "WriteOwnLogs", action = ["logs:CreateLogStream", "logs:PutLogEvents"], resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-global-token-revocation:*"] },
      { sid = "RevokeUsers", action = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist"] },
      { sid = "LookUpAndSignOutUsersOfOnePool", action = ["cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:ListUsers"], resource = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"] },
    ]
    error_message = "Role policy: ${output.global_token_revocation.role_policy}"
  }

  assert {
    condition = module.function["global_token_revocation"].environment == tomap({
      TABLE_NAME                     = "cognito-revocation-blocklist"
      USER_POOL_ID                   = "eu-west-1_AbCdEf123"
      TOKEN_LIFETIME_SECONDS         = "86400"
      REFRESH_TOKEN_LIFETIME_SECONDS = "315360000"
      UPSTREAM_ISSUER                = "https://example.okta.com"
      UPSTREAM_AUDIENCE              = "https://api.example.com/gtr"
      UPSTREAM_JWKS_URI              = ""
      UPSTREAM_METADATA_URL          = ""
      UPSTREAM_ALGORITHMS            = "RS256,ES256"
      UPSTREAM_PROVIDER_NAME         = "Okta"
      MAX_BODY_BYTES                 = "16384"
      REQUIRED_SCOPE                 = "okta.globalTokenRevocation"
      CACHE_FLUSH_TARGETS            = "[]"
      LOG_LEVEL                      = "info"
      METRICS_NAMESPACE              = "CognitoRevocation"
    })
    error_message = "Environment: ${jsonencode(module.function["global_token_revocation"].environment)}"
  }
}

run "refuses_plain_http_keys" {
  command = plan

  variables {
    global_token_revocation = { issuer = "https://example.okta.com", audience = ["x"], scope = "s", jwks_uri = "http://example.okta.com/keys" }
  }

  expect_failures = [var.global_token_revocation]
}

run "refuses_hmac" {
  command = plan

  variables {
    global_token_revocation = { issuer = "https://example.okta.com", audience = ["x"], scope = "s", algorithms = ["HS256"] }
  }

  expect_failures = [var.global_token_revocation]
}

run "refuses_a_greedy_route" {
  command = plan

  variables {
    global_token_revocation = { issuer = "https://example.okta.com", audience = ["x"], scope = "s", http_apis = { catalog = { route_key = "ANY /{proxy+}" } } }
  }

  expect_failures = [var.global_token_revocation]
}

run "refuses_a_missing_scope" {
  command = plan

  variables {
    global_token_revocation = { issuer = "https://example.okta.com", audience = ["x"], scope = "two scopes" }
  }

  expect_failures = [var.global_token_revocation]
}
