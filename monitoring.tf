# Operations: opt-in CloudWatch alarms (to an SNS topic you own) and a dashboard, on the EMF metrics the functions
# write (namespace `metrics_namespace`). Every metric name used here is in lambdas/config/metrics.ts, the metrics
# contract; test/config/metrics-contract.test.ts fails when this file names one that is not. What each alarm means
# and what to do: docs/operations.md.

locals {
  alarms_enabled = var.create && var.alarm_sns_topic_arn != null

  # The metrics the alarms and the dashboard read, by emitting function (names: lambdas/config/metrics.ts).
  monitoring_metric_names = {
    authorizer = concat(
      ["Allowed", "Denied", "FailOpen", "StoreErrors", "StoreLatency"],
      [for r in local.decision_reasons : "Reason_${r}"],
      [for s in ["user", "origin", "session", "token"] : "Revoked_${s}"],
    )
    token_trigger = ["trigger_error", "config_error", "chain_failed", "session_recorded", "session_record_failed"]
    revokers      = ["cache_flush_failed", "hint_unwritten", "revocations_written", "failed_sweep"]
  }
  decision_reasons = [
    "valid", "fail_open", "revoked", "store_error", "missing_token", "unrecognised_event", "config_error",
    "internal_error", "malformed_token", "invalid_signature", "unknown_kid", "expired", "wrong_issuer", "wrong_client",
    "wrong_token_use", "invalid_claims", "jwks_unavailable",
  ]
  # The token trigger's metrics carry a `triggerSource` dimension (config_error does not).
  trigger_sources = [
    "TokenGeneration_HostedAuth", "TokenGeneration_Authentication", "TokenGeneration_NewPasswordChallenge",
    "TokenGeneration_AuthenticateDevice", "TokenGeneration_RefreshTokens", "TokenGeneration_ClientCredentials",
    "PostAuthentication_Authentication", "other",
  ]
  # The functions that revoke (and so flush caches and write hints), as their metrics' `service` dimension.
  revoker_services = concat(
    ["admin-signout"],
    local.auto_revocation_enabled ? ["auto-revocation"] : [],
    local.logout_enabled ? ["logout"] : [],
  )

  # One metric of a single service: the alarms below.
  single_metric_alarms = local.alarms_enabled ? merge(
    {
      fail-open = {
        metric      = "FailOpen"
        service     = "authorizer"
        threshold   = 0
        description = "The authorizer allowed requests without a blocklist answer (fail_mode = \"open\"): revoked tokens may have passed. docs/operations.md#fail-open"
      }
      store-errors = {
        metric      = "StoreErrors"
        service     = "authorizer"
        threshold   = var.alarm_store_error_threshold
        description = "The authorizer could not read the blocklist in time: requests were denied (or allowed with fail_mode = \"open\"). docs/operations.md#store-errors"
      }
    },
    local.auto_revocation_sweep ? {
      sweep-incomplete = {
        metric      = "failed_sweep"
        service     = "auto-revocation"
        threshold   = 0
        description = "A revocation sweep failed or left users unrevoked (the next sweep retries them). docs/operations.md#sweep-incomplete"
      }
    } : {},
  ) : {}

  # One metric summed over several services or dimension values (metric math).
  summed_alarms = local.alarms_enabled ? merge(
    {
      cache-flush-failed = {
        description = "An authorizer-cache flush after a revocation was refused (403), throttled (429) or failed: a cached allow may live until its TTL. docs/operations.md#cache-flush-failed"
        metrics     = { for i, s in local.revoker_services : "m${i}" => { name = "cache_flush_failed", dimensions = { service = s } } }
      }
      hint-unwritten = {
        description = "A revocation hint was not written: authorizers in staleness mode may keep a cached verdict up to revocation_max_age_seconds. docs/operations.md#hint-unwritten"
        metrics     = { for i, s in local.revoker_services : "m${i}" => { name = "hint_unwritten", dimensions = { service = s } } }
      }
      trigger-errors = {
        description = "The token trigger hit an unexpected error or is misconfigured: tokens were issued without a recorded session id (sign-in went on). docs/operations.md#trigger-errors"
        metrics = merge(
          { for i, src in local.trigger_sources : "m${i}" => { name = "trigger_error", dimensions = { service = "token-trigger", triggerSource = src } } },
          { cfg = { name = "config_error", dimensions = { service = "token-trigger" } } },
        )
      }
    },
    local.trigger_chained ? {
      chained-trigger-failed = {
        description = "The chained pre-token-generation function failed or timed out: those sign-ins failed. docs/operations.md#chained-trigger-failed"
        metrics     = { for i, src in slice(local.trigger_sources, 0, 6) : "m${i}" => { name = "chain_failed", dimensions = { service = "token-trigger", triggerSource = src } } }
      }
    } : {},
  ) : {}
}

resource "aws_cloudwatch_metric_alarm" "single" {
  for_each = local.single_metric_alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = var.metrics_namespace
  metric_name         = each.value.metric
  dimensions          = { service = each.value.service }
  statistic           = "Sum"
  period              = var.alarm_period_seconds
  evaluation_periods  = 1
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching" # EMF writes nothing when nothing happened
  alarm_actions       = [var.alarm_sns_topic_arn]
  ok_actions          = [var.alarm_sns_topic_arn]
  tags                = var.tags
}

