# The RFC 7009 revocation endpoint is opt-in; when on, its role writes one token's revocation and reads it back —
# no Cognito action (RevokeToken is authorized by the token itself) — and its environment is the contract's.

mock_provider "aws" {
  source = "./tests/mocks"
}

override_resource {
  target = module.function["token_revocation"].aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-token-revocation"
  }
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
}

# Off by default: checked in tests/defaults.tftest.hcl, in the plan of the module with its defaults.

run "url_contract_and_least_privilege" {
  command = apply

  variables {
    token_revocation = { caller_client_ids = ["m2mcaller0123456789abcdefg"] }
  }

  assert {
    condition     = aws_lambda_function_url.token_revocation[0].authorization_type == "NONE" && aws_lambda_permission.token_revocation_url[0].function_url_auth_type == "NONE"
    error_message = "The URL is reached by gateways that cannot sign: auth type NONE, with the InvokeFunctionUrl grant."
  }

  assert {
    condition = module.function["token_revocation"].environment == tomap({
      USER_POOL_ID                   = "eu-west-1_AbCdEf123"
      CLIENT_IDS                     = "4b7kq0mv9n2l3c8d5e6f1g0h2j"
      TABLE_NAME                     = "cognito-revocation-blocklist"
      SESSION_CLAIM                  = "revocation_sid"
      TOKEN_LIFETIME_SECONDS         = "86400"
      REFRESH_TOKEN_LIFETIME_SECONDS = "315360000"
      CALLER_CLIENT_IDS              = "m2mcaller0123456789abcdefg"
      CALLER_SCOPE                   = "cognito-revocation/revoke"
      CACHE_FLUSH_TARGETS            = "[]"
      JWKS_URI                       = ""
      LOG_LEVEL                      = "info"
      METRICS_NAMESPACE              = "CognitoRevocation"
    })
    error_message = "Environment: ${jsonencode(module.function["token_revocation"].environment)}"
  }

  assert {
    condition = [for s in jsondecode(output.token_revocation.role_policy).Statement : { sid = s.Sid, action = s.Action, resource = s.Resource }] == [
      { sid = "WriteOwnLogs", action = ["logs:CreateLogStream", "logs:PutLogEvents"], resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-token-revocation:*"] },
      { sid = "RevokeOneToken", action = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist"] },
    ]
    error_message = "Role policy: ${output.token_revocation.role_policy}"
  }
}

run "refuses_no_callers" {
  command = plan

  variables {
    token_revocation = { caller_client_ids = [] }
  }

  expect_failures = [var.token_revocation]
}
