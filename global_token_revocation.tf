# OAuth Global Token Revocation (docs/global-token-revocation.md): the endpoint an upstream identity provider calls
# (draft-parecki-oauth-global-token-revocation; Okta's Universal Logout) to end every session of one user. The caller
# authenticates with a bearer token the provider issued (issuer, audience, a dedicated scope), verified by the
# function.
#
# The route is on one of the team's APIs with NO authorizer: the caller's token is the provider's, not a Cognito
# token; the function verifies it. A route rather than a Lambda function URL for the reasons in
# docs/shared-signals.md "Why a route on your API".
#
# Off by default (`global_token_revocation = null`); nothing with `create = false`.

locals {
  global_token_revocation_enabled   = var.create && var.global_token_revocation != null
  global_token_revocation_http_apis = local.global_token_revocation_enabled ? var.global_token_revocation.http_apis : {}
  global_token_revocation_rest_apis = local.global_token_revocation_enabled ? var.global_token_revocation.rest_apis : {}

  # The environment contract of lambdas/config/contract.ts for the global-token-revocation function, exactly.
  global_token_revocation_environment = {
    TABLE_NAME                     = local.table_name
    USER_POOL_ID                   = var.user_pool_id
    TOKEN_LIFETIME_SECONDS         = tostring(var.token_lifetime_seconds)
    REFRESH_TOKEN_LIFETIME_SECONDS = tostring(var.refresh_token_lifetime_seconds)
    UPSTREAM_ISSUER                = try(var.global_token_revocation.issuer, "")
    UPSTREAM_AUDIENCE              = join(",", try(var.global_token_revocation.audience, []))
    UPSTREAM_JWKS_URI              = try(coalesce(var.global_token_revocation.jwks_uri), "")
    UPSTREAM_METADATA_URL          = try(coalesce(var.global_token_revocation.metadata_url), "")
    UPSTREAM_ALGORITHMS            = join(",", try(var.global_token_revocation.algorithms, ["RS256", "ES256"]))
    UPSTREAM_PROVIDER_NAME         = try(coalesce(var.global_token_revocation.provider_name), "")
    MAX_BODY_BYTES                 = tostring(try(var.global_token_revocation.max_body_bytes, 16384))
    REQUIRED_SCOPE                 = try(var.global_token_revocation.scope, "")
    CACHE_FLUSH_TARGETS            = jsonencode(local.cache_flush_targets) # cache.tf
    LOG_LEVEL                      = var.log_level
    METRICS_NAMESPACE              = var.metrics_namespace
  }

  # Least privilege: revoke users of this pool (the watermark, the session records, the hint: Query, GetItem,
  # PutItem, BatchWriteItem); look users up and sign them out of Cognito in this one pool.
  global_token_revocation_policy_statements = concat([
    {
      sid       = "RevokeUsers"
      actions   = ["dynamodb:BatchWriteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      resources = [module.table.arn]
    },
    {
      sid       = "LookUpAndSignOutUsersOfOnePool"
      actions   = ["cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:ListUsers"]
      resources = [local.user_pool_arn]
    },
  ], local.kms_read_write, local.cache_flush_policy_statements) # cache_flush_policy_statements: cache.tf
}
