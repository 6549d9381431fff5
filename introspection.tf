# RFC 7662 token introspection (docs/introspection.md): a Lambda function URL that gateways (Kong's introspection
# plugin, Envoy through an adapter, any RFC 7662 client) ask whether a token is active — verified AND not revoked,
# with the authorizer's own check. Callers authenticate with a Cognito machine-to-machine access token holding a
# dedicated scope, verified inside the function: the URL's auth type is NONE because those gateways cannot sign
# requests with SigV4. Reserved concurrency bounds what unauthenticated requests can cost.
#
# Off by default (`introspection = null`); nothing with `create = false`.

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
}

resource "aws_lambda_function_url" "introspection" {
  count = local.introspection_enabled ? 1 : 0

  function_name      = module.function["introspection"].function_name
  authorization_type = "NONE"
}

# A URL with auth type NONE needs a public grant of InvokeFunctionUrl (Lambda guide, "Control access to Lambda
# function URLs"); the caller's M2M token is checked inside the function.
resource "aws_lambda_permission" "introspection_url" {
  count = local.introspection_enabled ? 1 : 0

  statement_id           = "FunctionUrlCallersAuthenticateInside"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = module.function["introspection"].function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

