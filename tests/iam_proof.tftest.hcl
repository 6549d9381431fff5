# Every function switched on — the four opt-in doors (introspection, token revocation, Shared Signals receiver,
# Global Token Revocation) included, with the inputs their own test files use — with fixed names and ids: the
# policies that test/iam/policy-proof.test.ts checks the bundles' recorded AWS calls against (it reads this run's
# outputs). The assertions here hold on their own: each function has a policy, and no statement grants every action
# or every resource.

mock_provider "aws" {
  source = "./tests/mocks"
}

override_resource {
  target = aws_sqs_queue.auto_revocation_dlq
  values = {
    arn = "arn:aws:sqs:eu-west-1:123456789012:cognito-revocation-auto-revocation-dlq"
    id  = "https://sqs.eu-west-1.amazonaws.com/123456789012/cognito-revocation-auto-revocation-dlq"
  }
}

override_resource {
  target = aws_cloudwatch_event_rule.cognito_calls
  values = {
    arn = "arn:aws:events:eu-west-1:123456789012:rule/cognito-revocation-cognito-calls"
  }
}

override_resource {
  target = aws_cloudwatch_event_rule.revocation_sweep
  values = {
    arn = "arn:aws:events:eu-west-1:123456789012:rule/cognito-revocation-revocation-sweep"
  }
}

override_resource {
  target = module.function["auto_revocation"].aws_lambda_function.this
  values = {
    arn = "arn:aws:lambda:eu-west-1:123456789012:function:cognito-revocation-auto-revocation"
  }
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
  rest_apis = {
    orders = { rest_api_id = "a1b2c3d4e5", authorizer_result_ttl_in_seconds = 300 }
  }
  http_apis = {
    catalog = { api_id = "f6g7h8i9j0" }
  }
  cache_flush_rest_api_stages = { orders = { rest_api_id = "a1b2c3d4e5", stages = ["prod"] } }
  cache_flush_http_api_stages = { catalog = { api_id = "f6g7h8i9j0", stages = ["$default"] } }
  revoke_on                   = ["AdminDisableUser", "AdminDeleteUser", "AdminUserGlobalSignOut"]
  revocation_sweep_schedule   = "rate(15 minutes)"
  cognito_session_management  = true
  logout = {
    http_apis = { catalog = {} }
    rest_apis = { orders = { parent_resource_id = "root12" } }
  }
  introspection    = { caller_client_ids = ["m2mcaller0123456789abcdefg"], staleness_seconds = 5 }
  token_revocation = { caller_client_ids = ["m2mcaller0123456789abcdefg"] }
  shared_signals = {
    issuer        = "https://example.okta.com"
    audience      = ["https://api.example.com/ssf"]
    provider_name = "Okta"
    http_apis     = { catalog = {} }
    rest_apis     = { orders = { parent_resource_id = "root12" } }
  }
  global_token_revocation = {
    issuer        = "https://example.okta.com"
    audience      = ["https://api.example.com/gtr"]
    scope         = "okta.globalTokenRevocation"
    provider_name = "Okta"
    http_apis     = { catalog = {} }
    rest_apis     = { orders = { parent_resource_id = "root12" } }
  }
}

# Each door's policy is known at plan, like the five functions' (tests/reviewable_iam.tftest.hcl): its log statement
# names the log group by the ARN built from region, account and function name, never by the log group resource's
# ARN, which exists only after apply (a reviewer or a policy scanner would see no grant before apply).
run "door_policies_known_at_plan" {
  command = plan

  assert {
    condition = alltrue([for key, door in {
      introspection           = output.introspection
      token_revocation        = output.token_revocation
      shared_signals          = output.shared_signals
      global_token_revocation = output.global_token_revocation
      } : jsondecode(door.role_policy).Statement[0] == {
      Sid      = "WriteOwnLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-${replace(key, "_", "-")}:*"]
    }])
    error_message = "Each door's log statement names its own log group by its built ARN, known at plan."
  }
}

run "every_function_on" {
  command = apply

  assert {
    condition     = length(output.role_policies) >= 5
    error_message = "Every function must have a policy: ${jsonencode(keys(output.role_policies))}"
  }

  assert {
    condition     = alltrue([for door in [output.introspection, output.token_revocation, output.shared_signals, output.global_token_revocation] : door != null ? can(jsondecode(door.role_policy).Statement) : false])
    error_message = "Each opt-in door must be on, with its role policy in its output."
  }

  assert {
    condition = alltrue(flatten([for p in concat(values(output.role_policies), [output.introspection.role_policy, output.token_revocation.role_policy, output.shared_signals.role_policy, output.global_token_revocation.role_policy]) : [
      for s in jsondecode(p).Statement : !contains(flatten([s.Action]), "*") && !contains(flatten([s.Resource]), "*")
    ]]))
    error_message = "No statement may grant every action or every resource."
  }
}
