# The RFC 7662 introspection endpoint is opt-in; when on, its URL is public at the Lambda level (callers prove a
# Cognito M2M token with the dedicated scope inside the function), its role reads one user's revocations and
# nothing else, and its environment is the contract's.

mock_provider "aws" {
  source = "./tests/mocks"
}

override_resource {
  target = module.function["introspection"].aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-introspection"
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
    introspection = { caller_client_ids = ["m2mcaller0123456789abcdefg"], staleness_seconds = 5 }
  }

  assert {
    condition     = aws_lambda_function_url.introspection[0].authorization_type == "NONE" && aws_lambda_permission.introspection_url[0].action == "lambda:InvokeFunctionUrl" && aws_lambda_permission.introspection_url[0].function_url_auth_type == "NONE"
    error_message = "The URL is reached by gateways that cannot sign: auth type NONE, with the InvokeFunctionUrl grant."
  }

  assert {
    condition = module.function["introspection"].environment == tomap({
      USER_POOL_ID                 = "eu-west-1_AbCdEf123"
      CLIENT_IDS                   = "4b7kq0mv9n2l3c8d5e6f1g0h2j"
      TABLE_NAME                   = "cognito-revocation-blocklist"
      SESSION_CLAIM                = "revocation_sid"
      FAIL_MODE                    = "closed"
      STORE_TIMEOUT_MS             = "800"
      REVOCATION_STALENESS_SECONDS = "5"
      CALLER_CLIENT_IDS            = "m2mcaller0123456789abcdefg"
      CALLER_SCOPE                 = "cognito-revocation/introspect"
      JWKS_URI                     = ""
      LOG_LEVEL                    = "info"
      METRICS_NAMESPACE            = "CognitoRevocation"
    })
    error_message = "Environment: ${jsonencode(module.function["introspection"].environment)}"
  }

  assert {
    condition = [for s in jsondecode(output.introspection.role_policy).Statement : { sid = s.Sid, action = s.Action, resource = s.Resource }] == [
      { sid = "WriteOwnLogs", action = ["logs:CreateLogStream", "logs:PutLogEvents"], resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-introspection:*"] },
      { sid = "ReadBlocklist", action = ["dynamodb:Query"], resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist"] },
    ]
    error_message = "Role policy: ${output.introspection.role_policy}"
  }
}

run "refuses_no_callers" {
  command = plan

  variables {
    introspection = { caller_client_ids = [] }
  }

  expect_failures = [var.introspection]
}

run "refuses_a_staleness_past_the_bound" {
  command = plan

  variables {
    introspection = { caller_client_ids = ["m2mcaller0123456789abcdefg"], staleness_seconds = 30 }
  }

  expect_failures = [var.introspection]
}
