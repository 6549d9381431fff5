# Lambda's platform lines: every function logs in the JSON format with the platform's lines at WARN (no START,
# END, REPORT per invocation), and Lambda filters none of the functions' own lines (their LOG_LEVEL does).

mock_provider "aws" {
  source = "./tests/mocks"
}

override_resource {
  target = aws_cloudwatch_event_rule.cognito_calls
  values = {
    arn = "arn:aws:events:eu-west-1:123456789012:rule/cognito-revocation-cognito-calls"
  }
}

variables {
  user_pool_id = "eu-west-1_AbCdEf123"
  client_ids   = ["4b7kq0mv9n2l3c8d5e6f1g0h2j"]
  http_apis    = { catalog = { api_id = "f6g7h8i9j0" } }
  revoke_on    = ["AdminDisableUser"]
  logout       = { http_apis = { catalog = {} } }
}

run "json_logs_with_platform_lines_at_warn_on_every_function" {
  command = plan

  assert {
    condition = alltrue([for m in values(merge(module.function, { token_trigger = module.token_trigger })) :
      m.logging_config == { log_format = "JSON", system_log_level = "WARN", application_log_level = "TRACE" }
    ])
    error_message = "Every function must log JSON, platform lines at WARN, application lines unfiltered by Lambda."
  }

  assert {
    condition     = length(module.function) == 4
    error_message = "The run covers all five functions (four in the for_each, the token trigger on its own)."
  }
}

run "platform_lines_back_at_info" {
  command = plan

  variables {
    system_log_level = "INFO"
  }

  assert {
    condition     = alltrue([for m in values(merge(module.function, { token_trigger = module.token_trigger })) : m.logging_config.system_log_level == "INFO" && m.logging_config.application_log_level == "TRACE"])
    error_message = "system_log_level reaches every function and leaves the application level alone."
  }
}

run "refuses_an_application_level_name_for_the_platform" {
  command = plan

  variables {
    system_log_level = "ERROR"
  }

  expect_failures = [var.system_log_level]
}
