# Automatic revocation (docs/automatic-revocation.md): revocation that happens by itself.
#
# - Event path (`revoke_on`): an EventBridge rule on the pool's Cognito API calls recorded by CloudTrail
#   (AdminDisableUser, AdminDeleteUser, ...) invokes the auto-revocation function, which writes the user watermark
#   through the admin operations. Needs a CloudTrail trail logging management events in the pool's region
#   ("To record events with a detail-type value of AWS API Call via CloudTrail, a CloudTrail trail with logging
#   enabled is required", EventBridge user guide). Retries: the rule target's retry policy, then the function's
#   asynchronous retries; what still fails lands in the dead-letter queue.
# - Sweep (`revocation_sweep_schedule`): the same function on a schedule, for what the event path cannot see
#   (records that hide the user, no trail, lost events): every user the pool reports disabled and every user with
#   recorded sessions who no longer exists gets a watermark. The interval is the documented bound.
#
# Off by default: nothing here is created while `revoke_on` is empty and `revocation_sweep_schedule` is null, nor
# with `create = false`.

locals {
  # The admin function's extra statement for Cognito session management (iam.tf concatenates it).
  cognito_session_statements = var.cognito_session_management ? [{
    sid       = "CognitoSessionsOfOnePool"
    actions   = ["cognito-idp:AdminListUserSessions", "cognito-idp:AdminRevokeUserSession"]
    resources = [local.user_pool_arn]
  }] : []

  auto_revocation_events  = var.create && length(var.revoke_on) > 0
  auto_revocation_sweep   = var.create && var.revocation_sweep_schedule != null
  auto_revocation_enabled = local.auto_revocation_events || local.auto_revocation_sweep
  # Calls a user makes with their own access token: the record may not name the pool, so the rule cannot filter
  # them by pool (the function checks the user against the pool instead).
  auto_revocation_user_calls  = [for e in var.revoke_on : e if contains(["GlobalSignOut", "DeleteUser", "ChangePassword", "ConfirmForgotPassword"], e)]
  auto_revocation_admin_calls = [for e in var.revoke_on : e if !contains(local.auto_revocation_user_calls, e)]

  # The environment contract of lambdas/config/contract.ts for the auto-revocation function, exactly.
  auto_revocation_environment = {
    TABLE_NAME                     = local.table_name
    USER_POOL_ID                   = var.user_pool_id
    TOKEN_LIFETIME_SECONDS         = tostring(var.token_lifetime_seconds)
    REFRESH_TOKEN_LIFETIME_SECONDS = tostring(var.refresh_token_lifetime_seconds)
    REVOKE_ON                      = join(",", var.revoke_on)
    CLIENT_IDS                     = join(",", var.client_ids)
    CACHE_FLUSH_TARGETS            = jsonencode(local.cache_flush_targets) # cache.tf
    LOG_LEVEL                      = var.log_level
    METRICS_NAMESPACE              = var.metrics_namespace
  }

  # Least privilege: the admin operations' table commands (BatchWriteItem marks session records; the sweep adds Scan, to find users with recorded
  # sessions), the pool's lookups and sign-out, and the dead-letter queue (Lambda's on-failure destination).
  auto_revocation_policy_statements = concat([
    {
      sid       = "RevokeUsers"
      actions   = sort(concat(["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"], local.auto_revocation_sweep ? ["dynamodb:Scan"] : []))
      resources = [module.table.arn]
    },
    {
      sid       = "LookUpAndSignOutUsersOfOnePool"
      actions   = ["cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:ListUsers"]
      resources = [local.user_pool_arn]
    },
    {
      sid       = "DeadLetter"
      actions   = ["sqs:SendMessage"]
      resources = [local.auto_revocation_dlq_arn]
    },
  ], local.kms_read_write, local.dead_letter_key_statements, local.cache_flush_policy_statements)

  # Lambda sends a failed event to the queue with the function's own role: under a customer managed key that
  # needs the key's data-key actions too (the SQS producer permissions).
  dead_letter_key_statements = var.dead_letter_queue_kms_key_arn == null ? [] : [{
    sid       = "EncryptDeadLetters"
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [var.dead_letter_queue_kms_key_arn]
  }]

  # The statement the dead-letter queue's key policy needs so EventBridge can write failed events to the queue,
  # limited to this module's rules.
  dead_letter_key_policy_statement = var.dead_letter_queue_kms_key_arn == null ? null : {
    Sid       = "EventBridgeDeadLettersOfCognitoRevocation"
    Effect    = "Allow"
    Principal = { Service = "events.amazonaws.com" }
    Action    = ["kms:Decrypt", "kms:GenerateDataKey"]
    Resource  = "*"
    Condition = { ArnEquals = { "aws:SourceArn" = local.auto_revocation_rule_arns } }
  }

  # The queue's and the rules' ARNs, built from their names so that every policy naming them is known at plan.
  auto_revocation_dlq_arn         = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${var.name_prefix}-auto-revocation-dlq"
  auto_revocation_events_rule_arn = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.name_prefix}-cognito-calls"
  auto_revocation_sweep_rule_arn  = "arn:${local.partition}:events:${local.region}:${local.account_id}:rule/${var.name_prefix}-revocation-sweep"
  auto_revocation_rule_arns = concat(
    local.auto_revocation_events ? [local.auto_revocation_events_rule_arn] : [],
    local.auto_revocation_sweep ? [local.auto_revocation_sweep_rule_arn] : [],
  )

  # EventBridge may invoke the function from the module's own rules only.
  auto_revocation_allowed_triggers = merge(
    local.auto_revocation_events ? { EventBridgeCognitoCalls = { principal = "events.amazonaws.com", source_arn = local.auto_revocation_events_rule_arn } } : {},
    local.auto_revocation_sweep ? { EventBridgeSweep = { principal = "events.amazonaws.com", source_arn = local.auto_revocation_sweep_rule_arn } } : {},
  )

  # The rule's `detail` filter, as JSON (the two shapes differ in type, so the choice is made on the encoded text).
  auto_revocation_pattern_detail = jsondecode(length(local.auto_revocation_user_calls) == 0 ? jsonencode({
    eventSource       = ["cognito-idp.amazonaws.com"]
    eventName         = var.revoke_on
    errorCode         = [{ exists = false }]
    requestParameters = { userPoolId = [var.user_pool_id] }
    }) : jsonencode({
    eventSource = ["cognito-idp.amazonaws.com"]
    eventName   = var.revoke_on
    errorCode   = [{ exists = false }]
    "$or" = concat(
      length(local.auto_revocation_admin_calls) > 0 ? [{ eventName = local.auto_revocation_admin_calls, requestParameters = { userPoolId = [var.user_pool_id] } }] : [],
      [{ eventName = local.auto_revocation_user_calls }],
    )
  }))
}

