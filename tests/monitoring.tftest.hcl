# Opt-in alarms and dashboard (monitoring.tf): nothing by default; with a topic, each alarm on the contract's metric
# names and dimensions, wired to the topic; the dashboard's widgets name only contract metrics.

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

run "alarms_to_the_topic" {
  command = apply

  variables {
    alarm_sns_topic_arn = "arn:aws:sns:eu-west-1:123456789012:ops-alerts"
  }

  assert {
    condition     = toset(keys(aws_cloudwatch_metric_alarm.single)) == toset(["fail-open", "store-errors"]) && toset(keys(aws_cloudwatch_metric_alarm.summed)) == toset(["cache-flush-failed", "hint-unwritten", "trigger-errors"])
    error_message = "Alarms: ${jsonencode(keys(aws_cloudwatch_metric_alarm.single))} ${jsonencode(keys(aws_cloudwatch_metric_alarm.summed))}"
  }

  assert {
    condition = alltrue([for a in concat(values(aws_cloudwatch_metric_alarm.single), values(aws_cloudwatch_metric_alarm.summed)) :
    a.alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:ops-alerts"]) && a.ok_actions == toset(["arn:aws:sns:eu-west-1:123456789012:ops-alerts"])])
    error_message = "An alarm does not notify the topic."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.single["fail-open"].metric_name == "FailOpen" && aws_cloudwatch_metric_alarm.single["fail-open"].namespace == "CognitoRevocation" && aws_cloudwatch_metric_alarm.single["fail-open"].dimensions == tomap({ service = "authorizer" }) && aws_cloudwatch_metric_alarm.single["fail-open"].threshold == 0
    error_message = "fail-open alarm: ${jsonencode(aws_cloudwatch_metric_alarm.single["fail-open"])}"
  }

  assert {
    condition     = [for q in aws_cloudwatch_metric_alarm.summed["cache-flush-failed"].metric_query : q.metric[0].metric_name if length(q.metric) > 0] == ["cache_flush_failed"]
    error_message = "cache-flush-failed reads: ${jsonencode(aws_cloudwatch_metric_alarm.summed["cache-flush-failed"].metric_query)}"
  }

  assert {
    condition     = length([for q in aws_cloudwatch_metric_alarm.summed["trigger-errors"].metric_query : q if length(q.metric) > 0]) == 9
    error_message = "trigger-errors should sum trigger_error over 8 trigger sources and config_error."
  }
}

run "every_alarm_when_every_feature_is_on" {
  command = apply

  variables {
    alarm_sns_topic_arn                       = "arn:aws:sns:eu-west-1:123456789012:ops-alerts"
    revocation_sweep_schedule                 = "rate(15 minutes)"
    revoke_on                                 = ["AdminDisableUser"]
    chained_pre_token_generation_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:tenant-claims"
  }

  assert {
    condition     = toset(keys(output.alarm_arns)) == toset(["fail-open", "store-errors", "sweep-incomplete", "cache-flush-failed", "hint-unwritten", "trigger-errors", "chained-trigger-failed", "revocation-dead-letters"])
    error_message = "Alarms: ${jsonencode(keys(output.alarm_arns))}"
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.dead_letter_queue[0].namespace == "AWS/SQS" && aws_cloudwatch_metric_alarm.dead_letter_queue[0].metric_name == "ApproximateNumberOfMessagesVisible"
    error_message = "Dead-letter alarm: ${jsonencode(aws_cloudwatch_metric_alarm.dead_letter_queue[0])}"
  }

  assert {
    condition     = length([for q in aws_cloudwatch_metric_alarm.summed["hint-unwritten"].metric_query : q if length(q.metric) > 0]) == 2
    error_message = "hint-unwritten should sum over admin-signout and auto-revocation."
  }
}

run "dashboard" {
  command = apply

  variables {
    create_dashboard = true
  }

  assert {
    condition     = aws_cloudwatch_dashboard.this[0].dashboard_name == "cognito-revocation-revocation" && output.dashboard_name == "cognito-revocation-revocation"
    error_message = "Dashboard: ${jsonencode(output.dashboard_name)}"
  }

  assert {
    condition = toset(flatten([for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : [for m in try(w.properties.metrics, []) : m[1]]])) == toset(concat(
      [for r in ["valid", "fail_open", "revoked", "store_error", "missing_token", "unrecognised_event", "config_error", "internal_error", "malformed_token", "invalid_signature", "unknown_kid", "expired", "wrong_issuer", "wrong_client", "wrong_token_use", "invalid_claims", "jwks_unavailable"] : "Reason_${r}"],
      ["Revoked_user", "Revoked_origin", "Revoked_session", "Revoked_token", "revocations_written", "StoreLatency", "cache_flush_failed", "hint_unwritten", "StoreErrors", "FailOpen", "session_recorded", "session_record_failed"],
    ))
    error_message = "Dashboard metrics: ${aws_cloudwatch_dashboard.this[0].dashboard_body}"
  }

  assert {
    condition     = length([for w in jsondecode(aws_cloudwatch_dashboard.this[0].dashboard_body).widgets : w if strcontains(try(w.properties.query, ""), "@initDuration")]) == 1
    error_message = "No cold-start widget."
  }
}
