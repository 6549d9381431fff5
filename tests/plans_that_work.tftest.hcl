# Configurations that used to plan cleanly and then failed at apply or, worse, silently did nothing after apply:
# each run pins what the module now does instead (docs/hardening.md, "Terraform: plans that work").

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

# Lambda keeps an asynchronous event at most 21,600 s; EventBridge's target retries up to 86,400 s. A one-day
# retry window must reach EventBridge unchanged and Lambda capped, not fail the apply.
run "event_age_beyond_lambda_maximum_is_capped_for_lambda_only" {
  command = plan

  variables {
    revoke_on                  = ["AdminDisableUser"]
    automatic_revocation_retry = { maximum_event_age_in_seconds = 86400 }
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.auto_revocation[0].maximum_event_age_in_seconds == 21600
    error_message = "Lambda's event age must be capped at 21600 s, got ${aws_lambda_function_event_invoke_config.auto_revocation[0].maximum_event_age_in_seconds}."
  }

  assert {
    condition     = aws_cloudwatch_event_target.cognito_calls[0].retry_policy[0].maximum_event_age_in_seconds == 86400
    error_message = "EventBridge's own retry window must stay as configured."
  }
}

run "event_age_within_lambda_maximum_is_kept" {
  command = plan

  variables {
    revoke_on                  = ["AdminDisableUser"]
    automatic_revocation_retry = { maximum_event_age_in_seconds = 7200 }
  }

  assert {
    condition     = aws_lambda_function_event_invoke_config.auto_revocation[0].maximum_event_age_in_seconds == 7200
    error_message = "A window Lambda accepts is passed on unchanged."
  }
}

# EventBridge can write to a queue under a customer managed key only if that key's policy lets it: with the
# module's key on the queue, failed revocation events were dropped. The module's key no longer encrypts the queue.
run "module_key_does_not_encrypt_the_dead_letter_queue" {
  command = plan

  variables {
    revoke_on   = ["AdminDisableUser"]
    kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
  }

  assert {
    condition     = aws_sqs_queue.auto_revocation_dlq[0].sqs_managed_sse_enabled == true && aws_sqs_queue.auto_revocation_dlq[0].kms_master_key_id == null
    error_message = "The dead-letter queue must use SSE-SQS unless dead_letter_queue_kms_key_arn is set."
  }

  assert {
    condition     = output.automatic_revocation.dead_letter_queue_key_policy_statement == null
    error_message = "No key policy statement is needed with SSE-SQS."
  }
}

run "dead_letter_queue_with_its_own_key" {
  command = apply

  variables {
    revoke_on                     = ["AdminDisableUser"]
    revocation_sweep_schedule     = "rate(1 hour)"
    dead_letter_queue_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
  }

  assert {
    condition     = aws_sqs_queue.auto_revocation_dlq[0].kms_master_key_id == "arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"
    error_message = "The queue must be encrypted with dead_letter_queue_kms_key_arn."
  }

  # Lambda's on-failure destination sends with the function's role.
  assert {
    condition     = contains([for s in jsondecode(output.automatic_revocation.role_policy).Statement : s if s.Sid == "EncryptDeadLetters"], { Sid = "EncryptDeadLetters", Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = ["arn:aws:kms:eu-west-1:123456789012:key/99999999-8888-7777-6666-555555555555"] })
    error_message = "The function's role must be able to use the queue's key: ${output.automatic_revocation.role_policy}"
  }

  # What the key's policy must add for EventBridge, limited to the module's two rules.
  assert {
    condition = jsondecode(output.automatic_revocation.dead_letter_queue_key_policy_statement) == {
      Sid       = "EventBridgeDeadLettersOfCognitoRevocation"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
      Resource  = "*"
      Condition = { ArnEquals = { "aws:SourceArn" = ["arn:aws:events:eu-west-1:123456789012:rule/cognito-revocation-cognito-calls", "arn:aws:events:eu-west-1:123456789012:rule/cognito-revocation-revocation-sweep"] } }
    }
    error_message = "Key policy statement: ${output.automatic_revocation.dead_letter_queue_key_policy_statement}"
  }
}