resource "aws_sqs_queue" "auto_revocation_dlq" {
  count = local.auto_revocation_enabled ? 1 : 0

  name                      = "${var.name_prefix}-auto-revocation-dlq"
  message_retention_seconds = 1209600 # 14 days, SQS's maximum: time to investigate and replay.
  # Not kms_key_arn: EventBridge can deliver to a queue under a customer managed key only when that key's policy
  # allows events.amazonaws.com, which this module cannot see or change; SSE-SQS needs no key policy at all.
  sqs_managed_sse_enabled = var.dead_letter_queue_kms_key_arn == null ? true : null
  kms_master_key_id       = var.dead_letter_queue_kms_key_arn
  tags                    = var.tags
}

# EventBridge may deliver failed events to the queue only from this module's rules.
resource "aws_sqs_queue_policy" "auto_revocation_dlq" {
  count = local.auto_revocation_enabled ? 1 : 0

  queue_url = aws_sqs_queue.auto_revocation_dlq[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EventBridgeDeadLetters"
      Effect    = "Allow"
      Principal = { Service = "events.amazonaws.com" }
      Action    = "sqs:SendMessage"
      Resource  = local.auto_revocation_dlq_arn
      Condition = { ArnEquals = { "aws:SourceArn" = local.auto_revocation_rule_arns } }
    }]
  })
}

# Lambda's asynchronous retries (EventBridge invokes asynchronously), then the dead-letter queue.
resource "aws_lambda_function_event_invoke_config" "auto_revocation" {
  count = local.auto_revocation_enabled ? 1 : 0

  function_name          = module.function["auto_revocation"].function_name
  maximum_retry_attempts = 2
  # Lambda keeps an asynchronous event at most 21,600 s (6 h); EventBridge's own retry window may be longer.
  maximum_event_age_in_seconds = min(var.automatic_revocation_retry.maximum_event_age_in_seconds, 21600)

  destination_config {
    on_failure {
      destination = aws_sqs_queue.auto_revocation_dlq[0].arn
    }
  }
}

resource "aws_cloudwatch_event_rule" "cognito_calls" {
  count = local.auto_revocation_events ? 1 : 0

  name        = "${var.name_prefix}-cognito-calls"
  description = "Cognito API calls that revoke a user's tokens (cognito-revocation automatic revocation)."
  event_pattern = jsonencode({
    source        = ["aws.cognito-idp"]
    "detail-type" = ["AWS API Call via CloudTrail"]
    detail        = local.auto_revocation_pattern_detail
  })
  tags = var.tags
}

resource "aws_cloudwatch_event_target" "cognito_calls" {
  count = local.auto_revocation_events ? 1 : 0

  rule = aws_cloudwatch_event_rule.cognito_calls[0].name
  arn  = module.function["auto_revocation"].function_arn

  retry_policy {
    maximum_retry_attempts       = var.automatic_revocation_retry.maximum_retry_attempts
    maximum_event_age_in_seconds = var.automatic_revocation_retry.maximum_event_age_in_seconds
  }

  dead_letter_config {
    arn = aws_sqs_queue.auto_revocation_dlq[0].arn
  }
}

resource "aws_cloudwatch_event_rule" "revocation_sweep" {
  count = local.auto_revocation_sweep ? 1 : 0

  name                = "${var.name_prefix}-revocation-sweep"
  description         = "Revokes disabled and deleted users the event path could not see (cognito-revocation sweep)."
  schedule_expression = var.revocation_sweep_schedule
  tags                = var.tags
}

resource "aws_cloudwatch_event_target" "revocation_sweep" {
  count = local.auto_revocation_sweep ? 1 : 0

  rule = aws_cloudwatch_event_rule.revocation_sweep[0].name
  arn  = module.function["auto_revocation"].function_arn

  retry_policy {
    maximum_retry_attempts       = 2
    maximum_event_age_in_seconds = 600
  }

  dead_letter_config {
    arn = aws_sqs_queue.auto_revocation_dlq[0].arn
  }
}
