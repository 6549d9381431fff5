# Chaining the user pool's existing pre-token-generation function. A pool has one pre-token-generation trigger;
# when it already has one (custom claims, tenant ids, roles), name that function here and wire this module's
# trigger into the pool instead: the module's trigger invokes the named function with the same event, merges both
# answers (the named function wins, except on the session claim) and fails the sign-in when the named function
# fails (docs/token-trigger.md, "Pools that already have a trigger").

variable "chained_pre_token_generation_function_arn" {
  description = "ARN of the pool's existing pre-token-generation Lambda function (optionally with a version or alias), which the module's token trigger invokes with the same event and whose answer it merges with its own: its overrides win, except on the session claim; its failure fails the sign-in. The token trigger's role gets `lambda:InvokeFunction` on exactly this ARN. `null` (default): no chaining."
  type        = string
  default     = null

  validation {
    condition     = var.chained_pre_token_generation_function_arn == null || can(regex("^arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]{1,64}(:(\\$LATEST|[A-Za-z0-9_-]{1,128}))?$", var.chained_pre_token_generation_function_arn))
    error_message = "chained_pre_token_generation_function_arn must be a Lambda function ARN, e.g. arn:aws:lambda:eu-west-1:123456789012:function:my-pre-token-trigger (a version or alias suffix is allowed)."
  }
}

variable "chained_trigger_timeout_ms" {
  description = "Deadline for the chained function's answer, in milliseconds (100–4500). Cognito waits 5 s for the whole trigger, so this plus `trigger_store_timeout_ms` must stay at or below 4500; past it the sign-in fails."
  type        = number
  default     = 3000
  nullable    = false

  validation {
    condition     = var.chained_trigger_timeout_ms >= 100 && var.chained_trigger_timeout_ms <= 4500 && floor(var.chained_trigger_timeout_ms) == var.chained_trigger_timeout_ms
    error_message = "chained_trigger_timeout_ms must be a whole number between 100 and 4500."
  }
}

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

output "trigger_chain" {
  description = "The chained pre-token-generation function, when set: its ARN, the deadline and the extra policy (JSON) on the token trigger's role. `null` when no function is chained."
  value = var.create && local.trigger_chained ? {
    function_arn = var.chained_pre_token_generation_function_arn
    timeout_ms   = var.chained_trigger_timeout_ms
    policy_json  = local.trigger_chain_policy_json
  } : null
}
