# Shared Signals receiver (docs/shared-signals.md): the push endpoint (RFC 8935) an upstream identity provider's
# transmitter delivers Security Event Tokens to. A CAEP session-revoked / credential-change or RISC account-disabled,
# account-purged or credential-compromise event about a user of the pool revokes that user everywhere.
#
# The route is on one of the team's APIs with NO authorizer: the transmitter cannot present a Cognito token, and its
# authentication is the SET's signature, which the function verifies. A route (rather than a Lambda function URL)
# keeps the invoke permission scoped to that one route and gives the API's throttling, access logs and custom domain;
# docs/shared-signals.md "Why a route on your API" says why.
#
# Off by default (`shared_signals = null`); nothing with `create = false`.

locals {
  shared_signals_enabled   = var.create && var.shared_signals != null
  shared_signals_http_apis = local.shared_signals_enabled ? var.shared_signals.http_apis : {}
  shared_signals_rest_apis = local.shared_signals_enabled ? var.shared_signals.rest_apis : {}

  # The environment contract of lambdas/config/contract.ts for the shared-signals function, exactly.
  shared_signals_environment = {
    TABLE_NAME                     = local.table_name
    USER_POOL_ID                   = var.user_pool_id
    TOKEN_LIFETIME_SECONDS         = tostring(var.token_lifetime_seconds)
    REFRESH_TOKEN_LIFETIME_SECONDS = tostring(var.refresh_token_lifetime_seconds)
    UPSTREAM_ISSUER                = try(var.shared_signals.issuer, "")
    UPSTREAM_AUDIENCE              = join(",", try(var.shared_signals.audience, []))
    UPSTREAM_JWKS_URI              = try(coalesce(var.shared_signals.jwks_uri), "")
    UPSTREAM_METADATA_URL          = try(coalesce(var.shared_signals.metadata_url), "")
    UPSTREAM_ALGORITHMS            = join(",", try(var.shared_signals.algorithms, ["RS256", "ES256"]))
    UPSTREAM_PROVIDER_NAME         = try(coalesce(var.shared_signals.provider_name), "")
    MAX_BODY_BYTES                 = tostring(try(var.shared_signals.max_body_bytes, 16384))
    SET_MAX_AGE_SECONDS            = tostring(try(var.shared_signals.set_max_age_seconds, 900))
    CACHE_FLUSH_TARGETS            = jsonencode(local.cache_flush_targets) # cache.tf
    LOG_LEVEL                      = var.log_level
    METRICS_NAMESPACE              = var.metrics_namespace
  }

  # Least privilege: revoke users of this pool (the watermark, the session records, the hint: Query, GetItem,
  # PutItem, BatchWriteItem), remember and release SET ids (PutItem, DeleteItem); look users up and sign them out of
  # Cognito in this one pool.
  shared_signals_policy_statements = concat([
    {
      sid       = "RevokeUsersAndRememberSets"
      actions   = ["dynamodb:BatchWriteItem", "dynamodb:DeleteItem", "dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"]
      resources = [module.table.arn]
    },
    {
      sid       = "LookUpAndSignOutUsersOfOnePool"
      actions   = ["cognito-idp:AdminGetUser", "cognito-idp:AdminUserGlobalSignOut", "cognito-idp:ListUsers"]
      resources = [local.user_pool_arn]
    },
  ], local.kms_read_write, local.cache_flush_policy_statements) # cache_flush_policy_statements: cache.tf
}
