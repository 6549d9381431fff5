# Chaining the user pool's existing pre-token-generation function. A pool has one pre-token-generation trigger;
# when it already has one (custom claims, tenant ids, roles), name that function here and wire this module's
# trigger into the pool instead: the module's trigger invokes the named function with the same event, merges both
# answers (the named function wins, except on the session claim) and fails the sign-in when the named function
# fails (docs/token-trigger.md, "Pools that already have a trigger").

locals {
  trigger_chained = var.chained_pre_token_generation_function_arn != null

  # The token trigger's CHAINED_TRIGGER_FUNCTION (locals.tf, the contract of lambdas/config/contract.ts).
  chained_trigger_function = local.trigger_chained ? var.chained_pre_token_generation_function_arn : ""

  # Exactly the named ARN: no wildcard, no other function.
  trigger_chain_policy_json = local.trigger_chained ? jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "InvokeChainedPreTokenGenerationFunction"
      Effect   = "Allow"
      Action   = ["lambda:InvokeFunction"]
      Resource = [var.chained_pre_token_generation_function_arn]
    }]
  }) : null
}

# An extra inline policy on the token trigger's role, so the role's main policy stays the same with or without
# chaining.
resource "aws_iam_role_policy" "trigger_chain" {
  count = var.create && local.trigger_chained ? 1 : 0

  name   = "invoke-chained-pre-token-generation-function"
  role   = module.token_trigger.role_name
  policy = local.trigger_chain_policy_json

  lifecycle {
    precondition {
      condition     = var.chained_trigger_timeout_ms + var.trigger_store_timeout_ms <= 4500
      error_message = "chained_trigger_timeout_ms + trigger_store_timeout_ms must not exceed 4500 ms: Cognito waits 5 s for the whole trigger."
    }
  }
}

