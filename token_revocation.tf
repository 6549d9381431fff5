# RFC 7009 token revocation (docs/introspection.md), beside the introspection endpoint and authenticated the same
# way (a Cognito M2M access token with a dedicated scope, checked inside the function; URL auth type NONE).
# Access / ID token → that token's revocation entry through the revocation service (read back before 200);
# refresh token → its whole family: learned from Cognito (GetTokensFromRefreshToken), the family entry through the
# revocation service (read back), then Cognito's RevokeToken. Both Cognito operations are public, authorized by the
# token and the app client's own credentials: no IAM action exists to grant.
#
# Off by default (`token_revocation = null`); nothing with `create = false`.

locals {
  token_revocation_enabled = var.create && var.token_revocation != null

  # The environment contract of lambdas/config/contract.ts for the token revocation function, exactly.
  token_revocation_environment = {
    USER_POOL_ID                   = var.user_pool_id
    CLIENT_IDS                     = join(",", var.client_ids)
    TABLE_NAME                     = local.table_name
    SESSION_CLAIM                  = var.session_claim
    TOKEN_LIFETIME_SECONDS         = tostring(var.token_lifetime_seconds)
    REFRESH_TOKEN_LIFETIME_SECONDS = tostring(var.refresh_token_lifetime_seconds)
    CALLER_CLIENT_IDS              = join(",", try(var.token_revocation.caller_client_ids, []))
    CALLER_SCOPE                   = try(var.token_revocation.caller_scope, "cognito-revocation/revoke")
    CACHE_FLUSH_TARGETS            = jsonencode(local.cache_flush_targets) # cache.tf
    JWKS_URI                       = ""
    LOG_LEVEL                      = var.log_level
    METRICS_NAMESPACE              = var.metrics_namespace
  }

  # One token's entry (conditional PutItem), its hint (PutItem), the read-back (Query; GetItem on the merge path);
  # the listed stages' cache flushes. No Cognito action: RevokeToken is authorized by the token itself.
  token_revocation_policy_statements = concat([{
    sid       = "RevokeOneToken"
    actions   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
    resources = [module.table.arn]
  }], local.kms_read_write, local.cache_flush_policy_statements)
}

resource "aws_lambda_function_url" "token_revocation" {
  count = local.token_revocation_enabled ? 1 : 0

  function_name      = module.function["token_revocation"].function_name
  authorization_type = "NONE"
}

resource "aws_lambda_permission" "token_revocation_url" {
  count = local.token_revocation_enabled ? 1 : 0

  statement_id           = "FunctionUrlCallersAuthenticateInside"
  action                 = "lambda:InvokeFunctionUrl"
  function_name          = module.function["token_revocation"].function_name
  principal              = "*"
  function_url_auth_type = "NONE"
}

