# Automatic revocation is opt-in, and when on its role, rule, retries and dead-letter queue are exactly
# what docs/automatic-revocation.md says.

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

override_resource {
  target = module.function["auto_revocation"].aws_cloudwatch_log_group.this
  values = {
    arn = "arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-auto-revocation"
  }
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
}

# Off by default: checked in tests/defaults.tftest.hcl, in the plan of the module with its defaults.

run "event_path_and_sweep" {
  command = apply

  variables {
    revoke_on                 = ["AdminDisableUser", "AdminDeleteUser", "AdminResetUserPassword", "AdminSetUserPassword", "AdminUserGlobalSignOut"]
    revocation_sweep_schedule = "rate(15 minutes)"
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.cognito_calls[0].event_pattern) == {
      source        = ["aws.cognito-idp"]
      "detail-type" = ["AWS API Call via CloudTrail"]
      detail = {
        eventSource       = ["cognito-idp.amazonaws.com"]
        eventName         = ["AdminDisableUser", "AdminDeleteUser", "AdminResetUserPassword", "AdminSetUserPassword", "AdminUserGlobalSignOut"]
        errorCode         = [{ exists = false }]
        requestParameters = { userPoolId = ["eu-west-1_AbCdEf123"] }
      }
    }
    error_message = "Event pattern: ${aws_cloudwatch_event_rule.cognito_calls[0].event_pattern}"
  }

  assert {
    condition     = aws_cloudwatch_event_target.cognito_calls[0].dead_letter_config[0].arn == aws_sqs_queue.auto_revocation_dlq[0].arn && aws_cloudwatch_event_target.cognito_calls[0].retry_policy[0].maximum_retry_attempts == 8
    error_message = "The event target must retry and then dead-letter into the module's queue."
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.auto_revocation[0].destination_config[0].on_failure[0].destination == aws_sqs_queue.auto_revocation_dlq[0].arn
    error_message = "The function's failed asynchronous invocations must land in the dead-letter queue."
  }

  assert {
    condition     = aws_cloudwatch_event_rule.revocation_sweep[0].schedule_expression == "rate(15 minutes)"
    error_message = "Sweep schedule."
  }

  assert {
    condition = module.function["auto_revocation"].environment == tomap({
      TABLE_NAME                     = "cognito-revocation-blocklist"
      USER_POOL_ID                   = "eu-west-1_AbCdEf123"
      TOKEN_LIFETIME_SECONDS         = "86400"
      REFRESH_TOKEN_LIFETIME_SECONDS = "315360000"
      REVOKE_ON                      = "AdminDisableUser,AdminDeleteUser,AdminResetUserPassword,AdminSetUserPassword,AdminUserGlobalSignOut"
      CLIENT_IDS                     = "4b7kq0mv9n2l3c8d5e6f1g0h2j"
      CACHE_FLUSH_TARGETS            = "[]"
      LOG_LEVEL                      = "info"
      METRICS_NAMESPACE              = "CognitoRevocation"
    })
    error_message = "Environment: ${jsonencode(module.function["auto_revocation"].environment)}"
  }

  # Least privilege: exactly these actions, each on exactly one named resource.
  assert {
    condition = [for s in jsondecode(output.automatic_revocation.role_policy).Statement : { sid = s.Sid, action = s.Action, resource = s.Resource }] == [
      { sid = "WriteOwnLogs", action = ["logs:CreateLogStream", "logs:PutLogEvents"], resource = ["arn:aws:logs:eu-west-1:123456789012:log-group:/aws/lambda/cognito-revocation-auto-revocation:*"] },
      { sid = "RevokeUsers", action = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan"], resource = ["arn:aws:dynamodb:eu-west-1:123456789012:table/cognito-revocation-blocklist"] },
      { sid = "LookUpAndSignOutUsersOfOnePool", action = ["cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:ListUsers"], resource = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"] },
      { sid = "DeadLetter", action = ["sqs:SendMessage"], resource = ["arn:aws:sqs:eu-west-1:123456789012:cognito-revocation-auto-revocation-dlq"] },
    ]
    error_message = "Role policy: ${output.automatic_revocation.role_policy}"
  }

  assert {
    condition     = jsondecode(aws_sqs_queue_policy.auto_revocation_dlq[0].policy).Statement[0].Condition.ArnEquals["aws:SourceArn"] == ["arn:aws:events:eu-west-1:123456789012:rule/cognito-revocation-cognito-calls", "arn:aws:events:eu-west-1:123456789012:rule/cognito-revocation-revocation-sweep"]
    error_message = "Only the module's own rules may dead-letter into the queue."
  }
}

run "sweep_only_reads_no_events" {
  command = plan

  variables {
    revocation_sweep_schedule = "rate(1 hour)"
  }

  assert {
    condition     = length(aws_cloudwatch_event_rule.cognito_calls) == 0 && length(aws_cloudwatch_event_rule.revocation_sweep) == 1
    error_message = "A sweep alone creates no event rule."
  }
}

run "user_calls_are_not_filtered_by_pool" {
  command = apply

  variables {
    revoke_on = ["AdminDisableUser", "ChangePassword"]
  }

  assert {
    condition = jsondecode(aws_cloudwatch_event_rule.cognito_calls[0].event_pattern).detail["$or"] == [
      { eventName = ["AdminDisableUser"], requestParameters = { userPoolId = ["eu-west-1_AbCdEf123"] } },
      { eventName = ["ChangePassword"] },
    ]
    error_message = "Pattern: ${aws_cloudwatch_event_rule.cognito_calls[0].event_pattern}"
  }

  assert {
    condition     = !contains(jsondecode(output.automatic_revocation.role_policy).Statement[1].Action, "dynamodb:Scan")
    error_message = "Without a sweep the role has no Scan."
  }
}

run "refuses_unknown_event_names" {
  command = plan

  variables {
    revoke_on = ["AdminEnableUser"]
  }

  expect_failures = [var.revoke_on]
}

run "refuses_a_bad_schedule" {
  command = plan

  variables {
    revocation_sweep_schedule = "every 5 minutes"
  }

  expect_failures = [var.revocation_sweep_schedule]
}

run "cognito_session_management_adds_two_actions_on_the_pool" {
  command = apply

  variables {
    cognito_session_management = true
  }

  assert {
    condition = [for s in jsondecode(output.role_policies.admin_signout).Statement : s if s.Sid == "CognitoSessionsOfOnePool"] == [{
      Sid      = "CognitoSessionsOfOnePool"
      Effect   = "Allow"
      Action   = ["cognito-idp:AdminListUserSessions", "cognito-idp:AdminRevokeUserSession"]
      Resource = ["arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_AbCdEf123"]
    }]
    error_message = "Admin policy: ${output.role_policies.admin_signout}"
  }

  assert {
    condition     = module.function["admin_signout"].environment["COGNITO_SESSION_MANAGEMENT"] == "true"
    error_message = "The admin function must be told."
  }
}

run "no_session_actions_by_default" {
  command = apply

  assert {
    condition     = length([for s in jsondecode(output.role_policies.admin_signout).Statement : s if s.Sid == "CognitoSessionsOfOnePool"]) == 0
    error_message = "Session-management actions only when asked for."
  }
}

# An automatic revocation flushes the same listed stage caches as the admin function, with the same
# grant on exactly those stages' `cache/authorizers` resources.
run "automatic_revocation_flushes_the_listed_stage_caches" {
  command = apply

  variables {
    revoke_on                   = ["AdminDisableUser"]
    cache_flush_rest_api_stages = { main = { rest_api_id = "a1b2c3d4e5", stages = ["prod"] } }
  }

  assert {
    condition     = module.function["auto_revocation"].environment["CACHE_FLUSH_TARGETS"] == "[{\"api\":\"rest\",\"apiId\":\"a1b2c3d4e5\",\"stage\":\"prod\"}]"
    error_message = "CACHE_FLUSH_TARGETS: ${module.function["auto_revocation"].environment["CACHE_FLUSH_TARGETS"]}"
  }

  assert {
    condition = flatten([for s in jsondecode(output.automatic_revocation.role_policy).Statement : s.Resource if s.Sid == "FlushAuthorizerCachesOfListedStages"]) == [
      "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/prod/cache/authorizers",
    ]
    error_message = "Automatic revocation flush grant: ${output.automatic_revocation.role_policy}"
  }
}
