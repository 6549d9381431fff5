# RFC 7662 token introspection (docs/introspection.md): a Lambda function URL that gateways (Kong's introspection
# plugin, Envoy through an adapter, any RFC 7662 client) ask whether a token is active — verified AND not revoked,
# with the authorizer's own check. Callers authenticate with a Cognito machine-to-machine access token holding a
# dedicated scope, verified inside the function: the URL's auth type is NONE because those gateways cannot sign
# requests with SigV4. Reserved concurrency bounds what unauthenticated requests can cost.
#
# Off by default (`introspection = null`); nothing with `create = false`.

variable "introspection" {
  description = <<-EOT
    RFC 7662 introspection endpoint (opt-in; null = off). `caller_client_ids`: the M2M app clients (client-credentials
    grant) allowed to call; `caller_scope`: the resource-server scope their token must hold. `staleness_seconds` (0–10):
    answers carry `Cache-Control: private, max-age=S` (0: `no-store`). `fail_mode`: `closed` answers 503 when the table
    cannot answer, `open` answers by the JWT alone during an outage.
  EOT
  type = object({
    caller_client_ids              = list(string)
    caller_scope                   = optional(string, "cognito-revocation/introspect")
    fail_mode                      = optional(string, "closed")
    staleness_seconds              = optional(number, 0)
    store_timeout_ms               = optional(number, 800)
    memory_size                    = optional(number, 256)
    timeout_seconds                = optional(number, 5)
    reserved_concurrent_executions = optional(number, 50)
  })
  default = null

  validation {
    condition     = var.introspection == null || (length(try(var.introspection.caller_client_ids, [])) > 0 && alltrue([for c in try(var.introspection.caller_client_ids, []) : can(regex("^[\\w+]{1,128}$", c))]))
    error_message = "introspection.caller_client_ids lists at least one app client id (the M2M clients allowed to introspect)."
  }

  validation {
    condition     = var.introspection == null || (contains(["closed", "open"], try(var.introspection.fail_mode, "closed")) && try(var.introspection.staleness_seconds, 0) >= 0 && try(var.introspection.staleness_seconds, 0) <= 10 && try(var.introspection.store_timeout_ms, 800) >= 50 && try(var.introspection.store_timeout_ms, 800) <= 5000)
    error_message = "introspection: fail_mode closed or open, staleness_seconds 0–10, store_timeout_ms 50–5000."
  }
}

locals {
  introspection_enabled = var.create && var.introspection != null

  # The environment contract of lambdas/config/contract.ts for the introspection function, exactly.
  introspection_environment = {
    USER_POOL_ID                 = var.user_pool_id
    CLIENT_IDS                   = join(",", var.client_ids)
    TABLE_NAME                   = local.table_name
    SESSION_CLAIM                = var.session_claim
    FAIL_MODE                    = try(var.introspection.fail_mode, "closed")
    STORE_TIMEOUT_MS             = tostring(try(var.introspection.store_timeout_ms, 800))
    REVOCATION_STALENESS_SECONDS = tostring(try(var.introspection.staleness_seconds, 0))
    CALLER_CLIENT_IDS            = join(",", try(var.introspection.caller_client_ids, []))
    CALLER_SCOPE                 = try(var.introspection.caller_scope, "cognito-revocation/introspect")
    JWKS_URI                     = ""
    LOG_LEVEL                    = var.log_level
    METRICS_NAMESPACE            = var.metrics_namespace
  }

  # The authorizer's read: one Query of the user's revocations per introspection; nothing else.
  introspection_policy_statements = concat([{
    sid       = "ReadBlocklist"
    actions   = ["dynamodb:Query"]
    resources = [module.table.arn]
  }], local.kms_read)

  introspection_role_name = "${substr("${var.name_prefix}-introspection", 0, min(length("${var.name_prefix}-introspection"), 63 - length(local.region)))}-${local.region}"
}

module "introspection" {
  source = "./modules/function"
  count  = local.introspection_enabled ? 1 : 0

  create                         = var.create
  name                           = "${var.name_prefix}-introspection"
  description                    = "RFC 7662 token introspection with revocation (cognito-revocation)."
  package_file                   = "${local.package_dir}/introspection.zip"
  s3_existing_package            = null
  runtime                        = var.runtime
  architecture                   = var.architecture
  memory_size                    = var.introspection.memory_size
  timeout                        = var.introspection.timeout_seconds
  reserved_concurrent_executions = var.introspection.reserved_concurrent_executions
  environment                    = local.introspection_environment
  policy_statements              = local.introspection_policy_statements
  log_retention_in_days          = var.log_retention_in_days
  kms_key_arn                    = var.kms_key_arn
  tags                           = var.tags

  partition                  = local.partition
  role_name                  = local.introspection_role_name
  role_path                  = var.role_path
  role_permissions_boundary  = var.role_permissions_boundary
  tracing_mode               = var.tracing_mode
  vpc_subnet_ids             = var.vpc_subnet_ids
  vpc_security_group_ids     = var.vpc_security_group_ids
  cloudwatch_logs_kms_key_id = local.logs_kms_key_id
}

resource "aws_lambda_function_url" "introspection" {
  count = local.introspection_enabled ? 1 : 0

  function_name      = module.introspection[0].function_name
  authorization_type = "NONE"
}

# A URL with auth type NONE needs a public grant of InvokeFunctionUrl (Lambda guide, "Control access to Lambda
# function URLs"); the caller's M2M token is checked inside the function.
resource "aws_lambda_permission" "introspection_url" {
  count = local.introspection_enabled ? 1 : 0

  statement_id           = "FunctionUrlCallersAuthenticateInside"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = module.introspection[0].function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

output "introspection" {
  description = "The RFC 7662 introspection endpoint, when enabled: its URL, function name and ARN, and its role policy. `null` when off."
  value = local.introspection_enabled ? {
    url           = aws_lambda_function_url.introspection[0].function_url
    function_name = module.introspection[0].function_name
    function_arn  = module.introspection[0].function_arn
    role_policy   = module.introspection[0].policy_json
  } : null
}