resource "aws_cloudwatch_metric_alarm" "summed" {
  for_each = local.summed_alarms

  alarm_name          = "${var.name_prefix}-${each.key}"
  alarm_description   = each.value.description
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]
  ok_actions          = [var.alarm_sns_topic_arn]
  tags                = var.tags

  metric_query {
    id          = "total"
    expression  = "SUM([${join(",", keys(each.value.metrics))}])"
    label       = each.key
    return_data = true
  }

  dynamic "metric_query" {
    for_each = each.value.metrics
    content {
      id = metric_query.key
      metric {
        namespace   = var.metrics_namespace
        metric_name = metric_query.value.name
        dimensions  = metric_query.value.dimensions
        stat        = "Sum"
        period      = var.alarm_period_seconds
      }
    }
  }
}

# A revoking event the automatic revocation could not process after its retries: a user who should be revoked.
resource "aws_cloudwatch_metric_alarm" "dead_letter_queue" {
  count = local.alarms_enabled && local.auto_revocation_enabled ? 1 : 0

  alarm_name          = "${var.name_prefix}-revocation-dead-letters"
  alarm_description   = "Revoking events are in the automatic revocation's dead-letter queue: those users were NOT revoked. docs/operations.md#dead-letters"
  namespace           = "AWS/SQS"
  metric_name         = "ApproximateNumberOfMessagesVisible"
  dimensions          = { QueueName = aws_sqs_queue.auto_revocation_dlq[0].name }
  statistic           = "Maximum"
  period              = var.alarm_period_seconds
  evaluation_periods  = 1
  threshold           = 0
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [var.alarm_sns_topic_arn]
  ok_actions          = [var.alarm_sns_topic_arn]
  tags                = var.tags
}

locals {
  dashboard_log_groups = compact(flatten([
    [for key, m in local.function_modules : m.log_group_name],
  ]))
  dashboard_widget = {
    type   = "metric"
    width  = 12
    height = 6
  }
  dashboard_body = jsonencode({
    widgets = [
      merge(local.dashboard_widget, {
        properties = {
          title   = "Authorizer decisions by reason"
          region  = local.region
          stat    = "Sum"
          period  = 300
          stacked = true
          view    = "timeSeries"
          metrics = [for r in local.decision_reasons : [var.metrics_namespace, "Reason_${r}", "service", "authorizer"]]
        }
      }),
      merge(local.dashboard_widget, {
        properties = {
          title  = "Tokens refused by revocation scope; revocations written"
          region = local.region
          stat   = "Sum"
          period = 300
          view   = "timeSeries"
          metrics = concat(
            [for s in ["user", "origin", "session", "token"] : [var.metrics_namespace, "Revoked_${s}", "service", "authorizer"]],
            [for s in local.revoker_services : [var.metrics_namespace, "revocations_written", "service", s]],
          )
        }
      }),
      merge(local.dashboard_widget, {
        properties = {
          title  = "Blocklist lookup latency (ms)"
          region = local.region
          period = 300
          view   = "timeSeries"
          metrics = [for p in ["p50", "p90", "p99", "Maximum"] :
            [var.metrics_namespace, "StoreLatency", "service", "authorizer", { stat = p, label = p }]
          ]
        }
      }),
      merge(local.dashboard_widget, {
        properties = {
          title  = "After revocations: failed cache flushes, unwritten hints; store errors, fail-open"
          region = local.region
          stat   = "Sum"
          period = 300
          view   = "timeSeries"
          metrics = concat(
            [for s in local.revoker_services : [var.metrics_namespace, "cache_flush_failed", "service", s]],
            [for s in local.revoker_services : [var.metrics_namespace, "hint_unwritten", "service", s]],
            [[var.metrics_namespace, "StoreErrors", "service", "authorizer"], [var.metrics_namespace, "FailOpen", "service", "authorizer"]],
          )
        }
      }),
      merge(local.dashboard_widget, {
        properties = {
          title  = "Token trigger: sessions recorded / not recorded (all sign-in sources)"
          region = local.region
          stat   = "Sum"
          period = 300
          view   = "timeSeries"
          metrics = concat(
            [for src in slice(local.trigger_sources, 0, 5) : [var.metrics_namespace, "session_recorded", "service", "token-trigger", "triggerSource", src]],
            [for src in slice(local.trigger_sources, 0, 5) : [var.metrics_namespace, "session_record_failed", "service", "token-trigger", "triggerSource", src]],
          )
        }
      }),
      {
        type   = "log"
        width  = 12
        height = 6
        properties = {
          title  = "Cold starts (Lambda REPORT lines with an init duration)"
          region = local.region
          view   = "timeSeries"
          query  = "SOURCE ${join(" | SOURCE ", [for g in local.dashboard_log_groups : "'${g}'"])} | filter @type = \"REPORT\" and ispresent(@initDuration) | stats count() as coldStarts by bin(5m)"
        }
      },
    ]
  })
}

resource "aws_cloudwatch_dashboard" "this" {
  count = var.create && var.create_dashboard ? 1 : 0

  dashboard_name = "${var.name_prefix}-revocation"
  dashboard_body = local.dashboard_body
}