# EventBridge's rate expressions take a singular unit for 1 and a plural one otherwise; anything else fails at apply.
run "sweep_schedule_rejects_rate_1_minutes" {
  command = plan

  variables {
    revocation_sweep_schedule = "rate(1 minutes)"
  }

  expect_failures = [var.revocation_sweep_schedule]
}

run "sweep_schedule_rejects_rate_5_hour" {
  command = plan

  variables {
    revocation_sweep_schedule = "rate(5 hour)"
  }

  expect_failures = [var.revocation_sweep_schedule]
}

run "sweep_schedule_accepts_rate_1_minute" {
  command = plan

  variables {
    revocation_sweep_schedule = "rate(1 minute)"
  }

  assert {
    condition     = aws_cloudwatch_event_rule.revocation_sweep[0].schedule_expression == "rate(1 minute)"
    error_message = "rate(1 minute) is valid."
  }
}

# A second-region instance: Cognito's CloudTrail events reach EventBridge in the pool's region only.
run "revoke_on_in_another_region_than_the_pool_fails" {
  command = plan

  variables {
    user_pool_id        = "us-east-1_AbCdEf123"
    existing_table_name = "cognito-revocation-blocklist"
    revoke_on           = ["AdminDisableUser"]
  }

  expect_failures = [output.user_pool_arn]
}

run "sweep_in_another_region_than_the_pool_fails" {
  command = plan

  variables {
    user_pool_id              = "us-east-1_AbCdEf123"
    existing_table_name       = "cognito-revocation-blocklist"
    revocation_sweep_schedule = "rate(15 minutes)"
  }

  expect_failures = [output.user_pool_arn]
}

# Revocations run in the pool's region: the flush list of a second-region instance would never be used.
run "flush_targets_in_another_region_than_the_pool_fail" {
  command = plan

  variables {
    user_pool_id                = "us-east-1_AbCdEf123"
    existing_table_name         = "cognito-revocation-blocklist"
    cache_flush_rest_api_stages = { orders = { rest_api_id = "a1b2c3d4e5", stages = ["prod"] } }
  }

  expect_failures = [output.user_pool_arn]
}

run "second_region_instance_that_only_verifies_plans" {
  command = plan

  variables {
    user_pool_id        = "us-east-1_AbCdEf123"
    existing_table_name = "cognito-revocation-blocklist"
  }

  assert {
    condition     = output.user_pool_arn == "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_AbCdEf123"
    error_message = "A verify-only second-region instance stays valid."
  }
}

# An authorizer cache TTL above 0 and no flush of that API's stages: revocations lag by up to the TTL, silently.
run "cached_rest_authorizer_without_flush_warns" {
  command = plan

  variables {
    rest_apis = { orders = { rest_api_id = "a1b2c3d4e5", authorizer_result_ttl_in_seconds = 300 } }
  }

  expect_failures = [check.authorizer_caches_are_flushed]
}

run "cached_http_authorizer_without_flush_warns" {
  command = plan

  variables {
    http_apis = { catalog = { api_id = "f6g7h8i9j0", authorizer_result_ttl_in_seconds = 300, identity_sources = ["$request.header.Authorization"] } }
  }

  expect_failures = [check.authorizer_caches_are_flushed]
}

run "cached_authorizer_with_flush_plans_quietly" {
  command = plan

  variables {
    rest_apis                   = { orders = { rest_api_id = "a1b2c3d4e5", authorizer_result_ttl_in_seconds = 300 } }
    http_apis                   = { catalog = { api_id = "f6g7h8i9j0", authorizer_result_ttl_in_seconds = 300, identity_sources = ["$request.header.Authorization"] } }
    cache_flush_rest_api_stages = { orders = { rest_api_id = "a1b2c3d4e5", stages = ["prod"] } }
    cache_flush_http_api_stages = { catalog = { api_id = "f6g7h8i9j0", stages = ["$default"] } }
  }

  assert {
    condition     = length(local.unflushed_cached_apis) == 0
    error_message = "Every cached API has a flushed stage: ${jsonencode(local.unflushed_cached_apis)}"
  }
}
